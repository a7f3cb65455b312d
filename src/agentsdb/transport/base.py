"""What every transport shares: the shape of a call (filters, order, JSON values), the
rules PostgREST applies to every request (max_rows, names that stay identifiers), and the
checks on credentials before they go into a header or a connection."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import InvalidName

OPERATORS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}

# PostgREST's db-max-rows on hosted projects and in the default config.toml: a read returns
# at most this many rows, silently. Both transports cap every read at it; the client pages.
MAX_ROWS = 1000

# A table, view, column or function name: an identifier PostgREST can only read as such, so
# a name can never leave /rest/v1/<table> or /rest/v1/rpc/<function> (`../vendors`).
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
# What an HTTP header and a libpq option can carry: printable ASCII, no space.
_TOKEN = re.compile(r"[\x21-\x7e]+")


def check_name(kind: str, name: Any) -> str:
    """`name` if it is a plain identifier, else InvalidName (naming the kind, not quoting
    the value in full, which may be anything)."""
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        shown = repr(name)[:40] if isinstance(name, str) else type(name).__name__
        raise InvalidName("42602", f"{kind}: not a plain identifier ({shown})")
    return name


def check_column(spec: str) -> str:
    """A column, optionally with the `::text` cast the client uses for money."""
    name, sep, cast = spec.partition("::")
    check_name("column", name)
    if sep and cast != "text":
        raise ValueError(f"only ::text casts are supported, got {spec[:40]!r}")
    return spec


def check_secret(kind: str, value: Any) -> str:
    """A key or token: printable ASCII without spaces, as an HTTP header needs. The error
    names the kind and never shows the value."""
    if not isinstance(value, str) or not _TOKEN.fullmatch(value):
        raise ValueError(
            f"{kind}: must be printable ASCII without spaces or line breaks (value not shown)"
        )
    return value


@dataclass(frozen=True)
class Filter:
    column: str
    op: str  # eq, neq, gt, gte, lt, lte, is (null only), in
    value: Any

    def __post_init__(self):
        check_name("column", self.column)
        if self.op not in (*OPERATORS, "is", "in"):
            raise ValueError(f"unknown filter operator {self.op!r}")
        if self.op == "is" and self.value is not None:
            raise ValueError("the `is` filter takes only None")


@dataclass(frozen=True)
class JsonValue:
    """A value for a json/jsonb column that is not a dict (a string, number, list...).
    `JsonValue(None)` is JSON null, which PostgREST turns into SQL NULL."""

    value: Any


def eq(column: str, value: Any) -> Filter:
    return Filter(column, "eq", value)


@dataclass(frozen=True)
class Order:
    column: str
    desc: bool = False

    def __post_init__(self):
        check_name("column", self.column)


def row_limit(limit: int | None) -> int:
    """The number of rows a read returns at most: the caller's limit, capped at max_rows."""
    if limit is None:
        return MAX_ROWS
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(f"limit: must be a non-negative integer, got {limit!r}")
    return min(limit, MAX_ROWS)


class Transport(Protocol):
    def select(
        self,
        table: str,
        columns: Sequence[str],
        filters: Sequence[Filter] = (),
        order: Sequence[Order] = (),
        limit: int | None = None,
        offset: int = 0,
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

    def close(self) -> None: ...


class Driven:
    """The six calls of a blocking transport, each one run of its statements' steps
    (`_steps_*` of PostgresStatements or SupabaseCalls) through the transport's `_drive`."""

    def select(self, table, columns, filters=(), order=(), limit=None, offset=0):
        return self._drive(self._steps_select(table, columns, filters, order, limit, offset))

    def insert(self, table, row, columns):
        return self._drive(self._steps_insert(table, row, columns))

    def update(self, table, values, filters, columns):
        return self._drive(self._steps_update(table, values, filters, columns))

    def delete(self, table, filters):
        return self._drive(self._steps_delete(table, filters))

    def upsert(self, table, rows, on_conflict):
        return self._drive(self._steps_upsert(table, rows, on_conflict))

    def rpc(self, function, args, columns=None):
        return self._drive(self._steps_rpc(function, args, columns))


class AsyncDriven:
    """Driven's twin for the async transports, whose `_drive` is a coroutine."""

    async def select(self, table, columns, filters=(), order=(), limit=None, offset=0):
        return await self._drive(self._steps_select(table, columns, filters, order, limit, offset))

    async def insert(self, table, row, columns):
        return await self._drive(self._steps_insert(table, row, columns))

    async def update(self, table, values, filters, columns):
        return await self._drive(self._steps_update(table, values, filters, columns))

    async def delete(self, table, filters):
        return await self._drive(self._steps_delete(table, filters))

    async def upsert(self, table, rows, on_conflict):
        return await self._drive(self._steps_upsert(table, rows, on_conflict))

    async def rpc(self, function, args, columns=None):
        return await self._drive(self._steps_rpc(function, args, columns))
