"""Settings, read from the environment and the project's `.env` (environment wins).

One rule for every entry point (the CLI, `Client.from_env`, the scripts): the only `.env`
read is the one in the project folder (see `find_project_dir`), never one found by walking
up from wherever the process runs, and it is never written into `os.environ`, so child
processes (psql, the server) do not inherit its secrets."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

DEFAULT_PORT = 54322  # the Supabase CLI's local database port
# A Unix socket path holds at most 107 bytes; the server adds "/.s.PGSQL.NNNNN".
MAX_SOCKET_DIR = 107 - len("/.s.PGSQL.65535")
# pg_ctl starts the server through /bin/sh with the paths in double quotes.
UNSAFE_PATH_CHARS = set('"\\$`\n\r')


class ConfigError(Exception):
    """A setting is missing or malformed."""


def find_project_dir(start: Path | None = None) -> Path:
    """The folder that holds `supabase/migrations`: AGENTSDB_PROJECT_DIR, else the nearest
    parent of the working directory, else the checkout this package was installed from."""
    explicit = os.environ.get("AGENTSDB_PROJECT_DIR")
    if explicit:
        return Path(explicit).resolve()
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "supabase" / "migrations").is_dir():
            return candidate
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "supabase" / "migrations").is_dir():
        return checkout
    raise ConfigError(
        "no agentsdb project found: run inside a checkout (a folder with supabase/migrations) "
        "or set AGENTSDB_PROJECT_DIR"
    )


def project_environment(project_dir: Path | None = None) -> dict[str, str]:
    """The project's `.env` (only that file), overridden by the process environment. With
    no project folder found, the process environment alone. Nothing is written anywhere."""
    if project_dir is None:
        try:
            project_dir = find_project_dir()
        except ConfigError:
            return dict(os.environ)
    dotenv = project_dir / ".env"
    values = dotenv_values(dotenv) if dotenv.is_file() else {}
    return {**{k: v for k, v in values.items() if v is not None}, **os.environ}


def parse_port(text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,5}", text) or not 0 < int(text) < 65536:
        raise ConfigError(f"AGENTSDB_PORT must be a TCP port number, got {text!r}")
    return int(text)


def check_home(path: Path) -> Path:
    """AGENTSDB_HOME must be a path the server's tools can quote and a socket can live in."""
    text = str(path)
    bad = sorted(UNSAFE_PATH_CHARS & set(text))
    if bad:
        raise ConfigError(
            f"AGENTSDB_HOME {text!r} holds {' '.join(repr(c) for c in bad)}, which PostgreSQL's "
            "pg_ctl cannot quote: choose a folder without them"
        )
    if len(text.encode()) > MAX_SOCKET_DIR:
        raise ConfigError(
            f"AGENTSDB_HOME {text!r} is too long for the server's Unix socket "
            f"(at most {MAX_SOCKET_DIR} bytes): choose a shorter folder"
        )
    return path


@dataclass(frozen=True)
class Settings:
    project_dir: Path
    state_dir: Path  # the local cluster's home: data directory, socket, log
    port: int
    database_url: str | None  # when set, commands use this database and start nothing
    # The project's .env overridden by the process environment (see project_environment).
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ), repr=False)

    @property
    def migrations_dir(self) -> Path:
        return self.project_dir / "supabase" / "migrations"

    @property
    def rollbacks_dir(self) -> Path:
        return self.project_dir / "sql" / "rollbacks"

    @property
    def platform_dir(self) -> Path:
        return self.project_dir / "sql" / "platform"

    @property
    def seed_file(self) -> Path:
        return self.project_dir / "supabase" / "seed.sql"

    @classmethod
    def load(cls, project_dir: Path | None = None) -> Settings:
        project = project_dir or find_project_dir()
        env = project_environment(project)
        port = parse_port(env.get("AGENTSDB_PORT") or str(DEFAULT_PORT))
        state = Path(env.get("AGENTSDB_HOME") or project / ".agentsdb").resolve()
        database_url = env.get("DATABASE_URL") or None
        if not database_url:  # only the local cluster lives there
            check_home(state)
        return cls(
            project_dir=project,
            state_dir=state,
            port=port,
            database_url=database_url,
            env=env,
        )
