"""Two ways to reach agentsdb that give identical results, one module each.

`PostgresTransport` (postgres.py) runs each call over psycopg exactly as PostgREST runs a
request, on a pooled connection of its own (pool.py). `SupabaseTransport` (supabase.py)
sends the same call through supabase-py to a project's PostgREST. Their async twins
(postgres_async.py with pool_async.py, supabase_async.py) share the same SQL and requests.
base.py holds what all share: the shape of a call and the rules PostgREST applies to every
request.

A call names a table or function in the `public` schema, the columns to return (a column
may carry a `::text` cast, which PostgREST also understands; the client casts money to text
so it stays exact over JSON), equality or comparison filters, an order, a limit and an
offset.
"""

from .base import MAX_ROWS, Filter, JsonValue, Order, Transport, eq
from .postgres import PostgresTransport
from .postgres_async import AsyncPostgresTransport
from .supabase import SupabaseTransport
from .supabase_async import AsyncSupabaseTransport

__all__ = [
    "MAX_ROWS",
    "AsyncPostgresTransport",
    "AsyncSupabaseTransport",
    "Filter",
    "JsonValue",
    "Order",
    "PostgresTransport",
    "SupabaseTransport",
    "Transport",
    "eq",
]
