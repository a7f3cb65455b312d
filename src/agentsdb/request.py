"""Run SQL the way PostgREST runs a request, so RLS decides exactly as behind the API.

PostgREST opens one transaction per request, sets the role from the JWT's `role` claim
(anon when there is no JWT) and `request.jwt.claims` to the whole payload, both
transaction-locally, runs the query, and commits.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import tuple_row

API_ROLES = ("anon", "authenticated", "service_role")


def claims_for(role: str, user_id: UUID | str | None = None, **extra: Any) -> dict[str, Any]:
    """The JWT payload Supabase Auth would issue (only the claims policies read)."""
    if role not in API_ROLES:
        raise ValueError(f"role must be one of {', '.join(API_ROLES)}, got {role!r}")
    claims: dict[str, Any] = {"role": role, **extra}
    if user_id is not None:
        claims["sub"] = str(user_id)
        claims.setdefault("aud", "authenticated")
    return claims


# The impersonated role's timeouts as PostgREST finds them: the `authenticator` login's
# statement_timeout and lock_timeout, overridden by the role's own; database-specific
# settings before global ones.
_ROLE_TIMEOUTS_SQL = (
    "select t.name, t.value from ("
    "   select distinct on (split_part(c, '=', 1))"
    "     split_part(c, '=', 1) as name, substr(c, strpos(c, '=') + 1) as value"
    "   from pg_catalog.pg_db_role_setting as s, unnest(s.setconfig) as c"
    "   where s.setrole in (to_regrole('authenticator'), to_regrole(%(role)s))"
    "     and s.setdatabase in (0, (select oid from pg_catalog.pg_database"
    "                              where datname = current_database()))"
    "     and split_part(c, '=', 1) in ('statement_timeout', 'lock_timeout')"
    "   order by split_part(c, '=', 1), s.setrole = to_regrole(%(role)s) desc,"
    "     s.setdatabase desc) as t"
    " order by t.name"
)

Timeouts = tuple[tuple[str, str], ...]

# Per connection and role, read once: PostgREST reads the role settings when it loads its
# configuration, not per request, and sends them with each request as literal values.
_role_timeouts: weakref.WeakKeyDictionary[Any, dict[str, Timeouts]] = weakref.WeakKeyDictionary()


def _request_statement(claims: dict[str, Any], timeouts: Timeouts) -> tuple[str, list[Any]]:
    """The one statement that sets a request's role, claims and timeouts."""
    query = "select set_config('role', %s, true), set_config('request.jwt.claims', %s, true)"
    params: list[Any] = [claims["role"], json.dumps(claims)]
    for name, value in timeouts:
        query += ", set_config(%s, %s, true)"
        params += [name, value]
    return query, params


def set_request(conn: psycopg.Connection, claims: dict[str, Any]) -> None:
    """Inside an open transaction: become the request's role with its claims, under the
    timeouts of a request on Supabase: the `authenticator` login's statement_timeout and
    lock_timeout (8 s each), which every request inherits, overridden by the impersonated
    role's own (anon 3 s, authenticated 8 s), as PostgREST applies them: read once per
    connection and role (PostgREST reads them when it loads its configuration), then one
    statement per request with the values written out, as PostgREST sends them."""
    role = claims["role"]
    known = _role_timeouts.setdefault(conn, {})
    if role not in known:
        with conn.cursor(row_factory=tuple_row) as cur:
            known[role] = tuple(cur.execute(_ROLE_TIMEOUTS_SQL, {"role": role}).fetchall())
    conn.execute(*_request_statement(claims, known[role]))


def clear_request(conn: psycopg.Connection) -> None:
    """Back to the connection's own role, claims and timeouts, in the same transaction."""
    conn.execute(
        "select set_config('role', 'none', true), set_config('request.jwt.claims', '', true),"
        " (select count(set_config(name, reset_val, true)) from pg_catalog.pg_settings"
        "  where name in ('statement_timeout', 'lock_timeout'))"
    )


@contextmanager
def request(
    conn: psycopg.Connection, claims: dict[str, Any], *, read_only: bool = False
) -> Iterator[psycopg.Connection]:
    """One PostgREST-style request: a transaction (a savepoint when one is already open)
    with the role and claims set; committed on success, rolled back on error. `read_only`
    as PostgREST runs reads and calls of STABLE or IMMUTABLE functions: a write is 25006
    (only when the request opens the transaction: a savepoint cannot narrow its outer one
    without changing it for good)."""
    top_level = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    with conn.transaction():
        if read_only and top_level:
            conn.execute("set transaction read only")
        set_request(conn, claims)
        try:
            yield conn
        finally:
            if (
                not conn.broken
                and conn.info.transaction_status != psycopg.pq.TransactionStatus.INERROR
            ):
                clear_request(conn)


class _Statements:
    """Stands in for a connection to collect what clear_request executes, so the async
    request runs exactly the same statements."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, Any]] = []

    def execute(self, query: Any, params: Any = None) -> None:
        self.calls.append((query, params))


def _statements(step, *args: Any) -> list[tuple[Any, Any]]:
    collected = _Statements()
    step(collected, *args)
    return collected.calls


@asynccontextmanager
async def arequest(
    conn: psycopg.AsyncConnection, claims: dict[str, Any], *, read_only: bool = False
) -> AsyncIterator[psycopg.AsyncConnection]:
    """`request` for an async connection: the same transaction, statements and rules."""
    top_level = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    async with conn.transaction():
        if read_only and top_level:
            await conn.execute("set transaction read only")
        role = claims["role"]
        known = _role_timeouts.setdefault(conn, {})
        if role not in known:
            async with conn.cursor(row_factory=tuple_row) as cur:
                await cur.execute(_ROLE_TIMEOUTS_SQL, {"role": role})
                known[role] = tuple(await cur.fetchall())
        await conn.execute(*_request_statement(claims, known[role]))
        try:
            yield conn
        finally:
            if (
                not conn.broken
                and conn.info.transaction_status != psycopg.pq.TransactionStatus.INERROR
            ):
                for query, params in _statements(clear_request):
                    await conn.execute(query, params)
