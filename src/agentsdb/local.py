"""The local PostgreSQL 15 cluster that stands in for Supabase's database.

The cluster lives in one directory (data, socket, log). Its superuser is `supabase_admin`,
as on the platform, so `postgres` is an ordinary role and migrations are proven to need no
superuser. PostgreSQL refuses to run as root: under root the server runs as the `postgres`
system user, which then owns the directory.

The database is its owner's alone: the directory and the socket are closed to other users
(0700), TCP (127.0.0.1 only) needs the `postgres` role's password, which is random per
cluster and kept in `password` (0600) in the directory, and the server starts with a minimal
environment, so nothing exported in the shell that ran `agentsdb up` reaches it.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from psycopg import sql
from psycopg.conninfo import make_conninfo

ADMIN_ROLE = "supabase_admin"
APP_ROLE = "postgres"
# The Supabase CLI's well-known local password: what sql/platform gives `postgres`, kept only
# for a cluster created before agentsdb gave each cluster its own random password.
APP_PASSWORD = "postgres"  # noqa: S105
# The whole environment the server programs get (PostgreSQL needs nothing else).
SERVER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SERVER_ENV = {"PATH": SERVER_PATH, "LANG": "C", "LC_ALL": "C"}
MIN_MAJOR = 15
DEBIAN_PACKAGES = (
    "postgresql-15 postgresql-15-pgtap postgresql-15-cron postgresql-15-plpgsql-check "
    "libtap-parser-sourcehandler-pgtap-perl"
)


class LocalError(Exception):
    """Something a user can fix prevents the local database from running."""


def find_bindir() -> Path:
    """AGENTSDB_PG_BIN, else the newest /usr/lib/postgresql/N/bin (N >= 15), else PATH."""
    explicit = os.environ.get("AGENTSDB_PG_BIN")
    candidates: list[Path] = []
    if explicit:
        candidates.append(Path(explicit))
    else:
        debian = Path("/usr/lib/postgresql")
        if debian.is_dir():
            versions = sorted(
                (p for p in debian.iterdir() if p.name.isdigit() and int(p.name) >= MIN_MAJOR),
                key=lambda p: int(p.name),
                reverse=True,
            )
            candidates.extend(v / "bin" for v in versions)
        on_path = shutil.which("initdb")
        if on_path:
            candidates.append(Path(on_path).resolve().parent)
    for bindir in candidates:
        if all((bindir / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    where = f"in AGENTSDB_PG_BIN={explicit}" if explicit else "on this machine"
    raise LocalError(
        f"PostgreSQL {MIN_MAJOR}+ server binaries (initdb, pg_ctl, postgres) not found {where}. "
        f"On Debian or Ubuntu: sudo apt-get install {DEBIAN_PACKAGES}"
    )


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LocalCluster:
    home: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def log_file(self) -> Path:
        return self.home / "postgres.log"

    @property
    def as_root(self) -> bool:
        return os.geteuid() == 0

    # -- running server programs ------------------------------------------------------
    def _server_user_prefix(self) -> list[str]:
        if not self.as_root:
            return []
        try:
            pwd.getpwnam("postgres")
        except KeyError as exc:
            raise LocalError(
                "running as root: PostgreSQL must run as an ordinary user, and the `postgres` "
                "system user does not exist (install postgresql-15, or run as another user)"
            ) from exc
        return ["runuser", "-u", "postgres", "--"]

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [*self._server_user_prefix(), str(find_bindir() / tool), *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd="/", env=SERVER_ENV)
        if check and proc.returncode != 0:
            raise LocalError(f"{tool} failed: {(proc.stderr or proc.stdout).strip()}")
        return proc

    def _prepare_home(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.home.chmod(0o700)
        if self.as_root:
            entry = pwd.getpwnam("postgres")
            os.chown(self.home, entry.pw_uid, entry.pw_gid)
            probe = subprocess.run(
                ["runuser", "-u", "postgres", "--", "test", "-w", str(self.home)],
                capture_output=True,
                env=SERVER_ENV,
            )
            if probe.returncode != 0:
                raise LocalError(
                    f"the postgres system user cannot write to {self.home} (a parent folder "
                    "is closed to it); set AGENTSDB_HOME to a folder that user can reach"
                )

    # -- lifecycle ----------------------------------------------------------------------
    @property
    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def init(self) -> bool:
        """Create the cluster if absent. Returns True when it was created now."""
        if self.initialized:
            return False
        find_bindir()  # fail on missing binaries before touching the filesystem
        self._prepare_home()
        pwfile = self.home / "initdb.pw"
        pwfile.write_text(secrets.token_hex(16) + "\n")
        if self.as_root:
            entry = pwd.getpwnam("postgres")
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        pwfile.chmod(0o600)
        try:
            self._run(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                ADMIN_ROLE,
                "-E",
                "UTF8",
                "--locale=C",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                f"--pwfile={pwfile}",
            )
        finally:
            pwfile.unlink(missing_ok=True)
        self._write_password()
        settings = [
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = {conf_string(list_entry(str(self.home)))}",
            "unix_socket_permissions = 0700",
            # A throwaway development database: durability traded for speed.
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
        ]
        if self.has_pg_cron():
            settings += ["shared_preload_libraries = 'pg_cron'", "cron.database_name = 'postgres'"]
        with open(self.data_dir / "postgresql.conf", "a") as conf:
            conf.write("\n# agentsdb\n" + "\n".join(settings) + "\n")
        return True

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    def _write_password(self) -> None:
        """A random password for `postgres` over TCP, readable by the CLI's user alone."""
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(24) + "\n")

    @property
    def app_password(self) -> str:
        try:
            return self.password_file.read_text().strip()
        except FileNotFoundError:
            return APP_PASSWORD

    def secure_roles(self, conn) -> None:
        """Give `postgres` this cluster's own password (sql/platform sets the well-known one).
        `conn` is a superuser connection to the cluster."""
        if not self.password_file.exists():
            self._write_password()
        conn.execute(
            sql.SQL("alter role {} password {}").format(
                sql.Identifier(APP_ROLE), sql.Literal(self.app_password)
            )
        )

    def running_port(self) -> int | None:
        """The port the server of this directory listens on, when it runs."""
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
            return int(lines[3])
        except (OSError, IndexError, ValueError):
            return None

    @staticmethod
    def has_pg_cron() -> bool:
        bindir = find_bindir()
        libdir = bindir.parent / "lib"
        return (libdir / "pg_cron.so").exists()

    def running(self) -> bool:
        if not self.initialized:
            return False
        return self._run("pg_ctl", "status", "-D", str(self.data_dir), check=False).returncode == 0

    def start(self) -> bool:
        """Start the server if it is not running. Returns True when it was started now."""
        if self.running():
            return False
        self.home.chmod(0o700)  # also for a cluster created before it was closed
        if port_in_use(self.port):
            raise LocalError(
                f"port {self.port} is already in use by another program; stop it or set "
                "AGENTSDB_PORT to a free port"
            )
        proc = self._run(
            "pg_ctl",
            "start",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {self.port} -c unix_socket_permissions=0700",
            check=False,
        )
        if proc.returncode != 0:
            tail = ""
            if self.log_file.exists():
                tail = "\n".join(self.log_file.read_text(errors="replace").splitlines()[-10:])
            raise LocalError(f"the server did not start (log {self.log_file}):\n{tail}")
        return True

    def stop(self) -> bool:
        """Stop the server if it runs. Returns True when it was stopped now."""
        if not self.running():
            return False
        self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "fast", "-w")
        return True

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)

    # -- connecting -----------------------------------------------------------------------
    def admin_dsn(self, dbname: str = "postgres") -> str:
        """Superuser, over the socket (the owner's alone, so trusted)."""
        return make_conninfo(host=str(self.home), port=self.port, user=ADMIN_ROLE, dbname=dbname)

    def app_dsn(self, dbname: str = "postgres") -> str:
        """The `postgres` role, over the socket: what migrations and tests run as."""
        return make_conninfo(host=str(self.home), port=self.port, user=APP_ROLE, dbname=dbname)

    def url(self, dbname: str = "postgres") -> str:
        """The URL apps use, over TCP with this cluster's password."""
        return f"postgresql://{APP_ROLE}:{self.app_password}@127.0.0.1:{self.port}/{dbname}"


def conf_string(value: str) -> str:
    """A postgresql.conf string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def list_entry(path: str) -> str:
    """One entry of a comma-separated directory list (unix_socket_directories), quoted."""
    return '"' + path.replace('"', '""') + '"'
