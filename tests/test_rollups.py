"""Usage rollups (issue 10: nothing goes stale, per-agent daily figures, cost breakdown).

- marks: recording, back-dating, editing, moving and deleting usage, and changing the time
  zone, leave marks; refresh_usage_rollups consumes them and makes agent_usage_daily and the
  breakdown equal a recomputation from the ledger;
- get_cost_breakdown: exact, today included, before and after a refresh, by local periods,
  with clear refusals;
- a property test (hypothesis): random calls of users in zones with daylight saving, some
  deleted or moved, give a breakdown equal to an independent recomputation with zoneinfo
  and Decimal, before and after refreshes.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_client import World, world  # noqa: F401 - the transports' fixture
from test_rollup_rebuild import monthly_mismatches

from agentsdb.errors import InvalidInput, PermissionDenied
from agentsdb.request import claims_for, request

START = datetime(2026, 3, 7, 12, tzinfo=UTC)


def new_user(db, zone: str | None = None) -> str:
    (uid,) = db.execute(
        "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id::text",
        (f"r-{uuid.uuid4().hex[:8]}@example.test",),
    ).fetchone()
    if zone is not None:
        with request(db, claims_for("authenticated", uid)):
            db.execute("select public.set_time_zone(%s)", (zone,))
    return uid


def new_agent(db, user: str, vendor: str = "openai", service: str | None = "openai_gpt4o") -> str:
    (aid,) = db.execute(
        "insert into public.ai_agents (name, vendor_id, service_id, user_id)"
        " values ('a', %s, %s, %s) returning id::text",
        (vendor, service, user),
    ).fetchone()
    return aid


def record(db, agent: str, at: datetime, **kw) -> dict:
    args = {"input_tokens": 1000, "output_tokens": 100, "started_at": at, **kw}
    names = ", ".join(f"{k} => %({k})s" for k in args)
    with request(db, claims_for("service_role")):
        cur = db.execute(
            "select id::text, cost from public.record_model_call("
            f"agent_id => %(agent_id)s, {names})",
            {"agent_id": agent, **args},
        )
        row = cur.fetchone()
    return {"id": row[0], "cost": row[1]}


def refresh(db) -> tuple:
    with request(db, claims_for("service_role")):
        return db.execute("select * from public.refresh_usage_rollups()").fetchone()


def breakdown(db, user: str, period="day", by="total", first=None, last=None, as_service=False):
    first = first or date(2026, 1, 1)
    last = last or date(2026, 12, 31)
    claims = claims_for("service_role") if as_service else claims_for("authenticated", user)
    with request(db, claims):
        return db.execute(
            "select period_start, period_end, group_key, calls, unpriced_calls, failed_calls,"
            " input_tokens, output_tokens, cost"
            " from public.get_cost_breakdown(%s, %s, %s, %s, %s)",
            (period, by, first, last, user if as_service else None),
        ).fetchall()


def marks_of(db, user: str) -> int:
    return db.execute(
        "select count(*) from private.usage_rollup_marks where user_id = %s", (user,)
    ).fetchone()[0]


def agent_days(db, user: str) -> list[tuple]:
    return db.execute(
        "select agent_id::text, day, calls, interactions, input_tokens, output_tokens, cost,"
        " unpriced_calls, failed_calls, cancelled_calls, latency_p50_ms, latency_p95_ms"
        " from public.agent_usage_daily where user_id = %s order by day, agent_id",
        (user,),
    ).fetchall()


def test_recording_marks_and_refresh_rolls_up_by_local_day(db):
    user = new_user(db, "America/Los_Angeles")
    agent = new_agent(db, user)
    refresh(db)  # the migration's and other tests' marks
    # 2026-03-08 is LA's spring-forward day: 07:30 UTC is 23:30 on the 7th, 08:30 UTC 00:30.
    a = record(db, agent, datetime(2026, 3, 8, 7, 30, tzinfo=UTC), latency_ms=100)
    b = record(db, agent, datetime(2026, 3, 8, 8, 30, tzinfo=UTC), latency_ms=300)
    c = record(db, agent, datetime(2026, 3, 8, 9, 0, tzinfo=UTC), status="failed", latency_ms=200)
    d = record(db, agent, datetime(2026, 3, 8, 9, 30, tzinfo=UTC), service_id="openai_whisper")
    assert marks_of(db, user) == 4
    assert agent_days(db, user) == []
    counts = refresh(db)
    assert counts[0] >= 4 and counts[1] >= 2 and counts[4] == 0
    assert marks_of(db, user) == 0
    days = agent_days(db, user)
    assert [r[1] for r in days] == [date(2026, 3, 7), date(2026, 3, 8)]
    assert days[0][2:] == (1, 0, 1000, 100, a["cost"], 0, 0, 0, 100, 100)
    priced = b["cost"] + c["cost"] + (d["cost"] or 0)
    assert days[1][2:] == (3, 0, 3000, 300, priced, 1 if d["cost"] is None else 0, 1, 0, 200, 300)
    # A second refresh has nothing to do.
    assert refresh(db)[:2] == (0, 0)


def test_breakdown_is_exact_before_and_after_refresh(db):
    user = new_user(db, "Europe/Paris")
    agent = new_agent(db, user)
    other = new_agent(db, user, "anthropic", "anthropic_claude_haiku_4_5")
    refresh(db)
    calls = [
        record(db, agent, datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),  # 01:30 local, the 29th
        record(db, other, datetime(2026, 3, 28, 23, 30, tzinfo=UTC)),  # 00:30 local, the 29th
        record(db, agent, datetime(2026, 3, 28, 22, 30, tzinfo=UTC)),  # 23:30 local, the 28th
    ]
    before = breakdown(db, user, "day", "vendor")
    refresh(db)
    after = breakdown(db, user, "day", "vendor")
    assert before == after
    assert [(r[0], r[2], r[3], r[8]) for r in after] == [
        (date(2026, 3, 28), "openai", 1, calls[2]["cost"]),
        (date(2026, 3, 29), "anthropic", 1, calls[1]["cost"]),
        (date(2026, 3, 29), "openai", 1, calls[0]["cost"]),
    ]
    # ISO week from Monday 2026-03-23 to Sunday 03-29: one row with everything.
    week = breakdown(db, user, "week", "total", date(2026, 3, 25), date(2026, 3, 25))
    assert [(r[0], r[1], r[2], r[3]) for r in week] == [
        (date(2026, 3, 23), date(2026, 3, 29), None, 3)
    ]
    assert week[0][8] == sum(c["cost"] for c in calls)
    # The same through service_role naming the user.
    by_agent = {r[2]: r[3] for r in breakdown(db, user, "month", "agent", as_service=True)}
    assert by_agent == {agent: 2, other: 1}


def test_edits_moves_and_deletes_leave_marks(db):
    user = new_user(db)
    agent = new_agent(db, user)
    call = record(db, agent, datetime(2026, 5, 1, 12, tzinfo=UTC))
    refresh(db)
    assert marks_of(db, user) == 0
    db.execute(
        "update public.model_calls set started_at = %s where id = %s",
        (datetime(2026, 5, 3, 12, tzinfo=UTC), call["id"]),
    )
    assert marks_of(db, user) == 2
    # Before the refresh the breakdown already follows the move.
    assert [r[0] for r in breakdown(db, user)] == [date(2026, 5, 3)]
    refresh(db)
    assert [r[1] for r in agent_days(db, user)] == [date(2026, 5, 3)]
    db.execute("delete from public.model_calls where id = %s", (call["id"],))
    assert marks_of(db, user) == 1
    assert breakdown(db, user) == []
    refresh(db)
    assert agent_days(db, user) == []


def test_a_change_of_time_zone_rebuilds_every_day(db):
    user = new_user(db)
    agent = new_agent(db, user)
    record(db, agent, datetime(2026, 6, 1, 3, tzinfo=UTC))  # 2026-05-31 in Los Angeles
    refresh(db)
    assert [r[1] for r in agent_days(db, user)] == [date(2026, 6, 1)]
    with request(db, claims_for("authenticated", user)):
        db.execute("select public.set_time_zone('America/Los_Angeles')")
    assert (
        db.execute(
            "select count(*) from private.usage_rollup_marks"
            " where user_id = %s and from_at is null",
            (user,),
        ).fetchone()[0]
        == 1
    )
    assert [r[0] for r in breakdown(db, user)] == [date(2026, 5, 31)]
    refresh(db)
    assert [r[1] for r in agent_days(db, user)] == [date(2026, 5, 31)]
    stats = db.execute(
        "select date from public.ai_usage_stats where user_id = %s", (user,)
    ).fetchall()
    assert all(d == date(2026, 5, 31) for (d,) in stats)


def test_agent_figures_outlive_the_agent_and_are_the_owners(db):
    user = new_user(db)
    stranger = new_user(db)
    agent = new_agent(db, user)
    record(db, agent, datetime(2026, 7, 1, 12, tzinfo=UTC))
    refresh(db)
    with request(db, claims_for("authenticated", stranger)):
        assert db.execute("select count(*) from public.agent_usage_daily").fetchone()[0] == 0
    with request(db, claims_for("authenticated", user)):
        assert db.execute("select count(*) from public.agent_usage_daily").fetchone()[0] == 1
    with pytest.raises(psycopg.errors.InsufficientPrivilege), request(db, claims_for("anon")):
        db.execute("select count(*) from public.agent_usage_daily")


@pytest.mark.parametrize(
    ("args", "code", "field"),
    [
        (("year", "total", "2026-01-01", "2026-01-02"), "22023", "period"),
        ((None, "total", "2026-01-01", "2026-01-02"), "22004", "period"),
        (("day", "colour", "2026-01-01", "2026-01-02"), "22023", "group_by"),
        (("day", "total", None, "2026-01-02"), "22004", "from_date"),
        (("day", "total", "2026-01-03", "2026-01-02"), "22023", "to_date"),
        (("day", "total", "2000-01-01", "2026-01-02"), "22023", "to_date"),
    ],
)
def test_breakdown_refuses_bad_arguments(db, args, code, field):
    user = new_user(db)
    with pytest.raises(psycopg.Error) as err, request(db, claims_for("authenticated", user)):
        db.execute("select * from public.get_cost_breakdown(%s, %s, %s, %s)", args)
    assert err.value.sqlstate == code and err.value.diag.message_primary.startswith(field)


def test_breakdown_is_for_the_caller_only(db):
    user = new_user(db)
    other = new_user(db)
    with pytest.raises(psycopg.Error) as err, request(db, claims_for("authenticated", user)):
        db.execute(
            "select * from public.get_cost_breakdown("
            "'day', 'total', '2026-01-01', '2026-01-02', %s)",
            (other,),
        )
    assert err.value.sqlstate == "42501"
    with pytest.raises(psycopg.Error) as err, request(db, claims_for("service_role")):
        db.execute(
            "select * from public.get_cost_breakdown('day', 'total', '2026-01-01', '2026-01-02')"
        )
    assert err.value.sqlstate == "22004" and "user_id" in err.value.diag.message_primary
    with pytest.raises(psycopg.Error) as err, request(db, claims_for("authenticated", user)):
        db.execute("select * from public.refresh_usage_rollups()")
    assert err.value.sqlstate == "42501"


# --- the client ------------------------------------------------------------------------------


def test_statistics_through_the_client(world: World):  # noqa: F811
    world.alice.set_time_zone("Asia/Kathmandu")
    agent = world.alice.create_agent("stats", "openai", service_id="openai_gpt4o")
    # 18:30 UTC is 00:15 the next day in Kathmandu (+05:45).
    at = datetime(2026, 8, 1, 18, 30, tzinfo=UTC)
    first = world.alice.record_model_call(agent.id, input_tokens=2000, started_at=at)
    second = world.alice.record_model_call(
        agent.id, output_tokens=10, started_at=at - timedelta(hours=1), latency_ms=50
    )
    rows = world.alice.cost_breakdown(date(2026, 8, 1), date(2026, 8, 2), group_by="model")
    assert [(r.period_start, r.calls, r.cost) for r in rows] == [
        (date(2026, 8, 1), 1, second.cost),
        (date(2026, 8, 2), 1, first.cost),
    ]
    month = world.alice.cost_breakdown(date(2026, 8, 5), date(2026, 8, 5), period="month")
    assert [(m.period_start, m.period_end, m.cost) for m in month] == [
        (date(2026, 8, 1), date(2026, 8, 31), first.cost + second.cost)
    ]
    assert world.alice.agent_usage_days() == []  # not refreshed yet
    done = world.service.refresh_rollups()
    assert done.days >= 2 and done.failed_days == 0
    days = world.alice.agent_usage_days(agent_id=agent.id)
    assert [(d.day, d.calls, d.cost, d.latency_p50_ms) for d in days] == [
        (date(2026, 8, 1), 1, second.cost, 50),
        (date(2026, 8, 2), 1, first.cost, None),
    ]
    assert world.bob.agent_usage_days() == []
    assert world.bob.cost_breakdown(date(2026, 8, 1), date(2026, 8, 2)) == []
    assert (
        world.service.cost_breakdown(
            date(2026, 8, 1), date(2026, 8, 2), period="week", user_id=world.alice_id
        )[0].calls
        == 2
    )
    with pytest.raises(InvalidInput) as err:
        world.alice.cost_breakdown(date(2026, 8, 1), date(2026, 8, 2), period="year")
    assert err.value.code == "22023" and "period" in err.value.message
    with pytest.raises(PermissionDenied):
        world.alice.refresh_rollups()
    with pytest.raises(TypeError):
        world.alice.cost_breakdown(at, date(2026, 8, 2))


# --- the property test ------------------------------------------------------------------------

ZONES = [
    None,
    "America/Los_Angeles",
    "Europe/London",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Asia/Kathmandu",
    "America/Havana",
    "America/Santiago",
]
# 2026's daylight-saving changes of those zones (local dates), all before today's date.
CHANGES = [
    date(2026, 3, 8),
    date(2026, 3, 29),
    date(2026, 4, 5),
    date(2026, 9, 6),
    date(2026, 9, 27),
    date(2026, 10, 25),
    date(2026, 11, 1),
]
# (agent's vendor, service): two priced, one unpriced.
SERVICES = [
    ("openai", "openai_gpt4o"),
    ("openai", "openai_whisper"),
    ("anthropic", "anthropic_claude_haiku_4_5"),
]


@st.composite
def instants(draw):
    day = draw(st.sampled_from(CHANGES))
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
        minutes=draw(st.integers(-40 * 60, 40 * 60))
    )


@st.composite
def events(draw, users: int):
    return {
        "user": draw(st.integers(0, users - 1)),
        "agent": draw(st.integers(0, 1)),
        "service": draw(st.integers(0, 2)),
        "model": draw(st.sampled_from([None, "m-1", "m-2"])),
        "at": draw(instants()),
        "input": draw(st.integers(0, 10**7)),
        "cached": draw(st.integers(0, 10**6)),
        "output": draw(st.integers(0, 10**6)),
        "status": draw(st.sampled_from(["succeeded", "succeeded", "failed", "cancelled"])),
        "cost": draw(st.one_of(st.none(), st.none(), st.decimals(0, 100, places=12))),
        # None: stays; "delete"; or an instant to move it to.
        "fate": draw(st.one_of(st.none(), st.none(), st.just("delete"), instants())),
        # An interaction recorded the seed-002 way (no calls) instead of a model call.
        "interaction": draw(st.integers(0, 5)) == 0,
    }


@st.composite
def scenarios(draw):
    zones = draw(st.lists(st.sampled_from(ZONES), min_size=1, max_size=3))
    rows = draw(st.lists(events(len(zones)), min_size=1, max_size=25))
    refreshes = draw(st.sampled_from(["none", "after recording", "after edits", "both"]))
    first = draw(st.sampled_from(CHANGES)) - timedelta(days=draw(st.integers(0, 3)))
    last = max(first, draw(st.sampled_from(CHANGES)) + timedelta(days=draw(st.integers(0, 3))))
    new_zone = draw(st.one_of(st.none(), st.sampled_from(ZONES[1:])))
    return zones, rows, refreshes, first, last, new_zone


def period_of(day: date, period: str) -> date:
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def period_end(start: date, period: str) -> date:
    if period == "day":
        return start
    if period == "week":
        return start + timedelta(days=6)
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def expected_breakdown(kept, zone, period, by, first, last):
    lo, hi = period_of(first, period), period_end(period_of(last, period), period)
    out: dict = defaultdict(lambda: [0, 0, 0, 0, 0, Decimal(0)])
    for e in kept:
        day = e["at"].astimezone(ZoneInfo(zone or "UTC")).date()
        if not lo <= day <= hi:
            continue
        key = {
            "vendor": e["vendor"],
            "service": e["service_id"],
            "model": e["model"],
            "agent": e["agent_id"],
            "total": None,
        }[by]
        start = period_of(day, period)
        f = out[(start, period_end(start, period), key)]
        call = not e["interaction"]
        f[0] += call
        f[1] += call and e["cost"] is None
        f[2] += call and e["status"] == "failed"
        f[3] += e["input"]
        f[4] += e["output"]
        f[5] += e["cost"] or 0
    return {k: tuple(v) for k, v in out.items()}


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_breakdown_equals_a_recomputation_in_python(db, scenario):
    zones, rows, refreshes, first, last, new_zone = scenario
    with db.transaction(force_rollback=True):
        users = [new_user(db, zone) for zone in zones]
        agents = {
            (u, a): new_agent(db, users[u], vendor, service)
            for u in range(len(users))
            for a, (vendor, service) in enumerate([SERVICES[0], SERVICES[2]])
        }
        done = []
        for r in rows:
            vendor, service = SERVICES[r["service"]] if r["agent"] == 0 else SERVICES[2]
            agent = agents[(r["user"], r["agent"])]
            e = {**r, "vendor": vendor, "service_id": service, "agent_id": agent}
            if r["interaction"]:
                (e["id"], e["cost"]) = db.execute(
                    "insert into public.ai_interactions (agent_id, user_id, title, started_at,"
                    " input_tokens, output_tokens, total_cost) values (%s, %s, 'i', %s, %s, %s,"
                    " %s) returning id::text, total_cost",
                    (agent, users[r["user"]], r["at"], r["input"], r["output"], r["cost"]),
                ).fetchone()
                # It runs on its agent's vendor and service.
                e.update(cached=0, model=None, status="succeeded")
                e["vendor"], e["service_id"] = SERVICES[0] if r["agent"] == 0 else SERVICES[2]
            else:
                got = record(
                    db,
                    agent,
                    r["at"],
                    input_tokens=r["input"],
                    cached_input_tokens=r["cached"],
                    output_tokens=r["output"],
                    service_id=service,
                    status=r["status"],
                    **({"model_name": r["model"]} if r["model"] else {}),
                    **({"cost": r["cost"]} if r["cost"] is not None else {}),
                )
                e["id"], e["cost"] = got["id"], got["cost"]
            done.append(e)
        if refreshes in ("after recording", "both"):
            refresh(db)
        kept = []
        for e in done:
            table = "ai_interactions" if e["interaction"] else "model_calls"
            if e["fate"] == "delete" and not e["interaction"]:
                db.execute(f"delete from public.{table} where id = %s", (e["id"],))
                continue
            if isinstance(e["fate"], datetime):
                db.execute(
                    f"update public.{table} set started_at = %s where id = %s",
                    (e["fate"], e["id"]),
                )
                e["at"] = e["fate"]
            kept.append(e)
        if new_zone is not None:
            with request(db, claims_for("authenticated", users[0])):
                db.execute("select public.set_time_zone(%s)", (new_zone,))
            zones = [new_zone, *zones[1:]]
        if refreshes in ("after edits", "both"):
            refresh(db)
        for u, user in enumerate(users):
            mine = [e for e in kept if e["user"] == u]
            for period in ("day", "week", "month"):
                for by in ("vendor", "service", "model", "agent", "total"):
                    got = {
                        (r[0], r[1], r[2]): (r[3], r[4], r[5], r[6], r[7], r[8])
                        for r in breakdown(db, user, period, by, first, last)
                    }
                    want = expected_breakdown(mine, zones[u], period, by, first, last)
                    assert got == want, (period, by)
        # After a refresh the rollups alone say the same, and each month's rollup is the
        # sum of its days'.
        refresh(db)
        for u, user in enumerate(users):
            assert marks_of(db, user) == 0
            assert monthly_mismatches(db, [user]) == []
            got = {(r[0], r[2]): r[3:] for r in breakdown(db, user, "day", "agent", first, last)}
            want = expected_breakdown(
                [e for e in kept if e["user"] == u], zones[u], "day", "agent", first, last
            )
            assert got == {(k[0], k[2]): v for k, v in want.items()}


# --- get_agent_usage_summary and agent_summary read rollups -----------------------------------

# An agent's interactions recomputed from the raw rows, started in (since, until].
WINDOW_RAW = """
    select count(*), coalesce(sum(i.input_tokens), 0)::bigint,
      coalesce(sum(i.output_tokens), 0)::bigint,
      coalesce(sum(i.total_cost), 0)::numeric(38, 8)::numeric,
      coalesce(sum(i.duration_minutes), 0)::bigint,
      avg(i.satisfaction_rating)::real, avg(i.usefulness_rating)::real,
      min(i.started_at), max(i.started_at),
      count(distinct (i.started_at at time zone 'UTC')::date)::integer,
      coalesce((select jsonb_object_agg(t.interaction_type_id, t.n) from (
        select j.interaction_type_id, count(*) as n from public.ai_interactions as j
        where j.agent_id = %(agent)s and j.started_at > %(since)s and j.started_at <= %(until)s
          and j.interaction_type_id is not null
        group by 1) as t), '{}')
    from public.ai_interactions as i
    where i.agent_id = %(agent)s and i.started_at > %(since)s and i.started_at <= %(until)s
"""
# get_agent_usage_summary's window: the last `days` days up to now().
OLD_SUMMARY = WINDOW_RAW.replace("%(since)s", "now() - make_interval(days => %(days)s)").replace(
    "%(until)s", "now()"
)
NEW_SUMMARY = """
    select interaction_count, total_input_tokens, total_output_tokens, total_cost,
      total_duration_minutes, avg_satisfaction, avg_usefulness, first_used_at, last_used_at,
      active_days, interactions_by_type
    from public.get_agent_usage_summary(%(agent)s, %(days)s)
"""
OLD_AGENT_SUMMARY = """
    select count(*), coalesce(sum(i.input_tokens), 0)::bigint,
      coalesce(sum(i.output_tokens), 0)::bigint,
      coalesce(sum(i.total_cost), 0)::numeric(38, 8), max(i.started_at),
      avg(i.satisfaction_rating)::real, avg(i.usefulness_rating)::real
    from public.ai_interactions as i where i.agent_id = %(agent)s
"""
NEW_AGENT_SUMMARY = """
    select interaction_count, total_input_tokens, total_output_tokens, total_cost,
      last_interaction_at, avg_satisfaction, avg_usefulness
    from public.agent_summary where id = %(agent)s
"""


def test_agent_summaries_from_rollups_equal_the_raw_rows(db):
    user = new_user(db, "Pacific/Auckland")
    agents = [new_agent(db, user), new_agent(db, user)]
    (now,) = db.execute("select now()").fetchone()
    offsets = [-40 * 24, -29 * 24 - 23, -7 * 24, -7 * 24 + 1, -3 * 24, -50, -26, -25, -2, -1, 0, 2]
    ids = []
    for n, hours in enumerate(offsets):
        agent = agents[n % 2]
        (iid,) = db.execute(
            "insert into public.ai_interactions (agent_id, user_id, title, started_at,"
            " duration_minutes, input_tokens, output_tokens, total_cost, interaction_type_id,"
            " satisfaction_rating, usefulness_rating) values (%s, %s, 's', %s, %s, %s, %s, %s,"
            " %s, %s, %s) returning id::text",
            (
                agent,
                user,
                now + timedelta(hours=hours, minutes=-n),
                n if n % 3 else None,
                1000 + n,
                10 * n,
                Decimal(n) / 7 if n % 4 else None,
                ["coding", "question_answer", None][n % 3],
                n % 5 + 1 if n % 2 else None,
                (n + 2) % 5 + 1,
            ),
        ).fetchone()
        ids.append(iid)
    record(db, agents[0], now - timedelta(hours=5), interaction_id=ids[8])
    # An agent that never ran: zeros and nulls, with or without marks.
    agents.append(new_agent(db, user))

    def check(label: str) -> None:
        for agent in agents:
            for days in (1, 3, 7, 30, 3650):
                args = {"agent": agent, "days": days}
                want = db.execute(OLD_SUMMARY, args).fetchone()
                with request(db, claims_for("authenticated", user)):
                    got = db.execute(NEW_SUMMARY, args).fetchone()
                assert got == want, (label, days)
            args = {"agent": agent, "days": 0}
            want = db.execute(OLD_AGENT_SUMMARY, args).fetchone()
            with request(db, claims_for("authenticated", user)):
                assert db.execute(NEW_AGENT_SUMMARY, args).fetchone() == want, label

    check("from the raw rows")
    refresh(db)
    assert (
        db.execute(
            "select count(*) from private.agent_interactions_daily where user_id = %s", (user,)
        ).fetchone()[0]
        >= 8
    )
    assert marks_of(db, user) == 0
    check("from the rollups")
    db.execute("delete from public.ai_interactions where id = %s", (ids[4],))
    # The newest interaction of agents[1] deleted: its lifetime row's newest start is stale.
    db.execute("delete from public.ai_interactions where id = %s", (ids[11],))
    db.execute("update public.ai_interactions set satisfaction_rating = 5 where id = %s", (ids[3],))
    db.execute(
        "update public.ai_interactions set started_at = started_at - interval '2 days'"
        " where id = %s",
        (ids[9],),
    )
    check("after edits, before the refresh")
    refresh(db)
    check("after edits and a refresh")
    # Another user sees zeros for the agent, as RLS gave before.
    other = new_user(db)
    with request(db, claims_for("authenticated", other)):
        assert (
            db.execute(
                "select count(*) from public.agent_summary where user_id = %s", (user,)
            ).fetchone()[0]
            == 0
        )


def test_agent_totals_of_any_window_equal_the_raw_rows(db):
    """An edge date of the window is read from its daily row only when that row lies wholly
    inside the window: windows that cut the dates anywhere (before, between and after their
    interactions, on midnight, on an interaction) equal the raw rows, with the rollups fresh
    and with a date marked stale."""
    user = new_user(db, "Asia/Kolkata")
    agent = new_agent(db, user)
    midnight = datetime.combine(
        datetime.now(UTC).date() - timedelta(days=10), datetime.min.time(), tzinfo=UTC
    )
    hours = [1, 6, 12, 18, 23]
    starts = [midnight + timedelta(days=d, hours=h) for d in range(8) for h in hours]
    for n, at in enumerate(starts):
        db.execute(
            "insert into public.ai_interactions (agent_id, user_id, title, started_at,"
            " duration_minutes, input_tokens, output_tokens, total_cost, interaction_type_id,"
            " satisfaction_rating) values (%s, %s, 't', %s, %s, %s, %s, %s, %s, %s)",
            (
                agent,
                user,
                at,
                n,
                100 + n,
                n,
                Decimal(n) / 3,
                ["coding", "question_answer", None][n % 3],
                n % 5 + 1 if n % 2 else None,
            ),
        )
    cuts = [midnight + timedelta(days=d, hours=h) for d in range(-1, 9) for h in (0, 3, 20)]
    cuts += [starts[7], starts[7] - timedelta(microseconds=1), starts[12]]
    windows = [(a, b) for a in cuts for b in cuts if a <= b] + [(None, cuts[9]), (cuts[9], None)]

    def check(label: str) -> None:
        for since, until in windows:
            args = {
                "agent": agent,
                "since": since or datetime(1900, 1, 1, tzinfo=UTC),
                "until": until or datetime(2999, 1, 1, tzinfo=UTC),
            }
            want = db.execute(WINDOW_RAW, args).fetchone()
            with request(db, claims_for("service_role")):
                got = db.execute(
                    "select * from private.agent_interaction_totals(%s, %s, %s)",
                    (agent, since, until),
                ).fetchone()
            assert got == want, (label, since, until)

    refresh(db)
    assert marks_of(db, user) == 0
    check("fresh rollups")
    # Two dates apart marked stale (the 3rd and 5th): a window cutting the 1st and 7th
    # reads four runs of dates raw, the middle two as one span filtered to their dates.
    db.execute(
        "update public.ai_interactions set input_tokens = input_tokens + 7"
        " where agent_id = %s and started_at = any(%s)",
        (agent, [starts[12], starts[22]]),
    )
    assert marks_of(db, user) > 0
    check("two dates marked stale")


def test_one_refresh_takes_at_most_a_thousand_users(db):
    refresh(db)
    # Marks of 1001 users (ids of no user: the refresher drops them, as of deleted users).
    db.execute(
        "insert into private.usage_rollup_marks (user_id, from_at, to_at)"
        " select gen_random_uuid(), now(), now() from generate_series(1, 1001)"
    )
    first = refresh(db)
    assert first[0] == 1000 and first[1] == 0
    assert db.execute("select count(*) from private.usage_rollup_marks").fetchone()[0] == 1
    assert refresh(db)[0] == 1


def usage_rows(db, user: str) -> list[tuple]:
    """The user's rollups and daily statistics, as a refresh left them."""
    return (
        agent_days(db, user)
        + db.execute(
            "select s.date, s.total_interactions, s.total_input_tokens, s.total_output_tokens,"
            " s.total_cost, s.vendor_usage from public.ai_usage_stats as s"
            " where s.user_id = %s order by 1",
            (user,),
        ).fetchall()
    )


def rebuilt(db, user: str) -> list[tuple]:
    """What a rebuild of every day of the user gives (a mark of the whole user)."""
    db.execute("insert into private.usage_rollup_marks (user_id) values (%s)", (user,))
    refresh(db)
    return usage_rows(db, user)


def test_a_first_call_recorded_the_next_day_refreshes_the_interactions_day(db):
    """An interaction without calls is an event of its own, on its day; its first call,
    recorded on the next day, ends that. record_model_call sets the interaction's totals
    from its calls (an update of the interaction, which marks the interaction's day), so
    the refresh equals a rebuild. (Writes of model_calls other than the record functions are
    the owner's alone: no API role may insert, update or delete calls.)"""
    user = new_user(db)
    agent = new_agent(db, user)
    (interaction,) = db.execute(
        "insert into public.ai_interactions (agent_id, user_id, title, input_tokens,"
        " output_tokens, total_cost, started_at)"
        " values (%s, %s, 'late night', 500, 50, 0.5, %s) returning id::text",
        (agent, user, datetime(2026, 5, 1, 23, 50, tzinfo=UTC)),
    ).fetchone()
    refresh(db)
    before = usage_rows(db, user)
    assert before == rebuilt(db, user)
    record(db, agent, datetime(2026, 5, 2, 0, 10, tzinfo=UTC), interaction_id=interaction)
    refresh(db)
    after = usage_rows(db, user)
    assert after != before
    assert after == rebuilt(db, user)
