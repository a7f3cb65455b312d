"""Partitioned history (issue 12): the migration that partitions model_calls moves every row
and carries over whatever the table has when it runs (indexes, foreign keys, keys and grants
other migrations added before it); its rollback gives every row back and the schema as it
was; idempotency keys hold across months under parallel retries."""

from __future__ import annotations

import difflib
import threading
import uuid

import psycopg
import pytest
from psycopg.types.json import Jsonb
from test_migrations import dump_schema

from agentsdb.migrations import Migrator, apply_platform
from agentsdb.request import claims_for, request
from conftest import ROOT, create_database

FIRST = "20261201030000"  # the first migration of partitioned history

CHECKSUM = (
    "select count(*), md5(string_agg(m::text, '|' order by m.id)) from public.model_calls as m"
)


def test_partitioning_moves_every_row_and_carries_over_what_the_table_has(cluster):
    create_database(cluster, "history_move")
    with psycopg.connect(cluster.admin_dsn("history_move"), autocommit=True) as admin:
        assert apply_platform(admin, ROOT / "sql" / "platform")
    conn = psycopg.connect(cluster.app_dsn("history_move"), autocommit=True)
    m = Migrator(conn, ROOT / "supabase" / "migrations", ROOT / "sql" / "rollbacks")
    ours = [x for x in m.available() if x.version >= FIRST]
    assert len(ours) >= 3
    for migration in m.available():
        if migration.version < FIRST:
            m.apply(migration)
    m.seed(ROOT / "supabase" / "seed.sql")
    # 3,000 calls over 14 months of three users, half with an idempotency key.
    conn.execute(
        """
        insert into auth.users (id, email, aud, role)
        select gen_random_uuid(), 'u' || k || '@example.test', 'authenticated', 'authenticated'
        from generate_series(1, 3) as k
        """
    )
    conn.execute(
        """
        insert into public.ai_agents (user_id, name, vendor_id, service_id)
        select id, 'agent', 'openai', 'openai_gpt4o' from auth.users
        """
    )
    conn.execute(
        """
        insert into public.model_calls (
          user_id, agent_id, vendor_id, service_id, model_name, input_tokens, output_tokens,
          cost, cost_supplied, latency_ms, status, started_at, metadata, idempotency_key
        )
        select
          a.user_id, a.id, 'openai', 'openai_gpt4o', 'gpt-4o', k * 7, k % 500,
          case when k % 3 = 0 then k * 0.000001 end, k % 3 = 0, k % 900, 'succeeded',
          now() - k * interval '3 hours 25 minutes', jsonb_build_object('k', k),
          case when k % 2 = 0 then 'key-' || k end
        from generate_series(1, 3000) as k
        cross join lateral (
          select * from public.ai_agents order by id offset k % 3 limit 1
        ) as a
        """
    )
    # What other migrations might have added before ours: an index (with a comment), a
    # foreign key, a unique key without started_at, a column grant.
    conn.execute("create index model_calls_model_name_probe_idx on public.model_calls (model_name)")
    conn.execute("comment on index public.model_calls_model_name_probe_idx is 'probe'")
    conn.execute(
        "alter table public.model_calls add constraint model_calls_agent_probe_fkey"
        " foreign key (agent_id) references public.ai_agents (id) on delete cascade"
    )
    conn.execute(
        "alter table public.model_calls add constraint model_calls_probe_key unique (id, user_id)"
    )
    conn.execute("grant select (model_name) on public.model_calls to service_role")
    before_rows = conn.execute(CHECKSUM).fetchone()
    assert before_rows[0] == 3000
    before = dump_schema(cluster, "history_move")

    for migration in ours:
        m.apply(migration)
    assert conn.execute(CHECKSUM).fetchone() == before_rows, "a row was lost or changed"
    assert (
        conn.execute(
            "select relkind from pg_class where oid = 'public.model_calls'::regclass"
        ).fetchone()[0]
        == "p"
    )
    months = conn.execute(
        "select count(distinct date_trunc('month', started_at at time zone 'UTC'))"
        " from public.model_calls"
    ).fetchone()[0]
    partitions = conn.execute(
        "select count(*) from pg_inherits where inhparent = 'public.model_calls'::regclass"
    ).fetchone()[0]
    assert partitions >= months + 1 + 3  # every month with rows, a default, the months ahead
    assert conn.execute("select count(*) from private.model_calls_default").fetchone()[0] == 0
    defs = dict(
        conn.execute(
            "select conname, pg_get_constraintdef(oid) from pg_constraint"
            " where conrelid = 'public.model_calls'::regclass and contype in ('p', 'u', 'f')"
        ).fetchall()
    )
    assert defs["model_calls_pkey"] == "PRIMARY KEY (id, started_at)"
    assert defs["model_calls_probe_key"] == "UNIQUE (id, user_id, started_at)"
    assert defs["model_calls_agent_probe_fkey"] == (
        "FOREIGN KEY (agent_id) REFERENCES ai_agents(id) ON DELETE CASCADE"
    )
    assert "model_calls_user_id_idempotency_key_key" not in defs
    assert conn.execute(
        "select obj_description('public.model_calls_model_name_probe_idx'::regclass, 'pg_class')"
    ).fetchone() == ("probe",)
    assert conn.execute(
        "select has_column_privilege('service_role', 'public.model_calls', 'model_name', 'select')"
    ).fetchone() == (True,)
    assert conn.execute(
        "select count(*) from private.model_call_keys as k"
        " join public.model_calls as m"
        "   on m.id = k.model_call_id and m.started_at = k.started_at"
        "  and m.user_id = k.user_id and m.idempotency_key = k.idempotency_key"
    ).fetchone() == (1500,)
    # The view over the calls reads the new table.
    assert conn.execute("select count(*) from private.usage_events").fetchone()[0] >= 3000

    m.rollback(ours[0].version)  # every one of ours after the first,
    m.rollback()  # then the first
    assert m.applied()[-1] < FIRST
    assert conn.execute(CHECKSUM).fetchone() == before_rows, "the rollback lost or changed a row"
    after = dump_schema(cluster, "history_move")
    assert after == before, "".join(
        difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=1)
    )[:4000]
    conn.close()


def record(dsn: str, service: bool, user: str, key: str, started_at: str | None, batch: bool):
    with psycopg.connect(dsn, autocommit=True) as conn:
        claims = claims_for("service_role") if service else claims_for("authenticated", user)
        with request(conn, claims):
            if batch:
                call = {"agent_id": AGENT, "input_tokens": 10, "idempotency_key": key}
                if started_at:
                    call["started_at"] = started_at
                rows = conn.execute(
                    "select id::text from public.record_model_calls(%s::jsonb)",
                    [Jsonb([call])],
                ).fetchall()
                return rows[0][0]
            return conn.execute(
                "select (public.record_model_call(agent_id => %s, input_tokens => 10,"
                " idempotency_key => %s, started_at => %s::timestamptz)).id::text",
                [AGENT, key, started_at],
            ).fetchone()[0]


AGENT = "00000000-0000-4000-8000-00000000a9e1"


@pytest.mark.parametrize("rounds", [12])
def test_parallel_retries_across_months_return_the_first_record(fresh_db, rounds):
    with psycopg.connect(fresh_db, autocommit=True) as setup:
        user = str(uuid.uuid4())
        setup.execute(
            "insert into auth.users (id, email, aud, role)"
            " values (%s, 'retry@example.test', 'authenticated', 'authenticated')",
            [user],
        )
        setup.execute(
            "insert into public.ai_agents (id, user_id, name, vendor_id, service_id)"
            " values (%s, %s, 'retry', 'openai', 'openai_gpt4o')",
            [AGENT, user],
        )
        last_month = setup.execute(
            "select (date_trunc('month', now()) - interval '5 days')::text"
        ).fetchone()[0]
    results: dict[str, list[str]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    for n in range(rounds):
        key = f"retry-{n}"
        barrier = threading.Barrier(6)

        def worker(i: int, key: str = key, barrier: threading.Barrier = barrier) -> None:
            try:
                barrier.wait(timeout=10)
                # Half start last month, half default to now; both RPCs; both roles.
                got = record(fresh_db, i % 3 != 0, user, key, last_month if i % 2 else None, i < 3)
                with lock:
                    results.setdefault(key, []).append(got)
            except Exception as exc:  # noqa: BLE001 - reported below
                with lock:
                    errors.append(f"{key} worker {i}: {exc}")

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
            assert not t.is_alive(), "a retry hung"
    assert errors == []
    with psycopg.connect(fresh_db, autocommit=True) as check:
        stored = dict(
            check.execute(
                "select idempotency_key, array_agg(id::text) from public.model_calls"
                " group by idempotency_key"
            ).fetchall()
        )
        keys = dict(
            check.execute(
                "select idempotency_key, model_call_id::text from private.model_call_keys"
            ).fetchall()
        )
    for key, ids in results.items():
        assert len(ids) == 6
        assert len(stored[key]) == 1, f"{key} was recorded {len(stored[key])} times"
        assert set(ids) == {stored[key][0]}, f"{key}: a retry returned another record"
        assert keys[key] == stored[key][0]
