"""One rule for settings, every entry point (issue 17 point 4): the environment, then the
project folder's .env; no other .env, and nothing written into os.environ."""

from __future__ import annotations

import os

from agentsdb.client import Client
from agentsdb.config import project_environment
from agentsdb.transport import PostgresTransport
from conftest import ROOT


def test_client_from_env_reads_no_stray_dotenv_and_exports_nothing(tmp_path, monkeypatch):
    stray = ROOT / "src" / ".env"  # above the package, not the project's
    assert not stray.exists()
    stray.write_text("SUPABASE_URL=http://127.0.0.1:9\nSUPABASE_ANON_KEY=stray-anon-key\n")
    monkeypatch.delenv("SUPABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    before = dict(os.environ)
    try:
        client = Client.from_env(dsn="postgresql://nobody@127.0.0.1:9/none")
    finally:
        stray.unlink()
    assert isinstance(client.transport, PostgresTransport)
    assert dict(os.environ) == before


def test_the_projects_dotenv_is_read_and_the_environment_wins(tmp_path, monkeypatch):
    (tmp_path / "supabase" / "migrations").mkdir(parents=True)
    (tmp_path / ".env").write_text("AGENTSDB_PROBE_A=from-dotenv\nAGENTSDB_PROBE_B=from-dotenv\n")
    monkeypatch.setenv("AGENTSDB_PROBE_B", "from-environment")
    monkeypatch.delenv("AGENTSDB_PROJECT_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    env = project_environment()
    assert env["AGENTSDB_PROBE_A"] == "from-dotenv"
    assert env["AGENTSDB_PROBE_B"] == "from-environment"
    assert "AGENTSDB_PROBE_A" not in os.environ
