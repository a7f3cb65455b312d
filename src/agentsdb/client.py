"""The agentsdb client: typed methods over either transport, identical results from both,
as a blocking `Client` and an asyncio `AsyncClient` with the same API (the methods are
written once, in operations.py)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Generator, Mapping
from typing import Any
from uuid import UUID

from .operations import Operations
from .transport import (
    AsyncPostgresTransport,
    AsyncSupabaseTransport,
    PostgresTransport,
    SupabaseTransport,
    Transport,
)

# Every public method of the client, in the order of operations.py.
METHODS = tuple(
    name
    for name, _ in inspect.getmembers(Operations, inspect.isfunction)
    if not name.startswith("_")
)


def _run(transport, steps: Generator) -> Any:
    """Run a method's transport calls one after another; a call's error is raised where
    the method made it, so the method can react (create_agent cleans up)."""
    try:
        call = next(steps)
        while True:
            name, args = call
            try:
                result = getattr(transport, name)(*args)
            except Exception as exc:  # noqa: BLE001 - handed back to the method
                call = steps.throw(exc)
            else:
                call = steps.send(result)
    except StopIteration as done:
        return done.value


async def _arun(transport, steps: Generator) -> Any:
    try:
        call = next(steps)
        while True:
            name, args = call
            try:
                result = await getattr(transport, name)(*args)
            except Exception as exc:  # noqa: BLE001 - handed back to the method
                call = steps.throw(exc)
            else:
                call = steps.send(result)
    except StopIteration as done:
        return done.value


def _api_role(user_id: UUID | str | None, service_role: bool) -> str:
    """The API role a direct client acts as: service_role, a signed-in user, or anon."""
    return "service_role" if service_role else ("authenticated" if user_id else "anon")


class Client:
    """One user's (or the service role's) view of agentsdb.

    Build it with `Client.postgres(...)`, `Client.supabase(...)` or `Client.from_env(...)`.
    Everything it returns is typed; every error is an `agentsdb.errors.AgentsDBError`.
    """

    def __init__(self, transport: Transport):
        self.transport = transport
        self._operations = Operations(transport)

    def __repr__(self) -> str:
        return f"Client({self.transport!r})"

    def close(self) -> None:
        """Give back the transport's connections (its share of the DSN's pool)."""
        self.transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def postgres(
        cls, dsn: str, *, user_id: UUID | str | None = None, service_role: bool = False
    ) -> Client:
        """Direct PostgreSQL, each call run as PostgREST runs a request."""
        return cls(PostgresTransport(dsn, _api_role(user_id, service_role), user_id))

    @classmethod
    def supabase(cls, url: str, key: str, *, access_token: str | None = None) -> Client:
        """A Supabase project: the anon key plus a user's access token, or the service key."""
        return cls(SupabaseTransport(url, key, access_token))

    @classmethod
    def from_env(
        cls,
        *,
        user_id: UUID | str | None = None,
        access_token: str | None = None,
        service_role: bool = False,
        dsn: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Client:
        """SUPABASE_URL with SUPABASE_ANON_KEY / SUPABASE_SERVICE_ROLE_KEY when set, else
        `dsn` or DATABASE_URL, read from `env` (default: the project's `.env` overridden by
        the environment; see `agentsdb.config.project_environment`)."""
        from .config import project_environment

        env = project_environment() if env is None else env
        url = env.get("SUPABASE_URL")
        if url:
            key_name = "SUPABASE_SERVICE_ROLE_KEY" if service_role else "SUPABASE_ANON_KEY"
            key = env.get(key_name)
            if not key:
                raise ValueError(f"SUPABASE_URL is set but {key_name} is not")
            if user_id and not access_token:
                raise ValueError("with SUPABASE_URL, acting as a user needs their access token")
            return cls.supabase(url, key, access_token=access_token)
        dsn = dsn or env.get("DATABASE_URL")
        if not dsn:
            raise ValueError("set SUPABASE_URL (and keys) or DATABASE_URL")
        return cls.postgres(dsn, user_id=user_id, service_role=service_role)


class AsyncClient:
    """`Client` for asyncio: the same methods (awaited), checks, errors and answers, over
    `AsyncPostgresTransport` or `AsyncSupabaseTransport`; safe to share between tasks.
    Close it with `await client.aclose()` or `async with`."""

    def __init__(self, transport):
        self.transport = transport
        self._operations = Operations(transport)

    def __repr__(self) -> str:
        return f"AsyncClient({self.transport!r})"

    async def aclose(self) -> None:
        await self.transport.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    @classmethod
    def postgres(
        cls, dsn: str, *, user_id: UUID | str | None = None, service_role: bool = False
    ) -> AsyncClient:
        return cls(AsyncPostgresTransport(dsn, _api_role(user_id, service_role), user_id))

    @classmethod
    def supabase(
        cls, url: str, key: str, *, access_token: str | None = None, client=None
    ) -> AsyncClient:
        """`client`: an async supabase client to share (`await acreate_client(...)`)."""
        return cls(AsyncSupabaseTransport(url, key, access_token, client=client))


def _blocking(name: str):
    operation = getattr(Operations, name)

    @functools.wraps(operation)
    def method(self, *args, **kwargs):
        return _run(self.transport, getattr(self._operations, name)(*args, **kwargs))

    return method


def _awaitable(name: str):
    operation = getattr(Operations, name)

    @functools.wraps(operation)
    async def method(self, *args, **kwargs):
        return await _arun(self.transport, getattr(self._operations, name)(*args, **kwargs))

    return method


for _name in METHODS:
    setattr(Client, _name, _blocking(_name))
    setattr(AsyncClient, _name, _awaitable(_name))
