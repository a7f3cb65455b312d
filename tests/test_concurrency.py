"""Concurrency and faults: the database stays right when requests race or die.

Every request runs as PostgREST runs it (`agentsdb.request.request`: one transaction, the
caller's role and claims), each thread on its own connection. The scenarios:

- usage: writers record interactions for the same agent (and several agents, several in
  one statement) while another session deletes and moves interactions and another refreshes
  the day's statistics; afterwards the agents' counters and the day's statistics equal a
  recomputation, to the last token and the last 1e-8 of cost, and a further refresh
  changes nothing;
- keys: the same user stores keys for the same vendor in parallel while the key-encryption
  key is rotated and keys are read and deleted; afterwards one key is active and every key
  decrypts to what was stored;
- budgets: writers crossing ten thresholds of one budget at once write each alert once,
  and the counter equals the costs recorded; a writer killed holding a budget's counter
  leaves neither spend nor alert;
- faults: a session killed (pg_terminate_backend, or its socket closed) in the middle of a
  transaction leaves nothing behind, and the sessions it was blocking go on;
- lock orders that used to deadlock, replayed deterministically.

Bounded: fixed thread counts and iterations, a wall-clock budget for every loop, threads
joined with a timeout, a statement_timeout on every connection. A deadlock (40P01) or any
other error is recorded and fails the test; a hang fails it at the join timeout. Run with
`-s` to see the figures of each scenario.
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from agentsdb.request import claims_for, request

DAY = date(2026, 3, 14)
DAY_START = datetime(2026, 3, 14, tzinfo=UTC)
STATEMENT_TIMEOUT_MS = 10_000
LOOP_BUDGET_S = 10.0
JOIN_TIMEOUT_S = 25.0
WAIT_TIMEOUT_S = 5.0
ITERATIONS = 150  # per worker of the usage scenario


# --- harness -------------------------------------------------------------------------------


def connect(dsn: str) -> psycopg.Connection:
    """A session of its own; each `request` block is one transaction, as in PostgREST."""
    return psycopg.connect(
        dsn, autocommit=True, options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
    )


def seeded(seed: int) -> random.Random:
    """Reproducible test data (not secrets)."""
    return random.Random(seed)  # noqa: S311


def describe(exc: BaseException) -> str:
    code = getattr(exc, "sqlstate", None) or type(exc).__name__
    return f"{code}: {str(exc).splitlines()[0] if str(exc) else ''}"


@dataclass
class Worker:
    """One thread with its own connection; `body` loops a bounded number of times."""

    name: str
    conn: psycopg.Connection
    body: Callable[[Worker], None]
    ops: int = 0
    errors: list[str] = field(default_factory=list)
    deadline: float = 0.0

    def running(self) -> bool:
        return time.monotonic() < self.deadline

    def attempt(self, op: Callable[[], Any]) -> Any:
        """Run one request; a database error is recorded (and fails the scenario later)."""
        try:
            result = op()
        except psycopg.Error as exc:
            self.errors.append(describe(exc))
            return None
        self.ops += 1
        return result


def run_concurrently(workers: list[Worker]) -> float:
    """Start every worker at once, join them with a timeout; returns the wall time."""
    barrier = threading.Barrier(len(workers))

    def target(worker: Worker) -> None:
        try:
            barrier.wait(timeout=WAIT_TIMEOUT_S)
            worker.deadline = time.monotonic() + LOOP_BUDGET_S
            worker.body(worker)
        except BaseException as exc:  # reported by the main thread
            worker.errors.append(describe(exc))

    threads = [
        threading.Thread(target=target, args=(w,), name=w.name, daemon=True) for w in workers
    ]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, start + JOIN_TIMEOUT_S - time.monotonic()))
    hung = [t.name for t in threads if t.is_alive()]
    if hung:
        for worker in workers:
            worker.conn.cancel_safe(timeout=2)
        for thread in threads:
            thread.join(WAIT_TIMEOUT_S)
        pytest.fail(f"workers still running after {JOIN_TIMEOUT_S} s (deadlock or hang): {hung}")
    return time.monotonic() - start


def report(scenario: str, workers: list[Worker], elapsed: float) -> None:
    ops = ", ".join(f"{w.name}={w.ops}" for w in workers)
    errors = Counter(e.split(":")[0] for w in workers for e in w.errors)
    print(
        f"\n[{scenario}] threads={len(workers)} ops={sum(w.ops for w in workers)} ({ops}) "
        f"errors={dict(errors)} (never retried) runtime={elapsed:.2f}s"
    )


def assert_no_errors(workers: list[Worker]) -> None:
    errors = {w.name: w.errors for w in workers if w.errors}
    assert not errors, f"requests failed (40P01 = deadlock, 40001 = serialization): {errors}"


class Background:
    """One request in a thread of its own, for replaying an exact interleaving."""

    def __init__(self, conn: psycopg.Connection, op: Callable[[psycopg.Connection], Any]):
        self.conn = conn
        self.pid = conn.info.backend_pid
        self.result: Any = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(op,), daemon=True)
        self.thread.start()

    def _run(self, op: Callable[[psycopg.Connection], Any]) -> None:
        try:
            self.result = op(self.conn)
        except BaseException as exc:  # inspected by the test
            self.error = exc

    def join(self) -> Any:
        self.thread.join(JOIN_TIMEOUT_S)
        if self.thread.is_alive():
            self.conn.cancel_safe(timeout=2)
            self.thread.join(WAIT_TIMEOUT_S)
            pytest.fail(f"backend {self.pid} still blocked after {JOIN_TIMEOUT_S} s")
        if self.error is not None:
            raise self.error
        return self.result


def wait_until_blocked(observer: psycopg.Connection, *pids: int) -> None:
    """Until every pid waits for a lock (bounded)."""
    deadline = time.monotonic() + WAIT_TIMEOUT_S
    while time.monotonic() < deadline:
        waiting = observer.execute(
            "select count(*) from pg_stat_activity"
            " where pid = any(%s) and wait_event_type = 'Lock'",
            (list(pids),),
        ).fetchone()[0]
        if waiting == len(pids):
            return
        time.sleep(0.02)
    state = observer.execute(
        "select pid, state, wait_event_type, wait_event, left(query, 80) from pg_stat_activity"
        " where pid = any(%s)",
        (list(pids),),
    ).fetchall()
    pytest.fail(f"backends {pids} never blocked on a lock: {state}")


def wait_until_gone(observer: psycopg.Connection, pid: int) -> None:
    deadline = time.monotonic() + WAIT_TIMEOUT_S
    while time.monotonic() < deadline:
        if not observer.execute(
            "select exists (select from pg_stat_activity where pid = %s)", (pid,)
        ).fetchone()[0]:
            return
        time.sleep(0.02)
    pytest.fail(f"backend {pid} still alive")


# --- data ----------------------------------------------------------------------------------


def create_user(conn: psycopg.Connection, name: str) -> str:
    uid = str(uuid.uuid4())
    conn.execute(
        "insert into auth.users (id, email, aud, role) values (%s, %s, 'authenticated',"
        " 'authenticated')",
        (uid, f"{name}-{uid[:8]}@example.test"),
    )
    return uid


def create_agent(
    conn: psycopg.Connection,
    user_id: str,
    vendor_id: str,
    features: Iterable[str] = (),
    agent_id: str | None = None,
) -> str:
    """As the user, through the API: the agent and its feature mappings. A fixed agent_id is
    inserted by service_role (clients never choose ids)."""
    if agent_id is not None:
        with request(conn, claims_for("service_role")):
            conn.execute(
                "insert into public.ai_agents (id, name, vendor_id, user_id)"
                " values (%s, %s, %s, %s)",
                (agent_id, f"agent {vendor_id}", vendor_id, user_id),
            )
    with request(conn, claims_for("authenticated", user_id)):
        if agent_id is None:
            agent_id = conn.execute(
                "insert into public.ai_agents (name, vendor_id) values (%s, %s) returning id::text",
                (f"agent {vendor_id}", vendor_id),
            ).fetchone()[0]
        for feature in features:
            conn.execute(
                "insert into public.agent_feature_mappings (agent_id, feature_id) values (%s, %s)",
                (agent_id, feature),
            )
    return agent_id


ROW_COLUMNS = (
    "id::text, agent_id::text, user_id::text, started_at, input_tokens, output_tokens,"
    " total_cost, duration_minutes, satisfaction_rating, usefulness_rating"
)


@dataclass
class Row:
    id: str
    agent_id: str
    user_id: str
    started_at: datetime
    input_tokens: int
    output_tokens: int
    total_cost: Decimal | None
    duration_minutes: int | None
    satisfaction_rating: int | None
    usefulness_rating: int | None


def random_interaction(
    rng: random.Random, agent_id: str, started: datetime | None = None
) -> dict[str, Any]:
    """A JSON object as a client would post it; cost as an exact decimal string."""
    roll = rng.random()
    if started is not None:
        pass
    elif roll < 0.05:
        started = DAY_START  # the first instant of the day counts
    elif roll < 0.10:
        started = DAY_START + timedelta(days=1)  # the first instant of the next day does not
    elif roll < 0.20:
        started = DAY_START + timedelta(days=rng.choice((-1, 1)), seconds=rng.randrange(86_400))
    else:
        started = DAY_START + timedelta(
            seconds=rng.randrange(86_400), microseconds=rng.randrange(10**6)
        )
    row: dict[str, Any] = {
        "agent_id": agent_id,
        "title": f"interaction {rng.randrange(10**6)}",
        "started_at": started.isoformat(),
        "input_tokens": rng.randrange(0, 200_000),
        "output_tokens": rng.randrange(0, 50_000),
    }
    if rng.random() < 0.85:
        row["total_cost"] = str(Decimal(rng.randrange(0, 10**9)).scaleb(-8))
    if rng.random() < 0.5:
        row["ended_at"] = (started + timedelta(seconds=rng.randrange(0, 7200))).isoformat()
    elif rng.random() < 0.5:
        row["duration_minutes"] = rng.randrange(0, 240)
    if rng.random() < 0.6:
        row["satisfaction_rating"] = rng.randint(1, 5)
    if rng.random() < 0.6:
        row["usefulness_rating"] = rng.randint(1, 5)
    return row


def record(
    conn: psycopg.Connection, claims: dict[str, Any], rows: list[dict[str, Any]]
) -> list[Row]:
    """POST /ai_interactions with a JSON array: one insert statement, as PostgREST runs it."""
    with request(conn, claims):
        found = conn.execute(
            "insert into public.ai_interactions (agent_id, user_id, title, started_at, ended_at,"
            " input_tokens, output_tokens, total_cost, duration_minutes, satisfaction_rating,"
            " usefulness_rating)"
            " select r.agent_id, coalesce(r.user_id, auth.uid()), r.title, r.started_at,"
            " r.ended_at, r.input_tokens, r.output_tokens, r.total_cost, r.duration_minutes,"
            " r.satisfaction_rating, r.usefulness_rating"
            " from jsonb_populate_recordset(null::public.ai_interactions, %s::jsonb) as r"
            f" returning {ROW_COLUMNS}",
            (json.dumps(rows),),
        ).fetchall()
    return [Row(*r) for r in found]


# --- usage: counters and daily statistics under concurrent writes ---------------------------


def expected_stats(
    rows: Iterable[Row], vendor_of: dict[str, str], features_of: dict[str, list[str]]
):
    """The day's statistics per user, computed in Python from what the requests returned."""
    day_end = DAY_START + timedelta(days=1)
    per_user: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if DAY_START <= row.started_at < day_end:
            per_user[row.user_id].append(row)
    result = {}
    for user_id, mine in per_user.items():
        vendors: dict[str, dict[str, Any]] = defaultdict(
            lambda: {"interactions": 0, "cost": Decimal(0), "input_tokens": 0, "output_tokens": 0}
        )
        features: Counter[str] = Counter()
        for row in mine:
            v = vendors[vendor_of[row.agent_id]]
            v["interactions"] += 1
            v["cost"] += row.total_cost or 0
            v["input_tokens"] += row.input_tokens
            v["output_tokens"] += row.output_tokens
            features.update(features_of[row.agent_id])
        sat = [r.satisfaction_rating for r in mine if r.satisfaction_rating is not None]
        use = [r.usefulness_rating for r in mine if r.usefulness_rating is not None]
        result[user_id] = {
            "total_interactions": len(mine),
            "unique_agents_used": len({r.agent_id for r in mine}),
            "total_duration_minutes": sum(r.duration_minutes or 0 for r in mine),
            "total_cost": sum((r.total_cost or Decimal(0) for r in mine), Decimal(0)),
            "total_input_tokens": sum(r.input_tokens for r in mine),
            "total_output_tokens": sum(r.output_tokens for r in mine),
            "feature_usage": dict(features),
            "vendor_usage": {k: dict(v) for k, v in vendors.items()},
            "avg_satisfaction": sum(sat) / len(sat) if sat else None,
            "avg_usefulness": sum(use) / len(use) if use else None,
        }
    return result


def stored_stats(conn: psycopg.Connection, day: date) -> dict[str, dict[str, Any]]:
    """ai_usage_stats of a day; JSON read with exact decimals."""
    rows = conn.execute(
        "select user_id::text, total_interactions, unique_agents_used, total_duration_minutes,"
        " total_cost, total_input_tokens, total_output_tokens, feature_usage::text,"
        " vendor_usage::text, avg_satisfaction, avg_usefulness"
        " from public.ai_usage_stats where date = %s",
        (day,),
    ).fetchall()
    result = {}
    for r in rows:
        vendors = json.loads(r[8], parse_float=Decimal)
        result[r[0]] = {
            "total_interactions": r[1],
            "unique_agents_used": r[2],
            "total_duration_minutes": r[3],
            "total_cost": r[4],
            "total_input_tokens": r[5],
            "total_output_tokens": r[6],
            "feature_usage": json.loads(r[7]),
            "vendor_usage": {k: {**v, "cost": Decimal(v["cost"])} for k, v in vendors.items()},
            "avg_satisfaction": r[9],
            "avg_usefulness": r[10],
        }
    return result


def assert_stats_equal(actual: dict, expected: dict) -> None:
    assert actual.keys() == expected.keys()
    for user_id, want in expected.items():
        got = dict(actual[user_id])
        for avg in ("avg_satisfaction", "avg_usefulness"):  # real in the table
            if want[avg] is None:
                assert got[avg] is None
            else:
                assert got[avg] == pytest.approx(want[avg], rel=1e-6)
            del got[avg]
        assert got == {k: v for k, v in want.items() if not k.startswith("avg_")}, user_id


def refresh(conn: psycopg.Connection, day: date) -> int:
    with request(conn, claims_for("service_role")):
        return conn.execute("select public.update_daily_usage_stats(%s)", (day,)).fetchone()[0]


def test_concurrent_usage_counters_and_statistics_stay_exact(fresh_db):
    setup = connect(fresh_db)
    alice = create_user(setup, "alice")
    bob = create_user(setup, "bob")
    hot = create_agent(setup, alice, "openai", ["coding", "daily_qa"])
    alice_agents = [
        hot,
        create_agent(setup, alice, "anthropic", ["coding"]),
        create_agent(setup, alice, "google"),
    ]
    bob_agents = [create_agent(setup, bob, "openai", ["brainstorming"])]
    vendor_of = dict(setup.execute("select id::text, vendor_id from public.ai_agents").fetchall())
    features_of: dict[str, list[str]] = defaultdict(list)
    for agent_id, feature_id in setup.execute(
        "select agent_id::text, feature_id from public.agent_feature_mappings"
    ):
        features_of[agent_id].append(feature_id)

    inserted: dict[str, Row] = {}
    moved: dict[str, tuple[datetime, int | None]] = {}
    deleted: set[str] = set()
    refreshes: list[int] = []
    lock = threading.Lock()

    def writer(user_id: str, agents: list[str], seed: int) -> Callable[[Worker], None]:
        def body(w: Worker) -> None:
            rng = seeded(seed)
            claims = claims_for("authenticated", user_id)
            for _ in range(ITERATIONS):
                if not w.running():
                    break
                # Mostly the same (hot) agent; sometimes several agents in one statement.
                rows = [
                    random_interaction(rng, agents[0] if rng.random() < 0.7 else rng.choice(agents))
                    for _ in range(rng.randint(1, 3))
                ]
                got = w.attempt(lambda rows=rows: record(w.conn, claims, rows))
                with lock:
                    inserted.update({r.id: r for r in got or ()})

        return body

    def deleter(part: int, seed: int) -> Callable[[Worker], None]:
        """Deletes a few interactions, or moves a few (started_at), as their owner or as
        service_role: one statement over rows of several agents each time. The two deleters
        take disjoint halves of the rows (by id), so what each one returns is final."""

        def body(w: Worker) -> None:
            rng = seeded(seed)
            for i in range(ITERATIONS):
                if not w.running():
                    break
                user_id = alice if i % 3 else bob
                claims = (
                    claims_for("authenticated", user_id)
                    if i % 4 < 2
                    else claims_for("service_role")
                )
                with request(w.conn, claims_for("authenticated", user_id)):
                    ids = [
                        r[0]
                        for r in w.conn.execute(
                            "select id::text, ended_at is null from public.ai_interactions"
                            " order by started_at"
                        )
                        # Only open interactions may move: an ended one's start is fixed (the
                        # ledger, PT409).
                        if int(r[0][0], 16) % 2 == part and (r[1] or i % 2 == 0)
                    ]
                picked = rng.sample(ids, min(len(ids), rng.randint(2, 4)))
                if i % 2:
                    shift = timedelta(minutes=rng.randint(-180, 180))

                    def move(
                        picked=picked, claims=claims, shift=shift
                    ) -> list[tuple[str, datetime, int | None]]:
                        with request(w.conn, claims):
                            return w.conn.execute(
                                "update public.ai_interactions set"
                                " started_at = started_at + %s, ended_at = ended_at + %s"
                                " where id = any(%s::uuid[])"
                                " returning id::text, started_at, duration_minutes",
                                (shift, shift, picked),
                            ).fetchall()

                    got = w.attempt(move)
                    with lock:
                        moved.update({r[0]: (r[1], r[2]) for r in got or ()})
                else:

                    def delete(picked=picked, claims=claims) -> list[str]:
                        with request(w.conn, claims):
                            return [
                                r[0]
                                for r in w.conn.execute(
                                    "delete from public.ai_interactions"
                                    " where id = any(%s::uuid[]) returning id::text",
                                    (picked,),
                                )
                            ]

                    got = w.attempt(delete)
                    with lock:
                        deleted.update(got or ())
                time.sleep(0.005)

        return body

    def refresher(w: Worker) -> None:
        for i in range(ITERATIONS):
            if not w.running():
                break
            day = DAY if i % 4 else DAY + timedelta(days=1)
            written = w.attempt(lambda day=day: refresh(w.conn, day))
            refreshes.append(written or 0)
            if i % 5 == 0:

                def score() -> float:
                    with request(w.conn, claims_for("service_role")):
                        return w.conn.execute(
                            "select public.update_agent_activity_score(%s)", (hot,)
                        ).fetchone()[0]

                w.attempt(score)
            time.sleep(0.02)

    workers = [
        Worker("writer-alice-1", connect(fresh_db), writer(alice, alice_agents, 1)),
        Worker("writer-alice-2", connect(fresh_db), writer(alice, alice_agents, 2)),
        Worker("writer-alice-3", connect(fresh_db), writer(alice, alice_agents[::-1], 3)),
        Worker("writer-bob", connect(fresh_db), writer(bob, bob_agents, 4)),
        Worker("deleter-mover-1", connect(fresh_db), deleter(0, 7)),
        Worker("deleter-mover-2", connect(fresh_db), deleter(1, 8)),
        Worker("refresher", connect(fresh_db), refresher),
    ]
    elapsed = run_concurrently(workers)
    report("usage", workers, elapsed)
    assert_no_errors(workers)
    assert len(inserted) > 100 and deleted and moved and refreshes

    # What must be there: every row a request returned, moved where moved, minus the deleted.
    expected: dict[str, Row] = {}
    counted: dict[str, Row] = {}  # the statistics count deleted interactions too (the ledger)
    for row_id, row in inserted.items():
        if row_id in moved:
            row.started_at, row.duration_minutes = moved[row_id]
        counted[row_id] = row
        if row_id not in deleted:
            expected[row_id] = row
    actual = {
        r[0]: Row(*r) for r in setup.execute(f"select {ROW_COLUMNS} from public.ai_interactions")
    }
    assert actual == expected

    # The counters equal a recount, and what the requests returned.
    recount = setup.execute(
        "select a.id::text, a.usage_count, a.last_used_at, count(i.id)::integer, max(i.started_at)"
        " from public.ai_agents as a left join public.ai_interactions as i"
        " on i.agent_id = a.id and i.user_id = a.user_id group by a.id"
    ).fetchall()
    for agent_id, usage_count, last_used_at, n, newest in recount:
        mine = [r for r in expected.values() if r.agent_id == agent_id]
        assert (usage_count, last_used_at) == (n, newest), agent_id
        assert n == len(mine)
        assert newest == max((r.started_at for r in mine), default=None)

    # One more refresh: the statistics equal the recomputation; a second one writes nothing.
    for day in (DAY, DAY + timedelta(days=1)):
        refresh(setup, day)
    before = setup.execute(
        "select id, updated_at from public.ai_usage_stats order by id"
    ).fetchall()
    assert refresh(setup, DAY) == 0
    assert refresh(setup, DAY + timedelta(days=1)) == 0
    assert (
        setup.execute("select id, updated_at from public.ai_usage_stats order by id").fetchall()
        == before
    )

    assert_stats_equal(
        stored_stats(setup, DAY), expected_stats(counted.values(), vendor_of, features_of)
    )
    # The same against an aggregate query over the raw rows, independent of the refresh.
    fresh = setup.execute(
        "select i.user_id::text, count(*)::integer, sum(coalesce(i.total_cost, 0)),"
        " sum(i.input_tokens)::bigint, sum(i.output_tokens)::bigint"
        " from (select user_id, total_cost, input_tokens, output_tokens, started_at"
        " from public.ai_interactions union all select user_id, total_cost, input_tokens,"
        " output_tokens, started_at from private.deleted_interactions) as i"
        " where i.started_at >= %s and i.started_at < %s group by i.user_id",
        (DAY_START, DAY_START + timedelta(days=1)),
    ).fetchall()
    assert sorted(fresh) == sorted(
        (
            u,
            s["total_interactions"],
            s["total_cost"],
            s["total_input_tokens"],
            s["total_output_tokens"],
        )
        for u, s in stored_stats(setup, DAY).items()
    )
    setup.close()
    for w in workers:
        w.conn.close()


def test_concurrent_moves_across_agents_do_not_deadlock(fresh_db):
    """Two requests each move interactions of the same two agents, listed in opposite
    orders, released at the same moment: the agents are locked in one order, no 40P01."""
    setup = connect(fresh_db)
    alice = create_user(setup, "alice")
    agent_a = create_agent(setup, alice, "openai", agent_id="00000000-0000-4000-8000-00000000000a")
    agent_b = create_agent(
        setup, alice, "anthropic", agent_id="00000000-0000-4000-8000-00000000000b"
    )
    claims = claims_for("authenticated", alice)
    # Rows 1..4 inserted in id order, so the update visits them in that order either way.
    ids = [f"00000000-0000-4000-8000-00000000000{n}" for n in range(1, 5)]
    with request(setup, claims_for("service_role")):  # fixed ids: clients never choose them
        for row_id, agent_id in zip(ids, (agent_a, agent_b, agent_b, agent_a), strict=True):
            setup.execute(
                "insert into public.ai_interactions (id, agent_id, title, started_at, user_id)"
                " values (%s, %s, 'moved', %s, %s)",
                (row_id, agent_id, DAY_START, alice),
            )

    holder, first, second = connect(fresh_db), connect(fresh_db), connect(fresh_db)

    def move(row_ids: list[str]) -> Callable[[psycopg.Connection], int]:
        def op(conn: psycopg.Connection) -> int:
            with request(conn, claims):
                return conn.execute(
                    "update public.ai_interactions set started_at = started_at + interval '1 hour'"
                    " where id = any(%s::uuid[])",
                    (row_ids,),
                ).rowcount

        return op

    # The holder is a request recording usage of agent A, not yet committed: it holds A.
    with request(holder, claims):
        record(
            holder,
            claims,
            [
                {
                    "agent_id": agent_a,
                    "title": "held",
                    "started_at": DAY_START.isoformat(),
                    "input_tokens": 1,
                    "output_tokens": 1,
                }
            ],
        )
        # An update that moves nothing (a rating) locks no agent: it does not wait for A.
        with request(setup, claims):
            setup.execute("set local lock_timeout = '1s'")
            rated = setup.execute(
                "update public.ai_interactions set satisfaction_rating = 5 where id = %s",
                (ids[0],),
            ).rowcount
        assert rated == 1
        t1 = Background(first, move(ids[:2]))  # agent A's row, then agent B's
        wait_until_blocked(setup, t1.pid)
        t2 = Background(second, move(ids[2:]))  # agent B's row, then agent A's
        wait_until_blocked(setup, t1.pid, t2.pid)
    assert t1.join() == 2
    assert t2.join() == 2
    counts = setup.execute(
        "select a.usage_count, a.last_used_at, (select count(*) from public.ai_interactions as i"
        " where i.agent_id = a.id), (select max(started_at) from public.ai_interactions as i"
        " where i.agent_id = a.id) from public.ai_agents as a order by a.id"
    ).fetchall()
    assert counts == [
        (3, DAY_START + timedelta(hours=1), 3, DAY_START + timedelta(hours=1)),
        (2, DAY_START + timedelta(hours=1), 2, DAY_START + timedelta(hours=1)),
    ]
    for conn in (setup, holder, first, second):
        conn.close()


# --- keys: concurrent storage and KEK rotation ----------------------------------------------


def store_key(
    conn: psycopg.Connection, user_id: str, vendor_id: str, key: str, service_id=None
) -> str:
    with request(conn, claims_for("authenticated", user_id)):
        return conn.execute(
            "select id::text from public.store_user_api_key(vendor_id => %s, api_key => %s,"
            " service_id => %s)",
            (vendor_id, key, service_id),
        ).fetchone()[0]


def rotate(conn: psycopg.Connection) -> int:
    with request(conn, claims_for("service_role")):
        return conn.execute("select public.rotate_api_key_encryption_key()").fetchone()[0]


def get_key(conn: psycopg.Connection, user_id: str, vendor_id: str, service_id=None) -> str:
    with request(conn, claims_for("service_role")):
        return conn.execute(
            "select public.get_user_api_key(%s, %s, %s)", (user_id, vendor_id, service_id)
        ).fetchone()[0]


def decrypt_all(conn: psycopg.Connection) -> dict[str, tuple]:
    """As the owner of the key material, every key: (plaintext, KEK version, label, preview,
    is_active, user_id, vendor_id, service_id)."""
    return {
        r[0]: r[1:]
        for r in conn.execute(
            "select k.id::text, extensions.pgp_sym_decrypt(s.ciphertext, private.api_key_kek()),"
            " s.kek_version, k.encrypted_key, k.key_preview, k.is_active, k.user_id::text,"
            " k.vendor_id, k.service_id"
            " from public.user_api_keys as k"
            " join private.user_api_key_secrets as s on s.api_key_id = k.id"
        )
    }


def test_concurrent_key_storage_and_rotation(fresh_db):
    setup = connect(fresh_db)
    alice = create_user(setup, "alice")
    bob = create_user(setup, "bob")
    stored: dict[str, str] = {}  # key id -> plaintext
    lock = threading.Lock()
    first = "sk-initial-" + uuid.uuid4().hex
    stored[store_key(setup, alice, "openai", first)] = first
    bob_first = "sk-bob-initial-" + uuid.uuid4().hex
    stored[store_key(setup, bob, "anthropic", bob_first, "anthropic_claude_sonnet_4_5")] = bob_first
    version_before = setup.execute("select version from private.api_key_kek_version").fetchone()[0]
    rotations: list[int] = []
    read: list[str] = []
    pruned: set[str] = set()

    def storer(user_id: str, vendor_id: str, service_id: str | None, tag: str):
        def body(w: Worker) -> None:
            for i in range(20):
                if not w.running():
                    break
                key = f"sk-{tag}-{i}-{uuid.uuid4().hex}"
                key_id = w.attempt(
                    lambda key=key: store_key(w.conn, user_id, vendor_id, key, service_id)
                )
                if key_id:
                    with lock:
                        stored[key_id] = key

        return body

    def rotator(w: Worker) -> None:
        for _ in range(12):
            if not w.running():
                break
            n = w.attempt(lambda: rotate(w.conn))
            if n is not None:
                rotations.append(n)
            time.sleep(0.05)

    def reader(w: Worker) -> None:
        """Reads alice's key as a service would, and prunes her inactive keys as she would."""
        for i in range(100):
            if not w.running():
                break
            key = w.attempt(lambda: get_key(w.conn, alice, "openai"))
            if key:
                read.append(key)
            if i % 4 == 3:

                def prune() -> list[str]:
                    with request(w.conn, claims_for("authenticated", alice)):
                        return [
                            r[0]
                            for r in w.conn.execute(
                                "delete from public.user_api_keys where id = ("
                                " select id from public.user_api_keys where not is_active"
                                " order by created_at limit 1) returning id::text"
                            )
                        ]

                pruned.update(w.attempt(prune) or ())
            time.sleep(0.01)

    workers = [
        Worker("store-alice-1", connect(fresh_db), storer(alice, "openai", None, "a1")),
        Worker("store-alice-2", connect(fresh_db), storer(alice, "openai", None, "a2")),
        Worker("store-alice-3", connect(fresh_db), storer(alice, "openai", None, "a3")),
        Worker(
            "store-bob",
            connect(fresh_db),
            storer(bob, "anthropic", "anthropic_claude_sonnet_4_5", "b"),
        ),
        Worker("rotator", connect(fresh_db), rotator),
        Worker("reader-pruner", connect(fresh_db), reader),
    ]
    elapsed = run_concurrently(workers)
    report("keys", workers, elapsed)
    assert_no_errors(workers)
    assert rotations and read and pruned

    # Exactly one active key per (user, vendor, service); nothing lost, nothing extra.
    active = setup.execute(
        "select user_id::text, vendor_id, service_id, count(*) from public.user_api_keys"
        " where is_active group by 1, 2, 3 order by 1, 2, 3"
    ).fetchall()
    assert sorted(active) == sorted(
        [(alice, "openai", None, 1), (bob, "anthropic", "anthropic_claude_sonnet_4_5", 1)]
    )
    keys = decrypt_all(setup)
    assert keys.keys() == stored.keys() - pruned
    version = setup.execute("select version from private.api_key_kek_version").fetchone()[0]
    assert version == version_before + len(rotations)
    for key_id, (plaintext, kek_version, label, preview, *_) in keys.items():
        assert plaintext == stored[key_id]
        assert (kek_version, label, preview) == (
            version,
            f"pgp-aes256:kek-v{version}",
            plaintext[-4:],
        )
    # The service reads the active key, and only ever read keys that were stored.
    for key_id, (plaintext, *_, is_active, user_id, vendor_id, service_id) in keys.items():
        if is_active:
            assert get_key(setup, user_id, vendor_id, service_id) == plaintext == stored[key_id]
    assert set(read) <= set(stored.values())
    setup.close()
    for w in workers:
        w.conn.close()


def test_rotation_and_key_deletion_do_not_deadlock(fresh_db):
    """A rotation stalled on one key row (a service stamping its use) while the owner deletes
    another key: the deletion and the rotation both complete, no 40P01."""
    setup = connect(fresh_db)
    alice = create_user(setup, "alice")
    kept = "sk-kept-" + uuid.uuid4().hex
    kept_id = store_key(setup, alice, "openai", kept)
    doomed_id = store_key(setup, alice, "anthropic", "sk-doomed-" + uuid.uuid4().hex)
    holder, rotation, deletion = connect(fresh_db), connect(fresh_db), connect(fresh_db)

    def delete(conn: psycopg.Connection) -> int:
        with request(conn, claims_for("authenticated", alice)):
            return conn.execute(
                "delete from public.user_api_keys where id = %s", (doomed_id,)
            ).rowcount

    with request(holder, claims_for("service_role")):
        holder.execute("select public.update_api_key_last_used(%s, 'openai', null)", (alice,))
        rotating = Background(rotation, rotate)
        wait_until_blocked(setup, rotating.pid)
        deleting = Background(deletion, delete)
        # The deletion either completes now or waits for the rotation; never a cycle.
        deleting.thread.join(1.0)
    assert rotating.join() in (1, 2)
    assert deleting.join() == 1
    keys = decrypt_all(setup)
    assert list(keys) == [kept_id]
    assert keys[kept_id][0] == kept
    assert get_key(setup, alice, "openai") == kept
    for conn in (setup, holder, rotation, deletion):
        conn.close()


# --- faults: a session dies in the middle of a transaction -----------------------------------


def kill_by_terminate(observer: psycopg.Connection, victim: psycopg.Connection) -> None:
    pid = victim.info.backend_pid
    assert observer.execute("select pg_terminate_backend(%s)", (pid,)).fetchone()[0]
    wait_until_gone(observer, pid)


def kill_by_closing_socket(observer: psycopg.Connection, victim: psycopg.Connection) -> None:
    pid = victim.info.backend_pid
    sock = socket.socket(fileno=victim.fileno())
    try:
        sock.shutdown(socket.SHUT_RDWR)
    finally:
        sock.detach()  # the descriptor stays psycopg's
    wait_until_gone(observer, pid)


@pytest.mark.parametrize(
    "kill", [kill_by_terminate, kill_by_closing_socket], ids=["terminate", "socket"]
)
def test_a_session_killed_mid_transaction_leaves_nothing_half_applied(fresh_db, kill):
    setup = connect(fresh_db)
    alice = create_user(setup, "alice")
    agent = create_agent(setup, alice, "openai", ["coding"])
    claims = claims_for("authenticated", alice)
    rng = seeded(11)
    baseline = record(setup, claims, [random_interaction(rng, agent) for _ in range(3)])
    refresh(setup, DAY)
    stats_before = stored_stats(setup, DAY)
    agent_before = setup.execute(
        "select usage_count, last_used_at from public.ai_agents where id = %s", (agent,)
    ).fetchone()
    assert agent_before[0] == 3

    victim, writer, refresher = connect(fresh_db), connect(fresh_db), connect(fresh_db)
    # The victim records usage as service_role and refreshes the day in the same transaction:
    # it holds the agent's row lock and the day's refresh lock when it dies.
    victim.execute("begin")
    victim.execute(
        "select set_config('role', 'service_role', true),"
        " set_config('request.jwt.claims', %s, true)",
        (json.dumps(claims_for("service_role")),),
    )
    rows = [
        random_interaction(rng, agent, DAY_START + timedelta(hours=h)) | {"user_id": alice}
        for h in (1, 2, 23)
    ]
    lost = victim.execute(
        "insert into public.ai_interactions (agent_id, user_id, title, started_at, input_tokens,"
        " output_tokens, total_cost)"
        " select r.agent_id, r.user_id, r.title, r.started_at, r.input_tokens, r.output_tokens,"
        " r.total_cost from jsonb_populate_recordset(null::public.ai_interactions, %s::jsonb) as r"
        " returning id::text",
        (json.dumps(rows),),
    ).fetchall()
    assert len(lost) == 3
    assert victim.execute("select public.update_daily_usage_stats(%s)", (DAY,)).fetchone()[0] == 1
    assert (
        victim.execute(
            "select usage_count from public.ai_agents where id = %s", (agent,)
        ).fetchone()[0]
        == 6
    )

    later = random_interaction(rng, agent, DAY_START + timedelta(hours=5))
    writing = Background(writer, lambda conn: record(conn, claims, [later]))
    refreshing = Background(refresher, lambda conn: refresh(conn, DAY))
    wait_until_blocked(setup, writing.pid, refreshing.pid)

    kill(setup, victim)
    with pytest.raises(psycopg.OperationalError):
        victim.execute("select 1")
    written = writing.join()
    refreshing.join()

    # Nothing of the victim's: no interactions, counters and statistics as if it never ran.
    assert (
        setup.execute(
            "select count(*) from public.ai_interactions where id = any(%s::uuid[])",
            ([r[0] for r in lost],),
        ).fetchone()[0]
        == 0
    )
    rows_now = baseline + written
    assert setup.execute(
        "select usage_count, last_used_at from public.ai_agents where id = %s", (agent,)
    ).fetchone() == (len(rows_now), max(r.started_at for r in rows_now))
    refresh(setup, DAY)
    vendor_of = {agent: "openai"}
    features_of = {agent: ["coding"]}
    assert_stats_equal(stored_stats(setup, DAY), expected_stats(rows_now, vendor_of, features_of))
    assert stats_before != stored_stats(setup, DAY)
    for conn in (setup, victim, writer, refresher):
        conn.close()


# --- budgets: thresholds crossed at once, and a writer killed holding a budget ----------------
# (issue 11; the admission scenario with reservations is tests/test_budgets.py)

BUDGET_LIMIT = Decimal(100)  # the writers reach about half of it
BUDGET_THRESHOLDS = list(range(10, 101, 10))  # ten thresholds (the most a budget has)


def budget_spend(conn: psycopg.Connection, budget_id: str) -> tuple[Decimal, Decimal]:
    """The counter of the budget's period of DAY, and the ledger's recomputation of it."""
    return conn.execute(
        "select s.spent, private.budget_spend_of(s.budget_id, s.period_start)"
        " from private.budget_spend as s where s.budget_id = %s and s.period_start = %s",
        (budget_id, DAY),
    ).fetchone()


def budget_alerts(conn: psycopg.Connection, budget_id: str) -> list[tuple[int, int]]:
    return [
        (int(t), n)
        for t, n in conn.execute(
            "select threshold, count(*) from public.budget_alerts where budget_id = %s"
            " group by threshold order by threshold",
            (budget_id,),
        ).fetchall()
    ]


def test_concurrent_writers_cross_each_budget_threshold_once(fresh_db):
    """Writers recording interactions (one statement each, several rows) and model calls
    (batches) for one user at once cross ten thresholds of one daily budget: each
    threshold reached has exactly one alert, none more; the counter equals the sum of the
    costs recorded, and the ledger's recomputation."""
    setup = connect(fresh_db)
    alice = create_user(setup, "alice")
    agents = [create_agent(setup, alice, "openai"), create_agent(setup, alice, "anthropic")]
    claims = claims_for("authenticated", alice)
    with request(setup, claims):
        budget = setup.execute(
            "insert into public.budgets (name, period, limit_amount, thresholds)"
            " values ('daily', 'day', %s, %s) returning id::text",
            (BUDGET_LIMIT, BUDGET_THRESHOLDS),
        ).fetchone()[0]
    costs: list[Decimal] = []
    lock = threading.Lock()

    def interactions(worker: Worker) -> None:
        rng = seeded(sum(map(ord, worker.name)))
        for _ in range(ITERATIONS):
            if not worker.running():
                return
            rows = [
                random_interaction(rng, rng.choice(agents), DAY_START + timedelta(hours=12))
                | {"total_cost": str(Decimal(rng.randrange(0, 50_000)) / 10**6)}
                for _ in range(rng.randrange(1, 4))
            ]
            done = worker.attempt(lambda r=rows: record(worker.conn, claims, r))
            if done is not None:
                with lock:
                    costs.extend(Decimal(r["total_cost"]) for r in rows)

    def calls(worker: Worker) -> None:
        rng = seeded(sum(map(ord, worker.name)))
        for _ in range(ITERATIONS):
            if not worker.running():
                return
            batch = [
                {
                    "agent_id": rng.choice(agents),
                    "cost": str(Decimal(rng.randrange(0, 50_000)) / 10**6),
                    "started_at": (DAY_START + timedelta(hours=13)).isoformat(),
                }
                for _ in range(rng.randrange(1, 6))
            ]

            def send(b=batch) -> bool:
                with request(worker.conn, claims):
                    worker.conn.execute(
                        "select count(*) from public.record_model_calls(%s)", (json.dumps(b),)
                    )
                return True

            if worker.attempt(send):
                with lock:
                    costs.extend(Decimal(c["cost"]) for c in batch)

    workers = [Worker(f"interactions-{n}", connect(fresh_db), interactions) for n in range(4)]
    workers += [Worker(f"calls-{n}", connect(fresh_db), calls) for n in range(2)]
    elapsed = run_concurrently(workers)
    report("budget thresholds", workers, elapsed)
    assert_no_errors(workers)

    spent, recomputed = budget_spend(setup, budget)
    assert spent == recomputed == sum(costs), (spent, recomputed, sum(costs))
    reached = [t for t in BUDGET_THRESHOLDS if spent * 100 >= BUDGET_LIMIT * t]
    assert reached and len(reached) < len(BUDGET_THRESHOLDS), f"spent {spent}: adjust the limit"
    assert budget_alerts(setup, budget) == [(t, 1) for t in reached]
    print(f"[budget thresholds] spent {spent} of {BUDGET_LIMIT}: {len(reached)} alerts, once each")
    for worker in workers:
        worker.conn.close()
    setup.close()


@pytest.mark.parametrize(
    "kill", [kill_by_terminate, kill_by_closing_socket], ids=["terminate", "socket"]
)
def test_a_writer_killed_holding_a_budget_leaves_neither_spend_nor_alert(fresh_db, kill):
    setup = connect(fresh_db)
    alice = create_user(setup, "alice")
    agent = create_agent(setup, alice, "openai")
    claims = claims_for("authenticated", alice)
    with request(setup, claims):
        budget = setup.execute(
            "insert into public.budgets (name, period, limit_amount, thresholds)"
            " values ('daily', 'day', 10, '{50}') returning id::text"
        ).fetchone()[0]
    started = (DAY_START + timedelta(hours=8)).isoformat()
    call = "select public.record_model_call(agent_id => %s, cost => %s, started_at => %s)"
    with request(setup, claims):
        setup.execute(call, (agent, Decimal(4), started))

    victim, writer = connect(fresh_db), connect(fresh_db)
    # The victim's call crosses 50 %: its counter row is locked and its alert written, not
    # committed, when it dies.
    victim.execute("begin")
    victim.execute(
        "select set_config('role', 'authenticated', true),"
        " set_config('request.jwt.claims', %s, true)",
        (json.dumps(claims),),
    )
    victim.execute(call, (agent, Decimal(3), started))
    assert victim.execute("select count(*) from public.budget_alerts").fetchone()[0] == 1

    def small(conn: psycopg.Connection) -> None:
        with request(conn, claims):
            conn.execute(call, (agent, Decimal("0.5"), started))

    writing = Background(writer, small)
    wait_until_blocked(setup, writing.pid)
    kill(setup, victim)
    writing.join()

    spent, recomputed = budget_spend(setup, budget)
    assert spent == recomputed == Decimal("4.5"), "nothing of the victim's spend is counted"
    assert budget_alerts(setup, budget) == [], "nor its alert (4.5 is under 50 % of 10)"
    for conn in (setup, victim, writer):
        conn.close()
