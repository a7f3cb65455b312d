"""Recording while refreshing (issue 10, "safe under concurrency"): sessions record model
calls (one at a time and in batches, some back-dated across a daylight-saving change),
another moves and deletes calls, another inserts, rates and deletes interactions, another
changes the users' time zones, while two sessions run refresh_usage_rollups() over and
over. Afterwards one refresh makes agent_usage_daily and the breakdown rollup equal a
recomputation in Python from the raw rows (the ledger's view, and ai_interactions for the
interactions' rollup): nothing lost, nothing counted twice.

Bounded: a wall-clock budget per worker, a statement_timeout on every connection, threads
joined with a timeout; any error in a worker fails the test.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import psycopg

from agentsdb.request import claims_for, request

BUDGET_S = 6.0
JOIN_TIMEOUT_S = 60.0
# Los Angeles springs forward on 2026-03-08 (10:00 UTC), Auckland falls back on 04-05.
AROUND = datetime(2026, 3, 8, 10, tzinfo=UTC)
ZONES = ("America/Los_Angeles", "Pacific/Auckland")
SERVICES = ("openai_gpt4o", "openai_gpt4o_mini", "openai_whisper")


def connect(dsn: str) -> psycopg.Connection:
    return psycopg.connect(dsn, autocommit=True, options="-c statement_timeout=20000")


def setup(dsn: str) -> tuple[list[str], list[tuple[str, str]]]:
    with connect(dsn) as conn:
        users, agents = [], []
        for zone in ZONES:
            (uid,) = conn.execute(
                "insert into auth.users (id, email) values (gen_random_uuid(),"
                " 'c-' || gen_random_uuid() || '@example.test') returning id::text"
            ).fetchone()
            users.append(uid)
            conn.execute(
                "insert into public.user_settings (user_id, time_zone) values (%s, %s)",
                (uid, zone),
            )
            for n in range(2):
                (aid,) = conn.execute(
                    "insert into public.ai_agents (name, vendor_id, service_id, user_id)"
                    " values (%s, 'openai', 'openai_gpt4o', %s) returning id::text",
                    (f"agent {n}", uid),
                ).fetchone()
                agents.append((uid, aid))
        with request(conn, claims_for("service_role")):
            conn.execute("select public.refresh_usage_rollups()")
        return users, agents


def a_call(rng: random.Random, agents) -> dict:
    _, agent = rng.choice(agents)
    return {
        "agent_id": agent,
        "service_id": rng.choice(SERVICES),
        "model_name": rng.choice(["gpt-4o", "gpt-4o-mini"]),
        "input_tokens": rng.randrange(0, 50_000),
        "cached_input_tokens": rng.randrange(0, 5_000),
        "output_tokens": rng.randrange(0, 5_000),
        "status": rng.choice(["succeeded", "succeeded", "failed", "cancelled"]),
        "latency_ms": rng.randrange(1, 5_000),
        "started_at": (AROUND + timedelta(minutes=rng.randrange(-36 * 60, 36 * 60))).isoformat(),
    }


def test_recording_while_refreshing_loses_nothing(fresh_db):
    users, agents = setup(fresh_db)
    errors: list[str] = []
    stats = defaultdict(int)
    deadline = time.monotonic() + BUDGET_S

    def worker(name: str, body) -> threading.Thread:
        def run():
            rng = random.Random(name)  # noqa: S311 - reproducible test data
            try:
                with connect(fresh_db) as conn:
                    while time.monotonic() < deadline:
                        body(conn, rng)
                        stats[name] += 1
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(f"{name}: {getattr(exc, 'sqlstate', '')} {exc}")

        return threading.Thread(target=run, name=name)

    def record_one(conn, rng):
        call = a_call(rng, agents)
        agent = call.pop("agent_id")
        with request(conn, claims_for("service_role")):
            conn.execute(
                "select public.record_model_call(%s, input_tokens => %s,"
                " cached_input_tokens => %s, output_tokens => %s, service_id => %s,"
                " model_name => %s, status => %s, latency_ms => %s, started_at => %s)",
                (
                    agent,
                    call["input_tokens"],
                    call["cached_input_tokens"],
                    call["output_tokens"],
                    call["service_id"],
                    call["model_name"],
                    call["status"],
                    call["latency_ms"],
                    call["started_at"],
                ),
            )

    def record_batch(conn, rng):
        batch = [a_call(rng, agents) for _ in range(rng.randrange(2, 8))]
        with request(conn, claims_for("service_role")):
            conn.execute("select count(*) from public.record_model_calls(%s)", (json.dumps(batch),))

    def edit(conn, rng):
        with conn.transaction():
            if rng.random() < 0.5:
                conn.execute(
                    "delete from public.model_calls where id = ("
                    " select id from public.model_calls where user_id = any (%s)"
                    " order by random() limit 1)",
                    (users,),
                )
            else:
                conn.execute(
                    "update public.model_calls set started_at = started_at + %s where id = ("
                    " select id from public.model_calls where user_id = any (%s)"
                    " order by random() limit 1)",
                    (timedelta(hours=rng.randrange(-30, 30)), users),
                )

    def interactions(conn, rng):
        _, agent = rng.choice(agents)
        with conn.transaction():
            roll = rng.random()
            if roll < 0.6:
                conn.execute(
                    "insert into public.ai_interactions (agent_id, user_id, title, started_at,"
                    " input_tokens, output_tokens, total_cost, satisfaction_rating)"
                    " select a.id, a.user_id, 'c', %s, %s, %s, %s, %s"
                    " from public.ai_agents as a where a.id = %s",
                    (
                        AROUND + timedelta(minutes=rng.randrange(-36 * 60, 36 * 60)),
                        rng.randrange(0, 10_000),
                        rng.randrange(0, 1_000),
                        Decimal(rng.randrange(0, 10**6)) / 10**6,
                        rng.choice([None, 1, 3, 5]),
                        agent,
                    ),
                )
            elif roll < 0.8:
                conn.execute(
                    "update public.ai_interactions set satisfaction_rating = %s where id = ("
                    " select id from public.ai_interactions where user_id = any (%s)"
                    " order by random() limit 1)",
                    (rng.choice([None, 2, 4]), users),
                )
            else:
                conn.execute(
                    "delete from public.ai_interactions where id = ("
                    " select id from public.ai_interactions where user_id = any (%s)"
                    " order by random() limit 1)",
                    (users,),
                )

    def move_zone(conn, rng):
        time.sleep(0.2)  # a change of zone rebuilds every day of the user: not too often
        with conn.transaction():
            conn.execute(
                "update public.user_settings set time_zone = %s where user_id = %s",
                (rng.choice([*ZONES, "Asia/Kathmandu"]), rng.choice(users)),
            )

    def refresh(conn, rng):
        with request(conn, claims_for("service_role")):
            marks, days, *_ = conn.execute(
                "select * from public.refresh_usage_rollups()"
            ).fetchone()
        stats["marks taken"] += marks
        stats["days refreshed"] += days

    threads = [
        worker("recorder 1", record_one),
        worker("recorder 2", record_one),
        worker("batcher", record_batch),
        worker("editor", edit),
        worker("interactions", interactions),
        worker("time zones", move_zone),
        worker("refresher 1", refresh),
        worker("refresher 2", refresh),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT_S)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    assert errors == []
    print(dict(stats))
    assert stats["refresher 1"] + stats["refresher 2"] >= 4
    assert stats["days refreshed"] > 0, "the refreshers never overlapped the recording"

    with connect(fresh_db) as conn:
        with request(conn, claims_for("service_role")):
            conn.execute("select public.refresh_usage_rollups()")
        zone = dict(
            conn.execute(
                "select user_id::text, time_zone from public.user_settings"
                " where user_id = any (%s)",
                (users,),
            ).fetchall()
        )
        want_agents: dict = defaultdict(lambda: [0, 0, 0, 0, Decimal(0), 0, 0, 0])
        want_models: dict = defaultdict(lambda: [0, 0, Decimal(0)])
        # The ledger as it is now (model calls, and interactions without calls, live or
        # deleted), aggregated here in Python.
        events = conn.execute(
            "select user_id::text, agent_id::text, started_at, input_tokens,"
            " cached_input_tokens, output_tokens, cost, status, model_name, service_id,"
            " model_call_id is not null from private.usage_events where user_id = any (%s)",
            (users,),
        ).fetchall()
        assert sum(e[-1] for e in events) > 50
        for user, agent, at, tin, cached, tout, cost, status, model, service, call in events:
            day = at.astimezone(ZoneInfo(zone[user])).date()
            a = want_agents[(user, agent, day)]
            a[0] += call
            a[1] += tin
            a[2] += cached
            a[3] += tout
            a[4] += cost or 0
            a[5] += call and cost is None
            a[6] += call and status == "failed"
            a[7] += call and status == "cancelled"
            m = want_models[(user, day, agent, service, model)]
            m[0] += call
            m[1] += tin
            m[2] += cost or 0
        got_agents = {
            (r[0], r[1], r[2]): list(r[3:])
            for r in conn.execute(
                "select user_id::text, agent_id::text, day, calls, input_tokens,"
                " cached_input_tokens, output_tokens, cost, unpriced_calls, failed_calls,"
                " cancelled_calls from public.agent_usage_daily where user_id = any (%s)",
                (users,),
            )
        }
        assert got_agents == dict(want_agents)
        got_models = {
            (r[0], r[1], r[2], r[3], r[4]): list(r[5:])
            for r in conn.execute(
                "select user_id::text, day, agent_id::text, service_id, model_name, calls,"
                " input_tokens, cost from private.usage_breakdown_daily"
                " where user_id = any (%s)",
                (users,),
            )
        }
        assert got_models == dict(want_models)
        want_interactions: dict = defaultdict(lambda: [0, 0, Decimal(0), 0, 0])
        for user, agent, at, tin, cost, rating in conn.execute(
            "select user_id::text, agent_id::text, started_at, input_tokens, total_cost,"
            " satisfaction_rating from public.ai_interactions where user_id = any (%s)",
            (users,),
        ):
            w = want_interactions[(user, agent, at.astimezone(UTC).date())]
            w[0] += 1
            w[1] += tin
            w[2] += cost or 0
            w[3] += rating or 0
            w[4] += rating is not None
        got_interactions = {
            (r[0], r[1], r[2]): list(r[3:])
            for r in conn.execute(
                "select user_id::text, agent_id::text, day, interactions, input_tokens,"
                " total_cost, satisfaction_sum, satisfaction_count"
                " from private.agent_interactions_daily where user_id = any (%s)",
                (users,),
            )
        }
        assert stats["interactions"] > 10
        assert got_interactions == dict(want_interactions)
        assert (
            conn.execute(
                "select count(*) from private.usage_rollup_marks where user_id = any (%s)",
                (users,),
            ).fetchone()[0]
            == 0
        )
