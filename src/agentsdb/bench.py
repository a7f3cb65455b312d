"""`agentsdb bench`: how fast the real paths are, as ratios to a bare baseline.

Every figure is measured twice in the same run on the same data: once through the path an
app or a service really takes (PostgREST's transaction, role and JWT claims, RLS, triggers,
pricing, rollups), once as the bare minimum PostgreSQL needs for the same result (a plain
table with the same indexes, the owner's query with an explicit filter). The ratio between
the two is the figure that travels between machines; the absolute medians and p95 are kept
for the record.

The data is generated set-based (generate_series) into a scratch database built from the
migrations: users with time zones, agents, skewed activity (a few heavy users and agents,
a long tail), interactions made of one to four model calls over several months, priced at
the catalog's prices. The database is the caller's to create and drop (the CLI builds a
scratch one on the local cluster; the smoke test a throwaway one).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import random
import re
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from . import plans
from .request import claims_for, set_request
from .task_bench import claim_throughput

REPORT_VERSION = 1


@dataclass(frozen=True)
class Scale:
    name: str
    users: int
    agents: int
    calls: int  # model calls in the generated history
    days: int  # of history, ending now
    chunk: int  # calls generated per statement
    ingest_rows: int  # per ingest variant, in batches of `batch`
    batch: int
    clients: int  # concurrent one-call requests
    requests_per_client: int
    read_reps: int  # samples per dashboard query and side
    refresh_reps: int
    claim_tasks: int  # tasks claimed and completed by each queue, 8 workers


SCALES = {
    "small": Scale("small", 20, 100, 20_000, 90, 20_000, 2_000, 500, 8, 25, 15, 3, 1_000),
    "medium": Scale(
        "medium", 200, 2_000, 1_000_000, 180, 200_000, 20_000, 1_000, 8, 150, 60, 5, 10_000
    ),
    "large": Scale(
        "large", 1_000, 10_000, 10_000_000, 180, 250_000, 100_000, 1_000, 8, 500, 200, 5, 50_000
    ),
}

TIME_ZONES = (
    "America/New_York",
    "Europe/Paris",
    "Asia/Tokyo",
    "America/Los_Angeles",
    "Europe/London",
    "Asia/Kolkata",
    "Australia/Sydney",
    "America/Sao_Paulo",
)

# The goals of issue 12: (comparison, value) of each workload's ratio.
GOALS = {
    "ingest": (">=", 0.5),
    "single": (">=", 0.5),
    "refresh": ("<=", 1.5),
    "dashboard": ("<=", 1.2),
    "storage": ("<=", 2.0),
    "claims": (">=", 0.5),  # issue 13
}
DASHBOARD_P95_MS = 10.0

Progress = Callable[[str, int, int], None]


def _quiet(label: str, done: int, total: int) -> None:
    pass


# -- measuring -----------------------------------------------------------------------------


def summary(samples_s: list[float]) -> dict[str, float]:
    """Median and p95 (nearest rank) in milliseconds, and the sample count."""
    ordered = sorted(samples_s)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(p95 * 1000, 3),
        "samples": len(ordered),
    }


def figure(
    workload: str,
    name: str,
    real: dict[str, Any],
    baseline: dict[str, Any],
    ratio: float,
    note: str = "",
) -> dict[str, Any]:
    op, goal = GOALS[workload]
    meets = ratio >= goal if op == ">=" else ratio <= goal
    if workload == "dashboard":
        meets = meets and real["p95_ms"] < DASHBOARD_P95_MS
    return {
        "workload": workload,
        "name": name,
        "ratio": round(ratio, 3),
        "goal": f"{op} {goal}"
        + (f" and p95 < {DASHBOARD_P95_MS:g} ms" if workload == "dashboard" else ""),
        "meets_goal": bool(meets),
        "real": real,
        "baseline": baseline,
        "note": note,
    }


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# -- the data --------------------------------------------------------------------------------


def generate(conn: psycopg.Connection, scale: Scale, progress: Progress) -> dict[str, Any]:
    """Users (most with a time zone), agents (one per user, the rest skewed towards a few
    users, 2% public), then the history in chunks of consecutive time, oldest first, so the
    tables are laid out as years of arrivals would lay them out: each chunk's interactions
    (agents chosen with a power law: a few agents do most of the work) and their 1 to 4 model
    calls each, priced at the catalog price valid at each start, interaction totals equal to
    the sums of their calls. Triggers run as on any insert (statement-level ones once per
    chunk). Returns what was made."""
    started = time.perf_counter()
    conn.execute("create schema bench")
    conn.execute(
        "create table bench.users as"
        " select g as n, gen_random_uuid() as id from generate_series(1, %s) as g",
        (scale.users,),
    )
    conn.execute(
        "insert into auth.users (id, aud, role, email)"
        " select id, 'authenticated', 'authenticated', 'bench-' || n || '@bench.invalid'"
        " from bench.users"
    )
    # Seven users in ten report in a zone other than UTC; the rest have no settings row.
    conn.execute(
        "insert into public.user_settings (user_id, time_zone)"
        " select u.id, (%s::text[])[1 + u.n %% %s] from bench.users as u where u.n %% 10 < 7",
        (list(TIME_ZONES), len(TIME_ZONES)),
    )
    # The services that have a price, so most calls are priced.
    conn.execute(
        "create table bench.services as"
        " select row_number() over (order by s.id) as n, s.id, s.vendor_id, s.service_name"
        " from public.vendor_services as s"
        " where s.is_active"
        " and exists (select from public.service_prices as p where p.service_id = s.id)"
    )
    (services,) = conn.execute("select count(*) from bench.services").fetchone()
    if services == 0:
        raise RuntimeError("the catalog has no priced service: was supabase/seed.sql applied?")
    conn.execute(
        "create table bench.agents as"
        " select g as n, gen_random_uuid() as id,"
        "   case when g <= %(users)s then g"
        "        else 1 + floor(%(users)s * power(random(), 2))::int end as user_n,"
        "   1 + (g * 7919) %% %(services)s as service_n,"
        "   g %% 50 = 0 as is_public"
        " from generate_series(1, %(agents)s) as g",
        {"users": scale.users, "agents": scale.agents, "services": services},
    )
    conn.execute(
        "insert into public.ai_agents"
        " (id, name, vendor_id, service_id, model_name, user_id, is_public, tags)"
        " select a.id, 'bench agent ' || a.n, s.vendor_id, s.id, s.service_name, u.id,"
        "   a.is_public, array['bench']"
        " from bench.agents as a"
        " join bench.users as u on u.n = a.user_n"
        " join bench.services as s on s.n = a.service_n"
    )
    conn.execute("create index on bench.agents (n)")
    conn.execute("analyze bench.agents")
    conn.execute("analyze bench.services")
    conn.execute("analyze bench.users")

    end = datetime.now(UTC) - timedelta(minutes=5)
    start = end - timedelta(days=scale.days)
    # Partitioned history: the months of the history exist before it arrives, as the daily
    # job (private.ensure_history_partitions) would have created each ahead of time.
    if conn.execute(
        "select to_regprocedure('private.create_history_partition(regclass, date)') is not null"
    ).fetchone()[0]:
        conn.execute(
            "select private.create_history_partition(p.partrelid::regclass, m::date)"
            " from pg_catalog.pg_partitioned_table as p"
            " cross join generate_series(date_trunc('month', %s::timestamp),"
            "   %s::timestamp, interval '1 month') as m"
            " where p.partrelid in (select c.oid from pg_catalog.pg_class as c"
            "   where c.relnamespace = 'public'::regnamespace)",
            (start.replace(tzinfo=None), end.replace(tzinfo=None)),
        )
    chunks = max(1, math.ceil(scale.calls / scale.chunk))
    span = (end - start) / chunks
    calls_done = 0
    for c in range(chunks):
        n_calls = min(scale.chunk, scale.calls - calls_done)
        _generate_chunk(conn, scale, start + span * c, start + span * (c + 1), n_calls)
        calls_done += n_calls
        progress("generating history", c + 1, chunks)
    progress("analyzing", 0, 1)
    for table in ("public.ai_interactions", "public.model_calls", "public.ai_agents"):
        conn.execute(f"vacuum (analyze) {table}")
    progress("analyzing", 1, 1)

    # The daily statistics of every day of the history, as the nightly job would have left
    # them (refreshed once per day).
    days = [(start + timedelta(days=d)).date() for d in range(scale.days + 1)]
    for i, day in enumerate(days):
        conn.execute("select public.update_daily_usage_stats(%s)", (day,))
        progress("daily statistics", i + 1, len(days))
    conn.execute("vacuum (analyze) public.ai_usage_stats")
    refreshed = refresh_rollups(conn, progress)
    counts = conn.execute(
        "select (select count(*) from public.ai_interactions),"
        " (select count(*) from public.model_calls)"
    ).fetchone()
    return {
        "users": scale.users,
        "agents": scale.agents,
        "interactions": counts[0],
        "model_calls": counts[1],
        "days": scale.days,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "generation_s": round(time.perf_counter() - started, 1),
        **refreshed,
    }


def refresh_rollups(conn: psycopg.Connection, progress: Progress) -> dict[str, Any]:
    """The rollups as a deployed database has them. The history was inserted through the
    ordinary triggers, which marked every user's every day; where pg_cron runs, the refresher
    consumes marks every minute, so a dashboard reads refreshed rollups (plus the raw rows of
    the last minute). Drain the marks with refresh_usage_rollups (set-based when a run has
    many days) and report how long that took."""
    if not conn.execute(
        "select to_regprocedure('public.refresh_usage_rollups()') is not null"
    ).fetchone()[0]:
        return {}
    started = time.perf_counter()
    runs = days = 0
    for runs in range(1, 101):
        marks, n = conn.execute("select marks, days from public.refresh_usage_rollups()").fetchone()
        days += n
        progress("refreshing rollups", runs, runs if marks == 0 else runs + 1)
        if marks == 0:
            break
    took = time.perf_counter() - started
    # The marks table too: the drain leaves a dead row per mark, which autovacuum clears
    # within a minute of a deployed database's refresh.
    for table in (
        "public.agent_usage_daily",
        "private.usage_breakdown_daily",
        "private.usage_breakdown_monthly",
        "private.agent_interactions_daily",
        "private.agent_interaction_lifetime",
        "private.usage_rollup_marks",
    ):
        if conn.execute("select to_regclass(%s) is not null", (table,)).fetchone()[0]:
            conn.execute(f"vacuum (analyze) {table}")
    return {
        "rollup_refresh_s": round(took, 1),
        "rollup_refresh_days": days,
        "rollup_refresh_runs": runs,
    }


def _generate_chunk(
    conn: psycopg.Connection, scale: Scale, t0: datetime, t1: datetime, n_calls: int
) -> None:
    n_interactions = max(1, round(n_calls / 2.5))  # 1 to 4 calls each, 2.5 on average
    with conn.transaction():
        conn.execute(
            "create temporary table gen_i on commit drop as"
            " select gen_random_uuid() as id, a.id as agent_id, u.id as user_id,"
            "   s.vendor_id, s.id as service_id, s.service_name as model_name, r.started_at,"
            "   1 + floor(random() * 4)::int as n_calls, r.g"
            " from ("
            "   select g, 1 + floor(%(agents)s * power(random(), 2.5))::int as agent_n,"
            "     %(t0)s::timestamptz + random() * (%(t1)s::timestamptz - %(t0)s::timestamptz)"
            "       as started_at"
            "   from generate_series(1, %(n)s) as g"
            " ) as r"
            " join bench.agents as a on a.n = r.agent_n"
            " join bench.users as u on u.n = a.user_n"
            " join bench.services as s on s.n = a.service_n",
            {"agents": scale.agents, "t0": t0, "t1": t1, "n": n_interactions},
        )
        # Each call a few seconds after the previous one of its interaction; token counts
        # skewed (most calls small, a few large); cached and reasoning tokens only where
        # the price has a rate for them, so every call of a priced service is priced. The
        # rows are shaped like public.model_calls (LIKE), so they pass to the ledger's one
        # cost formula, private.price_model_calls, as they are: the generator has no cost
        # arithmetic of its own.
        conn.execute(
            "create temporary table gen_c (like public.model_calls including defaults)"
            " on commit drop"
        )
        conn.execute(
            "insert into gen_c (id, interaction_id, user_id, agent_id, vendor_id, service_id,"
            " model_name, started_at, ended_at, input_tokens, output_tokens,"
            " cached_input_tokens, reasoning_tokens, latency_ms, status, idempotency_key)"
            " select t.id, i.id, i.user_id, i.agent_id, i.vendor_id, i.service_id,"
            "   i.model_name, t.started_at,"
            "   t.started_at + t.latency_ms * interval '1 millisecond',"
            "   t.input_tokens, t.output_tokens,"
            "   case when p.cached_input_per_million is null then 0"
            "        else (t.input_tokens * random() * 0.5)::int end,"
            "   case when p.reasoning_per_million is null then 0"
            "        else (t.output_tokens * random())::int end,"
            "   t.latency_ms,"
            "   case when random() < 0.02 then 'failed' else 'succeeded' end,"
            "   t.id::text"
            " from gen_i as i"
            " cross join lateral generate_series(1, i.n_calls) as k"
            " cross join lateral (select gen_random_uuid() as id,"
            "   i.started_at + (k - 1) * interval '7 seconds' as started_at,"
            "   (50 + 4000 * power(random(), 3))::int as input_tokens,"
            "   (20 + 1500 * power(random(), 3))::int as output_tokens,"
            "   (200 + 6000 * random())::int as latency_ms"
            " ) as t"
            " left join lateral ("
            "   select p.* from public.service_prices as p"
            "   where p.service_id = i.service_id and p.valid_during @> t.started_at"
            "     and p.input_per_million is not null and p.output_per_million is not null"
            "   limit 1"
            " ) as p on true"
        )
        conn.execute(
            "create temporary table gen_p on commit drop as"
            " select * from private.price_model_calls("
            "   (select array_agg(row(c.*)::public.model_calls) from gen_c as c))"
        )
        conn.execute(
            "insert into public.ai_interactions (id, agent_id, user_id, title,"
            " interaction_type_id, input_tokens, output_tokens, total_cost, started_at,"
            " ended_at, status, vendor_id, service_id, satisfaction_rating)"
            " select i.id, i.agent_id, i.user_id, 'bench interaction ' || i.g,"
            "   (select t.id from public.interaction_types as t order by t.id"
            "    offset (i.g % 3) limit 1),"
            "   s.input_tokens, s.output_tokens, round(s.cost, 8), i.started_at,"
            "   s.ended_at, 'completed', i.vendor_id, i.service_id,"
            "   case when i.g % 5 = 0 then 1 + (i.g / 5) % 5 end"
            " from gen_i as i"
            " join ("
            "   select c.interaction_id,"
            "     sum(c.input_tokens + c.cached_input_tokens)::int as input_tokens,"
            "     sum(c.output_tokens + c.reasoning_tokens)::int as output_tokens,"
            "     sum(c.cost) as cost, max(c.ended_at) as ended_at"
            "   from gen_p as c group by c.interaction_id"
            " ) as s on s.interaction_id = i.id"
            " order by i.started_at"
        )
        conn.execute(
            "insert into public.model_calls (id, user_id, agent_id, interaction_id, vendor_id,"
            " service_id, model_name, input_tokens, cached_input_tokens, output_tokens,"
            " reasoning_tokens, cost, price_id, latency_ms, status, started_at, ended_at,"
            " idempotency_key)"
            " select c.id, c.user_id, c.agent_id, c.interaction_id, c.vendor_id, c.service_id,"
            "   c.model_name, c.input_tokens, c.cached_input_tokens, c.output_tokens,"
            "   c.reasoning_tokens, c.cost, c.price_id, c.latency_ms, c.status,"
            "   c.started_at, c.ended_at, c.idempotency_key"
            " from gen_p as c order by c.started_at"
        )


# -- workload 5: storage ---------------------------------------------------------------------


def storage(conn: psycopg.Connection, scale: Scale) -> dict[str, Any]:
    """Bytes per model call of public.model_calls with its indexes (and TOAST), against a
    plain table of the same columns holding the same rows with only its primary key, both
    freshly loaded and vacuumed. At most a million rows are copied for the bare table."""
    sample = min(scale.calls, 1_000_000)
    conn.execute("create table bench.bare_pk (like public.model_calls including defaults)")
    conn.execute("alter table bench.bare_pk add primary key (id)")
    conn.execute(
        "insert into bench.bare_pk select * from public.model_calls order by started_at limit %s",
        (sample,),
    )
    conn.execute("vacuum (analyze) bench.bare_pk")
    real_bytes, calls, bare_bytes, bare_rows, usage_bytes = conn.execute(
        # Partitioned: the parent holds nothing, its partitions everything (a plain table is
        # its own only member of the tree).
        "select (select sum(pg_total_relation_size(t.relid))::bigint"
        "  from pg_partition_tree('public.model_calls') as t),"
        " (select count(*) from public.model_calls),"
        " pg_total_relation_size('bench.bare_pk'),"
        " (select count(*) from bench.bare_pk),"
        # Everything the usage history occupies, whatever branch added it: every table of
        # public and private with more rows than the catalog could have.
        " (select sum(pg_total_relation_size(c.oid)) from pg_catalog.pg_class as c"
        "  join pg_catalog.pg_namespace as n on n.oid = c.relnamespace"
        "  where c.relkind in ('r', 'p', 'm') and n.nspname in ('public', 'private'))"
    ).fetchone()
    real = real_bytes / calls
    bare = bare_bytes / bare_rows
    conn.execute("drop table bench.bare_pk")
    return figure(
        "storage",
        "bytes per model call, indexes included",
        {"bytes_per_call": round(real, 1), "total_bytes": real_bytes, "calls": calls},
        {"bytes_per_call": round(bare, 1), "total_bytes": bare_bytes, "calls": bare_rows},
        real / bare,
        note=(
            "model_calls with every index vs a plain copy with its primary key; every table "
            f"of public and private together: {usage_bytes / calls:.0f} bytes per call"
        ),
    )


# -- workload 3: a day's statistics ----------------------------------------------------------


def refresh(conn: psycopg.Connection, scale: Scale, progress: Progress) -> dict[str, Any]:
    """update_daily_usage_stats of the busiest full day, as the nightly job runs it (as
    postgres, a member of service_role), against a bare GROUP BY of the same day's rows by
    user and vendor (counts and sums) read from the same source: private.usage_events when
    the ledger has it, else the interactions."""
    source = (
        "private.usage_events"
        if conn.execute("select to_regclass('private.usage_events') is not null").fetchone()[0]
        else "public.ai_interactions"
    )
    (day,) = conn.execute(
        "select (started_at at time zone 'UTC')::date as d from public.ai_interactions"
        " where started_at < date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'"
        " group by 1 order by count(*) desc limit 1"
    ).fetchone()
    (rows,) = conn.execute(
        f"select count(*) from {source}"  # noqa: S608 (a fixed name)
        " where started_at >= %s::date::timestamp at time zone 'UTC'"
        " and started_at < (%s::date + 1)::timestamp at time zone 'UTC'",
        (day, day),
    ).fetchone()
    cost = "cost" if source == "private.usage_events" else "total_cost"
    bare_sql = (
        f"select user_id, vendor_id, count(*), count(distinct agent_id), sum(input_tokens),"  # noqa: S608
        f" sum(output_tokens), sum({cost}) from {source}"
        " where started_at >= %s::date::timestamp at time zone 'UTC'"
        " and started_at < (%s::date + 1)::timestamp at time zone 'UTC'"
        " group by user_id, vendor_id"
    )
    real_s, bare_s = [], []
    for i in range(scale.refresh_reps):
        real_s.append(
            timed(lambda: conn.execute("select public.update_daily_usage_stats(%s)", (day,)))
        )
        bare_s.append(timed(lambda: conn.execute(bare_sql, (day, day)).fetchall()))
        progress("refresh", i + 1, scale.refresh_reps)
    real, bare = summary(real_s), summary(bare_s)
    return figure(
        "refresh",
        f"update_daily_usage_stats of one day ({rows} rows)",
        real,
        bare,
        real["median_ms"] / bare["median_ms"],
        note=f"{day}, bare: GROUP BY user, vendor over {source}",
    )


# -- workload 4: dashboards ------------------------------------------------------------------


@dataclass
class Read:
    name: str
    user_sql: str  # as the signed-in user: RLS does the filtering
    owner_sql: str  # as the table owner: the explicit filter
    params: dict[str, Any]


def dashboard_reads(conn: psycopg.Connection) -> tuple[list[Read], uuid.UUID]:
    """The reads of a dashboard, for the user with the most history (their busiest agent,
    the last full month)."""
    (user_id,) = conn.execute(
        "select user_id from public.ai_interactions group by user_id order by count(*) desc limit 1"
    ).fetchone()
    (agent_id,) = conn.execute(
        "select agent_id from public.ai_interactions where user_id = %s"
        " group by agent_id order by count(*) desc limit 1",
        (user_id,),
    ).fetchone()
    today = datetime.now(UTC).date()
    month_end = today.replace(day=1)
    month_start = (month_end - timedelta(days=1)).replace(day=1)
    p = {
        "user_id": user_id,
        "agent_id": agent_id,
        "from": month_start,
        "to": month_end,
        "last": month_end - timedelta(days=1),
        # Instants, as PostgREST passes a filter on a timestamptz column (a literal of the
        # column's type): a date would compare through a stable cast, pruned only at run time.
        "from_at": datetime(month_start.year, month_start.month, 1, tzinfo=UTC),
        "to_at": datetime(month_end.year, month_end.month, 1, tzinfo=UTC),
        # A page's size and offset are parameters too: PostgREST sends `LIMIT $n OFFSET $m`
        # (its limitOffsetF), and after five executions of a prepared statement the generic
        # plan, not knowing the limit, is planned for a tenth of the rows (a literal limit
        # larger than the generic estimate made it sort every row of the user's month).
        "page": 20,
        "calls_page": 50,
        "offset": 0,
    }
    reads = [
        Read(
            "agent_summary (my agents)",
            "select * from public.agent_summary where user_id = %(user_id)s",
            "select * from public.agent_summary where user_id = %(user_id)s",
            p,
        ),
        Read(
            "recent_interactions, first page of 20",
            "select * from public.recent_interactions limit %(page)s offset %(offset)s",
            "select * from public.recent_interactions where user_id = %(user_id)s"
            " limit %(page)s offset %(offset)s",
            p,
        ),
        # The same page within one month, as an app pages a month's history (ai_interactions
        # is partitioned by month: the plan reads that month's partition only).
        Read(
            "recent_interactions, one month, first page of 20",
            "select * from public.recent_interactions where started_at >= %(from_at)s"
            " and started_at < %(to_at)s limit %(page)s offset %(offset)s",
            "select * from public.recent_interactions where started_at >= %(from_at)s"
            " and started_at < %(to_at)s and user_id = %(user_id)s"
            " limit %(page)s offset %(offset)s",
            p,
        ),
        Read(
            "get_agent_usage_summary, 30 days",
            "select * from public.get_agent_usage_summary(agent_id => %(agent_id)s, days => 30)",
            "select * from public.get_agent_usage_summary(agent_id => %(agent_id)s, days => 30)",
            p,
        ),
        Read(
            "ai_usage_stats, one month",
            "select * from public.ai_usage_stats where date >= %(from)s and date < %(to)s"
            " order by date",
            "select * from public.ai_usage_stats where date >= %(from)s and date < %(to)s"
            " and user_id = %(user_id)s order by date",
            p,
        ),
    ]
    # The calls themselves, one month of them newest first (model_calls is partitioned by
    # month: the plan reads that month's partition only).
    reads.append(
        Read(
            "model_calls, one month, newest 50",
            "select * from public.model_calls where started_at >= %(from_at)s"
            " and started_at < %(to_at)s order by started_at desc"
            " limit %(calls_page)s offset %(offset)s",
            "select * from public.model_calls where started_at >= %(from_at)s"
            " and started_at < %(to_at)s and user_id = %(user_id)s"
            " order by started_at desc limit %(calls_page)s offset %(offset)s",
            p,
        )
    )
    # Security definer functions: the user is the caller; the owner's side (outside the API
    # roles) names the user, as the service role does.
    breakdown = (
        "select * from public.get_cost_breakdown(period => 'month', group_by => 'model',"
        " from_date => %(from)s, to_date => %(last)s{})"
    )
    reads.append(
        Read(
            "cost breakdown, one month",
            breakdown.format(""),
            breakdown.format(", user_id => %(user_id)s"),
            p,
        )
    )
    reads.append(
        Read(
            "budget status",
            "select * from public.get_budget_status()",
            "select * from public.get_budget_status(user_id => %(user_id)s)",
            p,
        )
    )
    return reads, user_id


def dashboards(conn: psycopg.Connection, scale: Scale, progress: Progress) -> list[dict[str, Any]]:
    """Each read in a read-only transaction as PostgREST runs it (role authenticated, the
    user's JWT claims), against the same read as the owner (postgres, RLS not applied) with
    the user's filter written out; the claims are set on both sides, so functions that read
    auth.uid() answer the same. The two sides alternate; only the query is timed."""
    reads, user_id = dashboard_reads(conn)
    claims = claims_for("authenticated", user_id)
    figures = []
    for r_i, read in enumerate(reads):
        user_s, owner_s = [], []
        for _ in range(scale.read_reps + 2):
            user_s.append(_read_once(conn, read.user_sql, read.params, claims, as_user=True))
            owner_s.append(_read_once(conn, read.owner_sql, read.params, claims, as_user=False))
        user_s, owner_s = user_s[2:], owner_s[2:]  # the first two warm the caches
        real, bare = summary(user_s), summary(owner_s)
        figures.append(
            figure(
                "dashboard",
                read.name,
                real,
                bare,
                real["median_ms"] / bare["median_ms"],
                note="as the user vs as the owner with an explicit filter",
            )
        )
        progress("dashboard reads", r_i + 1, len(reads))
    return figures


def dashboard_plans(conn: psycopg.Connection, admin_dsn: str) -> dict[str, Any]:
    """For each dashboard read as the user, how its custom and generic plans read the
    history and compute auth.uid() (agentsdb.plans.summary)."""
    reads, user_id = dashboard_reads(conn)
    return {r.name: plans.read_plans(admin_dsn, r.user_sql, r.params, user_id) for r in reads}


# A read as PostgREST answers it (its ReadPlan's statement, PostgREST v12+): the query in a
# CTE, the response body built by the server with json_agg and sent as one value, which
# the client does not parse; the same on both sides of each read.
POSTGREST_READ = (
    "with pgrst_source as ({sql})"
    " select null::bigint as total_result_set, pg_catalog.count(_postgrest_t) as page_total,"
    " coalesce(json_agg(_postgrest_t), '[]')::text as body,"
    " nullif(current_setting('response.headers', true), '') as response_headers,"
    " nullif(current_setting('response.status', true), '') as response_status"
    " from (select _postgrest_t.* from pgrst_source as _postgrest_t) as _postgrest_t"
)


def _read_once(
    conn: psycopg.Connection, sql: str, params: dict[str, Any], claims: dict, as_user: bool
) -> float:
    with conn.transaction():
        conn.execute("set transaction read only")
        if as_user:
            set_request(conn, claims)
        else:
            conn.execute("select set_config('request.jwt.claims', %s, true)", (json.dumps(claims),))
        start = time.perf_counter()
        conn.execute(POSTGREST_READ.format(sql=sql), params).fetchone()
        return time.perf_counter() - start


# -- workload 1: bulk ingest -----------------------------------------------------------------


def _bare_table(conn: psycopg.Connection, progress: Progress) -> None:
    """bench.bare_calls: the columns, defaults and indexes of model_calls (primary key and
    unique keys included), no constraint, trigger or policy, holding the same rows."""
    progress("copying model_calls to a bare table", 0, 1)
    conn.execute(
        "create table bench.bare_calls"
        " (like public.model_calls including defaults including indexes)"
    )
    if conn.execute("select to_regclass('private.model_call_keys') is not null").fetchone()[0]:
        # model_calls partitioned: its idempotency keys are unique in their own table; the
        # bare table keeps them unique in one index, as the plain model_calls did.
        conn.execute(
            "create unique index bare_calls_user_id_idempotency_key_idx"
            " on bench.bare_calls (user_id, idempotency_key)"
        )
    conn.execute("insert into bench.bare_calls select * from public.model_calls")
    # The one-call workload inserts as PostgREST would into a table of the API: as the
    # request's role (the table has no policy, trigger or constraint).
    conn.execute("grant usage on schema bench to authenticated")
    conn.execute("grant select, insert on bench.bare_calls to authenticated")
    conn.execute("vacuum (analyze) bench.bare_calls")
    progress("copying model_calls to a bare table", 1, 1)


def _ingest_entries(
    conn: psycopg.Connection, n: int, batch: int, one_user: bool, rng_seed: int
) -> list[list[dict[str, Any]]]:
    """Batches of new calls of the last hour: across every agent (service_role), or each
    batch from one user's agents (authenticated)."""
    agents = conn.execute(
        "select a.id, a.user_id from public.ai_agents as a order by a.id"
    ).fetchall()
    by_user: dict[Any, list] = {}
    for agent_id, user_id in agents:
        by_user.setdefault(user_id, []).append(agent_id)
    users = sorted(by_user)
    rng = random.Random(rng_seed)  # noqa: S311 (test data, not secrets)
    now = datetime.now(UTC)
    entries = []
    for i in range(n):
        if one_user:
            agent_id = rng.choice(by_user[users[(i // batch) % len(users)]])
        else:
            agent_id = rng.choice(agents)[0]
        entries.append(
            {
                "agent_id": str(agent_id),
                "input_tokens": rng.randint(50, 4000),
                "output_tokens": rng.randint(20, 1500),
                "latency_ms": rng.randint(200, 6000),
                "started_at": (now - timedelta(seconds=rng.randint(1, 3600))).isoformat(),
                "idempotency_key": str(uuid.uuid4()),
            }
        )
    return entries


def ingest(conn: psycopg.Connection, scale: Scale, progress: Progress) -> list[dict[str, Any]]:
    """record_model_calls in batches, each a PostgREST request (one transaction, role and
    claims set): as service_role across all agents, and as each user for their own agents;
    after each batch, a bare COPY of the very rows it recorded into bench.bare_calls (same
    columns, defaults and indexes, nothing else). Rows per second of each side."""
    agent_user = dict(conn.execute("select id::text, user_id from public.ai_agents").fetchall())
    columns = [
        r[0]
        for r in conn.execute(
            "select attname from pg_catalog.pg_attribute"
            " where attrelid = 'public.model_calls'::regclass and attnum > 0"
            " and not attisdropped order by attnum"
        ).fetchall()
    ]
    copy_sql = f"copy bench.bare_calls ({', '.join(columns)}) from stdin"
    figures = []
    for variant, role in (("service_role", "service_role"), ("authenticated", "authenticated")):
        entries = _ingest_entries(conn, scale.ingest_rows, scale.batch, role == "authenticated", 12)
        batches = [entries[i : i + scale.batch] for i in range(0, len(entries), scale.batch)]
        real_s, bare_s = [], []
        for b_i, batch in enumerate(batches):
            if role == "service_role":
                claims = claims_for("service_role")
            else:
                claims = claims_for("authenticated", agent_user[batch[0]["agent_id"]])
            recorded: list = []

            def real(batch=batch, claims=claims, recorded=recorded) -> None:
                # As PostgREST answers an RPC: the response body (the rows as one JSON
                # array) is built by the server with json_agg and sent as one value.
                with conn.transaction():
                    set_request(conn, claims)
                    cur = conn.execute(
                        "select coalesce(json_agg(c), '[]')::text"
                        " from public.record_model_calls(calls => %s) as c",
                        (Jsonb(batch),),
                    )
                    recorded.append(cur.fetchone()[0])

            copied: list = []

            def bare(copied=copied) -> None:
                with conn.transaction(), conn.cursor().copy(copy_sql) as copy:
                    for row in copied:
                        copy.write_row(row)

            real_s.append(timed(real))
            # The very rows recorded, read back untimed for the bare side's COPY.
            ids = [r["id"] for r in json.loads(recorded[0])]
            if len(ids) != len(batch):
                raise RuntimeError(f"bench: {len(ids)} of {len(batch)} entries recorded")
            copied.extend(
                tuple(Jsonb(v) if isinstance(v, dict) else v for v in row)
                for row in conn.execute(
                    "select m.* from public.model_calls as m join unnest(%s::uuid[])"
                    " with ordinality as k (id, n) on k.id = m.id order by k.n",
                    (ids,),
                )
            )
            bare_s.append(timed(bare))
            progress(f"ingest as {variant}", b_i + 1, len(batches))
        rows = len(entries)
        real_rate = rows / sum(real_s)
        bare_rate = rows / sum(bare_s)
        figures.append(
            figure(
                "ingest",
                f"bulk ingest, record_model_calls as {variant}, batches of {scale.batch}",
                {"rows_per_s": round(real_rate), **summary(real_s)},
                {"rows_per_s": round(bare_rate), **summary(bare_s)},
                real_rate / bare_rate,
                note="per batch; bare: COPY of the same rows into a plain table with the same "
                "indexes",
            )
        )
    return figures


# -- workload 2: one call per request, 8 clients ---------------------------------------------


# Rounds of each side in the one-call workload (scale.requests_per_client * 2 requests per
# client and side in all).
SINGLE_ROUNDS = 8


def single(dsn: str, conn: psycopg.Connection, scale: Scale, progress: Progress) -> dict[str, Any]:
    """`scale.clients` concurrent clients, each a user recording one call per request as
    PostgREST runs record_model_call (one transaction, PostgREST's request statement: role
    authenticated, the user's claims), against the same clients each inserting one row per
    request into the bare table as PostgREST runs an insert (the same transaction and
    request statement, then the INSERT). Each client keeps its connections for the whole
    run, as PostgREST's pool does, one per side: a backend that has run record_model_call
    inserts into the bare table 20 to 30 % slower, which would charge the baseline with
    the schema's costs. The sides alternate in `SINGLE_ROUNDS` short rounds, so that what
    drifts during a run (autovacuum, checkpoints, other work on the machine) falls on
    both; throughput over all rounds of each side. A third kind of round, the
    INSERT alone with no request statement, is reported beside the baseline
    (`rows_per_s_without_request_statement`) and as `ratio_without_request_statement`."""
    picks = conn.execute(
        "select distinct on (user_id) user_id, id from public.ai_agents"
        " order by user_id, id limit %s",
        (scale.clients,),
    ).fetchall()
    while len(picks) < scale.clients:
        picks.append(picks[len(picks) % max(1, len(picks))])
    per_round = max(1, 2 * scale.requests_per_client // SINGLE_ROUNDS)
    expected = SINGLE_ROUNDS * per_round * len(picks)  # requests of each side
    total = 3 * expected
    done = [0]
    lock = threading.Lock()

    def tick() -> None:
        with lock:
            done[0] += 1
            n = done[0]
        if n % max(1, total // 20) == 0 or n == total:
            progress("one call per request", n, total)

    def client(c, user_id, agent_id, kind: str, n: int, out: list[float]) -> None:
        claims = claims_for("authenticated", user_id)
        for _ in range(n):
            key = str(uuid.uuid4())
            start = time.perf_counter()
            with c.transaction():
                if kind != "raw":
                    set_request(c, claims)
                if kind == "real":
                    c.execute(
                        "select * from public.record_model_call(agent_id => %s,"
                        " input_tokens => 1200, output_tokens => 300, latency_ms => 900,"
                        " idempotency_key => %s)",
                        (agent_id, key),
                    ).fetchall()
                else:
                    c.execute(
                        "insert into bench.bare_calls (id, user_id, agent_id, vendor_id,"
                        " service_id, model_name, input_tokens, output_tokens, cost,"
                        " latency_ms, started_at, idempotency_key)"
                        " values (gen_random_uuid(), %s, %s, 'openai', 'openai_gpt4o',"
                        " 'gpt-4o', 1200, 300, 0.006, 900, now(), %s) returning *",
                        (user_id, agent_id, key),
                    ).fetchall()
            out.append(time.perf_counter() - start)
            tick()

    took = {"real": 0.0, "bare": 0.0, "raw": 0.0}
    latencies: dict[str, list[float]] = {"real": [], "bare": [], "raw": []}
    with contextlib.ExitStack() as stack:
        conns = {
            kind: [stack.enter_context(psycopg.connect(dsn, autocommit=True)) for _ in picks]
            for kind in ("real", "bare", "raw")
        }

        def round_of(kind: str) -> tuple[float, list[float]]:
            out: list[float] = []
            threads = [
                threading.Thread(target=client, args=(c, u, a, kind, per_round, out))
                for c, (u, a) in zip(conns[kind], picks, strict=True)
            ]
            start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            return time.perf_counter() - start, out

        for _ in range(SINGLE_ROUNDS):
            for kind in ("real", "bare", "raw"):
                t, lat = round_of(kind)
                took[kind] += t
                latencies[kind] += lat
    if any(len(lat) != expected for lat in latencies.values()):
        raise RuntimeError("a client of the one-call-per-request workload failed")
    rate = {kind: expected / t for kind, t in took.items()}
    result = figure(
        "single",
        f"one call per request, {len(picks)} concurrent clients",
        {"rows_per_s": round(rate["real"]), **summary(latencies["real"])},
        {
            "rows_per_s": round(rate["bare"]),
            **summary(latencies["bare"]),
            "rows_per_s_without_request_statement": round(rate["raw"]),
        },
        rate["real"] / rate["bare"],
        note="record_model_call as PostgREST runs it vs a bare one-row INSERT as PostgREST runs"
        " it (same transaction and request statement); without the request statement on the"
        " bare side: ratio_without_request_statement",
    )
    result["ratio_without_request_statement"] = round(rate["real"] / rate["raw"], 3)
    return result


# -- workload 6: task claims (issue 13) ------------------------------------------------------

CLAIM_WORKERS = 8


def task_claims(dsn: str, scale: Scale, progress: Progress) -> dict[str, Any]:
    """`CLAIM_WORKERS` workers claim and complete `scale.claim_tasks` tasks through
    claim_next_task / complete_task as service_role (lifecycle and budget gates, triggers,
    attempts), against the same workers on a bare UPDATE ... FOR UPDATE SKIP LOCKED queue of
    the same table shape (agentsdb.task_bench.claim_throughput, which cleans up after
    itself). Throughput over each whole queue."""
    progress("task claims", 0, 1)
    measured = claim_throughput(dsn, tasks=scale.claim_tasks, workers=CLAIM_WORKERS)
    progress("task claims", 1, 1)
    return figure(
        "claims",
        f"claims, {CLAIM_WORKERS} workers vs a bare SKIP LOCKED queue",
        {
            "tasks_per_s": round(measured.queue_rate),
            "seconds": round(measured.queue_seconds, 3),
            "tasks": measured.tasks,
        },
        {
            "tasks_per_s": round(measured.bare_rate),
            "seconds": round(measured.bare_seconds, 3),
            "tasks": measured.tasks,
        },
        measured.ratio,
        note=(
            "claim_next_task + complete_task (two transactions per task, session-level role "
            "and claims) vs a bare SKIP LOCKED claim and update on a like-table"
        ),
    )


# -- the run ---------------------------------------------------------------------------------


def environment(conn: psycopg.Connection) -> dict[str, Any]:
    settings = dict(
        conn.execute(
            "select name, setting || coalesce(' ' || unit, '') from pg_catalog.pg_settings"
            " where name = any(%s) order by name",
            (
                [
                    "shared_buffers",
                    "work_mem",
                    "maintenance_work_mem",
                    "effective_cache_size",
                    "fsync",
                    "synchronous_commit",
                    "max_wal_size",
                    "random_page_cost",
                    "jit",
                    "max_parallel_workers_per_gather",
                ],
            ),
        ).fetchall()
    )
    memory = None
    with contextlib.suppress(ValueError, OSError, AttributeError):
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    cpu_model = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu_model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "machine": {
            "platform": platform.platform(),
            "cpu": cpu_model,
            "cpus": os.cpu_count(),
            "memory_bytes": memory,
            "python": platform.python_version(),
        },
        "postgresql": {
            "version": conn.execute("select version()").fetchone()[0],
            "settings": settings,
        },
    }


def run(
    dsn: str,
    scale_name: str = "small",
    progress: Progress = _quiet,
    only: frozenset[str] | None = None,
    admin_dsn: str | None = None,
) -> dict[str, Any]:
    """Generate the data into the (empty, freshly migrated) database at `dsn`, connected as
    its owner (postgres), run every workload (or those named in `only`), and return the
    report. With `admin_dsn` (a superuser's, for auto_explain) the report also holds the
    plans of every dashboard read as the user, custom and generic (`plans`)."""
    scale = SCALES[scale_name]
    if only is not None and not only <= set(GOALS):
        raise ValueError(f"only: unknown workloads {sorted(only - set(GOALS))}")
    wanted = set(GOALS) if only is None else set(only)
    began = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as conn:
        report: dict[str, Any] = {
            "agentsdb_bench": REPORT_VERSION,
            "scale": scale.name,
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            **environment(conn),
        }
        report["data"] = generate(conn, scale, progress)
        figures = []
        if "storage" in wanted:
            figures.append(storage(conn, scale))
        if "dashboard" in wanted:
            # A connection of their own, as a PostgREST pool's serves reads, not the backend
            # that generated ten million rows (in it, agent_summary took 12.6 ms at large;
            # in a new connection a few seconds later, 7.8).
            with psycopg.connect(dsn, autocommit=True) as reader:
                figures += dashboards(reader, scale, progress)
            if admin_dsn is not None:
                report["plans"] = dashboard_plans(conn, admin_dsn)
        if "refresh" in wanted:
            figures.append(refresh(conn, scale, progress))
        if wanted & {"ingest", "single"}:
            _bare_table(conn, progress)
        if "ingest" in wanted:
            figures += ingest(conn, scale, progress)
        if "single" in wanted:
            figures.append(single(dsn, conn, scale, progress))
        if "claims" in wanted:
            figures.append(task_claims(dsn, scale, progress))
    order = list(GOALS)
    report["figures"] = sorted(figures, key=lambda f: order.index(f["workload"]))
    report["duration_s"] = round(time.perf_counter() - began, 1)
    if only is not None:
        report["only"] = sorted(only)
    validate(report)
    return report


# -- the report ------------------------------------------------------------------------------


def validate(report: dict[str, Any]) -> None:
    """Raise ValueError unless the report has the documented shape: every workload has at
    least one figure, every ratio is a finite positive number, every timing too."""

    def need(cond: bool, what: str) -> None:
        if not cond:
            raise ValueError(f"bench report: {what}")

    need(report.get("agentsdb_bench") == REPORT_VERSION, "agentsdb_bench: wrong version")
    need(report.get("scale") in SCALES, "scale: unknown")
    for key in ("machine", "postgresql", "data"):
        need(isinstance(report.get(key), dict), f"{key}: missing")
    need(str(report["postgresql"].get("version", "")).startswith("PostgreSQL"), "version")
    need(isinstance(report["postgresql"].get("settings"), dict), "settings: missing")
    for key in ("users", "agents", "interactions", "model_calls"):
        need(isinstance(report["data"].get(key), int), f"data.{key}: not an integer")
    figures = report.get("figures")
    need(isinstance(figures, list) and figures, "figures: empty")
    for f in figures:
        need(f.get("workload") in GOALS, f"figure workload {f.get('workload')!r}")
        for key in ("name", "goal", "note"):
            need(isinstance(f.get(key), str), f"{f.get('name')}: {key}")
        need(isinstance(f.get("meets_goal"), bool), f"{f['name']}: meets_goal")
        ratio = f.get("ratio")
        need(
            isinstance(ratio, int | float) and math.isfinite(ratio) and ratio > 0,
            f"{f['name']}: ratio {ratio!r} is not a finite positive number",
        )
        for side in ("real", "baseline"):
            values = f.get(side)
            need(isinstance(values, dict) and values, f"{f['name']}: {side}")
            for key, value in values.items():
                need(
                    isinstance(value, int | float) and math.isfinite(value) and value >= 0,
                    f"{f['name']}: {side}.{key} = {value!r}",
                )
    seen = {f["workload"] for f in figures}
    expected = set(report.get("only") or GOALS)
    need(seen == expected, f"workloads: expected {sorted(expected)}, got {sorted(seen)}")


def plan_findings(report: dict[str, Any]) -> list[str]:
    """What the report's plans show that a dashboard read must never do: read a whole
    history table sequentially, or compute auth.uid() per row (empty when all is well)."""
    findings = []
    for name, modes in report.get("plans", {}).items():
        for mode in plans.PLAN_MODES:
            shape = modes[mode]
            findings += [
                f"{name} ({mode}): sequential scan of {table}"
                for table in shape["whole_table_sequential_scans"]
            ]
            if shape["uid_per_row"]:
                findings.append(f"{name} ({mode}): auth.uid() per row")
    return findings


def table(report: dict[str, Any]) -> list[list[str]]:
    """The rows of the printed table: workload, figure, ratio, goal, medians and p95."""
    rows = []
    for f in report["figures"]:
        real, base = f["real"], f["baseline"]
        if "bytes_per_call" in real:
            detail = f"{real['bytes_per_call']:.0f} B vs {base['bytes_per_call']:.0f} B"
        elif "tasks_per_s" in real:
            detail = f"{real['tasks_per_s']:,} vs {base['tasks_per_s']:,} tasks/s"
        else:
            detail = (
                f"{real['median_ms']:.2f}/{real['p95_ms']:.2f} ms vs "
                f"{base['median_ms']:.2f}/{base['p95_ms']:.2f} ms"
            )
            if "rows_per_s" in real:
                detail = f"{real['rows_per_s']:,} vs {base['rows_per_s']:,} rows/s; " + detail
        rows.append(
            [
                f["workload"],
                f["name"],
                f"{f['ratio']:.2f}",
                f["goal"],
                "yes" if f["meets_goal"] else "NO",
                detail,
            ]
        )
    return rows


# -- the chart of cost against data size -----------------------------------------------------

PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#000000",
    "#aec7e8",
    "#98df8a",
    "#ffbb78",
    "#c5b0d5",
    "#f7b6d2",
)


def _log_ticks(low: float, high: float) -> list[float]:
    """Powers of ten spanning [low, high], with 2 and 5 in between when the span is short."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    steps = (1, 2, 5) if last - first <= 3 else (1,)
    return [
        m * 10.0**e for e in range(first, last + 1) for m in steps if low <= m * 10.0**e <= high
    ]


def series_name(name: str) -> str:
    """A figure's name without what changes with the scale (batch size, a day's row count),
    so the same workload is one series across reports."""
    return re.sub(r"\s*\([^)]*\d[^)]*\)|,? batches of [\d,]+", "", name)


def _svg_line(x1: float, y1: float, x2: float, y2: float, attributes: str) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" {attributes}/>'


def chart_svg(reports: list[dict[str, Any]]) -> str:
    """An SVG chart of every timed figure's median (real path solid, bare baseline dashed)
    against the number of model calls in the data, both axes logarithmic, one point per
    report (small, medium, large): how each workload's cost grows with the history."""
    for r in reports:
        validate(r)
    if len({r["data"]["model_calls"] for r in reports}) < 2:
        raise ValueError("chart: give reports of at least two data sizes")
    reports = sorted(reports, key=lambda r: r["data"]["model_calls"])
    series: dict[str, list[tuple[int, float, float]]] = {}
    for r in reports:
        for f in r["figures"]:
            if "median_ms" in f["real"] and "median_ms" in f["baseline"]:
                point = (
                    r["data"]["model_calls"],
                    f["real"]["median_ms"],
                    f["baseline"]["median_ms"],
                )
                series.setdefault(series_name(f["name"]), []).append(point)
    series = {name: pts for name, pts in series.items() if len(pts) >= 2}
    if not series:
        raise ValueError("chart: no figure is timed in two reports")
    xs = [p[0] for pts in series.values() for p in pts]
    ys = [v for pts in series.values() for p in pts for v in p[1:] if v > 0]
    x0, x1 = 10.0 ** math.floor(math.log10(min(xs))), 10.0 ** math.ceil(math.log10(max(xs)))
    y0, y1 = 10.0 ** math.floor(math.log10(min(ys))), 10.0 ** math.ceil(math.log10(max(ys)))
    left, top, width, height, legend = 70, 40, 520, 360, 420

    def px(x: float) -> float:
        return left + width * (math.log10(x) - math.log10(x0)) / (math.log10(x1) - math.log10(x0))

    def py(y: float) -> float:
        y = max(y, y0)
        return top + height * (
            1 - (math.log10(y) - math.log10(y0)) / (math.log10(y1) - math.log10(y0))
        )

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + legend}" '
        f'height="{top + height + 60}" font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{left}" y="20" font-size="14">agentsdb bench: median time against '
        "model calls in the history (solid: real path, dashed: bare baseline)</text>",
    ]
    for t in _log_ticks(x0, x1):
        out.append(_svg_line(px(t), top, px(t), top + height, 'stroke="#eee"'))
        out.append(
            f'<text x="{px(t):.1f}" y="{top + height + 16}" text-anchor="middle">{t:,.0f}</text>'
        )
    for t in _log_ticks(y0, y1):
        out.append(_svg_line(left, py(t), left + width, py(t), 'stroke="#eee"'))
        out.append(f'<text x="{left - 6}" y="{py(t) + 4:.1f}" text-anchor="end">{t:g}</text>')
    out.append(
        f'<rect x="{left}" y="{top}" width="{width}" height="{height}" fill="none" stroke="#333"/>'
    )
    mid = left + width / 2
    out.append(f'<text x="{mid}" y="{top + height + 40}" text-anchor="middle">model calls</text>')
    out.append(
        f'<text x="18" y="{top + height / 2}" text-anchor="middle" '
        f'transform="rotate(-90 18 {top + height / 2})">median ms</text>'
    )
    for i, (name, pts) in enumerate(sorted(series.items())):
        color = PALETTE[i % len(PALETTE)]
        for side, dash in ((1, ""), (2, ' stroke-dasharray="5 4"')):
            path = " ".join(f"{px(p[0]):.1f},{py(p[side]):.1f}" for p in pts)
            out.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"{dash}/>'
            )
            for p in pts:
                out.append(
                    f'<circle cx="{px(p[0]):.1f}" cy="{py(p[side]):.1f}" r="3" fill="{color}"/>'
                )
        ly = top + 14 + 18 * i
        label = name.replace("&", "&amp;").replace("<", "&lt;")
        key = f'stroke="{color}" stroke-width="2"'
        out.append(_svg_line(left + width + 16, ly - 4, left + width + 40, ly - 4, key))
        out.append(f'<text x="{left + width + 46}" y="{ly}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
