"""The `agentsdb` CLI as a user meets it: a real cluster of its own, every command and error."""

from __future__ import annotations

import datetime
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
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
def local_cluster():
    """The module's own cluster, created by a first `agentsdb up` (its output kept)."""
    home = Path(tempfile.mkdtemp(prefix="agentsdb-cli-"))
    env = {"AGENTSDB_HOME": str(home), "AGENTSDB_PORT": str(free_port())}
    first_up = cli("up", env=env)
    yield env, first_up
    cli("down", env=env)
    LocalCluster(home, int(env["AGENTSDB_PORT"])).destroy()


@pytest.fixture
def local_env(local_cluster):
    """The cluster running with every migration applied, whatever an earlier test did (and
    whether or not it ran): each test passes alone."""
    env, _ = local_cluster
    proc = cli("up", env=env)
    assert proc.returncode == 0, proc.stderr
    return env


def test_up_builds_everything_and_shows_it_working(local_cluster):
    env, proc = local_cluster
    assert proc.returncode == 0, proc.stderr
    assert f"{len(MIGRATIONS)} migration(s) applied" in proc.stdout
    assert "vendors: 11 rows" in proc.stdout
    cluster = LocalCluster(Path(env["AGENTSDB_HOME"]), int(env["AGENTSDB_PORT"]))
    assert f"agentsdb is up: {cluster.url()}" in proc.stdout


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
    assert f"running on port {local_env['AGENTSDB_PORT']}" in proc.stdout
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
    status = cli("status", env=local_env).stdout
    assert "1 pending" in status
    assert f"pending: {MIGRATIONS[-1].name}" in status, "status names what is pending"
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
    assert proc.returncode == 1 and "--yes" in proc.stderr, "reset asks before dropping"
    with psycopg.connect(cluster.admin_dsn("cli_remote")) as conn:
        applied = conn.execute("select count(*) from supabase_migrations.schema_migrations")
        assert applied.fetchone()[0] == len(MIGRATIONS), "nothing was rolled back"
    proc = cli("reset", "--yes", env=env)
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
    assert "archived: in bob's agent list no; history active > busy > idle > archived" in out
    assert "== alice's budgets (get_budget_status, in her time zone)" in out
    assert "daily cap (hard)" in out and "alerts written" in out
    assert "admission of a $2 call: refused before reaching the vendor: [PT402] budget" in out, out
    assert "runs at '0 9 * * 1-5' in America/New_York: next " in out, out
    assert "demo-worker ran: fetch the open issues (attempt 1) > summarize them (attempt 1)" in out
    proc = cli(
        "psql", "-tAc", "select count(*) from auth.users where email like 'demo-%'", env=local_env
    )
    assert proc.stdout.strip() == "2", "a second run replaces the demo users"


def test_usage_shows_spend_by_day_model_and_agent(local_env):
    proc = cli("demo", env=local_env)
    assert proc.returncode == 0, proc.stderr
    assert "cost by local day (get_cost_breakdown, period day)" in proc.stdout
    assert "Europe/Paris" in proc.stdout and "per agent (agent_usage_daily)" in proc.stdout
    proc = cli(
        "psql",
        "-tAc",
        "select id from auth.users where email = 'demo-alice@agentsdb.local'",
        env=local_env,
    )
    alice = proc.stdout.strip()
    proc = cli("usage", "--user", alice, env=local_env)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "(days in Europe/Paris)" in out
    for section in ("by day", "by model", "by agent", "total: $"):
        assert section in out, out
    assert "claude-sonnet-4-5" in out and "Code Reviewer" in out
    proc = cli("usage", "--user", alice, "--days", "30", "--by", "vendor", env=local_env)
    assert proc.returncode == 0 and "by vendor" in proc.stdout and "by model" not in proc.stdout
    proc = cli("usage", env=local_env)
    assert proc.returncode == 1 and "--user" in proc.stderr
    proc = cli("stats", "refresh-rollups", env=local_env)
    assert proc.returncode == 0 and "rollups refreshed:" in proc.stdout, proc.stderr


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


# -- what a newcomer tripped on (issue 8) ------------------------------------------------------


def test_up_on_another_port_says_where_it_runs(local_env):
    other = {**local_env, "AGENTSDB_PORT": str(free_port())}
    for command in ("up", "status", "migrate"):
        proc = cli(command, env=other)
        assert proc.returncode == 1, (command, proc.stdout, proc.stderr)
        assert f"running on port {local_env['AGENTSDB_PORT']}" in proc.stderr, proc.stderr
        assert f"AGENTSDB_PORT={other['AGENTSDB_PORT']}" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_rpc_names_a_missing_or_unknown_argument(local_env):
    proc = cli("rpc", "add_vendor", "name=No Id", "--service-role", env=local_env)
    assert proc.returncode == 1
    assert "missing argument id" in proc.stderr and "does not exist" not in proc.stderr
    assert "it takes: id text, name text" in proc.stderr
    proc = cli("rpc", "add_vendor", "id=x", "name=y", "colour=red", "--service-role", env=local_env)
    assert proc.returncode == 1 and "no argument named colour" in proc.stderr
    proc = cli("rpc", "get_agent_usage_summary", "days=3", "--service-role", env=local_env)
    assert proc.returncode == 1, "the columns it returns are not arguments"
    assert "missing argument agent_id; it takes: agent_id uuid, days integer (optional)" in (
        proc.stderr
    )


def _agent(env, user: str, **columns) -> str:
    names = ", ".join(["user_id", "name", "vendor_id", *columns])
    values = ", ".join(
        ["'" + user + "'", "'probe'", "'openai'"]
        + ["'" + str(v).replace("'", "''") + "'" for v in columns.values()]
    )
    proc = cli(
        "psql",
        "-tAc",
        f"insert into public.ai_agents ({names}) values ({values}) returning id",
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[0]


def test_table_output_shows_json_as_json_and_marks_cut_cells(local_env):
    user = _new_user(local_env)
    agent = _agent(
        local_env,
        user,
        configuration=json.dumps({"temperature": 0.2, "style": "terse"}),
        description="d" * 60,
    )
    proc = cli("rpc", "get_agent_with_features", f"agent_id={agent}", "--user", user, env=local_env)
    assert proc.returncode == 0, proc.stderr
    assert '{"style": "terse", "temperature": 0.2}' in proc.stdout, proc.stdout
    assert "'temperature'" not in proc.stdout, "not a Python repr"
    assert "d" * 39 + "…" in proc.stdout and "d" * 41 not in proc.stdout


def test_text_written_by_others_cannot_drive_the_terminal(local_env):
    """Issue 17 point 13: a public agent's description with escape sequences."""
    owner, reader = _new_user(local_env), _new_user(local_env)
    hostile = "\x1b[2J\x1b[31mpwned\x07\u202etxt.exe\rover"
    agent = _agent(local_env, owner, description=hostile, is_public="true")
    proc = cli(
        "rpc", "get_agent_with_features", f"agent_id={agent}", "--user", reader, env=local_env
    )
    assert proc.returncode == 0, proc.stderr
    assert "\\e[2J\\e[31mpwned\\x07\\u202etxt.exe\\rover" in proc.stdout
    for raw in ("\x1b", "\x07", "\u202e", "\r"):
        assert raw not in proc.stdout
    proc = cli("rpc", "add_vendor", "\x1b[31mx=1", "--service-role", env=local_env)
    assert proc.returncode == 1 and "\x1b" not in proc.stderr
    assert "no argument named \\e[31mx" in proc.stderr, "errors echo input visibly too"


def test_keys_add_for_an_unknown_user_and_a_replaced_key(local_env):
    stranger = "00000000-0000-4000-8000-00000000abcd"
    proc = _keys_add(local_env, stranger, "sk-unknown-user-0001")
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"error: keys add: no user with id {stranger}", proc.stderr
    user = _new_user(local_env)
    first = _keys_add(local_env, user, "sk-first-key-1111")
    assert first.returncode == 0 and "replaces" not in first.stdout
    second = _keys_add(local_env, user, "sk-second-key-2222")
    assert second.returncode == 0, second.stderr
    assert "ending in 2222" in second.stdout
    assert "it replaces the active key ending in 1111" in second.stdout
    assert "sk-first" not in second.stdout + second.stderr


def _keys_add(env, user: str, key: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [AGENTSDB, "keys", "add", "openai", *extra, "--user", user],
        input=key + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
        timeout=120,
    )


def test_docs_api_check_and_write(local_env, tmp_path):
    proc = cli("docs", "api", "--check", env=local_env)
    assert proc.returncode == 0, proc.stderr
    assert "matches the database" in proc.stdout
    assert cli("down", env=local_env).returncode == 0
    proc = cli("docs", "api", "--check", env=local_env)
    assert proc.returncode == 0, "one command, even with the cluster stopped: " + proc.stderr
    assert cli("status", env=local_env).returncode == 3, "and left as it was found"
    project = tmp_path / "project"
    for part in ("supabase", "sql"):
        shutil.copytree(ROOT / part, project / part)
    proc = cli("docs", "api", "--write", env={**local_env, "AGENTSDB_PROJECT_DIR": str(project)})
    assert proc.returncode == 1 and "not the agentsdb project" in proc.stderr
    assert not (project / "docs").exists()


def test_catalog_render_write_refuses_another_project(tmp_path):
    """Issue 17 point 14: another Supabase project's seed.sql is not ours to overwrite."""
    project = tmp_path / "app"
    (project / "supabase" / "migrations").mkdir(parents=True)
    seed = project / "supabase" / "seed.sql"
    seed.write_text("insert into my_app_table values (1);\n")
    proc = cli("catalog", "render", "--write", env={}, cwd=project)
    assert proc.returncode == 1 and "not the agentsdb project" in proc.stderr
    assert seed.read_text() == "insert into my_app_table values (1);\n"


def test_psql_keeps_the_password_off_its_command_line(cluster, database, tmp_path):
    """Issue 17 points 4 and 5: psql gets the password in its own environment only, and
    nothing of the project's .env."""
    project = tmp_path / "project"
    for part in ("supabase", "sql"):
        shutil.copytree(ROOT / part, project / part)
    url = cluster.url("postgres")
    password = cluster.app_password
    (project / ".env").write_text(f"DATABASE_URL={url}\nAGENTSDB_DOTENV_MARKER=dotenv-only-7731\n")
    proc = cli(
        "psql",
        "-tA",
        "-c",
        # The separator is printed in two halves so that psql's own arguments do not hold it.
        r"\! tr '\0' '\n' < /proc/$PPID/cmdline; printf '%s%s\n' '@@psql-' 'environ@@'; "
        r"tr '\0' '\n' < /proc/$PPID/environ",
        env={"AGENTSDB_HOME": str(tmp_path / "unused")},
        cwd=project,
    )
    assert proc.returncode == 0, proc.stderr
    cmdline, marker, environ = proc.stdout.partition("@@psql-environ@@")
    assert marker, proc.stdout
    assert "psql" in cmdline and f"port={cluster.port}" in cmdline.replace("'", "")
    assert password not in cmdline, "the password is visible in ps"
    assert f"PGPASSWORD={password}" in environ.splitlines()
    assert "dotenv-only-7731" not in environ and "DATABASE_URL" not in environ


def test_a_stray_dotenv_outside_the_project_is_never_read(local_env):
    """Issue 17 point 4: a .env in a folder above the package (not the project's) used to
    send `rpc` to another server."""
    stray = ROOT / "src" / ".env"
    assert not stray.exists()
    stray.write_text(
        "SUPABASE_URL=http://127.0.0.1:9\nSUPABASE_SERVICE_ROLE_KEY=stray-service-key\n"
    )
    try:
        proc = cli(
            "rpc", "add_vendor", "id=stray_probe", "name=Stray", "--service-role", env=local_env
        )
    finally:
        stray.unlink()
    assert proc.returncode == 0, proc.stderr
    assert "stray_probe" in proc.stdout


def test_user_contradicting_the_access_token_is_refused(tmp_path):
    """Issue 17 point 10: with SUPABASE_URL, --user must be the token's user."""
    import base64

    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    alice = "11111111-1111-4111-8111-111111111111"
    bob = "22222222-2222-4222-8222-222222222222"
    token = f"{part({'alg': 'HS256'})}.{part({'sub': alice, 'role': 'authenticated'})}.sig"
    env = {
        "SUPABASE_URL": f"http://127.0.0.1:{free_port()}",
        "SUPABASE_ANON_KEY": "anon-key",
        "SUPABASE_ACCESS_TOKEN": token,
        "AGENTSDB_HOME": str(tmp_path / "unused"),
    }
    proc = cli("rpc", "list_x", "--user", bob, env=env)
    assert proc.returncode == 1
    assert f"not user {bob}'s" in proc.stderr and "SUPABASE_ACCESS_TOKEN" in proc.stderr
    assert token not in proc.stderr
    proc = cli("rpc", "list_x", "--user", bob, env={**env, "SUPABASE_ACCESS_TOKEN": ""})
    assert proc.returncode == 1 and "SUPABASE_ACCESS_TOKEN" in proc.stderr


# -- one error line, never a traceback (issue 17 point 11) -------------------------------------


def _read_until(fd: int, marker: bytes, timeout: float = 60) -> bytes:
    """What the terminal shows until `marker`, the other end's exit, or `timeout` seconds
    (a failed assertion after it, never a test run that hangs)."""
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        try:
            chunk = os.read(fd, 1024)
        except OSError:  # the other end closed (EIO on a pty)
            break
        if not chunk:
            break
        seen += chunk
    return seen


def _interruptible() -> None:
    """In the child: SIGINT delivered as on a user's shell. A shell without job control
    starts background commands with SIGINT ignored, and a Python started so never turns
    Ctrl-C into KeyboardInterrupt (as when the tests run under `cmd &`)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _own_terminal(slave: int) -> None:
    """In the child: a terminal of its own, interruptible by Ctrl-C."""
    _interruptible()
    os.login_tty(slave)


def test_ctrl_c_at_the_keys_add_prompt(local_env):
    import pty

    user = _new_user(local_env)
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [AGENTSDB, "keys", "add", "openai", "--user", user],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, **local_env},
        cwd=ROOT,
        preexec_fn=lambda: _own_terminal(slave),  # noqa: PLW1509
    )
    os.close(slave)
    try:
        assert b"API key for openai" in _read_until(master, b"API key for openai")
        os.write(master, b"\x03")  # Ctrl-C, as typed: the terminal sends SIGINT
        rest = _read_until(master, b"\x00never")
        assert proc.wait(timeout=60) == 130
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    text = rest.decode(errors="replace")
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    assert text.strip().splitlines()[-1] == "error: interrupted"


def test_ctrl_c_during_stats_refresh(local_env):
    proc = subprocess.Popen(
        [AGENTSDB, "stats", "refresh", "--since", "2015-01-01"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **local_env},
        cwd=ROOT,
        preexec_fn=_interruptible,  # noqa: PLW1509
    )
    try:
        first = proc.stderr.readline()
        assert first.startswith("refreshing statistics: "), first
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert err.strip().splitlines()[-1] == "error: interrupted"


def test_a_closed_pipe_ends_quietly(tmp_path):
    """`agentsdb status | head -1`: the reader is gone before the output is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [AGENTSDB, "status"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "AGENTSDB_HOME": str(tmp_path / "h")},
            cwd=ROOT,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert proc.stderr == "", proc.stderr


@pytest.mark.parametrize(
    "args, env, says",
    [
        (["rpc", "add_vendor", "id=" + "[" * 50_000], {}, "nested too deeply"),
        (
            ["rpc", "f", "--service-role"],
            {"SUPABASE_URL": "http://[::1", "SUPABASE_SERVICE_ROLE_KEY": "k"},
            "IPv6",
        ),
        (
            ["rpc", "f", "--service-role"],
            {"SUPABASE_URL": "not a url", "SUPABASE_SERVICE_ROLE_KEY": "k"},
            "Invalid URL",
        ),
        (
            ["rpc", "f", "--service-role"],
            {"SUPABASE_URL": "http://127.0.0.1:9", "SUPABASE_SERVICE_ROLE_KEY": "clé-S3cr3t"},
            "error: ",
        ),
        (["status"], {"AGENTSDB_PORT": "²"}, "AGENTSDB_PORT must be a TCP port number"),
        (["status"], {"AGENTSDB_PORT": "99999"}, "AGENTSDB_PORT must be a TCP port number"),
    ],
    ids=["nested-json", "ipv6-url", "not-a-url", "non-ascii-key", "superscript-port", "big-port"],
)
def test_bad_input_is_one_error_line(args, env, says, tmp_path):
    proc = cli(*args, env={"AGENTSDB_HOME": str(tmp_path / "h"), **env})
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and says in lines[0], proc.stderr
    assert "S3cr3t" not in proc.stderr


def test_reset_with_a_rollback_missing_undoes_nothing(cluster, database, tmp_path):
    create_database(cluster, "cli_reset_missing")
    with psycopg.connect(cluster.admin_dsn("cli_reset_missing"), autocommit=True) as conn:
        apply_platform(conn, ROOT / "sql" / "platform")
    env = {"DATABASE_URL": cluster.url("cli_reset_missing"), "AGENTSDB_HOME": str(tmp_path / "h")}
    assert cli("migrate", env=env).returncode == 0
    project = tmp_path / "project"
    for part in ("supabase", "sql"):
        shutil.copytree(ROOT / part, project / part)
    (project / "sql" / "rollbacks" / MIGRATIONS[3].name).unlink()
    proc = cli("reset", "--yes", env={**env, "AGENTSDB_PROJECT_DIR": str(project)})
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"{MIGRATIONS[3].name} has no rollback" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    with psycopg.connect(cluster.admin_dsn("cli_reset_missing")) as conn:
        applied = conn.execute("select count(*) from supabase_migrations.schema_migrations")
        assert applied.fetchone()[0] == len(MIGRATIONS), "nothing was undone"


@pytest.mark.parametrize("name", ["with space", "with'quote"])
def test_a_home_with_a_space_or_a_quote_works(name):
    """Issue 17 point 12."""
    parent = Path(tempfile.mkdtemp(prefix="agentsdb-"))
    parent.chmod(0o755)  # under root the server runs as `postgres`, which must reach it
    home = parent / name
    env = {"AGENTSDB_HOME": str(home), "AGENTSDB_PORT": str(free_port())}
    try:
        proc = cli("up", env=env)
        assert proc.returncode == 0, proc.stderr
        proc = cli("psql", "-tAc", "select count(*) from public.vendors", env=env)
        assert proc.returncode == 0 and proc.stdout.strip() == "11", proc.stderr
        proc = cli("down", env=env)
        assert proc.returncode == 0 and "stopped" in proc.stdout
        assert not LocalCluster(home, int(env["AGENTSDB_PORT"])).running()
    finally:
        LocalCluster(home, int(env["AGENTSDB_PORT"])).destroy()
        shutil.rmtree(home.parent, ignore_errors=True)


def test_a_home_pg_ctl_cannot_quote_is_refused(tmp_path):
    home = tmp_path / 'with"dquote'
    proc = cli("up", env={"AGENTSDB_HOME": str(home), "AGENTSDB_PORT": str(free_port())})
    assert proc.returncode == 1 and "cannot quote" in proc.stderr
    assert not home.exists()


def test_a_home_too_long_for_a_socket_is_refused_only_when_used(cluster, database, tmp_path):
    home = tmp_path / ("h" * 100)
    proc = cli("up", env={"AGENTSDB_HOME": str(home), "AGENTSDB_PORT": str(free_port())})
    assert proc.returncode == 1 and "too long for the server's Unix socket" in proc.stderr
    proc = cli("status", env={"AGENTSDB_HOME": str(home), "DATABASE_URL": cluster.url()})
    assert proc.returncode == 0, proc.stderr
