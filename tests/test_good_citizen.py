"""A good citizen in someone else's project: installing agentsdb (every migration and the seed)
into a database that already holds an app changes nothing of the app's, and rolling agentsdb
back entirely leaves the app exactly as it was.

The app has its own schema, tables, sequence, functions, an extension, a role with settings,
database settings, grants and default privileges (per schema and global). A snapshot of all of
it (objects, owners, ACLs, comments, default privileges, roles, settings, event triggers,
extensions, policies, publications) is compared before install, after install and after
rollback (the foreign-key triggers PostgreSQL adds to auth.users are internal, left out, and
stated in the README; agentsdb's own trigger on auth.users, AGENTSDB_AUTH_TRIGGERS, is expected
after install and gone after rollback); so are the privileges that objects the app creates
afterwards receive (the app's "later" objects, created as the migration role in a transaction
rolled back).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import psycopg
import pytest

import expected_rights as expected
from agentsdb.migrations import Migrator, apply_platform
from conftest import ROOT, build, create_database

PLATFORM = ROOT / "sql" / "platform"
SEED = ROOT / "supabase" / "seed.sql"

# agentsdb's own schemas (everything in them is agentsdb's), and the deploy tool's history.
AGENTSDB_SCHEMAS = ("private",)
TOOL_SCHEMAS = ("supabase_migrations",)

# Triggers agentsdb adds to the platform's tables (README, "What installing changes outside
# agentsdb"): a deleted user's model calls and idempotency keys leave with them.
AGENTSDB_AUTH_TRIGGERS = {("auth.users.agentsdb_delete_model_calls", "O")}

# The app, created by the migration role `postgres` before agentsdb arrives.
APP = """
create role {worker} nologin;
alter role {worker} set statement_timeout = '5s';
create schema app;
comment on schema app is 'the app''s own schema';
create table app.notes (id bigint generated always as identity primary key, body text not null);
comment on table app.notes is 'the app''s notes';
alter table app.notes enable row level security;
create policy notes_select_worker on app.notes for select to {worker} using (true);
create table public.app_profiles (id uuid primary key, nickname text);
create function app.note_count() returns bigint language sql stable
  as $$ select count(*) from app.notes $$;
create function public.app_hello(who text) returns text language sql immutable
  as $$ select 'hello ' || who $$;
create extension citext with schema extensions;
grant usage on schema app to {worker};
grant select, insert (body) on app.notes to {worker};
grant select on public.app_profiles to authenticated;
revoke execute on function public.app_hello(text) from anon;
alter default privileges in schema app grant select on tables to {worker};
alter default privileges in schema app grant usage on sequences to {worker};
"""

# Apps may have a global default for functions of their own, which agentsdb must leave exactly
# so, on install and on rollback: closed to PUBLIC, or closed and open to the app's worker.
APP_GLOBAL_DEFAULTS = {
    "none": "",
    "revoke": "alter default privileges revoke execute on functions from public;",
    "revoke-grant": """
        alter default privileges revoke execute on functions from public;
        alter default privileges grant execute on functions to {worker};
    """,
}

# Set by the database owner / superuser (Supabase's dashboard does this as supabase_admin).
APP_SETTINGS = """
alter database {db} set app.region = 'eu';
alter role postgres in database {db} set app.mode = 'citizen';
alter role {worker} in database {db} set work_mem = '8MB';
"""

# What the app creates after agentsdb is installed (rolled back after reading its privileges).
LATER = """
create function app.later_fn() returns int language sql immutable as $$ select 1 $$;
create function public.later_fn() returns int language sql immutable as $$ select 2 $$;
create procedure app.later_proc() language sql as $$ select 1 $$;
create table app.later_table (id int primary key);
create table public.later_table (id int primary key);
create sequence app.later_seq;
create view app.later_view as select 1 as one;
create schema later_schema;
create function later_schema.later_fn() returns int language sql immutable as $$ select 3 $$;
create type app.later_type as (a int);
create extension pg_trgm with schema extensions;
"""

SNAPSHOT = {
    "schemas": """
        select n.nspname, n.nspowner::regrole::text, n.nspacl::text,
          obj_description(n.oid, 'pg_namespace')
        from pg_namespace as n
        where n.nspname not like 'pg\\_%%' and n.nspname <> 'information_schema'
          and n.nspname <> all(%(ours)s)
    """,
    "relations": """
        select n.nspname || '.' || c.relname, c.relkind::text, c.relowner::regrole::text,
          c.relacl::text, obj_description(c.oid, 'pg_class'), c.relrowsecurity,
          c.reloptions::text
        from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
        where n.nspname not like 'pg\\_%%' and n.nspname <> 'information_schema'
          and n.nspname <> all(%(ours)s)
          and (n.nspname <> 'public' or c.oid < %(boundary)s)
    """,
    "columns": """
        select n.nspname || '.' || c.relname || '.' || a.attname, a.attacl::text,
          col_description(c.oid, a.attnum)
        from pg_attribute as a
        join pg_class as c on c.oid = a.attrelid
        join pg_namespace as n on n.oid = c.relnamespace
        where a.attnum > 0 and not a.attisdropped
          and n.nspname not like 'pg\\_%%' and n.nspname <> 'information_schema'
          and n.nspname <> all(%(ours)s)
          and (n.nspname <> 'public' or c.oid < %(boundary)s)
    """,
    "functions": """
        select p.oid::regprocedure::text, p.proowner::regrole::text, p.proacl::text,
          p.prosecdef, p.proconfig::text, obj_description(p.oid, 'pg_proc')
        from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace
        where n.nspname not like 'pg\\_%%' and n.nspname <> 'information_schema'
          and n.nspname <> all(%(ours)s)
          and (n.nspname <> 'public' or p.oid < %(boundary)s)
    """,
    "triggers": """
        select t.tgrelid::regclass::text || '.' || t.tgname, t.tgenabled::text
        from pg_trigger as t join pg_class as c on c.oid = t.tgrelid
        join pg_namespace as n on n.oid = c.relnamespace
        where not t.tgisinternal and n.nspname <> all(%(ours)s)
          and (n.nspname <> 'public' or c.oid < %(boundary)s)
    """,
    "policies": """
        select c.oid::regclass::text || '.' || pol.polname, pol.polcmd::text,
          pol.polpermissive, pol.polroles::regrole[]::text,
          pg_get_expr(pol.polqual, pol.polrelid), pg_get_expr(pol.polwithcheck, pol.polrelid)
        from pg_policy as pol join pg_class as c on c.oid = pol.polrelid
        join pg_namespace as n on n.oid = c.relnamespace
        where n.nspname <> all(%(ours)s) and (n.nspname <> 'public' or c.oid < %(boundary)s)
    """,
    "publications": """
        select p.pubname, p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete,
          array(select r.prrelid::regclass::text from pg_publication_rel as r
                where r.prpubid = p.oid order by 1)::text
        from pg_publication as p
    """,
    "default_privileges": """
        select d.defaclrole::regrole::text, coalesce(d.defaclnamespace::regnamespace::text, ''),
          d.defaclobjtype::text, d.defaclacl::text
        from pg_default_acl as d
    """,
    "role_settings": """
        select coalesce(db.datname, ''), coalesce(r.rolname, ''), s.setconfig::text
        from pg_db_role_setting as s
        left join pg_database as db on db.oid = s.setdatabase
        left join pg_roles as r on r.oid = s.setrole
    """,
    "roles": """
        select r.rolname, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb,
          r.rolcanlogin, r.rolbypassrls, r.rolconnlimit,
          array(select m.roleid::regrole::text || ':' || m.admin_option
                from pg_auth_members as m where m.member = r.oid order by 1)::text
        from pg_roles as r
    """,
    "database": """
        select d.datname, d.datdba::regrole::text, d.datacl::text,
          shobj_description(d.oid, 'pg_database')
        from pg_database as d where d.datname = current_database()
    """,
    "extensions": """
        select e.extname, e.extowner::regrole::text, e.extnamespace::regnamespace::text,
          e.extversion from pg_extension as e
    """,
    "event_triggers": """
        select e.evtname, e.evtevent, e.evtenabled::text, e.evtfoid::regproc::text
        from pg_event_trigger as e
    """,
    "languages": "select l.lanname, l.lanacl::text from pg_language as l",
    "vault_secrets": "select s.name from vault.secrets as s",
}


def snapshot(conn: psycopg.Connection, boundary: int) -> dict[str, set[tuple]]:
    """Everything of the app's and the platform's. In `public`, which agentsdb shares with the
    app, only objects older than `boundary` (the first oid agentsdb could take) count."""
    params = {"ours": list(AGENTSDB_SCHEMAS + TOOL_SCHEMAS), "boundary": boundary}
    taken = {name: set(conn.execute(sql, params).fetchall()) for name, sql in SNAPSHOT.items()}
    if conn.execute("select to_regclass('cron.job') is not null").fetchone()[0]:
        taken["cron_jobs"] = set(conn.execute("select jobname from cron.job").fetchall())
    return taken


def later_privileges(conn: psycopg.Connection) -> dict[str, str]:
    """Create the app's later objects as `postgres`, read what they got, undo them."""
    with conn.transaction(force_rollback=True):
        conn.execute(LATER)
        rows = conn.execute(
            """
            select p.oid::regprocedure::text,
              coalesce(p.proacl, acldefault('f', p.proowner))::text
            from pg_proc as p
            where p.pronamespace in ('app'::regnamespace, 'public'::regnamespace,
                                     'later_schema'::regnamespace)
              and p.proname like 'later%%'
            union all
            select c.oid::regclass::text,
              coalesce(c.relacl, acldefault(
                (case c.relkind when 'S' then 's' else 'r' end)::"char", c.relowner))::text
            from pg_class as c where c.relname like 'later%%'
            union all
            select t.oid::regtype::text, coalesce(t.typacl, acldefault('T', t.typowner))::text
            from pg_type as t where t.typname = 'later_type'
            union all
            select p.oid::regprocedure::text,
              coalesce(p.proacl, acldefault('f', p.proowner))::text
            from pg_proc as p
            join pg_depend as d on d.classid = 'pg_proc'::regclass and d.objid = p.oid
              and d.deptype = 'e'
            join pg_extension as e on e.oid = d.refobjid and e.extname = 'pg_trgm'
            """
        ).fetchall()
    return dict(rows)


def diff(before: dict[str, set[tuple]], after: dict[str, set[tuple]]) -> list[str]:
    problems = []
    for name in sorted(set(before) | set(after)):
        gone = before.get(name, set()) - after.get(name, set())
        new = after.get(name, set()) - before.get(name, set())
        problems += [f"{name}: was {row}" for row in sorted(gone, key=str)]
        problems += [f"{name}: now {row}" for row in sorted(new, key=str)]
    return problems


def agentsdb_rows(taken: dict[str, set[tuple]], admin: psycopg.Connection) -> dict[str, set[tuple]]:
    """What agentsdb may add to the platform's shared tables: its own named rows, and the
    extensions it created because the database lacked them (private.installed_extensions:
    btree_gist, for the price catalog's exclusion constraint) with their functions."""
    created = {
        name
        for (name,) in admin.execute("select name from private.installed_extensions").fetchall()
    }
    functions = {
        name
        for (name,) in admin.execute(
            "select p.oid::regprocedure::text from pg_depend as d"
            " join pg_proc as p on d.classid = 'pg_proc'::regclass and p.oid = d.objid"
            " join pg_extension as e on e.oid = d.refobjid and d.deptype = 'e'"
            " where e.extname = any (%s)",
            (sorted(created),),
        ).fetchall()
    }
    return {
        "extensions": {r for r in taken.get("extensions", set()) if r[0] in created},
        "functions": {r for r in taken.get("functions", set()) if r[0] in functions},
        "vault_secrets": {
            r for r in taken.get("vault_secrets", set()) if r[0].startswith("agentsdb_")
        },
        "cron_jobs": {r for r in taken.get("cron_jobs", set()) if r[0].startswith("agentsdb-")},
        "triggers": {r for r in taken.get("triggers", set()) if r in AGENTSDB_AUTH_TRIGGERS},
    }


@pytest.mark.parametrize("global_defaults", sorted(APP_GLOBAL_DEFAULTS))
def test_installing_and_removing_agentsdb_changes_nothing_of_the_app(cluster, global_defaults):
    dbname = "citizen_" + global_defaults.replace("-", "_")
    worker = f"{dbname}_worker"  # roles are cluster-wide: one per database
    create_database(cluster, dbname)
    with psycopg.connect(cluster.admin_dsn(dbname), autocommit=True) as admin:
        assert apply_platform(admin, PLATFORM)
        admin.execute(f"drop role if exists {worker}")
    app = psycopg.connect(cluster.app_dsn(dbname), autocommit=True)
    admin = psycopg.connect(cluster.admin_dsn(dbname), autocommit=True)
    try:
        # The deploy tool's history schema exists before agentsdb (the Supabase CLI makes it).
        migrator = Migrator(app, ROOT / "supabase" / "migrations", ROOT / "sql" / "rollbacks")
        app.execute(APP.format(worker=worker))
        if APP_GLOBAL_DEFAULTS[global_defaults]:
            app.execute(APP_GLOBAL_DEFAULTS[global_defaults].format(worker=worker))
        admin.execute(APP_SETTINGS.format(db=dbname, worker=worker))
        # Object ids come from one counter: everything older than this is not agentsdb's.
        boundary = int(
            admin.execute(
                "select greatest((select max(oid) from pg_class), (select max(oid) from pg_proc),"
                " (select max(oid) from pg_type))::bigint + 1"
            ).fetchone()[0]
        )

        before = snapshot(admin, boundary)
        later_before = later_privileges(app)
        assert "app.later_fn()" in later_before and len(later_before) > 10

        migrator.migrate()
        migrator.seed(SEED)
        installed = snapshot(admin, boundary)
        ours = agentsdb_rows(installed, admin)
        assert ours["triggers"] == AGENTSDB_AUTH_TRIGGERS, installed.get("triggers")
        for name, rows in ours.items():
            installed[name] = installed.get(name, set()) - rows
        assert diff(before, installed) == [], "installing agentsdb changed the app's database"
        assert later_privileges(app) == later_before, (
            "objects the app creates after installing agentsdb get other privileges"
        )

        assert migrator.rollback("0")
        assert app.execute("select to_regnamespace('private')").fetchone()[0] is None
        removed = snapshot(admin, boundary)
        assert diff(before, removed) == [], "rolling agentsdb back left the app changed"
        assert later_privileges(app) == later_before
    finally:
        app.close()
        admin.close()


# Schemas that are not agentsdb's: the platform's (Supabase's), the deploy tool's, the system's.
# Every function anywhere else, and every function agentsdb made in public, is agentsdb's.
NOT_AGENTSDB_SCHEMAS = ("extensions", "auth", "vault", "cron", "supabase_migrations", "tests")


def function_acl_problems(conn: psycopg.Connection) -> list[str]:
    """Every agentsdb function whose EXECUTE grantees (besides its owner) are not exactly the
    roles tests/expected_rights.py declares. Extension functions are not agentsdb's."""
    rows = conn.execute(
        """
        select n.nspname, p.proname, p.oid::regprocedure::text,
          array(
            select case a.grantee when 0 then 'PUBLIC' else a.grantee::regrole::text end
            from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) as a
            where a.privilege_type = 'EXECUTE' and a.grantee <> p.proowner
            order by 1
          )
        from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace
        where n.nspname not like 'pg\\_%%' and n.nspname <> 'information_schema'
          and n.nspname <> all(%s)
          and not exists (select from pg_depend as d
                          where d.classid = 'pg_proc'::regclass and d.objid = p.oid
                            and d.deptype = 'e')
        order by 3
        """,
        (list(NOT_AGENTSDB_SCHEMAS),),
    ).fetchall()
    assert len(rows) >= 20, rows
    declared = {
        **{f"public.{name}": roles for name, roles in expected.PUBLIC_EXECUTE.items()},
        **{f"private.{name}": roles for name, roles in expected.PRIVATE_EXECUTE.items()},
    }
    problems = []
    for schema, name, signature, grantees in rows:
        want = declared.get(f"{schema}.{name}", set())
        if set(grantees) != want:
            problems.append(
                f"{schema}.{signature}: executable by {grantees}, declared {sorted(want)} "
                "(revoke from public right after creating it, grant explicitly, and declare "
                "the grantees in tests/expected_rights.py: PUBLIC_EXECUTE or PRIVATE_EXECUTE)"
            )
    found = {f"{schema}.{name}" for schema, name, _, _ in rows}
    problems += [f"{name}: declared but does not exist" for name in sorted(set(declared) - found)]
    return problems


def test_every_agentsdb_function_is_executable_exactly_by_the_roles_granted(db):
    """No agentsdb function is executable by a role it was not granted to (PUBLIC never)."""
    assert function_acl_problems(db) == []


def test_no_function_leans_on_a_default(cluster):
    """The same, built with PUBLIC's built-in EXECUTE default given back after every
    migration (as after 20261130100000): each function revokes and grants for itself."""
    dbname = "citizen_no_default"
    create_database(cluster, dbname)
    with psycopg.connect(cluster.admin_dsn(dbname), autocommit=True) as admin:
        assert apply_platform(admin, PLATFORM)
    with psycopg.connect(cluster.app_dsn(dbname), autocommit=True) as app:
        migrator = Migrator(app, ROOT / "supabase" / "migrations", ROOT / "sql" / "rollbacks")
        for migration in migrator.available():
            migrator.apply(migration)
            app.execute("alter default privileges grant execute on functions to public")
        assert function_acl_problems(app) == []


def test_pgtap_created_and_owned_by_the_migration_role_runs_as_users(cluster):
    """The reported failure: where the migration role is a superuser (plain PostgreSQL, a CI
    service container), `create extension pgtap` as that role makes it the owner of pgTAP's
    functions, so its default privileges decide who may call them. The pgTAP files act as
    anon and authenticated; they must still run."""
    dbname = "citizen_pgtap_owner"
    create_database(cluster, dbname)
    build(cluster, dbname)
    with psycopg.connect(cluster.admin_dsn(dbname), autocommit=True) as admin:
        admin.execute("alter role postgres superuser")
        try:
            with psycopg.connect(cluster.app_dsn(dbname), autocommit=True) as app:
                app.execute("create extension if not exists pgtap with schema extensions")
        finally:
            admin.execute("alter role postgres nosuperuser")
        owner = admin.execute(
            "select p.proowner::regrole::text from pg_proc as p"
            " where p.oid = 'extensions.plan(integer)'::regprocedure"
        ).fetchone()[0]
    assert owner == "postgres"
    pg_prove = shutil.which("pg_prove")
    assert pg_prove, "pg_prove missing: apt-get install libtap-parser-sourcehandler-pgtap-perl"
    env = {
        **os.environ,
        "PGHOST": str(cluster.home),
        "PGPORT": str(cluster.port),
        "PGUSER": "postgres",
        "PGDATABASE": dbname,
    }
    files = [str(ROOT / "supabase" / "tests" / "database" / "00_structure.sql")]
    proc = subprocess.run([pg_prove, *files], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
