"""supabase-py against a project's API (PostgREST).

Each transport sends its own caller's credentials with every request: it builds its own
PostgREST client whose headers are set once, at construction, and never changed, sharing
only the supabase client's HTTP connections. It never calls `postgrest.auth()`, which
changes headers every user of a supabase client shares: under threads a request could go
out with another user's token, and the shared client would keep the last user's token.
"""

from __future__ import annotations

import base64
import json
import threading
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from ..errors import AgentsDBError, AuthenticationError, TransportError, error_for
from ..text import redact
from .base import (
    Driven,
    Filter,
    JsonValue,
    check_column,
    check_name,
    check_secret,
    row_limit,
)

# PostgREST's JWT errors: the token is missing, malformed, has a bad signature, or expired.
_AUTH_CODES = {"PGRST300", "PGRST301", "PGRST302", "PGRST303"}


def _api_error(exc: Exception, secrets: tuple[str, ...]) -> AgentsDBError:
    raw = getattr(exc, "code", None)
    message = str(getattr(exc, "message", None) or "")
    hint, details = getattr(exc, "hint", None), getattr(exc, "details", None)
    code = None if raw is None else str(raw)
    if code is None or isinstance(raw, int) or (len(code) == 3 and code.isdigit()):
        # An answer without a PostgREST code: the API gateway (invalid API key, a 5xx page)
        # or a body that is not PostgREST's JSON. supabase-py < 2.34 reports the HTTP
        # status as an integer code, later versions as a three-digit string.
        status = f"HTTP {code}" if code else "an error"
        return TransportError(
            None, redact(f"the API answered with {status}: {message or 'no message'}", secrets)
        )
    message, hint, details = (
        redact(v, secrets) if isinstance(v, str) else v for v in (message, hint, details)
    )
    if code in _AUTH_CODES:
        return AuthenticationError(code, message, hint, details)
    return error_for(code, message, hint, details if isinstance(details, str) else None)


def _scalar(obj: Any) -> Any:
    """Column values JSON has no type for, as PostgREST reads them from text."""
    if isinstance(obj, JsonValue):
        return obj.value
    if isinstance(obj, Decimal | UUID | datetime | date | time):
        return obj.isoformat() if hasattr(obj, "isoformat") else str(obj)
    raise TypeError(f"cannot send a {type(obj).__name__} to the API")


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=_scalar))


def jwt_subject(token: str | None) -> str | None:
    """The `sub` claim of a JWT, read without verifying it (the API verifies it)."""
    if not token or token.count(".") != 2:
        return None
    payload = token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return None
    return claims.get("sub") if isinstance(claims, dict) else None


def request_headers(base: Any, key: str, token: str | None) -> dict[str, str]:
    """The headers of every request of one caller: the supabase client's own (X-Client-Info,
    custom ones), then this caller's key and bearer token."""
    headers = {
        k: v for k, v in dict(base or {}).items() if k.lower() not in ("authorization", "apikey")
    }
    headers["apikey"] = key
    headers["Authorization"] = f"Bearer {token or key}"
    return headers


class SupabaseCalls:
    """The PostgREST request of every call, shared by the blocking and the async transport:
    each method is a generator that yields one request builder and receives its data."""

    _key: str
    _token: str | None

    @staticmethod
    def _filtered(builder, filters: list[Filter] | tuple[Filter, ...]):
        for f in filters:
            if f.op == "is":
                builder = builder.is_(f.column, "null")
            elif f.op == "in":
                builder = builder.in_(f.column, _json_safe(list(f.value)))
            else:
                builder = getattr(builder, f.op)(f.column, _json_safe(f.value))
        return builder

    def _steps_select(self, table, columns, filters=(), order=(), limit=None, offset=0):
        cols = ",".join(check_column(c) for c in columns)
        builder = self._rest.from_(check_name("table", table)).select(cols)
        builder = self._filtered(builder, filters)
        for o in order:
            builder = builder.order(o.column, desc=o.desc)
        start = max(int(offset), 0)
        builder = builder.range(start, start + row_limit(limit) - 1)
        return (yield builder)

    def _steps_insert(self, table, row, columns):
        for name in row:
            check_name("column", name)
        cols = ",".join(check_column(c) for c in columns)
        builder = self._rest.from_(check_name("table", table)).insert(_json_safe(dict(row)))
        data = yield builder.select(cols)
        return data[0]

    def _steps_update(self, table, values, filters, columns):
        if not values:
            raise ValueError("update: no column to change")
        for name in values:
            check_name("column", name)
        cols = ",".join(check_column(c) for c in columns)
        builder = self._rest.from_(check_name("table", table)).update(_json_safe(dict(values)))
        return (yield self._filtered(builder, filters).select(cols))

    def _steps_delete(self, table, filters):
        builder = self._filtered(self._rest.from_(check_name("table", table)).delete(), filters)
        return len((yield builder) or [])

    def _steps_upsert(self, table, rows, on_conflict):
        if not rows:
            return 0
            yield  # a generator all the same
        for key in on_conflict.split(","):
            check_name("on_conflict", key.strip())
        for row in rows:
            for name in row:
                check_name("column", name)
        builder = self._rest.from_(check_name("table", table)).upsert(
            _json_safe([dict(r) for r in rows]), on_conflict=on_conflict, default_to_null=False
        )
        return len((yield builder) or [])

    def _steps_rpc(self, function, args, columns=None):
        check_name("function", function)
        for name in args:
            check_name("argument", name)
        builder = self._rest.rpc(function, _json_safe(dict(args)))
        if columns is not None:
            builder = builder.select(",".join(check_column(c) for c in columns))
        return (yield builder)


class SupabaseTransport(Driven, SupabaseCalls):
    """supabase-py against a project's API. `key` is the anon key (with `access_token` for a
    signed-in user) or the service role key. `client` may be one supabase client shared by
    many transports (many users, many threads): each transport still sends only its own
    credentials."""

    def __init__(self, url: str, key: str, access_token: str | None = None, client=None):
        from postgrest import SyncPostgrestClient  # only this transport needs supabase-py

        from supabase import create_client

        self._key = check_secret("key", key)
        self._token = None if access_token is None else check_secret("access_token", access_token)
        self.client = client or create_client(url, key)
        options = self.client.options
        headers = request_headers(options.headers, self._key, self._token)
        shared_http = options.httpx_client
        self._rest = SyncPostgrestClient(
            str(self.client.rest_url),
            headers=headers,
            schema="public",
            **({"http_client": shared_http} if shared_http is not None else {}),
        )
        self._owns_http = shared_http is None
        self._close_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SupabaseTransport(user_token={'set' if self._token else 'none'})"

    def caller_id(self) -> str | None:
        return jwt_subject(self._token)

    def __enter__(self) -> SupabaseTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._close_lock:
            if self._owns_http:
                self._rest.session.close()
                self._owns_http = False

    def _execute(self, builder):
        secrets = (self._key, self._token or "")
        try:
            return builder.execute().data
        except Exception as exc:  # postgrest.APIError and httpx errors
            if type(exc).__name__ == "APIError":
                raise _api_error(exc, secrets) from None
            raise TransportError(
                None, redact(f"cannot reach the API: {type(exc).__name__}: {exc}", secrets)
            ) from None

    def _drive(self, steps):
        try:
            builder = next(steps)
            while True:
                builder = steps.send(self._execute(builder))
        except StopIteration as done:
            return done.value
