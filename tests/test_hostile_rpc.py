"""Hostile arguments to every RPC a client or a service may call (issue "Prove it safe").

The functions and their arguments come from the catalog: every function in schema public
that authenticated or service_role may execute. Each call is made as PostgREST makes it
(named arguments spread from a JSON body by json_to_record) and must succeed or be refused
cleanly, leaving every table as it was; writers return (and store) exactly what they got.
The agentsdb Client gets the same treatment for the calls that wrap several requests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from hostile import (
    World,
    allowed,
    build_world,
    check_refusal,
    hostile_settings,
    is_deep,
    rpc_query,
    table_counts,
    to_json,
    values_for,
)
from hypothesis import event, given
from hypothesis import strategies as st

from agentsdb.client import Client
from agentsdb.errors import AgentsDBError
from agentsdb.request import claims_for, request
from conftest import create_database

#: (function, role) pairs probed; test_every_rpc_is_probed keeps it equal to the catalog.
#: Functions without arguments (rotate_api_key_encryption_key) take no input to spoil.
CALLS = [
    ("get_agent_with_features", "authenticated"),
    ("get_agent_with_features", "service_role"),
    ("get_agent_usage_summary", "authenticated"),
    ("get_agent_usage_summary", "service_role"),
    ("update_agent_activity_score", "authenticated"),
    ("update_agent_activity_score", "service_role"),
    ("store_user_api_key", "authenticated"),
    ("get_user_api_key", "service_role"),
    ("update_api_key_last_used", "service_role"),
    ("add_vendor", "service_role"),
    ("add_vendor_service", "service_role"),
    ("update_daily_usage_stats", "service_role"),
    ("sync_catalog", "service_role"),
    ("record_model_call", "authenticated"),
    ("record_model_call", "service_role"),
    ("record_model_calls", "authenticated"),
    ("record_model_calls", "service_role"),
    ("set_time_zone", "authenticated"),
    ("set_agent_status", "authenticated"),
    ("set_agent_status", "service_role"),
    ("archive_agent", "authenticated"),
    ("archive_agent", "service_role"),
    ("restore_agent", "authenticated"),
    ("restore_agent", "service_role"),
    ("create_agent_from_template", "authenticated"),
    ("search_messages", "authenticated"),
    ("purge_message_content", "authenticated"),
    ("purge_message_content", "service_role"),
    ("correct_interaction_usage", "service_role"),
    ("reprice_model_calls", "service_role"),
    ("get_cost_breakdown", "authenticated"),
    ("get_cost_breakdown", "service_role"),
    ("admit_model_call", "authenticated"),
    ("admit_model_call", "service_role"),
    ("get_budget_status", "authenticated"),
    ("get_budget_status", "service_role"),
    ("acknowledge_budget_alert", "authenticated"),
    ("acknowledge_budget_alert", "service_role"),
    ("is_agent_active_now", "authenticated"),
    ("is_agent_active_now", "service_role"),
    ("agent_next_run", "authenticated"),
    ("agent_next_run", "service_role"),
    ("due_agents", "service_role"),
    ("add_task", "authenticated"),
    ("add_task", "service_role"),
    ("cancel_task", "authenticated"),
    ("cancel_task", "service_role"),
    ("claim_next_task", "service_role"),
    ("complete_task", "service_role"),
    ("fail_task", "service_role"),
    ("claim_idempotency_key", "authenticated"),
    ("claim_idempotency_key", "service_role"),
    ("release_idempotency_key", "authenticated"),
    ("release_idempotency_key", "service_role"),
]


@pytest.fixture(scope="module")
def world(cluster, template) -> Iterator[World]:
    """One database for the module: the calls commit, and every example checks counts."""
    name = create_database(cluster, "t_hostile_rpc", template)
    yield build_world(cluster.app_dsn(name))
    with psycopg.connect(cluster.admin_dsn(), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture(scope="module")
def conns(world: World) -> Iterator[tuple[psycopg.Connection, psycopg.Connection]]:
    with (
        psycopg.connect(world.dsn) as conn,
        psycopg.connect(world.dsn, autocommit=True) as admin,
    ):
        yield conn, admin


def signatures(admin: psycopg.Connection) -> dict[str, tuple[list[str], list[str], int, bool]]:
    """name: (argument names, argument types, how many trailing ones have defaults, whether
    it returns rows of a table)."""
    rows = admin.execute(
        "select p.proname::text,"
        " array(select a.name from unnest(p.proargnames) with ordinality as a (name, n)"
        "       where coalesce(p.proargmodes[a.n], 'i') in ('i', 'b', 'v') order by a.n),"
        " array(select format_type(t.oid, null) from unnest(p.proargtypes) with ordinality"
        "       as t (oid, n) order by t.n),"
        " p.pronargdefaults, p.proretset and t.typrelid <> 0"
        " from pg_proc as p join pg_type as t on t.oid = p.prorettype"
        " where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'"
    ).fetchall()
    return {
        name: (names, types, defaults, table_rows)
        for name, names, types, defaults, table_rows in rows
    }


def test_every_rpc_is_probed(conns):
    _, admin = conns
    executable = admin.execute(
        "select p.proname::text, r.role from pg_proc as p"
        " cross join (values ('authenticated'), ('service_role'), ('anon')) as r (role)"
        " where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'"
        " and p.pronargs > 0 and has_function_privilege(r.role, p.oid, 'execute')"
        # Computed relationships (one unnamed argument of a relation's row type, a
        # relation's rows returned) are embeds, not RPCs: PostgREST has no /rpc for them.
        # tests/test_embedding.py and the isolation matrix (EMBEDS) probe them.
        " and not (p.pronargs = 1 and coalesce(p.proargnames[1], '') = ''"
        "  and p.proargtypes[0] in (select c.reltype from pg_class as c"
        "   where c.relkind in ('r', 'v', 'm', 'f', 'p'))"
        "  and p.prorettype in (select c.reltype from pg_class as c"
        "   where c.relkind in ('r', 'v', 'm', 'f', 'p')))"
    ).fetchall()
    assert sorted(executable) == sorted(CALLS), "probe every executable RPC: update CALLS"


def valid_args(world: World) -> dict[str, st.SearchStrategy[Any]]:
    """Acceptable values by argument name, so that most calls carry one or two hostile
    arguments among good ones and reach the checks behind the first."""
    return {
        "agent_id": st.just(world.alice_agent),
        "user_id": st.just(world.alice),
        "vendor_id": st.sampled_from(["openai", "anthropic"]),
        "service_id": st.sampled_from([None, "openai_gpt5", "anthropic_claude_sonnet_4_5"]),
        "api_key": st.text(
            alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=8, max_size=40
        ),
        "display_name": st.sampled_from([None, "Probe", "é 🦀"]),
        "id": st.sampled_from([None, "probe_vendor", "openai_probe_model"]),
        "name": st.sampled_from(["Probe", "Probe Vendor"]),
        "description": st.sampled_from([None, "A probe", ""]),
        "auth_type": st.sampled_from(["api_key", "oauth", "bearer_token"]),
        "base_url": st.sampled_from([None, "https://api.example.test/v1"]),
        "is_active": st.booleans(),
        "service_name": st.sampled_from(["probe-model", "gpt-4o-mini"]),
        "days": st.integers(1, 3650),
        "target_date": st.dates().map(str),
        "input_tokens": st.integers(0, 10**6),
        "output_tokens": st.integers(0, 10**6),
        # Model call statuses (record_model_call) and agent statuses (set_agent_status).
        "status": st.sampled_from(["succeeded", "failed", "cancelled", "paused", "active", "busy"]),
        "reason": st.sampled_from([None, "probe", "é 🦀"]),
        "template_agent_id": st.just(world.alice_agent),
        "query": st.sampled_from(["probe", '"a phrase" or -word', ""]),
        "max_results": st.integers(1, 1000),
        "older_than_days": st.integers(0, 36500),
        "idempotency_key": st.uuids().map(str),
        "time_zone": st.sampled_from(["UTC", "Europe/Paris", "America/Havana", "EST"]),
        "period": st.sampled_from(["day", "week", "month", "year"]),
        "group_by": st.sampled_from(["vendor", "service", "model", "agent", "total", "colour"]),
        "from_date": st.dates().map(str),
        "to_date": st.dates().map(str),
        "worker": st.sampled_from(["w1", "probe worker", " "]),
        "lease_seconds": st.integers(0, 600),
        "ttl_seconds": st.integers(0, 100_000),
        "max_agents": st.integers(0, 10),
        "priority": st.integers(-1001, 1001),
        "payload": st.sampled_from([{}, {"q": 1}, [1, 2], "text"]),
        "calls": st.lists(
            st.fixed_dictionaries(
                {"agent_id": st.just(world.alice_agent)},
                optional={
                    "input_tokens": st.one_of(st.integers(-1, 10**6), st.just("7")),
                    "service_id": st.sampled_from(["openai_gpt4o", "no_such_service"]),
                    "cost": st.sampled_from(["0.5", 1, -1, "NaN", "x"]),
                    "started_at": st.sampled_from(["2026-01-01T00:00:00Z", "yesterday", 5]),
                    "metadata": st.sampled_from([{}, [], {"a": 1}]),
                    "nonsense": st.just(1),
                },
            ),
            max_size=3,
        ),
        "catalog": st.fixed_dictionaries(
            {},
            optional={
                "vendors": st.lists(
                    st.fixed_dictionaries(
                        {"id": st.just("probe_vendor"), "name": st.sampled_from(["Probe", " "])},
                        optional={"is_active": st.booleans(), "color": st.just("red")},
                    ),
                    max_size=1,
                ),
                "agent_features": st.lists(
                    st.fixed_dictionaries(
                        {"id": st.just("probe_feature"), "name": st.sampled_from(["Probe", ""])},
                        optional={"category": st.just("probe"), "sort_order": st.just(5)},
                    ),
                    max_size=1,
                ),
                "nonsense": st.just([]),
            },
        ),
    }


def draw_args(data, world: World, names, types, defaults) -> dict[str, Any]:
    """Each argument: left out (when it has a default), or, one time in three, hostile."""
    args = {}
    first_default = len(names) - defaults
    valid = valid_args(world)
    for i, (name, pg_type) in enumerate(zip(names, types, strict=True)):
        if i >= first_default and data.draw(st.booleans(), label=f"omit {name}"):
            continue
        hostile = name not in valid or data.draw(st.sampled_from([True, False, False]))
        strategy = st.one_of(st.none(), values_for(pg_type, world.good)) if hostile else valid[name]
        args[name] = data.draw(strategy, label=name)
    return args


def coerced(admin: psycopg.Connection, names, types, body: str) -> dict[str, Any]:
    """The arguments as the function received them (json_to_record into their types)."""
    defs = psycopg.sql.SQL(", ").join(
        psycopg.sql.SQL("{} {}").format(psycopg.sql.Identifier(n), psycopg.sql.SQL(t))
        for n, t in zip(names, types, strict=True)
    )
    query = psycopg.sql.SQL("select to_jsonb(_) from json_to_record(%s::json) as _({})").format(
        defs
    )
    return admin.execute(query, [body]).fetchone()[0]


@pytest.mark.parametrize(("function", "role"), CALLS)
@hostile_settings(max_examples=30)
@given(data=st.data())
def test_rpc_answers_or_refuses_cleanly(world, conns, function, role, data):
    conn, admin = conns
    names, types, defaults, table_rows = signatures(admin)[function]
    args = draw_args(data, world, names, types, defaults)
    key = args.get("idempotency_key")
    if function == "record_model_call" and isinstance(key, str) and 0 < len(key) < 150:
        # A key seen before returns the first record (by design), not these arguments: keep
        # hostile shapes, never a replay.
        args["idempotency_key"] = f"{key}-{data.draw(st.uuids(), label='key suffix')}"
    body = to_json(args)
    arg_types = dict(zip(names, types, strict=True))
    claims = claims_for(role, world.alice if role == "authenticated" else None)

    before = table_counts(admin)
    try:
        with request(conn, claims):
            params = [body] if args else []
            rows = conn.execute(rpc_query(function, arg_types, list(args)), params).fetchall()
    except psycopg.Error as exc:
        conn.rollback()
        event(f"refused {exc.sqlstate}")
        check_refusal(exc, deep_json=any(is_deep(v) for v in args.values()))
        assert table_counts(admin) == before, f"{function}: a refused call left rows"
        return
    event("answered")
    given_args = coerced(admin, list(args), [arg_types[a] for a in args], body) if args else {}
    if table_rows:
        # A writer returns the row it wrote: every argument named like a column and given
        # (not null) comes back exactly.
        for (row_text,) in rows:
            row = json.loads(row_text)
            for name, value in given_args.items():
                if name in row and value is not None:
                    assert row[name] == value, f"{function}: {name} came back as {row[name]!r}"
    if function == "store_user_api_key":
        with request(conn, claims_for("service_role")):
            stored = conn.execute(
                "select public.get_user_api_key(%s, %s, %s)",
                [world.alice, given_args["vendor_id"], given_args.get("service_id")],
            ).fetchone()[0]
        assert stored == given_args["api_key"], "the stored key does not decrypt to what was sent"


# -- the Client: calls made of several requests are all or nothing ----------------------------


def feature_ids() -> st.SearchStrategy[list[str]]:
    return st.lists(
        st.one_of(
            st.sampled_from(["coding", "research", "writing", "brainstorming", "analysis"]),
            st.sampled_from(["", " ", "no_such_feature", "x" * 70, "a\u0000b", "\ud800", "'; --"]),
            st.text(max_size=10),
        ),
        max_size=4,
    )


@hostile_settings(max_examples=40)
@given(data=st.data())
def test_client_create_agent_is_all_or_nothing(world, conns, data):
    _, admin = conns
    features = data.draw(feature_ids(), label="features")
    name = data.draw(
        st.one_of(st.sampled_from(["probe", " ", "a\u0000b", "x" * 201]), st.text(max_size=8)),
        label="name",
    )
    tags = data.draw(
        st.one_of(st.none(), st.lists(st.text(max_size=70), max_size=52)), label="tags"
    )
    client = Client.postgres(world.dsn, user_id=world.alice)
    before = table_counts(admin)
    try:
        agent = client.create_agent(name, "openai", features=features, tags=tags)
    except AgentsDBError as exc:
        event(f"refused {exc.code}")
        assert allowed(exc.code), f"not a clean refusal: [{exc.code}] {exc.message}"
        assert table_counts(admin) == before, "a refused create_agent left rows behind"
        return
    finally:
        client.transport.close()
    event("created")
    mapped = admin.execute(
        "select coalesce(array_agg(feature_id order by feature_id), '{}')"
        " from public.agent_feature_mappings where agent_id = %s",
        [agent.id],
    ).fetchone()[0]
    assert mapped == sorted(set(features))
    assert agent.name == name and list(agent.tags) == list(tags or [])


@hostile_settings(max_examples=30)
@given(data=st.data())
def test_client_store_api_key_round_trips_or_refuses(world, conns, data):
    _, admin = conns
    key = data.draw(
        st.one_of(
            st.text(min_size=8, max_size=80),
            st.sampled_from(
                ["sk-\u0000-abcdefgh", "sk-\ud800abcdefgh", "sk-" + "k" * 4094, "short"]
            ),
            st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=8, max_size=64),
        ),
        label="api_key",
    )
    display_name = data.draw(
        st.one_of(st.none(), st.text(max_size=210), st.sampled_from(["'; drop table x; --"])),
        label="display_name",
    )
    user = Client.postgres(world.dsn, user_id=world.alice)
    service = Client.postgres(world.dsn, service_role=True)
    before = table_counts(admin)
    try:
        stored = user.store_api_key("anthropic", key, display_name=display_name)
    except AgentsDBError as exc:
        event(f"refused {exc.code}")
        assert allowed(exc.code), f"not a clean refusal: [{exc.code}] {exc.message}"
        assert table_counts(admin) == before
        return
    finally:
        user.transport.close()
    event("stored")
    try:
        assert service.get_api_key(world.alice, "anthropic") == key
    finally:
        service.transport.close()
    assert stored.key_preview == key[-4:] and stored.display_name == display_name
