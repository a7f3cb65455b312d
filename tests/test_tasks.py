"""The task queue and schedules (issue 13) beyond pgTAP: many workers on one queue, cycle
refusal against a model on random graphs, concurrent edges, the client and the CLI, and the
claim throughput helper the benchmark reuses.

The rules one by one are in supabase/tests/database/tasks/ and schedules/ (pgTAP).
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_client import world  # noqa: F401 - the client fixture, every transport

from agentsdb.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from agentsdb.request import claims_for, request
from agentsdb.task_bench import claim_throughput

WORKERS = 8
TASKS = 300
FLAKY_EVERY = 9  # every 9th task fails its first attempt (and is retried)
LOOP_BUDGET_S = 90.0
STATEMENT_TIMEOUT_MS = 10_000


def make_owner(conn: psycopg.Connection) -> tuple[uuid.UUID, uuid.UUID]:
    user_id = uuid.uuid4()
    conn.execute(
        "insert into auth.users (id, email, aud, role) values (%s, %s, 'authenticated',"
        " 'authenticated')",
        (user_id, f"tasks-{user_id.hex[:8]}@example.test"),
    )
    agent_id = conn.execute(
        "insert into public.ai_agents (name, vendor_id, user_id) values ('queue', 'openai', %s)"
        " returning id",
        (user_id,),
    ).fetchone()[0]
    return user_id, agent_id


# --- many workers, one queue ---------------------------------------------------------------


def test_eight_workers_run_every_task_once_after_its_dependencies(fresh_db):
    """8 workers (threads, own connections) claim and complete a few hundred tasks forming a
    random DAG; some fail once and are retried. No task succeeds twice or is held by two
    workers at once, none is lost, and no task is claimed before its dependencies succeeded."""
    rng = random.Random(13)  # noqa: S311 - a reproducible graph, not a secret
    ids = [uuid.uuid4() for _ in range(TASKS)]
    edges = []
    for i in range(1, TASKS):
        for j in rng.sample(range(i), k=min(i, rng.choice([0, 0, 1, 1, 2, 3]))):
            edges.append((ids[i], ids[j]))
    flaky = set(ids[::FLAKY_EVERY])
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        user_id, agent_id = make_owner(conn)
        with conn.cursor() as cur:
            cur.executemany(
                "insert into public.agent_tasks (id, user_id, agent_id, priority, max_attempts,"
                " backoff_seconds) values (%s, %s, %s, %s, 3, 0)",
                [(t, user_id, agent_id, rng.randint(-5, 5)) for t in ids],
            )
            cur.executemany(
                "insert into public.agent_task_dependencies (task_id, depends_on, user_id)"
                " values (%s, %s, %s)",
                [(a, b, user_id) for a, b in edges],
            )

    completed: Counter = Counter()
    claims: list[tuple[uuid.UUID, int, str]] = []
    early: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(WORKERS)
    deadline = time.monotonic() + LOOP_BUDGET_S

    def worker(name: str) -> None:
        try:
            with psycopg.connect(
                fresh_db, options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
            ) as conn:
                barrier.wait()
                while time.monotonic() < deadline:
                    with request(conn, claims_for("service_role")):
                        row = conn.execute(
                            "select id, attempts from public.claim_next_task(%s, 60)", (name,)
                        ).fetchone()
                        if row is not None:
                            # Seen from the claiming transaction: every dependency succeeded.
                            unmet = conn.execute(
                                "select count(*) from public.agent_task_dependencies as d"
                                " join public.agent_tasks as t on t.id = d.depends_on"
                                " where d.task_id = %s and t.status <> 'succeeded'",
                                (row[0],),
                            ).fetchone()[0]
                        else:
                            left = conn.execute(
                                "select count(*) from public.agent_tasks"
                                " where status in ('pending', 'running')"
                            ).fetchone()[0]
                    if row is None:
                        if left == 0:
                            return
                        time.sleep(0.005)
                        continue
                    task_id, attempt = row
                    with lock:
                        claims.append((task_id, attempt, name))
                        if unmet:
                            early.append(f"{task_id} claimed with {unmet} unmet dependencies")
                    with request(conn, claims_for("service_role")):
                        if task_id in flaky and attempt == 1:
                            conn.execute(
                                "select 1 from public.fail_task(%s, 'flaky', %s)", (task_id, name)
                            )
                        else:
                            conn.execute(
                                "select 1 from public.complete_task(%s, '{\"ok\": true}', %s)",
                                (task_id, name),
                            )
                            with lock:
                                completed[task_id] += 1
                errors.append(f"{name}: the loop ran out of time")
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(f"{name}: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(LOOP_BUDGET_S + 30)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    assert not errors, errors
    assert not early, early[:5]
    assert set(completed) == set(ids), f"{TASKS - len(completed)} tasks never completed"
    assert max(completed.values()) == 1, "a task was completed twice"
    attempts_by_task = Counter(task for task, _, _ in claims)
    assert all(attempts_by_task[t] == (2 if t in flaky else 1) for t in ids)
    assert len(set(claims)) == len(claims), "one attempt was handed out twice"
    assert len({name for _, _, name in claims}) > 1, "only one worker ever got a task"

    with psycopg.connect(fresh_db) as conn:
        statuses = dict(
            conn.execute(
                "select status, count(*) from public.agent_tasks where user_id = %s"
                " group by status",
                (user_id,),
            ).fetchall()
        )
        assert statuses == {"succeeded": TASKS}
        outcomes = dict(
            conn.execute(
                "select outcome, count(*) from public.agent_task_attempts where user_id = %s"
                " group by outcome",
                (user_id,),
            ).fetchall()
        )
        assert outcomes == {"succeeded": TASKS, "failed": len(flaky)}
        # The history agrees: each dependent's successful attempt began after its
        # dependency had finished, and attempts of one task never overlap.
        (late,) = conn.execute(
            "select count(*) from public.agent_task_dependencies as d"
            " join public.agent_tasks as dep on dep.id = d.depends_on"
            " join public.agent_task_attempts as a on a.task_id = d.task_id"
            " where d.user_id = %s and a.claimed_at < dep.finished_at",
            (user_id,),
        ).fetchone()
        assert late == 0
        (overlaps,) = conn.execute(
            "select count(*) from public.agent_task_attempts as a"
            " join public.agent_task_attempts as b on b.task_id = a.task_id"
            " and b.attempt = a.attempt + 1 where a.user_id = %s and b.claimed_at < a.finished_at",
            (user_id,),
        ).fetchone()
        assert overlaps == 0
        assert conn.execute(
            "select bool_and(satisfied) from public.agent_task_dependencies where user_id = %s",
            (user_id,),
        ).fetchone()[0]


def test_a_worker_that_dies_leaves_its_task_to_another(fresh_db):
    """A worker's connection is killed while it holds a claim; after the lease the task is
    claimable again, the lost attempt is on record and the dead worker cannot complete it."""
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        user_id, agent_id = make_owner(conn)
        task_id = conn.execute(
            "insert into public.agent_tasks (user_id, agent_id, backoff_seconds)"
            " values (%s, %s, 0) returning id",
            (user_id, agent_id),
        ).fetchone()[0]
    dying = psycopg.connect(fresh_db)
    with request(dying, claims_for("service_role")):
        (claimed,) = dying.execute("select id from public.claim_next_task('dies', 1)").fetchone()
    assert claimed == task_id
    dying.close()  # the worker is gone; its claim stays until the lease ends
    time.sleep(1.2)
    with psycopg.connect(fresh_db) as conn:
        with request(conn, claims_for("service_role")):
            row = conn.execute(
                "select id, attempts from public.claim_next_task('survivor')"
            ).fetchone()
        assert row == (task_id, 2)
        with pytest.raises(psycopg.Error) as refused, request(conn, claims_for("service_role")):
            conn.execute("select public.complete_task(%s, null, 'dies')", (task_id,))
        assert refused.value.sqlstate == "PT409"
        with request(conn, claims_for("service_role")):
            conn.execute("select public.complete_task(%s, null, 'survivor')", (task_id,))
        history = conn.execute(
            "select attempt, worker, outcome from public.agent_task_attempts"
            " where task_id = %s order by attempt",
            (task_id,),
        ).fetchall()
    assert history == [(1, "dies", "lost"), (2, "survivor", "succeeded")]


# --- cycles --------------------------------------------------------------------------------


def reaches(edges: set[tuple[int, int]], start: int, goal: int) -> bool:
    """Whether `start` depends on `goal`, transitively (edges are (task, depends_on))."""
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node in seen:
            continue
        seen.add(node)
        todo.extend(b for a, b in edges if a == node)
    return False


@st.composite
def graphs(draw):
    """A random DAG (edges from later to earlier tasks) plus random extra edges, shuffled."""
    size = draw(st.integers(2, 8))
    node = st.integers(0, size - 1)
    dag = [(a, b) for a, b in draw(st.lists(st.tuples(node, node), max_size=20)) if a > b]
    extra = draw(st.lists(st.tuples(node, node), max_size=12))
    return size, draw(st.permutations(dag + extra))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(graph=graphs())
def test_cycles_are_refused_and_nothing_else_is(db, graph):
    """Edges added one by one, as the owner: the database accepts exactly the edges that keep
    the graph acyclic (23514 agent_task_dependencies_acyclic for the others, 23505 for a
    duplicate), and what it holds is the model's graph."""
    size, edges = graph
    with db.transaction(force_rollback=True):
        user_id, agent_id = make_owner(db)
        tasks = [
            db.execute(
                "insert into public.agent_tasks (user_id, agent_id) values (%s, %s) returning id",
                (user_id, agent_id),
            ).fetchone()[0]
            for _ in range(size)
        ]
        model: set[tuple[int, int]] = set()
        for a, b in edges:
            if a == b or reaches(model, b, a):
                expected = "23514"
            elif (a, b) in model:
                expected = "23505"
            else:
                expected = None
            try:
                with request(db, claims_for("authenticated", user_id)):
                    db.execute(
                        "insert into public.agent_task_dependencies (task_id, depends_on)"
                        " values (%s, %s)",
                        (tasks[a], tasks[b]),
                    )
                got = None
            except psycopg.Error as error:
                got = error.sqlstate
                if got == "23514":
                    assert error.diag.constraint_name == "agent_task_dependencies_acyclic"
            assert got == expected, f"edge {a}->{b} with {sorted(model)}"
            if expected is None:
                model.add((a, b))
        held = {
            (tasks.index(t), tasks.index(d))
            for t, d in db.execute(
                "select task_id, depends_on from public.agent_task_dependencies where user_id = %s",
                (user_id,),
            )
        }
        assert held == model
        counts = dict(
            db.execute(
                "select id, pending_dependencies from public.agent_tasks where user_id = %s",
                (user_id,),
            ).fetchall()
        )
        assert all(counts[t] == sum(1 for a, _ in model if a == i) for i, t in enumerate(tasks))


def test_concurrent_edges_cannot_close_a_cycle(fresh_db):
    """Two sessions add a->b and b->a at the same time: the second waits for the first's
    lock and, once it commits, sees its edge and is refused."""
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        user_id, agent_id = make_owner(conn)
        a, b = (
            conn.execute(
                "insert into public.agent_tasks (user_id, agent_id) values (%s, %s) returning id",
                (user_id, agent_id),
            ).fetchone()[0]
            for _ in range(2)
        )
    first = psycopg.connect(fresh_db)
    second = psycopg.connect(fresh_db, options="-c lock_timeout=20000")
    outcome: list[object] = []
    try:
        first.execute(
            "insert into public.agent_task_dependencies (task_id, depends_on, user_id)"
            " values (%s, %s, %s)",
            (a, b, user_id),
        )

        def close_the_cycle() -> None:
            try:
                with second.transaction():
                    second.execute(
                        "insert into public.agent_task_dependencies (task_id, depends_on,"
                        " user_id) values (%s, %s, %s)",
                        (b, a, user_id),
                    )
                outcome.append("inserted")
            except psycopg.Error as error:
                outcome.append(error.sqlstate)

        thread = threading.Thread(target=close_the_cycle)
        thread.start()
        time.sleep(0.5)
        assert not outcome, "the second insert did not wait for the first"
        first.commit()
        thread.join(30)
        assert outcome == ["23514"]
    finally:
        first.close()
        second.close()


# --- the client and the CLI ----------------------------------------------------------------


def test_client_schedules_and_tasks(world):  # noqa: F811 - the fixture imported above
    agent = world.alice.create_agent("scheduled", "openai")
    assert world.alice.get_schedule(agent.id) is None
    schedule = world.alice.set_schedule(
        agent.id, cron="0 9 * * 1-5", time_zone="Europe/Paris",
        active_hours={"mon": [["08:00", "18:00"]]},
    )  # fmt: skip
    assert schedule.time_zone == "Europe/Paris" and schedule.next_run_at is not None
    monday = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)
    assert world.alice.is_agent_active_now(agent.id, monday)
    assert not world.alice.is_agent_active_now(agent.id, monday + timedelta(days=1))
    assert world.alice.agent_next_run(agent.id, monday) == datetime(2026, 12, 14, 8, tzinfo=UTC)
    schedule = world.alice.set_schedule(agent.id, cron=None)
    assert schedule.cron is None and schedule.active_hours is None
    assert schedule.time_zone == "Europe/Paris", "an update without time_zone keeps it"
    assert world.alice.agent_next_run(agent.id) is None
    with pytest.raises(InvalidInput) as refused:
        world.alice.set_schedule(agent.id, cron="every day")
    assert refused.value.code == "22023"
    with pytest.raises(NotFound):
        world.bob.is_agent_active_now(agent.id)

    first = world.alice.add_task(agent.id, {"step": 1}, title="first", priority=2)
    second = world.alice.add_task(agent.id, ["any", "json"], depends_on=[first.id])
    assert (first.status, second.pending_dependencies, second.payload) == (
        "pending", 1, ["any", "json"],
    )  # fmt: skip
    assert [t.id for t in world.alice.list_tasks()] == [second.id, first.id]
    assert world.bob.list_tasks() == []
    with pytest.raises(PermissionDenied):
        world.alice.add_task(agent.id, depends_on=[first.id, uuid.uuid4()])
    assert len(world.alice.list_tasks()) == 2, "a refused add_task leaves no task behind"

    claimed = world.service.claim_next_task("w1", lease_seconds=30)
    assert claimed.id == first.id and claimed.status == "running"
    with pytest.raises(PermissionDenied):
        world.alice.claim_next_task("alice")
    done = world.service.complete_task(first.id, {"answer": 42}, worker="w1")
    assert done.status == "succeeded" and done.result == {"answer": 42}
    assert world.service.claim_next_task("w1").id == second.id
    failed = world.service.fail_task(second.id, "boom", worker="w1", retry=False)
    assert failed.status == "failed" and failed.error == "boom"
    assert [a.outcome for a in world.alice.task_attempts(second.id)] == ["failed"]
    with pytest.raises(Conflict):
        world.alice.cancel_task(second.id)
    third = world.alice.add_task(agent.id, not_before=datetime.now(UTC) + timedelta(hours=1))
    assert world.alice.cancel_task(third.id).status == "cancelled"
    assert [t.id for t in world.alice.list_tasks(status="cancelled")] == [third.id]
    with pytest.raises(NotFound):
        world.bob.cancel_task(third.id)
    with pytest.raises(NotFound):
        world.bob.get_task(third.id)
    assert world.service.due_agents() == []


def test_cli_tasks_add_list_cancel(fresh_db, tmp_path, monkeypatch, capsys):
    from agentsdb.cli import main

    with psycopg.connect(fresh_db, autocommit=True) as conn:
        user_id, agent_id = make_owner(conn)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", fresh_db)
    me = ["--user", str(user_id)]
    assert main(["tasks", "add", str(agent_id), *me, "--payload", '{"q": 1}', "--title", "t1"]) == 0
    added = capsys.readouterr().out
    task_id = added.splitlines()[-1].split()[0]
    assert "pending" in added
    assert main(["tasks", "list", *me]) == 0
    listed = capsys.readouterr().out
    assert task_id in listed and "t1" in listed
    assert main(["tasks", "cancel", task_id, *me]) == 0
    assert "cancelled" in capsys.readouterr().out
    assert main(["tasks", "list", "--status", "pending", *me]) == 0
    assert task_id not in capsys.readouterr().out
    assert main(["tasks", "cancel", task_id, *me]) == 1
    assert "PT409" in capsys.readouterr().err
    assert main(["tasks", "list", "--user", str(uuid.uuid4())]) == 0
    assert "(no rows)" in capsys.readouterr().out, "another user sees nothing"


# --- the benchmark's helper ----------------------------------------------------------------


def test_claim_throughput_measures_both_queues_and_cleans_up(fresh_db):
    """Smoke only (tiny size, no timing asserted): both queues drain, the ratio is a number,
    and nothing the measure created is left."""
    measured = claim_throughput(fresh_db, tasks=40, workers=2)
    assert measured.tasks == 40 and measured.ratio > 0
    with psycopg.connect(fresh_db) as conn:
        assert conn.execute("select count(*) from public.agent_tasks").fetchone()[0] == 0
        assert conn.execute(
            "select to_regclass('private.task_bench_bare_tasks') is null"
        ).fetchone()[0]


def test_claims_respect_priority_then_age_under_contention(fresh_db):
    """Ready tasks come out highest priority first (checked on a single worker)."""
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        user_id, agent_id = make_owner(conn)
        for priority in (0, 5, -3, 5, 1):
            conn.execute(
                "insert into public.agent_tasks (user_id, agent_id, priority) values (%s, %s, %s)",
                (user_id, agent_id, priority),
            )
        order = []
        while True:
            with request(conn, claims_for("service_role")):
                row = conn.execute("select priority from public.claim_next_task('solo')").fetchone()
            if row is None:
                break
            order.append(row[0])
    assert order == [5, 5, 1, 0, -3]


# --- the next cron fire against an independent reference --------------------------------

ZONES = ("UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata")
FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("dom", 1, 31), ("month", 1, 12), ("dow", 0, 7))


@st.composite
def cron_fields(draw, low: int, high: int) -> str:
    def item() -> str:
        kind = draw(st.sampled_from(["star", "step", "one", "range", "range_step"]))
        a = draw(st.integers(low, high))
        b = draw(st.integers(a, high))
        k = draw(st.integers(1, max(1, (high - low) // 2)))
        return {
            "star": "*",
            "step": f"*/{k}",
            "one": str(a),
            "range": f"{a}-{b}",
            "range_step": f"{a}-{b}/{k}",
        }[kind]

    return ",".join(item() for _ in range(draw(st.integers(1, 2))))


def field_values(text: str, low: int, high: int) -> set[int]:
    values: set[int] = set()
    for item in text.split(","):
        span, _, step = item.partition("/")
        if span == "*":
            first, last = low, high
        elif "-" in span:
            first, last = (int(x) for x in span.split("-"))
        else:
            first = int(span)
            last = high if step else first
        values.update(range(first, last + 1, int(step or 1)))
    return values


def reference_next_run(cron: str, zone_name: str, after: datetime) -> datetime | None:
    """The first fire after `after`, found independently of the SQL: local days in Python's
    zoneinfo, a skipped local time at the offset before the jump (fold=0), a repeated one at
    its second occurrence (fold=1), as PostgreSQL's `timestamp at time zone` reads them."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(zone_name)
    texts = cron.split()
    minute, hour, dom, month, dow = (
        field_values(t, lo, hi) for t, (_, lo, hi) in zip(texts, FIELDS, strict=True)
    )
    dow = {0 if d == 7 else d for d in dow}
    either = not texts[2].startswith("*") and not texts[4].startswith("*")
    day = after.astimezone(zone).date()
    for _ in range(1463):
        dom_ok, dow_ok = day.day in dom, (day.isoweekday() % 7) in dow
        if day.month in month and ((dom_ok or dow_ok) if either else (dom_ok and dow_ok)):
            fires = []
            for h in hour:
                for m in minute:
                    local = datetime(day.year, day.month, day.day, h, m)
                    first = local.replace(tzinfo=zone, fold=0)
                    second = local.replace(tzinfo=zone, fold=1)
                    exists = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local
                    chosen = second if exists and first.utcoffset() != second.utcoffset() else first
                    fires.append(chosen.astimezone(UTC))
            later = [f for f in fires if f > after]
            if later:
                return min(later)
        day += timedelta(days=1)
    return None


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fields=st.tuples(*(cron_fields(lo, hi) for _, lo, hi in FIELDS)),
    zone=st.sampled_from(ZONES),
    after=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
)
@example(("30", "2", "*", "*", "*"), "America/New_York", datetime(2026, 3, 7, 12, tzinfo=UTC))
@example(("30", "1", "*", "*", "*"), "America/New_York", datetime(2026, 11, 1, 4, tzinfo=UTC))
@example(("15,45", "1", "*", "*", "*"), "Australia/Lord_Howe", datetime(2026, 4, 4, 12, tzinfo=UTC))
@example(("15", "2", "*", "*", "*"), "Australia/Lord_Howe", datetime(2026, 10, 3, 12, tzinfo=UTC))
@example(("0", "0", "29", "2", "*"), "Europe/Paris", datetime(2026, 3, 1, tzinfo=UTC))
@example(("*/20", "9-17/4", "1-7", "*", "1,7"), "Asia/Kolkata", datetime(2026, 5, 5, tzinfo=UTC))
def test_next_cron_run_matches_a_reference(db, fields, zone, after):
    """private.next_cron_run (behind agent_next_run and next_run_at) against the reference,
    on random expressions, zones (one with a 30-minute DST shift) and instants, and on each
    side of DST transitions."""
    cron = " ".join(fields)
    after = after.replace(microsecond=0)
    (got,) = db.execute(
        "select private.next_cron_run(%s, %s, null, %s)", (cron, zone, after)
    ).fetchone()
    assert got == reference_next_run(cron, zone, after), f"{cron!r} in {zone} after {after}"
