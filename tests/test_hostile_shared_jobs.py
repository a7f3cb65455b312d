"""Issue 9, point 1: no value a client may write makes a shared job, a service_role read or
another user's read fail, or changes another user's results.

Generated from the catalog: every numeric and time column a signed-in client may insert gets
its extreme values (the type's largest, the largest the checks allow, far past, the latest
start the checks allow), a batch of rows each, written by mallory. Then every scheduled job
(found in the migrations' cron.schedule calls, run for every day mallory touched), a
service_role read of every exposed relation and every service_role RPC about mallory's and
bob's agents must succeed, and bob's statistics and summary must be what they were.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from agentsdb.request import claims_for, request
from conftest import ROOT

BATCH = 120
NUMERIC_TYPES = ("integer", "bigint", "smallint", "real", "double precision")


def extremes(conn: psycopg.Connection, pg_type: str) -> list[Any]:
    if pg_type == "smallint":
        return [32767]
    if pg_type == "integer":
        return [2**31 - 1]
    if pg_type == "bigint":
        return [2**63 - 1]
    if pg_type == "real":
        return [3.4e38, 1e-37]
    if pg_type == "double precision":
        return [1.7e308, 1e-307]
    if match := re.fullmatch(r"numeric\((\d+),(\d+)\)", pg_type):
        precision, scale = map(int, match.groups())
        return [str(Decimal(10) ** (precision - scale) - Decimal(10) ** -scale)]
    if pg_type.startswith("timestamp"):
        latest = conn.execute("select now() + interval '1 day' - interval '1 second'").fetchone()
        return [latest[0].isoformat(), "0001-01-01T00:00:00Z", "294276-12-30T00:00:00Z"]
    if pg_type == "date":
        return ["294276-12-30", "0001-01-01"]
    return []


def writable_columns(conn: psycopg.Connection) -> list[tuple[str, str, str]]:
    rows = conn.execute(
        """
        select c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod)
        from pg_class as c
        join pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
          and has_column_privilege('authenticated', c.oid, a.attnum, 'INSERT')
        order by 1, 2
        """
    ).fetchall()
    return [
        r
        for r in rows
        if r[2] in NUMERIC_TYPES
        or r[2].startswith(("numeric", "timestamp"))
        or r[2] in ("date", "interval")
    ]


def scheduled_commands() -> list[str]:
    """The command of every cron.schedule call in the migrations."""
    commands = []
    for path in sorted((ROOT / "supabase" / "migrations").glob("*.sql")):
        commands += re.findall(
            r"cron\.schedule\(\s*'[^']+',\s*'[^']+',\s*'([^']+)'", path.read_text()
        )
    return commands


def base_row(table: str, agent: str, interaction: str) -> dict[str, Any]:
    return {
        "ai_agents": {"name": "probe", "vendor_id": "openai"},
        "agent_feature_mappings": {"agent_id": agent, "feature_id": "coding"},
        "ai_interactions": {"agent_id": agent, "title": "probe"},
        "ai_agent_configs": {"agent_id": agent, "config_key": "probe", "config_value": {}},
        "interaction_messages": {"interaction_id": interaction, "role": "user"},
        # One row per user: the first extreme value is stored, the others are refused (23505).
        "user_settings": {"time_zone": "UTC"},
        "budgets": {"name": "probe", "limit_amount": 1},
        "agent_tasks": {"agent_id": agent, "title": "probe"},
    }[table]


def bob_view(conn: psycopg.Connection, bob: str, agent: str) -> list:
    with request(conn, claims_for("authenticated", bob)):
        stats = conn.execute(
            "select to_jsonb(s) - array['id', 'created_at', 'updated_at']"
            " from public.ai_usage_stats as s order by date"
        ).fetchall()
        summary = conn.execute(
            "select to_jsonb(s) - array['activity_score', 'updated_at']"
            " from public.agent_summary as s where id = %s",
            [agent],
        ).fetchall()
        usage = conn.execute(
            "select to_jsonb(u) - array['period_start', 'period_end']"
            " from public.get_agent_usage_summary(%s) as u",
            [agent],
        ).fetchall()
    return [stats, summary, usage]


def test_extreme_client_values_break_no_shared_job_or_read(db):
    mallory, bob = (
        db.execute(
            "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id::text",
            [f"{name}-jobs@example.test"],
        ).fetchone()[0]
        for name in ("mallory", "bob")
    )
    agents = {}
    for user in (mallory, bob):
        with request(db, claims_for("authenticated", user)):
            agents[user] = db.execute(
                "insert into public.ai_agents (name, vendor_id, is_public)"
                " values ('shared', 'openai', true) returning id::text"
            ).fetchone()[0]
    with request(db, claims_for("authenticated", mallory)):
        conversation = db.execute(
            "insert into public.ai_interactions (agent_id, title) values (%s, 'chat')"
            " returning id::text",
            [agents[mallory]],
        ).fetchone()[0]
    with request(db, claims_for("authenticated", bob)):
        db.execute(
            "insert into public.ai_interactions (agent_id, title, total_cost, input_tokens,"
            " started_at) select %s, 'honest', 1.25, 10, now() - n * interval '1 hour'"
            " from generate_series(1, 3) as n",
            [agents[bob]],
        )
    # The commands the migrations schedule, and every job of private.job_definitions().
    jobs = scheduled_commands()
    jobs += [c for (c,) in db.execute("select command from private.job_definitions()")]
    assert any("update_daily_usage_stats" in c for c in jobs), jobs
    assert any("refresh_activity_scores" in c for c in jobs), jobs

    def run_everything() -> list[str]:
        failures = []
        days = [
            r[0]
            for r in db.execute(
                "select distinct (started_at at time zone 'UTC')::date from public.ai_interactions"
                " where started_at < '294276-12-30'"
            )
        ]
        for command in jobs:
            try:
                with db.transaction():
                    db.execute(command)
            except psycopg.Error as exc:
                failures.append(f"{command}: [{exc.sqlstate}] {exc.diag.message_primary}")
        for day in days:
            try:
                with request(db, claims_for("service_role")):
                    db.execute("select public.update_daily_usage_stats(%s)", [day])
            except psycopg.Error as exc:
                failures.append(f"stats of {day}: [{exc.sqlstate}] {exc.diag.message_primary}")
        relations = [
            r[0]
            for r in db.execute(
                "select c.relname::text from pg_class as c"
                " where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v')"
            )
        ]
        for relation in relations:
            try:
                with request(db, claims_for("service_role")):
                    db.execute(
                        sql.SQL("select * from {}").format(sql.Identifier("public", relation))
                    ).fetchall()
            except psycopg.Error as exc:
                failures.append(f"service_role reads {relation}: [{exc.sqlstate}]")
        for user, agent in agents.items():
            for function in ("get_agent_usage_summary", "get_agent_with_features"):
                try:
                    with request(db, claims_for("service_role")):
                        db.execute(
                            sql.SQL("select * from {}(%s)").format(
                                sql.Identifier("public", function)
                            ),
                            [agent],
                        ).fetchall()
                except psycopg.Error as exc:
                    who = "mallory" if user == mallory else "bob"
                    failures.append(f"service_role {function}({who}): [{exc.sqlstate}]")
        return failures

    assert run_everything() == []
    before = bob_view(db, bob, agents[bob])
    columns = writable_columns(db)
    assert {(t, c) for t, c, _ in columns} >= {
        ("ai_interactions", "total_cost"),
        ("ai_interactions", "started_at"),
        ("ai_interactions", "input_tokens"),
    }, columns
    accepted = []
    for table, column, pg_type in columns:
        for value in extremes(db, pg_type):
            row = {**base_row(table, agents[mallory], conversation), column: value}
            names = sql.SQL(", ").join(map(sql.Identifier, row))
            statement = sql.SQL(
                "insert into {t} ({names}) select {names}"
                " from jsonb_populate_record(null::{t}, %s), generate_series(1, %s)"
            ).format(t=sql.Identifier("public", table), names=names)
            try:
                with request(db, claims_for("authenticated", mallory)):
                    db.execute(statement, [Jsonb(row), 1 if table != "ai_interactions" else BATCH])
                accepted.append(f"{table}.{column}={value}")
            except psycopg.Error as exc:
                assert exc.sqlstate[:2] in ("22", "23"), f"{table}.{column}={value}: {exc}"
    assert accepted, "no extreme value was accepted: the probe tests nothing"
    failures = run_everything()
    assert failures == [], "\n".join(failures)
    assert bob_view(db, bob, agents[bob]) == before, "bob's results changed"
    failed = db.execute("select count(*) from private.job_failures").fetchone()[0]
    assert failed == 0, "a job had to skip a tenant"
