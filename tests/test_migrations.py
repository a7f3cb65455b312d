"""Migrations: deployable with plain psql, recorded like the Supabase CLI, reversible."""

from __future__ import annotations

import os
import subprocess

import psycopg
import pytest

from agentsdb.migrations import Migration, Migrator, apply_platform, split_statements
from conftest import ROOT, create_database

MIGRATIONS = sorted((ROOT / "supabase" / "migrations").glob("*.sql"))
ROLLBACKS = ROOT / "sql" / "rollbacks"
PLATFORM = ROOT / "sql" / "platform"


def dump_schema(cluster, dbname: str) -> str:
    proc = subprocess.run(
        [
            "pg_dump",
            "--schema-only",
            "--no-owner",
            "-h",
            str(cluster.home),
            "-p",
            str(cluster.port),
            "-U",
            "supabase_admin",
            dbname,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    # pg_dump brackets its output with a random \restrict key: not part of the schema.
    return "".join(
        line
        for line in proc.stdout.splitlines(keepends=True)
        if not line.startswith(("\\restrict", "\\unrestrict"))
    )


def migrator(cluster, dbname: str) -> Migrator:
    conn = psycopg.connect(cluster.app_dsn(dbname), autocommit=True)
    return Migrator(conn, ROOT / "supabase" / "migrations", ROLLBACKS)


def platform_only(cluster, dbname: str) -> None:
    create_database(cluster, dbname)
    with psycopg.connect(cluster.admin_dsn(dbname), autocommit=True) as conn:
        assert apply_platform(conn, PLATFORM)


class TestSplitter:
    def test_semicolons_inside_quotes_comments_and_bodies_do_not_split(self):
        sql = """
        -- a comment; still a comment
        create function f() returns text language sql as $$ select 'a;b' $$;
        /* block; /* nested; */ still */ select 'it''s;' as "odd;name";
        select E'\\';' ; select $tag$ $$; $tag$;
        """
        texts = [t for _, t in split_statements(sql)]
        assert len(texts) == 4, texts
        assert texts[0].startswith("-- a comment") and texts[0].endswith("$$ select 'a;b' $$")
        assert texts[2] == "select E'\\';'"
        assert texts[3] == "select $tag$ $$; $tag$"

    def test_reports_first_line_and_skips_empty_statements(self):
        lines = [
            line for line, _ in split_statements("select 1;\n\n;\n-- only a comment\nselect 2;")
        ]
        assert lines == [1, 4]

    def test_file_names_follow_the_cli_pattern(self):
        for path in MIGRATIONS:
            migration = Migration.from_path(path)
            assert len(migration.version) == 14, path.name
        with pytest.raises(ValueError):
            Migration.from_path(ROOT / "not-a-migration.sql")


def test_every_migration_has_a_rollback():
    missing = [p.name for p in MIGRATIONS if not (ROLLBACKS / p.name).exists()]
    assert missing == []
    orphans = {p.name for p in ROLLBACKS.glob("*.sql")} - {p.name for p in MIGRATIONS}
    assert orphans == set()


def test_plain_psql_single_transaction_deploys_everything(cluster):
    """DESIGN contract 1: psql -v ON_ERROR_STOP=1 --single-transaction -f, file by file, as
    the non-superuser `postgres`, onto a database that has only the platform; then the seed."""
    platform_only(cluster, "psql_deploy")
    env = {
        **os.environ,
        "PGHOST": str(cluster.home),
        "PGPORT": str(cluster.port),
        "PGUSER": "postgres",
        "PGDATABASE": "psql_deploy",
    }
    for path in [*MIGRATIONS, ROOT / "supabase" / "seed.sql"]:
        proc = subprocess.run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", str(path)],
            capture_output=True,
            text=True,
            env=env,
        )
        assert proc.returncode == 0, f"{path.name}: {proc.stderr}"
    with psycopg.connect(cluster.app_dsn("psql_deploy")) as conn:
        assert conn.execute("select count(*) from public.vendors").fetchone()[0] == 11


def test_history_is_recorded_like_the_supabase_cli(template, cluster):
    m = migrator(cluster, template)
    rows = m.conn.execute(
        "select version, name, statements from supabase_migrations.schema_migrations"
        " order by version"
    ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [
        (mig.version, mig.name) for mig in map(Migration.from_path, MIGRATIONS)
    ]
    for (_, _, statements), path in zip(rows, MIGRATIONS, strict=True):
        assert statements == [t for _, t in split_statements(path.read_text())]
    m.conn.close()


def test_apply_rollback_apply_gives_an_identical_schema(cluster):
    platform_only(cluster, "round_trip")
    m = migrator(cluster, "round_trip")
    bare = dump_schema(cluster, "round_trip")
    m.migrate()
    first = dump_schema(cluster, "round_trip")
    assert len(m.rollback("0")) == len(MIGRATIONS)
    assert dump_schema(cluster, "round_trip") == bare, "rolling back all left something behind"
    m.migrate()
    assert dump_schema(cluster, "round_trip") == first
    m.conn.close()


def test_each_rollback_undoes_exactly_its_migration(cluster):
    platform_only(cluster, "step_by_step")
    m = migrator(cluster, "step_by_step")
    for migration in m.available():
        before = dump_schema(cluster, "step_by_step")
        m.apply(migration)
        after = dump_schema(cluster, "step_by_step")
        m.rollback()
        assert dump_schema(cluster, "step_by_step") == before, migration.path.name
        m.apply(migration)
        assert dump_schema(cluster, "step_by_step") == after, migration.path.name
    m.conn.close()
