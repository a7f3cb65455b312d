"""Connection pools shared by every client of one database.

A backend keeps many clients (one per user it serves) and calls them from many threads.
Each call borrows a connection of its own for one transaction, so two calls never share a
session (one user's role and claims can never apply to another's query). Clients of the
same DSN share one small pool, so 150 kept clients hold at most `MAX_SIZE` connections;
idle connections close after `MAX_IDLE` seconds; a connection is checked before each use,
so the clients keep working after the server restarts. The pool closes with its last
client.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

MAX_SIZE = 10
MAX_IDLE = 60.0
WAIT = 30.0


@dataclass
class _Shared:
    pool: ConnectionPool
    users: int
    reached_at: float = float("-inf")
    probing: threading.Lock = threading.Lock()


_pools: dict[str, _Shared] = {}
_lock = threading.Lock()


class ServerUnreachable(BaseException):  # noqa: N818
    """A pooled connection failed its check and a new one cannot be made: the server is
    down. A BaseException, because psycopg_pool retries an Exception from the check until
    its timeout; this ends the wait at once. Carries libpq's error."""

    def __init__(self, error: psycopg.Error):
        super().__init__(str(error))
        self.error = error


def _checker(conninfo: str):
    def check(conn: psycopg.Connection) -> None:
        try:
            ConnectionPool.check_connection(conn)
        except Exception:
            # The connection died (a server restart, an idle timeout). If a new one can be
            # made, let the pool replace it; if not, say so now.
            try:
                psycopg.connect(conninfo, connect_timeout=10).close()
            except psycopg.Error as exc:
                raise ServerUnreachable(exc) from None
            raise

    return check


def _configure(conn: psycopg.Connection) -> None:
    conn.autocommit = True  # every call opens its own transaction explicitly


def acquire(conninfo: str) -> ConnectionPool:
    """The pool of `conninfo`, opened on first use; pair every call with `release`."""
    with _lock:
        shared = _pools.get(conninfo)
        if shared is None:
            pool = ConnectionPool(
                conninfo,
                min_size=0,
                max_size=MAX_SIZE,
                max_idle=MAX_IDLE,
                timeout=WAIT,
                kwargs={"row_factory": dict_row},
                configure=_configure,
                check=_checker(conninfo),
                open=False,
                name="agentsdb",
            )
            pool.open(wait=False)
            shared = _pools[conninfo] = _Shared(pool, 0, probing=threading.Lock())
        shared.users += 1
        return shared.pool


def release(conninfo: str, *, wait: bool = True) -> None:
    """One client fewer; the last one closes the pool (in the background when `wait` is
    false: a garbage-collected client may be released on any thread, a pool worker's too)."""
    with _lock:
        shared = _pools.get(conninfo)
        if shared is None:
            return
        shared.users -= 1
        if shared.users > 0:
            return
        del _pools[conninfo]
    if wait:
        shared.pool.close()
    else:
        threading.Thread(target=shared.pool.close, name="agentsdb-pool-close", daemon=True).start()


def reachable(conninfo: str) -> None:
    """Raise libpq's error at once when the pool holds no connection and the server cannot
    be reached (a server that is down, a wrong password), instead of after the pool's
    wait. One probe at a time per pool, at most every few seconds."""
    with _lock:
        shared = _pools.get(conninfo)
    if shared is None or shared.pool.get_stats().get("pool_size", 0) > 0:
        return
    with shared.probing:
        if time.monotonic() - shared.reached_at < 5:
            return
        psycopg.connect(conninfo, connect_timeout=10).close()
        shared.reached_at = time.monotonic()


def in_use() -> dict[str, int]:
    """Clients per pool (for tests and diagnostics; DSNs are not exposed)."""
    with _lock:
        return {str(i): s.users for i, s in enumerate(_pools.values())}


__all__ = [
    "MAX_IDLE",
    "MAX_SIZE",
    "PoolTimeout",
    "ServerUnreachable",
    "acquire",
    "in_use",
    "reachable",
    "release",
]
