"""No secret in any output (issue 17): hostile connection URLs, keys and tokens go through
every CLI command and every client method, and stdout, stderr, exceptions (their text,
repr, chain and traceback), logs at DEBUG, `ps` and child processes' environments are
scanned for them."""

from __future__ import annotations

import base64
import datetime
import inspect
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from agentsdb.cli import main
from agentsdb.client import Client
from agentsdb.local import free_port
from conftest import ROOT

AGENTSDB = str(Path(sys.executable).parent / "agentsdb")
SECRET = "Hx7Qs3cr3tZ"  # noqa: S105 (a probe: it must never be printed)
USER = "11111111-1111-4111-8111-111111111111"


def token(sub: str = USER) -> str:
    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256'})}.{part({'sub': sub, 'role': 'authenticated'})}.{SECRET}"


def hostile_urls(port: int) -> dict[str, str]:
    """Connection strings holding SECRET as (part of) the password, well-formed or not."""
    return {
        "at-in-password": f"postgresql://postgres:{SECRET}@x@127.0.0.1:{port}/postgres",
        "colon-slash": f"postgresql://postgres:a:{SECRET}/b@127.0.0.1:{port}/postgres",
        "query-string": f"postgresql://postgres@127.0.0.1:{port}/postgres?password={SECRET}",
        "key-value": f"host=127.0.0.1 port={port} user=postgres password={SECRET} dbname=x",
        "key-value-quoted": f"host=127.0.0.1 port={port} password='{SECRET} x' dbname=x",
        "space": f"postgresql://postgres:{SECRET} x@127.0.0.1:{port}/postgres",
        "bad-percent": f"postgresql://postgres:{SECRET}%zz@127.0.0.1:{port}/postgres",
        "bad-port": f"postgresql://postgres:{SECRET}@127.0.0.1:notaport/postgres",
        "bad-option": f"postgresql://postgres:{SECRET}@127.0.0.1:{port}/x?nosuch={SECRET}",
    }


HOSTILE_KEYS = {
    "newline": f"key-{SECRET}\nInjected: 1",
    "crlf": f"key-{SECRET}\r\nX-Evil: 1",
    "non-ascii": f"clé-{SECRET}",
    "plain": f"key-{SECRET}",
}

COMMANDS = [
    ["up"],
    ["status"],
    ["migrate"],
    ["rollback"],
    ["seed"],
    ["reset", "--yes"],
    ["psql", "-c", "select 1"],
    ["rpc", "add_vendor", "id=x", "name=y", "--service-role"],
    ["rpc", "list_x", "--user", USER],
    ["catalog", "sync"],
    ["keys", "add", "openai", "--user", USER],
    ["stats", "refresh", "--date", "2026-01-01"],
    ["demo", "--yes"],
    ["docs", "api"],
    ["down"],
]


def cli_in_process(args, env, monkeypatch, capsys, stdin=f"sk-{SECRET}\n"):
    """main() in this process (fast, and its logging reaches caplog); psql, which replaces
    the process, runs as a subprocess."""
    if args[0] == "psql":
        return run(args, env, stdin=stdin)
    for name in list(os.environ):
        if name.startswith(("SUPABASE_", "DATABASE_URL", "AGENTSDB_")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    capsys.readouterr()
    try:
        status = main(list(args))
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, status, out, err)


def run(args, env, stdin=f"sk-{SECRET}\n", cwd=ROOT) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SUPABASE_", "DATABASE_URL", "AGENTSDB_"))
    }
    return subprocess.run(
        [AGENTSDB, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**clean, **env},
        cwd=cwd,
        timeout=120,
    )


def assert_clean(proc: subprocess.CompletedProcess, what) -> None:
    output = proc.stdout + proc.stderr
    assert SECRET not in output, (what, output)
    assert "Traceback" not in proc.stderr, (what, proc.stderr)


class StandIn(BaseHTTPRequestHandler):
    """An API that refuses every request as PostgREST does a bad JWT."""

    def _refuse(self):
        body = json.dumps({"code": "PGRST301", "message": "JWSError", "details": None})
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    do_GET = do_POST = do_PATCH = do_DELETE = _refuse

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture(scope="module")
def api_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


# -- the CLI -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(hostile_urls(1)))
def test_every_command_with_a_hostile_database_url(name, tmp_path, monkeypatch, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    url = hostile_urls(free_port())[name]  # nothing listens there
    for args in COMMANDS:
        env = {"DATABASE_URL": url, "AGENTSDB_HOME": str(tmp_path / "h")}
        proc = cli_in_process(args, env, monkeypatch, capsys)
        assert_clean(proc, (name, args))
        if args != ["down"]:
            assert proc.returncode != 0, (name, args, proc.stdout)
    assert SECRET not in caplog.text


@pytest.mark.parametrize("name", sorted(HOSTILE_KEYS))
@pytest.mark.parametrize("where", ["closed-port", "stand-in"])
def test_every_api_command_with_hostile_keys_and_tokens(
    name, where, api_url, tmp_path, monkeypatch, capsys, caplog
):
    caplog.set_level(logging.DEBUG)
    url = api_url if where == "stand-in" else f"http://127.0.0.1:{free_port()}"
    key = HOSTILE_KEYS[name]
    env = {
        "SUPABASE_URL": url,
        "SUPABASE_ANON_KEY": key,
        "SUPABASE_SERVICE_ROLE_KEY": key,
        "SUPABASE_ACCESS_TOKEN": token(),
        "AGENTSDB_HOME": str(tmp_path / "h"),
    }
    for args in COMMANDS:
        proc = cli_in_process(args, env, monkeypatch, capsys, stdin=key + "\n")
        assert_clean(proc, (name, args))
    assert SECRET not in caplog.text


def test_a_wrong_password_on_a_real_server(cluster, database, tmp_path, monkeypatch, capsys):
    url = f"postgresql://postgres:{SECRET}@127.0.0.1:{cluster.port}/postgres"
    for args in COMMANDS:
        env = {"DATABASE_URL": url, "AGENTSDB_HOME": str(tmp_path / "h")}
        assert_clean(cli_in_process(args, env, monkeypatch, capsys), args)


def test_commands_as_a_user_runs_them(tmp_path):
    """The same, as separate processes: what reaches the terminal, exit included."""
    url = hostile_urls(free_port())["space"]
    for args in (["status"], ["rpc", "x", "--service-role"], ["psql", "-c", "select 1"]):
        proc = run(args, {"DATABASE_URL": url, "AGENTSDB_HOME": str(tmp_path / "h")})
        assert_clean(proc, args)
        assert proc.returncode == 1 and proc.stderr.startswith("error: ")


def test_ps_and_child_environments_hold_no_secret(cluster, database, tmp_path):
    """A password with every awkward character, given in the project's .env with API keys:
    psql runs, and neither `ps` nor psql's environment shows what it should not."""
    password = f"{SECRET} @:/?'\"%"
    with psycopg.connect(cluster.admin_dsn(), autocommit=True) as conn:
        conn.execute("drop role if exists secrets_probe")
        conn.execute(
            psycopg.sql.SQL("create role secrets_probe login password {}").format(
                psycopg.sql.Literal(password)
            )
        )
    try:
        project = tmp_path / "project"
        for part in ("supabase", "sql"):
            shutil.copytree(ROOT / part, project / part)
        url = (
            f"postgresql://secrets_probe:{quote(password, safe='')}"
            f"@127.0.0.1:{cluster.port}/postgres"
        )
        (project / ".env").write_text(
            f"DATABASE_URL={url}\nSUPABASE_SERVICE_ROLE_KEY=svc-{SECRET}\n"
        )
        proc = run(
            [
                "psql",
                "-tA",
                "-c",
                # The separator is printed in two halves, so it is not on psql's own
                # command line; other processes' arguments may hold anything ("==" did).
                r"\! ps -eo args; printf '%s%s\n' '@@psql-' 'environ@@'; "
                r"tr '\0' '\n' < /proc/$PPID/environ",
            ],
            {"AGENTSDB_HOME": str(tmp_path / "h")},
            cwd=project,
        )
        assert proc.returncode == 0, proc.stderr
        processes, marker, environ = proc.stdout.partition("@@psql-environ@@")
        assert marker, proc.stdout
        assert "psql" in processes
        assert SECRET not in processes, "a password on a command line"
        assert f"svc-{SECRET}" not in environ and "DATABASE_URL" not in environ
        assert environ.count(SECRET) == 1 and "PGPASSWORD=" in environ, "only PGPASSWORD"
    finally:
        with psycopg.connect(cluster.admin_dsn(), autocommit=True) as conn:
            conn.execute("drop role if exists secrets_probe")


# -- the client ----------------------------------------------------------------------------


def _dummy(param: inspect.Parameter):
    name = param.name
    if name.endswith("id") or name == "agent_id":
        return str(uuid.uuid4())
    if name in ("day", "since"):
        return datetime.date(2026, 1, 1)
    if name in ("days", "limit"):
        return 1
    if name == "value":
        return {"k": "v"}
    if name == "api_key":
        return f"sk-{SECRET}"
    return "x"


def _calls(client: Client):
    for name, method in inspect.getmembers(client, inspect.ismethod):
        if name.startswith("_") or name in ("postgres", "supabase", "from_env"):
            continue
        params = [
            p
            for p in inspect.signature(method).parameters.values()
            if p.default is inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]
        yield name, method, {p.name: _dummy(p) for p in params}


def _exception_text(exc: BaseException) -> str:
    parts = ["".join(traceback.format_exception(exc))]
    seen = exc
    while seen is not None:
        parts += [str(seen), repr(seen), repr(seen.args), repr(vars(seen))]
        seen = seen.__cause__ or seen.__context__
    return "\n".join(parts)


def _exercise(client: Client, caplog) -> int:
    assert SECRET not in repr(client)
    failures = 0
    for name, method, kwargs in _calls(client):
        try:
            method(**kwargs)
        except Exception as exc:  # noqa: BLE001 (every failure is scanned)
            failures += 1
            assert SECRET not in _exception_text(exc), name
    assert SECRET not in caplog.text
    return failures


@pytest.mark.parametrize("name", sorted(hostile_urls(1)))
def test_every_client_method_with_a_hostile_url(name, caplog):
    caplog.set_level(logging.DEBUG)
    url = hostile_urls(free_port())[name]
    for client in (
        Client.postgres(url, service_role=True),
        Client.postgres(url, user_id=USER),
    ):
        assert _exercise(client, caplog) > 20, "every method failed to connect, safely"


@pytest.mark.parametrize(
    "name",
    ["plain", "newline", "crlf", "non-ascii"],
)
def test_every_client_method_with_hostile_keys(name, api_url, caplog):
    caplog.set_level(logging.DEBUG)
    key = HOSTILE_KEYS[name]
    for url in (api_url,):  # (a closed port costs seconds per client; the CLI test has it)
        for client_token in (None, token()):
            try:
                client = Client.supabase(url, key, access_token=client_token)
            except Exception as exc:  # noqa: BLE001 (refusing the key is fine, quietly)
                assert SECRET not in _exception_text(exc)
                continue
            _exercise(client, caplog)
