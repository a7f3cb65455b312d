"""Two ways to reach agentsdb that give identical results.

`PostgresTransport` runs each call over psycopg exactly as PostgREST runs a request (one
transaction, `set local role`, `request.jwt.claims`), so RLS decides as it does behind the
API. `SupabaseTransport` sends the same call through supabase-py to a project's PostgREST.

A call names a table or function in the `public` schema, the columns to return (a column
may carry a `::text` cast, which PostgREST also understands; the client casts money to text
so it stays exact over JSON), equality or comparison filters, an order and a limit.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from .errors import AgentsDBError, InvalidInput, NotFound, TransportError, error_for
from .request import claims_for, request
from .text import connect_error, redact

OPERATORS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


@dataclass(frozen=True)
class Filter:
    column: str
    op: str  # eq, neq, gt, gte, lt, lte, is (null only), in
    value: Any

    def __post_init__(self):
        if self.op not in (*OPERATORS, "is", "in"):
            raise ValueError(f"unknown filter operator {self.op!r}")
        if self.op == "is" and self.value is not None:
            raise ValueError("the `is` filter takes only None")


@dataclass(frozen=True)
class JsonValue:
    """A value for a json/jsonb column that is not a dict (a string, number, list...)."""

    value: Any


def eq(column: str, value: Any) -> Filter:
    return Filter(column, "eq", value)


@dataclass(frozen=True)
class Order:
    column: str
    desc: bool = False


class Transport(Protocol):
    def select(
        self,
        table: str,
        columns: Sequence[str],
        filters: Sequence[Filter] = (),
        order: Sequence[Order] = (),
        limit: int | None = None,
    ) -> list[dict[str, Any]]: ...

    def insert(self, table: str, row: Mapping[str, Any], columns: Sequence[str]) -> dict: ...

    def update(
        self,
        table: str,
        values: Mapping[str, Any],
        filters: Sequence[Filter],
        columns: Sequence[str],
    ) -> list[dict[str, Any]]: ...

    def delete(self, table: str, filters: Sequence[Filter]) -> int: ...

    def upsert(self, table: str, rows: Sequence[Mapping[str, Any]], on_conflict: str) -> int: ...

    def rpc(
        self, function: str, args: Mapping[str, Any], columns: Sequence[str] | None = None
    ) -> Any: ...

    def caller_id(self) -> str | None: ...


# -- psycopg ------------------------------------------------------------------------------


def _column(spec: str) -> sql.Composable:
    name, _, cast = spec.partition("::")
    if cast and cast != "text":
        raise ValueError(f"only ::text casts are supported, got {spec!r}")
    ident = sql.Identifier(name)
    return sql.SQL("{}::text as {}").format(ident, ident) if cast else ident


def _columns(specs: Sequence[str]) -> sql.Composable:
    return sql.SQL(", ").join(_column(c) for c in specs)


def _param(value: Any) -> Any:
    if isinstance(value, JsonValue):
        return Jsonb(value.value)
    return Jsonb(value) if isinstance(value, dict) else value


def _where(filters: Sequence[Filter]) -> tuple[sql.Composable, list[Any]]:
    if not filters:
        return sql.SQL(""), []
    parts, params = [], []
    for f in filters:
        col = sql.Identifier(f.column)
        if f.op == "is":
            parts.append(sql.SQL("{} is null").format(col))
        elif f.op == "in":
            parts.append(sql.SQL("{} = any(%s)").format(col))
            params.append(list(f.value))
        else:
            parts.append(sql.SQL("{} {} %s").format(col, sql.SQL(OPERATORS[f.op])))
            params.append(_param(f.value))
    return sql.SQL(" where ") + sql.SQL(" and ").join(parts), params


def _translate(exc: psycopg.Error) -> AgentsDBError:
    if isinstance(exc, psycopg.OperationalError) and exc.sqlstate is None:
        return TransportError(None, f"cannot reach the database: {exc}".strip())
    if isinstance(exc, psycopg.DataError) and exc.sqlstate is None:
        # psycopg refuses to send a NUL character in text; the server would refuse the same
        # byte with 22021 (character_not_in_repertoire).
        return InvalidInput("22021", str(exc))
    diag = exc.diag
    return error_for(
        exc.sqlstate, diag.message_primary or str(exc), diag.message_hint, diag.message_detail
    )


class PostgresTransport:
    """psycopg, one PostgREST-style request per call.

    `role` is anon, authenticated or service_role; `user_id` is the JWT `sub` of a signed-in
    user. The connection (a DSN, or an open psycopg connection that the caller owns) must log
    in as a role that is a member of the API roles: `postgres` or `authenticator`.
    """

    def __init__(
        self,
        conninfo: str | psycopg.Connection,
        role: str = "anon",
        user_id: UUID | str | None = None,
        extra_claims: Mapping[str, Any] | None = None,
    ):
        self.claims = claims_for(role, user_id, **(extra_claims or {}))
        self._owned = isinstance(conninfo, str)
        self._conninfo = conninfo
        self._signatures: dict[str, tuple[dict[str, str], bool]] = {}

    def __repr__(self) -> str:
        return f"PostgresTransport(role={self.claims['role']!r}, sub={self.claims.get('sub')!r})"

    def caller_id(self) -> str | None:
        return self.claims.get("sub")

    def _conn(self) -> psycopg.Connection:
        if isinstance(self._conninfo, str):
            failure = None
            try:
                self._conninfo = psycopg.connect(self._conninfo, row_factory=dict_row)
            except psycopg.Error as exc:  # never the DSN's password, nor the error holding it
                failure = connect_error(exc, self._conninfo)
            if failure:  # raised outside the handler: no __context__ keeps the raw error
                raise TransportError(None, f"cannot connect: {failure}")
        return self._conninfo

    def close(self) -> None:
        if self._owned and not isinstance(self._conninfo, str):
            self._conninfo.close()

    def _run(self, query: sql.Composable, params: Sequence[Any], read_only: bool = False):
        conn = self._conn()
        restore = conn.read_only
        if conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
            conn.read_only = read_only  # GET requests run read-only, as in PostgREST
        try:
            with request(conn, self.claims), conn.cursor(row_factory=dict_row) as cur:
                cur.execute(query, params)
                return cur.fetchall() if cur.description else []
        except psycopg.Error as exc:
            raise _translate(exc) from exc
        except UnicodeEncodeError as exc:  # a lone surrogate in a str cannot be sent as UTF-8
            raise InvalidInput(
                "22021", f"a text value is not valid Unicode: {exc.reason} at {exc.start}"
            ) from exc
        finally:
            if conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
                conn.read_only = restore

    def select(self, table, columns, filters=(), order=(), limit=None):
        where, params = _where(filters)
        query = sql.SQL("select {} from {}{}").format(
            _columns(columns), sql.Identifier("public", table), where
        )
        if order:
            query += sql.SQL(" order by ") + sql.SQL(", ").join(
                sql.SQL("{} {}").format(
                    sql.Identifier(o.column), sql.SQL("desc" if o.desc else "asc")
                )
                for o in order
            )
        if limit is not None:
            query += sql.SQL(" limit {}").format(sql.Literal(int(limit)))
        return self._run(query, params, read_only=True)

    def insert(self, table, row, columns):
        query = sql.SQL("insert into {} ({}) values ({}) returning {}").format(
            sql.Identifier("public", table),
            sql.SQL(", ").join(map(sql.Identifier, row)),
            sql.SQL(", ").join(sql.Placeholder() for _ in row),
            _columns(columns),
        )
        return self._run(query, [_param(v) for v in row.values()])[0]

    def update(self, table, values, filters, columns):
        where, params = _where(filters)
        query = sql.SQL("update {} set {}{} returning {}").format(
            sql.Identifier("public", table),
            sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(k)) for k in values),
            where,
            _columns(columns),
        )
        return self._run(query, [*map(_param, values.values()), *params])

    def delete(self, table, filters):
        where, params = _where(filters)
        query = sql.SQL("delete from {}{} returning 1").format(
            sql.Identifier("public", table), where
        )
        return len(self._run(query, params))

    def upsert(self, table, rows, on_conflict):
        if not rows:
            return 0
        columns = list(dict.fromkeys(k for row in rows for k in row))
        idents = sql.SQL(", ").join(map(sql.Identifier, columns))
        query = sql.SQL(
            "insert into {table} ({cols}) select {cols} from"
            " jsonb_populate_recordset(null::{table}, %s) on conflict ({key}) do update set {set}"
            " returning 1"
        ).format(
            table=sql.Identifier("public", table),
            cols=idents,
            key=sql.Identifier(on_conflict),
            set=sql.SQL(", ").join(
                sql.SQL("{c} = excluded.{c}").format(c=sql.Identifier(c))
                for c in columns
                if c != on_conflict
            ),
        )
        return len(self._run(query, [Jsonb([dict(r) for r in rows])]))

    def _signature(self, function: str) -> tuple[dict[str, str], bool]:
        """Argument types by name, and whether the function returns rows, read from the
        catalog as PostgREST does; one lookup per function."""
        if function not in self._signatures:
            rows = self._run(
                sql.SQL(
                    "select coalesce(p.proargnames, '{}') as names,"
                    " p.proargtypes::regtype[]::text[] as types,"
                    " p.proretset or t.typtype in ('c', 'p') as returns_rows"
                    " from pg_proc as p join pg_type as t on t.oid = p.prorettype"
                    " where p.pronamespace = 'public'::regnamespace and p.proname = %s"
                ),
                [function],
                read_only=True,
            )
            if len(rows) != 1:
                raise NotFound("PGRST202", f"no single function public.{function} found")
            row = rows[0]
            types = dict(zip(row["names"], row["types"], strict=False))
            self._signatures[function] = (types, row["returns_rows"])
        return self._signatures[function]

    def rpc(self, function, args, columns=None):
        types, returns_rows = self._signature(function)
        unknown = sorted(set(args) - set(types))
        if unknown:
            raise NotFound(
                "PGRST202", f"public.{function} has no argument named {', '.join(unknown)}"
            )
        call = sql.SQL("{}({})").format(
            sql.Identifier("public", function),
            sql.SQL(", ").join(
                sql.SQL("{} => %s::{}").format(sql.Identifier(k), sql.SQL(types[k])) for k in args
            ),
        )
        params = [_param(v) for v in args.values()]
        if not returns_rows:  # one value, as PostgREST returns it
            return self._run(sql.SQL("select {} as value").format(call), params)[0]["value"]
        select = _columns(columns) if columns else sql.SQL("*")
        return self._run(sql.SQL("select {} from {} as r").format(select, call), params)


# -- supabase-py ----------------------------------------------------------------------------


def _api_error(exc: Exception) -> AgentsDBError:
    code = getattr(exc, "code", None)
    message = getattr(exc, "message", None) or str(exc)
    return error_for(code, message, getattr(exc, "hint", None), getattr(exc, "details", None))


def _json_safe(value: Any) -> Any:
    def default(obj: Any) -> Any:
        return obj.value if isinstance(obj, JsonValue) else str(obj)

    return json.loads(json.dumps(value, default=default))


def _jwt_sub(token: str | None) -> str | None:
    """The `sub` claim of a JWT, read without verifying it (the API verifies it)."""
    if not token or token.count(".") != 2:
        return None
    payload = token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return None
    return claims.get("sub") if isinstance(claims, dict) else None


class SupabaseTransport:
    """supabase-py against a project's API. `key` is the anon key (with `access_token` for a
    signed-in user) or the service role key. The token is set again before every request,
    since supabase-py rebuilds its PostgREST client on its own auth events."""

    def __init__(self, url: str, key: str, access_token: str | None = None, client=None):
        from supabase import create_client  # imported here: only this transport needs it

        self._key = key
        self._token = access_token
        self.client = client or create_client(url, key)

    def __repr__(self) -> str:
        return f"SupabaseTransport(user_token={'set' if self._token else 'none'})"

    def caller_id(self) -> str | None:
        return _jwt_sub(self._token)

    @property
    def _rest(self):
        rest = self.client.postgrest
        rest.auth(self._token or self._key)
        return rest

    @staticmethod
    def _filtered(builder, filters: Sequence[Filter]):
        for f in filters:
            if f.op == "is":
                builder = builder.is_(f.column, "null")
            elif f.op == "in":
                builder = builder.in_(f.column, list(f.value))
            else:
                builder = getattr(builder, f.op)(f.column, _json_safe(f.value))
        return builder

    def _execute(self, builder):
        failure = None
        try:
            return builder.execute().data
        except Exception as exc:  # postgrest.APIError and httpx errors
            if type(exc).__name__ == "APIError":
                raise _api_error(exc) from exc
            # httpx quotes a header it refuses, key or token included: redacted, and raised
            # outside the handler so no __context__ keeps the raw error.
            failure = redact(str(exc), [self._key, self._token])
        raise TransportError(None, f"cannot reach the API: {failure}")

    def select(self, table, columns, filters=(), order=(), limit=None):
        builder = self._filtered(self._rest.from_(table).select(",".join(columns)), filters)
        for o in order:
            builder = builder.order(o.column, desc=o.desc)
        if limit is not None:
            builder = builder.limit(limit)
        return self._execute(builder)

    def insert(self, table, row, columns):
        builder = self._rest.from_(table).insert(_json_safe(dict(row))).select(",".join(columns))
        return self._execute(builder)[0]

    def update(self, table, values, filters, columns):
        builder = self._rest.from_(table).update(_json_safe(dict(values)))
        builder = self._filtered(builder, filters).select(",".join(columns))
        return self._execute(builder)

    def delete(self, table, filters):
        builder = self._filtered(self._rest.from_(table).delete(), filters)
        return len(self._execute(builder) or [])

    def upsert(self, table, rows, on_conflict):
        if not rows:
            return 0
        builder = self._rest.from_(table).upsert(
            _json_safe([dict(r) for r in rows]), on_conflict=on_conflict, default_to_null=False
        )
        return len(self._execute(builder) or [])

    def rpc(self, function, args, columns=None):
        builder = self._rest.rpc(function, _json_safe(dict(args)))
        if columns is not None:
            builder = builder.select(",".join(columns))
        return self._execute(builder)
