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


def _deactivate(dsn: str) -> None:
    """What an admin does to retire a vendor and a service."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("update public.vendors set is_active = false where id = 'cohere'")
        conn.execute(
            "update public.vendor_services set is_active = false where id = %s",
            [catalog.load()["vendor_services"][0]["id"]],
        )


def _inactive(dsn: str) -> list[tuple[str, str]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "select 'vendors', id from public.vendors where not is_active"
            " union all select 'vendor_services', id from public.vendor_services"
            " where not is_active order by 1, 2"
        ).fetchall()


def test_sync_and_seed_keep_what_an_admin_deactivated(fresh_db):
    """One rule for both paths: a catalog entry that does not state is_active never changes
    an existing row's is_active."""
    _deactivate(fresh_db)
    retired = _inactive(fresh_db)
    assert len(retired) == 2
    service = Client.postgres(fresh_db, service_role=True)
    try:
        catalog.sync(service)
    finally:
        service.transport.close()
    assert _inactive(fresh_db) == retired, "catalog sync re-enabled a deactivated row"
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(catalog.render())
    assert _inactive(fresh_db) == retired, "seed.sql re-enabled a deactivated row"


def test_an_explicit_is_active_in_the_catalog_is_applied_by_both_paths(fresh_db, monkeypatch):
    """An entry stating is_active sets it on both paths; entries beside it that do not state
    it keep theirs."""
    _deactivate(fresh_db)
    data = catalog.load()
    stated = data["vendors"][0]["id"]  # openai: the catalog now retires it
    data["vendors"][0] = {**data["vendors"][0], "is_active": False}
    monkeypatch.setattr(catalog, "load", lambda: data)
    expected = sorted([*_inactive(fresh_db), ("vendors", stated)])
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(catalog.render(data))
    assert _inactive(fresh_db) == expected
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("update public.vendors set is_active = true where id = %s", [stated])
    service = Client.postgres(fresh_db, service_role=True)
    try:
        catalog.sync(service)
    finally:
        service.transport.close()
    assert _inactive(fresh_db) == expected
