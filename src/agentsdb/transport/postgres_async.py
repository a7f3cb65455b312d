"""The psycopg transport for asyncio: the same SQL as postgres.py (PostgresStatements), run
on a connection of its own per call from the DSN's async pool (pool_async.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql

from ..errors import InvalidInput, TransportError
from ..request import arequest, claims_for
from ..text import connect_error
from . import pool_async as pools
from .base import AsyncDriven
from .pool import WAIT, PoolTimeout, ServerUnreachable
from .postgres import PostgresStatements, _translate


class AsyncPostgresTransport(AsyncDriven, PostgresStatements):
    """`PostgresTransport` with async methods; safe to share between tasks. Close it with
    `await transport.aclose()` (or `async with`)."""

    def __init__(
        self,
        conninfo: str,
        role: str = "anon",
        user_id: UUID | str | None = None,
        extra_claims: Mapping[str, Any] | None = None,
    ):
        if not isinstance(conninfo, str):
            raise TypeError("AsyncPostgresTransport takes a DSN (connections come from a pool)")
        self.claims = claims_for(role, user_id, **(extra_claims or {}))
        self._conninfo = conninfo
        self._pool = None
        self._closed = False
        self._signatures = {}

    def __repr__(self) -> str:
        role, sub = self.claims["role"], self.claims.get("sub")
        return f"AsyncPostgresTransport(role={role!r}, sub={sub!r})"

    def caller_id(self) -> str | None:
        return self.claims.get("sub")

    async def __aenter__(self) -> AsyncPostgresTransport:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._pool is not None:
            self._pool = None
            await pools.release(self._conninfo)

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[psycopg.AsyncConnection]:
        if self._closed:
            raise TransportError(None, "this client is closed")
        if self._pool is None:
            self._pool = await pools.acquire(self._conninfo)
        # Raised outside the handlers, as in postgres.py: no raw error in __context__.
        failure = None
        try:
            await pools.reachable(self._conninfo)
        except psycopg.Error as exc:
            failure = "cannot connect: " + connect_error(exc, self._conninfo)
        if failure:
            raise TransportError(None, failure)
        try:
            async with self._pool.connection() as conn:
                yield conn
        except ServerUnreachable as exc:
            failure = "cannot connect: " + connect_error(exc.error, self._conninfo)
        except PoolTimeout:
            failure = f"no database connection free within {WAIT:.0f} s"
        if failure:
            raise TransportError(None, failure)

    async def _run(self, query: sql.Composable, params: Sequence[Any], read_only: bool = False):
        try:
            async with (
                self._connection() as conn,
                arequest(conn, self.claims, read_only=read_only),
                conn.cursor() as cur,
            ):
                await cur.execute(query, params)
                return await cur.fetchall() if cur.description else []
        except psycopg.Error as exc:
            raise _translate(exc) from exc
        except UnicodeEncodeError as exc:
            raise InvalidInput(
                "22021", f"a text value is not valid Unicode: {exc.reason} at {exc.start}"
            ) from exc

    async def _drive(self, steps):
        try:
            query, params, read_only = next(steps)
            while True:
                rows = await self._run(query, params, read_only)
                query, params, read_only = steps.send(rows)
        except StopIteration as done:
            return done.value
