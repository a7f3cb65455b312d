"""The usage engine's first slice (issue 10): prices, model calls and their exact cost.

- the client's usage methods through the postgres transports (blocking and asyncio; the
  supabase transports too when a project is configured), errors included;
- a property test (hypothesis): random prices over consecutive validity ranges and random
  calls at random times give the costs, and the interaction totals, of an independent
  computation in Python's Decimal, to the last decimal;
- parallel sessions recording calls against the same interactions, and retrying the same
  idempotency keys: nothing lost, nothing counted twice, totals equal to the sums.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb
from test_client import World, world  # noqa: F401 - the transports' fixture

from agentsdb.errors import InvalidInput, NotFound, PermissionDenied
from agentsdb.models import ModelCall
from agentsdb.request import claims_for, request

MILLION = Decimal(1_000_000)
KINDS = ("input", "cached_input", "cache_write", "output", "reasoning")


# --- the client -------------------------------------------------------------------------------


def test_prices_are_public_and_exact(world):  # noqa: F811
    prices = world.anon.list_prices("openai_gpt4o")
    assert [p.id for p in prices] == ["openai_gpt4o_2025_10_20"]
    price = prices[0]
    assert price.input_per_million == Decimal("2.5") and isinstance(
        price.input_per_million, Decimal
    )
    assert price.currency == "USD" and price.source_url and price.listed_on
    now = datetime.now(UTC)
    current = world.alice.list_prices(at=now)
    assert len({p.service_id for p in current}) == len(current) > 0
    assert world.alice.list_prices(at=datetime(2020, 1, 1, tzinfo=UTC)) == []


def test_idempotency_key_claims_through_the_client(world):  # noqa: F811
    key = f"claim-{uuid.uuid4()}"
    assert world.alice.claim_idempotency_key(key, ttl_seconds=60) is True
    assert world.alice.claim_idempotency_key(key) is False, "an attempt is in flight"
    assert world.bob.claim_idempotency_key(key) is True, "keys are per user"
    assert world.alice.release_idempotency_key(key) is True
    assert world.alice.release_idempotency_key(key) is False
    assert world.bob.release_idempotency_key(key) is True
    with pytest.raises(PermissionDenied):
        world.anon.claim_idempotency_key(key)
    with pytest.raises(InvalidInput) as err:
        world.alice.claim_idempotency_key(key, ttl_seconds=0)
    assert err.value.code == "22023" and "ttl_seconds" in err.value.message


def test_record_model_calls_through_the_client(world):  # noqa: F811
    agent = world.alice.create_agent("usage", "openai", service_id="openai_gpt4o")
    session = world.alice.record_interaction(agent.id, "session", input_tokens=7)
    started = datetime.now(UTC) - timedelta(minutes=1)
    first = world.alice.record_model_call(
        agent.id,
        input_tokens=1000,
        cached_input_tokens=333,
        output_tokens=77,
        interaction_id=session.id,
        model_name="gpt-4o-2024-08-06",
        latency_ms=900,
        time_to_first_token_ms=120,
        started_at=started,
        metadata={"request": "r-1"},
        idempotency_key="r-1",
    )
    assert isinstance(first, ModelCall)
    assert first.cost == Decimal("0.00368625") and first.price_id == "openai_gpt4o_2025_10_20"
    assert not first.cost_supplied and str(first.user_id) == world.alice_id
    again = world.alice.record_model_call(agent.id, input_tokens=1, idempotency_key="r-1")
    assert again == first, "a retry returns the first record"

    batch = world.alice.record_model_calls(
        [
            {
                "agent_id": agent.id,
                "output_tokens": 10,
                "cost": Decimal("0.25"),
                "interaction_id": session.id,
            },
            {
                "agent_id": agent.id,
                "service_id": "openai_dalle3",
                "input_tokens": 3,
                "status": "failed",
                "error_code": "rate_limited",
                "started_at": started,
            },
        ]
    )
    assert [c.cost for c in batch] == [Decimal("0.25"), None]
    assert batch[0].cost_supplied and batch[1].price_id is None

    calls = world.alice.list_model_calls(agent_id=agent.id)
    assert {c.id for c in calls} == {first.id, *(c.id for c in batch)}
    assert world.alice.list_model_calls(interaction_id=session.id, limit=1)[0].id in {
        first.id,
        batch[0].id,
    }
    (interaction,) = world.alice.list_interactions(agent.id)
    assert interaction.input_tokens == 1333 and interaction.output_tokens == 87
    assert interaction.total_cost == Decimal("0.25368625")

    assert world.bob.list_model_calls() == []
    with pytest.raises(NotFound) as err:
        world.bob.record_model_call(agent.id, input_tokens=1)
    assert err.value.code == "PT404"
    with pytest.raises(PermissionDenied):
        world.anon.record_model_call(agent.id, input_tokens=1)
    with pytest.raises(InvalidInput) as err:
        world.alice.record_model_calls(
            [{"agent_id": agent.id}, {"agent_id": agent.id, "input_tokens": -1}]
        )
    assert err.value.code == "22023" and "calls[1].input_tokens" in err.value.message
    assert len(world.alice.list_model_calls()) == 3, "a refused batch writes nothing"
    with pytest.raises(TypeError):
        world.alice.record_model_call(agent.id, cost=0.1)  # money is never a float

    by_service = world.service.record_model_call(agent.id, reasoning_tokens=5)
    assert str(by_service.user_id) == world.alice_id and by_service.cost is None


# --- exact cost: a property test ------------------------------------------------------------

BASE = datetime(2025, 1, 1, tzinfo=UTC)
money = st.decimals(min_value=0, max_value=Decimal("999.999999"), places=6)
maybe_money = st.one_of(money, money, money, st.none())


@st.composite
def price_plans(draw):
    """Consecutive prices (a gap between some) with random decimals, some kinds unpriced."""
    count = draw(st.integers(1, 4))
    edges = sorted(draw(st.sets(st.integers(0, 400 * 24), min_size=count + 1, max_size=count + 1)))
    prices = []
    for i in range(count):
        start, end = edges[i], edges[i + 1]
        if i > 0 and draw(st.booleans()):
            start = min(start + draw(st.integers(0, 48)), end - 1)  # a gap: no price there
        prices.append(
            {
                "valid_from": BASE + timedelta(hours=start),
                "valid_until": None
                if i == count - 1 and draw(st.booleans())
                else BASE + timedelta(hours=end),
                **{f"{k}_per_million": draw(maybe_money) for k in KINDS},
                "per_request": draw(maybe_money),
            }
        )
    return prices


calls_strategy = st.lists(
    st.fixed_dictionaries(
        {
            **{f"{k}_tokens": st.one_of(st.just(0), st.integers(0, 2_000_000)) for k in KINDS},
            # From before the first price to after the last edge, to the microsecond.
            "started_at": st.integers(-48 * 3600, 420 * 24 * 3600).map(
                lambda s: BASE + timedelta(seconds=s)
            ),
            "microseconds": st.integers(0, 999_999),
            "cost": st.one_of(st.none(), st.none(), st.decimals(0, 10**6, places=12)),
        }
    ),
    min_size=1,
    max_size=8,
)


def expected_cost(prices: list[dict], call: dict, started: datetime) -> Decimal | None:
    if call["cost"] is not None:
        return call["cost"]
    valid = [
        p
        for p in prices
        if p["valid_from"] <= started and (p["valid_until"] is None or started < p["valid_until"])
    ]
    if not valid:
        return None
    (price,) = valid
    total = Decimal(0)
    for kind in KINDS:
        tokens, per_million = call[f"{kind}_tokens"], price[f"{kind}_per_million"]
        if tokens and per_million is None:
            return None
        total += tokens * (per_million or 0)
    return total / MILLION + (price["per_request"] or 0)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(prices=price_plans(), calls=calls_strategy)
def test_costs_equal_an_independent_decimal_computation(db, prices, calls):
    with db.transaction(force_rollback=True):
        user = db.execute(
            "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id",
            (f"prop-{uuid.uuid4().hex[:8]}@example.test",),
        ).fetchone()[0]
        db.execute(
            "insert into public.vendor_services (id, vendor_id, service_name, display_name)"
            " values ('openai_property', 'openai', 'property', 'Property')"
        )
        for i, price in enumerate(prices):
            db.execute(
                "insert into public.service_prices (id, service_id, input_per_million,"
                " cached_input_per_million, cache_write_per_million, output_per_million,"
                " reasoning_per_million, per_request, valid_from, valid_until)"
                " values (%s, 'openai_property', %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    f"openai_property_{i}",
                    *(price[f"{k}_per_million"] for k in KINDS),
                    price["per_request"],
                    price["valid_from"],
                    price["valid_until"],
                ),
            )
        with request(db, claims_for("authenticated", user)):
            agent = db.execute(
                "insert into public.ai_agents (name, vendor_id, service_id)"
                " values ('property', 'openai', 'openai_property') returning id"
            ).fetchone()[0]
            interaction = db.execute(
                "insert into public.ai_interactions (agent_id, title)"
                " values (%s, 'p') returning id",
                (agent,),
            ).fetchone()[0]
        # One call every example prices for sure: at the first price's first instant, with
        # tokens only of the kinds it prices.
        first = prices[0]
        calls = [
            {
                **{
                    f"{k}_tokens": 0 if first[f"{k}_per_million"] is None else 1234567
                    for k in KINDS
                },
                "started_at": first["valid_from"],
                "microseconds": 0,
                "cost": None,
            },
            *calls,
        ]
        # And calls on every edge: the last microsecond of a price and the first of the next.
        for price in prices:
            if price["valid_until"] is not None:
                for offset in (-1, 0):
                    calls.append(
                        {**calls[0], "started_at": price["valid_until"], "microseconds": offset}
                    )
        # Every other call through the batch RPC (one request), the rest one by one: both
        # paths price the same way.
        costs: list[Decimal | None] = []
        batch = []
        for call in calls:
            started = call["started_at"] + timedelta(microseconds=call["microseconds"])
            tokens = {f"{k}_tokens": call[f"{k}_tokens"] for k in KINDS}
            if len(costs) % 2:
                batch.append(
                    {
                        "agent_id": str(agent),
                        "interaction_id": str(interaction),
                        "started_at": started.isoformat(),
                        **tokens,
                        **({"cost": str(call["cost"])} if call["cost"] is not None else {}),
                    }
                )
                costs.append(None)
                continue
            with request(db, claims_for("authenticated", user)):
                (cost,) = db.execute(
                    "select cost from public.record_model_call(agent_id => %s,"
                    " input_tokens => %s, cached_input_tokens => %s, cache_write_tokens => %s,"
                    " output_tokens => %s, reasoning_tokens => %s, started_at => %s,"
                    " cost => %s, interaction_id => %s)",
                    (agent, *tokens.values(), started, call["cost"], interaction),
                ).fetchone()
            costs.append(cost)
        with request(db, claims_for("authenticated", user)):
            batched = [
                row[0]
                for row in db.execute(
                    "select cost from public.record_model_calls(%s)", (Jsonb(batch),)
                ).fetchall()
            ]
        assert len(batched) == len(batch)
        costs = [batched.pop(0) if i % 2 else c for i, c in enumerate(costs)]
        wanted = []
        for call, cost in zip(calls, costs, strict=True):
            started = call["started_at"] + timedelta(microseconds=call["microseconds"])
            want = expected_cost(prices, call, started)
            wanted.append(want)
            if want is None:
                assert cost is None, f"a call at {started} is priced, and should not be"
            else:
                # Exact: the same value and nothing lost beyond the 12th decimal.
                assert cost == want and cost.quantize(Decimal("1e-12")) == cost
        totals = db.execute(
            "select input_tokens, output_tokens, total_cost from public.ai_interactions"
            " where id = %s",
            (interaction,),
        ).fetchone()
        priced = [w for w in wanted if w is not None]
        assert wanted[0] is not None
        assert totals == (
            sum(
                c["input_tokens"] + c["cached_input_tokens"] + c["cache_write_tokens"]
                for c in calls
            ),
            sum(c["output_tokens"] + c["reasoning_tokens"] for c in calls),
            sum(priced).quantize(Decimal("1e-8"), ROUND_HALF_UP) if priced else None,
        )


# --- concurrency ------------------------------------------------------------------------------

THREADS = 6
CALLS_PER_THREAD = 25


def test_parallel_sessions_keep_interaction_totals_exact(fresh_db):
    """Six sessions record calls against the same two interactions, in batches that name
    them in opposite orders, and retry every key once: no deadlock, no call lost or counted
    twice, each interaction's totals equal the sums of its calls."""
    with psycopg.connect(fresh_db, autocommit=True) as admin:
        user = admin.execute(
            "insert into auth.users (id, email) values (gen_random_uuid(), 'race@example.test')"
            " returning id"
        ).fetchone()[0]
        with request(admin, claims_for("authenticated", user)):
            agent = admin.execute(
                "insert into public.ai_agents (name, vendor_id, service_id)"
                " values ('race', 'anthropic', 'anthropic_claude_sonnet_4_5') returning id"
            ).fetchone()[0]
            sessions = [
                admin.execute(
                    "insert into public.ai_interactions (agent_id, title) values (%s, %s)"
                    " returning id",
                    (agent, f"s{i}"),
                ).fetchone()[0]
                for i in range(2)
            ]
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def worker(n: int) -> None:
        try:
            with psycopg.connect(
                fresh_db, autocommit=True, options="-c statement_timeout=20000"
            ) as conn:
                barrier.wait(timeout=20)
                for i in range(CALLS_PER_THREAD):
                    order = sessions if (n + i) % 2 else sessions[::-1]
                    batch = [
                        {
                            "agent_id": str(agent),
                            "interaction_id": str(s),
                            "input_tokens": 100 + n,
                            "cached_input_tokens": i,
                            "output_tokens": 10 * n + 1,
                            "idempotency_key": f"{n}-{i}-{s}",
                        }
                        for s in order
                    ]
                    for _ in range(2):  # the retry of a timed-out request
                        with request(conn, claims_for("authenticated", user)):
                            conn.execute(
                                "select count(*) from public.record_model_calls(%s::jsonb)",
                                (psycopg.types.json.Jsonb(batch),),
                            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a session hung"
    assert not errors, errors

    price_in, price_cached, price_out = Decimal("3.00"), Decimal("0.30"), Decimal("15.00")
    with psycopg.connect(fresh_db, autocommit=True) as admin:
        for s in sessions:
            count, tokens_in, tokens_out, cost = admin.execute(
                "select count(*), sum(input_tokens + cached_input_tokens), sum(output_tokens),"
                " sum(cost) from public.model_calls where interaction_id = %s",
                (s,),
            ).fetchone()
            assert count == THREADS * CALLS_PER_THREAD, "a call was lost or counted twice"
            want_in = sum(100 + n + i for n in range(THREADS) for i in range(CALLS_PER_THREAD))
            want_out = CALLS_PER_THREAD * sum(10 * n + 1 for n in range(THREADS))
            want_cost = sum(
                ((100 + n) * price_in + i * price_cached + (10 * n + 1) * price_out) / MILLION
                for n in range(THREADS)
                for i in range(CALLS_PER_THREAD)
            )
            assert (tokens_in, tokens_out, cost) == (want_in, want_out, want_cost)
            totals = admin.execute(
                "select input_tokens, output_tokens, total_cost from public.ai_interactions"
                " where id = %s",
                (s,),
            ).fetchone()
            assert totals == (want_in, want_out, want_cost.quantize(Decimal("1e-8")))
