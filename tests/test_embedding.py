"""Embedding restored by computed relationships (issue 12).

Partitioning the history and checking the ledger's references per statement removed the
foreign keys PostgREST embedded through. Functions of `public` taking a relation's row and
returning `setof <relation>` (20261203030000, 20261203030100) give the embeds back. These
tests run the SQL PostgREST generates for an embed through one (a LEFT JOIN LATERAL that calls
the function with the parent row, `fn("parent"::public.parent)`), as the API roles through
agentsdb.request, and check: PostgREST's own detection query finds each relationship with the
right cardinality; the owner's embed returns the right rows; another user's rows never
appear; anon gets nothing; a to-one embed returns at most one row (PostgREST would repeat the
parent row otherwise); the plans of the function bodies read the history by index.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import Jsonb
from test_isolation_matrix import parse_table

import expected_rights as declared
from agentsdb.plans import HISTORY, history_table, plans_as_user, small_partitions, walk
from agentsdb.request import claims_for, request

# (parent relation, embed name = function, target relation, to-one): every relationship the
# foreign keys gave and the functions give back, as tests/expected_rights.py declares them
# (EMBEDS, probed by the isolation matrix as every caller). The reverse embeds from the
# catalog and from ai_agents to model_calls are not restored (decisions.md, "Embedding
# restored by computed relationships").
EMBEDS = [
    (row["parent"], row["name"], row["target"], row["to"] == "one")
    for row in parse_table(declared.EMBEDS)
]

# PostgREST's schema cache query for computed relationships (PostgREST
# src/library/PostgREST/SchemaCache.hs, allComputedRels), restricted to public.
COMPUTED_RELS = """
with all_relations as (
  select reltype from pg_catalog.pg_class where relkind in ('v', 'r', 'm', 'f', 'p')
)
select arg.typname::text, p.proname::text, ret.typname::text,
  not p.proretset or p.prorows = 1 as single_row
from pg_catalog.pg_proc as p
join pg_catalog.pg_type as arg on arg.oid = p.proargtypes[0]
join pg_catalog.pg_type as ret on ret.oid = p.prorettype
where p.pronargs = 1
  and p.proargtypes[0] in (select reltype from all_relations)
  and p.prorettype in (select reltype from all_relations)
  and p.pronamespace = 'public'::regnamespace
"""


def embed_sql(parent: str, name: str, to_one: bool, where: str) -> str:
    """What PostgREST v12 runs for `GET /parent?select=id,name(*)&<where>` (the page's
    JSON aggregate left out): PostgREST src/library/PostgREST/Query/QueryBuilder.hs, getJoin
    and fromF. Returns (parent id, the embed as jsonb)."""
    alias = f'"{parent}_{name}_1"'
    call = f'"public"."{name}"("{parent}"::"public"."{parent}") as "{name}_1"'
    if to_one:
        join = f'left join lateral (select "{name}_1".* from {call}) as {alias} on true'
        field = f"row_to_json({alias}.*)::jsonb"
    else:
        join = (
            f"left join lateral (select json_agg({alias})::jsonb as {alias}"
            f' from (select "{name}_1".* from {call}) as {alias}) as {alias} on true'
        )
        field = f"coalesce({alias}.{alias}, '[]')"
    return (
        f'select "public"."{parent}"."id", {field} as "{name}"'
        f' from "public"."{parent}" {join} where {where}'
    )


# --- data ---------------------------------------------------------------------------------


NOW = datetime.now(UTC).replace(microsecond=0)
LAST_MONTH = NOW - timedelta(days=35)


def make_user(conn: psycopg.Connection) -> str:
    (uid,) = conn.execute(
        "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id::text",
        (f"embed-{uuid.uuid4().hex[:10]}@example.test",),
    ).fetchone()
    return uid


def make_world(conn: psycopg.Connection) -> dict:
    """Alice and bob, each with an agent, two interactions (this month and last month) with
    two messages each, and three calls per interaction (priced, without a service, with a
    supplied cost) plus one call on its own."""
    world: dict = {}
    for who in ("alice", "bob"):
        user = make_user(conn)
        (agent,) = conn.execute(
            "insert into public.ai_agents (name, vendor_id, service_id, user_id)"
            " values ('embed', 'openai', 'openai_gpt4o', %s) returning id::text",
            (user,),
        ).fetchone()
        interactions = []
        with request(conn, claims_for("authenticated", user)):
            for started in (NOW, LAST_MONTH):
                (iid,) = conn.execute(
                    "insert into public.ai_interactions (agent_id, title, started_at)"
                    " values (%s, 'embed', %s) returning id::text",
                    (agent, started),
                ).fetchone()
                interactions.append(iid)
                conn.execute(
                    "insert into public.interaction_messages (interaction_id, role, content)"
                    " values (%s, 'user', 'hi'), (%s, 'assistant', 'hello')",
                    (iid, iid),
                )
            calls = [
                {"agent_id": agent, "interaction_id": iid, "service_id": service, **extra}
                for iid in interactions
                for service, extra in (
                    ("openai_gpt4o", {"input_tokens": 1000, "output_tokens": 10}),
                    (None, {"vendor_id": "openai", "input_tokens": 5}),
                    ("openai_gpt4o", {"cost": "0.5", "input_tokens": 1}),
                )
            ] + [{"agent_id": agent, "service_id": "openai_gpt4o", "input_tokens": 7}]
            conn.execute("select public.record_model_calls(%s)", (Jsonb(calls),))
        world[who] = {"user": user, "agent": agent, "interactions": interactions}
    return world


def ids(rows) -> set[str]:
    return {str(r["id"]) for r in rows}


def expected(conn: psycopg.Connection, parent: str, name: str, parent_id: str) -> set[str]:
    """The target rows of `parent_id` by the former foreign keys' columns, as postgres."""
    joins = {
        ("ai_interactions", "interaction_messages"): "interaction_messages t"
        " where t.interaction_id = p.id and t.user_id = p.user_id",
        ("recent_interactions", "interaction_messages"): "interaction_messages t"
        " where t.interaction_id = p.id and t.user_id = p.user_id",
        ("interaction_messages", "ai_interactions"): "ai_interactions t"
        " where t.id = p.interaction_id and t.user_id = p.user_id",
        ("interaction_messages", "recent_interactions"): "recent_interactions t"
        " where t.id = p.interaction_id and t.user_id = p.user_id",
        ("model_calls", "vendors"): "vendors t where t.id = p.vendor_id",
        ("model_calls", "vendor_services"): "vendor_services t"
        " where t.id = p.service_id and t.vendor_id = p.vendor_id",
        ("model_calls", "service_prices"): "service_prices t where t.id = p.price_id",
        ("model_calls", "ai_agents"): "ai_agents t"
        " where t.id = p.agent_id and t.user_id = p.user_id",
        ("model_calls", "ai_interactions"): "ai_interactions t"
        " where t.id = p.interaction_id and t.user_id = p.user_id",
        ("ai_interactions", "model_calls"): "model_calls t"
        " where t.interaction_id = p.id and t.user_id = p.user_id",
    }
    rows = conn.execute(
        f"select t.id::text from public.{parent} p, public.{joins[parent, name]} and p.id = %s",
        (parent_id,),
    ).fetchall()
    return {r[0] for r in rows}


def embed_as(conn, claims, parent, name, to_one, user) -> dict[str, object]:
    """parent id -> the embed PostgREST would return, for `user`'s parent rows."""
    with request(conn, claims, read_only=True):
        rows = conn.execute(
            embed_sql(parent, name, to_one, f'"public"."{parent}"."user_id" = %s'), (user,)
        ).fetchall()
    return {str(pid): embed for pid, embed in rows}


# --- tests --------------------------------------------------------------------------------


def test_postgrest_detects_each_restored_relationship_with_its_cardinality(db):
    found = set(db.execute(COMPUTED_RELS).fetchall())
    assert found == {(parent, name, target, to_one) for parent, name, target, to_one in EMBEDS}


def test_each_function_is_a_safe_invoker_without_a_named_argument(db):
    """stable, security invoker (RLS decides), search_path pinned, commented, its argument
    unnamed (PostgREST offers no /rpc for it), executable by exactly the roles that read
    both sides, never by anon or PUBLIC."""
    for parent, name, target, _ in EMBEDS:
        signature = f"public.{name}(public.{parent})"
        row = db.execute(
            "select p.provolatile, p.prosecdef, p.proconfig, p.proargnames,"
            " obj_description(p.oid, 'pg_proc') is not null,"
            " array(select r from unnest(array['anon', 'authenticated', 'service_role',"
            "   'public']) as r where r <> 'public' and has_function_privilege(r, p.oid,"
            "   'execute')),"
            " exists (select from aclexplode(p.proacl) as a where a.grantee = 0)"
            " from pg_catalog.pg_proc as p where p.oid = %s::regprocedure",
            (signature,),
        ).fetchone()
        volatility, definer, config, argnames, commented, grantees, public = row
        assert (volatility, definer, config) == ("s", False, ['search_path=""']), signature
        assert argnames is None and commented and not public, signature
        readers = {
            role
            for role in ("anon", "authenticated", "service_role")
            if all(
                db.execute(
                    "select has_any_column_privilege(%s, %s::regclass, 'select')",
                    (role, f"public.{rel}"),
                ).fetchone()[0]
                for rel in (parent, target)
            )
        }
        assert set(grantees) == readers == {"authenticated", "service_role"}, signature


@pytest.mark.parametrize(("parent", "name", "target", "to_one"), EMBEDS)
def test_the_owner_embeds_exactly_the_rows_the_foreign_key_named(db, parent, name, target, to_one):
    world = make_world(db)
    alice = world["alice"]["user"]
    got = embed_as(db, claims_for("authenticated", alice), parent, name, to_one, alice)
    assert got, f"alice has {parent} rows"
    found_any = False
    for pid, embed in got.items():
        want = expected(db, parent, name, pid)
        if to_one:
            assert len(want) <= 1
            assert (ids([embed]) if embed else set()) == want, (pid, embed)
        else:
            assert ids(embed) == want, (pid, embed)
        found_any = found_any or bool(want)
    assert found_any, f"no {parent} of alice embeds any {name}: the test proves nothing"
    # The same as service_role (no RLS): the same rows, nobody else's.
    service = embed_as(db, claims_for("service_role"), parent, name, to_one, alice)
    assert service == got


@pytest.mark.parametrize(("parent", "name", "target", "to_one"), EMBEDS)
def test_another_users_rows_never_appear(db, parent, name, target, to_one):
    """Bob's embeds show only his rows; given alice's parent row outright (as a client could
    forge it: the function takes any row value), the function still returns nothing of
    hers, since it runs as bob under RLS."""
    world = make_world(db)
    alice, bob = world["alice"]["user"], world["bob"]["user"]
    bob_claims = claims_for("authenticated", bob)
    for pid, embed in embed_as(db, bob_claims, parent, name, to_one, bob).items():
        got = (ids([embed]) if embed else set()) if to_one else ids(embed)
        assert got == expected(db, parent, name, pid), (pid, embed)
    forged = db.execute(
        f"select p::text from public.{parent} p where p.user_id = %s", (alice,)
    ).fetchall()
    assert forged
    tenant_target = target not in ("vendors", "vendor_services", "service_prices")
    for (row,) in forged:
        with request(db, bob_claims, read_only=True):
            leaked = db.execute(
                f"select t.* from public.{name}(%s::public.{parent}) as t", (row,)
            ).fetchall()
        if tenant_target:
            assert leaked == [], (parent, name)
        else:
            assert len(leaked) <= 1  # the catalog: readable by every signed-in user


@pytest.mark.parametrize(("parent", "name", "target", "to_one"), EMBEDS)
def test_anon_reads_nothing_through_an_embed(db, parent, name, target, to_one):
    world = make_world(db)
    alice = world["alice"]["user"]
    (row,) = db.execute(
        f"select p::text from public.{parent} p where p.user_id = %s limit 1", (alice,)
    ).fetchone()
    for sql, args in (
        (f"select t.* from public.{name}(%s::public.{parent}) as t", (row,)),
        (embed_sql(parent, name, to_one, "true"), ()),
    ):
        with (
            pytest.raises(psycopg.errors.InsufficientPrivilege),
            request(db, claims_for("anon"), read_only=True),
        ):
            db.execute(sql, args)


def test_a_to_one_embed_returns_at_most_one_row_even_for_a_repeated_id(db):
    """ai_interactions' key is (id, started_at) since it is partitioned: the same id in two
    months is possible (written by its owner role). A to-one embed still gives one object
    per parent row, and PostgREST's lateral join repeats no parent row."""
    world = make_world(db)
    alice = world["alice"]["user"]
    first = world["alice"]["interactions"][0]
    db.execute(
        "insert into public.ai_interactions (id, agent_id, user_id, title, started_at)"
        " values (%s, %s, %s, 'same id, another month', %s)",
        (first, world["alice"]["agent"], alice, NOW - timedelta(days=70)),
    )
    assert db.execute(
        "select count(*) from public.ai_interactions where id = %s", (first,)
    ).fetchone() == (2,)
    claims = claims_for("authenticated", alice)
    for parent, name, _, to_one in EMBEDS:
        if not to_one:
            continue
        with request(db, claims, read_only=True):
            rows = db.execute(
                embed_sql(parent, name, True, f'"public"."{parent}"."user_id" = %s'), (alice,)
            ).fetchall()
            parents = db.execute(
                f"select count(*) from public.{parent} where user_id = %s", (alice,)
            ).fetchone()[0]
            most = db.execute(
                f"select max((select count(*) from public.{name}(p))) from public.{parent} p"
            ).fetchone()[0]
        assert len(rows) == parents, (parent, name)
        assert most <= 1, (parent, name)


# --- plans --------------------------------------------------------------------------------


def test_embeds_read_the_history_by_index_per_parent_row(fresh_db, cluster):
    """The plans PostgreSQL runs for each embed as the owner, the function bodies' own
    statements included (auto_explain): no history table (or interaction_messages) is read
    sequentially, and every scan of one finds the parent's rows by the former key's column.
    Enough rows that an index is the planner's choice (and small months excused, as in the
    bench's plan checks)."""
    dbname = conninfo_to_dict(fresh_db)["dbname"]
    admin_dsn = cluster.admin_dsn(dbname)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        world = make_world(conn)
        alice, bob = world["alice"]["user"], world["bob"]["user"]
        # 3,000 interactions this month for two users, two messages and a call each.
        conn.execute(
            "insert into public.ai_interactions (agent_id, user_id, title, started_at)"
            " select a.id, a.user_id, 'bulk', %s - k * interval '1 second'"
            " from public.ai_agents a, generate_series(1, 1500) k where a.user_id in (%s, %s)",
            (NOW, alice, bob),
        )
        conn.execute(
            "insert into public.interaction_messages (interaction_id, user_id, role, content)"
            " select i.id, i.user_id, r, 'x' from public.ai_interactions i,"
            " unnest(array['user', 'assistant']) r where i.title = 'bulk'"
        )
        conn.execute(
            "insert into public.model_calls (user_id, agent_id, interaction_id, vendor_id,"
            " service_id, input_tokens, started_at)"
            " select i.user_id, i.agent_id, i.id, 'openai', 'openai_gpt4o', 3, i.started_at"
            " from public.ai_interactions i where i.title = 'bulk'"
        )
        conn.execute("analyze public.ai_interactions, public.interaction_messages")
        conn.execute("analyze public.model_calls")
    excused = small_partitions(admin_dsn)
    keys = {
        "ai_interactions": "id",
        "model_calls": "interaction_id",
        "interaction_messages": "interaction_id",
    }
    problems = []
    for parent, name, target, to_one in EMBEDS:
        sql = (
            embed_sql(parent, name, to_one, f'"public"."{parent}"."user_id" = %(user)s')
            + f' order by "public"."{parent}"."created_at" desc limit %(page)s offset 0'
        )
        plans = plans_as_user(admin_dsn, sql, {"user": alice, "page": 50}, alice, analyze=True)
        body_scans = 0
        for plan in plans[:-1]:  # the function bodies' statements; the last is the request
            for node, _ in walk(plan):
                relation = node.get("Relation Name")
                table = history_table(relation) or (
                    relation if relation == "interaction_messages" else None
                )
                if table is None or relation in excused:
                    continue
                body_scans += 1
                where = f"{parent} -> {name}: {node['Node Type']} on {relation}"
                if node["Node Type"] in ("Seq Scan", "Bitmap Heap Scan"):
                    if node["Node Type"] == "Seq Scan":
                        problems.append(f"{where}: sequential")
                    continue
                if "Index" in node["Node Type"] and keys[table] not in str(
                    node.get("Index Cond", "")
                ):
                    problems.append(f"{where}: Index Cond {node.get('Index Cond')}")
        if target in (*HISTORY, "interaction_messages", "recent_interactions"):
            assert body_scans, f"{parent} -> {name}: no scan of {target} seen in the plans"
    assert not problems, problems
