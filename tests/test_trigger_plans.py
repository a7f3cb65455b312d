"""No statement trigger rescans its transition table once per row. A `NOT IN (select ...
from new_rows)` is hashed only while the transition table fits in work_mem; beyond it,
PostgreSQL rescans the whole (spilled) table for every row it tests: a statement of a few
hundred thousand rows then runs for hours (the large benchmark's first 250,000 generated
calls never finished). With work_mem at its minimum, the plans of every statement the
triggers of the history tables run on a direct write show the shape, whatever the size."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import psycopg
from psycopg.conninfo import conninfo_to_dict

from agentsdb.plans import explaining, walk

AT = datetime(2026, 4, 10, 12, tzinfo=UTC)


def rescans(plans: list[dict]) -> list[str]:
    """Subplans (not hashed) that scan a transition table: each runs once per outer row."""
    found = []
    for plan in plans:
        for node, _ in walk(plan):
            if node.get("Parent Relationship") != "SubPlan":
                continue
            if any(n["Node Type"] == "Named Tuplestore Scan" for n, _ in walk(node)):
                found.append(f"{node.get('Subplan Name')}: {node['Node Type']}")
    return found


def test_history_triggers_never_rescan_their_transition_table_per_row(cluster, fresh_db):
    admin = cluster.admin_dsn(conninfo_to_dict(fresh_db)["dbname"])
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        (user,) = conn.execute(
            "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id",
            (f"trigger-plans-{uuid.uuid4().hex[:8]}@example.test",),
        ).fetchone()
        (agent,) = conn.execute(
            "insert into public.ai_agents (name, vendor_id, service_id, user_id)"
            " values ('plans', 'openai', 'openai_gpt4o', %s) returning id",
            (user,),
        ).fetchone()
    # Direct writes by the owner, a few hundred rows each (the interactions first, then
    # their calls, then the calls corrected and deleted), under the smallest work_mem.
    statements = [
        "insert into public.ai_interactions (id, agent_id, user_id, title, started_at)"
        " select gen_random_uuid(), %(agent)s, %(user)s, 'i' || g, %(at)s"
        " from generate_series(1, 300) as g",
        "insert into public.model_calls (user_id, agent_id, interaction_id, vendor_id,"
        " service_id, input_tokens, output_tokens, cost, cost_supplied, started_at)"
        " select %(user)s, %(agent)s, i.id, 'openai', 'openai_gpt4o', 10, 5, 0.01, true, %(at)s"
        " from public.ai_interactions as i cross join generate_series(1, 2)"
        " where i.user_id = %(user)s",
        "update public.model_calls set cost = cost * 2 where user_id = %(user)s",
        "update public.ai_interactions set title = title || '!' where user_id = %(user)s",
        "delete from public.model_calls where user_id = %(user)s",
        "delete from public.ai_interactions where user_id = %(user)s",
    ]
    found = {}
    with psycopg.connect(admin) as conn:
        plans = explaining(conn)
        conn.execute("set work_mem = '64kB'")
        conn.execute("set hash_mem_multiplier = 1")
        conn.execute("set role postgres")
        for sql in statements:
            plans.clear()
            conn.execute(sql, {"agent": agent, "user": user, "at": AT})
            assert plans, sql
            shown = rescans([p["Plan"] for p in plans])
            if shown:
                found[sql.split(" select")[0]] = shown
        conn.rollback()
    assert found == {}
