"""Scheduled jobs on a hosted project, where pg_cron is off until enabled: the migrations
skip scheduling there, so it must be visible (`agentsdb status`) and fixable with one call
(`schedule_agentsdb_jobs`, service_role, idempotent)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from agentsdb.client import Client
from agentsdb.errors import AgentsDBError, PermissionDenied
from agentsdb.request import claims_for, request
from conftest import ROOT

AGENTSDB = str(Path(sys.executable).parent / "agentsdb")
JOBS = {
    "agentsdb-daily-usage-stats",
    "agentsdb-daily-activity-scores",
    "agentsdb-daily-audit-purge",
    "agentsdb-daily-message-purge",
    "agentsdb-usage-rollups",
    "agentsdb-history-partitions",
}


def status(dsn: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGENTSDB_", "SUPABASE_"))}
    proc = subprocess.run(
        [AGENTSDB, "status"],
        capture_output=True,
        text=True,
        env={**env, "DATABASE_URL": dsn},
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def jobs(conn: psycopg.Connection) -> list[tuple[str, str]]:
    return conn.execute(
        "select jobname::text, username::text from cron.job where jobname like 'agentsdb-%'"
        " order by 1"
    ).fetchall()


def test_schedule_agentsdb_jobs_schedules_what_is_missing_once(db):
    """pg_cron enabled after the migrations ran: no job; one call schedules them all, as the
    owner (postgres), and a second call changes nothing."""
    assert {name for name, _ in jobs(db)} == JOBS, "the migrations scheduled every job"
    for name in sorted(JOBS):
        db.execute("select cron.unschedule(%s)", [name])
    assert jobs(db) == []
    for _ in range(2):
        with request(db, claims_for("service_role")):
            got = db.execute("select job_name from public.schedule_agentsdb_jobs()").fetchall()
        assert {name for (name,) in got} == JOBS
        assert jobs(db) == sorted((name, "postgres") for name in JOBS)


@pytest.mark.parametrize("role", ["anon", "authenticated"])
def test_only_service_role_schedules_jobs(db, role):
    with pytest.raises(psycopg.errors.InsufficientPrivilege), request(db, claims_for(role)):
        db.execute("select * from public.schedule_agentsdb_jobs()")


def test_status_reports_the_jobs_and_the_last_refresh(database):
    with psycopg.connect(database, autocommit=True) as conn:
        conn.execute(
            "select cron.schedule(j.job_name, j.schedule, j.command)"
            " from private.job_definitions() as j"
        )
    out = status(database)
    for name in JOBS:
        assert f"job {name}: scheduled " in out, out
    assert "usage statistics last refreshed: " in out, out


def test_status_says_when_pg_cron_is_off_and_the_rpc_says_why(cluster, fresh_db):
    """A database without pg_cron (a hosted project before it is enabled)."""
    name = psycopg.conninfo.conninfo_to_dict(fresh_db)["dbname"]
    with psycopg.connect(cluster.admin_dsn(name), autocommit=True) as conn:
        conn.execute(f'grant create on database "{name}" to postgres')  # as on Supabase
    with psycopg.connect(fresh_db) as conn:
        assert conn.execute(
            "select count(*) from pg_extension where extname = 'pg_cron'"
        ).fetchone()[0] == 0  # fmt: skip
    out = status(fresh_db)
    assert "scheduled jobs: none, pg_cron is not enabled" in out, out
    assert "schedule_agentsdb_jobs" in out
    service = Client.postgres(fresh_db, service_role=True)
    try:
        with pytest.raises(AgentsDBError) as caught:
            service.transport.rpc("schedule_agentsdb_jobs", {})
    finally:
        service.transport.close()
    assert caught.value.code == "55000"
    assert not isinstance(caught.value, PermissionDenied)
    assert caught.value.message == "pg_cron: the extension is not enabled in this database"
