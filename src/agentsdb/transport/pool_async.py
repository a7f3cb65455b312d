"""pool.py for asyncio: one AsyncConnectionPool per DSN and event loop (an async pool
belongs to the loop that opened it), shared by every async client of that DSN, with the
same limits, checks and fast failure as the blocking pools."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from .pool import MAX_IDLE, MAX_SIZE, WAIT, ServerUnreachable


@dataclass
class _Shared:
    pool: AsyncConnectionPool
    users: int = 0
    reached_at: float = float("-inf")
    probing: asyncio.Lock = field(default_factory=asyncio.Lock)


_pools: dict[tuple[str, int], _Shared] = {}


def _checker(conninfo: str):
    async def check(conn: psycopg.AsyncConnection) -> None:
        try:
            await AsyncConnectionPool.check_connection(conn)
        except Exception:
            try:
                await (await psycopg.AsyncConnection.connect(conninfo, connect_timeout=10)).close()
            except psycopg.Error as exc:
                raise ServerUnreachable(exc) from None
            raise

    return check


async def _configure(conn: psycopg.AsyncConnection) -> None:
    await conn.set_autocommit(True)


def _key(conninfo: str) -> tuple[str, int]:
    return conninfo, id(asyncio.get_running_loop())


async def acquire(conninfo: str) -> AsyncConnectionPool:
    key = _key(conninfo)
    shared = _pools.get(key)
    if shared is None:
        pool = AsyncConnectionPool(
            conninfo,
            min_size=0,
            max_size=MAX_SIZE,
            max_idle=MAX_IDLE,
            timeout=WAIT,
            kwargs={"row_factory": dict_row},
            configure=_configure,
            check=_checker(conninfo),
            open=False,
            name="agentsdb-async",
        )
        shared = _pools[key] = _Shared(pool)
        await pool.open(wait=False)
    shared.users += 1
    return shared.pool


async def release(conninfo: str) -> None:
    key = _key(conninfo)
    shared = _pools.get(key)
    if shared is None:
        return
    shared.users -= 1
    if shared.users > 0:
        return
    del _pools[key]
    await shared.pool.close()


async def reachable(conninfo: str) -> None:
    shared = _pools.get(_key(conninfo))
    if shared is None or shared.pool.get_stats().get("pool_size", 0) > 0:
        return
    async with shared.probing:
        if time.monotonic() - shared.reached_at < 5:
            return
        await (await psycopg.AsyncConnection.connect(conninfo, connect_timeout=10)).close()
        shared.reached_at = time.monotonic()
