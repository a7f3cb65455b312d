"""The supabase transport for asyncio: the same requests as supabase.py (SupabaseCalls),
sent with postgrest-py's async client, each caller with its own fixed headers. `client`
may be one async supabase client (`await supabase.acreate_client(...)`) shared by every
caller: only its HTTP connections are used, never its headers."""

from __future__ import annotations

from ..errors import TransportError
from ..text import redact
from .base import AsyncDriven, check_secret
from .supabase import SupabaseCalls, _api_error, jwt_subject, request_headers


class AsyncSupabaseTransport(AsyncDriven, SupabaseCalls):
    def __init__(self, url: str, key: str, access_token: str | None = None, client=None):
        from postgrest import AsyncPostgrestClient  # only this transport needs supabase-py

        self._key = check_secret("key", key)
        self._token = None if access_token is None else check_secret("access_token", access_token)
        self.client = client
        base_headers = client.options.headers if client is not None else {}
        shared_http = client.options.httpx_client if client is not None else None
        rest_url = str(client.rest_url) if client is not None else url.rstrip("/") + "/rest/v1"
        self._rest = AsyncPostgrestClient(
            rest_url,
            headers=request_headers(base_headers, self._key, self._token),
            schema="public",
            **({"http_client": shared_http} if shared_http is not None else {}),
        )
        self._owns_http = shared_http is None

    def __repr__(self) -> str:
        return f"AsyncSupabaseTransport(user_token={'set' if self._token else 'none'})"

    def caller_id(self) -> str | None:
        return jwt_subject(self._token)

    async def __aenter__(self) -> AsyncSupabaseTransport:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_http:
            self._owns_http = False
            await self._rest.session.aclose()

    async def _execute(self, builder):
        secrets = (self._key, self._token or "")
        try:
            return (await builder.execute()).data
        except Exception as exc:  # postgrest.APIError and httpx errors
            if type(exc).__name__ == "APIError":
                raise _api_error(exc, secrets) from None
            raise TransportError(
                None, redact(f"cannot reach the API: {type(exc).__name__}: {exc}", secrets)
            ) from None

    async def _drive(self, steps):
        try:
            builder = next(steps)
            while True:
                builder = steps.send(await self._execute(builder))
        except StopIteration as done:
            return done.value
