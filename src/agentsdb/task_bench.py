"""Claim throughput of the task queue against a bare SKIP LOCKED queue (issue 13).

`claim_throughput(dsn)` enqueues the same number of tasks in `public.agent_tasks` (through
the real path: claim_next_task / complete_task as service_role, RLS, triggers, attempts,
dependencies counted) and in a bare table of the same shape (columns, checks, indexes), then
lets `workers` threads, each on its own connection, claim and complete until both queues are
empty: one transaction to claim, one to complete, as a worker does. The figure is the ratio
of the two rates (goal: at least 0.5). Everything it creates is removed afterwards.

Written for `agentsdb bench` (the bench branch) to call; the tests run it at a tiny size.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass

import psycopg

from .request import claims_for

# The bare queue's table: in private (the migration role owns it, on Supabase too, and the
# API does not expose it), dropped when the measure ends.
BARE_TABLE = "private.task_bench_bare_tasks"


@dataclass(frozen=True)
class ClaimThroughput:
    tasks: int
    workers: int
    queue_seconds: float
    bare_seconds: float

    @property
    def queue_rate(self) -> float:
        """Tasks claimed and completed per second through claim_next_task/complete_task."""
        return self.tasks / self.queue_seconds

    @property
    def bare_rate(self) -> float:
        """Tasks per second through a bare UPDATE ... FOR UPDATE SKIP LOCKED queue."""
        return self.tasks / self.bare_seconds

    @property
    def ratio(self) -> float:
        return self.queue_rate / self.bare_rate


def _run_workers(dsn: str, workers: int, step, setup=None) -> float:
    """Run `step(conn)` in `workers` threads until it returns False (after `setup(conn)`);
    wall-clock seconds."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers + 1)

    def work() -> None:
        try:
            with psycopg.connect(dsn) as conn:
                if setup is not None:
                    setup(conn)
                barrier.wait()
                while step(conn):
                    pass
        except BaseException as error:  # noqa: BLE001 - reported to the caller below
            errors.append(error)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return elapsed


def _as_service_role(conn: psycopg.Connection) -> None:
    conn.execute("set role service_role")
    conn.execute(
        "select set_config('request.jwt.claims', %s, false)",
        (json.dumps(claims_for("service_role")),),
    )
    conn.commit()


def _queue_step(conn: psycopg.Connection) -> bool:
    """One claim and one completion through the real functions, each its own transaction, as
    service_role. The role and claims are set once per connection (session level): the
    per-request settings PostgREST adds are transport cost, left out of both queues."""
    worker = f"bench-{threading.get_ident()}"
    with conn.transaction():
        row = conn.execute("select id from public.claim_next_task(%s)", (worker,)).fetchone()
    if row is None:
        return False
    with conn.transaction():
        conn.execute("select 1 from public.complete_task(%s, null, %s)", (row[0], worker))
    return True


def _bare_step(conn: psycopg.Connection) -> bool:
    with conn.transaction():
        row = conn.execute(
            f"update {BARE_TABLE} as t set status = 'running', attempts = t.attempts + 1,"
            " claimed_by = 'bare', claimed_at = now(), claim_expires_at = now() + interval '5 min'"
            f" where t.id = (select b.id from {BARE_TABLE} as b"
            "   where b.status = 'pending' and b.pending_dependencies = 0 and b.not_before <= now()"
            "   order by b.priority desc, b.not_before, b.id limit 1 for update skip locked)"
            " returning t.id"
        ).fetchone()
    if row is None:
        return False
    with conn.transaction():
        conn.execute(
            f"update {BARE_TABLE} set status = 'succeeded', claimed_by = null,"
            " claim_expires_at = null, finished_at = now() where id = %s",
            (row[0],),
        )
    return True


def claim_throughput(dsn: str, *, tasks: int = 2000, workers: int = 8) -> ClaimThroughput:
    """Measure both queues on the database at `dsn` (a connection string for `postgres`)."""
    if tasks < 1 or workers < 1:
        raise ValueError("tasks and workers must be at least 1")
    user_id = uuid.uuid4()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "insert into auth.users (id, email, aud, role)"
            " values (%s, %s, 'authenticated', 'authenticated')",
            (user_id, f"task-bench-{user_id.hex[:8]}@bench.invalid"),
        )
        agent_id = conn.execute(
            "insert into public.ai_agents (name, vendor_id, user_id)"
            " values ('task bench', 'openai', %s) returning id",
            (user_id,),
        ).fetchone()[0]
        conn.execute(
            "insert into public.agent_tasks (user_id, agent_id, priority, payload)"
            " select %s, %s, n %% 7, jsonb_build_object('n', n) from generate_series(1, %s) as n",
            (user_id, agent_id, tasks),
        )
        conn.execute(f"drop table if exists {BARE_TABLE}")
        # The same columns, defaults, checks and indexes (the claim's partial index among
        # them); no foreign keys, triggers, policies or history.
        conn.execute(f"create table {BARE_TABLE} (like public.agent_tasks including all)")
        conn.execute(
            f"insert into {BARE_TABLE} (user_id, agent_id, priority, payload)"
            " select %s, %s, n %% 7, jsonb_build_object('n', n) from generate_series(1, %s) as n",
            (user_id, agent_id, tasks),
        )
        conn.execute(f"analyze {BARE_TABLE}")
        conn.execute("analyze public.agent_tasks")
    try:
        bare_seconds = _run_workers(dsn, workers, _bare_step)
        queue_seconds = _run_workers(dsn, workers, _queue_step, _as_service_role)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"drop table if exists {BARE_TABLE}")
            conn.execute("delete from auth.users where id = %s", (user_id,))
    return ClaimThroughput(tasks, workers, queue_seconds, bare_seconds)
