"""Issue 9, point 3: foreign keys ignore RLS, so a client could attach its rows to catalog rows
it cannot read (deactivated vendors, services, features, interaction types), and success
against 23503 told which hidden ids exist.

Generated from the catalog: every foreign key whose columns a client (authenticated) may
insert or update and whose parent table has row level security and no tenant column. For each,
a parent row is hidden (is_active = false, as the owner, inside the test's transaction) and
the client points a new row, then its own existing row, at it: the answer must be a refusal
identical to the one for an id that does not exist (same SQLSTATE, same message with the id
replaced), and nothing may be written.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from agentsdb.request import claims_for, request

MISSING = "zz_missing_catalog_row"


def catalog_references(conn: psycopg.Connection) -> list[tuple[str, list[str], str, list[str]]]:
    """(child table, child columns, parent table, parent columns) of every client-writable
    foreign key to a catalog table."""
    return conn.execute(
        """
        select 'public.' || ch.relname::text, array_agg(ca.attname::text order by k.n),
               'public.' || p.relname::text, array_agg(pa.attname::text order by k.n)
        from pg_constraint as c
        cross join lateral unnest(c.conkey, c.confkey) with ordinality as k (ck, pk, n)
        join pg_attribute as ca on ca.attrelid = c.conrelid and ca.attnum = k.ck
        join pg_attribute as pa on pa.attrelid = c.confrelid and pa.attnum = k.pk
        join pg_class as p on p.oid = c.confrelid
        join pg_class as ch on ch.oid = c.conrelid
        where c.contype = 'f' and c.connamespace = 'public'::regnamespace
          and p.relrowsecurity
          and not exists (select from pg_attribute as t where t.attrelid = c.confrelid
                          and t.attname = 'user_id' and not t.attisdropped)
        group by c.oid, c.conrelid, c.confrelid, ch.relname, p.relname
        having bool_or(has_column_privilege('authenticated', c.conrelid, ca.attnum, 'INSERT')
                       or has_column_privilege('authenticated', c.conrelid, ca.attnum, 'UPDATE'))
        order by 1, 2
        """
    ).fetchall()


def base_row(table: str, agent: str) -> dict[str, Any]:
    return {
        "public.ai_agents": {"name": "probe", "vendor_id": "openai"},
        "public.agent_feature_mappings": {"agent_id": agent, "feature_id": "coding"},
        "public.ai_interactions": {"agent_id": agent, "title": "probe"},
        "public.ai_agent_configs": {"agent_id": agent, "config_key": "probe", "config_value": {}},
        "public.budgets": {"name": "probe", "limit_amount": 1},
    }[table]


def counts(conn: psycopg.Connection, table: str) -> int:
    return conn.execute(sql.SQL("select count(*) from {}").format(sql.SQL(table))).fetchone()[0]


def attempt(conn, claims, statement: sql.Composable, params) -> tuple[str, str] | None:
    try:
        with request(conn, claims):
            conn.execute(statement, params)
    except psycopg.Error as exc:
        return exc.sqlstate or "", exc.diag.message_primary or ""
    return None


def insert(table: str, row: dict[str, Any]) -> sql.Composable:
    cols = sql.SQL(", ").join(map(sql.Identifier, row))
    return sql.SQL("insert into {} ({}) select {} from jsonb_populate_record(null::{}, %s)").format(
        sql.SQL(table), cols, cols, sql.SQL(table)
    )


def update(table: str, columns: list[str]) -> sql.Composable:
    sets = sql.SQL(", ").join(sql.SQL("{c} = _.{c}").format(c=sql.Identifier(c)) for c in columns)
    return sql.SQL(
        "update {t} as t set {sets} from jsonb_populate_record(null::{t}, %s) as _ where t.id = %s"
    ).format(t=sql.SQL(table), sets=sets)


def test_clients_reference_only_catalog_rows_they_can_read(db):

    alice = db.execute(
        "insert into auth.users (id, email) values (gen_random_uuid(), 'ref@example.test')"
        " returning id::text"
    ).fetchone()[0]
    claims = claims_for("authenticated", alice)
    with request(db, claims):
        agent = db.execute(
            "insert into public.ai_agents (name, vendor_id, service_id)"
            " values ('mine', 'openai', 'openai_gpt4o') returning id::text"
        ).fetchone()[0]
    own_rows = {}
    references = catalog_references(db)
    assert {r[0] for r in references} >= {
        "public.ai_agents",
        "public.agent_feature_mappings",
        "public.ai_interactions",
    }, references
    problems = []
    for child, columns, parent, parent_columns in references:
        row = base_row(child, agent)
        if child not in own_rows:
            with request(db, claims):
                own_rows[child] = (
                    agent
                    if child == "public.ai_agents"
                    else db.execute(
                        insert(child, row) + sql.SQL(" returning id::text"), [Jsonb(row)]
                    ).fetchone()[0]
                )
        # The parent row to hide: one the child row may otherwise point at.
        with db.transaction(force_rollback=True):
            hidden = db.execute(
                sql.SQL("select {} from {} where is_active order by 1 limit 1").format(
                    sql.SQL(", ").join(map(sql.Identifier, parent_columns)), sql.SQL(parent)
                )
            ).fetchone()
            db.execute(
                sql.SQL("update {} set is_active = false where ({}) = ({})").format(
                    sql.SQL(parent),
                    sql.SQL(", ").join(map(sql.Identifier, parent_columns)),
                    sql.SQL(", ").join(sql.Placeholder() * len(parent_columns)),
                ),
                hidden,
            )
            pointing = dict(zip(columns, hidden, strict=True))
            missing = {**pointing, columns[0]: MISSING}
            before = counts(db, child)
            outcomes = {}
            for label, values, key in (
                ("hidden", pointing, hidden[0]),
                ("missing", missing, MISSING),
            ):
                got = attempt(
                    db, claims, insert(child, {**row, **values}), [Jsonb({**row, **values})]
                )
                got_update = attempt(
                    db, claims, update(child, list(values)), [Jsonb(values), own_rows[child]]
                )
                outcomes[label] = [
                    g and (g[0], g[1].replace(key, "<id>")) for g in (got, got_update)
                ]
            where = f"{child}({', '.join(columns)}) -> {parent}"
            if outcomes["hidden"] != outcomes["missing"]:
                problems.append(
                    f"{where}: hidden {outcomes['hidden']} vs missing {outcomes['missing']}"
                )
            if None in outcomes["hidden"]:
                problems.append(f"{where}: a hidden row was referenced {outcomes['hidden']}")
            if counts(db, child) != before:
                problems.append(f"{where}: rows were written")
    assert not problems, "\n".join(problems)
