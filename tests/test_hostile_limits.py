"""Limits that protect the database (issue "Prove it safe"), and regressions of the defects
the hostile-input probes found.

- Every text, JSON and array column an API role may write is bounded by a named check: a
  value of 1 MiB and more is refused with 23514 (never stored, never a 54000 index error).
- The API roles carry Supabase's statement timeouts, and a request that runs too long is
  cancelled with 57014.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from hostile import MIB, column_types, noise, write

from agentsdb.client import Client
from agentsdb.errors import InvalidInput
from agentsdb.request import claims_for, request

OVERSIZED = MIB + 1


@pytest.fixture
def users(fresh_db: str) -> dict[str, str]:
    """alice with an agent and an API key, committed."""
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        alice = conn.execute(
            "insert into auth.users (id, email) values (gen_random_uuid(), 'alice@example.test')"
            " returning id::text"
        ).fetchone()[0]
        with request(conn, claims_for("authenticated", alice)):
            agent = conn.execute(
                "insert into public.ai_agents (name, vendor_id) values ('probe', 'openai')"
                " returning id::text"
            ).fetchone()[0]
            key = conn.execute(
                "select id::text from public.store_user_api_key('openai', 'sk-probe-1234-5678')"
            ).fetchone()[0]
            interaction = conn.execute(
                "insert into public.ai_interactions (agent_id, title) values (%s, 'probe')"
                " returning id::text",
                [agent],
            ).fetchone()[0]
            task = conn.execute(
                "insert into public.agent_tasks (agent_id) values (%s) returning id::text",
                (agent,),
            ).fetchone()[0]
        with request(conn, claims_for("service_role")):
            conn.execute("select public.claim_next_task('probe')")
        attempt = conn.execute(
            "select id::text from public.agent_task_attempts where task_id = %s", (task,)
        ).fetchone()[0]
    return {
        "dsn": fresh_db,
        "alice": alice,
        "agent": agent,
        "key": key,
        "interaction": interaction,
        "task": task,
        "attempt": attempt,
    }


def base_rows(users: dict[str, str], role: str) -> dict[str, dict[str, Any]]:
    owner = {} if role == "authenticated" else {"user_id": users["alice"]}
    agent = users["agent"]
    return {
        "vendors": {"id": "probe_vendor", "name": "Probe"},
        "vendor_services": {
            "id": "openai_probe",
            "vendor_id": "openai",
            "service_name": "probe",
            "display_name": "Probe",
        },
        "service_prices": {
            "id": "openai_gpt4o_probe",
            "service_id": "openai_gpt4o",
            "valid_from": "2001-01-01T00:00:00Z",
            "valid_until": "2002-01-01T00:00:00Z",
        },
        "agent_features": {"id": "probe_feature", "name": "Probe"},
        "interaction_types": {"id": "probe_type", "name": "Probe"},
        "ai_agents": {"name": "probe", "vendor_id": "openai", **owner},
        "agent_feature_mappings": {"agent_id": agent, "feature_id": "coding", **owner},
        "ai_agent_configs": {
            "agent_id": agent,
            "config_key": "probe",
            "config_value": {},
            **owner,
        },
        "ai_interactions": {"agent_id": agent, "title": "probe", **owner},
        "user_settings": {"time_zone": "UTC", **owner},
        "interaction_messages": {
            "interaction_id": users["interaction"],
            "role": "user",
            "content": "probe",
            **owner,
        },
        "budgets": {"name": "probe", "limit_amount": 1, **owner},
        "agent_schedules": {"agent_id": agent, "cron": "0 9 * * *", **owner},
        "agent_tasks": {"agent_id": agent, "title": "probe", **owner},
        "agent_task_attempts": {
            "task_id": users["task"],
            "user_id": users["alice"],
            "attempt": 2,
            "worker": "probe",
            "lease_expires_at": "2030-01-01T00:00:00Z",
        },
    }


def existing_row(users: dict[str, str], table: str) -> str:
    return {
        "user_api_keys": users["key"],
        "ai_agents": users["agent"],
        "agent_tasks": users["task"],
        "agent_task_attempts": users["attempt"],
    }[table]


def bounded_columns(conn: psycopg.Connection) -> list[tuple[str, str, str, str]]:
    """(role, privilege, table, column) for every text, JSON or array column an API role may
    insert or update. A column with both privileges is probed through insert."""
    return conn.execute(
        "select distinct on (r.role, c.relname, a.attname)"
        " r.role, p.privilege, c.relname::text, a.attname::text"
        " from pg_class as c"
        " join pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped"
        " cross join (values ('anon'), ('authenticated'), ('service_role')) as r (role)"
        " cross join (values ('INSERT'), ('UPDATE')) as p (privilege)"
        " where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')"
        " and (a.atttypid in ('text'::regtype, 'varchar'::regtype, 'jsonb'::regtype,"
        "      'json'::regtype, 'bytea'::regtype) or a.attndims > 0"
        "      or exists (select from pg_type as t where t.oid = a.atttypid and t.typelem <> 0"
        "                 and t.typlen = -1))"
        " and has_column_privilege(r.role, c.oid, a.attnum, p.privilege)"
        " order by r.role, c.relname, a.attname, p.privilege",
    ).fetchall()


def oversized(pg_type: str, seed: int) -> list[Any]:
    if pg_type == "numeric[]":  # (budgets.thresholds) numbers, or the cast refuses first
        return [[1] * 200_000]
    if pg_type.endswith("[]"):
        return [[noise(seed, OVERSIZED)], ["t"] * 100_000]
    if pg_type in ("jsonb", "json"):
        return [{"blob": noise(seed, OVERSIZED)}, {f"k{i}": i for i in range(100_000)}]
    return [noise(seed, OVERSIZED)]


def test_every_writable_text_json_and_array_column_is_bounded(users):
    """1 MiB and more in any such column is refused by a named check of its table (23514),
    through insert or update, for every API role that may write it."""
    problems = []
    with psycopg.connect(users["dsn"]) as conn:
        columns = bounded_columns(conn)
        conn.rollback()
        assert columns, "no writable columns found"
        probed = 0
        for seed, (role, privilege, table, column) in enumerate(columns):
            types = column_types(conn, table)
            conn.rollback()
            for value in oversized(types[column], seed):
                claims = claims_for(role, users["alice"] if role == "authenticated" else None)
                if privilege == "INSERT":
                    base = base_rows(users, role)
                    if table not in base:
                        problems.append(f"{table}: give it a base row to probe {column}")
                        continue
                    out = write(conn, claims, table, {**base[table], column: value}, column)
                else:
                    row_id = existing_row(users, table)
                    out = write(conn, claims, table, {column: value}, column, row_id=row_id)
                probed += 1
                where = f"{role} {privilege.lower()} {table}.{column} ({len(str(value))} chars)"
                if out.error is None:
                    problems.append(f"{where}: stored")
                elif out.error.sqlstate != "23514":
                    problems.append(
                        f"{where}: [{out.error.sqlstate}] {out.error.diag.message_primary}"
                    )
                elif not (out.error.diag.constraint_name or "").startswith(f"{table}_"):
                    problems.append(f"{where}: refused by {out.error.diag.constraint_name}")
    assert not problems, "unbounded or badly bounded columns:\n" + "\n".join(problems)
    assert probed >= 40


@pytest.mark.parametrize(
    ("table", "column", "limit"),
    [
        ("ai_agents", "vendor_id", 63),
        ("ai_agents", "service_id", 128),
        ("agent_feature_mappings", "feature_id", 63),
        ("ai_interactions", "interaction_type_id", 63),
    ],
)
def test_an_overlong_reference_is_refused_by_a_check_not_by_its_index(users, table, column, limit):
    """Regression: 3000 incompressible characters in an indexed reference used to fail the
    btree index with 54000 (index row size) instead of a clear check."""
    with psycopg.connect(users["dsn"]) as conn:
        for length in (limit + 1, 3000, OVERSIZED):
            body = {**base_rows(users, "authenticated")[table], column: noise(length, length)}
            out = write(conn, claims_for("authenticated", users["alice"]), table, body, column)
            assert out.error is not None and out.error.sqlstate == "23514", out.error
            assert out.error.diag.constraint_name == f"{table}_{column}_length"


@pytest.mark.parametrize(
    ("table", "column", "value", "constraint"),
    [
        ("ai_agents", "tags", [["a", "b"], ["c", "d"]], "ai_agents_tags_valid"),
        ("ai_interactions", "tags", [["a"], ["b"]], "ai_interactions_tags_valid"),
        ("ai_interactions", "keywords", [["a", "b"]], "ai_interactions_keywords_valid"),
        ("ai_interactions", "total_cost", "NaN", "ai_interactions_total_cost_not_nan"),
        ("ai_interactions", "started_at", "infinity", "ai_interactions_started_at_finite"),
        ("ai_interactions", "started_at", "-infinity", "ai_interactions_started_at_finite"),
        ("ai_interactions", "ended_at", "infinity", "ai_interactions_ended_at_finite"),
    ],
)
def test_values_that_used_to_slip_through_or_crash_are_refused(
    users, table, column, value, constraint
):
    """Regressions: a two-dimensional tag array raised 0A000 inside is_valid_tag_array; a NaN
    cost was stored (NaN >= 0 holds); an infinite start was stored and then broke
    update_agent_activity_score (22008), and an infinite end failed in the duration trigger."""
    with psycopg.connect(users["dsn"]) as conn:
        claims = claims_for("authenticated", users["alice"])
        body = {**base_rows(users, "authenticated")[table], column: value}
        out = write(conn, claims, table, body, column)
        assert out.error is not None and out.error.sqlstate == "23514", out.error
        assert out.error.diag.constraint_name == constraint
        if table == "ai_interactions":  # and the same through an update
            ok = write(conn, claims, table, base_rows(users, "authenticated")[table], "title")
            assert ok.error is None, ok.error
            out = write(conn, claims, table, {column: value}, column, row_id=ok.row_id)
            assert out.error is not None and out.error.diag.constraint_name == constraint


def test_a_duration_too_long_for_minutes_is_refused_by_name(users):
    """Regression: times 7000 years apart failed in the duration trigger with a bare
    'integer out of range'; now the message names duration_minutes, and an explicit
    duration still wins."""
    with psycopg.connect(users["dsn"]) as conn:
        claims = claims_for("authenticated", users["alice"])
        body = {
            "agent_id": users["agent"],
            "title": "long",
            "started_at": "2000-01-01T00:00:00Z",
            "ended_at": "9000-01-01T00:00:00Z",
        }
        out = write(conn, claims, "ai_interactions", body, "ended_at")
        assert out.error is not None and out.error.sqlstate == "22003"
        assert out.error.diag.message_primary.startswith("duration_minutes: ")
        out = write(conn, claims, "ai_interactions", {**body, "duration_minutes": 5}, "ended_at")
        assert out.error is None, out.error
        far = {
            **body,
            "started_at": "4713-01-01T00:00:00Z BC",
            "ended_at": "294276-01-01T00:00:00Z",
        }
        out = write(conn, claims, "ai_interactions", far, "ended_at")
        assert out.error is not None and out.error.sqlstate == "22003"


def test_far_future_statistics_day_is_refused_by_name(users):
    """Regression: a day past the timestamp range failed with 'date out of range for
    timestamp' from inside update_daily_usage_stats."""
    with psycopg.connect(users["dsn"]) as conn:
        for day in ("294277-01-01", "5874897-12-31"):
            with pytest.raises(psycopg.errors.InvalidParameterValue) as caught:  # noqa: SIM117
                with request(conn, claims_for("service_role")):
                    conn.execute("select public.update_daily_usage_stats(%s::date)", [day])
            assert caught.value.diag.message_primary.startswith("target_date: ")
        with request(conn, claims_for("service_role")):
            written = conn.execute(
                "select public.update_daily_usage_stats('294276-12-30')"
            ).fetchone()[0]
        assert written == 0


def test_client_create_agent_leaves_nothing_when_a_feature_is_refused(users):
    """Regression: create_agent inserted the agent, then failed on the feature and left the
    agent behind without it."""
    client = Client.postgres(users["dsn"], user_id=users["alice"])
    try:
        before = len(client.list_agents())
        with pytest.raises(InvalidInput) as caught:
            client.create_agent("half", "openai", features=["coding", "no_such_feature"])
        assert caught.value.code == "23503"
        assert len(client.list_agents()) == before
    finally:
        client.transport.close()


@pytest.mark.parametrize("text", ["probe\ud800", "probe\u0000"])
def test_client_refuses_text_postgresql_cannot_hold_with_22021(users, text):
    """Regression: a lone surrogate escaped the client as a bare UnicodeEncodeError, and a
    NUL as an error without a code; both are now InvalidInput with 22021, as the server
    answers for the same bytes."""
    client = Client.postgres(users["dsn"], user_id=users["alice"])
    try:
        with pytest.raises(InvalidInput) as caught:
            client.create_agent(text, "openai")
        assert caught.value.code == "22021"
    finally:
        client.transport.close()


# -- statement timeouts ---------------------------------------------------------------------


def test_api_roles_carry_supabase_statement_timeouts(db):
    settings = dict(
        db.execute(
            "select r.rolname::text, s.setconfig from pg_db_role_setting as s"
            " join pg_roles as r on r.oid = s.setrole where s.setdatabase = 0"
            " and r.rolname in ('anon', 'authenticated', 'authenticator')"
        ).fetchall()
    )
    assert "statement_timeout=3s" in settings["anon"]
    assert "statement_timeout=8s" in settings["authenticated"]
    # PostgREST logs in as authenticator: every request, service_role's too, inherits these.
    assert "statement_timeout=8s" in settings["authenticator"]
    assert "lock_timeout=8s" in settings["authenticator"]


@pytest.mark.parametrize("role", ["anon", "authenticated"])
def test_a_request_running_past_its_timeout_is_cancelled(db, role):
    """PostgREST applies the role's settings to each request, transaction-locally; the value
    must parse, and a statement over it is cancelled with 57014 (a short timeout here)."""
    uid = "00000000-0000-4000-8000-00000000f00d" if role == "authenticated" else None
    (config,) = db.execute(
        "select s.setconfig from pg_db_role_setting as s join pg_roles as r on r.oid = s.setrole"
        " where s.setdatabase = 0 and r.rolname = %s",
        [role],
    ).fetchone()
    value = dict(c.split("=", 1) for c in config)["statement_timeout"]
    with request(db, claims_for(role, uid)):
        db.execute("select set_config('statement_timeout', %s, true)", [value])
        assert db.execute("show statement_timeout").fetchone()[0] == value
    with pytest.raises(psycopg.errors.QueryCanceled) as caught, request(db, claims_for(role, uid)):
        db.execute("set local statement_timeout = '150ms'")
        db.execute("select pg_sleep(3)")
    assert caught.value.sqlstate == "57014"
    assert db.execute("select current_user").fetchone()[0] == "postgres"
