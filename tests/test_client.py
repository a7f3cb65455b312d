"""The client's contract: every method, through the postgres transport against the real
database, and through the supabase transport when a Supabase project is configured."""

from __future__ import annotations

import asyncio
import os
import random
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest

from agentsdb.client import METHODS, AsyncClient, Client
from agentsdb.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from agentsdb.models import Agent, Row
from agentsdb.transport import SupabaseTransport

SUPABASE_ENV = ("SUPABASE_URL", "SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY")


@dataclass
class World:
    """Clients for two users, anon and the service role, through one transport."""

    alice: Client
    bob: Client
    anon: Client
    service: Client
    alice_id: str
    bob_id: str
    tokens: dict[str, str] | None = None  # the users' access tokens (supabase only)


def _postgres_world(dsn: str) -> World:
    ids = []
    with psycopg.connect(dsn, autocommit=True) as conn:
        for name in ("alice", "bob"):
            uid = str(uuid.uuid4())
            conn.execute(
                "insert into auth.users (id, email, aud, role) values (%s, %s, 'authenticated',"
                " 'authenticated')",
                (uid, f"{name}-{uid[:8]}@example.test"),
            )
            ids.append(uid)
    return World(
        alice=Client.postgres(dsn, user_id=ids[0]),
        bob=Client.postgres(dsn, user_id=ids[1]),
        anon=Client.postgres(dsn),
        service=Client.postgres(dsn, service_role=True),
        alice_id=ids[0],
        bob_id=ids[1],
    )


def _supabase_world() -> World:
    from supabase import create_client

    url, anon_key, service_key = (os.environ[k] for k in SUPABASE_ENV)
    admin = create_client(url, service_key)
    tokens, ids = [], []
    for name in ("alice", "bob"):
        email, password = f"{name}-{uuid.uuid4().hex[:8]}@example.test", uuid.uuid4().hex
        user = admin.auth.admin.create_user(
            {"email": email, "password": password, "email_confirm": True}
        ).user
        session = (
            create_client(url, anon_key)
            .auth.sign_in_with_password({"email": email, "password": password})
            .session
        )
        tokens.append(session.access_token)
        ids.append(user.id)
    shared = create_client(url, anon_key)  # one supabase client for every caller
    return World(
        alice=Client(SupabaseTransport(url, anon_key, access_token=tokens[0], client=shared)),
        bob=Client(SupabaseTransport(url, anon_key, access_token=tokens[1], client=shared)),
        anon=Client(SupabaseTransport(url, anon_key, client=shared)),
        service=Client(SupabaseTransport(url, service_key, client=shared)),
        alice_id=ids[0],
        bob_id=ids[1],
        tokens={ids[0]: tokens[0], ids[1]: tokens[1]},
    )


class EventLoop:
    """An event loop on a thread of its own, so the blocking tests below can drive an
    AsyncClient (and several test threads can run its coroutines concurrently)."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


class Awaited:
    """An AsyncClient seen through the blocking API: each method awaited on the loop."""

    def __init__(self, client: AsyncClient, loop: EventLoop):
        self.client, self.loop = client, loop

    def __getattr__(self, name):
        method = getattr(self.client, name)
        if name not in METHODS:
            return method
        return lambda *args, **kwargs: self.loop.run(method(*args, **kwargs))

    def close(self):
        self.loop.run(self.client.aclose())


def _async_world(world: World, loop: EventLoop, build) -> World:
    """The same users as `world`, through async clients."""
    return World(
        alice=Awaited(build(user_id=world.alice_id), loop),
        bob=Awaited(build(user_id=world.bob_id), loop),
        anon=Awaited(build(), loop),
        service=Awaited(build(service_role=True), loop),
        alice_id=world.alice_id,
        bob_id=world.bob_id,
    )


@pytest.fixture(params=["postgres", "supabase", "postgres-async", "supabase-async"])
def world(request, fresh_db) -> Iterator[World]:
    if request.param.startswith("supabase"):
        missing = [k for k in SUPABASE_ENV if not os.environ.get(k)]
        if missing:
            pytest.skip(f"supabase transport: set {', '.join(missing)} to run it")
        built = _supabase_world()
    else:
        built = _postgres_world(fresh_db)
    loop = None
    if request.param == "postgres-async":
        for client in (built.alice, built.bob, built.anon, built.service):
            client.close()
        loop = EventLoop()

        def build(**kwargs):
            return AsyncClient.postgres(fresh_db, **kwargs)

        built = _async_world(built, loop, build)
    elif request.param == "supabase-async":
        from supabase import acreate_client

        for client in (built.alice, built.bob, built.anon, built.service):
            client.close()
        loop = EventLoop()
        url, anon_key, service_key = (os.environ[k] for k in SUPABASE_ENV)
        shared = loop.run(acreate_client(url, anon_key))
        tokens = built.tokens or {}

        def build(user_id=None, service_role=False):
            key = service_key if service_role else anon_key
            return AsyncClient.supabase(url, key, access_token=tokens.get(user_id), client=shared)

        built = _async_world(built, loop, build)
    yield built
    for client in (built.alice, built.bob, built.anon, built.service):
        client.close()
    if loop is not None:
        loop.stop()


def test_catalog_is_public(world):
    vendors = world.anon.list_vendors()
    assert {"openai", "anthropic"} <= {v.id for v in vendors}
    services = world.anon.list_vendor_services("anthropic")
    assert services and all(s.vendor_id == "anthropic" for s in services)
    features = world.alice.list_features()
    assert [f.sort_order for f in features] == sorted(f.sort_order for f in features)
    assert "conversation" in {t.id for t in world.alice.list_interaction_types()}


def test_agents_lifecycle_and_isolation(world):
    agent = world.alice.create_agent(
        "Reviewer",
        "anthropic",
        service_id="anthropic_claude3_sonnet",
        model_name="claude-3-sonnet",
        tags=["code"],
        configuration={"temperature": 0.2},
        features=["analysis"],
        primary_feature="coding",
    )
    assert isinstance(agent, Agent) and str(agent.user_id) == world.alice_id
    assert agent.created_at.tzinfo is not None
    mappings = world.alice.list_agent_features(agent.id)
    assert [(m.feature_id, m.is_primary) for m in mappings] == [
        ("coding", True),
        ("analysis", False),
    ]
    assert world.alice.get_agent(agent.id).configuration == {"temperature": 0.2}

    with pytest.raises(NotFound):
        world.bob.get_agent(agent.id)
    with pytest.raises(NotFound):
        world.bob.update_agent(agent.id, name="Stolen")
    assert world.alice.get_agent(agent.id).name == "Reviewer"

    shared = world.alice.share_agent(agent.id)
    assert shared.is_public
    assert world.bob.get_agent(agent.id).id == agent.id
    assert agent.id in {a.id for a in world.bob.list_agents(include_public=True)}
    assert agent.id not in {a.id for a in world.bob.list_agents()}
    with pytest.raises(PermissionDenied):
        world.bob.add_agent_feature(agent.id, "writing")

    config = world.alice.set_agent_config(agent.id, "max_tokens", 512, config_type="number")
    again = world.alice.set_agent_config(agent.id, "max_tokens", 1024, config_type="number")
    assert (config.id, again.config_value) == (again.id, 1024)
    with pytest.raises(InvalidInput):
        world.alice.set_agent_config(agent.id, "mode", 5, config_type="string")

    world.alice.delete_agent(agent.id)
    with pytest.raises(NotFound):
        world.alice.get_agent(agent.id)

    trail = world.alice.audit_log(table_name="ai_agents", record_id=str(agent.id))
    assert [e.action for e in trail] == ["delete", "update", "insert"]
    assert trail[1].new_row["is_public"] is True and str(trail[1].actor_id) == world.alice_id
    assert world.bob.audit_log(record_id=str(agent.id)) == []
    assert len(world.service.audit_log(record_id=str(agent.id))) >= 3


def test_errors_carry_codes(world):
    with pytest.raises(InvalidInput) as bad:
        world.alice.create_agent("   ", "openai")
    assert bad.value.code == "23514" and "ai_agents_name_not_blank" in bad.value.message
    agent = world.alice.create_agent("Dup", "openai", features=["coding"])
    with pytest.raises(Conflict):
        world.alice.add_agent_feature(agent.id, "coding")
    with pytest.raises(PermissionDenied):
        world.anon.create_agent("Anon", "openai")
    with pytest.raises(PermissionDenied):
        world.anon.list_agents()


def test_interactions_statistics_and_dashboards(world):
    agent = world.alice.create_agent(
        "Coder", "openai", service_id="openai_gpt4o", primary_feature="coding"
    )
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1, hours=1)
    day = start.date()
    costs = [Decimal("0.00001234"), Decimal("0.04250000"), Decimal("1.10000001")]
    recorded = [
        world.alice.record_interaction(
            agent.id,
            f"Session {n}",
            interaction_type_id="coding",
            input_tokens=1500 + n,
            output_tokens=800,
            total_cost=cost,
            started_at=start + timedelta(minutes=n),
            ended_at=start + timedelta(minutes=n + 10),
            tags=["review"],
        )
        for n, cost in enumerate(costs)
    ]
    assert recorded[0].total_cost == costs[0] and recorded[0].duration_minutes == 10
    rated = world.alice.rate_interaction(recorded[0].id, satisfaction=5, usefulness=4)
    assert (rated.satisfaction_rating, rated.usefulness_rating) == (5, 4)
    with pytest.raises(InvalidInput):
        world.alice.rate_interaction(recorded[1].id, satisfaction=6)
    with pytest.raises(NotFound):
        world.bob.rate_interaction(recorded[1].id, satisfaction=1)
    with pytest.raises(PermissionDenied):
        world.bob.record_interaction(agent.id, "Not mine")

    assert world.alice.get_agent(agent.id).usage_count == 3
    listed = world.alice.list_interactions(agent.id)
    assert [i.id for i in listed] == [r.id for r in reversed(recorded)]
    assert world.bob.list_interactions(agent.id) == []

    (summary,) = [s for s in world.alice.agent_summary() if s.id == agent.id]
    assert summary.total_cost == sum(costs) and summary.interaction_count == 3
    assert summary.primary_feature == "coding"
    assert world.bob.agent_summary() == []
    recent = world.alice.recent_interactions(limit=2)
    assert [r.title for r in recent] == ["Session 2", "Session 1"]

    usage = world.alice.agent_usage_summary(agent.id, days=7)
    assert usage.interaction_count == 3 and usage.total_cost == sum(costs)
    with pytest.raises(InvalidInput):
        world.alice.agent_usage_summary(agent.id, days=0)
    with pytest.raises(NotFound):
        world.bob.agent_usage_summary(agent.id)
    score = world.alice.update_activity_score(agent.id)
    assert 0 < score <= 1

    with pytest.raises(PermissionDenied):
        world.alice.refresh_usage_stats(day)
    assert world.service.refresh_usage_stats(day) >= 1
    (stats,) = world.alice.usage_stats(since=day)
    assert stats.date == day and stats.total_cost == sum(costs)
    assert stats.total_input_tokens == 4503 and stats.vendor_usage["openai"]["interactions"] == 3
    assert world.bob.usage_stats() == []


def test_vendor_keys_never_come_back(world):
    secret = "sk-contract-" + uuid.uuid4().hex
    stored = world.alice.store_api_key("openai", secret, display_name="main")
    assert stored.key_preview == secret[-4:] and secret not in repr(stored)
    assert [k.id for k in world.alice.list_api_keys()] == [stored.id]
    assert world.bob.list_api_keys() == []
    assert world.service.get_api_key(world.alice_id, "openai") == secret
    with pytest.raises(PermissionDenied):
        world.alice.get_api_key(world.alice_id, "openai")
    with pytest.raises(InvalidInput):
        world.alice.store_api_key("openai", "has spaces in it")
    assert not world.alice.deactivate_api_key(stored.id).is_active
    with pytest.raises(NotFound):
        world.service.get_api_key(world.alice_id, "openai")


def test_rows_convert_postgrest_json_and_psycopg_values_alike():
    """PostgREST sends strings and numbers; psycopg sends native values: same model either way."""
    from datetime import datetime

    @dataclass(frozen=True)
    class Probe(Row):
        id: uuid.UUID
        cost: Decimal
        at: datetime
        maybe: Decimal | None

    assert Probe.columns() == ["id", "cost::text", "at", "maybe::text"]
    uid = uuid.uuid4()
    at = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    from_json = Probe.from_row(
        {"id": str(uid), "cost": "0.00000001", "at": "2026-11-23T12:00:00+00:00", "maybe": None}
    )
    native = Probe.from_row({"id": uid, "cost": Decimal("0.00000001"), "at": at, "maybe": None})
    assert from_json == native
    assert from_json.cost + Decimal("0.1") == Decimal("0.10000001")


def test_threads_and_users_share_one_client_and_never_mix(world):
    """Many threads, both users and the service role on one shared client per transport:
    every answer belongs to the caller that asked."""
    users = {world.alice_id: world.alice, world.bob_id: world.bob}
    agents = {uid: c.create_agent(f"agent {uid[:8]}", "openai") for uid, c in users.items()}
    secrets = {uid: f"sk-threaded-{uid}" for uid in users}
    for uid, client in users.items():
        client.store_api_key("openai", secrets[uid])
    wrong: list[str] = []
    errors: list[BaseException] = []

    def work(seed: int) -> None:
        rnd = random.Random(seed)  # noqa: S311 - picks work, not secrets
        try:
            for n in range(25):
                uid = rnd.choice(list(users))
                me = users[uid]
                step = rnd.randrange(5)
                if step == 0:
                    owners = {str(a.user_id) for a in me.list_agents()}
                elif step == 1:
                    owners = {str(k.user_id) for k in me.list_api_keys()}
                elif step == 2:
                    done = me.record_interaction(agents[uid].id, f"call {seed}-{n}")
                    owners = {str(done.user_id)}
                elif step == 3:
                    owners = {str(s.user_id) for s in me.agent_summary()}
                else:
                    key = world.service.get_api_key(uid, "openai")
                    owners = {uid} if key == secrets[uid] else {"someone else"}
                if owners != {uid}:
                    wrong.append(f"step {step} for {uid}: {owners}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and wrong == []
    for uid, client in users.items():
        assert client.get_agent(agents[uid].id).usage_count == len(
            client.list_interactions(agents[uid].id, limit=1000)
        )
