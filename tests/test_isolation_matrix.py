"""The isolation matrix ("Prove it safe"): every relation, column and function the API exposes,
every operation, as every caller, checked against ONE declaration: tests/expected_rights.py.

Nothing here names a table or a function. The objects come from pg_catalog (the schemas
PostgREST serves, read from supabase/config.toml); the callers are anon, alice on her own rows,
alice on bob's rows (private, and tied to his public agent) and service_role. Every probe runs
the way PostgREST runs a request (agentsdb.request.request: role and JWT claims set
transaction-locally), inside a savepoint that is rolled back, so probes never see each other.
RLS filters UPDATE and DELETE silently, so those probes re-read the row as postgres afterwards;
every row returned and every error raised by any probe is scanned for vendor key material.

Run with `-s` to see the counts.
"""

from __future__ import annotations

import base64
import json
import tomllib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

import expected_rights as declared
from agentsdb.request import claims_for, request

ROOT = Path(__file__).resolve().parents[1]
API_ROLES = ("anon", "authenticated", "service_role")
OUTCOME_OF_SQLSTATE = {
    "42501": "deny",
    "55000": "read_only",
    "PT404": "not_found",
    "23503": "fk",
    "22004": "required",
}
TABLE_OPERATIONS = ("select", "insert", "update", "delete", "upsert")
VIEW_OPERATIONS = ("select", "insert", "update", "delete")
# Rows tied to an agent its owner made public: the agent itself, or rows carrying its id.
PUBLIC_AGENT_ROW = "t.is_public"
PUBLIC_AGENT_CHILD = "t.agent_id in (select a.id from public.ai_agents as a where a.is_public)"

# The vendor keys alice and bob store: no client may ever read any 8 characters of them back.
ALICE_KEY = "sk-mtx-Qz7VbLr2Wn8XkP4Jd6Ty1Hc3"
BOB_KEY = "sk-mtx-Bq5Nf9Ks2Lx7Rm3Vw8Gz4Pe1"
STATS_DAY = "2026-01-15"


def exposed_schemas() -> list[str]:
    config = tomllib.loads((ROOT / "supabase" / "config.toml").read_text())
    return list(config["api"]["schemas"])


def parse_table(text: str) -> list[dict[str, str]]:
    """A whitespace-aligned table: the first line names the columns; a row with one token more
    than the header has its label under the key ''."""
    lines = [line.split() for line in text.strip().splitlines() if line.strip()]
    header, rows = lines[0], lines[1:]
    parsed = []
    for tokens in rows:
        names = [""] + header if len(tokens) == len(header) + 1 else header
        assert len(tokens) == len(names), f"malformed declaration row: {' '.join(tokens)}"
        parsed.append(dict(zip(names, tokens, strict=True)))
    return parsed


# --- discovery -------------------------------------------------------------------------------


@dataclass
class Relation:
    name: str  # the key in expected_rights.RELATIONS
    schema: str
    relname: str
    oid: int
    kind: str  # table, view, or the pg_class relkind of anything else
    columns: list[str]
    key: list[str]
    has_primary_key: bool
    defaultable: list[str]  # nullable or with a default: `set c = default` is always valid
    generated: list[str]  # GENERATED ALWAYS columns: no insert may name them, whoever asks

    @property
    def ident(self) -> sql.Identifier:
        return sql.Identifier(self.schema, self.relname)

    @property
    def tenant_column(self) -> str | None:
        """The column naming the user whose row it is (audit_logs calls it owner_id)."""
        return next((c for c in ("user_id", "owner_id") if c in self.columns), None)

    @property
    def owned(self) -> bool:
        return self.tenant_column is not None

    @property
    def public_rows(self) -> str | None:
        if "is_public" in self.columns:
            return PUBLIC_AGENT_ROW
        if "agent_id" in self.columns:
            return PUBLIC_AGENT_CHILD
        return None

    @property
    def callers(self) -> list[str]:
        if not self.owned:
            return ["anon", "user", "service"]
        return ["anon", "own", "other"] + (["public"] if self.public_rows else []) + ["service"]

    @property
    def operations(self) -> tuple[str, ...]:
        return TABLE_OPERATIONS if self.has_primary_key else VIEW_OPERATIONS


@dataclass
class Function:
    name: str
    schema: str
    proname: str
    oid: int
    required: list[tuple[str, str]]  # (parameter name, type) of the parameters without default

    @property
    def ident(self) -> sql.Identifier:
        return sql.Identifier(self.schema, self.proname)

    @property
    def callers(self) -> list[str]:
        samples = [declared.ARGUMENTS.get(name) for name, _ in self.required]
        if declared.AGENT in samples:
            return ["anon", "own", "other", "public", "service"]
        if declared.USER in samples:
            return ["anon", "own", "other", "service"]
        return ["anon", "user", "service"]


def object_name(schema: str, name: str) -> str:
    return name if schema == "public" else f"{schema}.{name}"


def discover_relations(conn: psycopg.Connection, schemas: list[str]) -> dict[str, Relation]:
    rows = conn.execute(
        """
        select c.oid, n.nspname, c.relname, c.relkind,
          array(
            select a.attname::text from pg_catalog.pg_attribute as a
            where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped order by a.attnum
          ),
          array(
            select a.attname::text
            from pg_catalog.pg_index as i
            join pg_catalog.pg_attribute as a
              on a.attrelid = i.indrelid and a.attnum = any (i.indkey::int2[])
            where i.indrelid = c.oid and i.indisprimary
            order by array_position(i.indkey::int2[], a.attnum)
          ),
          array(
            select a.attname::text from pg_catalog.pg_attribute as a
            where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
              and (not a.attnotnull or a.atthasdef)
            order by a.attnum
          ),
          array(
            select a.attname::text from pg_catalog.pg_attribute as a
            where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
              and (a.attidentity = 'a' or a.attgenerated <> '')
          )
        from pg_catalog.pg_class as c
        join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = any (%s) and c.relkind not in ('i', 'I', 'c', 't', 'S')
        """,
        (schemas,),
    ).fetchall()
    relations = {}
    for oid, schema, relname, relkind, columns, primary_key, defaultable, generated in rows:
        kind = {"r": "table", "p": "table", "v": "view", "m": "view"}.get(relkind, relkind)
        key = primary_key or (["id"] if "id" in columns else [])
        relations[object_name(schema, relname)] = Relation(
            object_name(schema, relname),
            schema,
            relname,
            oid,
            kind,
            columns,
            key,
            bool(primary_key),
            defaultable,
            generated,
        )
    return relations


# PostgREST's test for a computed relationship (SchemaCache.hs, allComputedRels): one
# argument of a relation's row type, a relation's row type returned. PostgREST embeds
# through such a function (`parent?select=*,name(*)`); with that one argument unnamed it
# is no RPC (/rpc takes named arguments).
COMPUTED_RELATIONSHIP = """
  p.pronargs = 1 and coalesce(p.proargnames[1], '') = ''
  and p.proargtypes[0] in (select c.reltype from pg_catalog.pg_class as c
                           where c.relkind in ('v', 'r', 'm', 'f', 'p'))
  and p.prorettype in (select c.reltype from pg_catalog.pg_class as c
                       where c.relkind in ('v', 'r', 'm', 'f', 'p'))
"""


@dataclass
class Embed:
    parent: str
    name: str
    target: str
    to_one: bool
    oid: int

    @property
    def label(self) -> str:
        return f"{self.parent} -> {self.name}"


def discover_embeds(conn: psycopg.Connection, schemas: list[str]) -> list[Embed]:
    """Every computed relationship whose function lives in an exposed schema."""
    rows = conn.execute(
        f"""
        select arg.typname::text, p.proname::text, ret.typname::text,
          not p.proretset or p.prorows = 1, p.oid
        from pg_catalog.pg_proc as p
        join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
        join pg_catalog.pg_type as arg on arg.oid = p.proargtypes[0]
        join pg_catalog.pg_type as ret on ret.oid = p.prorettype
        where n.nspname = any (%s) and {COMPUTED_RELATIONSHIP}
        order by 1, 2
        """,
        (schemas,),
    ).fetchall()
    return [Embed(*row) for row in rows]


def discover_functions(conn: psycopg.Connection, schemas: list[str]) -> list[Function]:
    """Every function PostgREST offers at /rpc (computed relationships are embeds)."""
    rows = conn.execute(
        f"""
        select p.oid, n.nspname, p.proname, p.pronargs, p.pronargdefaults,
          coalesce(p.proargnames, '{{}}'), coalesce(p.proargmodes::text[], '{{}}'),
          array(select pg_catalog.format_type(t, null) from unnest(p.proargtypes) as t)
        from pg_catalog.pg_proc as p
        join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
        where n.nspname = any (%s) and not ({COMPUTED_RELATIONSHIP})
        order by n.nspname, p.proname
        """,
        (schemas,),
    ).fetchall()
    functions = []
    for oid, schema, proname, nargs, ndefaults, names, modes, types in rows:
        inputs = [
            name
            for name, mode in zip(names, modes or ["i"] * len(names), strict=False)
            if mode in ("i", "b", "v")
        ][:nargs]
        required = list(zip(inputs, types, strict=True))[: nargs - ndefaults]
        functions.append(Function(object_name(schema, proname), schema, proname, oid, required))
    return functions


def foreign_keys(conn: psycopg.Connection, *, child: int | None = None, parent: int | None = None):
    """(child schema, child table, child columns, parent oid, parent columns) of foreign keys."""
    return conn.execute(
        """
        select cn.nspname, cc.relname, con.confrelid,
          array(select a.attname::text from unnest(con.conkey) with ordinality as k (n, i)
                join pg_catalog.pg_attribute as a on a.attrelid = con.conrelid and a.attnum = k.n
                order by k.i),
          array(select a.attname::text from unnest(con.confkey) with ordinality as k (n, i)
                join pg_catalog.pg_attribute as a on a.attrelid = con.confrelid and a.attnum = k.n
                order by k.i)
        from pg_catalog.pg_constraint as con
        join pg_catalog.pg_class as cc on cc.oid = con.conrelid
        join pg_catalog.pg_namespace as cn on cn.oid = cc.relnamespace
        where con.contype = 'f'
          and (%(child)s::oid is null or con.conrelid = %(child)s::oid)
          and (%(parent)s::oid is null or con.confrelid = %(parent)s::oid)
        """,
        {"child": child, "parent": parent},
    ).fetchall()


# --- secrets ---------------------------------------------------------------------------------


@dataclass
class Needle:
    label: str
    texts: list[str]
    blobs: list[bytes]
    service_may_see: bool


def windows(secret: str, width: int) -> list[str]:
    return [secret[i : i + width] for i in range(len(secret) - width + 1)]


@dataclass
class Scanner:
    """Looks for key material in everything a caller receives: rows and error text."""

    needles: list[Needle]
    paths: int = 0
    values: int = 0
    findings: list[str] = field(default_factory=list)

    def scan(self, where: str, role: str, rows: list[tuple], error: str) -> None:
        self.paths += 1
        pieces: list[Any] = [error] if error else []
        for row in rows:
            pieces.extend(row)
        for piece in flatten(pieces):
            self.values += 1
            for needle in self.needles:
                if role == "service_role" and needle.service_may_see:
                    continue
                if isinstance(piece, bytes):
                    hit = any(b in piece for b in needle.blobs) or any(
                        t.encode() in piece for t in needle.texts
                    )
                else:
                    hit = any(t in piece for t in needle.texts)
                finding = f"{where} as {role}: received {needle.label}"
                if hit and finding not in self.findings:
                    self.findings.append(finding)


def flatten(values: list[Any]) -> Iterator[str | bytes]:
    for value in values:
        if value is None:
            continue
        if isinstance(value, bytes | bytearray | memoryview):
            yield bytes(value)
        elif isinstance(value, list | tuple):
            yield from flatten(list(value))
        elif isinstance(value, dict):
            yield json.dumps(value, default=str)
        else:
            yield str(value)


# --- the world: alice and bob, each owning data in every user table -------------------------


@dataclass
class World:
    conn: psycopg.Connection
    alice: uuid.UUID
    bob: uuid.UUID
    agents: dict[str, uuid.UUID]  # own, other, public (bob's public agent)
    scanner: Scanner
    relations: dict[str, Relation]
    functions: list[Function]
    embeds: list[Embed]

    def claims(self, caller: str) -> dict[str, Any]:
        if caller == "anon":
            return claims_for("anon")
        if caller == "service":
            return claims_for("service_role")
        return claims_for("authenticated", self.alice)

    @staticmethod
    def role(caller: str) -> str:
        return {"anon": "anon", "service": "service_role"}.get(caller, "authenticated")


def build_world(conn: psycopg.Connection, schemas: list[str]) -> World:
    conn.execute("select 1")  # open the test's transaction: every request below is a savepoint
    # The probes delete and re-insert target rows as postgres; the audit log's append-only
    # guard allows that only when asked (API roles lack the DELETE privilege regardless).
    conn.execute("select set_config('agentsdb.allow_audit_log_deletion', 'on', true)")
    users = {}
    for name in ("alice", "bob"):
        users[name] = uuid.uuid4()
        conn.execute(
            "insert into auth.users (id, email, aud, role)"
            " values (%s, %s, 'authenticated', 'authenticated')",
            (users[name], f"{name}-{users[name].hex[:8]}@matrix.test"),
        )
    # Catalog rows nothing references, so deleting one is a clean probe.
    conn.execute(
        "insert into public.vendors (id, name) values ('matrix_vendor', 'Matrix vendor');"
        "insert into public.vendor_services (id, vendor_id, service_name, display_name)"
        " values ('openai_matrix_model', 'openai', 'matrix-model', 'Matrix model');"
        "insert into public.agent_features (id, name) values ('matrix_feature', 'Matrix');"
        "insert into public.interaction_types (id, name) values ('matrix_type', 'Matrix')"
    )
    agents = {}
    # Distinct features, config keys and primaries per user, so a cross-tenant copy of a row
    # can only fail on tenancy (never on a unique key first).
    plan = {
        "alice": (ALICE_KEY, ("coding", "writing"), True),
        "bob": (BOB_KEY, ("research", "translation"), False),
    }
    for name, (key, features, primary) in plan.items():
        with request(conn, claims_for("authenticated", users[name])):
            for is_public, feature in zip((False, True), features, strict=True):
                agent = conn.execute(
                    "insert into public.ai_agents (name, vendor_id, service_id, is_public, tags)"
                    " values (%s, 'openai', 'openai_gpt4o', %s, '{matrix}') returning id",
                    (f"{name} {'public' if is_public else 'private'} agent", is_public),
                ).fetchone()[0]
                agents[(name, is_public)] = agent
                conn.execute(
                    "insert into public.agent_feature_mappings (agent_id, feature_id, is_primary)"
                    " values (%s, %s, %s)",
                    (agent, feature, primary and not is_public),
                )
                conn.execute(
                    "insert into public.ai_agent_configs (agent_id, config_key, config_value)"
                    " values (%s, %s, '0.5')",
                    (agent, f"{name}.{feature}"),
                )
                # A soft budget of the agent with a tiny limit: the usage below writes its
                # alert (issue 11), and a zero estimate is admitted (a reservation).
                conn.execute(
                    "insert into public.budgets (name, scope, agent_id, period, limit_amount,"
                    " thresholds) values (%s, 'agent', %s, 'none', 0.000001, '{50}')",
                    (f"{name} {feature} budget", agent),
                )
                conn.execute(
                    "select * from public.admit_model_call(agent_id => %s, estimated_cost => 0)",
                    (agent,),
                )
                interaction = conn.execute(
                    "insert into public.ai_interactions (agent_id, title, interaction_type_id,"
                    " input_tokens, output_tokens, total_cost, started_at, ended_at)"
                    " values (%s, 'matrix', 'coding', 100, 50, 0.00125, %s, %s) returning id",
                    (agent, f"{STATS_DAY} 10:00Z", f"{STATS_DAY} 10:05Z"),
                ).fetchone()[0]
                conn.execute(
                    "select * from public.record_model_call(agent_id => %s, input_tokens => 100,"
                    " output_tokens => 50, interaction_id => %s, started_at => %s,"
                    " idempotency_key => %s)",
                    (agent, interaction, f"{STATS_DAY} 10:00Z", f"matrix-{feature}"),
                )
                conn.execute(
                    "insert into public.interaction_messages (interaction_id, role, content,"
                    " tokens) values (%s, 'user', 'matrix question', 100)",
                    (interaction,),
                )
                # Schedules and tasks (issue 13): a schedule, two tasks, the second depending
                # on the first; the first is claimed below, so it has an attempt.
                conn.execute(
                    "insert into public.agent_schedules (agent_id, cron)"
                    " values (%s, '0 9 * * 1-5')",
                    (agent,),
                )
                first, second = (
                    conn.execute(
                        "insert into public.agent_tasks (agent_id, title, priority)"
                        " values (%s, %s, %s) returning id",
                        (agent, title, priority),
                    ).fetchone()[0]
                    for title, priority in (("matrix first", 1000), ("matrix second", 0))
                )
                conn.execute(
                    "insert into public.agent_task_dependencies (task_id, depends_on)"
                    " values (%s, %s)",
                    (second, first),
                )
            conn.execute(
                "select * from public.store_user_api_key(vendor_id => 'openai', api_key => %s)",
                (key,),
            )
            conn.execute("select * from public.set_time_zone('Pacific/Auckland')")
    with request(conn, claims_for("service_role")):
        conn.execute("select public.update_daily_usage_stats(%s)", (STATS_DAY,))
        conn.execute("select public.refresh_usage_rollups()")  # agent_usage_daily's rows
        for is_public in (False, True):
            conn.execute(
                "select * from public.claim_next_task('matrix-worker', agent_id => %s)",
                (agents[("alice", is_public)],),
            )
    # bob's history is written directly, with attempt numbers alice's (1) never has: a copy of
    # alice's attempt pointing at bob's task must meet the foreign key, not the unique key.
    conn.execute(
        "insert into public.agent_task_attempts (task_id, user_id, attempt, worker,"
        " lease_expires_at, finished_at, outcome)"
        " select t.id, t.user_id, 7, 'matrix-worker', now(), now(), 'lost'"
        " from public.agent_tasks as t where t.user_id = %s",
        (users["bob"],),
    )
    # A correction of each user's usage, as correct_interaction_usage records one (the ledger).
    conn.execute(
        "insert into public.usage_corrections (run_id, kind, user_id, interaction_id,"
        " rows_changed, old_started_at, new_started_at, reason, corrected_by_role)"
        " select gen_random_uuid(), 'interaction', i.user_id, i.id, 1, i.started_at,"
        " i.started_at, 'matrix', 'service_role'"
        " from public.ai_interactions as i where i.user_id = any (%s)",
        ([users["alice"], users["bob"]],),
    )

    needles = [
        Needle(f"{name}'s vendor key", windows(key, 8), [], service_may_see=True)
        for name, (key, _, _) in plan.items()
    ]
    # Read as postgres, the owner of the private schema: what no client may ever receive.
    for (ciphertext,) in conn.execute(
        "select s.ciphertext from private.user_api_key_secrets as s"
        " join public.user_api_keys as k on k.id = s.api_key_id where k.user_id = any (%s)",
        ([users["alice"], users["bob"]],),
    ):
        ciphertext = bytes(ciphertext)
        tail = ciphertext[-32:]
        texts = [ciphertext.hex(), tail.hex(), base64.b64encode(ciphertext).decode()]
        needles.append(Needle("a key's ciphertext", texts, [ciphertext, tail], False))
    (kek,) = conn.execute(
        "select decrypted_secret from vault.decrypted_secrets where name = 'agentsdb_api_key_kek'"
    ).fetchone()
    needles.append(Needle("the key-encryption key", windows(kek, 16), [kek.encode()], False))
    assert len(needles) == 5, "expected two stored keys, two ciphertexts and the KEK"

    return World(
        conn=conn,
        alice=users["alice"],
        bob=users["bob"],
        agents={
            "own": agents[("alice", False)],
            "other": agents[("bob", False)],
            "public": agents[("bob", True)],
        },
        scanner=Scanner(needles),
        relations=discover_relations(conn, schemas),
        functions=discover_functions(conn, schemas),
        embeds=discover_embeds(conn, schemas),
    )


@pytest.fixture
def world(db: psycopg.Connection) -> World:
    return build_world(db, exposed_schemas())


# --- probing ---------------------------------------------------------------------------------


@dataclass
class Result:
    sqlstate: str | None
    rows: list[tuple]
    error: str = ""

    def outcome(self) -> str:
        if self.sqlstate is None:
            return "allow" if self.rows else "filter"
        return OUTCOME_OF_SQLSTATE.get(self.sqlstate, f"error {self.sqlstate}: {self.error[:200]}")


def attempt(world: World, where: str, caller: str, statement: sql.Composable, params=()) -> Result:
    """One PostgREST-style request; its rows and errors are scanned for secrets."""
    conn = world.conn
    try:
        with request(conn, world.claims(caller)):
            cursor = conn.execute(statement, params)
            rows = cursor.fetchall() if cursor.description else []
        result = Result(None, rows)
    except psycopg.Error as error:
        diag = error.diag
        text = "\n".join(
            part
            for part in (str(error), diag.message_detail, diag.message_hint, diag.context)
            if part
        )
        result = Result(error.sqlstate, [], text)
    world.scanner.scan(where, World.role(caller), result.rows, result.error)
    return result


def key_match(relation: Relation, alias: str | None = None) -> sql.Composable:
    columns = [sql.Identifier(alias, c) if alias else sql.Identifier(c) for c in relation.key]
    return sql.SQL("({}) = ({})").format(
        sql.SQL(", ").join(columns), sql.SQL(", ").join(sql.Placeholder() * len(relation.key))
    )


def snapshot(world: World, relation: Relation, key: tuple) -> str | None:
    """The row as postgres sees it, with its physical version (any write changes ctid)."""
    version = sql.SQL("t.ctid::text || ") if relation.kind == "table" else sql.SQL("")
    row = world.conn.execute(
        sql.SQL("select {}to_jsonb(t)::text from {} as t where {}").format(
            version, relation.ident, key_match(relation, "t")
        ),
        key,
    ).fetchone()
    return row[0] if row else None


def column_rights(world: World, relation: Relation, role: str, privilege: str) -> list[str]:
    return [
        column
        for column in relation.columns
        if world.conn.execute(
            "select has_column_privilege(%s, %s::oid, %s, %s)",
            (role, relation.oid, column, privilege),
        ).fetchone()[0]
    ]


def targets(world: World, relation: Relation) -> dict[str, tuple | None]:
    """The key of the row each caller probes, looked up as postgres."""

    def first(condition: str, params: dict[str, Any]) -> tuple | None:
        return world.conn.execute(
            sql.SQL("select {} from {} as t where {} order by 1 limit 1").format(
                sql.SQL(", ").join(sql.Identifier("t", c) for c in relation.key),
                relation.ident,
                sql.SQL(condition),
            ),
            params,
        ).fetchone()

    if not relation.owned:
        # An active catalog row no foreign key points at, so deleting it is possible.
        free = ["true"] + (["t.is_active"] if "is_active" in relation.columns else [])
        for schema, table, _, columns, parent_columns in foreign_keys(
            world.conn, parent=relation.oid
        ):
            free.append(
                sql.SQL("not exists (select from {} as c where ({}) = ({}))")
                .format(
                    sql.Identifier(schema, table),
                    sql.SQL(", ").join(sql.Identifier("c", c) for c in columns),
                    sql.SQL(", ").join(sql.Identifier("t", c) for c in parent_columns),
                )
                .as_string(world.conn)
            )
        row = first(" and ".join(free), {})
        return {"anon": row, "user": row, "service": row}
    public = relation.public_rows or "false"
    tenant = f"t.{relation.tenant_column}"
    own = first(f"{tenant} = %(u)s and not ({public})", {"u": world.alice})
    found = {
        "anon": own,
        "own": own,
        "other": first(f"{tenant} = %(u)s and not ({public})", {"u": world.bob}),
        "service": own,
    }
    if relation.public_rows:
        found["public"] = first(f"{tenant} = %(u)s and {public}", {"u": world.bob})
    return found


def insert_statement(
    relation: Relation, columns: list[str], conflict_update: list[str] | None = None
) -> sql.Composable:
    """insert the columns of a JSON row (jsonb_populate_record gives them their types)."""
    names = sql.SQL(", ").join(map(sql.Identifier, columns))
    statement = sql.SQL(
        "insert into {table} ({names}) select {names}"
        " from jsonb_populate_record(null::{table}, %s::jsonb)"
    ).format(table=relation.ident, names=names)
    if conflict_update is not None:
        statement += sql.SQL(" on conflict ({}) do update set {}").format(
            sql.SQL(", ").join(map(sql.Identifier, relation.key)),
            sql.SQL(", ").join(
                sql.SQL("{0} = excluded.{0}").format(sql.Identifier(c)) for c in conflict_update
            ),
        )
    return statement + sql.SQL(" returning *")


def row_json(world: World, relation: Relation, key: tuple) -> dict[str, Any]:
    return world.conn.execute(
        sql.SQL("select to_jsonb(t) from {} as t where {}").format(
            relation.ident, key_match(relation, "t")
        ),
        key,
    ).fetchone()[0]


def probe_relation(world: World, relation: Relation, operation: str, caller: str, key) -> str:
    """Run one operation as one caller on its target row; return what happened."""
    conn, role, where = world.conn, World.role(caller), f"{relation.name}.{operation}"
    if operation in ("update", "delete"):
        targeted = probe_write(world, relation, operation, caller, key, blind=False)
        if caller == "service":
            return targeted  # BYPASSRLS: a blind write tells nothing more
        blind = probe_write(world, relation, operation, caller, key, blind=True)
        return targeted if blind == targeted else f"{targeted}, but blind: {blind}"
    with conn.transaction(force_rollback=True):
        before = snapshot(world, relation, key)
        if operation == "select":
            statement = sql.SQL("select * from {} where {}").format(
                relation.ident, key_match(relation)
            )
            return attempt(world, where, caller, statement, key).outcome()
        if operation in ("insert", "upsert"):
            own_key = targets(world, relation)["own" if relation.owned else "user"]
            values = row_json(world, relation, own_key if operation == "upsert" else key)
            values.update(zip(relation.key, map(str, key), strict=True))
            columns = column_rights(world, relation, role, "INSERT") or [
                c for c in relation.columns if c not in relation.generated
            ]
            if operation == "upsert":
                # PostgREST sends the conflict key in the body, insertable or not.
                columns += [c for c in relation.key if c not in columns]
            if operation == "insert":
                if relation.kind == "table":
                    conn.execute(
                        sql.SQL("delete from {} where {}").format(
                            relation.ident, key_match(relation)
                        ),
                        key,
                    )
                statement = insert_statement(relation, columns)
            else:
                updatable = column_rights(world, relation, role, "UPDATE")
                settable = [c for c in columns if c in updatable and c not in relation.key]
                spare = [c for c in columns if c not in relation.key]
                statement = insert_statement(relation, columns, settable or spare[:1])
            result = attempt(world, where, caller, statement, (json.dumps(values),))
            if result.sqlstate is None and not set(relation.key) <= set(columns):
                # The database chose the key: the row written is the one returned.
                return "allow" if result.rows else "error: nothing written"
            if result.sqlstate is None:
                written = snapshot(world, relation, key)
                return "allow" if written and written != before else "error: nothing written"
            return result.outcome()


def probe_write(world, relation, operation, caller, key, *, blind: bool) -> str:
    """Update or delete the target row, and say what happened to it (re-read as postgres).

    Targeted is what PostgREST sends: `where <key> = ... returning *`. Reading columns makes
    PostgreSQL apply the SELECT policies too, which would hide a too-permissive UPDATE or
    DELETE policy; so the blind form reads nothing (`set c = default`, no where, no
    returning) and leaves the UPDATE or DELETE policy alone to decide which rows it touches."""
    role, where = World.role(caller), f"{relation.name}.{operation}"
    non_key = [c for c in relation.columns if c not in relation.key]
    updatable = [c for c in column_rights(world, relation, role, "UPDATE") if c in non_key]
    with world.conn.transaction(force_rollback=True):
        before = snapshot(world, relation, key)
        if operation == "update" and blind:
            column = sql.Identifier(
                ([c for c in updatable if c in relation.defaultable] or non_key)[0]
            )
            statement = sql.SQL("update {} set {} = default").format(relation.ident, column)
        elif operation == "update":
            column = sql.Identifier((updatable or non_key)[0])
            statement = sql.SQL("update {} set {} = {} where {} returning *").format(
                relation.ident, column, column, key_match(relation)
            )
        elif blind:
            statement = sql.SQL("delete from {}").format(relation.ident)
        else:
            statement = sql.SQL("delete from {} where {} returning *").format(
                relation.ident, key_match(relation)
            )
        result = attempt(world, where, caller, statement, () if blind else key)
        after = snapshot(world, relation, key)
    if result.sqlstate is not None:
        return result.outcome()
    if after == before:
        return "filter" if blind or not result.rows else "error: returned a row it did not write"
    return "allow" if blind or result.rows else "error: wrote a row it did not return"


def call_statement(function: Function, arguments: dict[str, Any]) -> tuple[sql.Composable, list]:
    named = [
        sql.SQL("{} => %s::{}").format(sql.Identifier(name), sql.SQL(type_name))
        for name, type_name in function.required
    ]
    statement = sql.SQL("select * from {}({})").format(function.ident, sql.SQL(", ").join(named))
    return statement, [arguments[name] for name, _ in function.required]


def arguments_for(world: World, function: Function, caller: str) -> dict[str, Any]:
    target = caller if caller in ("own", "other", "public") else "own"
    values = {}
    for name, _ in function.required:
        sample = declared.ARGUMENTS.get(name)  # an undeclared parameter is tried with null
        if sample == declared.AGENT:
            sample = world.agents[target]
        elif sample == declared.USER:
            sample = world.bob if target == "other" else world.alice
        values[name] = sample
    return values


def probe_function(world: World, function: Function, caller: str, arguments=None) -> Result:
    statement, params = call_statement(
        function, arguments or arguments_for(world, function, caller)
    )
    with world.conn.transaction(force_rollback=True):
        return attempt(world, f"rpc {function.name}", caller, statement, params)


def report(title: str, problems: list[str]) -> str:
    return f"{title} ({len(problems)}):\n  " + "\n  ".join(problems)


# --- the tests -------------------------------------------------------------------------------


def test_no_api_role_holds_a_sequence(world):
    """Sequences are left out of the matrix: identity columns need no sequence privilege, so
    no API role may hold any (a granted sequence would let a client burn or guess ids)."""
    held = world.conn.execute(
        """
        select c.relname, r.role, p.privilege
        from pg_catalog.pg_class as c
        cross join unnest(array['anon', 'authenticated', 'service_role']) as r (role)
        cross join unnest(array['usage', 'select', 'update']) as p (privilege)
        join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
        where c.relkind = 'S' and n.nspname = any (%s)
          and has_sequence_privilege(r.role, c.oid, p.privilege)
        """,
        (exposed_schemas(),),
    ).fetchall()
    assert held == []


def test_every_exposed_object_is_declared(world):
    problems = []
    relations, functions = world.relations, world.functions
    declare = "declare it in tests/expected_rights.py"
    for name, relation in relations.items():
        if relation.kind not in ("table", "view"):
            problems.append(
                f"{name}: a relation of kind {relation.kind!r} is exposed; the matrix "
                "probes only tables and views: drop it or teach the matrix"
            )
            continue
        if name not in declared.RELATIONS:
            problems.append(
                f"{name}: new {relation.kind} with no declared rights: {declare} "
                "(RELATIONS: its rows table and columns table)"
            )
            continue
        if not relation.key:
            problems.append(f"{name}: no primary key and no id column to address a row by")
        rights = declared.RELATIONS[name]
        rows = {row[""]: row for row in parse_table(rights.rows)}
        header = list(next(iter(rows.values())))[1:]
        if header != relation.callers:
            problems.append(f"{name}: rows table has callers {header}, expected {relation.callers}")
        if sorted(rows) != sorted(relation.operations):
            problems.append(
                f"{name}: rows table has operations {sorted(rows)}, "
                f"expected {sorted(relation.operations)}"
            )
        columns = {row[""] for row in parse_table(rights.columns)}
        for column in relation.columns:
            if column not in columns:
                problems.append(f"{name}.{column}: new column: {declare} ({name} columns table)")
        for column in sorted(columns - set(relation.columns)):
            problems.append(f"{name}.{column}: declared but no longer exists: remove it")
    for name in sorted(set(declared.RELATIONS) - set(relations)):
        problems.append(f"{name}: declared but not exposed any more: remove it")

    names = [f.name for f in functions]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{name}: overloaded; PostgREST cannot choose between overloads")
    function_rows = {row["function"]: row for row in parse_table(declared.FUNCTIONS)}
    for function in functions:
        if function.name not in function_rows:
            problems.append(
                f"{function.name}(): new function with no declared rights: {declare} (FUNCTIONS)"
            )
            continue
        applicable = [
            c for c, v in function_rows[function.name].items() if c != "function" and v != "-"
        ]
        if applicable != function.callers:
            problems.append(
                f"{function.name}(): FUNCTIONS gives outcomes for {applicable}, "
                f"expected exactly {function.callers} ('-' for the others)"
            )
        for parameter, _ in function.required:
            if parameter not in declared.ARGUMENTS:
                problems.append(
                    f"{function.name}({parameter}): no sample value: add "
                    f"{parameter!r} to ARGUMENTS in tests/expected_rights.py"
                )
    for name in sorted(set(function_rows) - set(names)):
        problems.append(f"{name}(): declared but not exposed any more: remove it")
    embed_rows = {(r["parent"], r["name"]): r for r in parse_table(declared.EMBEDS)}
    for embed in world.embeds:
        row = embed_rows.get((embed.parent, embed.name))
        if row is None:
            problems.append(f"{embed.label}: new computed relationship: {declare} (EMBEDS)")
        elif (row["target"], row["to"]) != (embed.target, "one" if embed.to_one else "many"):
            problems.append(
                f"{embed.label}: gives {embed.target} (to-{'one' if embed.to_one else 'many'}),"
                f" declared {row['target']} (to-{row['to']})"
            )
    for parent, name in sorted(set(embed_rows) - {(e.parent, e.name) for e in world.embeds}):
        problems.append(f"{parent} -> {name}: declared in EMBEDS but not exposed any more")
    print(
        f"\nmatrix: {len(relations)} relations, "
        f"{sum(len(r.columns) for r in relations.values())} columns, "
        f"{len(functions)} functions in {', '.join(exposed_schemas())}"
    )
    assert not problems, report("The exposed API and tests/expected_rights.py disagree", problems)


def test_column_privileges_are_exactly_the_declared_ones(world):
    problems, checked = [], 0
    letters = {"SELECT": "s", "INSERT": "i", "UPDATE": "u"}
    for name, relation in world.relations.items():
        if name not in declared.RELATIONS:
            continue  # reported by test_every_exposed_object_is_declared
        declared_columns = {r[""]: r for r in parse_table(declared.RELATIONS[name].columns)}
        for column in relation.columns:
            for role in API_ROLES:
                held = "".join(
                    letter
                    for privilege, letter in letters.items()
                    if world.conn.execute(
                        "select has_column_privilege(%s, %s::oid, %s, %s)",
                        (role, relation.oid, column, privilege),
                    ).fetchone()[0]
                )
                checked += 1
                expected = declared_columns.get(column, {}).get(role, "?").replace("-", "")
                if held != expected:
                    problems.append(
                        f"{name}.{column} for {role}: holds {held or '-'!r}, "
                        f"declared {expected or '-'!r}"
                    )
        # Privileges no API role ever needs: TRUNCATE bypasses RLS altogether.
        for role in API_ROLES:
            for privilege in ("TRUNCATE", "REFERENCES", "TRIGGER"):
                checked += 1
                if world.conn.execute(
                    "select has_table_privilege(%s, %s::oid, %s)", (role, relation.oid, privilege)
                ).fetchone()[0]:
                    problems.append(f"{name}: {role} holds {privilege}")
    print(f"\ncolumn privileges: {checked} checks")
    assert not problems, report("Column privileges differ from tests/expected_rights.py", problems)


def test_every_operation_as_every_caller_matches_the_declaration(world):
    problems, tried = [], 0
    for name, relation in world.relations.items():
        if name not in declared.RELATIONS:
            continue
        rows = {row[""]: row for row in parse_table(declared.RELATIONS[name].rows)}
        found = targets(world, relation)
        for operation in relation.operations:
            for caller in relation.callers:
                key = found.get(caller)
                if key is None:
                    problems.append(
                        f"{name}: no row for {caller} to probe: give alice and bob rows in "
                        "build_world()"
                    )
                    continue
                tried += 1
                got = probe_relation(world, relation, operation, caller, key)
                expected = rows.get(operation, {}).get(caller, "<undeclared>")
                if got != expected:
                    problems.append(
                        f"{name} {operation} as {caller}: expected {expected}, got {got}"
                    )
    print(f"\nrow operations: {tried} probes, {world.scanner.paths} requests")
    assert not problems, report("Row operations differ from tests/expected_rights.py", problems)
    assert not world.scanner.findings, report("Secrets received", world.scanner.findings)


def test_every_function_as_every_caller_matches_the_declaration(world):
    problems, tried = [], 0
    function_rows = {row["function"]: row for row in parse_table(declared.FUNCTIONS)}
    for function in world.functions:
        if function.name not in function_rows or any(
            name not in declared.ARGUMENTS for name, _ in function.required
        ):
            continue
        for caller in function.callers:
            tried += 1
            got = probe_function(world, function, caller).outcome()
            expected = function_rows[function.name][caller]
            if got != expected:
                problems.append(f"{function.name}() as {caller}: expected {expected}, got {got}")
        # EXECUTE is revoked from PUBLIC: every grant is explicit.
        if world.conn.execute(
            "select exists (select from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner)))"
            " as a where a.grantee = 0) from pg_catalog.pg_proc as p where p.oid = %s",
            (function.oid,),
        ).fetchone()[0]:
            problems.append(f"{function.name}(): PUBLIC may execute it")
    print(f"\nfunction calls: {tried} probes over {len(world.functions)} functions")
    assert not problems, report("Function outcomes differ from tests/expected_rights.py", problems)
    assert not world.scanner.findings, report("Secrets received", world.scanner.findings)


# The agent a parent row of an embed belongs to (messages: through their interaction).
AGENT_OF_ROW = {
    "interaction_messages": "(select i.agent_id from public.ai_interactions as i"
    " where i.id = p.interaction_id and i.user_id = p.user_id)",
}


def embed_parent_row(world: World, embed: Embed, caller: str) -> str | None:
    """The caller's target parent row as text, read as postgres: alice's on her private agent
    (own, anon, service), bob's on his private agent (other) or on his public agent
    (public). A client can send any row value: the function must decide by RLS alone."""
    target = caller if caller in ("other", "public") else "own"
    user = world.bob if target in ("other", "public") else world.alice
    agent = AGENT_OF_ROW.get(embed.parent, "p.agent_id")
    row = world.conn.execute(
        sql.SQL("select p::text from {} as p where p.user_id = %s and {} = %s limit 1").format(
            sql.Identifier("public", embed.parent), sql.SQL(agent)
        ),
        (user, world.agents[target]),
    ).fetchone()
    return row and row[0]


def test_every_embed_as_every_caller_matches_the_declaration(world):
    """Each computed relationship called as PostgREST calls it, with the target parent row
    (forged for other and public: the function takes any row value), as every caller."""
    problems, tried = [], 0
    embed_rows = {(r["parent"], r["name"]): r for r in parse_table(declared.EMBEDS)}
    for embed in world.embeds:
        row = embed_rows.get((embed.parent, embed.name))
        if row is None:
            continue  # reported by test_every_exposed_object_is_declared
        statement = sql.SQL("select t.* from {}(%s::{}) as t").format(
            sql.Identifier("public", embed.name), sql.Identifier("public", embed.parent)
        )
        for caller in ("anon", "own", "other", "public", "service"):
            parent_row = embed_parent_row(world, embed, caller)
            if parent_row is None:
                problems.append(f"{embed.label}: the world has no {caller} {embed.parent} row")
                continue
            tried += 1
            with world.conn.transaction(force_rollback=True):
                got = attempt(world, embed.label, caller, statement, (parent_row,)).outcome()
            if got != row[caller]:
                problems.append(f"{embed.label} as {caller}: expected {row[caller]}, got {got}")
        if world.conn.execute(
            "select exists (select from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner)))"
            " as a where a.grantee = 0) from pg_catalog.pg_proc as p where p.oid = %s",
            (embed.oid,),
        ).fetchone()[0]:
            problems.append(f"{embed.label}: PUBLIC may execute it")
    print(f"\nembeds: {tried} probes over {len(world.embeds)} computed relationships")
    assert tried, "no computed relationship probed"
    assert not problems, report("Embeds differ from tests/expected_rights.py", problems)
    assert not world.scanner.findings, report("Secrets received", world.scanner.findings)


# References to auth.users checked by a statement trigger instead of a foreign key
# (private.model_calls_check_references, 20261201040000): probed as if they were one.
USER_REFERENCES_WITHOUT_FOREIGN_KEY = {("model_calls", "user_id")}
# References to another tenant table checked by a statement trigger instead of a foreign key
# (private.interaction_messages_check_interaction, 20261202030000: ai_interactions is
# partitioned by month): probed as if they were one.
ROW_REFERENCES_WITHOUT_FOREIGN_KEY = {("interaction_messages", "interaction_id"): "ai_interactions"}


def test_no_row_may_point_at_another_tenants_data(world):
    """alice copies a row of hers pointing at bob's agent (private and public) or at bob, or
    updates hers to point there; service_role does the same (RLS does not bind it, the
    composite foreign keys must)."""
    declared_probes = {(r["table"], r["column"]): r for r in parse_table(declared.CROSS_TENANT)}
    owned = {r.oid: r for r in world.relations.values() if r.owned and r.kind == "table"}
    users_oid = world.conn.execute("select 'auth.users'::regclass::oid").fetchone()[0]
    problems, tried, discovered = [], 0, set()
    for relation in owned.values():
        bob_values: dict[str, set] = {}
        for _, _, parent, columns, parent_columns in foreign_keys(world.conn, child=relation.oid):
            if parent not in owned and parent != users_oid:
                continue  # a catalog reference: not a tenant boundary
            for column, parent_column in zip(columns, parent_columns, strict=True):
                if parent == users_oid or parent_column == "user_id":
                    bob_values.setdefault(column, set()).add(("bob", world.bob))
                else:
                    parent_relation = owned[parent]
                    kinds = ["other"] + (["public"] if parent_relation.public_rows else [])
                    for kind in kinds:
                        (value,) = targets(world, parent_relation)[kind]
                        bob_values.setdefault(column, set()).add((f"bob's {kind} row", value))
        for table, column in USER_REFERENCES_WITHOUT_FOREIGN_KEY:
            if relation.name == table:
                bob_values.setdefault(column, set()).add(("bob", world.bob))
        for (table, column), parent_name in ROW_REFERENCES_WITHOUT_FOREIGN_KEY.items():
            if relation.name != table:
                continue
            parent_relation = next(r for r in owned.values() if r.name == parent_name)
            kinds = ["other"] + (["public"] if parent_relation.public_rows else [])
            for kind in kinds:
                value = targets(world, parent_relation)[kind][
                    0
                ]  # the id: the key may hold started_at too
                bob_values.setdefault(column, set()).add((f"bob's {kind} row", value))
        own_key = targets(world, relation)["own"]
        for column, values in sorted(bob_values.items()):
            discovered.add((relation.name, column))
            expected = declared_probes.get((relation.name, column))
            if expected is None:
                problems.append(
                    f"{relation.name}.{column}: references another tenant's data; "
                    "declare it in CROSS_TENANT in tests/expected_rights.py"
                )
                continue
            for label, value in sorted(values, key=str):
                for role, caller in (("user", "own"), ("service", "service")):
                    tried += 2
                    got = cross_insert(world, relation, own_key, column, value, caller)
                    want = expected[f"insert_{role}"]
                    if got != want:
                        problems.append(
                            f"{relation.name} insert with {column} = {label} as "
                            f"{role}: expected {want}, got {got}"
                        )
                    got = cross_update(world, relation, own_key, column, value, caller)
                    want = expected[f"update_{role}"]
                    if got != want:
                        problems.append(
                            f"{relation.name} update of {column} to {label} as "
                            f"{role}: expected {want}, got {got}"
                        )
    for table, column in sorted(set(declared_probes) - discovered):
        problems.append(f"{table}.{column}: declared in CROSS_TENANT but references no tenant")
    print(f"\ncross-tenant: {tried} probes over {len(discovered)} reference columns")
    assert not problems, report("Cross-tenant references", problems)
    assert not world.scanner.findings, report("Secrets received", world.scanner.findings)


def unique_alone(world, relation, column) -> bool:
    """Whether a unique index holds `column` alone: one row per value."""
    return world.conn.execute(
        "select exists (select from pg_index as i join pg_attribute as a"
        " on a.attrelid = i.indrelid and a.attnum = i.indkey[0]"
        " where i.indrelid = %s and i.indisunique and i.indnkeyatts = 1 and a.attname = %s)",
        (relation.oid, column),
    ).fetchone()[0]


def cross_insert(world, relation, own_key, column, value, caller) -> str:
    with world.conn.transaction(force_rollback=True):
        values = row_json(world, relation, own_key)
        values[column] = str(value)
        world.conn.execute(
            sql.SQL("delete from {} where {}").format(relation.ident, key_match(relation)),
            own_key,
        )
        if unique_alone(world, relation, column):
            # One row per user (user_settings): bob's own row would refuse the copy as a
            # duplicate before tenancy is judged.
            world.conn.execute(
                sql.SQL("delete from {} where {} = %s").format(
                    relation.ident, sql.Identifier(column)
                ),
                (str(value),),
            )
        role = World.role(caller)
        columns = column_rights(world, relation, role, "INSERT") or relation.columns
        if column not in columns:
            columns = [*columns, column]  # name it anyway: the grant must refuse it
        statement = insert_statement(relation, columns)
        return attempt(
            world, f"{relation.name}.insert", caller, statement, (json.dumps(values),)
        ).outcome()


def cross_update(world, relation, own_key, column, value, caller) -> str:
    with world.conn.transaction(force_rollback=True):
        before = snapshot(world, relation, own_key)
        statement = sql.SQL("update {} set {} = %s where {} returning *").format(
            relation.ident, sql.Identifier(column), key_match(relation)
        )
        result = attempt(world, f"{relation.name}.update", caller, statement, (value, *own_key))
        if result.sqlstate is None and snapshot(world, relation, own_key) == before:
            return "filter"
        return result.outcome()


def test_no_client_ever_receives_a_vendor_key_or_its_ciphertext(world):
    """Every path: select * on every relation as every caller, every function with its sample
    arguments and with each argument null (error paths), and the RETURNING rows and errors of
    every write of the row matrix. service_role may read a decrypted key (get_user_api_key) but
    never a ciphertext or the key-encryption key."""
    bob = claims_for("authenticated", world.bob)
    for relation in world.relations.values():
        statement = sql.SQL("select * from {}").format(relation.ident)
        for caller in ("anon", "own", "service"):
            with world.conn.transaction(force_rollback=True):
                attempt(world, f"select * from {relation.name}", caller, statement)
        with world.conn.transaction(force_rollback=True), request(world.conn, bob):
            rows = world.conn.execute(statement).fetchall()
        world.scanner.scan(f"select * from {relation.name} (bob)", "authenticated", rows, "")
    for function in world.functions:  # declared or not: an undeclared function is a path too
        for caller in function.callers:
            arguments = arguments_for(world, function, caller)
            probe_function(world, function, caller, arguments)
            for name, _ in function.required:
                probe_function(world, function, caller, {**arguments, name: None})
    for relation in world.relations.values():
        found = targets(world, relation)
        for operation in relation.operations[1:]:
            for caller in relation.callers:
                if found.get(caller) is not None:
                    probe_relation(world, relation, operation, caller, found[caller])
    scanner = world.scanner
    print(
        f"\nsecrets: {scanner.paths} responses, {scanner.values} values scanned for "
        f"{len(scanner.needles)} secrets"
    )
    assert scanner.paths > 100 and scanner.values > 1000, "the scan saw too little to prove much"
    assert not scanner.findings, report("Key material reached a client", scanner.findings)


def test_private_schema_is_closed_to_api_roles(world):
    conn, problems, tried = world.conn, [], 0
    for role in API_ROLES:
        for privilege in ("USAGE", "CREATE"):
            tried += 1
            may = conn.execute(
                "select has_schema_privilege(%s, 'private', %s)", (role, privilege)
            ).fetchone()[0]
            if may != (privilege == "USAGE" and role in declared.PRIVATE_USAGE):
                problems.append(
                    f"{role}: {privilege} on schema private is {may}, declared otherwise"
                )
        for schema in ("private", "vault"):
            for (relation,) in conn.execute(
                "select c.oid::regclass::text from pg_catalog.pg_class as c"
                " where c.relnamespace = %s::regnamespace and c.relkind in ('r', 'v', 'm', 'p')",
                (schema,),
            ).fetchall():
                for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"):
                    if role == "service_role" and schema == "vault":
                        continue  # the platform's own grants; vault is not exposed by the API
                    tried += 1
                    if conn.execute(
                        "select has_table_privilege(%s, %s, %s)", (role, relation, privilege)
                    ).fetchone()[0]:
                        problems.append(f"{role} holds {privilege} on {relation}")
    functions = conn.execute(
        "select p.oid, p.proname, p.oid::regprocedure::text,"
        " array(select pg_catalog.format_type(t, null) from unnest(p.proargtypes) as t)"
        " from pg_catalog.pg_proc as p where p.pronamespace = 'private'::regnamespace"
    ).fetchall()
    for name in sorted(set(declared.PRIVATE_EXECUTE) - {f[1] for f in functions}):
        problems.append(f"private.{name}: declared in PRIVATE_EXECUTE but does not exist")
    for oid, name, signature, types in functions:
        for role in API_ROLES:
            tried += 1
            may = conn.execute(
                "select has_function_privilege(%s, %s::oid, 'EXECUTE')", (role, oid)
            ).fetchone()[0]
            if may != (role in declared.PRIVATE_EXECUTE.get(name, set())):
                problems.append(f"{signature}: EXECUTE for {role} is {may}, declared otherwise")
        # And a real call, as a client would try it: refused before the body runs.
        call = sql.SQL("select private.{}({})").format(
            sql.Identifier(name),
            sql.SQL(", ").join(sql.SQL("null::{}").format(sql.SQL(t)) for t in types),
        )
        for caller in ("anon", "own"):
            if World.role(caller) in declared.PRIVATE_EXECUTE.get(name, set()):
                continue  # reachable by design: its own caller checks are probed through
                # the public RPC that calls it (the RPC matrix)
            tried += 1
            with conn.transaction(force_rollback=True):
                got = attempt(world, f"private.{name}", caller, call).outcome()
            if got != "deny":
                problems.append(f"{signature} called as {World.role(caller)}: {got}")
    print(f"\nprivate schema: {tried} checks over {len(functions)} functions")
    assert not problems, report("The private schema is reachable", problems)
    assert not world.scanner.findings, report("Secrets received", world.scanner.findings)


def test_the_matrix_catches_planted_holes(world):
    """The probes can fail: plant one hole of each kind (rolled back with the test) and watch
    the matrix report it. An extra permissive policy is ORed with the real ones."""
    conn, relations = world.conn, world.relations
    conn.execute(
        "create policy matrix_planted_select on public.ai_interactions"
        " for select to authenticated using (true);"
        # An UPDATE policy reached only by a blind update (a targeted one also applies SELECT).
        "create policy matrix_planted_update on public.ai_agent_configs"
        " for update to authenticated using (true);"
        "alter table public.agent_feature_mappings"
        " drop constraint agent_feature_mappings_agent_owned_by_user;"
        "create function public.matrix_planted_leak() returns setof bytea language sql"
        " security definer set search_path = ''"
        " as $$ select s.ciphertext from private.user_api_key_secrets as s $$;"
        "grant usage on schema private to authenticated"
    )

    def probe(name: str, operation: str, caller: str) -> str:
        relation = relations[name]
        return probe_relation(world, relation, operation, caller, targets(world, relation)[caller])

    assert probe("ai_interactions", "select", "other") == "allow"
    assert probe("ai_agent_configs", "update", "other") == "filter, but blind: allow"
    mappings = relations["agent_feature_mappings"]
    own_mapping = targets(world, mappings)["own"]
    assert cross_insert(world, mappings, own_mapping, "user_id", world.bob, "service") == "allow"

    (leak,) = [f for f in discover_functions(conn, ["public"]) if f.name == "matrix_planted_leak"]
    assert world.scanner.findings == []
    probe_function(world, leak, "own")
    assert world.scanner.findings == [
        "rpc matrix_planted_leak as authenticated: received a key's ciphertext"
    ]
    call = sql.SQL("select private.is_valid_tag_array(null)")
    assert attempt(world, "private", "own", call).outcome() == "allow"
