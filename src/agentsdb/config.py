"""Settings, read from the environment and the project's `.env` (environment wins)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

DEFAULT_PORT = 54322  # the Supabase CLI's local database port


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


@dataclass(frozen=True)
class Settings:
    project_dir: Path
    state_dir: Path  # the local cluster's home: data directory, socket, log
    port: int
    database_url: str | None  # when set, commands use this database and start nothing

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
        env = {**dotenv_values(project / ".env"), **os.environ}
        port_text = env.get("AGENTSDB_PORT") or str(DEFAULT_PORT)
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ConfigError(f"AGENTSDB_PORT must be a TCP port number, got {port_text!r}")
        state = Path(env.get("AGENTSDB_HOME") or project / ".agentsdb").resolve()
        return cls(
            project_dir=project,
            state_dir=state,
            port=int(port_text),
            database_url=env.get("DATABASE_URL") or None,
        )
