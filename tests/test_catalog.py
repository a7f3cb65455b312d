"""One source for the catalog: seed.sql is rendered from catalog.toml, and `catalog sync`
through the admin RPCs builds exactly the rows the seed builds."""

from __future__ import annotations

import psycopg
import pytest

from agentsdb import catalog
from agentsdb.client import Client
from agentsdb.errors import InvalidInput
from agentsdb.migrations import Migrator, apply_platform
from conftest import ROOT, create_database

TABLE_COLUMNS = {
    "vendors": "id, name, description, auth_type, base_url, is_active",
    "vendor_services": "id, vendor_id, service_name, display_name, description, is_active",
    "agent_features": "id, name, description, category, icon, sort_order, is_active",
    "interaction_types": "id, name, description, category, icon, color, sort_order, is_active",
}


def snapshot(dsn: str) -> dict[str, list[tuple]]:
    with psycopg.connect(dsn) as conn:
        return {
            table: conn.execute(f"select {cols} from public.{table} order by id").fetchall()
            for table, cols in TABLE_COLUMNS.items()
        }


def test_seed_sql_is_the_rendered_catalog():
    assert (ROOT / "supabase" / "seed.sql").read_text() == catalog.render()


def test_catalog_entries_are_complete():
    data = catalog.load()
    assert len(data["vendors"]) == 11
    vendor_ids = {v["id"] for v in data["vendors"]}
    assert {s["vendor_id"] for s in data["vendor_services"]} == vendor_ids, (
        "every vendor has at least one service and every service a known vendor"
    )
    assert {f["id"] for f in data["agent_features"]} == {
        "brainstorming",
        "daily_qa",
        "coding",
        "mcp",
        "news_search",
        "tts_stt",
        "image_generation",
        "analysis",
        "writing",
        "research",
        "translation",
    }


def test_sync_builds_what_the_seed_builds_and_is_idempotent(cluster, template):
    create_database(cluster, "catalog_sync")
    with psycopg.connect(cluster.admin_dsn("catalog_sync"), autocommit=True) as conn:
        apply_platform(conn, ROOT / "sql" / "platform")
    with psycopg.connect(cluster.app_dsn("catalog_sync"), autocommit=True) as conn:
        Migrator(conn, ROOT / "supabase" / "migrations", ROOT / "sql" / "rollbacks").migrate()
    service = Client.postgres(cluster.app_dsn("catalog_sync"), service_role=True)
    counts = catalog.sync(service)
    assert counts["vendors"] == 11
    synced = snapshot(cluster.app_dsn("catalog_sync"))
    assert synced == snapshot(cluster.app_dsn(template))
    catalog.sync(service)
    assert snapshot(cluster.app_dsn("catalog_sync")) == synced


def test_a_refused_sync_writes_nothing(fresh_db, monkeypatch):
    """All or nothing: a refusal in the last section leaves the earlier ones unwritten."""
    data = catalog.load()
    data["vendors"][0] = {**data["vendors"][0], "description": "changed by a sync"}
    data["interaction_types"].append({"id": "broken", "name": "   ", "category": "x"})
    monkeypatch.setattr(catalog, "load", lambda: data)
    before = snapshot(fresh_db)
    with Client.postgres(fresh_db, service_role=True) as service, pytest.raises(InvalidInput):
        catalog.sync(service)
    assert snapshot(fresh_db) == before


def test_sync_is_one_request_through_the_api():
    """PostgREST has no transaction spanning requests: the whole catalog goes in one."""
    import json

    import httpx
    from supabase.lib.client_options import SyncClientOptions

    from agentsdb.transport import SupabaseTransport
    from supabase import create_client

    sent = []

    def api(req: httpx.Request) -> httpx.Response:
        sent.append(req)
        body = json.loads(req.content)["catalog"]
        return httpx.Response(
            200, json=[{"catalog_table": t, "rows_synced": len(body[t])} for t in catalog.TABLES]
        )

    url = "https://project.supabase.test"
    http = httpx.Client(transport=httpx.MockTransport(api))
    client = create_client(url, "service-key", options=SyncClientOptions(httpx_client=http))
    counts = catalog.sync(Client(SupabaseTransport(url, "service-key", client=client)))
    assert [(r.method, r.url.path) for r in sent] == [("POST", "/rest/v1/rpc/sync_catalog")]
    assert counts["vendors"] == 11 and set(counts) == set(catalog.TABLES)
