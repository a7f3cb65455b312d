"""The `agentsdb` CLI as a user meets it: a real cluster of its own, every command and error."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from agentsdb.local import LocalCluster, free_port
from agentsdb.migrations import apply_platform
from conftest import ROOT, create_database

AGENTSDB = str(Path(sys.executable).parent / "agentsdb")
MIGRATIONS = sorted((ROOT / "supabase" / "migrations").glob("*.sql"))


def cli(*args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "AGENTSDB_PG_BIN")}
    return subprocess.run(
        [AGENTSDB, *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


@pytest.fixture(scope="module")
def local_env():
    home = Path(tempfile.mkdtemp(prefix="agentsdb-cli-"))
    env = {"AGENTSDB_HOME": str(home), "AGENTSDB_PORT": str(free_port())}
    yield env
    cli("down", env=env)
    LocalCluster(home, int(env["AGENTSDB_PORT"])).destroy()


def test_up_builds_everything_and_shows_it_working(local_env):
    proc = cli("up", env=local_env)
    assert proc.returncode == 0, proc.stderr
    assert f"{len(MIGRATIONS)} migration(s) applied" in proc.stdout
    assert "vendors: 11 rows" in proc.stdout
    assert f"postgresql://postgres:postgres@127.0.0.1:{local_env['AGENTSDB_PORT']}/postgres" in (
        proc.stdout
    )


def test_up_twice_is_harmless(local_env):
    proc = cli("up", env=local_env)
    assert proc.returncode == 0, proc.stderr
    assert "already running" in proc.stdout
    assert "0 migration(s) applied" in proc.stdout
    assert "seeded" not in proc.stdout


def test_status_and_psql(local_env):
    proc = cli("status", env=local_env)
    assert proc.returncode == 0, proc.stderr
    assert f"{len(MIGRATIONS)} applied, 0 pending" in proc.stdout
    proc = cli(
        "psql",
        "-tA",
        "-c",
        "select current_user || ' ' || count(*) from public.vendors",
        env=local_env,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "postgres 11"


def test_rollback_migrate_and_seed(local_env):
    proc = cli("rollback", env=local_env)
    assert proc.returncode == 0, proc.stderr
    assert f"rolling back {MIGRATIONS[-1].name}" in proc.stdout
    assert "1 pending" in cli("status", env=local_env).stdout
    first = MIGRATIONS[0].name.split("_")[0]
    proc = cli("rollback", "--to", first, env=local_env)
    assert proc.returncode == 0, proc.stderr
    assert f"{len(MIGRATIONS) - 2} migration(s) rolled back" in proc.stdout
    proc = cli("migrate", env=local_env)
    assert proc.returncode == 0, proc.stderr
    assert f"{len(MIGRATIONS) - 1} migration(s) applied" in proc.stdout
    assert "seeded" in proc.stdout, "a rollback drops seeded rows, so migrate seeds again"
    assert cli("seed", env=local_env).returncode == 0
    proc = cli("rollback", "--to", "12345", env=local_env)
    assert proc.returncode == 1 and proc.stderr.startswith("error: version 12345 is not applied")


def test_reset_rebuilds_from_scratch(local_env):
    cli("psql", "-c", "create table public.scratch_probe (id int)", env=local_env)
    proc = cli("reset", env=local_env)
    assert proc.returncode == 0, proc.stderr
    assert f"{len(MIGRATIONS)} migration(s) applied" in proc.stdout
    proc = cli(
        "psql", "-tA", "-c", "select to_regclass('public.scratch_probe') is null", env=local_env
    )
    assert proc.stdout.strip() == "t"


def test_down_then_status_and_migrate(local_env):
    proc = cli("down", env=local_env)
    assert proc.returncode == 0 and "stopped" in proc.stdout
    proc = cli("status", env=local_env)
    assert proc.returncode == 3 and "stopped" in proc.stdout
    proc = cli("migrate", env=local_env)
    assert proc.returncode == 1
    assert "not running" in proc.stderr and "agentsdb up" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert cli("up", env=local_env).returncode == 0


def test_port_taken_is_a_clear_error(tmp_path):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        home = Path(tempfile.mkdtemp(prefix="agentsdb-busy-"))
        try:
            proc = cli("up", env={"AGENTSDB_HOME": str(home), "AGENTSDB_PORT": str(port)})
        finally:
            LocalCluster(home, port).destroy()
    assert proc.returncode == 1
    assert f"port {port} is already in use" in proc.stderr
    assert "AGENTSDB_PORT" in proc.stderr


def test_missing_binaries_name_the_packages(tmp_path):
    proc = cli(
        "up",
        env={
            "AGENTSDB_HOME": str(tmp_path / "h"),
            "AGENTSDB_PG_BIN": "/nonexistent",
            "AGENTSDB_PORT": str(free_port()),
        },
    )
    assert proc.returncode == 1
    assert "server binaries" in proc.stderr and "apt-get install postgresql-15" in proc.stderr


def test_a_failing_migration_names_file_and_statement_and_leaves_nothing(local_env, tmp_path):
    project = tmp_path / "project"
    for part in ("supabase", "sql"):
        shutil.copytree(ROOT / part, project / part)
    bad = project / "supabase" / "migrations" / "29991231000000_broken.sql"
    bad.write_text("create table public.broken_probe (id int);\n\nselect 1 / 0;\n")
    (project / "sql" / "rollbacks" / bad.name).write_text("drop table public.broken_probe;\n")
    proc = cli("migrate", env={**local_env, "AGENTSDB_PROJECT_DIR": str(project)})
    assert proc.returncode == 1
    assert "29991231000000_broken.sql: statement 2 (line 3) failed" in proc.stderr
    assert "division by zero" in proc.stderr and "Traceback" not in proc.stderr
    proc = cli(
        "psql", "-tA", "-c", "select to_regclass('public.broken_probe') is null", env=local_env
    )
    assert proc.stdout.strip() == "t"
    assert "0 pending" in cli("status", env=local_env).stdout


def test_database_url_is_used_and_no_server_is_started(cluster, database, tmp_path):
    """DATABASE_URL names a database that has the platform, as a Supabase project does."""
    create_database(cluster, "cli_remote")
    home = tmp_path / "never-created"
    env = {"DATABASE_URL": cluster.url("cli_remote"), "AGENTSDB_HOME": str(home)}
    proc = cli("up", env=env)
    assert proc.returncode == 1
    assert "lacks the Supabase platform" in proc.stderr, proc.stderr
    with psycopg.connect(cluster.admin_dsn("cli_remote"), autocommit=True) as conn:
        apply_platform(conn, ROOT / "sql" / "platform")
    proc = cli("up", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "postgresql://postgres:****@" in proc.stdout, "the password is masked"
    assert f"{len(MIGRATIONS)} migration(s) applied" in proc.stdout
    assert not home.exists()
    proc = cli("down", env=env)
    assert proc.returncode == 0 and "manages no server" in proc.stdout
    proc = cli("reset", env=env)
    assert proc.returncode == 0, proc.stderr
    assert f"{len(MIGRATIONS)} migration(s) rolled back" in proc.stdout


def test_database_url_from_dotenv(cluster, database, tmp_path):
    project = tmp_path / "project"
    for part in ("supabase", "sql"):
        shutil.copytree(ROOT / part, project / part)
    (project / ".env").write_text(f"DATABASE_URL={cluster.url('postgres')}\n")
    proc = cli("status", env={"AGENTSDB_HOME": str(tmp_path / "unused")}, cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert f"127.0.0.1:{cluster.port}/postgres" in proc.stdout


@pytest.mark.parametrize(
    "args", [[], ["frobnicate"], ["rollback", "--to", "1", "--all"], ["up", "--bogus"]]
)
def test_bad_arguments_are_one_line_errors(args):
    proc = cli(*args, env={})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("agentsdb")


def test_help_lists_every_command():
    proc = cli("--help", env={})
    assert proc.returncode == 0
    for command in ("up", "down", "status", "reset", "migrate", "rollback", "seed", "psql"):
        assert f"    {command}" in proc.stdout


def _new_user(env) -> str:
    proc = cli(
        "psql",
        "-tAc",
        "insert into auth.users (id, email) values (gen_random_uuid(), "
        "'cli-' || gen_random_uuid() || '@example.test') returning id",
        env=env,
    )
    return proc.stdout.strip().splitlines()[0]


def test_keys_add_reads_the_key_from_stdin_and_never_prints_it(local_env):
    user = _new_user(local_env)
    secret = "sk-cli-test-" + "x" * 20 + "wxyz"
    proc = subprocess.run(
        [AGENTSDB, "keys", "add", "openai", "--user", user, "--name", "cli key"],
        input=secret + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, **local_env},
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ending in wxyz" in proc.stdout
    assert secret not in proc.stdout + proc.stderr
    proc = cli(
        "rpc",
        "get_user_api_key",
        f"user_id={user}",
        "vendor_id=openai",
        "service_id=null",
        "--service-role",
        env=local_env,
    )
    assert proc.returncode == 0 and proc.stdout.strip() == secret
    proc = cli(
        "rpc",
        "get_user_api_key",
        f"user_id={user}",
        "vendor_id=openai",
        "service_id=null",
        "--user",
        user,
        env=local_env,
    )
    assert proc.returncode == 1 and "42501" in proc.stderr and secret not in proc.stderr


def test_rpc_prints_a_table_or_json(local_env):
    proc = cli(
        "rpc",
        "add_vendor",
        "id=cli_probe",
        "name=CLI Probe",
        "--service-role",
        "--json",
        env=local_env,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["id"] == "cli_probe"
    proc = cli(
        "rpc", "add_vendor", "id=cli_probe", "name=CLI Probe", "--service-role", env=local_env
    )
    assert proc.stdout.splitlines()[0].split()[:2] == ["id", "name"]
    proc = cli("rpc", "add_vendor", "id=cli_probe2", "name=X", env=local_env)
    assert proc.returncode == 1 and "42501" in proc.stderr
    proc = cli("rpc", "no_such_function", env=local_env)
    assert proc.returncode == 1 and "PGRST202" in proc.stderr
    proc = cli("rpc", "add_vendor", "oops", env=local_env)
    assert proc.returncode == 1 and "key=value" in proc.stderr


def test_catalog_render_check_and_sync(local_env):
    proc = cli("catalog", "render", "--check", env=local_env)
    assert proc.returncode == 0 and "matches" in proc.stdout
    proc = cli("catalog", "sync", env=local_env)
    assert proc.returncode == 0, proc.stderr
    assert "vendors: 11 upserted" in proc.stdout


def test_demo_reports_usage_and_isolation_and_can_run_again(local_env):
    for _ in range(2):
        proc = cli("demo", env=local_env)
        assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "== alice" in out and "== bob" in out and "cost by vendor" in out
    assert "bob reads alice's private agent 'Code Reviewer': not found" in out
    assert "bob's recent interactions from alice's agents: 0" in out
    assert "alice's keys bob can list: 0" in out
    assert "agents: refused (42501)" in out
    proc = cli(
        "psql", "-tAc", "select count(*) from auth.users where email like 'demo-%'", env=local_env
    )
    assert proc.stdout.strip() == "2", "a second run replaces the demo users"


def test_stats_refresh_one_day_and_a_range(local_env):
    proc = cli("stats", "refresh", "--date", "2026-01-01", env=local_env)
    assert proc.returncode == 0, proc.stderr
    assert "refreshed 1 day(s) from 2026-01-01 to 2026-01-01" in proc.stdout
    since = (datetime.date.today() - datetime.timedelta(days=5)).isoformat()
    proc = cli("stats", "refresh", "--since", since, env=local_env)
    assert proc.returncode == 0, proc.stderr
    assert "refreshed 5 day(s)" in proc.stdout
    assert "refreshing statistics: 5/5" in proc.stderr
    proc = cli("stats", "refresh", "--date", "yesterday", env=local_env)
    assert proc.returncode == 2 and "not a date" in proc.stderr
