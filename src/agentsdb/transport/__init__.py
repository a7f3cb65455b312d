"""Two ways to reach agentsdb that give identical results, one module each.

`PostgresTransport` (postgres.py) runs each call over psycopg exactly as PostgREST runs a
request, on a pooled connection of its own (pool.py). `SupabaseTransport` (supabase.py)
sends the same call through supabase-py to a project's PostgREST. base.py holds what both
share: the shape of a call and the rules PostgREST applies to every request.

A call names a table or function in the `public` schema, the columns to return (a column
may carry a `::text` cast, which PostgREST also understands; the client casts money to text
so it stays exact over JSON), equality or comparison filters, an order, a limit and an
offset.
"""

from .base import MAX_ROWS, Filter, JsonValue, Order, Transport, eq
from .postgres import PostgresTransport
from .supabase import SupabaseTransport

__all__ = [
    "MAX_ROWS",
    "Filter",
    "JsonValue",
    "Order",
    "PostgresTransport",
    "SupabaseTransport",
    "Transport",
    "eq",
]
