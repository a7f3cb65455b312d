"""The retention floor (issue 12): once retention dropped whole months of the history, no
recomputation replaces the figures of those days by the sums of rows that are gone.

- a change of time zone (which rebuilds every day of the user) keeps the rollups, the daily
  statistics and the budgets' spend of the days before the floor, and rebuilds the days
  after it in the new zone;
- update_daily_usage_stats refuses a day before the first day kept in every zone (22023,
  naming target_date) and leaves its statistics;
- a lifetime budget created after the drop counts the spend the rollups kept;
- the floor only rises, and drop_history_before records it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import psycopg
import pytest
from test_rollups import agent_days, new_agent, new_user, record, refresh

from agentsdb.request import claims_for, request


def month_start(db, months_back: int) -> datetime:
    (at,) = db.execute(
        "select date_trunc('month', now() at time zone 'UTC') at time zone 'UTC'"
        " - make_interval(months => %s)",
        (months_back,),
    ).fetchone()
    return at


def spent(db, user: str) -> dict[str, Decimal]:
    with request(db, claims_for("authenticated", user)):
        rows = db.execute("select name, spent from public.get_budget_status()").fetchall()
    return dict(rows)


def stats(db, user: str) -> list[tuple]:
    return db.execute(
        "select date, total_interactions, total_cost, total_input_tokens, total_output_tokens"
        " from public.ai_usage_stats where user_id = %s order by date",
        (user,),
    ).fetchall()


def old_history(db) -> tuple[str, str, datetime, datetime]:
    """A user in Auckland with usage three months ago (dropped below) and this month (kept),
    the old months in their own partitions, rolled up."""
    user = new_user(db, "Pacific/Auckland")
    agent = new_agent(db, user)
    old = month_start(db, 3)
    last = month_start(db, 2) - timedelta(hours=3)  # the old month's last UTC evening
    record(db, agent, old + timedelta(days=9, hours=2))
    record(db, agent, last, input_tokens=5000)
    db.execute(
        "insert into public.ai_interactions (agent_id, user_id, title, started_at,"
        " input_tokens, output_tokens, total_cost) values (%s, %s, 'old', %s, 10, 20, 0.25)",
        (agent, user, old + timedelta(days=14)),
    )
    now = db.execute("select now()").fetchone()[0]
    record(db, agent, now - timedelta(hours=1), input_tokens=2000)
    db.execute(
        "insert into public.budgets (user_id, name, period, limit_amount)"
        " values (%s, 'lifetime', 'none', 100), (%s, 'monthly', 'month', 100)",
        (user, user),
    )
    db.execute("select private.maintain_history_partitions()")
    refresh(db)
    with request(db, claims_for("service_role")):
        for k in range(-1, 40):
            db.execute(
                "select public.update_daily_usage_stats(%s)", ((old + timedelta(days=k)).date(),)
            )
    return user, agent, old, month_start(db, 2)


def drop_old_months(db) -> None:
    before = month_start(db, 2).date()
    for table in ("public.model_calls", "public.ai_interactions"):
        db.execute("select private.drop_history_before(%s, %s)", (table, before))


def test_a_change_of_time_zone_keeps_the_days_before_the_floor(db):
    user, agent, old, floor = old_history(db)
    before_days = agent_days(db, user)
    before_stats = stats(db, user)
    before_spent = spent(db, user)
    assert before_spent["lifetime"] > 0 and any(d[1] < floor.date() for d in before_days)
    drop_old_months(db)
    assert db.execute("select private.history_floor()").fetchone()[0] == floor

    with request(db, claims_for("authenticated", user)):
        db.execute("select public.set_time_zone('America/New_York')")
    refresh(db)
    (open_day,) = db.execute("select private.history_first_open_day('America/New_York')").fetchone()
    assert open_day > floor.date()
    after_days = agent_days(db, user)
    # Every day before the first open day is as it was (Auckland's days, the old record)...
    assert [d for d in after_days if d[1] < open_day] == [d for d in before_days if d[1] < open_day]
    assert [s for s in stats(db, user) if s[0] < open_day] == [
        s for s in before_stats if s[0] < open_day
    ]
    # ... the days after it are New York's days now ...
    (today_ny,) = db.execute(
        "select ((now() - interval '1 hour') at time zone 'America/New_York')::date"
    ).fetchone()
    assert [d[1] for d in after_days if d[1] >= open_day] == [today_ny]
    # ... and the budgets, rebuilt after the change of zone, still count the dropped spend.
    assert spent(db, user) == before_spent


def test_update_daily_usage_stats_refuses_a_day_before_the_floor(db):
    user, _, old, floor = old_history(db)
    before = stats(db, user)
    drop_old_months(db)
    (first,) = db.execute("select private.history_first_open_day('Etc/GMT-14')").fetchone()
    assert floor.date() < first <= floor.date() + timedelta(days=2)
    with request(db, claims_for("service_role")):
        db.execute("savepoint refused")
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="^target_date: ") as err:
            db.execute(
                "select public.update_daily_usage_stats(%s)", (old.date() + timedelta(days=9),)
            )
        assert err.value.diag.message_hint
        db.execute("rollback to savepoint refused")
        # The first day kept in every zone: the day before it is refused, it is not.
        with pytest.raises(psycopg.errors.InvalidParameterValue, match="target_date"):
            db.execute("select public.update_daily_usage_stats(%s)", (first - timedelta(days=1),))
        db.execute("rollback to savepoint refused")
        db.execute("select public.update_daily_usage_stats(%s)", (first,))
    assert stats(db, user) == before


def test_a_lifetime_budget_created_after_the_drop_counts_the_kept_spend(db):
    user, agent, _, _ = old_history(db)
    total_before = spent(db, user)["lifetime"]
    drop_old_months(db)
    db.execute(
        "insert into public.budgets (user_id, name, scope, agent_id, period, limit_amount)"
        " values (%s, 'agent lifetime', 'agent', %s, 'none', 100)",
        (user, agent),
    )
    assert spent(db, user)["agent lifetime"] == total_before


def test_drop_history_before_records_the_floor(db):
    assert db.execute("select private.history_floor()").fetchone()[0] is None
    assert db.execute("select private.history_first_open_day('UTC')").fetchone()[0] is None
    _, _, _, floor = old_history(db)
    drop_old_months(db)
    assert db.execute(
        "select table_name, floor_at from private.history_floors order by 1"
    ).fetchall() == [("public.ai_interactions", floor), ("public.model_calls", floor)]
    # A later drop of nothing (an earlier month) leaves it; the first open day of UTC is the
    # day after the floor's, of Auckland two days after (its day starts 13 hours earlier).
    db.execute(
        "select private.drop_history_before('public.model_calls', %s)",
        (month_start(db, 6).date(),),
    )
    assert db.execute("select private.history_floor()").fetchone()[0] == floor
    assert db.execute("select private.history_first_open_day('UTC')").fetchone()[0] == (
        floor.date() + timedelta(days=1)
    )
    assert db.execute("select private.history_first_open_day('Pacific/Auckland')").fetchone()[
        0
    ] == floor.date() + timedelta(days=2)


# Nothing is written before the retention floor (issue 12, branch floor). A call or an
# interaction on a day retention froze (before the first open day of its owner's zone) would
# never be counted: the rollups leave those days out. Every write path refuses it.


def set_floor(db, at: datetime) -> None:
    """The floor a drop_history_before ending at `at` records (without dropping anything)."""
    db.execute(
        "insert into private.history_floors (table_name, floor_at)"
        " values ('public.model_calls', %s), ('public.ai_interactions', %s)",
        (at, at),
    )


def calls_of(db, agent: str) -> int:
    return db.execute(
        "select count(*) from public.model_calls where agent_id = %s", (agent,)
    ).fetchone()[0]


def entry(agent: str, at: datetime | None = None, **kw) -> dict:
    e = {"agent_id": agent, "input_tokens": 100, "output_tokens": 10, **kw}
    if at is not None:
        e["started_at"] = at.isoformat()
    return e


def record_batch(db, calls: list[dict], claims=None):
    from psycopg.types.json import Jsonb

    with request(db, claims or claims_for("service_role")):
        return db.execute(
            "select id from public.record_model_calls(%s)", (Jsonb(calls),)
        ).fetchall()


def refused(db, sql: str, params=(), claims=None) -> psycopg.Error:
    db.execute("savepoint refused")
    try:
        with pytest.raises(psycopg.Error) as err:
            if claims is None:
                db.execute(sql, params)
            else:
                with request(db, claims):
                    db.execute(sql, params)
    finally:
        db.execute("rollback to savepoint refused")
    return err.value


def test_record_model_calls_refuses_an_entry_before_the_floor(db):
    user = new_user(db)  # UTC: the first open day is the day after the floor's
    agent = new_agent(db, user)
    floor = month_start(db, 1)
    set_floor(db, floor)
    now = db.execute("select now()").fetchone()[0]
    good = entry(agent, now - timedelta(hours=1))
    from psycopg.types.json import Jsonb

    sql = "select id from public.record_model_calls(%s)"
    batch = [good, good, good, entry(agent, floor - timedelta(hours=1)), entry(agent, floor)]
    err = refused(db, sql, (Jsonb(batch),), claims_for("service_role"))
    assert err.sqlstate == "22023"
    assert err.diag.message_primary.startswith("calls[3].started_at: "), err.diag.message_primary
    assert calls_of(db, agent) == 0  # a refused batch writes nothing
    # After the floor but on the frozen day that follows it (UTC: the floor's own day).
    err = refused(
        db,
        sql,
        (Jsonb([good, entry(agent, floor + timedelta(hours=23))]),),
        claims_for("authenticated", user),
    )
    assert err.sqlstate == "22023"
    assert err.diag.message_primary.startswith("calls[1].started_at: ")
    # The refusal order of the other per-entry problems: an earlier entry's problem first;
    # within an entry, started_at after the token counts and before ended_at and the agent.
    err = refused(
        db,
        sql,
        (
            Jsonb(
                [good, entry(agent, floor - timedelta(days=3)), entry(agent, now, input_tokens=-1)]
            ),
        ),
        claims_for("service_role"),
    )
    assert err.diag.message_primary.startswith("calls[1].started_at: ")
    err = refused(
        db,
        sql,
        (Jsonb([entry(agent, floor - timedelta(days=3), input_tokens=-1)]),),
        claims_for("service_role"),
    )
    assert err.diag.message_primary == "calls[0].input_tokens: must not be negative"
    bad_end = entry(agent, floor - timedelta(days=3))
    bad_end["ended_at"] = (floor - timedelta(days=4)).isoformat()
    bad_end["agent_id"] = "00000000-0000-4000-8000-00000000dead"
    err = refused(db, sql, (Jsonb([bad_end]),), claims_for("service_role"))
    assert err.diag.message_primary.startswith("calls[0].started_at: ")
    # The first open day's first instant is kept, and counted by the rollups.
    first = floor + timedelta(days=1)
    assert len(record_batch(db, [good, entry(agent, first)])) == 2
    refresh(db)
    assert (agent, first.date()) in [(d[0], d[1]) for d in agent_days(db, user)]


def test_the_first_open_day_is_the_owners(db):
    """Auckland's day starts 13 hours before UTC's: a day after the floor is still frozen
    there (its local day began before the floor's first open instant), not in UTC."""
    kiwi = new_user(db, "Pacific/Auckland")
    kiwi_agent = new_agent(db, kiwi)
    utc_agent = new_agent(db, new_user(db))
    floor = month_start(db, 1)
    set_floor(db, floor)
    at = floor + timedelta(days=1, hours=2)
    err = refused(
        db,
        "select public.record_model_call(agent_id => %s, input_tokens => 1, started_at => %s)",
        (kiwi_agent, at),
        claims_for("service_role"),
    )
    assert err.sqlstate == "22023"
    assert err.diag.message_primary.startswith("started_at: "), err.diag.message_primary
    record(db, utc_agent, at)
    (kiwi_open,) = db.execute(
        "select private.local_day_start(private.history_first_open_day('Pacific/Auckland'),"
        " 'Pacific/Auckland')"
    ).fetchone()
    record(db, kiwi_agent, kiwi_open)
    err = refused(
        db,
        "select public.record_model_call(agent_id => %s, input_tokens => 1, started_at => %s)",
        (kiwi_agent, kiwi_open - timedelta(microseconds=1)),
        claims_for("service_role"),
    )
    assert err.sqlstate == "22023"
    assert calls_of(db, kiwi_agent) == 1


def test_interactions_before_the_floor_are_refused_on_every_path(db):
    user = new_user(db)
    agent = new_agent(db, user)
    floor = month_start(db, 1)
    now = db.execute("select now()").fetchone()[0]
    (kept,) = db.execute(
        "insert into public.ai_interactions (agent_id, user_id, title, started_at, total_cost)"
        " values (%s, %s, 'kept', %s, 0.5) returning id",
        (agent, user, now - timedelta(hours=2)),
    ).fetchone()
    (frozen,) = db.execute(
        "insert into public.ai_interactions (agent_id, user_id, title, started_at, total_cost)"
        " values (%s, %s, 'frozen', %s, 0.5) returning id",
        (agent, user, floor + timedelta(hours=6)),
    ).fetchone()
    set_floor(db, floor)
    insert = (
        "insert into public.ai_interactions (agent_id, user_id, title, started_at, total_cost)"
        " values (%s, %s, 'late', %s, 0.25), (%s, %s, 'old', %s, 0.25)"
    )
    for claims in (claims_for("authenticated", user), claims_for("service_role")):
        for at in (floor - timedelta(days=20), floor + timedelta(hours=1)):
            err = refused(db, insert, (agent, user, now, agent, user, at), claims)
            assert err.sqlstate == "22023", err
            assert err.diag.message_primary.startswith("started_at: "), err.diag.message_primary
    assert (
        db.execute(
            "select count(*) from public.ai_interactions where agent_id = %s", (agent,)
        ).fetchone()[0]
        == 2
    )
    # Moved off a frozen day (its day's rollups keep counting it): refused too; left there
    # and renamed: fine.
    err = refused(
        db,
        "update public.ai_interactions set started_at = %s where id = %s",
        (now - timedelta(hours=3), frozen),
        claims_for("authenticated", user),
    )
    assert err.sqlstate == "22023" and err.diag.message_primary.startswith("started_at: ")
    with request(db, claims_for("authenticated", user)):
        db.execute("update public.ai_interactions set title = 'still' where id = %s", (frozen,))
    # Moved there by an update: refused; an update that leaves it where it is: fine.
    err = refused(
        db,
        "update public.ai_interactions set started_at = %s where id = %s",
        (floor - timedelta(days=2), kept),
        claims_for("authenticated", user),
    )
    assert err.sqlstate == "22023" and err.diag.message_primary.startswith("started_at: ")
    err = refused(
        db,
        "select public.correct_interaction_usage(interaction_id => %s, reason => 'late',"
        " started_at => %s)",
        (kept, floor - timedelta(days=2)),
        claims_for("service_role"),
    )
    assert err.sqlstate == "22023" and err.diag.message_primary.startswith("started_at: ")
    with request(db, claims_for("authenticated", user)):
        db.execute("update public.ai_interactions set title = 'renamed' where id = %s", (kept,))
    # And a model call moved onto a frozen day by the owner of the database (its only
    # writers, the record functions, check their calls themselves).
    call = record(db, agent, now - timedelta(hours=1))["id"]
    err = refused(
        db,
        "update public.model_calls set started_at = %s where id = %s",
        (floor - timedelta(hours=5), call),
    )
    assert err.sqlstate == "22023" and err.diag.message_primary.startswith("started_at: ")


def test_without_a_floor_old_calls_are_recorded(db):
    """No floor: nothing is refused (the usual case), however old."""
    agent = new_agent(db, new_user(db))
    at = month_start(db, 30)
    assert len(record_batch(db, [entry(agent, at)])) == 1
    record(db, agent, at)


def test_the_daily_job_skips_a_frozen_day_quietly(db):
    """An operator dropped up to the first of this month: on the 1st to the 3rd the days the
    job refreshes are frozen. The job skips them (0 rows), an explicit call still refuses."""
    (today,) = db.execute("select (now() at time zone 'UTC')::date").fetchone()
    set_floor(db, datetime(today.year, today.month, today.day, tzinfo=month_start(db, 0).tzinfo))
    (command,) = db.execute(
        "select command from private.job_definitions()"
        " where job_name = 'agentsdb-daily-usage-stats'"
    ).fetchone()
    row = db.execute(command).fetchone()
    assert all(v == 0 for v in row), row
    err = refused(db, "select public.update_daily_usage_stats()", (), claims_for("service_role"))
    assert err.sqlstate == "22023"
    assert err.diag.message_primary.startswith("target_date: ")
