"""Budgets, admissions and alerts (issue 11), against a real PostgreSQL.

- the client's budget methods through the transports (blocking and asyncio; supabase when a
  project is configured), refusals included;
- alerts are announced with pg_notify on commit, once;
- period boundaries (day, week from Monday, month) in many zones, across daylight-saving
  changes, equal to Python's zoneinfo;
- the spend counters equal a recomputation from the usage ledger after a random mix of
  calls, batches, interactions, edits, deletes and a change of time zone;
- many parallel sessions admitting, recording (real cost differing from the estimate) and
  letting reservations expire against one hard budget: the spend never passes the limit
  beyond what the real costs exceeded their estimates, every alert is written once, nothing
  is lost. The figures are printed (run with -s to see them);
- the CLI: `agentsdb budgets set|list|status|alerts`.
"""

from __future__ import annotations

import json
import random
import select
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from test_client import World, world  # noqa: F401 - the transports' fixture

from agentsdb.client import Client
from agentsdb.errors import BudgetExceeded, InvalidInput, NotFound
from agentsdb.models import Budget, BudgetReservation, BudgetStatus
from conftest import ROOT

AGENTSDB = str(Path(sys.executable).parent / "agentsdb")


def new_user(conn: psycopg.Connection, name: str) -> str:
    uid = str(uuid.uuid4())
    conn.execute(
        "insert into auth.users (id, email, aud, role) values (%s, %s, 'authenticated',"
        " 'authenticated')",
        (uid, f"{name}-{uid[:8]}@example.test"),
    )
    return uid


def new_agent(conn: psycopg.Connection, user_id: str, name: str = "agent") -> str:
    return str(
        conn.execute(
            "insert into public.ai_agents (user_id, name, vendor_id, service_id)"
            " values (%s, %s, 'openai', 'openai_gpt4o') returning id",
            (user_id, name),
        ).fetchone()[0]
    )


# --- the client -------------------------------------------------------------------------------


def test_budgets_through_the_client(world):  # noqa: F811
    agent = world.alice.create_agent("budgeted", "openai", service_id="openai_gpt4o")
    budget = world.alice.create_budget("monthly", Decimal("1.00"), is_hard=True)
    assert isinstance(budget, Budget) and budget.thresholds == [50, 80, 100]
    assert budget.scope == "all" and budget.period == "month" and budget.is_hard

    first = world.alice.admit_model_call(agent.id, Decimal("0.6"))
    assert isinstance(first, BudgetReservation) and first.settled_at is None
    assert first.vendor_id == "openai" and first.service_id == "openai_gpt4o"
    with pytest.raises(BudgetExceeded) as refused:
        world.alice.admit_model_call(agent.id, Decimal("0.5"))
    assert refused.value.code == "PT402"
    assert str(budget.id) in refused.value.message and "monthly" in refused.value.message
    assert "spent 0, reserved 0.6" in refused.value.detail

    call = world.alice.record_model_call(agent.id, cost=Decimal("0.7"), reservation_id=first.id)
    (settled,) = world.alice.list_budget_reservations()
    assert settled.settled_at is not None and settled.actual_cost == Decimal("0.7")
    assert settled.model_call_id == call.id
    (status,) = world.alice.budget_status()
    assert isinstance(status, BudgetStatus)
    assert (status.spent, status.reserved, status.remaining) == (
        Decimal("0.7"),
        Decimal(0),
        Decimal("0.3"),
    )
    assert status.thresholds_reached == [50] and status.time_zone == "UTC"
    now = datetime.now(UTC)
    assert status.period_start == datetime(now.year, now.month, 1, tzinfo=UTC)
    assert status.period_start < now < status.period_end

    (alert,) = world.alice.list_budget_alerts()
    assert (alert.threshold, alert.spent, alert.limit_amount) == (50, Decimal("0.7"), 1)
    assert alert.period_start == date(now.year, now.month, 1)
    assert world.bob.list_budget_alerts() == [] and world.bob.list_budgets() == []
    assert world.bob.list_budget_reservations() == [] and world.bob.budget_status() == []
    with pytest.raises(NotFound):
        world.bob.acknowledge_budget_alert(alert.id)
    acknowledged = world.alice.acknowledge_budget_alert(alert.id)
    assert acknowledged.acknowledged_at is not None
    assert world.alice.list_budget_alerts(unacknowledged=True) == []

    # A batch settles its reservations; a lower limit alerts at once for what is reached.
    second = world.alice.admit_model_call(agent.id, Decimal("0.2"))
    world.alice.record_model_calls(
        [{"agent_id": agent.id, "cost": Decimal("0.1"), "reservation_id": second.id}]
    )
    assert world.alice.list_budget_reservations(open_only=True) == []
    changed = world.alice.set_budget("monthly", Decimal("0.8"))
    assert changed.id == budget.id and changed.limit_amount == Decimal("0.8")
    assert sorted(a.threshold for a in world.alice.list_budget_alerts()) == [50, 80, 100]
    with pytest.raises(InvalidInput):
        world.alice.set_budget("monthly", 1, period="day")
    with pytest.raises(TypeError):
        world.alice.create_budget("float", 1.5)
    world.alice.delete_budget(budget.id)
    assert world.alice.list_budgets() == [] and world.alice.list_budget_alerts() == []


# --- alerts are announced -----------------------------------------------------------------------


def test_alerts_are_notified_on_commit_once(fresh_db):
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        alice = new_user(conn, "alice")
        agent = new_agent(conn, alice)
        conn.execute(
            "insert into public.budgets (user_id, name, period, limit_amount, thresholds)"
            " values (%s, 'daily', 'day', 10, '{50,100}')",
            (alice,),
        )
    listener = psycopg.connect(fresh_db, autocommit=True)
    listener.execute("listen agentsdb_budget_alerts")
    client = Client.postgres(fresh_db, user_id=alice)
    try:

        def drain(wait: float) -> list[dict]:
            got, deadline = [], time.monotonic() + wait
            while time.monotonic() < deadline:
                select.select([listener.fileno()], [], [], 0.1)
                got += [json.loads(n.payload) for n in listener.notifies(timeout=0.05)]
            return got

        client.record_model_call(agent, cost=Decimal("4"))
        assert drain(0.5) == []
        client.record_model_calls([{"agent_id": agent, "cost": Decimal(3)}, {"agent_id": agent}])
        (half,) = drain(2)
        assert half["threshold"] == 50 and Decimal(str(half["spent"])) == 7
        assert half["user_id"] == alice
        client.record_model_call(agent, cost=Decimal("1"))
        assert drain(0.5) == [], "50% again writes nothing"
        client.record_model_call(agent, cost=Decimal("2"))
        (full,) = drain(2)
        assert full["threshold"] == 100 and Decimal(str(full["spent"])) == 10
        client.admit_model_call(agent, 5)  # a soft budget admits anything
        with psycopg.connect(fresh_db, autocommit=True) as conn:
            conn.execute("update public.budgets set is_hard = true where user_id = %s", [alice])
        with pytest.raises(BudgetExceeded):  # spent 10 + the open 5 is past 10: even 0
            client.admit_model_call(agent, 0)
        assert drain(0.5) == [], "a limit change that reaches nothing new alerts nothing"
    finally:
        client.close()
        listener.close()


# --- calendar periods -------------------------------------------------------------------------

ZONES = (
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "America/Los_Angeles",
    "Pacific/Auckland",
    "Australia/Lord_Howe",  # half-hour daylight saving
    "America/Havana",  # midnight repeated when daylight saving ends
    "America/Santiago",  # midnight skipped when it starts
    "Asia/Kathmandu",  # +05:45
    "Pacific/Kiritimati",  # +14
    "Pacific/Pago_Pago",  # -11
)


def python_period(period: str, at: datetime, zone: str) -> tuple[date, datetime, datetime]:
    """The period containing `at`: its first local day and the instants it starts and ends,
    by zoneinfo (the first local midnight of a day; fold=0 is the earlier of two midnights,
    and a skipped one maps to the end of the gap)."""
    tz = ZoneInfo(zone)
    day = at.astimezone(tz).date()
    if period == "day":
        first, nxt = day, day + timedelta(days=1)
    elif period == "week":
        first = day - timedelta(days=day.weekday())
        nxt = first + timedelta(days=7)
    else:
        first = day.replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)

    def start(d: date) -> datetime:
        return datetime(d.year, d.month, d.day, tzinfo=tz).astimezone(UTC)

    return first, start(first), start(nxt)


def test_period_bounds_match_zoneinfo_across_daylight_saving(db):
    instants = []
    # Every 5 hours through 2026 (every transition of these zones, and months' ends).
    t = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(days=2)
    while t < datetime(2027, 1, 2, tzinfo=UTC):
        instants.append(t)
        t += timedelta(hours=5, minutes=7)
    checked = 0
    for zone in ZONES:
        rows = db.execute(
            """
            select i.t, p.period, f.first_day,
              private.local_day_start(f.first_day, %(zone)s),
              private.local_day_start(
                private.budget_period_next_day(p.period, f.first_day), %(zone)s
              )
            from unnest(%(instants)s::timestamptz[]) as i (t)
            cross join unnest(array['day', 'week', 'month']) as p (period)
            cross join lateral (
              select private.budget_period_first_day(p.period, (i.t at time zone %(zone)s)::date)
                as first_day
            ) as f
            """,
            {"zone": zone, "instants": instants},
        ).fetchall()
        for at, period, first, start, end in rows:
            assert (first, start, end) == python_period(period, at, zone), (zone, period, at)
            assert start <= at < end, (zone, period, at)
            checked += 1
    assert checked == len(ZONES) * len(instants) * 3
    # The named days: Havana's repeated midnight (2026-11-01), Santiago's skipped one
    # (2026-09-06), New York's 23-hour day (2026-03-08).
    havana, santiago, new_york = db.execute(
        "select private.local_day_start('2026-11-01', 'America/Havana'),"
        " private.local_day_start('2026-09-06', 'America/Santiago'),"
        " private.local_day_start('2026-03-09', 'America/New_York')"
        " - private.local_day_start('2026-03-08', 'America/New_York')"
    ).fetchone()
    assert havana == datetime(2026, 11, 1, 4, tzinfo=UTC)  # 00:00 CDT, not 00:00 CST
    assert santiago == datetime(2026, 9, 6, 4, tzinfo=UTC)  # 01:00 -03, the day's first
    assert new_york == timedelta(hours=23)


# --- the counters equal the ledger --------------------------------------------------------------


def test_spend_counters_equal_the_ledger_after_random_usage(db):
    rng = random.Random(11)  # noqa: S311 - a reproducible test, not a secret
    db.execute("select set_config('agentsdb.allow_audit_log_deletion', 'on', true)")
    alice = new_user(db, "alice")
    agents = [new_agent(db, alice, f"agent {n}") for n in range(3)]
    db.execute(
        "insert into public.budgets (user_id, name, scope, agent_id, vendor_id, service_id,"
        " period, limit_amount) values"
        " (%(u)s, 'all daily', 'all', null, null, null, 'day', 1),"
        " (%(u)s, 'all weekly', 'all', null, null, null, 'week', 1),"
        " (%(u)s, 'agent monthly', 'agent', %(a)s, null, null, 'month', 1),"
        " (%(u)s, 'vendor lifetime', 'vendor', null, 'openai', null, 'none', 1),"
        " (%(u)s, 'service monthly', 'service', null, null, 'openai_gpt4o', 'month', 1)",
        {"u": alice, "a": agents[0]},
    )
    now = datetime.now(UTC)
    interactions = []

    def when() -> str:
        return (now - timedelta(minutes=rng.randrange(0, 60 * 24 * 45))).isoformat()

    for step in range(160):
        kind = rng.random()
        agent = rng.choice(agents)
        if kind < 0.35:
            db.execute(
                "select public.record_model_call(agent_id => %s, cost => %s, started_at => %s,"
                " interaction_id => %s, vendor_id => %s)",
                (
                    agent,
                    Decimal(rng.randrange(0, 10**6)) / 10**6,
                    when(),
                    rng.choice([None, *[i for i, a in interactions if a == agent]][:3]),
                    rng.choice([None, "anthropic"]) if rng.random() < 0.2 else None,
                ),
            )
        elif kind < 0.5:
            batch = [
                {
                    "agent_id": rng.choice(agents),
                    "cost": str(rng.randrange(0, 999)),
                    "started_at": when(),
                }
                for _ in range(rng.randrange(1, 6))
            ]
            db.execute("select public.record_model_calls(%s)", [json.dumps(batch)])
        elif kind < 0.75:
            (iid,) = db.execute(
                "insert into public.ai_interactions (user_id, agent_id, title, total_cost,"
                " started_at, vendor_id) values (%s, %s, 't', %s, %s, 'openai') returning id",
                (
                    alice,
                    agent,
                    rng.choice([None, Decimal(rng.randrange(0, 10**8)) / 10**8]),
                    when(),
                ),
            ).fetchone()
            interactions.append((str(iid), agent))
        elif kind < 0.85 and interactions:
            iid, _ = rng.choice(interactions)
            db.execute(
                "update public.ai_interactions set total_cost = %s, started_at = %s where id = %s",
                (Decimal(rng.randrange(0, 10**6)) / 10**6, when(), iid),
            )
        elif kind < 0.95:
            zone = rng.choice(ZONES)
            db.execute(
                "insert into public.user_settings (user_id, time_zone) values (%s, %s)"
                " on conflict (user_id) do update set time_zone = excluded.time_zone",
                (alice, zone),
            )
        if step % 40 == 39:
            assert_counters_equal_the_ledger(db, alice)
    assert_counters_equal_the_ledger(db, alice)
    # Deleting interactions and an agent lowers nothing.
    before = db.execute("select array_agg(s order by s) from private.budget_spend as s").fetchone()
    for iid, _ in interactions[::2]:
        db.execute("delete from public.ai_interactions where id = %s", [iid])
    db.execute("delete from public.ai_agents where id = %s", [agents[2]])
    after = db.execute("select array_agg(s order by s) from private.budget_spend as s").fetchone()
    assert after == before, "deleting interactions or an agent changed a budget's spend"
    assert_counters_equal_the_ledger(db, alice)  # the ledger keeps deleted usage too


def assert_counters_equal_the_ledger(db, user_id: str) -> None:
    rows = db.execute(
        "select b.name, s.period_start::text, s.spent,"
        " private.budget_spend_of(b.id, s.period_start)"
        " from private.budget_spend as s join public.budgets as b on b.id = s.budget_id"
        " where b.user_id = %s",
        [user_id],
    ).fetchall()
    assert rows, "no counter rows"
    wrong = [r for r in rows if r[2] != r[3]]
    assert wrong == [], wrong


# --- parallel sessions against one hard budget --------------------------------------------------

SESSIONS = 8
REQUESTS = 50
LIMIT = Decimal("10")
UNRESERVED = 5  # calls per session recorded without a reservation, after the admissions


def test_parallel_admissions_never_overshoot_and_alert_once(fresh_db):
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        alice = new_user(conn, "alice")
        agent = new_agent(conn, alice)
        (budget_id,) = conn.execute(
            "insert into public.budgets (user_id, name, period, limit_amount, thresholds, is_hard)"
            " values (%s, 'hard monthly', 'month', %s, '{25,50,80,100,125}', true) returning id",
            (alice, LIMIT),
        ).fetchone()
    listener = psycopg.connect(fresh_db, autocommit=True)
    listener.execute("listen agentsdb_budget_alerts")
    notified: list[dict] = []
    stop = threading.Event()

    def listen() -> None:
        while not stop.is_set():
            notified.extend(json.loads(n.payload) for n in listener.notifies(timeout=0.2))

    figures = {"admitted": 0, "refused": 0, "recorded": 0, "expired": 0, "batched": 0}
    overrun = Decimal(0)  # what real costs exceeded their estimates by
    lock = threading.Lock()
    errors: list[BaseException] = []
    start = threading.Barrier(SESSIONS)

    def session(seed: int) -> None:
        nonlocal overrun
        rng = random.Random(seed)  # noqa: S311 - a reproducible test, not a secret
        client = Client.postgres(fresh_db, user_id=alice)  # a connection of its own
        try:
            start.wait()
            for _ in range(REQUESTS):
                estimate = Decimal(rng.randrange(5_000, 400_000)) / 10**6
                expire = rng.random() < 0.1
                try:
                    reservation = client.admit_model_call(
                        agent, estimate, ttl_seconds=1 if expire else 60
                    )
                except BudgetExceeded:
                    with lock:
                        figures["refused"] += 1
                    time.sleep(rng.uniform(0.005, 0.05))  # retry a little later
                    continue
                with lock:
                    figures["admitted"] += 1
                if expire:  # the caller gives up: the reservation counts until it expires
                    with lock:
                        figures["expired"] += 1
                    continue
                time.sleep(rng.uniform(0, 0.02))  # the model call itself
                actual = (estimate * Decimal(rng.randrange(60, 131)) / 100).quantize(
                    Decimal("0.000001")
                )
                if rng.random() < 0.25:
                    client.record_model_calls(
                        [{"agent_id": agent, "cost": actual, "reservation_id": reservation.id}]
                    )
                    batched = 1
                else:
                    client.record_model_call(agent, cost=actual, reservation_id=reservation.id)
                    batched = 0
                with lock:
                    figures["recorded"] += 1
                    figures["batched"] += batched
                    overrun += max(Decimal(0), actual - estimate)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            client.close()

    watcher = threading.Thread(target=listen)
    watcher.start()
    threads = [threading.Thread(target=session, args=(s,)) for s in range(SESSIONS)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    assert errors == [], errors
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        (admitted_spend,) = conn.execute(
            "select spent from private.budget_spend where budget_id = %s", [budget_id]
        ).fetchone()

    # Then usage recorded without reservations (it counts, past the limit too), by every
    # session at once: the thresholds it crosses (100, 125) alert once each.
    wave = threading.Barrier(SESSIONS)

    def unreserved() -> None:
        client = Client.postgres(fresh_db, user_id=alice)
        try:
            wave.wait()
            for _ in range(UNRESERVED):
                client.record_model_call(agent, cost=Decimal("0.1"))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=unreserved) for _ in range(SESSIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    time.sleep(0.5)
    stop.set()
    watcher.join()
    listener.close()
    assert errors == [], errors

    with psycopg.connect(fresh_db, autocommit=True) as conn:
        spent, counted = conn.execute(
            "select s.spent, private.budget_spend_of(s.budget_id, s.period_start)"
            " from private.budget_spend as s where s.budget_id = %s",
            [budget_id],
        ).fetchone()
        calls, recorded_cost = conn.execute(
            "select count(*), coalesce(sum(cost), 0) from public.model_calls where user_id = %s",
            [alice],
        ).fetchone()
        reservations, settled, unsettled, settled_cost = conn.execute(
            "select count(*), count(settled_at), count(*) - count(settled_at),"
            " coalesce(sum(actual_cost), 0) from public.budget_reservations where user_id = %s",
            [alice],
        ).fetchone()
        alerts = conn.execute(
            "select threshold, count(*) from public.budget_alerts where budget_id = %s"
            " group by threshold order by threshold",
            [budget_id],
        ).fetchall()

    requests = SESSIONS * REQUESTS
    print(
        f"\nbudgets concurrency: {SESSIONS} sessions x {REQUESTS} requests = {requests} "
        f"admissions in {elapsed:.1f} s: {figures['admitted']} admitted, "
        f"{figures['refused']} refused (PT402), {figures['recorded']} recorded "
        f"({figures['batched']} through record_model_calls), {figures['expired']} left to "
        f"expire; limit {LIMIT}, spent through admissions {admitted_spend}, real costs over "
        f"their estimates by {overrun}; then {SESSIONS * UNRESERVED} calls without reservation "
        f"at once: spent {spent} (= the ledger's {counted}); alerts (threshold, rows) "
        f"{[(int(t), c) for t, c in alerts]}, {len(notified)} notified"
    )
    unreserved_cost = Decimal("0.1") * SESSIONS * UNRESERVED
    assert figures["admitted"] + figures["refused"] == requests
    assert figures["refused"] > 0 and figures["expired"] > 0, "the limit was never reached"
    # Nothing lost: every recording is a call, settled its reservation, and counts.
    assert calls - SESSIONS * UNRESERVED == settled == figures["recorded"]
    assert reservations == figures["admitted"] and unsettled == figures["expired"]
    assert admitted_spend == settled_cost
    assert spent == counted == recorded_cost == settled_cost + unreserved_cost
    # No overshoot beyond what real costs exceeded their estimates by.
    assert admitted_spend <= LIMIT + overrun, (admitted_spend, overrun)
    # Each threshold reached alerted exactly once, and was notified once.
    reached = [t for t in (25, 50, 80, 100, 125) if spent * 100 >= LIMIT * t]
    assert reached[-2:] == [100, 125]
    assert [(int(t), c) for t, c in alerts] == [(t, 1) for t in reached]
    assert sorted(int(n["threshold"]) for n in notified) == reached


# --- the CLI ---------------------------------------------------------------------------------


def cli(*args: str, dsn: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [AGENTSDB, *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": dsn, "HOME": str(ROOT)},
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_cli_budgets(fresh_db):
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        alice = new_user(conn, "alice")
        agent = new_agent(conn, alice)
    made = cli("budgets", "set", "monthly", "2.50", "--hard", "--user", alice, dsn=fresh_db)
    assert made.returncode == 0, made.stderr
    assert "monthly" in made.stdout and "limit 2.50" in made.stdout and "hard" in made.stdout
    scoped = cli(
        "budgets", "set", "agent daily", "1", "--agent", agent, "--period", "day",
        "--thresholds", "10,90", "--user", alice, dsn=fresh_db,
    )  # fmt: skip
    assert scoped.returncode == 0, scoped.stderr
    assert f"agent:{agent}" in scoped.stdout and "thresholds 10,90%" in scoped.stdout
    listed = cli("budgets", "list", "--user", alice, dsn=fresh_db)
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 2, listed
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("select public.record_model_call(agent_id => %s, cost => 2)", [agent])
    status = cli("budgets", "status", "--user", alice, dsn=fresh_db)
    assert status.returncode == 0, status.stderr
    assert "spent 2.00 " in status.stdout and "remaining 0.50 of 2.50" in status.stdout
    alerts = cli("budgets", "alerts", "--user", alice, dsn=fresh_db)
    assert alerts.returncode == 0 and len(alerts.stdout.splitlines()) == 4, alerts
    first = alerts.stdout.split()[0]
    acked = cli("budgets", "alerts", "--ack", first, "--user", alice, dsn=fresh_db)
    assert acked.returncode == 0 and "acknowledged alert" in acked.stdout, acked
    left = cli("budgets", "alerts", "--unacknowledged", "--user", alice, dsn=fresh_db)
    assert len(left.stdout.splitlines()) == 3
    changed = cli(
        "budgets", "set", "monthly", "3", "--period", "week", "--user", alice, dsn=fresh_db
    )
    assert changed.returncode != 0 and "period" in changed.stderr
