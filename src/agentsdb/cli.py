"""The `agentsdb` command: the local database's lifecycle and the migrations."""

from __future__ import annotations

import argparse
import datetime
import getpass
import io
import json
import os
import re
import shutil
import sys
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from . import apidoc, catalog, demo, typegen
from .client import Client
from .config import ConfigError, Settings
from .errors import AgentsDBError
from .local import LocalCluster, LocalError
from .migrations import MigrationError, Migrator, apply_platform
from .text import cell, connect_error, format_table, redact, visible
from .transport.supabase import jwt_subject

# Settings whose values are secret: masked in every message the CLI prints.
SECRET_SETTINGS = (
    "DATABASE_URL",
    "SUPABASE_ANON_KEY",
    "SUPABASE_SERVICE_ROLE_KEY",
    "SUPABASE_ACCESS_TOKEN",
    "SUPABASE_URL",
)


# What a key or token may hold to travel in an HTTP header: printable ASCII, no space.
HEADER_SAFE = re.compile(r"[\x21-\x7e]+")


class CliError(Exception):
    """A problem the user can fix: printed as one line, exit status 1."""


def mask(url: str) -> str:
    """A connection URL without its password."""
    return redact(url, [url])


# The scratch database that docs/api.md and the types are generated from.
SCRATCH_DB = "agentsdb_generated"


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

    @contextmanager
    def schema_database(self) -> Iterator[str]:
        """The URL of a database holding the migrations and the seed alone, for what is
        generated from the schema (docs/api.md, the types): DATABASE_URL as it is; else a
        scratch database on the local cluster (started for the occasion when it is not
        running), dropped afterwards, so local experiments never leak in."""
        if not self.cluster:
            yield self.url
            return
        self.check_port()
        started = self.cluster.init() | self.cluster.start()  # one command, even cold
        admin = self.cluster.admin_dsn()
        try:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'drop database if exists "{SCRATCH_DB}" with (force)')
                conn.execute(f'create database "{SCRATCH_DB}"')
            try:
                scratch = Target(self.settings, SCRATCH_DB)
                scratch.build(io.StringIO())
                yield scratch.url
            finally:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'drop database if exists "{SCRATCH_DB}" with (force)')
        finally:
            if started:
                self.cluster.stop()

    def ensure_running(self) -> None:
        if self.cluster and not self.cluster.running():
            raise CliError("the local database is not running: start it with `agentsdb up`")
        self.check_port()

    def check_port(self) -> None:
        """The cluster of AGENTSDB_HOME runs on one port; asking for another is a mistake to
        name, not a connection failure to report."""
        if not self.cluster:
            return
        actual = self.cluster.running_port()
        if actual is not None and actual != self.cluster.port:
            raise CliError(
                f"the local database in {self.cluster.home} is running on port {actual}, not on "
                f"AGENTSDB_PORT={self.cluster.port}: use port {actual}, or stop it "
                f"(`AGENTSDB_PORT={actual} agentsdb down`) and start it again on the new port"
            )

    @contextmanager
    def connect(self, admin: bool = False):
        if self.remote:
            dsn = self.remote
        elif admin:
            dsn = self.cluster.admin_dsn(self.dbname)
        else:
            dsn = self.cluster.app_dsn(self.dbname)
        failure = None
        try:
            conn = psycopg.connect(dsn, autocommit=True)
        except psycopg.Error as exc:
            failure = connect_error(exc, dsn)
        if failure:  # raised outside the handler: the raw error (and the password) is dropped
            raise CliError(f"cannot connect to {self.shown_url()}: {failure}")
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
            if self.cluster:
                self.cluster.secure_roles(conn)
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
    for table in catalog.TABLES:
        exists = conn.execute("select to_regclass(%s) is not null", (f"public.{table}",))
        if exists.fetchone()[0]:
            count = conn.execute(f"select count(*) from public.{table}").fetchone()[0]
            rows.append((table, count))
    return rows


def cmd_up(target: Target, args, out) -> None:
    if target.cluster:
        target.check_port()
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
    target.check_port()
    with target.connect() as conn:
        migrator = target.migrator(conn)
        if target.cluster:
            print(
                f"local database: running on port {target.cluster.port} ({target.cluster.home})",
                file=out,
            )
        else:
            print("database (DATABASE_URL): answering", file=out)
        print(f"database: {target.shown_url()}", file=out)
        pending = migrator.pending()
        print(f"migrations: {len(migrator.applied())} applied, {len(pending)} pending", file=out)
        for migration in pending:
            print(f"  pending: {migration.path.name}", file=out)
        for table, count in summary(conn):
            print(f"  {table}: {count} rows", file=out)
        for line in scheduled_jobs(conn):
            print(line, file=out)


def scheduled_jobs(conn: psycopg.Connection) -> list[str]:
    """Whether pg_cron runs agentsdb's daily jobs, their last runs, and when the statistics
    last changed: on a hosted project pg_cron is off until enabled, and then nothing
    refreshes."""
    lines = []
    if conn.execute("select to_regprocedure('private.job_status()') is not null").fetchone()[0]:
        jobs = conn.execute(
            "select job_name, schedule, pg_cron_enabled, scheduled, last_run_at, last_run_status"
            " from private.job_status()"
        ).fetchall()
        fix = "agentsdb rpc schedule_agentsdb_jobs --service-role"
        if jobs and not jobs[0][2]:
            lines.append(
                "scheduled jobs: none, pg_cron is not enabled (statistics refresh only when"
                f" asked); enable pg_cron, then: {fix}"
            )
            jobs = []
        for name, schedule, _, scheduled, last_at, last_status in jobs:
            state = f"scheduled {schedule} (UTC)" if scheduled else f"NOT scheduled; run: {fix}"
            last = (
                f"last run {last_at:%Y-%m-%d %H:%M} UTC {last_status}" if last_at else "never run"
            )
            lines.append(f"job {name}: {state}, {last}")
    if conn.execute("select to_regclass('public.ai_usage_stats') is not null").fetchone()[0]:
        last = conn.execute("select max(updated_at) from public.ai_usage_stats").fetchone()[0]
        when = f"{last:%Y-%m-%d %H:%M} UTC" if last else "never"
        lines.append(f"usage statistics last refreshed: {when}")
    return lines


def cmd_reset(target: Target, args, out) -> None:
    if target.cluster:
        target.cluster.init()
        target.cluster.start()
        with psycopg.connect(target.cluster.admin_dsn("template1"), autocommit=True) as conn:
            conn.execute("drop database if exists postgres with (force)")
            conn.execute("create database postgres")
        print("dropped and recreated the local database", file=out)
    else:
        if not args.yes:
            raise CliError(
                "reset drops every agentsdb table and its data in the database at DATABASE_URL: "
                "pass --yes to do it"
            )
        with target.connect() as conn:
            migrator = target.migrator(conn)
            check_rollbacks(migrator)
            undone = migrator.rollback(
                "0", lambda m: print(f"rolling back {m.path.name}", file=out)
            )
            print(f"{len(undone)} migration(s) rolled back", file=out)
    target.build(out)


def check_rollbacks(migrator: Migrator, to_version: str = "0") -> None:
    """Every migration to undo has its file and its rollback, checked before undoing any."""
    by_version = {m.version: m for m in migrator.available()}
    for version in (v for v in migrator.applied() if v > to_version):
        migration = by_version.get(version)
        if migration is None:
            raise CliError(
                f"migration {version} is applied but its file is missing: nothing undone"
            )
        if not migrator.rollback_path(migration).exists():
            raise CliError(
                f"{migration.path.name} has no rollback at {migrator.rollback_path(migration)}: "
                "nothing undone"
            )


def cmd_migrate(target: Target, args, out) -> None:
    target.ensure_running()
    target.build(out)


def cmd_rollback(target: Target, args, out) -> None:
    target.ensure_running()
    to = "0" if args.all else args.to
    with target.connect() as conn:
        try:
            if to is not None:
                check_rollbacks(target.migrator(conn), to)
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
    """psql on the database; the password never goes on its command line (visible in `ps`):
    the local cluster is reached over its socket, DATABASE_URL's password goes in PGPASSWORD
    of psql's environment alone."""
    target.ensure_running()
    psql = shutil.which("psql")
    if not psql:
        raise CliError("psql not found: on Debian, sudo apt-get install postgresql-client-15")
    env = dict(os.environ)
    for name in ("PGPASSWORD", "PGPASSFILE"):
        env.pop(name, None)
    if target.remote:
        failure = None
        try:
            params = conninfo_to_dict(target.remote)
        except psycopg.Error as exc:
            failure = connect_error(exc, target.remote)
        if failure:
            raise CliError(f"DATABASE_URL: {failure}")
        password = params.pop("password", None)
        if password is not None:
            env["PGPASSWORD"] = str(password)
        conninfo = make_conninfo(**params)
        # psql would print a bad setting (a password read as a port, say) as it is: connect
        # once here, where the error is redacted, before handing over.
        with target.connect():
            pass
    else:
        conninfo = target.cluster.app_dsn(target.dbname)
    out.flush()
    os.execve(psql, [psql, conninfo, *args.psql_args], env)  # noqa: S606 (psql replaces us)


# -- app commands: act through the client, as an app or a backend service would ---------------


def uses_api(target: Target) -> bool:
    return bool(target.settings.env.get("SUPABASE_URL"))


def client_for(target: Target, args) -> Client:
    """SUPABASE_URL (+ keys, and SUPABASE_ACCESS_TOKEN for --user) when set, else the target
    database over psycopg; as the user given with --user, the service role with
    --service-role, else anon. Contradictions are refused, never resolved silently."""
    env = target.settings.env
    user = getattr(args, "user", None)
    service_role = getattr(args, "service_role", False)
    if user:
        try:
            user = str(uuid.UUID(user))
        except ValueError:
            raise CliError(f"--user must be a user id (a UUID), got {visible(user)!r}") from None
    token = env.get("SUPABASE_ACCESS_TOKEN") if user else None
    if uses_api(target):
        for name in ("SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_ACCESS_TOKEN"):
            value = env.get(name)
            if value and not HEADER_SAFE.fullmatch(value):
                raise CliError(
                    f"{name} holds a space, a control or a non-ASCII character: it cannot be "
                    "sent in an HTTP header (was it pasted whole?)"
                )
        if user and not token:
            raise CliError(
                "SUPABASE_URL is set: acting as --user needs that user's access token in "
                "SUPABASE_ACCESS_TOKEN"
            )
        if user and jwt_subject(token) != user:
            raise CliError(
                f"SUPABASE_URL is set: the access token in SUPABASE_ACCESS_TOKEN is not user "
                f"{user}'s (its subject is {jwt_subject(token) or 'unreadable'}): the request "
                "would run as the token's user, so it is refused"
            )
    else:
        target.ensure_running()
    failure = None
    try:
        client = Client.from_env(
            user_id=user,
            access_token=token,
            service_role=service_role,
            dsn=target.url,
            env=env,
        )
    except Exception as exc:  # noqa: BLE001 (any malformed setting: one line, redacted)
        failure = redact(str(exc) or type(exc).__name__, secret_values(env))
    if failure:
        raise CliError(failure)
    return client


def secret_values(env) -> list[str]:
    return [env.get(name) for name in SECRET_SETTINGS if env.get(name)]


def parse_value(key: str, text: str):
    """key=value arguments: JSON when it parses (numbers, booleans, null, objects), else text."""
    try:
        return json.loads(text)
    except RecursionError:
        raise CliError(f"{key}: the JSON value is nested too deeply") from None
    except ValueError:
        return text


def print_rows(rows, out, as_json: bool) -> None:
    if as_json:
        try:
            text = json.dumps(rows, indent=2, default=str)
        except RecursionError:
            raise CliError("the result is nested too deeply to print as JSON") from None
        print(text, file=out)
        return
    if not isinstance(rows, list):
        print(visible(cell(rows)), file=out)
        return
    if not rows:
        print("(no rows)", file=out)
        return
    columns = list(rows[0])
    cells = [[cell(r.get(c)) for c in columns] for r in rows]
    print(format_table(columns, cells, max_width=40), file=out)


def function_arguments(target: Target, name: str) -> list[tuple[str, str, bool]] | None:
    """(name, type, has a default) of public.NAME's arguments, read from the database's
    catalog; None when there is not exactly one such function."""
    with target.connect() as conn:
        rows = conn.execute(
            "select p.proargnames, p.proargmodes::text[], p.proargtypes::regtype[]::text[],"
            " p.pronargdefaults from pg_proc as p"
            " where p.pronamespace = 'public'::regnamespace and p.proname = %s",
            (name,),
        ).fetchall()
    if len(rows) != 1:
        return None
    names, modes, types, defaults = rows[0]
    names = names or [""] * len(types)
    if modes:  # OUT and TABLE columns are named too: keep the input arguments, in order
        names = [n for n, m in zip(names, modes, strict=True) if m in ("i", "b", "v")]
    count = len(types)
    return [(names[i], types[i], i >= count - defaults) for i in range(count)]


def check_arguments(target: Target, name: str, params: dict) -> None:
    """Name a missing or unknown argument before calling, rather than let the database say
    the function does not exist."""
    signature = function_arguments(target, name)
    if signature is None:
        return  # the call itself reports an unknown function
    takes = ", ".join(f"{n} {t}" + (" (optional)" if d else "") for n, t, d in signature)
    unknown = sorted(set(params) - {n for n, _, _ in signature})
    if unknown:
        raise CliError(
            f"{name}: no argument named {', '.join(map(visible, unknown))}; it takes: {takes}"
        )
    missing = [n for n, _, has_default in signature if not has_default and n not in params]
    if missing:
        raise CliError(f"{name}: missing argument {', '.join(missing)}; it takes: {takes}")


def cmd_rpc(target: Target, args, out) -> None:
    params = {}
    for pair in args.params:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise CliError(f"arguments are key=value, got {visible(pair)!r}")
        params[key] = parse_value(key, value)
    client = client_for(target, args)
    if not uses_api(target):
        check_arguments(target, args.name, params)
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
            if not is_agentsdb_project(target.settings.project_dir):
                raise CliError(
                    f"{target.settings.project_dir} is not the agentsdb project (no "
                    "src/agentsdb/catalog.toml): refusing to overwrite its supabase/seed.sql"
                )
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


def is_agentsdb_project(folder) -> bool:
    """The agentsdb source checkout (where seed.sql is rendered from catalog.toml), not an
    app's Supabase project that merely deploys agentsdb's migrations."""
    return (folder / "src" / "agentsdb" / "catalog.toml").is_file()


def cmd_keys_add(target: Target, args, out) -> None:
    client = client_for(target, args)  # refuse a bad --user or target before asking for a key
    if sys.stdin.isatty():
        key = getpass.getpass(f"API key for {visible(args.vendor)}: ")
    else:
        key = sys.stdin.readline().rstrip("\r\n")
    if not key:
        raise CliError("no API key given (type it at the prompt or pipe it on standard input)")
    args.secrets.append(key)
    scope = f"{args.vendor}/{args.service}" if args.service else args.vendor
    try:
        replaced = [
            k
            for k in client.list_api_keys()
            if k.is_active and k.vendor_id == args.vendor and k.service_id == args.service
        ]
        stored = client.store_api_key(
            args.vendor, key, service_id=args.service, display_name=args.name
        )
    except AgentsDBError as exc:
        if exc.code == "23503" and not uses_api(target) and not user_exists(target, args.user):
            raise CliError(f"keys add: no user with id {args.user}") from None
        raise CliError(f"keys add: {exc}") from None
    print(
        f"stored the key for {visible(scope)} (ending in {visible(stored.key_preview)}), "
        f"id {stored.id}",
        file=out,
    )
    for old in replaced:
        if str(old.id) != str(stored.id):
            print(
                f"it replaces the active key ending in {visible(old.key_preview)} "
                f"(id {old.id}), now inactive",
                file=out,
            )


def user_exists(target: Target, user_id: str) -> bool:
    with target.connect(admin=bool(target.cluster)) as conn:
        row = conn.execute("select exists (select from auth.users where id = %s)", (user_id,))
        return row.fetchone()[0]


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
    with target.schema_database() as url:
        typegen.command(target.settings.project_dir, url, args.lang, args.check, out)


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
    reset = sub.add_parser(
        "reset", help="drop the database and rebuild it from the migrations and the seed"
    )
    reset.add_argument(
        "--yes", action="store_true", help="allow dropping everything in DATABASE_URL"
    )
    reset.set_defaults(func=cmd_reset)
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

    docs = sub.add_parser("docs", help="generated documentation")
    docs.add_argument("what", choices=["api"], help="api: docs/api.md, the API reference")
    docs_mode = docs.add_mutually_exclusive_group()
    docs_mode.add_argument("--write", action="store_true", help="write docs/api.md")
    docs_mode.add_argument(
        "--check", action="store_true", help="fail if docs/api.md differs from the database"
    )
    docs.set_defaults(func=cmd_docs)

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


def cmd_docs(target: Target, args, out) -> None:
    """docs/api.md from the database's own catalog (of `Target.schema_database`)."""
    path = target.settings.project_dir / "docs" / "api.md"
    with target.schema_database() as url, psycopg.connect(url) as conn:
        text = apidoc.render(conn)
    if args.write:
        if not is_agentsdb_project(target.settings.project_dir):
            raise CliError(
                f"{target.settings.project_dir} is not the agentsdb project: refusing to write "
                "its docs/api.md"
            )
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        print(f"wrote {path}", file=out)
    elif args.check:
        if not path.exists() or path.read_text() != text:
            raise CliError(f"{path} differs from the database: run `agentsdb docs api --write`")
        print(f"{path} matches the database", file=out)
    else:
        print(text, file=out, end="")


def fail(message: str, secrets: list[str], status: int = 1) -> int:
    """The one error line: secrets masked, control characters visible."""
    line = visible(redact(message.strip(), secrets))
    with suppress(OSError):  # stderr closed too: the status still says it
        print(f"error: {line}", file=sys.stderr)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if argv[:1] == ["psql"]:  # everything after `psql` belongs to psql, options included
        args = parser.parse_args(["psql"])
        args.psql_args = argv[1:]
    else:
        args = parser.parse_args(argv)
    out = sys.stdout
    args.secrets = secret_values(os.environ)
    try:
        try:
            settings = Settings.load()
            args.secrets += secret_values(settings.env)
            target = Target(settings)
            args.func(target, args, out)
            out.flush()
        except (CliError, ConfigError, LocalError, MigrationError, typegen.TypegenError) as exc:
            return fail(str(exc), args.secrets)
        except psycopg.Error as exc:
            return fail(f"database: {exc}", args.secrets)
        except AgentsDBError as exc:
            return fail(str(exc), args.secrets)
        except RecursionError:
            return fail("the input is nested too deeply", args.secrets)
        except BrokenPipeError:
            # The reader went away (`agentsdb status | head -1`): stop quietly, as cat does.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 141
        except KeyboardInterrupt:
            return fail("interrupted", args.secrets, 130)
        except Exception as exc:  # noqa: BLE001 (the promise: one line, never a traceback)
            return fail(f"unexpected {type(exc).__name__}: {exc}", args.secrets)
    except KeyboardInterrupt:  # a second Ctrl-C while reporting the first
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
