"""The `agentsdb` command: the local database's lifecycle and the migrations."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from collections.abc import Sequence
from contextlib import contextmanager

import psycopg

from .config import ConfigError, Settings
from .local import LocalCluster, LocalError
from .migrations import MigrationError, Migrator, apply_platform


class CliError(Exception):
    """A problem the user can fix: printed as one line, exit status 1."""


def mask(url: str) -> str:
    """A connection URL without its password (the local default password is not secret)."""
    return re.sub(r"(://[^:/@]+:)[^@]+@", r"\1****@", url)


class Target:
    """The database commands act on: DATABASE_URL when set, else the local cluster."""

    def __init__(self, settings: Settings, dbname: str = "postgres"):
        self.settings = settings
        self.dbname = dbname  # of the local cluster
        self.remote = settings.database_url
        self.cluster = None if self.remote else LocalCluster(settings.state_dir, settings.port)

    @property
    def url(self) -> str:
        return self.remote or self.cluster.url(self.dbname)

    def shown_url(self) -> str:
        return mask(self.remote) if self.remote else self.cluster.url(self.dbname)

    def ensure_running(self) -> None:
        if self.cluster and not self.cluster.running():
            raise CliError("the local database is not running: start it with `agentsdb up`")

    @contextmanager
    def connect(self, admin: bool = False):
        if self.remote:
            dsn = self.remote
        elif admin:
            dsn = self.cluster.admin_dsn(self.dbname)
        else:
            dsn = self.cluster.app_dsn(self.dbname)
        try:
            conn = psycopg.connect(dsn, autocommit=True)
        except psycopg.OperationalError as exc:
            raise CliError(f"cannot connect to {self.shown_url()}: {exc}".strip()) from exc
        with conn:
            yield conn

    def migrator(self, conn: psycopg.Connection) -> Migrator:
        return Migrator(conn, self.settings.migrations_dir, self.settings.rollbacks_dir)

    def build(self, out) -> None:
        """Platform (where missing), pending migrations, then the seed if it changed."""
        with self.connect(admin=True) as conn:
            try:
                if apply_platform(conn, self.settings.platform_dir):
                    print("applied the local Supabase platform (sql/platform)", file=out)
            except MigrationError as exc:
                if self.remote and exc.cause.sqlstate == "42501":
                    raise CliError(
                        "the database at DATABASE_URL lacks the Supabase platform (roles, auth, "
                        "extensions) and this role may not create it: point DATABASE_URL at a "
                        "Supabase database, or apply sql/platform/*.sql there as a superuser"
                    ) from exc
                raise
        with self.connect() as conn:
            migrator = self.migrator(conn)
            applied = migrator.migrate(lambda m: print(f"applying {m.path.name}", file=out))
            print(
                f"{len(applied)} migration(s) applied, {len(migrator.applied())} in all", file=out
            )
            if migrator.seed(self.settings.seed_file, only_if_changed=True):
                print("seeded supabase/seed.sql", file=out)


def summary(conn: psycopg.Connection) -> list[tuple[str, int]]:
    """Row counts of the catalog tables that exist: proof the database answers."""
    rows = []
    for table in ("vendors", "vendor_services", "agent_features", "interaction_types"):
        exists = conn.execute("select to_regclass(%s) is not null", (f"public.{table}",))
        if exists.fetchone()[0]:
            count = conn.execute(f"select count(*) from public.{table}").fetchone()[0]
            rows.append((table, count))
    return rows


def cmd_up(target: Target, args, out) -> None:
    if target.cluster:
        if target.cluster.init():
            print(f"created a PostgreSQL cluster in {target.cluster.home}", file=out)
        if target.cluster.start():
            print(f"started PostgreSQL on port {target.cluster.port}", file=out)
        else:
            print("the local database is already running", file=out)
    target.build(out)
    with target.connect() as conn:
        for table, count in summary(conn):
            print(f"  {table}: {count} rows", file=out)
    print(f"agentsdb is up: {target.shown_url()}", file=out)


def cmd_down(target: Target, args, out) -> None:
    if target.remote:
        print("DATABASE_URL is set: agentsdb manages no server, nothing to stop", file=out)
    elif target.cluster.stop():
        print("stopped the local database", file=out)
    else:
        print("the local database is not running", file=out)


def cmd_status(target: Target, args, out) -> None:
    if target.cluster and not target.cluster.running():
        state = "stopped" if target.cluster.initialized else "not created"
        print(f"local database: {state} ({target.cluster.home})", file=out)
        raise SystemExit(3)
    with target.connect() as conn:
        migrator = target.migrator(conn)
        print(f"database: {target.shown_url()}", file=out)
        print(
            f"migrations: {len(migrator.applied())} applied, {len(migrator.pending())} pending",
            file=out,
        )
        for table, count in summary(conn):
            print(f"  {table}: {count} rows", file=out)


def cmd_reset(target: Target, args, out) -> None:
    if target.cluster:
        target.cluster.init()
        target.cluster.start()
        with psycopg.connect(target.cluster.admin_dsn("template1"), autocommit=True) as conn:
            conn.execute("drop database if exists postgres with (force)")
            conn.execute("create database postgres")
        print("dropped and recreated the local database", file=out)
    else:
        with target.connect() as conn:
            undone = target.migrator(conn).rollback(
                "0", lambda m: print(f"rolling back {m.path.name}", file=out)
            )
            print(f"{len(undone)} migration(s) rolled back", file=out)
    target.build(out)


def cmd_migrate(target: Target, args, out) -> None:
    target.ensure_running()
    target.build(out)


def cmd_rollback(target: Target, args, out) -> None:
    target.ensure_running()
    to = "0" if args.all else args.to
    with target.connect() as conn:
        try:
            undone = target.migrator(conn).rollback(
                to, lambda m: print(f"rolling back {m.path.name}", file=out)
            )
        except ValueError as exc:
            raise CliError(str(exc)) from exc
    print(f"{len(undone)} migration(s) rolled back", file=out)


def cmd_seed(target: Target, args, out) -> None:
    target.ensure_running()
    with target.connect() as conn:
        if not target.migrator(conn).seed(target.settings.seed_file):
            raise CliError(f"no seed file at {target.settings.seed_file}")
    print("seeded supabase/seed.sql", file=out)


def cmd_psql(target: Target, args, out) -> None:
    target.ensure_running()
    psql = shutil.which("psql")
    if not psql:
        raise CliError("psql not found: on Debian, sudo apt-get install postgresql-client-15")
    out.flush()
    os.execv(psql, [psql, target.url, *args.psql_args])  # noqa: S606 (psql replaces us)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agentsdb",
        description="Run agentsdb's local Supabase-compatible PostgreSQL and its migrations. "
        "With DATABASE_URL set (environment or .env), every command acts on that database "
        "and starts no server.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser(
        "up", help="create and start the local database, migrate and seed it (harmless to repeat)"
    ).set_defaults(func=cmd_up)
    sub.add_parser("down", help="stop the local database (data is kept)").set_defaults(
        func=cmd_down
    )
    sub.add_parser(
        "status", help="say whether it runs and which migrations are applied (exit 3 when stopped)"
    ).set_defaults(func=cmd_status)
    sub.add_parser(
        "reset", help="drop the database and rebuild it from the migrations and the seed"
    ).set_defaults(func=cmd_reset)
    sub.add_parser("migrate", help="apply pending migrations").set_defaults(func=cmd_migrate)
    rollback = sub.add_parser(
        "rollback", help="undo the newest migration, or all newer than --to VERSION"
    )
    group = rollback.add_mutually_exclusive_group()
    group.add_argument("--to", metavar="VERSION", help="keep VERSION and older applied")
    group.add_argument("--all", action="store_true", help="undo every migration")
    rollback.set_defaults(func=cmd_rollback)
    sub.add_parser("seed", help="apply supabase/seed.sql again").set_defaults(func=cmd_seed)
    psql = sub.add_parser("psql", help="open psql on the database (extra arguments go to psql)")
    psql.add_argument("psql_args", nargs=argparse.REMAINDER, metavar="ARGS")
    psql.set_defaults(func=cmd_psql)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if argv[:1] == ["psql"]:  # everything after `psql` belongs to psql, options included
        args = parser.parse_args(["psql"])
        args.psql_args = argv[1:]
    else:
        args = parser.parse_args(argv)
    out = sys.stdout
    try:
        target = Target(Settings.load())
        args.func(target, args, out)
    except (CliError, ConfigError, LocalError, MigrationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        print(f"error: database: {str(exc).strip()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
