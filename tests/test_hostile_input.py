"""Hostile values in every column a signed-in user may write (issue "Prove it safe").

The columns come from the privileges of `authenticated` (has_column_privilege), so a new
column is probed as soon as it is granted. Each value is sent as PostgREST sends it (see
hostile.py) and must be stored exactly or refused cleanly, leaving every table as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from hostile import (
    World,
    build_world,
    check_refusal,
    column_types,
    hostile_settings,
    is_deep,
    stored_query,
    table_counts,
    values_for,
    without_audit,
    write,
)
from hypothesis import event, given
from hypothesis import strategies as st

from agentsdb.request import claims_for, request


@pytest.fixture
def world(fresh_db: str) -> World:
    return build_world(fresh_db)


@pytest.fixture
def conns(world: World) -> Iterator[tuple[psycopg.Connection, psycopg.Connection]]:
    """A connection for the requests and an autocommit one (as the owner) to look around."""
    with (
        psycopg.connect(world.dsn) as conn,
        psycopg.connect(world.dsn, autocommit=True) as admin,
    ):
        yield conn, admin


def writable_columns(admin: psycopg.Connection, role: str, privilege: str) -> list[tuple[str, str]]:
    return admin.execute(
        "select c.relname::text, a.attname::text from pg_class as c"
        " join pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped"
        " where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')"
        " and has_column_privilege(%s, c.oid, a.attnum, %s)"
        " order by 1, 2",
        [role, privilege],
    ).fetchall()


#: A valid row of each table alice may insert into ({agent}: a fresh agent of hers); the
#: probed column is then overwritten. test_every_writable_table_has_a_base_row keeps it
#: complete.
BASE_ROWS: dict[str, dict[str, Any]] = {
    "ai_agents": {"name": "probe", "vendor_id": "openai"},
    "agent_feature_mappings": {"agent_id": "{agent}", "feature_id": "coding"},
    "ai_agent_configs": {"agent_id": "{agent}", "config_key": "probe", "config_value": {}},
    "ai_interactions": {"agent_id": "{agent}", "title": "probe"},
    # One row per user ({user}: alice): mine_only() removes hers before each probe.
    "user_settings": {"user_id": "{user}", "time_zone": "Europe/Paris"},
    # {interaction}: the interaction new_agent() records for the agent.
    "interaction_messages": {"interaction_id": "{interaction}", "role": "user", "content": "probe"},
    # One name per user: mine_only() removes alice's budgets before each probe.
    "budgets": {"name": "probe", "limit_amount": 1},
    # Issue 13. One schedule per agent (a fresh agent each time); an edge between two fresh
    # pending tasks of alice's ({task}, {task2}: made by base_row).
    "agent_schedules": {"agent_id": "{agent}", "cron": "0 9 * * 1-5"},
    "agent_tasks": {"agent_id": "{agent}", "title": "probe"},
    "agent_task_dependencies": {"task_id": "{task}", "depends_on": "{task2}"},
}
#: The interaction new_agent() recorded for each agent it made.
INTERACTIONS: dict[str, str] = {}


def base_row(table: str, agent: str, user: str, dsn: str | None = None) -> dict[str, Any]:
    places = {"{agent}": agent, "{user}": user, "{interaction}": INTERACTIONS.get(agent)}
    if "{task}" in BASE_ROWS[table].values():
        with psycopg.connect(dsn, autocommit=True) as conn:
            places["{task}"], places["{task2}"] = (
                conn.execute(
                    "insert into public.agent_tasks (user_id, agent_id) values (%s, %s)"
                    " returning id::text",
                    [user, agent],
                ).fetchone()[0]
                for _ in range(2)
            )
    return {k: places.get(v, v) if isinstance(v, str) else v for k, v in BASE_ROWS[table].items()}


def mine_only(admin: psycopg.Connection, world: World, table: str) -> None:
    """Room for a new row of alice's in a table of one row per user."""
    if table == "user_settings":
        admin.execute("delete from public.user_settings where user_id = %s", [world.alice])
    if table == "budgets":
        admin.execute("delete from public.budgets where user_id = %s", [world.alice])


def test_every_writable_table_has_a_base_row(conns):
    _, admin = conns
    tables = {t for t, _ in writable_columns(admin, "authenticated", "INSERT")}
    assert tables == set(BASE_ROWS), "give every table authenticated may insert into a base row"
    updatable = {t for t, _ in writable_columns(admin, "authenticated", "UPDATE")}
    assert updatable <= set(BASE_ROWS) | {"user_api_keys", "budget_alerts"}, (
        "teach new_row() the new table"
    )


def new_agent(conn: psycopg.Connection, world: World) -> str:
    """A committed agent of alice's, with an interaction (for rows that need one)."""
    with request(conn, world.claims()):
        agent = conn.execute(
            "insert into public.ai_agents (name, vendor_id) values ('probe', 'openai')"
            " returning id::text"
        ).fetchone()[0]
        INTERACTIONS[agent] = conn.execute(
            "insert into public.ai_interactions (agent_id, title) values (%s, 'probe')"
            " returning id::text",
            [agent],
        ).fetchone()[0]
    return agent


def new_row(conn: psycopg.Connection, admin: psycopg.Connection, world: World, table: str) -> str:
    """A committed row of `table` owned by alice, to be updated."""
    if table == "user_api_keys":
        with request(conn, world.claims()):
            return conn.execute(
                "select id::text from public.store_user_api_key('openai', 'sk-probe-2222-3333')"
            ).fetchone()[0]
    if table == "budget_alerts":  # written by the budget triggers: one of alice's, as the owner
        return admin.execute(
            "with b as (insert into public.budgets (user_id, name, limit_amount)"
            " values (%s, gen_random_uuid()::text, 1) returning id, user_id)"
            " insert into public.budget_alerts (budget_id, user_id, threshold, spent, limit_amount)"
            " select b.id, b.user_id, 50, 0.5, 1 from b returning id::text",
            [world.alice],
        ).fetchone()[0]
    agent = new_agent(conn, world)
    if table == "ai_agents":
        return agent
    mine_only(admin, world, table)
    body = base_row(table, agent, world.alice, world.dsn)
    out = write(conn, world.claims(), table, body, next(iter(body)))
    assert out.error is None, out.error
    return out.row_id


def row_text(admin: psycopg.Connection, table: str, row_id: str) -> str:
    return admin.execute(
        f"select to_jsonb(t)::text from public.{table} as t where t.id = %s",  # noqa: S608
        [row_id],
    ).fetchone()[0]


def check_stored(
    admin: psycopg.Connection, table: str, column: str, row_id: str, expected: str, value: Any
) -> None:
    stored, raw = admin.execute(stored_query(table, column), [row_id]).fetchone()
    assert stored == expected, f"{table}.{column}: stored {stored[:200]!r}, sent {expected[:200]!r}"
    if isinstance(value, str) and column_types(admin, table)[column] == "text":
        assert raw == value, f"{table}.{column}: the text was changed on the way in"


@hostile_settings(max_examples=60)
@given(data=st.data())
def test_insert_stores_exactly_or_refuses_cleanly(world, conns, data):
    conn, admin = conns
    columns = writable_columns(admin, "authenticated", "INSERT")
    table, column = data.draw(st.sampled_from(columns), label="column")
    value = data.draw(values_for(column_types(admin, table)[column], world.good), label="value")
    ascii_only = data.draw(st.booleans(), label="ascii_only")
    agent = new_agent(conn, world)
    mine_only(admin, world, table)
    body = {**base_row(table, agent, world.alice, world.dsn), column: value}

    before = table_counts(admin)
    out = write(conn, world.claims(), table, body, column, ascii_only=ascii_only)
    if out.error is not None:
        event(f"refused {out.error.sqlstate}")
        check_refusal(out.error, deep_json=is_deep(value))
        assert table_counts(admin) == before, f"{table}.{column}: a refused insert left rows"
    else:
        event("stored")
        check_stored(admin, table, column, out.row_id, out.expected, value)
        key = f"public.{table}"
        assert without_audit(table_counts(admin)) == without_audit({**before, key: before[key] + 1})


@hostile_settings(max_examples=50)
@given(data=st.data())
def test_update_stores_exactly_or_changes_nothing(world, conns, data):
    conn, admin = conns
    columns = writable_columns(admin, "authenticated", "UPDATE")
    table, column = data.draw(st.sampled_from(columns), label="column")
    value = data.draw(values_for(column_types(admin, table)[column], world.good), label="value")
    row_id = new_row(conn, admin, world, table)

    before, row_before = table_counts(admin), row_text(admin, table, row_id)
    out = write(conn, world.claims(), table, {column: value}, column, row_id=row_id)
    if out.error is not None:
        event(f"refused {out.error.sqlstate}")
        check_refusal(out.error, deep_json=is_deep(value))
        assert row_text(admin, table, row_id) == row_before, f"{table}.{column}: half-updated"
        assert table_counts(admin) == before
    else:
        event("stored")
        check_stored(admin, table, column, row_id, out.expected, value)
        assert without_audit(table_counts(admin)) == without_audit(before)


# -- bytes a JSON body cannot carry: invalid UTF-8 and NUL, through psycopg ------------------


class RawText:
    """Bytes sent as a text value in binary format: the server sees exactly these bytes."""

    def __init__(self, data: bytes):
        self.data = data

    def __repr__(self) -> str:
        return f"RawText({self.data[:40]!r}, {len(self.data)})"


class RawTextDumper(psycopg.adapt.Dumper):
    format = psycopg.pq.Format.BINARY

    def __init__(self, cls, context=None):
        super().__init__(cls, context)
        self.oid = psycopg.postgres.types["text"].oid

    def dump(self, obj: RawText) -> bytes:
        return obj.data


BAD_SEQUENCES = [
    b"\x00",
    b"\xff",
    b"\xfe\xff",
    b"\xc3\x28",  # a lead byte without its continuation
    b"\xa0\xa1",  # continuation bytes alone
    b"\xc0\xaf",  # overlong '/'
    b"\xe0\x80\xaf",  # overlong '/'
    b"\xed\xa0\x80",  # a UTF-16 surrogate encoded (CESU-8)
    b"\xf4\x90\x80\x80",  # above U+10FFFF
    b"\xe2\x82",  # truncated
    b"\xf8\x88\x80\x80\x80",  # five-byte form
]


def raw_bytes() -> st.SearchStrategy[bytes]:
    text = st.text(max_size=30)
    bad = st.builds(
        lambda a, seq, b: a.encode() + seq + b.encode(), text, st.sampled_from(BAD_SEQUENCES), text
    )
    return st.one_of(bad, st.binary(max_size=64), text.map(str.encode))


def valid_text(data: bytes) -> str | None:
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in decoded else decoded


@hostile_settings(max_examples=40)
@given(data=st.data())
def test_invalid_utf8_and_nul_bytes_are_refused_with_22021(world, conns, data):
    conn, admin = conns
    conn.adapters.register_dumper(RawText, RawTextDumper)
    columns = [
        (t, c)
        for t, c in writable_columns(admin, "authenticated", "INSERT")
        if column_types(admin, t)[c] in ("text", "text[]", "jsonb")
    ]
    table, column = data.draw(st.sampled_from(columns), label="column")
    raw = data.draw(raw_bytes(), label="bytes")
    agent = new_agent(conn, world)
    mine_only(admin, world, table)
    body = base_row(table, agent, world.alice, world.dsn)
    body.pop(column, None)
    types = column_types(admin, table)

    query = psycopg.sql.SQL(
        "insert into {t} ({cols}) select {base}, cast(%s::text as {type})"
        " from json_to_recordset(%s::json) as _({defs}) returning id::text"
    ).format(
        t=psycopg.sql.Identifier("public", table),
        cols=psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, [*body, column])),
        base=psycopg.sql.SQL(", ").join(psycopg.sql.Identifier("_", c) for c in body),
        type=psycopg.sql.SQL(types[column]),
        defs=psycopg.sql.SQL(", ").join(
            psycopg.sql.SQL("{} {}").format(psycopg.sql.Identifier(c), psycopg.sql.SQL(types[c]))
            for c in body
        ),
    )
    before = table_counts(admin)
    decoded = valid_text(raw)
    try:
        with request(conn, claims_for("authenticated", world.alice)):
            row_id = conn.execute(query, [RawText(raw), json.dumps([body])]).fetchone()[0]
    except psycopg.Error as exc:
        conn.rollback()
        event(f"refused {exc.sqlstate}")
        if decoded is None:
            assert exc.sqlstate == "22021", f"bad bytes {raw!r}: {exc.sqlstate} {exc}"
        else:
            check_refusal(exc)
        assert table_counts(admin) == before
        return
    event("stored")
    assert decoded is not None, f"{table}.{column}: stored bytes that are not UTF-8: {raw!r}"
    if types[column] == "text":
        stored = admin.execute(
            psycopg.sql.SQL("select {c} from {t} where id = %s").format(
                c=psycopg.sql.Identifier(column), t=psycopg.sql.Identifier("public", table)
            ),
            [row_id],
        ).fetchone()[0]
        assert stored == decoded
