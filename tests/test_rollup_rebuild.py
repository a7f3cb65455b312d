"""The set-based rebuild of the usage rollups (issue 12, private.rebuild_usage_rollups_of).

- on a random history (users in zones with daylight saving and a repeated midnight, calls
  with and without interactions, interactions without calls, deleted interactions, moved
  and deleted calls, unpriced and failed calls, a change of time zone), recomputing the
  marked (user, day) pairs set-based gives exactly the rows the per-day functions give,
  in every rollup table;
- refresh_usage_rollups takes the set-based path for many days and the per-day path for a
  few, both leaving each agent's lifetime sums equal to the sums of its daily rows;
- a mark written by a transaction that commits while the refresher runs is not lost.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest

from agentsdb.request import claims_for, request

START = datetime(2026, 2, 20, tzinfo=UTC)  # spans the spring changes of Havana and Europe
ZONES = ("America/Havana", "Pacific/Auckland", "Europe/Paris", None)
SERVICES = ("openai_gpt4o", "openai_gpt4o_mini", "openai_whisper")

TABLES = {
    "ai_usage_stats": (
        "select user_id, date, total_interactions, unique_agents_used, total_duration_minutes,"
        " feature_usage, vendor_usage, total_cost, total_input_tokens, total_output_tokens,"
        " unpriced_events, avg_satisfaction, avg_usefulness from public.ai_usage_stats"
        " where user_id = any(%(users)s::uuid[]) order by 1, 2"
    ),
    "agent_usage_daily": (
        "select user_id, agent_id, day, calls, interactions, input_tokens, cached_input_tokens,"
        " cache_write_tokens, output_tokens, reasoning_tokens, cost, unpriced_calls,"
        " failed_calls, cancelled_calls, latency_p50_ms, latency_p95_ms"
        " from public.agent_usage_daily where user_id = any(%(users)s::uuid[]) order by 1, 3, 2"
    ),
    "usage_breakdown_daily": (
        "select user_id, day, agent_id, vendor_id, service_id, model_name, calls, unpriced_calls,"
        " failed_calls, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens,"
        " reasoning_tokens, cost from private.usage_breakdown_daily"
        " where user_id = any(%(users)s::uuid[])"
        " order by 1, 2, 3, 4 nulls first, 5 nulls first, 6 nulls first"
    ),
    "agent_interactions_daily": (
        "select * from private.agent_interactions_daily"
        " where user_id = any(%(users)s::uuid[]) order by user_id, day, agent_id"
    ),
}


def snapshot(db, users: list[str]) -> dict[str, list[tuple]]:
    return {name: db.execute(sql, {"users": users}).fetchall() for name, sql in TABLES.items()}


def make_history(db, rng: random.Random, days: int = 40) -> tuple[list[str], list[str]]:
    users, agents = [], []
    for n, zone in enumerate(ZONES):
        (uid,) = db.execute(
            "insert into auth.users (id, email) values (gen_random_uuid(),"
            " 'rb-' || gen_random_uuid() || '@example.test') returning id::text"
        ).fetchone()
        users.append(uid)
        if zone:
            db.execute(
                "insert into public.user_settings (user_id, time_zone) values (%s, %s)",
                (uid, zone),
            )
        for k in range(2):
            (aid,) = db.execute(
                "insert into public.ai_agents (name, vendor_id, service_id, user_id)"
                " values (%s, 'openai', 'openai_gpt4o', %s) returning id::text",
                (f"agent {n}.{k}", uid),
            ).fetchone()
            agents.append(aid)
    owner = {}
    for aid in agents:
        owner[aid] = db.execute(
            "select user_id::text from public.ai_agents where id = %s", (aid,)
        ).fetchone()[0]

    def instant() -> datetime:
        return START + timedelta(minutes=rng.randrange(0, days * 24 * 60))

    interactions = []
    for _ in range(160):
        aid = rng.choice(agents)
        (iid,) = db.execute(
            "insert into public.ai_interactions (agent_id, user_id, title, started_at,"
            " duration_minutes, input_tokens, output_tokens, total_cost, interaction_type_id,"
            " satisfaction_rating, usefulness_rating, vendor_id)"
            " values (%s, %s, 'r', %s, %s, %s, %s, %s, %s, %s, %s, %s) returning id::text",
            (
                aid,
                owner[aid],
                instant(),
                rng.choice([None, 0, 3, 17]),
                rng.randrange(0, 5000),
                rng.randrange(0, 900),
                rng.choice([None, Decimal(rng.randrange(0, 10**7)) / 10**8]),
                rng.choice(["coding", "question_answer", None]),
                rng.choice([None, 1, 4, 5]),
                rng.choice([None, 2, 3]),
                rng.choice(["openai", None]),
            ),
        ).fetchone()
        interactions.append((iid, aid))
    calls = []
    for _ in range(260):
        linked = rng.random() < 0.7
        iid, aid = rng.choice(interactions) if linked else (None, rng.choice(agents))
        call = {
            "agent_id": aid,
            "service_id": rng.choice(SERVICES),
            "model_name": rng.choice(["gpt-4o", "gpt-4o-mini", "whisper-1"]),
            "input_tokens": rng.randrange(0, 40_000),
            "cached_input_tokens": rng.randrange(0, 2_000),
            "output_tokens": rng.randrange(0, 4_000),
            "status": rng.choice(["succeeded", "succeeded", "failed", "cancelled"]),
            "started_at": instant().isoformat(),
        }
        if iid:
            call["interaction_id"] = iid
        if rng.random() < 0.8:
            call["latency_ms"] = rng.randrange(1, 9_000)
        if rng.random() < 0.1:
            call["cost"] = str(Decimal(rng.randrange(0, 10**6)) / 10**6)
        calls.append(call)
    with request(db, claims_for("service_role")):
        for i in range(0, len(calls), 50):
            db.execute(
                "select count(*) from public.record_model_calls(%s)",
                (json.dumps(calls[i : i + 50]),),
            )
    return users, agents


def edit_history(db, rng: random.Random, users: list[str]) -> None:
    """Deletes, moves and rates after a first refresh, and a change of time zone."""
    db.execute(
        "delete from public.ai_interactions where id in (select id from public.ai_interactions"
        " where user_id = any(%s::uuid[]) order by id limit 12)",
        (users,),
    )
    db.execute(
        "update public.model_calls set started_at = started_at - interval '26 hours'"
        " where id in (select id from public.model_calls where user_id = any(%s::uuid[])"
        " order by id limit 20)",
        (users,),
    )
    db.execute(
        "delete from public.model_calls where id in (select id from public.model_calls"
        " where user_id = any(%s::uuid[]) order by id desc limit 15)",
        (users,),
    )
    db.execute(
        "update public.ai_interactions set satisfaction_rating = 2,"
        " started_at = started_at + interval '3 days'"
        " where id in (select id from public.ai_interactions where user_id = any(%s::uuid[])"
        " and ended_at is null order by id desc limit 10)",
        (users,),
    )
    db.execute(
        "update public.user_settings set time_zone = 'Asia/Kathmandu' where user_id = %s",
        (users[1],),
    )


def marked_pairs(db) -> tuple[list, list]:
    # One aggregate query, so the three arrays list the marks in the same order (three
    # subqueries may each take their own plan: an index-only scan lists the users sorted).
    rows = db.execute(
        "select p.user_id, p.day from ("
        "  select array_agg(m.user_id) as u, array_agg(m.from_at) as f, array_agg(m.to_at) as t"
        "  from private.usage_rollup_marks as m) as a"
        " cross join lateral private.usage_mark_days(a.u, a.f, a.t) as p"
        " order by p.day, p.user_id"
    ).fetchall()
    return [r[0] for r in rows], [r[1] for r in rows]


def per_day(db, pair_users: list, pair_days: list) -> None:
    """What the per-day refresher does for each pair."""
    for user, day in zip(pair_users, pair_days, strict=True):
        db.execute("select private.refresh_daily_usage_stats_of(%s, %s)", (day, user))
        db.execute("select private.refresh_usage_rollups_of(%s, %s)", (day, user))
    utc = sorted(
        {
            (d + timedelta(days=k), u)
            for u, d in zip(pair_users, pair_days, strict=True)
            for k in (-1, 0, 1)
        }
    )
    for day, user in utc:
        db.execute("select private.refresh_agent_interactions_of(%s, %s)", (day, user))


def refresh(db) -> tuple:
    with request(db, claims_for("service_role")):
        return db.execute("select * from public.refresh_usage_rollups()").fetchone()


def lifetime_mismatches(db, users: list[str]) -> list[tuple]:
    return db.execute(
        "select * from ("
        " select user_id, agent_id, sum(interactions)::bigint, sum(input_tokens)::bigint,"
        "  sum(output_tokens)::bigint, sum(total_cost), sum(satisfaction_sum)::bigint,"
        "  sum(satisfaction_count)::bigint, sum(usefulness_sum)::bigint,"
        "  sum(usefulness_count)::bigint, max(last_started_at)"
        "  from private.agent_interactions_daily"
        "  where user_id = any(%(u)s::uuid[]) group by 1, 2"
        " ) as want full join ("
        " select * from private.agent_interaction_lifetime where user_id = any(%(u)s::uuid[])"
        " ) as got using (user_id, agent_id)"
        " where (want.*) is distinct from (got.user_id, got.agent_id, got.interactions,"
        "  got.input_tokens, got.output_tokens, got.total_cost, got.satisfaction_sum,"
        "  got.satisfaction_count, got.usefulness_sum, got.usefulness_count,"
        "  got.last_started_at)",
        {"u": users},
    ).fetchall()


def monthly_mismatches(db, users: list[str]) -> list[tuple]:
    """Rows where a month of the breakdown is not the sum of its days (either side)."""
    return db.execute(
        "select * from ("
        " select user_id, date_trunc('month', day)::date as month, agent_id, vendor_id,"
        "  service_id, model_name, count(*), sum(calls)::bigint, sum(unpriced_calls)::bigint,"
        "  sum(failed_calls)::bigint, sum(input_tokens)::bigint,"
        "  sum(cached_input_tokens)::bigint, sum(cache_write_tokens)::bigint,"
        "  sum(output_tokens)::bigint, sum(reasoning_tokens)::bigint, sum(cost)"
        "  from private.usage_breakdown_daily where user_id = any(%(u)s::uuid[])"
        "  group by 1, 2, 3, 4, 5, 6"
        " ) as want full join ("
        " select user_id, month, agent_id, vendor_id, service_id, model_name, daily_rows,"
        "  calls, unpriced_calls, failed_calls, input_tokens, cached_input_tokens,"
        "  cache_write_tokens, output_tokens, reasoning_tokens, cost"
        "  from private.usage_breakdown_monthly where user_id = any(%(u)s::uuid[])"
        " ) as got on (got.user_id, got.month, got.agent_id) = (want.user_id, want.month,"
        "  want.agent_id) and got.vendor_id is not distinct from want.vendor_id"
        "  and got.service_id is not distinct from want.service_id"
        "  and got.model_name is not distinct from want.model_name"
        " where (want.*) is distinct from (got.*)",
        {"u": users},
    ).fetchall()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_set_based_rebuild_equals_the_per_day_refresh(db, seed):
    rng = random.Random(seed)  # noqa: S311 - reproducible test data
    users, _ = make_history(db, rng)
    for round_ in ("first build", "after edits"):
        if round_ == "after edits":
            edit_history(db, rng, users)
        pair_users, pair_days = marked_pairs(db)
        assert len(pair_users) >= 64, round_
        db.execute("savepoint per_day")
        per_day(db, pair_users, pair_days)
        want = snapshot(db, users)
        db.execute("rollback to savepoint per_day")
        db.execute(
            "select * from private.rebuild_usage_rollups_of(%s::uuid[], %s::date[])",
            (pair_users, pair_days),
        )
        got = snapshot(db, users)
        for name in TABLES:
            if name == "ai_usage_stats":
                # A day many users have marked is recomputed for every user (one read of
                # the day), which also corrects a day no mark names (see below): compare
                # the marked days.
                pairs = set(zip(pair_users, pair_days, strict=True))
                got[name] = [r for r in got[name] if (r[0], r[1]) in pairs]
                want[name] = [r for r in want[name] if (r[0], r[1]) in pairs]
            assert got[name] == want[name], (round_, name)
        assert want["agent_usage_daily"] and want["agent_interactions_daily"]
        # The refresher (set-based: many days) consumes the marks and leaves the same rows
        # (its days differ: a user's rebuild also covers the days their rollups have).
        marks, days, _, _, failed = refresh(db)
        assert marks > 0 and days >= 64 and failed == 0
        after = snapshot(db, users)
        after["ai_usage_stats"] = got["ai_usage_stats"]
        assert after == got, round_
        assert lifetime_mismatches(db, users) == []
        mismatches = monthly_mismatches(db, users)
        assert mismatches == [], (round_, mismatches)
        assert db.execute("select count(*) from private.usage_rollup_marks").fetchone()[0] == 0


def test_the_per_day_path_keeps_the_lifetime_sums(db):
    rng = random.Random(7)  # noqa: S311 - reproducible test data
    users, agents = make_history(db, rng, days=3)
    pair_users, _ = marked_pairs(db)
    assert len(pair_users) < 64
    refresh(db)
    assert lifetime_mismatches(db, users) == []
    assert monthly_mismatches(db, users) == []
    assert (
        db.execute(
            "select count(*) from private.agent_interaction_lifetime"
            " where user_id = any(%s::uuid[])",
            (users,),
        ).fetchone()[0]
        > 0
    )
    db.execute("delete from public.ai_interactions where agent_id = %s", (agents[0],))
    refresh(db)
    assert lifetime_mismatches(db, users) == []
    assert monthly_mismatches(db, users) == []


def test_the_monthly_breakdown_follows_any_change_of_its_days(db):
    """The months are kept by triggers of the daily table: inserted, updated (figures, and a
    day moved to another month), deleted and truncated rows, and a user's deletion."""
    rng = random.Random(11)  # noqa: S311 - reproducible test data
    users, _ = make_history(db, rng)
    refresh(db)
    months = "select count(*) from private.usage_breakdown_monthly where user_id = any(%s::uuid[])"
    assert db.execute(months, (users,)).fetchone()[0] > 0
    assert monthly_mismatches(db, users) == []
    daily = "private.usage_breakdown_daily"
    db.execute(
        f"update {daily} set cost = cost + 1, calls = calls + 2"
        " where user_id = %s and day = (select min(day) from private.usage_breakdown_daily"
        " where user_id = %s)",
        (users[0], users[0]),
    )
    assert monthly_mismatches(db, users) == []
    db.execute(
        f"update {daily} set day = day + 60 where user_id = %s"
        " and day = (select max(day) from private.usage_breakdown_daily where user_id = %s)",
        (users[1], users[1]),
    )
    assert monthly_mismatches(db, users) == []
    db.execute(
        f"delete from {daily} where user_id = %s and day < (select min(day) + 25"
        " from private.usage_breakdown_daily where user_id = %s)",
        (users[2], users[2]),
    )
    assert monthly_mismatches(db, users) == []
    db.execute(f"delete from {daily} where user_id = %s", (users[3],))
    assert monthly_mismatches(db, users) == []
    assert db.execute(months, ([users[3]],)).fetchone()[0] == 0
    db.execute("delete from auth.users where id = %s", (users[0],))
    assert db.execute(months, ([users[0]],)).fetchone()[0] == 0
    assert monthly_mismatches(db, users[1:]) == []
    db.execute(f"truncate {daily}")
    assert db.execute("select count(*) from private.usage_breakdown_monthly").fetchone()[0] == 0


def test_the_pairs_must_match(db):
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="days"):
        db.execute("select * from private.rebuild_usage_rollups_of(array[gen_random_uuid()], '{}')")


def test_a_mark_committed_during_a_set_based_refresh_is_kept(fresh_db):
    """A writer whose transaction is open while the refresher takes the marks: its mark is
    not taken (not visible yet), stays after it commits, and the next refresh counts it."""
    rng = random.Random(11)  # noqa: S311 - reproducible test data
    with psycopg.connect(fresh_db) as setup:
        users, agents = make_history(setup, rng)
        setup.commit()
    with psycopg.connect(fresh_db) as writer, psycopg.connect(fresh_db, autocommit=True) as ref:
        # The writer records a call on a day nobody else touches, and does not commit yet.
        late = START + timedelta(days=60, hours=12)
        writer.execute("select 1")  # the transaction stays open after the request
        with request(writer, claims_for("service_role")):
            writer.execute(
                "select public.record_model_call(%s, input_tokens => 1000, output_tokens => 10,"
                " started_at => %s)",
                (agents[0], late),
            )
        marks, days, _, _, failed = refresh(ref)
        assert days >= 64 and failed == 0
        writer.commit()
        assert (
            ref.execute(
                "select count(*) from private.usage_rollup_marks where user_id = %s", (users[0],)
            ).fetchone()[0]
            == 1
        )
        before = ref.execute(
            "select coalesce(sum(calls), 0) from public.agent_usage_daily where user_id = %s",
            (users[0],),
        ).fetchone()[0]
        refresh(ref)
        after = ref.execute(
            "select coalesce(sum(calls), 0) from public.agent_usage_daily where user_id = %s",
            (users[0],),
        ).fetchone()[0]
        assert after == before + 1
        want = ref.execute(
            "select count(*) from public.model_calls where user_id = %s", (users[0],)
        ).fetchone()[0]
        assert after == want
        assert lifetime_mismatches(ref, users) == []
