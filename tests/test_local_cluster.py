"""The local cluster is its owner's alone (issue 17 point 8): no other OS user reaches its
socket, TCP needs this cluster's own password, and the server inherits nothing of the
environment of the shell that started it."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

from agentsdb.local import APP_PASSWORD, LocalCluster, free_port

AS_ROOT = os.geteuid() == 0
# What the server programs may see: the minimal environment agentsdb gives them, what
# runuser sets for the `postgres` user, and what pg_ctl adds itself.
ALLOWED_ENV = {
    "PATH", "LANG", "LC_ALL", "HOME", "SHELL", "USER", "LOGNAME",
    "PWD", "PGDATA", "PG_GRANDPARENT_PID", "PGLOCALEDIR", "PGSYSCONFDIR",
}  # fmt: skip


def test_socket_and_folder_are_closed_to_other_users(cluster):
    assert stat.S_IMODE(cluster.home.stat().st_mode) == 0o700
    socket = cluster.home / f".s.PGSQL.{cluster.port}"
    assert stat.S_IMODE(socket.stat().st_mode) == 0o700


@pytest.mark.skipif(not AS_ROOT, reason="switching to another OS user needs root")
def test_another_os_user_cannot_connect(cluster, database):
    psql = shutil.which("psql")
    for conninfo in (
        cluster.admin_dsn(),
        f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres password={APP_PASSWORD}",
    ):
        proc = subprocess.run(
            ["runuser", "-u", "nobody", "--", psql, conninfo, "-tAc", "select 1"],
            capture_output=True,
            text=True,
            cwd="/",
            timeout=60,
        )
        assert proc.returncode != 0, f"user nobody connected with {conninfo}"
        assert "Permission denied" in proc.stderr or "password authentication" in proc.stderr


def test_tcp_needs_this_clusters_password(cluster, database):
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(
            f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres "
            f"password={APP_PASSWORD}"
        ).close()
    assert cluster.app_password != APP_PASSWORD
    assert stat.S_IMODE(cluster.password_file.stat().st_mode) == 0o600
    with psycopg.connect(cluster.url()) as conn:
        assert conn.execute("select current_user").fetchone()[0] == "postgres"


def test_the_server_starts_with_a_minimal_environment(monkeypatch):
    marker = "exported-secret-5521"
    monkeypatch.setenv("SUPABASE_SERVICE_ROLE_KEY", marker)
    monkeypatch.setenv("AGENTSDB_TEST_EXPORTED", marker)
    parent = Path(tempfile.mkdtemp(prefix="agentsdb-env-"))
    parent.chmod(0o755)
    local = LocalCluster(parent / "home", free_port())
    try:
        local.init()
        local.start()
        pid = (local.data_dir / "postmaster.pid").read_text().splitlines()[0]
        environ = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace")
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    finally:
        local.destroy()
        shutil.rmtree(parent, ignore_errors=True)
    names = {item.split("=", 1)[0] for item in environ.split("\0") if item}
    assert marker not in environ and marker not in cmdline
    assert names <= ALLOWED_ENV, names - ALLOWED_ENV
