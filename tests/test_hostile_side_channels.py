"""Issue 9, points 2 and 4: clients never see a value that counts other tenants' activity, and
never choose the ids of user rows.

Generated from the catalog:
- no column an API client (anon, authenticated) may read in an exposed relation is fed by a
  global counter: no identity or serial column, no xid-typed column;
- no client may read the system columns (xmin, xmax, cmin, cmax, ctid) of any exposed table:
  xmin is the global transaction id, ctid the row's place among everyone's rows;
- the audit entries a user reads are the same whatever other users did in between;
- no client may insert or update the id (primary key) of any table.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from agentsdb.request import claims_for, request

CLIENTS = ("anon", "authenticated")
SYSTEM_COLUMNS = ("xmin", "xmax", "cmin", "cmax", "ctid")


def exposed_tables(conn: psycopg.Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "select c.relname::text from pg_class as c"
            " where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')"
            " order by 1"
        )
    ]


def test_no_readable_column_is_fed_by_a_global_counter(db):
    rows = db.execute(
        """
        select r.role, c.relname::text, a.attname::text
        from pg_class as c
        join pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        left join pg_attrdef as d on d.adrelid = c.oid and d.adnum = a.attnum
        cross join (values ('anon'), ('authenticated')) as r (role)
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm')
          and has_column_privilege(r.role, c.oid, a.attnum, 'SELECT')
          and (a.attidentity <> '' or pg_get_expr(d.adbin, d.adrelid)
                 ~ '^\\(*(nextval|pg_current_xact_id|txid_current|pg_current_snapshot)'
               or a.atttypid in ('xid'::regtype, 'xid8'::regtype, 'cid'::regtype))
        order by 1, 2, 3
        """
    ).fetchall()
    assert rows == [], f"clients read columns fed by a global counter: {rows}"


def test_clients_cannot_read_system_columns(db):
    user = db.execute(
        "insert into auth.users (id, email) values (gen_random_uuid(), 'sys@example.test')"
        " returning id::text"
    ).fetchone()[0]
    readable = []
    for table in exposed_tables(db):
        for role in CLIENTS:
            for column in SYSTEM_COLUMNS:
                try:
                    with request(db, claims_for(role, user if role == "authenticated" else None)):
                        db.execute(
                            sql.SQL("select {} from {} limit 1").format(
                                sql.Identifier(column), sql.Identifier("public", table)
                            )
                        )
                    readable.append(f"{role} reads {table}.{column}")
                except psycopg.errors.InsufficientPrivilege:
                    pass
    assert not readable, "\n".join(readable)


def test_audit_entries_do_not_count_other_users_activity(db):
    """alice's entries read the same (but for times and random ids) whether or not bob
    wrote between her two changes."""

    def visible_audit(alice: str) -> list[dict]:
        with request(db, claims_for("authenticated", alice)):
            rows = db.execute(
                "select to_jsonb(a) from public.audit_logs as a order by occurred_at, recorded_at"
            ).fetchall()
        return [r[0] for r in rows]

    shapes = []
    for others in (0, 25):
        alice, bob = (
            db.execute(
                "insert into auth.users (id, email) values (gen_random_uuid(), %s)"
                " returning id::text",
                [f"{name}{others}@example.test"],
            ).fetchone()[0]
            for name in ("alice", "bob")
        )
        with request(db, claims_for("authenticated", alice)):
            agent = db.execute(
                "insert into public.ai_agents (name, vendor_id) values ('a', 'openai')"
                " returning id::text"
            ).fetchone()[0]
        for n in range(others):
            with request(db, claims_for("authenticated", bob)):
                db.execute(
                    "insert into public.ai_agents (name, vendor_id) values (%s, 'openai')",
                    [f"b{n}"],
                )
        with request(db, claims_for("authenticated", alice)):
            db.execute("update public.ai_agents set name = 'renamed' where id = %s", [agent])
        entries = visible_audit(alice)
        assert len(entries) == 2
        numbers = {
            key: value
            for entry in entries
            for key, value in entry.items()
            if isinstance(value, int) and not isinstance(value, bool)
        }
        assert not numbers, f"audit entries carry counters: {numbers}"
        txids = {str(t) for t in (db.execute("select pg_current_xact_id()::text").fetchone()[0],)}
        assert not {str(e.get("transaction_id")) for e in entries} & txids
        shapes.append(
            [
                {k: v for k, v in e.items() if k in ("action", "table_name", "actor_role")}
                for e in entries
            ]
        )
    assert shapes[0] == shapes[1]


def test_clients_never_choose_ids(db):
    """Ids (primary keys) of every table are the database's to choose: no client role may
    insert or update them (the partition key a partitioned table's primary key holds is a
    time, not an id)."""
    rows = db.execute(
        """
        select r.role, p.privilege, c.relname::text, a.attname::text
        from pg_constraint as k
        join pg_class as c on c.oid = k.conrelid
        join pg_attribute as a on a.attrelid = c.oid and a.attnum = any (k.conkey)
        cross join (values ('anon'), ('authenticated')) as r (role)
        cross join (values ('INSERT'), ('UPDATE')) as p (privilege)
        where k.contype = 'p' and c.relnamespace = 'public'::regnamespace
          and has_column_privilege(r.role, c.oid, a.attnum, p.privilege)
          and exists (select from pg_attribute as u where u.attrelid = c.oid
                      and u.attname = 'user_id' and not u.attisdropped)
          -- the partition key a partitioned history table's primary key must hold
          -- (ai_interactions (id, started_at)): a time the client gives, not an id
          and not exists (select from pg_partitioned_table as pt where pt.partrelid = c.oid
                          and a.attnum = any (pt.partattrs::int2[]))
        order by 1, 2, 3, 4
        """
    ).fetchall()
    assert rows == [], f"clients may choose ids of user rows: {rows}"
