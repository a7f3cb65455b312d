"""The `agentsdb` command: the local database's lifecycle and the migrations."""

from __future__ import annotations

import argparse
import datetime
import getpass
import json
import os
import re
import shutil
import sys
from collections.abc import Sequence
from contextlib import contextmanager

import psycopg
from dotenv import load_dotenv

from . import catalog, demo, typegen
from .client import Client
from .config import ConfigError, Settings
from .errors import AgentsDBError
from .local import LocalCluster, LocalError
from .migrations import MigrationError, Migrator, apply_platform
from .text import format_table


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


# -- app commands: act through the client, as an app or a backend service would ---------------


def client_for(target: Target, args) -> Client:
    """SUPABASE_URL (+ keys, and SUPABASE_ACCESS_TOKEN for --user) when set, else the target
    database over psycopg; as the user given with --user, the service role with
    --service-role, else anon."""
    user = getattr(args, "user", None)
    load_dotenv(target.settings.project_dir / ".env")  # the environment still wins
    if not os.environ.get("SUPABASE_URL"):
        target.ensure_running()
    try:
        return Client.from_env(
            user_id=user,
            access_token=os.environ.get("SUPABASE_ACCESS_TOKEN") if user else None,
            service_role=getattr(args, "service_role", False),
            dsn=target.url,
        )
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def parse_value(text: str):
    """key=value arguments: JSON when it parses (numbers, booleans, null, objects), else text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def print_rows(rows, out, as_json: bool) -> None:
    if as_json:
        print(json.dumps(rows, indent=2, default=str), file=out)
        return
    if not isinstance(rows, list):
        print(rows, file=out)
        return
    if not rows:
        print("(no rows)", file=out)
        return
    columns = list(rows[0])
    cells = [["" if r.get(c) is None else str(r.get(c)) for c in columns] for r in rows]
    print(format_table(columns, cells, max_width=40), file=out)


def cmd_rpc(target: Target, args, out) -> None:
    params = {}
    for pair in args.params:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise CliError(f"arguments are key=value, got {pair!r}")
        params[key] = parse_value(value)
    client = client_for(target, args)
    try:
        result = client.transport.rpc(args.name, params)
    except AgentsDBError as exc:
        raise CliError(f"{args.name}: {exc}") from exc
    print_rows(result, out, args.json)


def cmd_catalog(target: Target, args, out) -> None:
    seed = target.settings.seed_file
    if args.action == "render":
        text = catalog.render()
        if args.write:
            seed.write_text(text)
            print(f"wrote {seed}", file=out)
        elif args.check:
            if not seed.exists() or seed.read_text() != text:
                raise CliError(
                    f"{seed} differs from catalog.toml: run `agentsdb catalog render --write`"
                )
            print(f"{seed} matches catalog.toml", file=out)
        else:
            print(text, file=out, end="")
        return
    args.service_role = True
    client = client_for(target, args)
    try:
        counts = catalog.sync(client)
    except AgentsDBError as exc:
        raise CliError(f"catalog sync: {exc}") from exc
    for table, count in counts.items():
        print(f"  {table}: {count} upserted", file=out)


def cmd_keys_add(target: Target, args, out) -> None:
    if sys.stdin.isatty():
        key = getpass.getpass(f"API key for {args.vendor}: ")
    else:
        key = sys.stdin.readline().rstrip("\n")
    if not key:
        raise CliError("no API key given (type it at the prompt or pipe it on standard input)")
    client = client_for(target, args)
    try:
        stored = client.store_api_key(
            args.vendor, key, service_id=args.service, display_name=args.name
        )
    except AgentsDBError as exc:
        raise CliError(f"keys add: {exc}") from exc
    scope = f"{stored.vendor_id}/{stored.service_id}" if stored.service_id else stored.vendor_id
    print(f"stored the key for {scope} (ending in {stored.key_preview}), id {stored.id}", file=out)


def progress_printer(label: str):
    """A progress bar on a terminal; a line every tenth of the way otherwise (logs, CI)."""
    tty = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        if tty:
            filled = int(30 * done / total)
            sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
            if done == total:
                sys.stderr.write("\n")
        elif done == total or done % max(1, total // 10) == 0:
            print(f"{label}: {done}/{total}", file=sys.stderr)
        sys.stderr.flush()

    return show


def cmd_stats_refresh(target: Target, args, out) -> None:
    today = datetime.date.today()
    if args.since:
        first, last = args.since, today - datetime.timedelta(days=1)
        if first > last:
            raise CliError(f"--since {first} is not before today")
    else:
        first = last = args.date or today - datetime.timedelta(days=1)
    args.service_role = True
    client = client_for(target, args)
    days = (last - first).days + 1
    show = progress_printer("refreshing statistics")
    written = 0
    for n in range(days):
        try:
            written += client.refresh_usage_stats(first + datetime.timedelta(days=n))
        except AgentsDBError as exc:
            raise CliError(f"stats refresh: {exc}") from exc
        show(n + 1, days)
    print(f"refreshed {days} day(s) from {first} to {last}: {written} row(s) written", file=out)


def cmd_demo(target: Target, args, out) -> None:
    if target.remote and not args.yes:
        raise CliError("demo writes two demo users and their data: on DATABASE_URL pass --yes")
    target.ensure_running()
    try:
        demo.run(
            target.url,
            lambda line: print(line, file=out),
            progress_printer("refreshing statistics"),
        )
    except AgentsDBError as exc:
        raise CliError(f"demo: {exc}") from exc


def cmd_types(target: Target, args, out) -> None:
    target.ensure_running()
    typegen.command(target.settings.project_dir, target.url, args.lang, args.check, out)


def iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


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

    rpc = sub.add_parser(
        "rpc", help="call an RPC (a function the API exposes) and print the result"
    )
    rpc.add_argument("name", help="function name in the public schema")
    rpc.add_argument(
        "params",
        nargs="*",
        metavar="KEY=VALUE",
        help="named arguments; values are JSON when they parse, else text",
    )
    who = rpc.add_mutually_exclusive_group()
    who.add_argument("--user", metavar="UUID", help="act as this signed-in user")
    who.add_argument("--service-role", action="store_true", help="act as service_role")
    rpc.add_argument("--json", action="store_true", help="print JSON instead of a table")
    rpc.set_defaults(func=cmd_rpc)

    cat = sub.add_parser(
        "catalog",
        help="the vendor catalog: render seed.sql from catalog.toml, "
        "or sync it into the database through the admin RPCs",
    )
    cat.add_argument("action", choices=["render", "sync"])
    mode = cat.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="render: write supabase/seed.sql")
    mode.add_argument(
        "--check",
        action="store_true",
        help="render: fail if supabase/seed.sql differs from catalog.toml",
    )
    cat.set_defaults(func=cmd_catalog)

    keys = sub.add_parser("keys", help="vendor API keys")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    add = keys_sub.add_parser(
        "add",
        help="store a vendor API key for a user; the key is read "
        "without echo (or from standard input) and never printed",
    )
    add.add_argument("vendor", help="vendor id, e.g. openai")
    add.add_argument("service", nargs="?", help="optional vendor service id, e.g. openai_gpt4o")
    add.add_argument("--user", required=True, metavar="UUID", help="the user who owns the key")
    add.add_argument("--name", help="a display name for the key")
    add.set_defaults(func=cmd_keys_add)

    stats = sub.add_parser("stats", help="daily usage statistics")
    stats_sub = stats.add_subparsers(dest="stats_command", required=True, metavar="ACTION")
    refresh = stats_sub.add_parser(
        "refresh", help="recompute ai_usage_stats (default: yesterday), as service_role"
    )
    when = refresh.add_mutually_exclusive_group()
    when.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="one day")
    when.add_argument(
        "--since", type=iso_date, metavar="YYYY-MM-DD", help="every day from this one to yesterday"
    )
    refresh.set_defaults(func=cmd_stats_refresh)

    demo_cmd = sub.add_parser(
        "demo",
        help="create two demo users with agents, keys and three "
        "weeks of usage, and print what each of them sees",
    )
    demo_cmd.add_argument(
        "--yes", action="store_true", help="allow writing demo data to DATABASE_URL"
    )
    demo_cmd.set_defaults(func=cmd_demo)

    types_cmd = sub.add_parser(
        "types",
        help="write the database's TypeScript and Python types (Supabase's generator) "
        "to functions/_shared/database.types.ts and src/agentsdb/database_types.py",
    )
    types_cmd.add_argument("--lang", choices=typegen.LANGUAGES, help="only this language")
    types_cmd.add_argument(
        "--check", action="store_true", help="fail if a committed file differs from the schema"
    )
    types_cmd.set_defaults(func=cmd_types)
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
    except (CliError, ConfigError, LocalError, MigrationError, typegen.TypegenError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except psycopg.Error as exc:
        print(f"error: database: {str(exc).strip()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
