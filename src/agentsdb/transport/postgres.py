"""psycopg, each call run as PostgREST runs a request.

One transaction per call on a connection of its own (borrowed from the DSN's shared pool),
`set local role`, `request.jwt.claims`; READ ONLY for reads and for calls of STABLE or
IMMUTABLE functions; at most max_rows rows per read; JSON null is SQL NULL; an upsert
writes every sent column in its DO UPDATE SET, the conflict key included, and a key a row
lacks takes the column default (PostgREST's `Prefer: missing=default`). What passes here
then works through the API (SUPABASE-FACTS.md, "What PostgREST really runs").
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from ..errors import AgentsDBError, InvalidInput, NotFound, TransportError, error_for
from ..request import claims_for, request
from ..text import connect_error
from . import pool as pools
from .base import (
    MAX_ROWS,
    OPERATORS,
    Driven,
    Filter,
    JsonValue,
    check_column,
    check_name,
    row_limit,
)


def _column(spec: str) -> sql.Composable:
    name, _, cast = check_column(spec).partition("::")
    ident = sql.Identifier(name)
    return sql.SQL("{}::text as {}").format(ident, ident) if cast else ident


def _columns(specs: Sequence[str]) -> sql.Composable:
    return sql.SQL(", ").join(_column(c) for c in specs)


def _param(value: Any) -> Any:
    """A value as PostgREST would pass it from a JSON body: JSON null is SQL NULL."""
    if isinstance(value, JsonValue):
        value = value.value
        if value is None:
            return None
        return Jsonb(value)
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
        # psycopg refused to send or read a value. Only a NUL in text is what the server
        # would refuse with 22021 (character_not_in_repertoire); a date past year 9999 is
        # 22008 (datetime_field_overflow); anything else plain 22000 (data_exception).
        text = str(exc)
        if "NUL" in text:
            return InvalidInput("22021", text)
        if "year" in text:  # a date or timestamp Python cannot hold (before 1, past 9999)
            return InvalidInput("22008", f"a date or time outside years 1 to 9999: {text}")
        return InvalidInput("22000", f"a value psycopg cannot convert: {text}")
    diag = exc.diag
    return error_for(
        exc.sqlstate, diag.message_primary or str(exc), diag.message_hint, diag.message_detail
    )


class PostgresStatements:
    """The SQL of every call, shared by the blocking and the async transport: each method
    is a generator that yields `(query, params, read_only)` for one request and receives
    its rows."""

    _signatures: dict[str, tuple[dict[str, str], bool, bool]]

    def _steps_select(self, table, columns, filters=(), order=(), limit=None, offset=0):
        where, params = _where(filters)
        query = sql.SQL("select {} from {}{}").format(
            _columns(columns), sql.Identifier("public", check_name("table", table)), where
        )
        if order:
            query += sql.SQL(" order by ") + sql.SQL(", ").join(
                sql.SQL("{} {}").format(
                    sql.Identifier(o.column), sql.SQL("desc" if o.desc else "asc")
                )
                for o in order
            )
        # The limit and offset as parameters, as PostgREST sends them (`LIMIT $n OFFSET $m`):
        # once psycopg prepares the statement (its sixth run), the generic plan of a history
        # table (partitioned by month, pruned at run time) does not know the page size and
        # reads in index order, stopping after the page; with a literal limit larger than its
        # row estimate it sorted every row of the user's months instead.
        query += sql.SQL(" limit %s offset %s")
        params += [row_limit(limit), max(int(offset), 0)]
        return (yield query, params, True)

    def _steps_insert(self, table, row, columns):
        names = [check_name("column", k) for k in row]
        query = sql.SQL("insert into {} ({}) values ({}) returning {}").format(
            sql.Identifier("public", check_name("table", table)),
            sql.SQL(", ").join(map(sql.Identifier, names)),
            sql.SQL(", ").join(sql.Placeholder() for _ in row),
            _columns(columns),
        )
        rows = yield query, [_param(v) for v in row.values()], False
        return rows[0]

    def _steps_update(self, table, values, filters, columns):
        if not values:
            raise ValueError("update: no column to change")
        where, params = _where(filters)
        query = sql.SQL("update {} set {}{} returning {}").format(
            sql.Identifier("public", check_name("table", table)),
            sql.SQL(", ").join(
                sql.SQL("{} = %s").format(sql.Identifier(check_name("column", k))) for k in values
            ),
            where,
            _columns(columns),
        )
        return (yield query, [*map(_param, values.values()), *params], False)

    def _steps_delete(self, table, filters):
        where, params = _where(filters)
        query = sql.SQL("delete from {}{} returning 1").format(
            sql.Identifier("public", check_name("table", table)), where
        )
        return len((yield query, params, False))

    def _steps_upsert(self, table, rows, on_conflict):
        """PostgREST's upsert: `on conflict (key) do update set c = excluded.c` for every
        column sent, the key included (so the role needs UPDATE on the key too), and a column
        a row lacks takes its default (`missing=default`)."""
        if not rows:
            return 0
            yield  # a generator all the same
        keys = [check_name("on_conflict", k.strip()) for k in on_conflict.split(",")]
        columns = [check_name("column", c) for c in dict.fromkeys(k for r in rows for k in r)]
        values, params = [], []
        for row in rows:
            cells = []
            for c in columns:
                if c in row:
                    cells.append(sql.Placeholder())
                    params.append(_param(row[c]))
                else:
                    cells.append(sql.SQL("default"))
            values.append(sql.SQL("({})").format(sql.SQL(", ").join(cells)))
        query = sql.SQL(
            "insert into {table} ({cols}) values {values}"
            " on conflict ({keys}) do update set {set} returning 1"
        ).format(
            table=sql.Identifier("public", check_name("table", table)),
            cols=sql.SQL(", ").join(map(sql.Identifier, columns)),
            values=sql.SQL(", ").join(values),
            keys=sql.SQL(", ").join(map(sql.Identifier, keys)),
            set=sql.SQL(", ").join(
                sql.SQL("{c} = excluded.{c}").format(c=sql.Identifier(c)) for c in columns
            ),
        )
        return len((yield query, params, False))

    def _steps_signature(self, function: str) -> tuple[dict[str, str], bool, bool]:
        """Argument types by name, whether the function returns rows, and whether PostgREST
        calls it read-only (STABLE or IMMUTABLE), read from the catalog as PostgREST does."""
        if function not in self._signatures:
            rows = yield (
                sql.SQL(
                    "select coalesce(p.proargnames, '{}') as names,"
                    " p.proargtypes::regtype[]::text[] as types,"
                    " p.proretset or t.typtype in ('c', 'p') as returns_rows,"
                    " p.provolatile <> 'v' as read_only"
                    " from pg_proc as p join pg_type as t on t.oid = p.prorettype"
                    " where p.pronamespace = 'public'::regnamespace and p.proname = %s"
                ),
                [function],
                True,
            )
            if len(rows) != 1:
                raise NotFound("PGRST202", f"no single function public.{function} found")
            row = rows[0]
            types = dict(zip(row["names"], row["types"], strict=False))
            self._signatures[function] = (types, row["returns_rows"], row["read_only"])
        return self._signatures[function]

    def _steps_rpc(self, function, args, columns=None):
        check_name("function", function)
        for name in args:
            check_name("argument", name)
        types, returns_rows, read_only = yield from self._steps_signature(function)
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
            query = sql.SQL("select {} as value").format(call)
            rows = yield query, params, read_only
            return rows[0]["value"]
        select = _columns(columns) if columns else sql.SQL("*")
        query = sql.SQL("select {} from {} as r limit {}").format(
            select, call, sql.Literal(MAX_ROWS)
        )
        return (yield query, params, read_only)


class PostgresTransport(Driven, PostgresStatements):
    """psycopg, one PostgREST-style request per call, safe to share between threads.

    `role` is anon, authenticated or service_role; `user_id` is the JWT `sub` of a signed-in
    user. The DSN must log in as a role that is a member of the API roles: `postgres` or
    `authenticator`. Close it (or use the client as a context manager) to give back its
    share of the pool.
    """

    def __init__(
        self,
        conninfo: str,
        role: str = "anon",
        user_id: UUID | str | None = None,
        extra_claims: Mapping[str, Any] | None = None,
    ):
        if not isinstance(conninfo, str):
            raise TypeError("PostgresTransport takes a DSN (connections come from a pool)")
        self.claims = claims_for(role, user_id, **(extra_claims or {}))
        self._conninfo = conninfo
        self._pool = pools.acquire(conninfo)
        self._closed = False
        self._lock = threading.Lock()
        self._signatures: dict[str, tuple[dict[str, str], bool, bool]] = {}

    def __repr__(self) -> str:
        return f"PostgresTransport(role={self.claims['role']!r}, sub={self.claims.get('sub')!r})"

    def caller_id(self) -> str | None:
        return self.claims.get("sub")

    def __enter__(self) -> PostgresTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self, *, wait: bool = True) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        pools.release(self._conninfo, wait=wait)

    def __del__(self):  # a client dropped without close() must not pin the pool open
        with suppress(Exception):  # interpreter shutdown
            self.close(wait=False)

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        if self._closed:
            raise TransportError(None, "this client is closed")
        # Each failure is raised outside its handler: `from None` only hides __context__,
        # and the raw psycopg error there may quote the connection string's password.
        failure = None
        try:
            pools.reachable(self._conninfo)
        except psycopg.Error as exc:
            failure = "cannot connect: " + connect_error(exc, self._conninfo)
        if failure:
            raise TransportError(None, failure)
        try:
            with self._pool.connection() as conn:
                yield conn
        except pools.ServerUnreachable as exc:
            failure = "cannot connect: " + connect_error(exc.error, self._conninfo)
        except pools.PoolTimeout:
            failure = f"no database connection free within {pools.WAIT:.0f} s"
        if failure:
            raise TransportError(None, failure)

    def _run(self, query: sql.Composable, params: Sequence[Any], read_only: bool = False):
        try:
            with (
                self._connection() as conn,
                request(conn, self.claims, read_only=read_only),
                conn.cursor() as cur,
            ):
                cur.execute(query, params)
                return cur.fetchall() if cur.description else []
        except psycopg.Error as exc:
            raise _translate(exc) from exc
        except UnicodeEncodeError as exc:  # a lone surrogate in a str cannot be sent as UTF-8
            raise InvalidInput(
                "22021", f"a text value is not valid Unicode: {exc.reason} at {exc.start}"
            ) from exc

    def _drive(self, steps):
        try:
            query, params, read_only = next(steps)
            while True:
                rows = self._run(query, params, read_only)
                query, params, read_only = steps.send(rows)
        except StopIteration as done:
            return done.value
