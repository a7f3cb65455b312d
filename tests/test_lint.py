"""The lint layers: sqlfluff (SQL layout), squawk (migration safety), ruff (Python),
plpgsql_check (function bodies, against the built database)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg

from conftest import ROOT

BIN = Path(sys.executable).parent


def run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


def test_sqlfluff():
    proc = run(str(BIN / "sqlfluff"), "lint", "sql", "supabase", "--disable-progress-bar")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_squawk():
    migrations = sorted(str(p) for p in (ROOT / "supabase" / "migrations").glob("*.sql"))
    proc = run(str(BIN / "squawk"), *migrations)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_check():
    proc = run(str(BIN / "ruff"), "check", "src", "tests", "scripts")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format():
    proc = run(str(BIN / "ruff"), "format", "--check", "src", "tests", "scripts")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_plpgsql_check(cluster, database):
    """Every plpgsql function and trigger function in our schemas passes plpgsql_check."""
    with psycopg.connect(cluster.admin_dsn(), autocommit=True) as conn:
        conn.execute("create extension if not exists plpgsql_check with schema extensions")
        rows = conn.execute(
            """
            select p.oid::regprocedure::text, r.*
            from pg_proc as p
            join pg_language as l on l.oid = p.prolang and l.lanname = 'plpgsql'
            cross join lateral extensions.plpgsql_check_function_tb(
              p.oid,
              relid => coalesce((select t.tgrelid from pg_trigger as t
                                 where t.tgfoid = p.oid limit 1), 0)
            ) as r
            where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
              and (p.prorettype <> 'trigger'::regtype
                   or exists (select from pg_trigger as t where t.tgfoid = p.oid))
            """
        ).fetchall()
        count = conn.execute(
            """select count(*) from pg_proc as p join pg_language as l on l.oid = p.prolang
               where l.lanname = 'plpgsql'
                 and p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)"""
        ).fetchone()[0]
    assert count >= 1, "no plpgsql function was checked"
    assert rows == [], "\n".join(map(str, rows))
