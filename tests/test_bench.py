"""`agentsdb bench` at small scale: a smoke test (every workload gives a finite ratio, the
report validates) and the shape of every dashboard query's plan as a signed-in user. No
assertion on time: timings belong to the benchmark's report, not to tests."""

from __future__ import annotations

import copy
import json
import math
import os
import subprocess
import sys
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from agentsdb import bench, plans
from agentsdb.local import LocalCluster, free_port
from agentsdb.plans import CONDITIONS, HISTORY, history_table, plans_as_user, uses_uid, walk
from conftest import ROOT, build, create_database

AGENTSDB = str(Path(sys.executable).parent / "agentsdb")


@pytest.fixture(scope="module")
def small(cluster):
    """A database built from the migrations (as `agentsdb bench` builds its scratch one),
    filled and measured by a small run."""
    name = create_database(cluster, "bench_small")
    build(cluster, name)
    report = bench.run(cluster.app_dsn(name), "small", admin_dsn=cluster.admin_dsn(name))
    yield cluster.app_dsn(name), cluster.admin_dsn(name), report
    with psycopg.connect(cluster.admin_dsn(), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def test_small_run_gives_a_finite_ratio_for_every_workload(small):
    _, _, report = small
    reread = json.loads(json.dumps(report, default=str))
    bench.validate(reread)
    assert {f["workload"] for f in reread["figures"]} == set(bench.GOALS)
    for f in reread["figures"]:
        assert math.isfinite(f["ratio"]) and f["ratio"] > 0, f
    # 1 to 4 calls per interaction at random: at small scale (8,000 interactions) the total
    # has a standard deviation of about 0.5% (it missed a 1% bound one run in forty); 5% is
    # ten of them, and still catches a generator that loses a chunk.
    assert reread["data"]["model_calls"] >= bench.SCALES["small"].calls * 0.95
    assert reread["data"]["interactions"] > 0
    names = [f["name"] for f in reread["figures"] if f["workload"] == "dashboard"]
    assert len(names) == 8, names


def test_generated_history_is_consistent(small):
    """Interaction totals are the sums of their calls; most users have a time zone; the
    activity is skewed (the busiest user has several times the median's calls); every
    generated cost is what private.price_model_calls gives."""
    dsn, admin_dsn, _ = small
    with psycopg.connect(dsn) as conn:
        (wrong,) = conn.execute(
            "select count(*) from public.ai_interactions as i"
            " join (select interaction_id, sum(input_tokens + cached_input_tokens) as inp,"
            "   sum(output_tokens + reasoning_tokens) as outp"
            "   from public.model_calls where interaction_id is not null"
            "   group by interaction_id) as s on s.interaction_id = i.id"
            " where (i.input_tokens, i.output_tokens) <> (s.inp, s.outp)"
        ).fetchone()
        assert wrong == 0
        (zones,) = conn.execute(
            "select count(distinct time_zone) from public.user_settings"
        ).fetchone()
        assert zones >= 5
        top, median = conn.execute(
            "select max(n), percentile_cont(0.5) within group (order by n) from"
            " (select count(*) as n from public.model_calls group by user_id) as c"
        ).fetchone()
        assert top > 3 * median
        (priced,) = conn.execute(
            "select avg((cost is not null)::int) from public.model_calls"
        ).fetchone()
        assert priced > 0.9
    # The generator prices its calls through the ledger's one formula; nothing it inserts
    # afterwards (or a trigger on the way) may leave a different cost or price.
    with psycopg.connect(admin_dsn) as conn:
        (differ,) = conn.execute(
            "select count(*) from private.price_model_calls("
            "  (select array_agg(m) from public.model_calls as m where not m.cost_supplied)"
            ") as p join public.model_calls as m on m.id = p.id and m.started_at = p.started_at"
            " where (p.cost, p.price_id) is distinct from (m.cost, m.price_id)"
        ).fetchone()
        assert differ == 0


def test_the_report_holds_each_dashboard_reads_custom_and_generic_plan(small):
    """At every scale the report says how each read as the user reads the history, for the
    custom plan and the generic one a prepared statement takes after five executions: never
    a whole history table sequentially, auth.uid() once per statement."""
    _, _, report = small
    names = [f["name"] for f in report["figures"] if f["workload"] == "dashboard"]
    assert sorted(report["plans"]) == sorted(names)
    for name, modes in report["plans"].items():
        assert set(modes) == {"custom", "generic"}, name
        for mode, shape in modes.items():
            assert shape["statements"] >= 1, (name, mode)
            assert shape["whole_table_sequential_scans"] == [], (name, mode, shape)
            assert not shape["uid_per_row"], (name, mode, shape)
    assert bench.plan_findings(report) == []
    # The summary sees what it must report: a month of calls is read from that month's
    # partition, and a read of every row of model_calls as the owner is a whole-table scan.
    month = report["plans"]["model_calls, one month, newest 50"]["custom"]["history"]
    assert list(month["model_calls"]) == [f"model_calls_p{report_month(report)}"], month


def report_month(report) -> str:
    started = datetime.fromisoformat(report["started_at"]).date().replace(day=1)
    return f"{(started - timedelta(days=1)):%Y_%m}"


def test_the_plan_summary_reports_a_whole_table_scan_and_a_per_row_uid(small):
    _, admin_dsn, _ = small
    shape = plans.summary(
        plans.plans_as_user(
            admin_dsn,
            "select count(*) from public.ai_interactions"
            " where user_id = auth.uid() or input_tokens >= 0",
            {},
            str(uuid.uuid4()),
            ("enable_indexscan = off", "enable_bitmapscan = off"),
        )
    )
    assert shape["whole_table_sequential_scans"] == ["ai_interactions"], shape
    assert shape["uid_per_row"], shape
    report = {"plans": {"probe": {"custom": shape, "generic": shape}}}
    assert bench.plan_findings(report) == [
        "probe (custom): sequential scan of ai_interactions",
        "probe (custom): auth.uid() per row",
        "probe (generic): sequential scan of ai_interactions",
        "probe (generic): auth.uid() per row",
    ]


@pytest.mark.parametrize(
    "broken",
    [
        lambda r: r["figures"][0].update(ratio=float("nan")),
        lambda r: r["figures"][0].update(ratio=0),
        lambda r: r["figures"].pop(),
        lambda r: r["figures"][0]["real"].update(median_ms=float("inf")),
        lambda r: r.pop("postgresql"),
    ],
)
def test_validate_refuses_a_broken_report(small, broken):
    report = copy.deepcopy(small[2])
    broken(report)
    with pytest.raises(ValueError, match="bench report"):
        bench.validate(report)


def test_a_report_of_some_workloads_must_hold_exactly_those(small):
    """`--only` reports name their workloads; one named but absent, or one present but not
    named, is refused."""
    report = copy.deepcopy(small[2])
    report["only"] = ["refresh", "storage"]
    report["figures"] = [f for f in report["figures"] if f["workload"] in report["only"]]
    bench.validate(report)
    report["only"] = ["refresh", "storage", "ingest"]
    with pytest.raises(ValueError, match="workloads: expected"):
        bench.validate(report)
    report["only"] = ["refresh"]
    with pytest.raises(ValueError, match="workloads: expected"):
        bench.validate(report)


def _grown(report: dict, factor: int) -> dict:
    """The report as if measured on `factor` times the data, each real time `factor` times."""
    grown = copy.deepcopy(report)
    grown["data"]["model_calls"] *= factor
    for f in grown["figures"]:
        if "median_ms" in f["real"]:
            f["real"]["median_ms"] *= factor
    return grown


def test_chart_draws_each_timed_figure_real_and_bare_across_sizes(small, tmp_path):
    report = small[2]
    timed = {
        bench.series_name(f["name"])
        for f in report["figures"]
        if "median_ms" in f["real"] and "median_ms" in f["baseline"]
    }
    svg = bench.chart_svg([_grown(report, 100), report, _grown(report, 10)])
    assert svg.count("<polyline") == 2 * len(timed), "a real and a bare line per figure"
    for name in timed:
        assert f">{name}</text>" in svg
    # three sizes: every line has three points, in order of size
    xs = [
        [float(pt.split(",")[0]) for pt in line.split('points="')[1].split('"')[0].split()]
        for line in svg.splitlines()
        if line.startswith("<polyline")
    ]
    assert all(len(x) == 3 and x == sorted(x) for x in xs)
    with pytest.raises(ValueError, match="two data sizes"):
        bench.chart_svg([report, copy.deepcopy(report)])
    reports = []
    for i, r in enumerate((report, _grown(report, 10))):
        reports.append(tmp_path / f"r{i}.json")
        reports[-1].write_text(json.dumps(r))
    out = tmp_path / "chart.svg"
    proc = subprocess.run(
        [AGENTSDB, "bench-chart", *map(str, reports), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().startswith("<svg")


def test_cli_bench_refuses_an_unknown_workload():
    proc = subprocess.run(
        [AGENTSDB, "bench", "--only", "storage,speed"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "unknown workloads speed" in proc.stderr


def rows_read(
    plans: list[dict], relation: str, index_not: str = "", filtered: bool = True
) -> float:
    """Rows the scans of `relation` (a history table: its partitions) returned (and, with
    `filtered`, filtered out), over every loop (auto_explain reports both per loop), leaving
    out scans of `index_not` (a history table's index: its partitions' too)."""
    total = 0.0
    for plan in plans:
        for node, _ in walk(plan):
            name = node.get("Relation Name")
            if (history_table(name) if relation in HISTORY else name) != relation:
                continue
            index = node.get("Index Name") or ""
            if index_not and (
                index == index_not
                or (name != relation and index == name + index_not.removeprefix(relation))
            ):
                continue
            if node["Node Type"] == "Bitmap Index Scan":
                continue
            loops = node.get("Actual Loops", 0)
            kept = node.get("Actual Rows", 0)
            if filtered:
                kept += node.get("Rows Removed by Filter", 0)
                kept += node.get("Rows Removed by Index Recheck", 0)
            total += kept * loops
    return total


# auth.uid() is a SQL function: plans show it inlined, reading the JWT claims.
DEFINER_READS = ("cost breakdown", "budget status")


def test_dashboard_plans_read_the_history_by_index_with_auth_uid_in_initplans(small):
    """As the user, no dashboard query scans ai_interactions or model_calls sequentially,
    and auth.uid() is computed once per statement (an InitPlan), never per row."""
    dsn, admin_dsn, _ = small
    with psycopg.connect(dsn) as conn:
        reads, user_id = bench.dashboard_reads(conn)
    # A partition holding a handful of rows (this month's, on the first of a month) is
    # rightly read sequentially; a month of history is not.
    small_partitions = bench.plans.small_partitions(admin_dsn)
    for read in reads:
        plans = plans_as_user(admin_dsn, read.user_sql, read.params, user_id)
        assert plans, read.name
        initplans_with_uid = 0
        months_scanned: set[str] = set()
        for plan in plans:
            for node, in_initplan in walk(plan):
                relation = history_table(node.get("Relation Name"))
                name = node.get("Relation Name")
                if node["Node Type"] == "Seq Scan" and relation in HISTORY:
                    # A whole table of history, never; a month of it (a partition the read's
                    # range covers, pruning keeping the others out) may be the cheaper plan.
                    assert name != relation, f"{read.name}: sequential scan of {name}"
                    if name not in small_partitions:
                        months_scanned.add(name)
                assert len(months_scanned) <= 3, (
                    f"{read.name}: sequential scans of {sorted(months_scanned)}"
                )
                if in_initplan and uses_uid(node, ("Output",)):
                    initplans_with_uid += 1
                assert in_initplan or not uses_uid(node, CONDITIONS), (
                    f"{read.name}: auth.uid() evaluated per row in {node['Node Type']}"
                )
        # The cost breakdown and budget status are security definer functions that read
        # auth.uid() once into a variable and filter by it: no RLS, so no InitPlan to find.
        if not read.name.startswith(DEFINER_READS):
            assert initplans_with_uid, f"{read.name}: RLS reads auth.uid() in an InitPlan"
        if read.name.startswith("recent_interactions"):
            # A page is read in index order and stops after the page: no sort of every
            # interaction of the user (an incremental sort of equal start times is fine).
            page = [p for p in plans if any(n.get("Relation Name") in HISTORY for n, _ in walk(p))]
            kinds = {node["Node Type"] for plan in page for node, _ in walk(plan)}
            assert "Sort" not in kinds, f"{read.name}: sorts all the user's rows"


def test_the_plan_check_can_fail(small):
    """The checks above see a sequential scan and a per-row auth.uid() when there is one
    (index scans switched off, and auth.uid() called bare in a condition)."""
    dsn, admin_dsn, _ = small
    with psycopg.connect(dsn) as conn:
        _, user_id = bench.dashboard_reads(conn)
    plans = plans_as_user(
        admin_dsn,
        "select count(*) from public.model_calls where user_id = auth.uid() or cost > 0",
        {},
        user_id,
        ("enable_indexscan = off", "enable_bitmapscan = off"),
    )
    nodes = [n for p in plans for n in walk(p)]
    assert any(
        n["Node Type"] == "Seq Scan" and history_table(n.get("Relation Name")) == "model_calls"
        for n, _ in nodes
    )
    assert any(uses_uid(n, CONDITIONS) and not inside for n, inside in nodes)


def test_a_dashboard_read_of_one_month_reads_only_that_months_partition(small):
    """model_calls is partitioned by month of started_at: the dashboard's month of calls,
    read as the user, scans that month's partition and prunes every other one."""
    dsn, admin_dsn, _ = small
    with psycopg.connect(dsn) as conn:
        reads, user_id = bench.dashboard_reads(conn)
        (partitions,) = conn.execute(
            "select count(*) from pg_inherits where inhparent = 'public.model_calls'::regclass"
        ).fetchone()
    read = next(r for r in reads if r.name.startswith("model_calls"))
    plans = plans_as_user(admin_dsn, read.user_sql, read.params, user_id)
    scanned = {
        node["Relation Name"]
        for plan in plans
        for node, _ in walk(plan)
        if history_table(node.get("Relation Name")) == "model_calls"
    }
    assert partitions >= 5  # the month read, the months ahead, a default
    assert scanned == {f"model_calls_p{read.params['from']:%Y_%m}"}, scanned


def test_a_month_of_recent_interactions_reads_only_that_months_partition(small):
    """ai_interactions is partitioned by month too: a month of recent_interactions, read as
    the user (custom plan) and in a generic plan (pruned at run time), scans that month's
    partition only."""
    dsn, admin_dsn, _ = small
    with psycopg.connect(dsn) as conn:
        reads, user_id = bench.dashboard_reads(conn)
        (partitions,) = conn.execute(
            "select count(*) from pg_inherits where inhparent = 'public.ai_interactions'::regclass"
        ).fetchone()
    read = next(r for r in reads if r.name.startswith("recent_interactions, one month"))
    assert partitions >= 5
    for settings in ((), GENERIC):
        plans = plans_as_user(admin_dsn, read.user_sql, read.params, user_id, settings, True)
        scanned = {
            node["Relation Name"]
            for plan in plans
            for node, _ in walk(plan)
            if history_table(node.get("Relation Name")) == "ai_interactions"
            and node.get("Actual Loops", 1) > 0
        }
        assert scanned == {f"ai_interactions_p{read.params['from']:%Y_%m}"}, (settings, scanned)
    # The check can fail: without pruning the same read scans every month.
    plans = plans_as_user(
        admin_dsn, read.user_sql, read.params, user_id, ("enable_partition_pruning = off",), True
    )
    scanned = {
        node["Relation Name"]
        for plan in plans
        for node, _ in walk(plan)
        if history_table(node.get("Relation Name")) == "ai_interactions"
    }
    assert len(scanned) > 1, scanned


def test_the_partition_check_can_fail(small):
    """Without pruning (enable_partition_pruning off), the same read scans every partition."""
    dsn, admin_dsn, _ = small
    with psycopg.connect(dsn) as conn:
        reads, user_id = bench.dashboard_reads(conn)
    read = next(r for r in reads if r.name.startswith("model_calls"))
    plans = plans_as_user(
        admin_dsn, read.user_sql, read.params, user_id, ("enable_partition_pruning = off",)
    )
    scanned = {
        node["Relation Name"]
        for plan in plans
        for node, _ in walk(plan)
        if history_table(node.get("Relation Name")) == "model_calls"
    }
    assert len(scanned) > 1, scanned


GENERIC = ("plan_cache_mode = force_generic_plan",)


def _reading(plans: list[dict], table: str) -> list[dict]:
    """The plans (of the statement and those nested in it) that read `table`."""
    return [
        p for p in plans if any(history_table(n.get("Relation Name")) == table for n, _ in walk(p))
    ]


def _page_reads(reads):
    return [r for r in reads if r.name.startswith(("model_calls", "recent_interactions"))]


def test_pages_of_history_stop_after_the_page_in_a_generic_plan(small):
    """A prepared statement gets a generic plan after five runs (PostgREST prepares them,
    psycopg too), which prunes months only at run time and does not know the parameters.
    Sent as PostgREST sends them (filter values, limit and offset as parameters), the month
    of calls newest first and the first page of recent_interactions still read in index
    order and stop early, instead of sorting every row of the user."""
    dsn, admin_dsn, _ = small
    with psycopg.connect(dsn) as conn:
        reads, user_id = bench.dashboard_reads(conn)
        p = reads[0].params
        (calls,) = conn.execute(
            "select count(*) from public.model_calls where user_id = %s"
            " and started_at >= %s and started_at < %s",
            (user_id, p["from_at"], p["to_at"]),
        ).fetchone()
        (interactions,) = conn.execute(
            "select count(*) from public.ai_interactions where user_id = %s", (user_id,)
        ).fetchone()
    assert calls > 2 * p["calls_page"] and interactions > 2 * p["page"]
    for read in _page_reads(reads):
        assert "limit %(" in read.user_sql and "offset %(" in read.user_sql, read.name
        plans = plans_as_user(admin_dsn, read.user_sql, read.params, user_id, GENERIC, True)
        table, total = (
            ("model_calls", calls)
            if read.name.startswith("model_calls")
            else ("ai_interactions", interactions)
        )
        kinds = {n["Node Type"] for plan in _reading(plans, table) for n, _ in walk(plan)}
        assert "Sort" not in kinds, read.name
        assert rows_read(plans, table) < total, (read.name, rows_read(plans, table), total)


def test_the_generic_plan_check_can_fail(small):
    """With the page size written into the SQL (what the bench sent before), the generic plan
    of the month of calls sorts the user's whole month: the check above sees it."""
    dsn, admin_dsn, _ = small
    with psycopg.connect(dsn) as conn:
        reads, user_id = bench.dashboard_reads(conn)
        read = next(r for r in reads if r.name.startswith("model_calls"))
        (month,) = conn.execute(
            "select count(*) from public.model_calls where user_id = %s"
            " and started_at >= %s and started_at < %s",
            (user_id, read.params["from_at"], read.params["to_at"]),
        ).fetchone()
    literal = read.user_sql.replace("%(calls_page)s", "50").replace("%(offset)s", "0")
    plans = plans_as_user(admin_dsn, literal, read.params, user_id, GENERIC, True)
    assert month > 100
    assert "Sort" in {n["Node Type"] for p in _reading(plans, "model_calls") for n, _ in walk(p)}
    assert rows_read(plans, "model_calls") >= month


def test_cli_bench_prints_the_table_and_writes_json(tmp_path):
    """The command end to end on a cluster of its own: started for the run, stopped after,
    its scratch database gone."""
    home = Path(tempfile.mkdtemp(prefix="agentsdb-bench-"))
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "AGENTSDB_PG_BIN")},
        "AGENTSDB_HOME": str(home),
        "AGENTSDB_PORT": str(port),
    }
    out = tmp_path / "bench.json"
    try:
        proc = subprocess.run(
            [AGENTSDB, "bench", "--scale", "small", "--json", str(out)],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stderr
        for workload in bench.GOALS:
            assert f"\n{workload} " in proc.stdout
        bench.validate(json.loads(out.read_text()))
        cluster = LocalCluster(home, port)
        assert not cluster.running(), "the cluster started for the run is stopped"
    finally:
        LocalCluster(home, port).destroy()


def test_cli_bench_refuses_database_url(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "AGENTSDB_PG_BIN"},
        "DATABASE_URL": "postgresql://postgres:secret@127.0.0.1:1/postgres",
        "AGENTSDB_HOME": str(tmp_path / "none"),
    }
    proc = subprocess.run(
        [AGENTSDB, "bench"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )
    assert proc.returncode == 1
    assert "unset DATABASE_URL" in proc.stderr
    assert "secret" not in proc.stderr


def test_a_days_refresh_reads_each_users_own_day_and_rewrites_nothing_unchanged(small):
    """update_daily_usage_stats takes from model_calls each user's calls of their own local
    day (about the day's rows; it took every call within 16 hours of the UTC day, 2.3 times
    as many, and dropped most of them after a join), and a second run over unchanged usage
    writes nothing: no row locked, no transaction id taken."""
    dsn, admin_dsn, _ = small
    with psycopg.connect(dsn) as conn:
        (day,) = conn.execute(
            "select (started_at at time zone 'UTC')::date from public.model_calls"
            " where started_at < date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'"
            " group by 1 order by count(*) desc limit 1"
        ).fetchone()
        (on_the_day,) = conn.execute(
            "select count(*) from public.model_calls as m"
            " left join public.user_settings as s on s.user_id = m.user_id"
            " where (m.started_at at time zone coalesce(s.time_zone, 'UTC'))::date = %s",
            (day,),
        ).fetchone()
    plans = plans_as_user(
        admin_dsn,
        "select public.update_daily_usage_stats(%(day)s)",
        {"day": day},
        None,
        analyze=True,
    )
    read = rows_read(
        plans, "model_calls", index_not="model_calls_interaction_id_idx", filtered=False
    )
    # An hour or two more for a user whose zone changes its offset near the day; and
    # auto_explain rounds the rows of each loop (an average) to a whole number.
    assert abs(read - on_the_day) <= on_the_day * 0.15 + 50, (read, on_the_day)
    with psycopg.connect(admin_dsn) as conn:
        conn.execute("set role postgres")
        conn.execute("select public.update_daily_usage_stats(%s)", (day,))
        (xid,) = conn.execute("select pg_catalog.txid_current_if_assigned()").fetchone()
        conn.rollback()
    assert xid is None, "an unchanged day's refresh wrote (locked) rows"


def test_rollup_reads_read_no_raw_history_when_no_day_is_marked(small):
    """With the rollups refreshed (no mark left), agent_summary and the cost breakdown read
    the rollups alone: no row of ai_interactions or model_calls (they read the request's
    whole range and filtered it afterwards to the marked days)."""
    dsn, admin_dsn, _ = small
    with psycopg.connect(dsn, autocommit=True) as conn:
        for _ in range(100):
            (marks,) = conn.execute("select marks from public.refresh_usage_rollups()").fetchone()
            if marks == 0:
                break
        reads, user_id = bench.dashboard_reads(conn)
    for read in reads:
        if not read.name.startswith(("agent_summary", "cost breakdown")):
            continue
        plans = plans_as_user(admin_dsn, read.user_sql, read.params, user_id, analyze=True)
        for relation in HISTORY:
            assert rows_read(plans, relation) == 0, f"{read.name}: reads {relation}"


def test_the_bench_measures_refreshed_rollups(small):
    """The generated history marks every user's every day; the bench drains the marks with
    refresh_usage_rollups before it measures (as the minute job keeps a deployed database)
    and reports how long that took."""
    _, _, report = small
    data = report["data"]
    assert data["rollup_refresh_days"] > 0 and data["rollup_refresh_s"] >= 0
    assert data["rollup_refresh_runs"] >= 2  # the last run found no mark left


def test_agent_summary_reads_one_lifetime_row_per_agent(small):
    """With the rollups refreshed, agent_summary as the user reads each of their agents'
    lifetime sums and newest daily row, not every daily row of every agent (one definer call
    per agent summed them: 58 ms for the 135 agents of the medium bench's busiest user)."""
    dsn, admin_dsn, _ = small
    with psycopg.connect(dsn, autocommit=True) as conn:
        for _ in range(100):
            (marks,) = conn.execute("select marks from public.refresh_usage_rollups()").fetchone()
            if marks == 0:
                break
        reads, user_id = bench.dashboard_reads(conn)
        (agents,) = conn.execute(
            "select count(*) from public.ai_agents where user_id = %s", (user_id,)
        ).fetchone()
        (daily,) = conn.execute(
            "select count(*) from private.agent_interactions_daily where user_id = %s", (user_id,)
        ).fetchone()
    assert daily > 2 * agents
    read = next(r for r in reads if r.name.startswith("agent_summary"))
    plans = plans_as_user(admin_dsn, read.user_sql, read.params, user_id, analyze=True)
    assert 0 < rows_read(plans, "agent_interaction_lifetime", filtered=False) <= agents
    assert rows_read(plans, "agent_interactions_daily", filtered=False) <= agents


def test_dashboard_reads_never_jit_compile_while_marks_pile_up(small):
    """Other users' rollup marks waiting for the refresher (a late job, pg_cron not yet
    enabled) make the planner expect thousands of marks for the reader too; their reads
    must still run without JIT compilation, which costs more than the read (about 200 ms
    for agent_summary at large). The marks are rolled back."""
    dsn, admin_dsn, _ = small
    with psycopg.connect(dsn) as conn:
        reads, user_id = bench.dashboard_reads(conn)
    with psycopg.connect(admin_dsn) as conn:
        conn.execute(
            "insert into private.usage_rollup_marks (user_id, from_at, to_at)"
            " select ('00000000-0000-4000-8000-00000000000' || (g % 8))::uuid,"
            " now() - interval '1 hour', now() from generate_series(1, 160000) as g"
        )
        conn.execute("analyze private.usage_rollup_marks")
        found = plans.explaining(conn, analyze=True)
        conn.execute("set transaction read only")
        bench.set_request(conn, bench.claims_for("authenticated", user_id))
        for read in reads:
            before = len(found)
            conn.execute(read.user_sql, read.params).fetchall()
            jitted = [p for p in found[before:] if p.get("JIT")]
            assert not jitted, f"{read.name}: JIT-compiled {jitted[0]['Query Text'][:200]!r}"
        conn.rollback()
