"""Usage is a financial record (issue 10): the ledger outlives deletes, edits never rewrite
spend silently, corrections are explicit and recorded.

- model calls survive deleting their agent or interaction; interactions recorded without calls
  keep their numbers in private.deleted_interactions; deleting the user removes everything;
- the record functions still refuse unknown and foreign agents and interactions;
- owners set an interaction's numbers while it is open, not after (PT409); corrections by
  service_role through correct_interaction_usage, recorded in usage_corrections;
- reprice_model_calls: exact new costs, interaction totals, one record per user and run;
- a property test (hypothesis): random calls and interactions of users in time zones with
  daylight saving, two prices of a service, a price corrected and re-priced, late and deleted
  records -> update_daily_usage_stats equals an independent recomputation with Decimal, exact.
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb
from test_client import World, world  # noqa: F401 - the transports' fixture

from agentsdb.errors import Conflict, NotFound, PermissionDenied
from agentsdb.models import UsageCorrection
from agentsdb.request import claims_for, request

DAY = date(2026, 3, 10)
AT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
MILLION = Decimal(1_000_000)


# --- helpers ----------------------------------------------------------------------------------


def make_user(db: psycopg.Connection, zone: str | None = None) -> str:
    (uid,) = db.execute(
        "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id::text",
        (f"ledger-{uuid.uuid4().hex[:10]}@example.test",),
    ).fetchone()
    if zone is not None:
        with request(db, claims_for("authenticated", uid)):
            db.execute("select public.set_time_zone(%s)", (zone,))
    return uid


def make_agent(db: psycopg.Connection, user: str, vendor: str = "openai", service=None) -> str:
    (aid,) = db.execute(
        "insert into public.ai_agents (name, vendor_id, service_id, user_id)"
        " values ('ledger', %s, %s, %s) returning id::text",
        (vendor, service, user),
    ).fetchone()
    return aid


def make_interaction(db, user: str, agent: str, **cols) -> str:
    cols = {"title": "t", "started_at": AT, **cols}
    names = ", ".join(cols)
    marks = ", ".join(["%s"] * len(cols))
    with request(db, claims_for("authenticated", user)):
        (iid,) = db.execute(
            f"insert into public.ai_interactions (agent_id, {names}) values (%s, {marks})"
            " returning id::text",
            (agent, *cols.values()),
        ).fetchone()
    return iid


def record_calls(db, calls: list[dict], user: str | None = None) -> list[tuple]:
    claims = claims_for("authenticated", user) if user else claims_for("service_role")
    with request(db, claims):
        return db.execute(
            "select id::text, cost, price_id from public.record_model_calls(%s)",
            (Jsonb(calls),),
        ).fetchall()


def refresh(db, day: date = DAY) -> int:
    with request(db, claims_for("service_role")):
        return db.execute("select public.update_daily_usage_stats(%s)", (day,)).fetchone()[0]


def stats(db, user: str, day: date = DAY):
    return db.execute(
        "select total_interactions, unique_agents_used, total_duration_minutes, total_cost,"
        " total_input_tokens, total_output_tokens, unpriced_events, vendor_usage::text"
        " from public.ai_usage_stats where user_id = %s and date = %s",
        (user, day),
    ).fetchone()


def refused(db, claims, sql: str, args=()) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as caught, request(db, claims):
        db.execute(sql, args)
    return caught.value


# --- deletes keep the numbers -------------------------------------------------------------------


def test_deleting_agents_and_interactions_keeps_spend_deleting_the_user_removes_it(db):
    alice, bob = make_user(db), make_user(db)
    agent = make_agent(db, alice, "openai", "openai_gpt4o")
    other = make_agent(db, alice, "anthropic")
    with_calls = make_interaction(db, alice, agent)
    plain = make_interaction(
        db,
        alice,
        other,
        input_tokens=100,
        output_tokens=20,
        total_cost=Decimal("0.5"),
        duration_minutes=7,
        satisfaction_rating=4,
    )
    unpriced = make_interaction(db, alice, other, input_tokens=3, output_tokens=1)
    record_calls(
        db,
        [
            {
                "agent_id": agent,
                "interaction_id": with_calls,
                "input_tokens": 1000,
                "output_tokens": 10,
                "started_at": AT.isoformat(),
            },
            {
                "agent_id": agent,
                "interaction_id": with_calls,
                "cost": "0.25",
                "output_tokens": 5,
                "started_at": AT.isoformat(),
            },
            {"agent_id": agent, "input_tokens": 7, "started_at": AT.isoformat()},
        ],
        alice,
    )
    bob_agent = make_agent(db, bob)
    make_interaction(db, bob, bob_agent, total_cost=Decimal("1"))
    assert refresh(db) == 2
    before = stats(db, alice)
    # 1000 * 2.5 + 10 * 10 per million = 0.0026; 7 * 2.5 per million = 0.0000175
    assert before[:7] == (3, 2, 7, Decimal("0.7526175"), 1110, 36, 1)
    events = "select count(*), sum(cost) from private.usage_events where user_id = %s"
    before_events = db.execute(events, (alice,)).fetchone()
    assert before_events == (5, Decimal("0.7526175"))

    with request(db, claims_for("authenticated", alice)):
        db.execute("delete from public.ai_interactions where id = %s", (with_calls,))
        db.execute("delete from public.ai_agents where id = %s", (other,))
    assert db.execute(
        "select count(*) from public.model_calls where user_id = %s", (alice,)
    ).fetchone() == (3,), "the calls outlive their interaction"
    kept = db.execute(
        "select id::text, input_tokens, total_cost, duration_minutes, satisfaction_rating,"
        " deleted_by::text, deleted_by_role from private.deleted_interactions"
        " where user_id = %s order by input_tokens",
        (alice,),
    ).fetchall()
    assert kept == [
        (unpriced, 3, None, None, None, alice, "authenticated"),
        (plain, 100, Decimal("0.50000000"), 7, 4, alice, "authenticated"),
        (with_calls, 1000, Decimal("0.25260000"), None, None, alice, "authenticated"),
    ]
    assert db.execute(events, (alice,)).fetchone() == before_events
    assert refresh(db) == 0, "the day's figures are unchanged: nothing to write"
    assert stats(db, alice) == before
    assert stats(db, bob) is not None

    db.execute("delete from auth.users where id = %s", (alice,))
    for table in (
        "public.model_calls",
        "private.deleted_interactions",
        "public.ai_usage_stats",
        "public.usage_corrections",
    ):
        assert db.execute(
            f"select count(*) from {table} where user_id = %s", (alice,)
        ).fetchone() == (0,), table
    assert db.execute(events, (alice,)).fetchone() == (0, None)
    assert refresh(db) == 0 and stats(db, bob) is not None


def test_an_id_deleted_twice_keeps_both_deletions(db):
    alice = make_user(db)
    agent = make_agent(db, alice)
    first = make_interaction(db, alice, agent, total_cost=Decimal("1"))
    with request(db, claims_for("authenticated", alice)):
        db.execute("delete from public.ai_interactions where id = %s", (first,))
    with request(db, claims_for("service_role")):  # only a service chooses an id
        db.execute(
            "insert into public.ai_interactions (id, agent_id, user_id, title, started_at,"
            " total_cost) values (%s, %s, %s, 'again', %s, 2)",
            (first, agent, alice, AT),
        )
    with request(db, claims_for("authenticated", alice)):
        db.execute("delete from public.ai_interactions where id = %s", (first,))
    assert db.execute(
        "select count(*), sum(cost) from private.usage_events where user_id = %s", (alice,)
    ).fetchone() == (2, Decimal("3"))


def test_deleting_a_user_with_live_interactions_keeps_nothing_of_theirs(db):
    carol = make_user(db)
    agent = make_agent(db, carol)
    make_interaction(db, carol, agent, total_cost=Decimal("2"))
    record_calls(db, [{"agent_id": agent, "input_tokens": 5}], carol)
    db.execute("delete from auth.users where id = %s", (carol,))
    assert db.execute(
        "select (select count(*) from private.deleted_interactions where user_id = %(u)s)"
        " + (select count(*) from public.model_calls where user_id = %(u)s)"
        " + (select count(*) from private.usage_events where user_id = %(u)s)",
        {"u": carol},
    ).fetchone() == (0,)


def test_record_functions_still_refuse_unknown_and_foreign_agents_and_interactions(db):
    alice, bob = make_user(db), make_user(db)
    mine, second, theirs = make_agent(db, alice), make_agent(db, alice), make_agent(db, bob)
    my_interaction = make_interaction(db, alice, mine)
    their_interaction = make_interaction(db, bob, theirs)
    gone_interaction = make_interaction(db, alice, mine)
    gone_agent = make_agent(db, alice)
    with request(db, claims_for("authenticated", alice)):
        db.execute("delete from public.ai_interactions where id = %s", (gone_interaction,))
        db.execute("delete from public.ai_agents where id = %s", (gone_agent,))
    alice_claims = claims_for("authenticated", alice)
    cases = [
        ({"agent_id": theirs}, "PT404", "calls[0].agent_id"),
        ({"agent_id": str(uuid.uuid4())}, "PT404", "calls[0].agent_id"),
        ({"agent_id": gone_agent}, "PT404", "calls[0].agent_id"),
        ({"agent_id": mine, "interaction_id": their_interaction}, "PT404", "interaction_id"),
        ({"agent_id": mine, "interaction_id": gone_interaction}, "PT404", "interaction_id"),
        ({"agent_id": second, "interaction_id": my_interaction}, "22023", "another agent"),
    ]
    for call, code, words in cases:
        err = refused(db, alice_claims, "select public.record_model_calls(%s)", (Jsonb([call]),))
        assert err.sqlstate == code and words in str(err), call
        err = refused(
            db,
            alice_claims,
            "select public.record_model_call(agent_id => %s, interaction_id => %s)",
            (call["agent_id"], call.get("interaction_id")),
        )
        assert err.sqlstate == code, ("record_model_call", call)
    # service_role: any user's agent, but an interaction must still be of the call's agent.
    err = refused(
        db,
        claims_for("service_role"),
        "select public.record_model_calls(%s)",
        (Jsonb([{"agent_id": theirs, "interaction_id": my_interaction}]),),
    )
    assert err.sqlstate == "PT404"
    assert db.execute(
        "select count(*) from public.model_calls where user_id in (%s, %s)", (alice, bob)
    ).fetchone() == (0,)


# --- editing --------------------------------------------------------------------------------------


def test_owners_set_numbers_while_open_and_not_after(db):
    alice = make_user(db)
    agent = make_agent(db, alice)
    session = make_interaction(db, alice, agent)
    claims = claims_for("authenticated", alice)
    with request(db, claims):
        # The seed-002 flow: totals written in the update that ends the interaction.
        db.execute(
            "update public.ai_interactions set input_tokens = 10, output_tokens = 4,"
            " total_cost = 0.01, started_at = %s, ended_at = %s where id = %s",
            (AT - timedelta(minutes=5), AT + timedelta(minutes=3), session),
        )
    for column, value in (
        ("input_tokens", 11),
        ("output_tokens", 5),
        ("total_cost", Decimal("0.02")),
        ("started_at", AT),
    ):
        for who in (claims, claims_for("service_role")):
            err = refused(
                db,
                who,
                f"update public.ai_interactions set {column} = %s where id = %s",
                (value, session),
            )
            assert err.sqlstate == "PT409" and str(err).startswith(column), (column, who)
    err = refused(
        db, claims, "update public.ai_interactions set ended_at = null where id = %s", (session,)
    )
    assert err.sqlstate == "PT409" and str(err).startswith("ended_at")
    with request(db, claims):
        db.execute(
            "update public.ai_interactions set satisfaction_rating = 5, title = 'kept',"
            " ended_at = ended_at + interval '1 minute' where id = %s",
            (session,),
        )
    assert db.execute(
        "select input_tokens, output_tokens, total_cost, satisfaction_rating, duration_minutes"
        " from public.ai_interactions where id = %s",
        (session,),
    ).fetchone() == (10, 4, Decimal("0.01"), 5, 9)

    # With calls, the totals are the calls' even while open.
    open_one = make_interaction(db, alice, agent)
    record_calls(db, [{"agent_id": agent, "interaction_id": open_one, "input_tokens": 3}], alice)
    err = refused(
        db, claims, "update public.ai_interactions set input_tokens = 1 where id = %s", (open_one,)
    )
    assert err.sqlstate == "PT409" and "model calls" in str(err)
    with request(db, claims):
        db.execute(
            "update public.ai_interactions set ended_at = started_at + interval '1 minute'"
            " where id = %s",
            (open_one,),
        )


def test_corrections_are_explicit_recorded_and_readable_by_the_owner(db):
    alice, bob = make_user(db), make_user(db)
    agent = make_agent(db, alice)
    session = make_interaction(
        db, alice, agent, input_tokens=10, total_cost=Decimal("0.5"), ended_at=AT
    )
    sql = (
        "select kind, user_id::text, interaction_id::text, rows_changed, old_input_tokens,"
        " new_input_tokens, old_cost, new_cost, old_started_at, new_started_at, reason,"
        " corrected_by_role from public.correct_interaction_usage(%s, %s, input_tokens => %s,"
        " total_cost => %s, started_at => %s)"
    )
    for claims in (claims_for("authenticated", alice), claims_for("anon")):
        err = refused(db, claims, sql, (session, "why", 1, None, None))
        assert err.sqlstate == "42501"
    service = claims_for("service_role")
    for args, code, words in (
        ((session, None, 1, None, None), "22004", "reason"),
        ((session, " ", 1, None, None), "22023", "reason"),
        ((None, "why", 1, None, None), "22004", "interaction_id"),
        ((str(uuid.uuid4()), "why", 1, None, None), "PT404", "interaction_id"),
        ((session, "why", -1, None, None), "22023", "input_tokens"),
        ((session, "why", None, Decimal("0.123456789"), None), "22023", "total_cost"),
        ((session, "why", None, None, AT + timedelta(hours=1)), "22023", "started_at"),
        ((session, "why", 10, Decimal("0.5"), None), "22023", "nothing to correct"),
    ):
        err = refused(db, service, sql, args)
        assert err.sqlstate == code and words in str(err), args
    with request(db, service):
        got = db.execute(
            sql, (session, "vendor invoice", 12, Decimal("0.75"), AT - timedelta(hours=1))
        ).fetchone()
    assert got == (
        "interaction",
        alice,
        session,
        1,
        10,
        12,
        Decimal("0.50000000"),
        Decimal("0.75000000"),
        AT,
        AT - timedelta(hours=1),
        "vendor invoice",
        "service_role",
    )
    assert db.execute(
        "select input_tokens, total_cost, started_at from public.ai_interactions where id = %s",
        (session,),
    ).fetchone() == (12, Decimal("0.75"), AT - timedelta(hours=1))
    readable = "select count(*) from public.usage_corrections where interaction_id = %s"
    with request(db, claims_for("authenticated", alice)):
        assert db.execute(readable, (session,)).fetchone() == (1,)
    with request(db, claims_for("authenticated", bob)):
        assert db.execute(readable, (session,)).fetchone() == (0,)
    err = refused(
        db,
        claims_for("authenticated", alice),
        "delete from public.usage_corrections where interaction_id = %s",
        (session,),
    )
    assert err.sqlstate == "42501"
    # An interaction with calls: its tokens and cost are its calls'.
    with_calls = make_interaction(db, alice, agent)
    record_calls(db, [{"agent_id": agent, "interaction_id": with_calls, "input_tokens": 3}])
    err = refused(db, service, sql, (with_calls, "why", 99, None, None))
    assert err.sqlstate == "PT409" and str(err).startswith("input_tokens")


# --- re-price ---------------------------------------------------------------------------------


def add_service(db, service: str, prices: list[tuple]) -> None:
    """A service of openai with prices (id suffix, valid_from, valid_until, per-million rates
    of input, cached input, cache write, output, reasoning, per request)."""
    db.execute(
        "insert into public.vendor_services (id, vendor_id, service_name, display_name)"
        " values (%s, 'openai', %s, 'ledger test')",
        (service, service),
    )
    for suffix, start, end, *rates in prices:
        db.execute(
            "insert into public.service_prices (id, service_id, input_per_million,"
            " cached_input_per_million, cache_write_per_million, output_per_million,"
            " reasoning_per_million, per_request, valid_from, valid_until)"
            " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (f"{service}_{suffix}", service, *rates, start, end),
        )


def test_reprice_recomputes_computed_costs_and_records_the_run(db):
    service = "openai_ledger_reprice"
    change = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)
    add_service(
        db,
        service,
        [
            ("a", datetime(2026, 1, 1, tzinfo=UTC), change, "1", None, None, "2", None, None),
            ("b", change, None, "3", "0.3", None, "4", None, "0.001"),
        ],
    )
    alice, bob = make_user(db), make_user(db)
    a_agent, b_agent = make_agent(db, alice, service=service), make_agent(db, bob, service=service)
    session = make_interaction(db, alice, a_agent)
    at = AT.isoformat()
    rows = record_calls(
        db,
        [
            {
                "agent_id": a_agent,
                "interaction_id": session,
                "input_tokens": 1000,
                "output_tokens": 100,
                "started_at": at,
            },
            {"agent_id": a_agent, "interaction_id": session, "cost": "0.5", "started_at": at},
            {"agent_id": a_agent, "input_tokens": 10, "started_at": "2026-03-09T12:00:00Z"},
            {"agent_id": b_agent, "cached_input_tokens": 500, "started_at": at},
        ],
    )
    assert [r[1] for r in rows] == [
        Decimal("0.0044"),
        Decimal("0.5"),
        Decimal("0.00001"),
        Decimal("0.00115"),
    ]
    # The price "b" was wrong: corrected in place, then the calls since the change re-priced.
    db.execute(
        "update public.service_prices set input_per_million = 5, cached_input_per_million = null"
        " where id = %s",
        (f"{service}_b",),
    )
    run_sql = (
        "select run_id::text, user_id::text, rows_changed, old_cost, new_cost, old_unpriced,"
        " new_unpriced, range_from, range_until, reason, corrected_by_role"
        " from public.reprice_model_calls(%s, %s, %s, %s)"
    )
    for claims in (claims_for("authenticated", alice), claims_for("anon")):
        assert refused(db, claims, run_sql, (service, change, AT, None)).sqlstate == "42501"
    service_claims = claims_for("service_role")
    for args, code, words in (
        ((service, None, AT, None), "22004", "since"),
        ((service, AT, change, None), "22023", "until"),
        (("openai_nothing_here", change, AT, None), "PT404", "service_id"),
    ):
        err = refused(db, service_claims, run_sql, args)
        assert err.sqlstate == code and words in str(err), args
    until = AT + timedelta(hours=1)
    with request(db, service_claims):
        got = db.execute(run_sql, (service, change, until, "price b corrected")).fetchall()
    run = got[0][0]
    assert {r[0] for r in got} == {run}
    assert sorted(r[1:] for r in got) == sorted(
        [
            (
                alice,
                1,
                Decimal("0.0044"),
                Decimal("0.0064"),
                0,
                0,
                change,
                until,
                "price b corrected",
                "service_role",
            ),
            (
                bob,
                1,
                Decimal("0.00115"),
                Decimal("0"),
                0,
                1,
                change,
                until,
                "price b corrected",
                "service_role",
            ),
        ]
    )
    costs = dict(
        db.execute(
            "select id::text, cost from public.model_calls where id = any(%s::uuid[])",
            ([r[0] for r in rows],),
        ).fetchall()
    )
    assert [costs[r[0]] for r in rows] == [
        Decimal("0.0064"),
        Decimal("0.5"),
        Decimal("0.00001"),
        None,
    ], "supplied costs and calls outside the range are untouched; no price now: unpriced"
    assert db.execute(
        "select total_cost from public.ai_interactions where id = %s", (session,)
    ).fetchone() == (Decimal("0.5064"),)
    # Nothing left to change: one row without a user.
    with request(db, service_claims):
        again = db.execute(run_sql, (service, change, until, None)).fetchall()
    assert [(r[1], r[2]) for r in again] == [(None, 0)]
    with request(db, service_claims):
        every = db.execute(
            run_sql,
            (None, datetime(2000, 1, 1, tzinfo=UTC), datetime(2000, 1, 2, tzinfo=UTC), None),
        ).fetchall()
    assert [(r[1], r[2]) for r in every] == [(None, 0)], "null: every service"
    with request(db, claims_for("authenticated", bob)):
        assert db.execute(
            "select count(*) from public.usage_corrections where run_id = %s", (run,)
        ).fetchone() == (1,), "bob reads his row of the run, not alice's"


def test_reprice_while_recording_loses_nothing(fresh_db):
    """Calls recorded into the same interactions while the price changes and the range is
    re-priced again and again: every interaction's totals stay the sums of its calls, and a
    last re-price leaves every computed cost at the final price."""
    service = "openai_ledger_race"
    start = datetime(2026, 3, 1, tzinfo=UTC)
    with psycopg.connect(fresh_db, autocommit=True) as setup:
        add_service(setup, service, [("p", start, None, "1", None, None, "1", None, None)])
        user = make_user(setup)
        agent = make_agent(setup, user, service=service)
        sessions = [make_interaction(setup, user, agent, started_at=start) for _ in range(4)]
    errors: list[BaseException] = []
    done = threading.Event()

    def retried(conn: psycopg.Connection, work) -> None:
        for _ in range(20):
            try:
                with request(conn, claims_for("service_role")):
                    work(conn)
                return
            except psycopg.errors.DeadlockDetected:  # surfaced, never silent: retry
                continue

    def recorder() -> None:
        try:
            with psycopg.connect(fresh_db) as conn:
                rng = random.Random(1)  # noqa: S311 - test data
                for n in range(40):
                    batch = [
                        {
                            "agent_id": agent,
                            "interaction_id": rng.choice(sessions),
                            "input_tokens": rng.randrange(1, 10**6),
                            "started_at": (
                                start + timedelta(hours=rng.randrange(1, 100))
                            ).isoformat(),
                            "idempotency_key": f"race-{n}-{k}",
                        }
                        for k in range(3)
                    ]
                    retried(
                        conn,
                        lambda c, b=batch: c.execute(
                            "select count(*) from public.record_model_calls(%s)", (Jsonb(b),)
                        ),
                    )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            done.set()

    def repricer() -> None:
        try:
            with psycopg.connect(fresh_db) as conn:
                n = 0
                while not done.is_set():
                    n += 1
                    rate = 1 + n % 3

                    def work(c, rate=rate):
                        c.execute(
                            "select set_config('role', 'none', true)"
                        )  # the price, as its owner
                        c.execute(
                            "update public.service_prices set input_per_million = %s where id = %s",
                            (rate, f"{service}_p"),
                        )
                        c.execute("select set_config('role', 'service_role', true)")
                        c.execute(
                            "select count(*) from public.reprice_model_calls(%s, %s, %s)",
                            (service, start, start + timedelta(days=30)),
                        )

                    retried(conn, work)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=recorder), threading.Thread(target=repricer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    with psycopg.connect(fresh_db, autocommit=True) as check:
        with request(check, claims_for("service_role")):
            check.execute(
                "select count(*) from public.reprice_model_calls(%s, %s, %s)",
                (service, start, start + timedelta(days=30)),
            )
        (rate,) = check.execute(
            "select input_per_million from public.service_prices where id = %s", (f"{service}_p",)
        ).fetchone()
        assert check.execute(
            "select count(*), count(*) filter (where cost <> input_tokens * %s / 1000000)"
            " from public.model_calls where user_id = %s",
            (rate, user),
        ).fetchone() == (120, 0)
        assert check.execute(
            "select count(*) from public.ai_interactions as i where i.user_id = %s"
            " and (i.input_tokens, i.total_cost) is distinct from (select"
            " (sum(m.input_tokens)::integer, round(sum(m.cost), 8)) from public.model_calls"
            " as m where m.interaction_id = i.id)",
            (user,),
        ).fetchone() == (0,)


# --- the client -------------------------------------------------------------------------------


def test_corrections_through_the_client(world: World):  # noqa: F811
    agent = world.alice.create_agent("ledger", "openai", service_id="openai_gpt4o")
    started = datetime.now(UTC) - timedelta(hours=2)
    session = world.alice.record_interaction(
        agent.id,
        "seed-002",
        input_tokens=5,
        total_cost=Decimal("0.1"),
        started_at=started,
        ended_at=started + timedelta(minutes=5),
    )
    with pytest.raises(PermissionDenied):
        world.alice.correct_interaction_usage(session.id, "mine", total_cost=Decimal("0"))
    fixed = world.service.correct_interaction_usage(
        session.id, "vendor invoice", total_cost=Decimal("0.25"), input_tokens=6
    )
    assert isinstance(fixed, UsageCorrection) and fixed.kind == "interaction"
    assert (fixed.old_cost, fixed.new_cost) == (Decimal("0.1"), Decimal("0.25"))
    assert (fixed.old_input_tokens, fixed.new_input_tokens) == (5, 6)
    assert str(fixed.user_id) == world.alice_id and fixed.reason == "vendor invoice"
    assert world.alice.list_usage_corrections() == [fixed]
    assert world.alice.list_usage_corrections(interaction_id=session.id) == [fixed]
    assert world.bob.list_usage_corrections() == []
    with pytest.raises(NotFound):
        world.service.correct_interaction_usage(uuid.uuid4(), "none", input_tokens=1)

    with_calls = world.alice.record_interaction(agent.id, "with calls", started_at=started)
    world.alice.record_model_call(
        agent.id, input_tokens=1000, interaction_id=with_calls.id, started_at=started
    )
    with pytest.raises(Conflict) as err:
        world.service.correct_interaction_usage(with_calls.id, "no", input_tokens=1)
    assert err.value.code == "PT409" and "input_tokens" in err.value.message
    runs = world.service.reprice_model_calls(
        "openai_gpt4o",
        started - timedelta(minutes=1),
        started + timedelta(minutes=1),
        reason="prices unchanged",
    )
    assert [(r.user_id, r.rows_changed, r.kind) for r in runs] == [(None, 0, "reprice")]
    with pytest.raises(PermissionDenied):
        world.alice.reprice_model_calls("openai_gpt4o", started, started + timedelta(hours=1))
    with pytest.raises(TypeError):
        world.service.reprice_model_calls("openai_gpt4o", "2026-01-01", started)
    with pytest.raises(TypeError):
        world.service.correct_interaction_usage(session.id, "float", total_cost=0.5)


# --- the property test --------------------------------------------------------------------------

ZONES = [
    None,
    "America/Los_Angeles",
    "Pacific/Auckland",
    "Europe/London",
    "Asia/Kathmandu",
    "America/Havana",
]
# Near 2026's daylight-saving changes (UTC instants), all in the past.
ANCHORS = [
    datetime(2026, 3, 8, 10, 0, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 4, 5, 0, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 5, 0, tzinfo=UTC),
]
SERVICE = "openai_ledger_property"
KINDS = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
)
RATES = (
    "input_per_million",
    "cached_input_per_million",
    "cache_write_per_million",
    "output_per_million",
    "reasoning_per_million",
    "per_request",
)

rate = st.one_of(st.none(), st.decimals(0, 100, places=6))
price = st.fixed_dictionaries({r: rate for r in RATES})
moment = st.builds(
    lambda anchor, seconds: anchor + timedelta(seconds=seconds),
    st.sampled_from(ANCHORS),
    st.integers(-30 * 3600, 30 * 3600),
)


@st.composite
def ledgers(draw):
    zones = draw(st.lists(st.sampled_from(ZONES), min_size=1, max_size=3))
    users = len(zones)
    interactions = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "user": st.integers(0, users - 1),
                    "agent": st.integers(0, 1),
                    "started_at": moment,
                    "input_tokens": st.integers(0, 10**6),
                    "output_tokens": st.integers(0, 10**6),
                    "total_cost": st.one_of(st.none(), st.decimals(0, 1000, places=8)),
                    "duration_minutes": st.one_of(st.none(), st.integers(0, 600)),
                    "late": st.booleans(),
                    "deleted": st.booleans(),
                }
            ),
            max_size=8,
        )
    )
    calls = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "user": st.integers(0, users - 1),
                    "agent": st.integers(0, 1),
                    "interaction": st.one_of(st.none(), st.integers(0, 7)),
                    "started_at": moment,
                    "tokens": st.tuples(*[st.sampled_from([0, 0, 1, 999, 123456])] * 5),
                    "cost": st.one_of(st.none(), st.none(), st.decimals(0, 10, places=12)),
                    "late": st.booleans(),
                }
            ),
            max_size=12,
        )
    )
    return {
        "zones": zones,
        "interactions": interactions,
        "calls": calls,
        "change": draw(moment),
        "prices": (draw(price), draw(price)),
        "corrected": draw(price),
        "reprice": draw(st.tuples(moment, moment)),
        "delete_agent": draw(st.one_of(st.none(), st.integers(0, users - 1))),
    }


def cents(value: Decimal) -> Decimal:
    """numeric(38, 8) rounds half away from zero (costs are never negative)."""
    return value.quantize(Decimal("0.00000001"), rounding=ROUND_HALF_UP)


def price_cost(prices, at: datetime, tokens) -> tuple[Decimal | None, int | None]:
    """(cost, index of the price) at the price valid at `at`, as the database must price it."""
    for index, (start, end, p) in enumerate(prices):
        if start <= at and (end is None or at < end):
            if any(t and p[r] is None for t, r in zip(tokens, RATES, strict=False)):
                return None, None
            total = sum(
                (Decimal(t) * (p[r] or 0) for t, r in zip(tokens, RATES, strict=False)),
                Decimal(0),
            )
            return total / MILLION + (p["per_request"] or 0), index
    return None, None


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ledger=ledgers())
def test_daily_stats_equal_a_recomputation_from_the_ledger(db, ledger):
    with db.transaction(force_rollback=True):
        start = datetime(2026, 1, 1, tzinfo=UTC)
        change = ledger["change"]
        db.execute(
            "insert into public.vendor_services (id, vendor_id, service_name, display_name)"
            " values (%s, 'openai', %s, 'property')",
            (SERVICE, SERVICE),
        )
        bounds = [(start, change), (change, None)]
        for n, ((lo, hi), p) in enumerate(zip(bounds, ledger["prices"], strict=True)):
            db.execute(
                "insert into public.service_prices (id, service_id, valid_from, valid_until,"
                f" {', '.join(RATES)}) values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (f"{SERVICE}_{n}", SERVICE, lo, hi, *[p[r] for r in RATES]),
            )
        users = [make_user(db, zone) for zone in ledger["zones"]]
        agents = {
            (u, a): make_agent(db, users[u], ("openai", "anthropic")[a], (SERVICE, None)[a])
            for u in range(len(users))
            for a in (0, 1)
        }
        interaction_ids: dict[int, str] = {}
        owner_of: dict[int, tuple[int, int]] = {}
        attached: dict[int, int | None] = {}  # call -> interaction (only one of its agent)

        def record(late: bool) -> None:
            for n, i in enumerate(ledger["interactions"]):
                if i["late"] != late:
                    continue
                interaction_ids[n] = make_interaction(
                    db,
                    users[i["user"]],
                    agents[(i["user"], i["agent"])],
                    started_at=i["started_at"],
                    input_tokens=i["input_tokens"],
                    output_tokens=i["output_tokens"],
                    total_cost=i["total_cost"],
                    duration_minutes=i["duration_minutes"],
                )
                owner_of[n] = (i["user"], i["agent"])
            batch = []
            for k, c in enumerate(ledger["calls"]):
                if c["late"] != late:
                    continue
                target = c["interaction"]
                if target is not None and owner_of.get(target) != (c["user"], c["agent"]):
                    target = None
                attached[k] = target
                entry = {
                    "agent_id": agents[(c["user"], c["agent"])],
                    "started_at": c["started_at"].isoformat(),
                    **dict(zip(KINDS, c["tokens"], strict=True)),
                }
                if target is not None:
                    entry["interaction_id"] = interaction_ids[target]
                if c["cost"] is not None:
                    entry["cost"] = str(c["cost"])
                batch.append(entry)
            if batch:
                record_calls(db, batch)

        moments = [i["started_at"] for i in ledger["interactions"]] + [
            c["started_at"] for c in ledger["calls"]
        ]
        days = sorted({m.date() + timedelta(days=k) for m in moments for k in (-1, 0, 1)})
        record(late=False)
        for d in days:
            refresh(db, d)
        record(late=True)  # recorded after the days were computed once
        # Deletions: some interactions, and perhaps every agent of one user.
        for n, i in enumerate(ledger["interactions"]):
            if i["deleted"]:
                with request(db, claims_for("authenticated", users[i["user"]])):
                    db.execute(
                        "delete from public.ai_interactions where id = %s", (interaction_ids[n],)
                    )
        if ledger["delete_agent"] is not None:
            u = ledger["delete_agent"]
            with request(db, claims_for("authenticated", users[u])):
                db.execute("delete from public.ai_agents where user_id = %s", (users[u],))
        # The second price is corrected, then a range re-priced.
        corrected = ledger["corrected"]
        db.execute(
            f"update public.service_prices set ({', '.join(RATES)}) ="
            f" ({', '.join(['%s'] * len(RATES))}) where id = %s",
            (*[corrected[r] for r in RATES], f"{SERVICE}_1"),
        )
        lo, hi = sorted(ledger["reprice"])
        if lo < hi:
            with request(db, claims_for("service_role")):
                db.execute(
                    "select * from public.reprice_model_calls(%s, %s, %s)", (SERVICE, lo, hi)
                )
        for d in days:
            refresh(db, d)

        # The independent recomputation.
        first = [(start, change, ledger["prices"][0]), (change, None, ledger["prices"][1])]
        now_prices = [(start, change, ledger["prices"][0]), (change, None, corrected)]
        events = []  # (user, vendor, started_at, cost, input, output)
        with_calls = set()
        for k, c in enumerate(ledger["calls"]):
            tokens = c["tokens"]
            if c["cost"] is not None:
                cost = c["cost"]
            elif c["agent"] == 1:
                cost = None  # the anthropic agent's calls name no service: unpriced
            elif lo < hi and lo <= c["started_at"] < hi:
                cost, _ = price_cost(now_prices, c["started_at"], tokens)
            else:
                cost, _ = price_cost(first, c["started_at"], tokens)
            if attached[k] is not None:
                with_calls.add(attached[k])
            events.append(
                (
                    c["user"],
                    ("openai", "anthropic")[c["agent"]],
                    c["started_at"],
                    cost,
                    tokens[0] + tokens[1] + tokens[2],
                    tokens[3] + tokens[4],
                )
            )
        for n, i in enumerate(ledger["interactions"]):
            if n not in with_calls:
                events.append(
                    (
                        i["user"],
                        ("openai", "anthropic")[i["agent"]],
                        i["started_at"],
                        i["total_cost"],
                        i["input_tokens"],
                        i["output_tokens"],
                    )
                )

        def local(user: int, at: datetime) -> date:
            return at.astimezone(ZoneInfo(ledger["zones"][user] or "UTC")).date()

        want: dict = {}

        def day_of(user: int, at: datetime) -> dict:
            return want.setdefault(
                (user, local(user, at)),
                {
                    "n": 0,
                    "agents": set(),
                    "duration": 0,
                    "cost": Decimal(0),
                    "in": 0,
                    "out": 0,
                    "unpriced": 0,
                    "vendors": defaultdict(lambda: [0, Decimal(0), 0, 0]),
                },
            )

        for i in ledger["interactions"]:
            d = day_of(i["user"], i["started_at"])
            d["n"] += 1
            d["agents"].add(i["agent"])
            d["duration"] += i["duration_minutes"] or 0
            d["vendors"][("openai", "anthropic")[i["agent"]]][0] += 1
        for user, vendor, at, cost, tokens_in, tokens_out in events:
            d = day_of(user, at)
            d["cost"] += cost or 0
            d["unpriced"] += cost is None
            d["in"] += tokens_in
            d["out"] += tokens_out
            v = d["vendors"][vendor]
            v[1] += cost or 0
            v[2] += tokens_in
            v[3] += tokens_out

        got = {}
        for row in db.execute(
            "select user_id::text, date, total_interactions, unique_agents_used,"
            " total_duration_minutes, total_cost, total_input_tokens, total_output_tokens,"
            " unpriced_events, vendor_usage::text from public.ai_usage_stats"
            " where user_id = any(%s::uuid[])",
            (users,),
        ):
            got[(users.index(row[0]), row[1])] = row[2:]
        assert got.keys() == want.keys()
        for key, w in want.items():
            *figures, vendors = got[key]
            assert figures == [
                w["n"],
                len(w["agents"]),
                w["duration"],
                cents(w["cost"]),
                w["in"],
                w["out"],
                w["unpriced"],
            ], key
            assert {
                k: [v["interactions"], v["cost"], v["input_tokens"], v["output_tokens"]]
                for k, v in json.loads(vendors, parse_float=Decimal).items()
            } == {k: [v[0], cents(v[1]), v[2], v[3]] for k, v in w["vendors"].items()}, key
        assert [refresh(db, d) for d in days] == [0] * len(days), "idempotent"
