"""The `agentsdb` command: the local database's lifecycle and the migrations."""

from __future__ import annotations

import argparse
import dataclasses
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
from decimal import Decimal
from zoneinfo import ZoneInfo

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from . import apidoc, bench, catalog, demo, typegen
from .agents import STATUSES
from .client import Client
from .config import ConfigError, Settings
from .errors import AgentsDBError
from .local import LocalCluster, LocalError
from .migrations import MigrationError, Migrator, apply_platform
from .tasks import TASK_STATUSES
from .text import cell, connect_error, format_table, redact, visible
from .transport.supabase import jwt_subject

# Settings whose values are secret: masked in every message the CLI prints.
SECRET_SETTINGS = (
    "DATABASE_URL",
    "SUPABASE_ANON_KEY",
    "SUPABASE_SERVICE_ROLE_KEY",
    "SUPABASE_ACCESS_TOKEN",
    "SUPABASE_URL",
    "AGENTSDB_JWT_SECRET",
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
    def schema_database(self, name: str = SCRATCH_DB) -> Iterator[str]:
        """The URL of a database holding the migrations and the seed alone, for what is
        generated from the schema (docs/api.md, the types) or measured on it (the
        benchmark): DATABASE_URL as it is; else a scratch database `name` on the local
        cluster (started for the occasion when it is not running), dropped afterwards, so
        local experiments never leak in."""
        if not self.cluster:
            yield self.url
            return
        self.check_port()
        started = self.cluster.init() | self.cluster.start()  # one command, even cold
        admin = self.cluster.admin_dsn()
        try:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'drop database if exists "{name}" with (force)')
                conn.execute(f'create database "{name}"')
            try:
                scratch = Target(self.settings, name)
                scratch.build(io.StringIO())
                yield scratch.url
            finally:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'drop database if exists "{name}" with (force)')
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


# -- agentsdb usage: a user's spend by day, model and agent (issue 10, rollups) -----------------


USAGE_FIGURES = ("calls", "unpriced", "failed", "tokens in", "tokens out", "cost")


def _usage_figures(rows) -> list:
    """calls, unpriced, failed, tokens in, tokens out, cost: summed over breakdown rows."""
    sums = [0, 0, 0, 0, 0, 0]
    for r in rows:
        for i, value in enumerate(
            (
                r.calls,
                r.unpriced_calls,
                r.failed_calls,
                r.input_tokens + r.cached_input_tokens + r.cache_write_tokens,
                r.output_tokens + r.reasoning_tokens,
                r.cost,
            )
        ):
            sums[i] += value
    return sums


def _usage_table(key_name: str, lines: list[tuple[str, list]], out) -> None:
    cells = [[key, *(f"{v:,}" for v in f[:5]), f"${f[5]:.6f}"] for key, f in lines]
    empty = [["(none)", *([""] * len(USAGE_FIGURES))]]
    print(format_table([key_name, *USAGE_FIGURES], cells or empty, indent="  "), file=out)


def cmd_usage(target: Target, args, out) -> None:
    if not args.user:
        raise CliError("usage: pass --user <user id>: whose spend to show")
    if not 1 <= args.days <= 3660:
        raise CliError(f"--days must be between 1 and 3660, got {args.days}")
    client = client_for(target, args)
    try:
        zone = client.get_settings().time_zone
        today = datetime.datetime.now(ZoneInfo(zone)).date()
        first = today - datetime.timedelta(days=args.days - 1)
        names = {str(a.id): a.name for a in client.list_agents()}
        print(
            f"spend of user {args.user} from {first} to {today} (days in {zone}), exact USD; "
            "unpriced calls have no list price and add nothing to the cost",
            file=out,
        )
        by_day = client.cost_breakdown(first, today)
        print("\nby day", file=out)
        _usage_table("day", [(str(r.period_start), _usage_figures([r])) for r in by_day], out)
        for group in [args.by] if args.by else ["model", "agent"]:
            groups: dict[str | None, list] = {}
            for r in client.cost_breakdown(first, today, group_by=group):
                groups.setdefault(r.group_key, []).append(r)
            lines = []
            for key, rows in groups.items():
                if key is None:
                    shown = "(not recorded)"
                elif group == "agent":
                    shown = names.get(key, f"{key[:8]} (deleted)")
                else:
                    shown = key
                lines.append((shown, _usage_figures(rows)))
            lines.sort(key=lambda line: (-line[1][5], line[0]))
            print(f"\nby {group}", file=out)
            _usage_table(group, lines, out)
        total = _usage_figures(by_day)
        print(f"\ntotal: ${total[5]:.6f} over {total[0]:,} calls ({total[1]:,} unpriced)", file=out)
    except AgentsDBError as exc:
        raise CliError(f"usage: {exc}") from exc


def cmd_stats_refresh_rollups(target: Target, args, out) -> None:
    args.service_role = True
    client = client_for(target, args)
    totals = [0, 0, 0, 0, 0]
    try:
        # One run takes at most 1000 users' marks: run again while there were marks, a
        # bounded number of times (usage recorded meanwhile leaves marks of its own).
        for _ in range(100):
            done = client.refresh_rollups()
            figures = (done.marks, done.days, done.usage_stats_rows, done.rollup_rows)
            totals = [a + b for a, b in zip(totals, (*figures, done.failed_days), strict=True)]
            if done.marks == 0:
                break
    except AgentsDBError as exc:
        raise CliError(f"stats refresh-rollups: {exc}") from exc
    print(
        f"rollups refreshed: {totals[0]} mark(s) taken, {totals[1]} (user, day)s recomputed, "
        f"{totals[2]} ai_usage_stats row(s) and {totals[3]} rollup row(s) written, "
        f"{totals[4]} failed",
        file=out,
    )


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


# -- bench: the benchmark command (issue 12) ---------------------------------------------------

BENCH_DB = "agentsdb_bench"


def cmd_bench(target: Target, args, out) -> None:
    """Build a scratch database from the migrations on the local cluster, fill it with the
    scale's data, run every workload, print the table and write the JSON report."""
    if target.remote:
        raise CliError(
            "bench generates millions of rows in a scratch database of the local cluster: "
            "unset DATABASE_URL to run it"
        )
    printers: dict = {}

    def progress(label: str, done: int, total: int) -> None:
        if label not in printers:
            printers[label] = progress_printer(label)
        printers[label](done, total)

    print(f"agentsdb bench --scale {args.scale}: building {BENCH_DB} from the migrations", file=out)
    out.flush()
    with target.schema_database(BENCH_DB):
        only = frozenset(args.only.split(",")) if args.only else None
        report = bench.run(
            target.cluster.app_dsn(BENCH_DB),
            args.scale,
            progress,
            only,
            admin_dsn=target.cluster.admin_dsn(BENCH_DB),
        )
    data = report["data"]
    print(
        f"data: {data['users']:,} users, {data['agents']:,} agents, "
        f"{data['interactions']:,} interactions, {data['model_calls']:,} model calls over "
        f"{data['days']} days (generated in {data['generation_s']} s)",
        file=out,
    )
    version = report["postgresql"]["version"].split(",")[0]
    print(f"{version}; {report['machine']['cpus']} CPUs", file=out)
    header = ["workload", "figure", "ratio", "goal", "met", "real vs bare (median/p95)"]
    print(format_table(header, bench.table(report)), file=out)
    if "plans" in report:
        findings = bench.plan_findings(report)
        print(
            f"plans of {len(report['plans'])} dashboard reads as the user, custom and generic: "
            + (
                "no whole-table sequential scan of the history, auth.uid() once per statement"
                if not findings
                else "; ".join(findings)
            ),
            file=out,
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2, default=str)
            f.write("\n")
        print(f"wrote {args.json}", file=out)


def cmd_bench_chart(target: Target, args, out) -> None:
    """Draw the chart of cost against data size from reports of several scales."""
    reports = []
    for name in args.reports:
        try:
            with open(name) as f:
                reports.append(json.load(f))
        except (OSError, ValueError) as e:
            raise CliError(f"{name}: not a readable bench report ({e})") from e
    try:
        svg = bench.chart_svg(reports)
    except ValueError as e:
        raise CliError(str(e)) from e
    with open(args.out, "w") as f:
        f.write(svg)
    sizes = sorted(r["data"]["model_calls"] for r in reports)
    print(f"wrote {args.out}: {', '.join(f'{n:,}' for n in sizes)} model calls", file=out)


def _bench_workloads(value: str) -> str:
    unknown = sorted(set(value.split(",")) - set(bench.GOALS))
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown workloads {', '.join(unknown)}; choose from {', '.join(bench.GOALS)}"
        )
    return value


def add_bench_parser(sub) -> None:
    bench_cmd = sub.add_parser(
        "bench",
        help="generate data in a scratch database of the local cluster and measure each "
        "workload against a bare baseline (ratios, medians, p95)",
    )
    bench_cmd.add_argument(
        "--scale",
        choices=list(bench.SCALES),
        default="small",
        help="small: seconds; medium: 1M calls, minutes; large: 10M calls, 1,000 users, "
        "10,000 agents (default small)",
    )
    bench_cmd.add_argument("--json", metavar="FILE", help="also write the report as JSON")
    bench_cmd.add_argument(
        "--only",
        metavar="WORKLOADS",
        type=_bench_workloads,
        help=f"run only these workloads, comma-separated ({', '.join(bench.GOALS)}); "
        "the data is generated all the same",
    )
    bench_cmd.set_defaults(func=cmd_bench)
    chart_cmd = sub.add_parser(
        "bench-chart",
        help="draw an SVG chart of each workload's median time against the data size, "
        "from the JSON reports of several `agentsdb bench` runs",
    )
    chart_cmd.add_argument("reports", nargs="+", metavar="REPORT", help="bench JSON reports")
    chart_cmd.add_argument("--out", required=True, metavar="SVG", help="the chart to write")
    chart_cmd.set_defaults(func=cmd_bench_chart)


# -- end of bench ----------------------------------------------------------------------------
# --- budgets (issue 11): list, set, status, alerts, as a signed-in user (--user) ---------


def _budget_target(budget) -> str:
    ident = budget.agent_id or budget.vendor_id or budget.service_id
    return budget.scope if ident is None else f"{budget.scope}:{ident}"


def _usd(value) -> str:
    """Exact money for people: every digit there is, at least cents (2.50, 0.000123)."""
    whole, _, fraction = format(value.normalize(), "f").partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def _percents(values) -> str:
    return ",".join(format(v, "f") for v in values) or "-"


def cmd_budgets(target: Target, args, out) -> None:
    client = client_for(target, args)
    try:
        if args.budgets_command == "list":
            for b in client.list_budgets():
                print(
                    f"{b.id}  {visible(b.name)}  {_budget_target(b)}  {b.period}  "
                    f"limit {_usd(b.limit_amount)}  {'hard' if b.is_hard else 'soft'}  "
                    f"thresholds {_percents(b.thresholds)}%",
                    file=out,
                )
        elif args.budgets_command == "set":
            options = {
                "scope": args.scope,
                "agent_id": args.agent,
                "vendor_id": args.vendor,
                "service_id": args.service,
                "period": args.period,
                "thresholds": args.thresholds,
                "is_hard": args.hard,
            }
            if options["scope"] is None:
                options["scope"] = (
                    "agent"
                    if args.agent
                    else "vendor"
                    if args.vendor
                    else "service"
                    if args.service
                    else None
                )
            budget = client.set_budget(
                args.name, args.limit, **{k: v for k, v in options.items() if v is not None}
            )
            print(
                f"budget {visible(budget.name)} ({budget.id}): {_budget_target(budget)}, "
                f"{budget.period}, limit {_usd(budget.limit_amount)}, "
                f"{'hard' if budget.is_hard else 'soft'}, "
                f"thresholds {_percents(budget.thresholds)}%",
                file=out,
            )
        elif args.budgets_command == "status":
            for s in client.budget_status():
                period = (
                    "lifetime"
                    if s.period_start is None
                    else f"{s.period_start.isoformat()} to {s.period_end.isoformat()}"
                )
                print(
                    f"{visible(s.name)}  {s.period} ({period}, {s.time_zone})  "
                    f"spent {_usd(s.spent)}  reserved {_usd(s.reserved)}  "
                    f"remaining {_usd(s.remaining)} of {_usd(s.limit_amount)}  "
                    f"reached {_percents(s.thresholds_reached)}%"
                    f"{'  HARD' if s.is_hard else ''}",
                    file=out,
                )
        elif args.ack:
            alert = client.acknowledge_budget_alert(args.ack)
            print(f"acknowledged alert {alert.id} at {alert.acknowledged_at.isoformat()}", file=out)
        else:
            for a in client.list_budget_alerts(unacknowledged=args.unacknowledged):
                period = "lifetime" if a.period_start is None else a.period_start.isoformat()
                state = "acknowledged" if a.acknowledged_at else "new"
                print(
                    f"{a.id}  budget {a.budget_id}  {period}  {format(a.threshold, 'f')}%  "
                    f"spent {_usd(a.spent)} of {_usd(a.limit_amount)}  {a.created_at.isoformat()}  "
                    f"{state}",
                    file=out,
                )
    except AgentsDBError as exc:
        raise CliError(f"budgets {args.budgets_command}: {exc}") from None


def decimal_arg(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except ArithmeticError:
        raise argparse.ArgumentTypeError(f"not a decimal number: {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def percents_arg(text: str) -> list[Decimal]:
    return [decimal_arg(p) for p in text.split(",") if p.strip()]


def add_budgets_parser(sub) -> None:
    budgets = sub.add_parser("budgets", help="spending budgets, their status and alerts")
    budgets_sub = budgets.add_subparsers(dest="budgets_command", required=True, metavar="ACTION")
    actions = {
        "list": budgets_sub.add_parser("list", help="the user's budgets"),
        "set": budgets_sub.add_parser(
            "set", help="create a budget by name, or change its limit, thresholds, hardness"
        ),
        "status": budgets_sub.add_parser(
            "status", help="each budget in its current period: spent, reserved, remaining"
        ),
        "alerts": budgets_sub.add_parser(
            "alerts", help="thresholds reached (newest first); --ack ID acknowledges one"
        ),
    }
    for action in actions.values():
        action.add_argument("--user", required=True, metavar="UUID", help="the budgets' owner")
        action.set_defaults(func=cmd_budgets)
    put = actions["set"]
    put.add_argument("name", help="the budget's name (unique per user)")
    put.add_argument("limit", type=decimal_arg, help="the limit in USD, exact, e.g. 25.00")
    put.add_argument("--period", choices=["day", "week", "month", "none"], help="default month")
    put.add_argument("--scope", choices=["all", "agent", "vendor", "service"])
    put.add_argument("--agent", metavar="UUID", help="scope: this agent")
    put.add_argument("--vendor", metavar="ID", help="scope: this vendor, e.g. openai")
    put.add_argument("--service", metavar="ID", help="scope: this vendor service")
    put.add_argument(
        "--thresholds", type=percents_arg, metavar="P,P,...", help="alert percents (50,80,100)"
    )
    hardness = put.add_mutually_exclusive_group()
    hardness.add_argument(
        "--hard",
        dest="hard",
        action="store_true",
        default=None,
        help="refuse admissions that could pass the limit",
    )
    hardness.add_argument("--soft", dest="hard", action="store_false", help="alerts only")
    alerts = actions["alerts"]
    alerts.add_argument("--unacknowledged", action="store_true", help="only new alerts")
    alerts.add_argument("--ack", metavar="ID", help="acknowledge this alert")


def iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


# -- agents (issue 13): list, lifecycle status, archive, restore, clone ----------------------


AGENT_LIST_COLUMNS = ("id", "name", "status", "is_active", "vendor_id", "model_name", "usage_count")


def agent_rows(agents, as_json: bool) -> list[dict]:
    rows = [dataclasses.asdict(a) for a in agents]
    return rows if as_json else [{c: r.get(c) for c in AGENT_LIST_COLUMNS} for r in rows]


def cmd_agents(target: Target, args, out) -> None:
    client = client_for(target, args)
    action = args.agents_command
    try:
        if action == "list":
            agents = client.list_archived_agents() if args.archived else client.agent_summary()
            print_rows(agent_rows(agents, args.json), out, args.json)
            return
        if action == "status":
            agent = client.set_agent_status(args.agent, args.status, args.reason)
        elif action == "archive":
            agent = client.archive_agent(args.agent, args.reason)
        elif action == "restore":
            agent = client.restore_agent(args.agent, args.reason)
        else:  # clone
            agent = client.clone_agent(args.template, args.name)
    except AgentsDBError as exc:
        raise CliError(f"agents {action}: {exc}") from exc
    print_rows(agent_rows([agent], args.json), out, args.json)


def add_agents_commands(sub) -> None:
    agents = sub.add_parser(
        "agents", help="agents: list, lifecycle status, archive, restore, clone"
    )
    actions = agents.add_subparsers(dest="agents_command", required=True, metavar="ACTION")

    def action(name: str, help_text: str, *, service: bool = True):
        parser = actions.add_parser(name, help=help_text)
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", metavar="UUID", help="act as this signed-in user")
        if service:
            who.add_argument("--service-role", action="store_true", help="act as service_role")
        parser.add_argument("--json", action="store_true", help="print JSON (every column)")
        parser.set_defaults(func=cmd_agents)
        return parser

    listing = action(
        "list", "the user's agents (agent_summary: archived ones left out)", service=False
    )
    listing.add_argument("--archived", action="store_true", help="the archived agents instead")
    status = action("status", "change an agent's lifecycle status (recorded with --reason)")
    status.add_argument("agent", metavar="AGENT_ID")
    status.add_argument("status", choices=STATUSES)
    status.add_argument("--reason", help="why (kept in agent_status_history)")
    for name, text in (
        ("archive", "archive an agent: out of the lists, history and spend kept"),
        ("restore", "restore an archived agent (as stopped)"),
    ):
        parser = action(name, text)
        parser.add_argument("agent", metavar="AGENT_ID")
        parser.add_argument("--reason", help="why (kept in agent_status_history)")
    clone = action("clone", "a new agent from a public agent or one of the user's", service=False)
    clone.add_argument("template", metavar="TEMPLATE_AGENT_ID")
    clone.add_argument("name", help="the new agent's name")


# -- agentsdb tasks (issue 13): the task queue as its owner (or service_role) --------------
TASK_COLUMNS = ("id", "status", "priority", "attempts", "agent_id", "title", "not_before")


def print_tasks(tasks, out, as_json: bool) -> None:
    rows = [
        {
            "id": str(t.id),
            "status": t.status,
            "priority": t.priority,
            "attempts": f"{t.attempts}/{t.max_attempts}",
            "agent_id": str(t.agent_id),
            "title": t.title or "",
            "not_before": t.not_before.isoformat(timespec="seconds"),
        }
        for t in tasks
    ]
    if as_json or not rows:
        print_rows(rows, out, as_json)
        return
    cells = [[cell(r[c]) for c in TASK_COLUMNS] for r in rows]
    print(format_table(list(TASK_COLUMNS), cells, max_width=40), file=out)


def cmd_tasks(target: Target, args, out) -> None:
    client = client_for(target, args)
    action = args.tasks_command
    try:
        if action == "list":
            tasks = client.list_tasks(status=args.status, agent_id=args.agent, limit=args.limit)
        elif action == "add":
            payload = parse_value("--payload", args.payload) if args.payload else None
            tasks = [
                client.add_task(
                    args.agent_id,
                    payload,
                    title=args.title,
                    priority=args.priority,
                    not_before=args.not_before,
                    max_attempts=args.max_attempts,
                    depends_on=args.depends_on or (),
                )
            ]
        else:
            tasks = [client.cancel_task(args.task_id)]
    except (AgentsDBError, TypeError, ValueError) as exc:
        raise CliError(f"tasks {action}: {exc}") from exc
    print_tasks(tasks, out, args.json)


def iso_timestamp(text: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a timestamp (ISO 8601): {text!r}") from exc
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"give the time zone too (2026-12-01T09:00+01:00): {text!r}"
        )
    return moment


def add_tasks_parser(sub) -> None:
    who = argparse.ArgumentParser(add_help=False)
    caller = who.add_mutually_exclusive_group()
    caller.add_argument("--user", metavar="UUID", help="act as this signed-in user")
    caller.add_argument("--service-role", action="store_true", help="act as service_role")
    who.add_argument("--json", action="store_true", help="print JSON instead of a table")
    tasks = sub.add_parser("tasks", help="the task queue: list, add and cancel tasks")
    tasks_sub = tasks.add_subparsers(dest="tasks_command", required=True, metavar="ACTION")
    listing = tasks_sub.add_parser("list", parents=[who], help="tasks, newest first")
    listing.add_argument("--status", choices=TASK_STATUSES)
    listing.add_argument("--agent", metavar="UUID", help="only this agent's tasks")
    listing.add_argument("--limit", type=int, default=100, help="at most this many (100)")
    add = tasks_sub.add_parser("add", parents=[who], help="create a task for one of your agents")
    add.add_argument("agent_id", metavar="AGENT_ID")
    add.add_argument("--payload", metavar="JSON", help="the task's input (JSON, else text)")
    add.add_argument("--title")
    add.add_argument("--priority", type=int, default=0, help="higher first (-1000..1000)")
    add.add_argument("--not-before", type=iso_timestamp, metavar="TIMESTAMP")
    add.add_argument("--max-attempts", type=int, default=3)
    add.add_argument(
        "--depends-on", nargs="+", metavar="TASK_ID", help="tasks that must succeed first"
    )
    cancel = tasks_sub.add_parser("cancel", parents=[who], help="cancel a task of yours")
    cancel.add_argument("task_id", metavar="TASK_ID")
    tasks.set_defaults(func=cmd_tasks)


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
    rollups = stats_sub.add_parser(
        "refresh-rollups",
        help="recompute the usage rollups of every day whose usage changed (what pg_cron "
        "runs every minute), as service_role",
    )
    rollups.set_defaults(func=cmd_stats_refresh_rollups)

    usage = sub.add_parser(
        "usage", help="a user's spend by day, model and agent (days of the user's time zone)"
    )
    usage.add_argument("--user", metavar="USER_ID", help="the user (their id)")
    usage.add_argument("--days", type=int, default=7, help="the last N local days (default 7)")
    usage.add_argument(
        "--by",
        choices=["model", "agent", "vendor", "service"],
        help="one grouping instead of model and agent",
    )
    usage.set_defaults(func=cmd_usage)

    add_agents_commands(sub)

    add_budgets_parser(sub)

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
    add_bench_parser(sub)
    add_functions_parser(sub)
    add_tasks_parser(sub)
    return parser


# --- functions: the agent gateway (functions/gateway, a Supabase Edge Function) -------------

# The JWT secret `supabase start` gives every local project: tokens of a local Supabase work
# unchanged. A hosted project's secret goes in AGENTSDB_JWT_SECRET (environment or .env).
LOCAL_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long"  # noqa: S105


def jwt_secret(target: Target) -> str:
    return target.settings.env.get("AGENTSDB_JWT_SECRET") or LOCAL_JWT_SECRET


def deno_binary() -> str:
    """Deno from the project's virtual environment (PyPI's `deno`), else from PATH."""
    beside = os.path.join(os.path.dirname(sys.executable), "deno")
    found = beside if os.path.exists(beside) else shutil.which("deno")
    if not found:
        raise CliError("deno not found: run scripts/bootstrap (it installs PyPI's deno into .venv)")
    return found


def cmd_functions_serve(target: Target, args, out) -> None:
    import subprocess

    target.ensure_running()
    folder = target.settings.project_dir / "functions" / "gateway"
    if not (folder / "index.ts").is_file():
        raise CliError(f"{folder}/index.ts not found: run it in the agentsdb checkout")
    env = {
        **os.environ,
        "SUPABASE_DB_URL": target.url,
        "AGENTSDB_JWT_SECRET": jwt_secret(target),
        "HOST": args.host,
        "PORT": str(args.port),
    }
    print(
        f"the gateway on {target.shown_url()}: POST http://{args.host}:{args.port}"
        "/v1/chat/completions and /v1/messages (Ctrl-C stops it)",
        file=out,
        flush=True,
    )
    command = [deno_binary(), "run", "--frozen", "--allow-net", "--allow-env", "--allow-sys"]
    proc = subprocess.run([*command, "--allow-read", "index.ts"], cwd=folder, env=env)
    if proc.returncode not in (0, -2, 130):
        raise CliError(f"the gateway stopped with status {proc.returncode}")


def cmd_functions_token(target: Target, args, out) -> None:
    """An access token for the user, signed as Supabase Auth signs one (HS256), for trying
    the gateway locally."""
    import base64
    import hashlib
    import hmac
    import time

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    try:
        user = str(uuid.UUID(args.user))
    except ValueError:
        raise CliError(f"--user: not a UUID: {visible(args.user)}") from None
    now = int(time.time())
    claims = {
        "sub": user,
        "role": "authenticated",
        "aud": "authenticated",
        "iat": now,
        "exp": now + args.minutes * 60,
        "is_anonymous": False,
    }
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    signature = hmac.new(jwt_secret(target).encode(), f"{head}.{body}".encode(), hashlib.sha256)
    print(f"{head}.{body}.{b64(signature.digest())}", file=out)


def add_functions_parser(sub) -> None:
    functions = sub.add_parser("functions", help="the agent gateway (an Edge Function) locally")
    functions_sub = functions.add_subparsers(
        dest="functions_command", required=True, metavar="ACTION"
    )
    serve = functions_sub.add_parser(
        "serve",
        help="run functions/gateway with Deno against the database (local, or DATABASE_URL); "
        "it verifies tokens with AGENTSDB_JWT_SECRET (default: the Supabase CLI's local one)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=54321, help="port (default 54321)")
    serve.set_defaults(func=cmd_functions_serve)
    token = functions_sub.add_parser(
        "token", help="print an access token for a user, signed with AGENTSDB_JWT_SECRET"
    )
    token.add_argument("--user", required=True, metavar="UUID", help="the user's id")
    token.add_argument("--minutes", type=int, default=60, help="lifetime (default 60)")
    token.set_defaults(func=cmd_functions_token)


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
