"""The reference catalog (catalog.toml): rendered into supabase/seed.sql, and synced into a
running database through the API in one call of `sync_catalog` (the admin RPCs for vendors
and services, the seed's upserts for the rest, in one transaction), so the seed and the sync
can never disagree and a refused sync writes nothing."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from importlib import resources
from typing import Any

# In dependency order: services need their vendor.
TABLES = ("vendors", "vendor_services", "service_prices", "agent_features", "interaction_types")
HEADER = """\
-- Reference data: the vendor catalog, features and interaction types.
-- GENERATED from src/agentsdb/catalog.toml by `agentsdb catalog render --write`: edit that
-- file, not this one. Idempotent upserts that set is_active only where an entry states it,
-- so `agentsdb seed` and `supabase db reset` can run it any number of times and keep an
-- admin's deactivations.
"""


def load() -> dict[str, list[dict[str, Any]]]:
    text = resources.files("agentsdb").joinpath("catalog.toml").read_text()
    data = tomllib.loads(text)
    unknown = set(data) - set(TABLES)
    if unknown:
        raise ValueError(f"catalog.toml: unknown sections {sorted(unknown)}")
    return {table: data.get(table, []) for table in TABLES}


def _literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def render(catalog: dict[str, list[dict[str, Any]]] | None = None) -> str:
    """supabase/seed.sql, deterministically."""
    catalog = catalog or load()
    parts = [HEADER]
    for table in TABLES:
        # One statement per set of keys, so a column only some entries state (is_active) is
        # written for those alone: a key an entry leaves out never overwrites a row's value.
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in catalog[table]:
            groups.setdefault(tuple(row), []).append(row)
        for columns, rows in groups.items():
            values = ",\n".join(
                "(" + ", ".join(_literal(row[c]) for c in columns) + ")" for row in rows
            )
            updates = ",\n  ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
            parts.append(
                f"\ninsert into public.{table} ({', '.join(columns)}) values\n{values}\n"
                f"on conflict (id) do update set\n  {updates};\n"
            )
    return "".join(parts)


def sync(client, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Make the database's catalog as catalog.toml says, as the service role, all or nothing:
    the whole catalog is one call of `sync_catalog`, so one request and one transaction
    through either transport (PostgREST has no transaction spanning requests). Returns the
    rows per table."""
    rows = client.transport.rpc("sync_catalog", {"catalog": load()})
    counts = {row["catalog_table"]: int(row["rows_synced"]) for row in rows}
    if progress:
        for table, count in counts.items():
            progress(table, count)
    return counts
