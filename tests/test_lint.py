"""The lint layers: sqlfluff (SQL layout), squawk (migration safety), ruff (Python),
plpgsql_check (function bodies, against the built database)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import safeupdate

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


# -- pg-safeupdate -----------------------------------------------------------------------------
# Supabase loads pg-safeupdate into every API connection: an UPDATE or DELETE without a WHERE
# clause fails with 21000 there, inside functions too. Debian has no package of it, so the
# local platform cannot load it; this lint, over what PostgreSQL's own parser reads, stands in.


def test_safeupdate_lint_finds_every_kind_of_unguarded_statement():
    found = safeupdate.unguarded_in_sql(
        """
        update t set a = 1;
        delete from t where a = 1;
        update t set a = 2 where true;
        do $$ begin delete from public.z; end $$;
        create function f() returns void language sql
        as $b$ with q as (delete from y returning 1) select 1 $b$;
        create function g() returns setof int language plpgsql as $b$
        begin
          if true then update private.s set x = 1; end if;
          update private.s set x = 1 where x = 0;
          return query with c as (update u set z = 1 returning 1) select 1;
        end $b$;
        create function h(calls public.model_calls []) returns void language plpgsql as $b$
        declare rows model_calls[];
        begin
          delete from public.model_calls;
        end $b$;
        """
    )
    assert found == [
        "UPDATE of t",
        "DO block: line 1: DELETE of public.z",
        "f: DELETE of y",
        "g: line 3: UPDATE of private.s",
        "g: line 5: UPDATE of u",
        "h: line 4: DELETE of public.model_calls",
    ]


def test_no_function_in_the_database_updates_or_deletes_without_where(cluster, database):
    """Every function of public and private as the database holds it (whichever migration
    defined it last)."""
    with psycopg.connect(cluster.admin_dsn(), autocommit=True) as conn:
        functions = conn.execute(
            """select p.oid::regprocedure::text, pg_get_functiondef(p.oid)
               from pg_proc as p
               where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
                 and p.prokind in ('f', 'p')"""
        ).fetchall()
    assert len(functions) >= 10, "too few functions to prove anything"
    problems = [
        f"{signature}: {finding}"
        for signature, definition in functions
        for finding in safeupdate.unguarded_in_sql(definition)
    ]
    assert problems == [], "UPDATE/DELETE without WHERE (21000 through the API):\n" + "\n".join(
        problems
    )


def test_no_migration_updates_or_deletes_without_where():
    """Every statement and DO block of every migration, and each function's newest definition
    (an older one, replaced by a later migration, never runs)."""
    newest: dict[str, tuple[str, list[str]]] = {}
    problems = []
    for path in sorted((ROOT / "supabase" / "migrations").glob("*.sql")):
        for function, findings in safeupdate.unguarded_by_statement(path.read_text()):
            if function is not None:
                newest[function] = (path.name, findings)
            else:
                problems += [f"{path.name}: {f}" for f in findings]
    problems += [f"{file}: {f}" for file, findings in newest.values() for f in findings]
    assert len(newest) >= 10, "too few functions to prove anything"
    assert problems == [], "UPDATE/DELETE without WHERE (21000 through the API):\n" + "\n".join(
        problems
    )
