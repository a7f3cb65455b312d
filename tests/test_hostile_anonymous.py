"""Issue 9, point 7: an anonymous sign-in (role authenticated, `is_anonymous: true` in the JWT)
sees what anon sees (the catalog) and changes nothing.

Generated from the catalog: every relation of the exposed schema is read as an anonymous user
and as anon (the counts must agree, a relation anon may not read counts 0), and every table an
authenticated client may insert, update or delete is written as the anonymous user: inserts
are refused with 42501, updates and deletes touch no row.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from agentsdb.request import claims_for, request


def count_as(conn: psycopg.Connection, claims: dict, relation: str) -> int:
    try:
        with request(conn, claims):
            return conn.execute(
                sql.SQL("select count(*) from {}").format(sql.Identifier("public", relation))
            ).fetchone()[0]
    except psycopg.errors.InsufficientPrivilege:
        return 0


def test_anonymous_sign_ins_read_only_what_anon_reads_and_write_nothing(db):
    guest, bob = (
        db.execute(
            "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id::text",
            [f"{name}-anonymous@example.test"],
        ).fetchone()[0]
        for name in ("guest", "bob")
    )
    with request(db, claims_for("authenticated", bob)):
        agent = db.execute(
            "insert into public.ai_agents (name, vendor_id, is_public)"
            " values ('shared', 'openai', true) returning id::text"
        ).fetchone()[0]
        db.execute(
            "insert into public.ai_interactions (agent_id, title) values (%s, 'bob''s')", [agent]
        )
        db.execute("select public.store_user_api_key('openai', 'sk-anonymous-probe-0001')")
    anonymous = claims_for("authenticated", guest, is_anonymous=True)
    relations = [
        r[0]
        for r in db.execute(
            "select c.relname::text from pg_class as c"
            " where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'v', 'm')"
            " order by 1"
        )
    ]
    problems = []
    for relation in relations:
        seen, anon = count_as(db, anonymous, relation), count_as(db, claims_for("anon"), relation)
        if seen != anon:
            problems.append(f"{relation}: an anonymous user reads {seen} rows, anon {anon}")
    writable = db.execute(
        """
        select c.relname::text,
               (select a.attname::text from pg_attribute as a
                where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                  and has_column_privilege('authenticated', c.oid, a.attnum, 'UPDATE')
                order by a.attnum limit 1)
        from pg_class as c
        where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
          and (has_table_privilege('authenticated', c.oid, 'INSERT')
               or has_any_column_privilege('authenticated', c.oid, 'INSERT')
               or has_any_column_privilege('authenticated', c.oid, 'UPDATE')
               or has_table_privilege('authenticated', c.oid, 'DELETE'))
        order by 1
        """
    ).fetchall()
    assert len(writable) >= 5, writable
    for table, column in writable:
        ident = sql.Identifier("public", table)
        columns = db.execute(
            "select array_agg(a.attname::text) from pg_attribute as a"
            " where a.attrelid = %s::regclass and a.attnum > 0 and not a.attisdropped",
            [f"public.{table}"],
        ).fetchone()[0]
        if "user_id" in columns:
            try:
                with request(db, anonymous):
                    db.execute(
                        sql.SQL("insert into {} (user_id) values (%s)").format(ident), [guest]
                    )
                problems.append(f"{table}: an anonymous user inserted a row")
            except psycopg.errors.InsufficientPrivilege:
                pass
            except psycopg.Error as exc:
                problems.append(f"{table}: insert refused with {exc.sqlstate}, not 42501")
        statements = [sql.SQL("delete from {}").format(ident)]
        if column:
            statements.append(
                sql.SQL("update {} set {c} = {c}").format(ident, c=sql.Identifier(column))
            )
        for statement in statements:
            try:
                with db.transaction(force_rollback=True), request(db, anonymous):
                    touched = db.execute(statement).rowcount
                if touched:
                    problems.append(f"{table}: {statement.as_string(db)} touched {touched} rows")
            except psycopg.errors.InsufficientPrivilege:
                pass
    try:
        with request(db, anonymous):
            db.execute("select public.store_user_api_key('openai', 'sk-anonymous-probe-0002')")
        problems.append("store_user_api_key: an anonymous user stored a key")
    except psycopg.errors.InsufficientPrivilege:
        pass
    assert not problems, "\n".join(problems)
