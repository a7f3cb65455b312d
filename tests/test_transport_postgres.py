"""The psycopg transport runs what PostgREST runs (SUPABASE-FACTS.md, "What PostgREST really
runs"), and is safe to share: upsert shape and grants, read-only transactions, max_rows,
JSON null, names kept identifiers, a pool per DSN, reconnection, no leaked connections."""

from __future__ import annotations

import random
import threading
import uuid

import psycopg
import pytest

from agentsdb import catalog
from agentsdb.client import Client
from agentsdb.errors import AgentsDBError, InvalidInput, PermissionDenied, TransportError
from agentsdb.transport import MAX_ROWS, JsonValue, PostgresTransport
from agentsdb.transport import pool as pools


def add_users(dsn: str, n: int) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in range(n)]
    with psycopg.connect(dsn, autocommit=True) as conn:
        for uid in ids:
            conn.execute(
                "insert into auth.users (id, email, aud, role)"
                " values (%s, %s, 'authenticated', 'authenticated')",
                (uid, f"{uid}@example.test"),
            )
    return ids


def as_admin(dsn: str, *statements: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


# -- issue 8.1: the upsert PostgREST runs ---------------------------------------------------


def test_upsert_writes_the_key_too_so_the_role_needs_update_on_it(fresh_db):
    as_admin(
        fresh_db,
        "create table public.probe_upsert (id text primary key, name text, n int default 7)",
        "revoke all on public.probe_upsert from anon, authenticated, service_role",
        "grant select, insert (id, name, n), update (name, n) on public.probe_upsert"
        " to service_role",
    )
    with PostgresTransport(fresh_db, "service_role") as t:
        with pytest.raises(PermissionDenied) as err:
            t.upsert("probe_upsert", [{"id": "a", "name": "x"}], "id")
        assert err.value.code == "42501"
        as_admin(fresh_db, "grant update (id) on public.probe_upsert to service_role")
        assert t.upsert("probe_upsert", [{"id": "a", "name": "y"}], "id") == 1


def test_upsert_a_key_a_row_lacks_takes_the_default(fresh_db):
    """`Prefer: missing=default`, which the supabase transport sends: not NULL."""
    as_admin(
        fresh_db,
        "create table public.probe_upsert (id text primary key, name text, n int default 7)",
        "grant select, insert, update on public.probe_upsert to service_role",
    )
    with PostgresTransport(fresh_db, "service_role") as t:
        assert t.upsert("probe_upsert", [{"id": "a", "name": "x"}, {"id": "b", "n": 1}], "id") == 2
        rows = t.select("probe_upsert", ["id", "name", "n"], order=[])
    assert sorted((r["id"], r["name"], r["n"]) for r in rows) == [("a", "x", 7), ("b", None, 1)]


def test_catalog_tables_take_the_api_upsert(fresh_db):
    """What `catalog sync` did through SUPABASE_URL and got 42501 for."""
    data = catalog.load()
    with Client.postgres(fresh_db, service_role=True) as service:
        for table in ("agent_features", "interaction_types"):
            assert service.transport.upsert(table, data[table], "id") == len(data[table])


# -- issue 8.5: read-only transactions ------------------------------------------------------


@pytest.fixture
def writers(fresh_db) -> str:
    as_admin(
        fresh_db,
        "create table public.probe_log (n int)",
        "grant select, insert on public.probe_log to service_role",
        "create function public.probe_write() returns int language sql volatile"
        " as 'insert into public.probe_log values (1) returning n'",
        "create function public.probe_stable_writer() returns int language plpgsql stable"
        " as 'begin return public.probe_write(); end'",
        "create function public.probe_volatile_writer() returns int language plpgsql volatile"
        " as 'begin return public.probe_write(); end'",
        "create view public.probe_writing_view with (security_invoker) as"
        " select public.probe_write() as n",
        "grant select on public.probe_writing_view to service_role",
    )
    return fresh_db


def test_a_stable_function_that_writes_fails_as_through_postgrest(writers):
    with PostgresTransport(writers, "service_role") as t:
        with pytest.raises(AgentsDBError) as err:
            t.rpc("probe_stable_writer", {})
        assert err.value.code == "25006"
        assert t.rpc("probe_volatile_writer", {}) == 1
        with pytest.raises(AgentsDBError) as err:  # a GET
            t.select("probe_writing_view", ["n"])
        assert err.value.code == "25006"
        assert t.select("probe_log", ["n"]) == [{"n": 1}]


# -- issue 8.6: max_rows --------------------------------------------------------------------


def test_reads_are_capped_at_max_rows_and_the_client_pages(fresh_db):
    (alice,) = add_users(fresh_db, 1)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(
            "insert into public.ai_agents (user_id, name, vendor_id)"
            " select %s, 'agent ' || g, 'openai' from generate_series(1, 2500) as g",
            (alice,),
        )
    with Client.postgres(fresh_db, user_id=alice) as client:
        assert len(client.transport.select("ai_agents", ["id"])) == MAX_ROWS
        assert len(client.transport.select("ai_agents", ["id"], limit=5000)) == MAX_ROWS
        agents = client.list_agents()
        assert len(agents) == 2500 and len({a.id for a in agents}) == 2500
        assert len(client.agent_summary()) == 2500


# -- issue 8.7: JSON null -------------------------------------------------------------------


def test_json_null_is_sql_null_as_through_postgrest(fresh_db):
    (alice,) = add_users(fresh_db, 1)
    with Client.postgres(fresh_db, user_id=alice) as client:
        agent = client.create_agent("A", "openai")
        with pytest.raises(InvalidInput) as err:
            client.transport.insert(
                "ai_agent_configs",
                {"agent_id": agent.id, "config_key": "k", "config_value": JsonValue(None)},
                ["id"],
            )
        assert err.value.code == "23502"
        with pytest.raises(InvalidInput) as err:
            client.set_agent_config(agent.id, "k", None)
        assert err.value.code == "23502" and "value" in err.value.message
        assert client.list_agent_configs(agent.id) == []
        assert client.set_agent_config(agent.id, "k", [None]).config_value == [None]


# -- issue 17.9: names stay identifiers -----------------------------------------------------


@pytest.mark.parametrize("name", ["../vendors", "vendors; drop table x", "a.b", ""])
def test_names_are_identifiers(database, name):
    with PostgresTransport(database, "service_role") as t:
        with pytest.raises(ValueError, match="not a plain identifier"):
            t.rpc(name, {})
        with pytest.raises(ValueError, match="not a plain identifier"):
            t.select(name, ["id"])


# -- issue 17.2: one client, many threads; a pool per DSN -----------------------------------


def _keys_world(dsn: str, n: int) -> tuple[list[str], dict[str, Client], Client]:
    users = add_users(dsn, n)
    clients = {u: Client.postgres(dsn, user_id=u) for u in users}
    for u, client in clients.items():
        client.store_api_key("openai", f"sk-{u}-secret")
        client.create_agent(f"agent of {u}", "openai")
    return users, clients, Client.postgres(dsn, service_role=True)


def test_many_threads_many_users_each_sees_only_their_own(fresh_db):
    users, clients, service = _keys_world(fresh_db, 6)
    wrong: list[str] = []
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        rnd = random.Random(seed)  # noqa: S311 - picks work, not secrets
        try:
            for _ in range(60):
                u = rnd.choice(users)
                client = clients[u]
                step = rnd.randrange(4)
                if step == 0:
                    rows = [str(k.user_id) for k in client.list_api_keys()]
                elif step == 1:
                    rows = [str(a.user_id) for a in client.list_agents()]
                elif step == 2:
                    rows = [str(client.record_interaction(client.list_agents()[0].id, "t").user_id)]
                else:
                    rows = [u] if service.get_api_key(u, "openai") == f"sk-{u}-secret" else ["?"]
                if not rows or any(r != u for r in rows):
                    wrong.append(f"{u}: {rows}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for client in [*clients.values(), service]:
        client.close()
    assert errors == [] and wrong == []


def _backends(dsn: str, dbname: str) -> int:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(
            "select count(*) from pg_stat_activity where datname = %s and pid <> pg_backend_pid()",
            (dbname,),
        ).fetchone()[0]


def test_kept_clients_share_a_small_pool(fresh_db, cluster):
    dbname = fresh_db.rsplit("/", 1)[-1].split("?")[0]
    users = add_users(fresh_db, 150)
    clients = [Client.postgres(fresh_db, user_id=u) for u in users]
    try:
        for client in clients:
            assert client.list_agents() == []
        assert _backends(cluster.admin_dsn(), dbname) <= pools.MAX_SIZE
    finally:
        for client in clients:
            client.close()
    assert fresh_db not in pools._pools  # the last client closed the pool


def test_close_and_context_manager(fresh_db):
    with Client.postgres(fresh_db) as anon:
        assert anon.list_vendors()
    with pytest.raises(TransportError, match="closed"):
        anon.list_vendors()
    anon.close()  # twice is harmless


def test_the_client_reconnects_after_the_server_restarts(cluster, fresh_db):
    with Client.postgres(fresh_db) as anon:
        assert anon.list_vendors()
        cluster.stop()
        try:
            with pytest.raises(TransportError) as err:
                anon.list_vendors()
            assert "postgres:postgres" not in str(err.value)
        finally:
            cluster.start()
        assert anon.list_vendors()


def test_a_client_dropped_without_close_gives_its_pool_back(fresh_db):
    import gc

    client = Client.postgres(fresh_db)
    assert client.list_vendors()
    assert fresh_db in pools._pools
    del client
    gc.collect()
    assert fresh_db not in pools._pools


def test_async_clients_share_one_pool_and_close_it(fresh_db, cluster):
    import asyncio

    from agentsdb.client import AsyncClient
    from agentsdb.transport import pool_async

    dbname = fresh_db.rsplit("dbname=", 1)[-1]
    users = add_users(fresh_db, 60)

    async def main() -> int:
        clients = [AsyncClient.postgres(fresh_db, user_id=u) for u in users]
        agents = await asyncio.gather(*(c.create_agent("a", "openai") for c in clients))
        listed = await asyncio.gather(*(c.list_agents() for c in clients))
        for uid, agent, mine in zip(users, agents, listed, strict=True):
            assert [a.id for a in mine] == [agent.id] and str(agent.user_id) == uid
        held = _backends(cluster.admin_dsn(), dbname)
        for client in clients:
            await client.aclose()
        assert not pool_async._pools
        with pytest.raises(TransportError, match="closed"):
            await clients[0].list_agents()
        return held

    assert asyncio.run(main()) <= pools.MAX_SIZE


# -- a page's size is a parameter, as PostgREST sends it ------------------------------------


def test_a_read_sends_its_limit_and_offset_as_parameters_as_postgrest_does():
    """PostgREST sends `LIMIT $n OFFSET $m`: a prepared read's generic plan does not know the
    page size, so on a history table partitioned by month it reads in index order and stops
    early (tests/test_bench.py checks the plans); a literal limit made it sort the user's
    months. The transport's SQL has the same shape: the numbers travel as parameters."""
    from agentsdb.transport.base import Filter, Order
    from agentsdb.transport.postgres import PostgresStatements

    steps = PostgresStatements()._steps_select(
        "model_calls",
        ["id"],
        [Filter("started_at", "gte", "2026-11-01T00:00:00Z")],
        [Order("started_at", desc=True)],
        limit=50,
        offset=100,
    )
    query, params, read_only = next(steps)
    text = query.as_string(None)
    assert text.endswith(" limit %s offset %s"), text
    assert "50" not in text and "100" not in text
    assert params == ["2026-11-01T00:00:00Z", 50, 100] and read_only
