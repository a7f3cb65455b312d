"""Statistics true to each user's day (issue 10, second slice).

- user settings through the client (blocking and asyncio postgres transports): defaults,
  set_time_zone, refusals, isolation;
- a property test (hypothesis): random interactions of users in random time zones, many of
  them on daylight-saving days and at local midnights, give update_daily_usage_stats figures
  equal, exactly, to an independent recomputation with Python's zoneinfo and Decimal;
- interactions keep the vendor they ran on when the agent changes.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_client import World, world  # noqa: F401 - the transports' fixture

from agentsdb.errors import InvalidInput, PermissionDenied
from agentsdb.models import UserSettings
from agentsdb.request import claims_for, request

# --- the client -------------------------------------------------------------------------------


def test_settings_through_the_client(world: World):  # noqa: F811
    default = world.alice.get_settings()
    assert default == UserSettings(user_id=uuid.UUID(world.alice_id), time_zone="UTC")
    saved = world.alice.set_time_zone("Pacific/Auckland")
    assert saved.time_zone == "Pacific/Auckland" and str(saved.user_id) == world.alice_id
    assert world.alice.get_settings() == saved
    again = world.alice.set_time_zone("America/Los_Angeles")
    assert again.time_zone == "America/Los_Angeles" and again.user_id == saved.user_id
    for refused in ("EST", "+05", "Etc/GMT+5", "america/los_angeles", "Nowhere/Town"):
        with pytest.raises(InvalidInput) as err:
            world.alice.set_time_zone(refused)
        assert err.value.code == "22023" and "time_zone" in err.value.message
    assert world.alice.get_settings().time_zone == "America/Los_Angeles"
    assert world.bob.get_settings().time_zone == "UTC", "bob does not see alice's row"
    with pytest.raises(PermissionDenied):
        world.anon.set_time_zone("UTC")
    with pytest.raises(TypeError):
        world.anon.get_settings()


def test_interactions_keep_their_vendor_through_the_client(world: World):  # noqa: F811
    agent = world.alice.create_agent("tz", "anthropic", service_id="anthropic_claude_haiku_4_5")
    before = world.alice.record_interaction(agent.id, "before")
    assert (before.vendor_id, before.service_id) == ("anthropic", "anthropic_claude_haiku_4_5")
    world.alice.update_agent(agent.id, vendor_id="openai", service_id="openai_gpt4o")
    after = world.alice.record_interaction(agent.id, "after")
    assert (after.vendor_id, after.service_id) == ("openai", "openai_gpt4o")
    kept = {i.title: i.vendor_id for i in world.alice.list_interactions(agent.id)}
    assert kept == {"before": "anthropic", "after": "openai"}


# --- the property test ------------------------------------------------------------------------

# Zones with daylight saving in both hemispheres, half-hour and 45-minute offsets, the
# extremes (+14, -11), a 30-minute daylight shift, a repeated midnight (Havana), a skipped
# one (Santiago), and None: no settings row (UTC).
ZONES = [
    None,
    "UTC",
    "America/Los_Angeles",
    "Pacific/Auckland",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "America/St_Johns",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
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
    date(2026, 10, 4),
    date(2026, 10, 25),
    date(2026, 11, 1),
]
VENDORS = ("openai", "anthropic", "google")


def _local_midnight(day: date, zone: str | None) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone or "UTC"))


@st.composite
def interaction(draw, zones: list[str | None]):
    user = draw(st.integers(0, len(zones) - 1))
    day = draw(st.sampled_from(CHANGES))
    # Near a change (within 36 hours), or at a local midnight of a user, to the microsecond.
    if draw(st.booleans()):
        at = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
            microseconds=draw(st.integers(-36 * 3600 * 10**6, 36 * 3600 * 10**6))
        )
    else:
        midnight = _local_midnight(
            day + timedelta(days=draw(st.integers(-1, 1))),
            zones[draw(st.integers(0, len(zones) - 1))],
        )
        at = midnight.astimezone(UTC) + timedelta(microseconds=draw(st.sampled_from([-1, 0, 1])))
    cost = draw(st.one_of(st.none(), st.decimals(0, 10**4, places=8)))
    return {
        "user": user,
        "agent": draw(st.integers(0, 1)),
        "started_at": at,
        "duration_minutes": draw(st.one_of(st.none(), st.integers(0, 10**6))),
        "input_tokens": draw(st.integers(0, 2**31 - 1)),
        "output_tokens": draw(st.integers(0, 2**31 - 1)),
        "total_cost": cost,
    }


@st.composite
def worlds(draw):
    zones = draw(st.lists(st.sampled_from(ZONES), min_size=1, max_size=4))
    vendors = draw(
        st.lists(st.sampled_from(VENDORS), min_size=len(zones) * 2, max_size=len(zones) * 2)
    )
    rows = draw(st.lists(interaction(zones), min_size=1, max_size=40))
    return zones, vendors, rows


def expected_stats(zones, vendor_of, rows):
    """(user index, local date) -> the figures, from the raw rows, by zoneinfo and Decimal."""
    days: dict[tuple[int, date], dict] = {}
    for r in rows:
        local = r["started_at"].astimezone(ZoneInfo(zones[r["user"]] or "UTC")).date()
        d = days.setdefault(
            (r["user"], local),
            {
                "n": 0,
                "agents": set(),
                "duration": 0,
                "cost": Decimal(0),
                "in": 0,
                "out": 0,
                "vendors": defaultdict(lambda: [0, Decimal(0), 0, 0]),
            },
        )
        cost = r["total_cost"] or Decimal(0)
        d["n"] += 1
        d["agents"].add(r["agent"])
        d["duration"] += r["duration_minutes"] or 0
        d["cost"] += cost
        d["in"] += r["input_tokens"]
        d["out"] += r["output_tokens"]
        v = d["vendors"][vendor_of[(r["user"], r["agent"])]]
        v[0] += 1
        v[1] += cost
        v[2] += r["input_tokens"]
        v[3] += r["output_tokens"]
    return days


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Havana falls back from 01:00 to 00:00 on 2026-11-01: its first midnight (04:00 UTC) starts
# the day, though `date::timestamp at time zone` resolves the local midnight to the second.
@example(
    world=(
        ["America/Havana", None],
        ["openai", "google", "anthropic", "openai"],
        [
            {
                "user": u,
                "agent": 0,
                "started_at": datetime(2026, 11, 1, 4, 0, tzinfo=UTC) + timedelta(minutes=m),
                "duration_minutes": None,
                "input_tokens": 1,
                "output_tokens": 2,
                "total_cost": Decimal("0.00000001"),
            }
            for u in (0, 1)
            for m in (-1, 0, 30, 60)
        ],
    )
)
@given(world=worlds())
def test_daily_stats_equal_a_recomputation_by_local_date(db, world):  # noqa: F811
    zones, vendors, rows = world
    with db.transaction(force_rollback=True):
        users, agents, vendor_of = [], {}, {}
        for u, zone in enumerate(zones):
            (uid,) = db.execute(
                "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id",
                (f"tz-{uuid.uuid4().hex[:8]}@example.test",),
            ).fetchone()
            users.append(uid)
            if zone is not None:
                with request(db, claims_for("authenticated", uid)):
                    db.execute("select public.set_time_zone(%s)", (zone,))
            for a in range(2):
                vendor_of[(u, a)] = vendors[2 * u + a]
                (agents[(u, a)],) = db.execute(
                    "insert into public.ai_agents (name, vendor_id, user_id) values (%s, %s, %s)"
                    " returning id",
                    (f"agent {a}", vendors[2 * u + a], uid),
                ).fetchone()
        for r in rows:
            db.execute(
                "insert into public.ai_interactions (agent_id, user_id, title, started_at,"
                " duration_minutes, input_tokens, output_tokens, total_cost)"
                " values (%s, %s, 'p', %s, %s, %s, %s, %s)",
                (
                    agents[(r["user"], r["agent"])],
                    users[r["user"]],
                    r["started_at"],
                    r["duration_minutes"],
                    r["input_tokens"],
                    r["output_tokens"],
                    r["total_cost"],
                ),
            )
        # Agents then move to another vendor: history must not follow them.
        db.execute(
            "update public.ai_agents set vendor_id = 'cohere', service_id = null"
            " where user_id = any (%s)",
            (users,),
        )
        want = expected_stats(zones, vendor_of, rows)
        days = sorted(
            {d for _, d in want} | {d + timedelta(days=k) for _, d in want for k in (-1, 1)}
        )
        with request(db, claims_for("service_role")):
            for d in days:
                db.execute("select public.update_daily_usage_stats(%s)", (d,))
        got = {
            (users.index(row[0]), row[1]): row[2:]
            for row in db.execute(
                "select user_id, date, total_interactions, unique_agents_used,"
                " total_duration_minutes, total_cost, total_input_tokens, total_output_tokens,"
                " vendor_usage from public.ai_usage_stats where user_id = any (%s)",
                (users,),
            )
        }
        assert got.keys() == want.keys()
        for key, w in want.items():
            n, agents_used, duration, cost, tokens_in, tokens_out, by_vendor = got[key]
            assert (n, agents_used, duration, tokens_in, tokens_out) == (
                w["n"],
                len(w["agents"]),
                w["duration"],
                w["in"],
                w["out"],
            ), key
            assert cost == w["cost"], key  # exact: numeric(38, 8) against Decimal
            assert {
                v: [
                    e["interactions"],
                    Decimal(str(e["cost"])),
                    e["input_tokens"],
                    e["output_tokens"],
                ]
                for v, e in by_vendor.items()
            } == dict(w["vendors"]), key
        # A second pass over every day writes nothing.
        with request(db, claims_for("service_role")):
            again = [
                db.execute("select public.update_daily_usage_stats(%s)", (d,)).fetchone()[0]
                for d in days
            ]
        assert again == [0] * len(days)


def test_every_accepted_zone_is_one_zoneinfo_knows(db):
    """The names the database accepts are names a client can compute the same days with."""
    names = [
        n
        for (n,) in db.execute(
            "select name from pg_timezone_names where private.is_reporting_time_zone(name)"
        )
    ]
    assert "UTC" in names and "America/Los_Angeles" in names and len(names) > 300
    unknown = []
    for name in names:
        try:
            ZoneInfo(name)
        except Exception:  # noqa: BLE001 - any failure to load is what is looked for
            unknown.append(name)
    assert unknown == []
    refused = db.execute(
        "select count(*) from pg_timezone_names where not private.is_reporting_time_zone(name)"
        " and (name ~ '^(EST|MST|HST|CET|EET|WET|Etc/|posix/|right/|US/)' or name ~ '^[+-]')"
    ).fetchone()[0]
    assert (
        refused
        == db.execute(
            "select count(*) from pg_timezone_names"
            " where name ~ '^(EST|MST|HST|CET|EET|WET|Etc/|posix/|right/|US/)' or name ~ '^[+-]'"
        ).fetchone()[0]
    )
