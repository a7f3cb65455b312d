"""Partitioned history (issue 12): the migration that partitions model_calls moves every row
and carries over whatever the table has when it runs (indexes, foreign keys, keys and grants
other migrations added before it); its rollback gives every row back and the schema as it
was; idempotency keys hold across months under parallel retries."""

from __future__ import annotations

import difflib
import threading
import uuid
from datetime import date

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


# -- ai_interactions, partitioned by month too ----------------------------------------------

INTERACTIONS = "20261202030100"  # the migration that partitions ai_interactions

INTERACTION_CHECKSUM = (
    "select count(*), md5(string_agg(i::text, '|' order by i.id)) from public.ai_interactions as i"
)
MESSAGE_CHECKSUM = (
    "select count(*), md5(string_agg(m::text, '|' order by m.id))"
    " from public.interaction_messages as m"
)


def test_partitioning_interactions_moves_every_row_and_its_rollback_gives_them_back(cluster):
    """3,000 interactions over 14 months with a message each: after the migration and after
    its rollback, the same count and md5 of every interaction and every message; the schema
    after the rollback is the schema before."""
    create_database(cluster, "history_interactions")
    with psycopg.connect(cluster.admin_dsn("history_interactions"), autocommit=True) as admin:
        assert apply_platform(admin, ROOT / "sql" / "platform")
    conn = psycopg.connect(cluster.app_dsn("history_interactions"), autocommit=True)
    m = Migrator(conn, ROOT / "supabase" / "migrations", ROOT / "sql" / "rollbacks")
    ours = [x for x in m.available() if x.version >= INTERACTIONS]
    for migration in m.available():
        if migration.version < INTERACTIONS:
            m.apply(migration)
    m.seed(ROOT / "supabase" / "seed.sql")
    conn.execute(
        """
        insert into auth.users (id, email, aud, role)
        select gen_random_uuid(), 'i' || k || '@example.test', 'authenticated', 'authenticated'
        from generate_series(1, 3) as k
        """
    )
    conn.execute(
        "insert into public.ai_agents (user_id, name, vendor_id, service_id)"
        " select id, 'agent', 'openai', 'openai_gpt4o' from auth.users"
    )
    conn.execute(
        """
        insert into public.ai_interactions (
          user_id, agent_id, title, started_at, ended_at, input_tokens, output_tokens,
          total_cost, tags, satisfaction_rating
        )
        select
          a.user_id, a.id, 'interaction ' || k, now() - k * interval '3 hours 25 minutes',
          case when k % 2 = 0
            then now() - k * interval '3 hours 25 minutes' + interval '5 minutes' end,
          k * 7, k % 500, k * 0.000001, array['t' || k % 4], k % 5 + 1
        from generate_series(1, 3000) as k
        cross join lateral (
          select * from public.ai_agents order by id offset k % 3 limit 1
        ) as a
        """
    )
    conn.execute(
        "insert into public.interaction_messages (interaction_id, user_id, role, content)"
        " select id, user_id, 'user', title from public.ai_interactions"
    )
    before_rows = conn.execute(INTERACTION_CHECKSUM).fetchone()
    before_messages = conn.execute(MESSAGE_CHECKSUM).fetchone()
    assert before_rows[0] == 3000 and before_messages[0] == 3000
    before = dump_schema(cluster, "history_interactions")

    for migration in ours:
        m.apply(migration)
    assert conn.execute(INTERACTION_CHECKSUM).fetchone() == before_rows, "a row was lost"
    assert conn.execute(MESSAGE_CHECKSUM).fetchone() == before_messages, "a message was lost"
    assert (
        conn.execute(
            "select relkind from pg_class where oid = 'public.ai_interactions'::regclass"
        ).fetchone()[0]
        == "p"
    )
    months = conn.execute(
        "select count(distinct date_trunc('month', started_at at time zone 'UTC'))"
        " from public.ai_interactions"
    ).fetchone()[0]
    partitions = conn.execute(
        "select count(*) from pg_inherits where inhparent = 'public.ai_interactions'::regclass"
    ).fetchone()[0]
    assert partitions >= months + 1 + 3
    assert conn.execute("select count(*) from private.ai_interactions_default").fetchone()[0] == 0
    # The policy of messages that reads interactions is there, as it was.
    assert conn.execute(
        "select count(*) from pg_policy where polname = 'interaction_messages_insert_owner'"
    ).fetchone() == (1,)
    # Retention drops whole months of interactions with their messages.
    (oldest,) = conn.execute(
        "select (min(date_trunc('month', started_at at time zone 'UTC'))"
        " + interval '1 month')::date from public.ai_interactions"
    ).fetchone()
    dropped = conn.execute(
        "select * from private.drop_history_before('public.ai_interactions', %s)", (oldest,)
    ).fetchall()
    assert len(dropped) == 1
    assert conn.execute(
        "select count(*) from public.interaction_messages as m where not exists"
        " (select from public.ai_interactions as i where i.id = m.interaction_id)"
    ).fetchone() == (0,)
    assert conn.execute(MESSAGE_CHECKSUM).fetchone()[0] < 3000
    conn.execute("select private.ensure_history_partitions()")

    m.rollback(ours[0].version)  # every one of ours after the first,
    m.rollback()  # then the first
    assert m.applied()[-1] < INTERACTIONS
    after = dump_schema(cluster, "history_interactions")
    assert after == before, "".join(
        difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=1)
    )[:4000]
    conn.close()


def test_rollback_of_partitioned_interactions_gives_every_row_back(cluster):
    """Partition, then roll back: the same count and md5 of every interaction and message."""
    create_database(cluster, "history_interactions_back")
    with psycopg.connect(cluster.admin_dsn("history_interactions_back"), autocommit=True) as a:
        assert apply_platform(a, ROOT / "sql" / "platform")
    conn = psycopg.connect(cluster.app_dsn("history_interactions_back"), autocommit=True)
    m = Migrator(conn, ROOT / "supabase" / "migrations", ROOT / "sql" / "rollbacks")
    ours = [x for x in m.available() if x.version >= INTERACTIONS]
    for migration in m.available():
        if migration.version < INTERACTIONS:
            m.apply(migration)
    m.seed(ROOT / "supabase" / "seed.sql")
    conn.execute(
        "insert into auth.users (id, email, aud, role) values"
        " (gen_random_uuid(), 'back@example.test', 'authenticated', 'authenticated')"
    )
    conn.execute(
        "insert into public.ai_agents (user_id, name, vendor_id)"
        " select id, 'agent', 'anthropic' from auth.users"
    )
    conn.execute(
        "insert into public.ai_interactions (user_id, agent_id, title, started_at, input_tokens)"
        " select a.user_id, a.id, 'i' || k, now() - k * interval '1 day 1 hour', k"
        " from generate_series(1, 500) as k cross join public.ai_agents as a"
    )
    conn.execute(
        "insert into public.interaction_messages (interaction_id, user_id, role, content)"
        " select id, user_id, 'assistant', title from public.ai_interactions"
    )
    before_rows = conn.execute(INTERACTION_CHECKSUM).fetchone()
    before_messages = conn.execute(MESSAGE_CHECKSUM).fetchone()
    for migration in ours:
        m.apply(migration)
    assert conn.execute(INTERACTION_CHECKSUM).fetchone() == before_rows
    m.rollback(ours[0].version)
    m.rollback()
    assert m.applied()[-1] < INTERACTIONS
    assert conn.execute(INTERACTION_CHECKSUM).fetchone() == before_rows, "the rollback lost a row"
    assert conn.execute(MESSAGE_CHECKSUM).fetchone() == before_messages
    conn.close()


def test_an_interaction_moved_to_another_month_keeps_its_totals_marks_and_rules(db):
    """started_at edited across a month boundary moves the row to another partition (a
    delete and an insert inside the UPDATE): the interaction keeps its id, totals, vendor,
    messages and calls; the agent's usage count holds; the days it left and entered are
    marked and the rollups follow after a refresh; an ended interaction still refuses it."""
    for month in ("2026-05-01", "2026-06-01"):
        db.execute(
            "select private.create_history_partition('public.ai_interactions', %s)", (month,)
        )
    (user,) = db.execute(
        "insert into auth.users (id, email) values (gen_random_uuid(), 'move@example.test')"
        " returning id::text"
    ).fetchone()
    (agent,) = db.execute(
        "insert into public.ai_agents (name, vendor_id, service_id, user_id)"
        " values ('a', 'openai', 'openai_gpt4o', %s) returning id::text",
        (user,),
    ).fetchone()
    (interaction,) = db.execute(
        "insert into public.ai_interactions (agent_id, user_id, title, started_at)"
        " values (%s, %s, 'moving', '2026-05-31 23:30+00') returning id::text",
        (agent, user),
    ).fetchone()
    with request(db, claims_for("service_role")):
        db.execute(
            "select public.record_model_call(agent_id => %s, interaction_id => %s,"
            " input_tokens => 1000, output_tokens => 100, started_at => '2026-05-31 23:40+00')",
            (agent, interaction),
        )
    db.execute(
        "insert into public.interaction_messages (interaction_id, user_id, role, content)"
        " values (%s, %s, 'user', 'hello')",
        (interaction, user),
    )
    with request(db, claims_for("service_role")):
        db.execute("select * from public.refresh_usage_rollups()")

    def state():
        return db.execute(
            "select i.tableoid::regclass::text, i.input_tokens, i.output_tokens, i.total_cost,"
            " i.vendor_id, i.service_id, i.created_at, a.usage_count,"
            " (select count(*) from public.interaction_messages as m"
            "   where m.interaction_id = i.id)"
            " from public.ai_interactions as i join public.ai_agents as a on a.id = i.agent_id"
            " where i.id = %s",
            (interaction,),
        ).fetchone()

    before = state()
    assert before[0] == "private.ai_interactions_p2026_05" and before[1] == 1000
    assert db.execute(
        "select count(*) from private.usage_rollup_marks where user_id = %s", (user,)
    ).fetchone() == (0,)
    with request(db, claims_for("authenticated", user)):
        moved = db.execute(
            "update public.ai_interactions set started_at = '2026-06-01 00:30+00'"
            " where id = %s returning id::text",
            (interaction,),
        ).fetchall()
    assert moved == [(interaction,)]
    after = state()
    assert after[0] == "private.ai_interactions_p2026_06"
    assert after[1:] == before[1:], "the move changed a total, the vendor, the count or messages"
    (marked,) = db.execute(
        "select count(*) from private.usage_rollup_marks where user_id = %s", (user,)
    ).fetchone()
    assert marked >= 2  # the day it left and the day it entered
    with request(db, claims_for("service_role")):
        db.execute("select * from public.refresh_usage_rollups()")
    assert db.execute(
        "select day, interactions from private.agent_interactions_daily"
        " where agent_id = %s order by day",
        (agent,),
    ).fetchall() == [(date(2026, 6, 1), 1)]
    # Its type deactivated since, it still moves to another month (the insert into the new
    # partition does not re-check the type as on a new row).
    db.execute(
        "update public.ai_interactions set interaction_type_id = 'coding' where id = %s",
        (interaction,),
    )
    db.execute("savepoint before_deactivation")
    # (as if created by an earlier transaction: this test runs in one)
    db.execute(
        "update public.ai_interactions set created_at = now() - interval '1 day' where id = %s",
        (interaction,),
    )
    db.execute("update public.interaction_types set is_active = false where id = 'coding'")
    with request(db, claims_for("authenticated", user)):
        db.execute(
            "update public.ai_interactions set started_at = '2026-05-31 23:50+00' where id = %s",
            (interaction,),
        )
    assert state()[0] == "private.ai_interactions_p2026_05"
    db.execute("rollback to savepoint before_deactivation")
    # An ended interaction's start is fixed, across months as within one.
    db.execute(
        "update public.ai_interactions set ended_at = '2026-06-01 01:00+00' where id = %s",
        (interaction,),
    )
    db.execute("savepoint before_refusal")
    db.execute("set local role service_role")  # not the owner: the ledger rules apply
    with pytest.raises(psycopg.Error) as err:
        db.execute(
            "update public.ai_interactions set started_at = '2026-05-20 00:30+00' where id = %s",
            (interaction,),
        )
    db.execute("rollback to savepoint before_refusal")
    assert err.value.sqlstate == "PT409"


def test_the_rebuild_keeps_column_grants_of_several_privileges(db):
    """A column granted SELECT and INSERT to a role keeps exactly that through a rebuild (the
    grants were once written `grant INSERT, SELECT (x)`, which granted INSERT table-wide)."""
    db.execute(
        "create table public.probe_history (id uuid primary key default gen_random_uuid(),"
        " started_at timestamptz not null default now(), x integer)"
    )
    db.execute("revoke all on public.probe_history from anon, authenticated, service_role")
    db.execute("grant delete on public.probe_history to authenticated")
    db.execute(
        "grant select (id, x), insert (x), update (x) on public.probe_history to authenticated"
    )
    acl = (
        "select c.relacl::text, (select array_agg(a.attname || '=' || a.attacl::text"
        "   order by a.attnum) from pg_attribute as a"
        "   where a.attrelid = c.oid and a.attacl is not null)"
        " from pg_class as c where c.oid = 'public.probe_history'::regclass"
    )
    before = db.execute(acl).fetchone()
    db.execute("select private.rebuild_history_table('public.probe_history', true)")
    assert db.execute(acl).fetchone() == before
    db.execute("select private.rebuild_history_table('public.probe_history', false)")
    assert db.execute(acl).fetchone() == before
