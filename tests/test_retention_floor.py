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
