"""Apply, record and roll back the versioned SQL, the way the Supabase CLI does.

Each migration file runs as one transaction, statement by statement, and is recorded in
`supabase_migrations.schema_migrations (version, name, statements)`; a failure names the
file, the statement and the server's message, and leaves nothing of that file behind.
Every migration has a rollback of the same file name under `sql/rollbacks/`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg

FILE_NAME = re.compile(r"^([0-9]+)_(.*)\.sql$")  # the Supabase CLI's migration file pattern

HISTORY_DDL = """
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
  version text not null primary key
);
alter table supabase_migrations.schema_migrations add column if not exists statements text[];
alter table supabase_migrations.schema_migrations add column if not exists name text;
create table if not exists supabase_migrations.seed_files (
  path text not null primary key, hash text not null
);
"""


class MigrationError(Exception):
    """A SQL file failed; nothing of it was applied."""

    def __init__(self, path: Path, index: int, line: int, statement: str, cause: psycopg.Error):
        self.path, self.index, self.line, self.statement, self.cause = (
            path,
            index,
            line,
            statement,
            cause,
        )
        diag = cause.diag
        detail = f"\n  detail: {diag.message_detail}" if diag.message_detail else ""
        excerpt = statement if len(statement) < 300 else statement[:297] + "..."
        super().__init__(
            f"{path.name}: statement {index} (line {line}) failed: "
            f"[{diag.sqlstate}] {diag.message_primary}{detail}\n  statement: {excerpt}\n"
            f"  nothing of {path.name} was applied"
        )


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    path: Path

    @classmethod
    def from_path(cls, path: Path) -> Migration:
        match = FILE_NAME.match(path.name)
        if not match:
            raise ValueError(f"{path.name}: migration file names are <digits>_<name>.sql")
        return cls(match.group(1), match.group(2), path)


def split_statements(sql: str) -> list[tuple[int, str]]:
    """Split SQL into statements, returning (first line, text without the final `;`).

    Understands comments, quoted strings and identifiers, and dollar quoting, so semicolons
    inside function bodies do not split.
    """
    statements: list[tuple[int, str]] = []
    i, n, start = 0, len(sql), 0
    while i < n:
        c = sql[i]
        if c == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
        elif c == "/" and sql.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if sql.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif sql.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c in "'\"":
            escapes = c == "'" and i > 0 and sql[i - 1] in "eE"
            i += 1
            while i < n:
                if escapes and sql[i] == "\\":
                    i += 2
                elif sql[i] == c:
                    if i + 1 < n and sql[i + 1] == c:
                        i += 2
                    else:
                        break
                else:
                    i += 1
            i += 1
        elif (
            c == "$"
            and (m := re.match(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$", sql[i:]))
            and not (i > 0 and (sql[i - 1].isalnum() or sql[i - 1] == "_"))
        ):
            tag = m.group(0)
            end = sql.find(tag, i + len(tag))
            i = n if end < 0 else end + len(tag)
        elif c == ";":
            _append(statements, sql, start, i)
            i += 1
            start = i
        else:
            i += 1
    _append(statements, sql, start, n)
    return statements


def _append(out: list[tuple[int, str]], sql: str, start: int, end: int) -> None:
    chunk = sql[start:end]
    if not _strip_comments(chunk).strip():
        return
    offset = len(chunk) - len(chunk.lstrip())
    line = sql.count("\n", 0, start + offset) + 1
    out.append((line, chunk.strip()))


def _strip_comments(chunk: str) -> str:
    return re.sub(r"--[^\n]*|/\*.*?\*/", "", chunk, flags=re.S)


def run_file(conn: psycopg.Connection, path: Path) -> list[str]:
    """Run every statement of a file in the connection's current transaction."""
    texts = []
    for index, (line, statement) in enumerate(split_statements(path.read_text()), start=1):
        try:
            conn.execute(statement, prepare=False)
        except psycopg.Error as exc:
            raise MigrationError(path, index, line, statement, exc) from exc
        texts.append(statement)
    return texts


class Migrator:
    """Migrations, rollbacks and the seed against one database connection (autocommit)."""

    def __init__(self, conn: psycopg.Connection, migrations_dir: Path, rollbacks_dir: Path):
        self.conn = conn
        self.migrations_dir = migrations_dir
        self.rollbacks_dir = rollbacks_dir
        conn.autocommit = True
        conn.execute(HISTORY_DDL)

    def available(self) -> list[Migration]:
        return [Migration.from_path(p) for p in sorted(self.migrations_dir.glob("*.sql"))]

    def applied(self) -> list[str]:
        rows = self.conn.execute(
            "select version from supabase_migrations.schema_migrations order by version"
        ).fetchall()
        return [r[0] for r in rows]

    def pending(self) -> list[Migration]:
        done = set(self.applied())
        return [m for m in self.available() if m.version not in done]

    def apply(self, migration: Migration) -> None:
        with self.conn.transaction():
            # Fail fast rather than queue behind live traffic (squawk's timeout rules).
            self.conn.execute("set local lock_timeout = '10s'")
            statements = run_file(self.conn, migration.path)
            self.conn.execute(
                "insert into supabase_migrations.schema_migrations (version, name, statements)"
                " values (%s, %s, %s)",
                (migration.version, migration.name, statements),
            )

    def migrate(self, progress: Callable[[Migration], None] | None = None) -> list[Migration]:
        todo = self.pending()
        for migration in todo:
            if progress:
                progress(migration)
            self.apply(migration)
        return todo

    def rollback_path(self, migration: Migration) -> Path:
        return self.rollbacks_dir / migration.path.name

    def rollback(
        self,
        to_version: str | None = None,
        progress: Callable[[Migration], None] | None = None,
    ) -> list[Migration]:
        """Undo the newest applied migration, or every one newer than `to_version`
        ("0" undoes them all), newest first, each in its own transaction."""
        by_version = {m.version: m for m in self.available()}
        applied = self.applied()
        if to_version is None:
            targets = applied[-1:]
        else:
            if to_version != "0" and to_version not in applied:
                raise ValueError(f"version {to_version} is not applied")
            targets = [v for v in applied if v > to_version]
        done = []
        for version in reversed(targets):
            migration = by_version.get(version)
            if migration is None:
                raise ValueError(f"version {version} is applied but its file is missing")
            path = self.rollback_path(migration)
            if not path.exists():
                raise ValueError(f"{migration.path.name} has no rollback at {path}")
            if progress:
                progress(migration)
            with self.conn.transaction():
                run_file(self.conn, path)
                self.conn.execute(
                    "delete from supabase_migrations.schema_migrations where version = %s",
                    (version,),
                )
                # What the seed wrote may be gone with the rollback: seed again next time.
                self.conn.execute("delete from supabase_migrations.seed_files")
            done.append(migration)
        return done

    def seed(self, seed_file: Path, only_if_changed: bool = False) -> bool:
        """Apply the seed (idempotent upserts) and record its hash, as the CLI does."""
        if not seed_file.exists():
            return False
        digest = hashlib.sha256(seed_file.read_bytes()).hexdigest()
        if only_if_changed:
            row = self.conn.execute(
                "select hash from supabase_migrations.seed_files where path = %s",
                (seed_file.name,),
            ).fetchone()
            if row and row[0] == digest:
                return False
        with self.conn.transaction():
            run_file(self.conn, seed_file)
            self.conn.execute(
                "insert into supabase_migrations.seed_files (path, hash) values (%s, %s)"
                " on conflict (path) do update set hash = excluded.hash",
                (seed_file.name, digest),
            )
        return True


def apply_platform(conn: psycopg.Connection, platform_dir: Path) -> bool:
    """Create the Supabase platform on plain PostgreSQL. Skipped where it already exists
    (auth.uid() is there), so a real Supabase project's defaults are never touched."""
    conn.autocommit = True
    if conn.execute("select to_regprocedure('auth.uid()') is not null").fetchone()[0]:
        return False
    with conn.transaction():
        for path in sorted(platform_dir.glob("*.sql")):
            run_file(conn, path)
    return True
