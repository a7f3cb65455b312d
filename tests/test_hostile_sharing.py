"""Issue 9, point 5: what sharing an agent (is_public) shows, checked against the schema and
against docs/decisions.md.

Decision: another signed-in user reads the whole agent row, the counters the database keeps on
it included (usage_count, last_used_at, activity_score), and nothing else of the owner's: no
feature mappings, configs, interactions, statistics, keys or audit entries, and agent_summary
shows the agent without features or interaction totals. Generated: every column of ai_agents,
and every other table with a user_id column.
"""

from __future__ import annotations

import re

from psycopg import sql

from agentsdb.request import claims_for, request
from conftest import ROOT


def test_a_public_agent_shares_its_row_and_nothing_else(db):
    alice, bob = (
        db.execute(
            "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id::text",
            [f"{name}-sharing@example.test"],
        ).fetchone()[0]
        for name in ("alice", "bob")
    )
    with request(db, claims_for("authenticated", bob)):
        agent = db.execute(
            "insert into public.ai_agents (name, vendor_id, is_public, system_prompt)"
            " values ('shared', 'openai', true, 'You help.') returning id::text"
        ).fetchone()[0]
        db.execute(
            "insert into public.agent_feature_mappings (agent_id, feature_id)"
            " values (%s, 'coding')",
            [agent],
        )
        db.execute(
            "insert into public.ai_agent_configs (agent_id, config_key, config_value)"
            " values (%s, 'mode', '\"fast\"')",
            [agent],
        )
        db.execute(
            "insert into public.ai_interactions (agent_id, title, total_cost) values (%s, 'x', 2)",
            [agent],
        )
        db.execute("select public.store_user_api_key('openai', 'sk-sharing-probe-0001')")
    db.execute("select public.update_agent_activity_score(%s)", [agent])
    owner_row = db.execute(
        "select to_jsonb(a) from public.ai_agents as a where id = %s", [agent]
    ).fetchone()[0]
    assert owner_row["usage_count"] == 1 and owner_row["activity_score"] > 0
    tables = [
        r[0]
        for r in db.execute(
            "select c.relname::text from pg_class as c"
            " join pg_attribute as a on a.attrelid = c.oid and a.attname in ('user_id', 'owner_id')"
            " where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') order by 1"
        )
    ]
    assert len(tables) >= 6, tables
    with request(db, claims_for("authenticated", alice)):
        seen = db.execute(
            "select to_jsonb(a) from public.ai_agents as a where id = %s", [agent]
        ).fetchone()
        assert seen is not None and seen[0] == owner_row, "the whole row is shared"
        for table in tables:
            if table == "ai_agents":
                continue
            column = "owner_id" if table == "audit_logs" else "user_id"
            n = db.execute(
                sql.SQL("select count(*) from {} where {} = %s").format(
                    sql.Identifier("public", table), sql.Identifier(column)
                ),
                [bob],
            ).fetchone()[0]
            assert n == 0, f"alice reads {n} of bob's rows of {table}"
        summary = db.execute(
            "select features, interaction_count, total_cost from public.agent_summary"
            " where id = %s",
            [agent],
        ).fetchone()
        assert summary == ([], 0, 0), summary


def test_the_decision_names_every_shared_counter(db):
    """docs/decisions.md says what sharing shows: each column of ai_agents the database keeps
    (its comment says "kept by") is named in the Public agents decision."""
    counters = [
        r[0]
        for r in db.execute(
            "select a.attname::text from pg_attribute as a"
            " where a.attrelid = 'public.ai_agents'::regclass and a.attnum > 0"
            " and col_description(a.attrelid, a.attnum) ilike '%kept by%' order by a.attnum"
        )
    ]
    assert set(counters) >= {"usage_count", "last_used_at", "activity_score"}, counters
    decisions = (ROOT / "docs" / "decisions.md").read_text()
    bullet = re.search(r"- \*\*Public agents\*\*(.*?)(?=\n- |\n\n)", decisions, re.S)
    assert bullet, "docs/decisions.md has no Public agents decision"
    missing = [c for c in counters if f"`{c}`" not in bullet.group(1)]
    assert not missing, f"the Public agents decision does not say {missing} are shared"
    assert "without features or usage" not in bullet.group(1)
