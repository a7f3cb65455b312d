"""Ingest at half a bare COPY (issue 10): what the faster record path must keep.

- one cost formula: record_model_calls (batch), record_model_call (single) and
  reprice_model_calls price alike, and as an independent Decimal computation;
- the catalog references of model_calls, no longer per-row foreign keys, still hold for any
  writer (the owner writing directly included), and a referenced catalog row is neither
  deleted nor re-keyed (23503).
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest
from psycopg.types.json import Jsonb

from agentsdb.request import claims_for, request

AT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
MILLION = Decimal(1_000_000)
KINDS = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
)


def make_user(db: psycopg.Connection) -> str:
    (uid,) = db.execute(
        "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id::text",
        (f"ingest-{uuid.uuid4().hex[:10]}@example.test",),
    ).fetchone()
    return uid


def make_agent(db: psycopg.Connection, user: str, vendor: str = "openai", service=None) -> str:
    (aid,) = db.execute(
        "insert into public.ai_agents (name, vendor_id, service_id, user_id)"
        " values ('ingest', %s, %s, %s) returning id::text",
        (vendor, service, user),
    ).fetchone()
    return aid


def add_service(db, service: str, prices: list[tuple]) -> None:
    db.execute(
        "insert into public.vendor_services (id, vendor_id, service_name, display_name)"
        " values (%s, 'openai', %s, 'ingest test')",
        (service, service),
    )
    for suffix, start, end, *rates in prices:
        db.execute(
            "insert into public.service_prices (id, service_id, input_per_million,"
            " cached_input_per_million, cache_write_per_million, output_per_million,"
            " reasoning_per_million, per_request, valid_from, valid_until)"
            " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (f"{service}_{suffix}", service, *rates, start, end),
        )


def expected(prices, started: datetime, tokens: dict) -> tuple[Decimal | None, str | None]:
    for suffix, start, end, *rates in prices:
        if start <= started and (end is None or started < end):
            *per_kind, per_request = (None if r is None else Decimal(r) for r in rates)
            if any(tokens[k] and p is None for k, p in zip(KINDS, per_kind, strict=True)):
                return None, None
            cost = sum(
                (Decimal(tokens[k]) * (p or 0) for k, p in zip(KINDS, per_kind, strict=True)),
                Decimal(0),
            ) / MILLION + (per_request or 0)
            return cost, suffix
    return None, None


def test_batch_single_and_reprice_price_alike(db):
    service = "openai_ingest_formula"
    change = AT - timedelta(days=1)
    prices = [
        # suffix, from, until, input, cached, cache write, output, reasoning, per request
        ("old", AT - timedelta(days=30), change, "2.5", "1.25", None, "10", "10", None),
        ("new", change, None, "0.15", "0.075", "0.3", "0.6", None, "0.001"),
    ]
    add_service(db, service, prices)
    user = make_user(db)
    agent = make_agent(db, user, service=service)
    rng = random.Random(12)  # noqa: S311 - reproducible test data
    entries = []
    for _ in range(60):
        tokens = {k: rng.choice((0, 0, rng.randint(1, 100_000))) for k in KINDS}
        started = AT - timedelta(hours=rng.randint(1, 24 * 20))
        entries.append({"agent_id": agent, "started_at": started.isoformat(), **tokens})
    with request(db, claims_for("service_role")):
        batch = db.execute(
            "select cost, price_id from public.record_model_calls(%s)", (Jsonb(entries),)
        ).fetchall()
        single = [
            db.execute(
                "select cost, price_id from public.record_model_call("
                " agent_id => %s, input_tokens => %s, cached_input_tokens => %s,"
                " cache_write_tokens => %s, output_tokens => %s, reasoning_tokens => %s,"
                " started_at => %s)",
                (e["agent_id"], *(e[k] for k in KINDS), e["started_at"]),
            ).fetchone()
            for e in entries
        ]
    assert batch == single
    priced = 0
    for e, (cost, price_id) in zip(entries, batch, strict=True):
        cost_expected, suffix = expected(prices, datetime.fromisoformat(e["started_at"]), e)
        assert cost == cost_expected
        assert price_id == (f"{service}_{suffix}" if suffix else None)
        priced += cost is not None
    assert 0 < priced < len(entries)  # both priced and unpriced calls were compared
    # A re-price at unchanged prices finds every cost as the record functions computed it.
    with request(db, claims_for("service_role")):
        runs = db.execute(
            "select rows_changed from public.reprice_model_calls(%s, %s, %s, 'same prices')",
            (service, AT - timedelta(days=40), AT + timedelta(days=1)),
        ).fetchall()
    assert runs == [(0,)]


def insert_directly(db, user: str, agent: str, **cols) -> None:
    row = {"user_id": user, "agent_id": agent, "vendor_id": "openai", **cols}
    names = ", ".join(row)
    marks = ", ".join(["%s"] * len(row))
    db.execute(f"insert into public.model_calls ({names}) values ({marks})", list(row.values()))


@pytest.mark.parametrize(
    ("cols", "field"),
    [
        ({"vendor_id": "no-such-vendor"}, "vendor_id"),
        ({"service_id": "of another vendor"}, "service_id"),
        ({"service_id": "no-such-service"}, "service_id"),
        ({"price_id": "no-such-price", "cost": 1}, "price_id"),
    ],
)
def test_direct_writes_cannot_name_a_missing_catalog_row(db, cols, field):
    user = make_user(db)
    agent = make_agent(db, user)
    cols = dict(cols)
    if cols.get("service_id") == "of another vendor":
        (cols["service_id"],) = db.execute(
            "select id from public.vendor_services where vendor_id <> 'openai' limit 1"
        ).fetchone()
    with db.transaction(force_rollback=True):
        with pytest.raises(psycopg.errors.ForeignKeyViolation) as caught:
            insert_directly(db, user, agent, **cols)
        assert caught.value.diag.message_primary.startswith(f"model_calls.{field}:")
    # An update naming a missing row is refused the same way.
    insert_directly(db, user, agent)
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        db.execute(
            "update public.model_calls set price_id = 'no-such-price', cost = 1 where user_id = %s",
            (user,),
        )


def test_api_roles_cannot_write_model_calls_directly(db):
    user = make_user(db)
    agent = make_agent(db, user)
    for claims in (claims_for("service_role"), claims_for("authenticated", user)):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), request(db, claims):
            insert_directly(db, user, agent)


def test_a_referenced_catalog_row_is_neither_deleted_nor_rekeyed(db):
    service = "openai_ingest_guard"
    add_service(db, service, [("p", AT - timedelta(days=30), None, "1", "1", "1", "1", "1", None)])
    # An unused price goes as before.
    db.execute(
        "insert into public.service_prices (id, service_id, input_per_million, valid_from,"
        " valid_until) values (%s, %s, 1, %s, %s)",
        (f"{service}_unused", service, AT - timedelta(days=60), AT - timedelta(days=30)),
    )
    db.execute("delete from public.service_prices where id = %s", (f"{service}_unused",))
    db.execute("insert into public.vendors (id, name) values ('ingest_vendor', 'Ingest')")
    user = make_user(db)
    agent = make_agent(db, user, service=service)
    with request(db, claims_for("service_role")):
        db.execute(
            "select public.record_model_calls(%s)",
            (
                Jsonb(
                    [
                        {"agent_id": agent, "input_tokens": 10, "started_at": AT.isoformat()},
                        {"agent_id": agent, "vendor_id": "ingest_vendor", "service_id": None},
                    ]
                ),
            ),
        )
    (price,) = db.execute(
        "select price_id from public.model_calls where user_id = %s and price_id is not null",
        (user,),
    ).fetchone()
    assert price == f"{service}_p"
    refusals = [
        ("delete from public.service_prices where id = %s", (price,), "service_prices.id"),
        (
            "update public.service_prices set id = 'openai_ingest_guard_q' where id = %s",
            (price,),
            "service_prices.id",
        ),
        ("delete from public.vendor_services where id = %s", (service,), None),
        ("delete from public.vendors where id = 'ingest_vendor'", (), "vendors.id"),
        ("update public.vendors set id = 'ingest_2' where id = 'ingest_vendor'", (), "vendors.id"),
    ]
    for sql, args, field in refusals:
        with db.transaction(force_rollback=True):
            with pytest.raises(psycopg.errors.ForeignKeyViolation) as caught:
                db.execute(sql, args)
            if field:
                assert caught.value.diag.message_primary.startswith(
                    f"{field}: model calls reference"
                )
    # Nothing was changed.
    (n,) = db.execute(
        "select count(*) from public.model_calls as m"
        " join public.vendors as v on v.id = m.vendor_id"
        " left join public.service_prices as p on p.id = m.price_id"
        " where m.user_id = %s and (m.price_id is null or p.id is not null)",
        (user,),
    ).fetchone()
    assert n == 2


def refusal(db, entries: list) -> tuple[str, str]:
    with (
        pytest.raises(psycopg.Error) as err,
        request(db, claims_for("service_role")),
    ):
        db.execute("select * from public.record_model_calls(%s)", (Jsonb(entries),))
    return err.value.sqlstate, err.value.diag.message_primary


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        # A UUID uuid_in would take but the API's form does not (braces, odd hyphens): refused
        # as a type, before an earlier entry's bad value.
        (
            [{"input_tokens": -1}, {"agent_id": "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"}],
            "calls[1].agent_id: must be a UUID",
        ),
        (
            [{"input_tokens": -1}, {"interaction_id": "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11"}],
            "calls[1].interaction_id: must be a UUID",
        ),
        # Not a UUID at all (a cast fails): named, the value not quoted, before any time.
        (
            [{"started_at": "yesterday-ish"}, {"agent_id": "not-a-uuid"}],
            "calls[1].agent_id: must be a UUID",
        ),
        (
            [{"agent_id": "AGENT"}, {"input_tokens": "many"}],
            "calls[0].agent_id: must be a UUID",
        ),
        # Within an entry, the fields in their fixed order (integers before UUIDs).
        ([{"agent_id": "x", "input_tokens": 1.5}], "calls[0].input_tokens: must be an integer"),
        ([{"latency_ms": 2147483648}], "calls[0].latency_ms: must be an integer"),
        ([{"metadata": [1]}], "calls[0].metadata: must be a JSON object of at most 16 KiB"),
        ([{"cost": "1e"}], "calls[0].cost: must be a decimal number"),
        ([{"cost": True}], "calls[0].cost: must be a decimal number"),
        ([{"model_name": 5}], "calls[0].model_name: must be a string"),
        ([{}, 7], "calls[1]: must be a JSON object"),
        ([{"agent_id": None, "zeta": 1, "alpha": 2}], "calls[0].unknown keys alpha, zeta"),
        ([{"": 1}], "calls[0].unknown keys "),
        ([{"started_at": "never"}], "calls[0].started_at: must be an ISO 8601 time"),
        (
            [{"input_tokens": 1}, {"ended_at": "soon"}],
            "calls[1].ended_at: must be an ISO 8601 time",
        ),
        # Integers: a fraction or a value beyond integer is a type, named before an earlier
        # entry's bad value or time (the parsing statement reads them as numbers first).
        (
            [{"input_tokens": -1}, {"output_tokens": 2.5}],
            "calls[1].output_tokens: must be an integer",
        ),
        (
            [{"input_tokens": -1}, {"time_to_first_token_ms": -2147483649}],
            "calls[1].time_to_first_token_ms: must be an integer",
        ),
        (
            [{"started_at": "never"}, {"cached_input_tokens": 0.5}],
            "calls[1].cached_input_tokens: must be an integer",
        ),
        (
            [{"latency_ms": 10, "time_to_first_token_ms": 20}, {"reasoning_tokens": 1e20}],
            "calls[1].reasoning_tokens: must be an integer",
        ),
        # Values a typed read would take as they are: a number in a string, a number for a
        # string or a time, a string for the metadata.
        (
            [{"input_tokens": -1}, {"input_tokens": "5"}],
            "calls[1].input_tokens: must be an integer",
        ),
        ([{"input_tokens": -1}, {"status": 1}], "calls[1].status: must be a string"),
        (
            [{"input_tokens": -1}, {"started_at": 20260101}],
            "calls[1].started_at: must be an ISO 8601 time",
        ),
        (
            [{"input_tokens": -1}, {"metadata": "{}"}],
            "calls[1].metadata: must be a JSON object of at most 16 KiB",
        ),
        ([{"input_tokens": -1}, {"cost": " 1"}], "calls[1].cost: must be a decimal number"),
        ([{"input_tokens": -1}, {"cost": "NaN"}], "calls[1].cost: must be a decimal number"),
    ],
)
def test_batch_type_refusals_keep_their_messages_and_order(db, entries, message):
    assert refusal(db, entries) == ("22023", message)


# Values of every JSON type for each field, right and wrong: the batch function must refuse a
# batch exactly as its entry-by-entry type pass names it, whatever the order of problems.
FIELD_VALUES = {
    "agent_id": [
        None,
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        "A0EEBC999C0B4EF8BB6D6BB9BD380A11",
        "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
        "nope",
        5,
        True,
    ],
    "interaction_id": [
        None,
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12",
        "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a12",
        1,
    ],
    "input_tokens": [None, 0, 10, -1, 1.0, 1.5, 2147483647, 2147483648, -2147483649, "3", [1], {}],
    "cached_input_tokens": [None, 3, 0.25, "x"],
    "output_tokens": [None, 7, -7, 9e99, False],
    "reasoning_tokens": [None, 1, 1.1],
    "latency_ms": [None, 100, 100.5, "100"],
    "time_to_first_token_ms": [None, 50, 500, 50.5],
    "service_id": [None, "openai_gpt_4o", 1, ["x"]],
    "vendor_id": [None, "openai", True],
    "model_name": [None, "m", "a b", 3],
    "status": [None, "failed", "odd", 0],
    "error_code": [None, "E", " ", {}],
    "error_message": [None, "msg", 2],
    "started_at": [None, "2026-03-10T12:00:00Z", "never", 20260310, {}],
    "ended_at": [None, "2026-03-10T12:00:01Z", "soon", 1],
    "cost": [None, 0.5, "0.25", " 1", "1e", "NaN", -1, True, {}],
    "metadata": [None, {"k": 1}, [1], "x", 1],
    "idempotency_key": [None, "k", " ", 1],
    "zeta": [1],
}


def random_entry(rng: random.Random):
    if rng.random() < 0.03:
        return rng.choice([7, "x", [], None, [{"agent_id": None}]])
    entry = {}
    for field, values in FIELD_VALUES.items():
        if rng.random() < (0.03 if field == "zeta" else 0.3):
            # mostly right values: a problem appears in some entries, not all
            entry[field] = values[0] if rng.random() < 0.2 else rng.choice(values)
    return entry


def test_batch_refuses_types_as_its_entry_by_entry_pass_names_them(db):
    rng = random.Random(20261203)  # noqa: S311 (test data, not secrets)
    checked = 0
    for _ in range(400):
        entries = [random_entry(rng) for _ in range(rng.randint(1, 4))]
        (named,) = db.execute(
            "select private.model_call_entries_type_problem(%s)", (Jsonb(entries),)
        ).fetchone()
        if named is None:
            continue
        checked += 1
        assert refusal(db, entries) == ("22023", named), entries
    assert checked > 200


def test_batch_takes_uuids_in_every_form_the_api_accepts(db):
    user = make_user(db)
    agent = make_agent(db, user)
    forms = [agent, agent.upper(), agent.replace("-", ""), agent.replace("-", "", 2)]
    with request(db, claims_for("service_role")):
        rows = db.execute(
            "select agent_id::text from public.record_model_calls(%s)",
            (Jsonb([{"agent_id": f} for f in forms]),),
        ).fetchall()
    assert rows == [(agent,)] * 4


def test_batch_returns_its_rows_as_written(db):
    """The rows returned are the rows in model_calls, column for column (created_at, the cost
    at its scale included), whether every entry was written or some key was retried."""
    service = "openai_ingest_returned"
    add_service(
        db, service, [("p", AT - timedelta(days=30), None, "2.5", None, None, "10", None, "0.001")]
    )
    user = make_user(db)
    agent = make_agent(db, user, service=service)
    first = [
        {
            "agent_id": agent,
            "input_tokens": 1000,
            "output_tokens": 7,
            "started_at": AT.isoformat(),
            "idempotency_key": "returned-1",
            "metadata": {"k": [1, "x"]},
        },
        {"agent_id": agent, "cost": "0.5", "started_at": AT.isoformat()},
        {"agent_id": agent, "input_tokens": 1, "reasoning_tokens": 3, "started_at": AT.isoformat()},
    ]
    retried = [
        {"agent_id": agent, "input_tokens": 5, "idempotency_key": "returned-2"},
        {"agent_id": agent, "input_tokens": 9, "idempotency_key": "returned-1"},
        {"agent_id": agent, "input_tokens": 6, "idempotency_key": "returned-2"},
    ]
    for entries, claims in (
        (first, claims_for("service_role")),
        (retried, claims_for("authenticated", user)),
    ):
        with request(db, claims):
            returned = db.execute(
                "select r::text from public.record_model_calls(%s) as r", (Jsonb(entries),)
            ).fetchall()
        stored = db.execute(
            "select m::text from unnest(%s::uuid[]) with ordinality as r (id, n)"
            " join public.model_calls as m on m.id = r.id order by r.n",
            ([row[0].split(",")[0].strip("(") for row in returned],),
        ).fetchall()
        assert returned == stored
    assert [r[0].split(",")[7] for r in returned] == ["5", "1000", "5"]


def test_a_batch_with_a_recorded_key_after_new_ones_writes_each_call_once(db):
    """Keys are claimed in entry order; a key already recorded (or repeated in the batch)
    after new ones makes the batch claim key by key: every new call is written once, each
    key claimed once, and every entry answers with its key's first record."""
    user = make_user(db)
    agent = make_agent(db, user)
    claims = claims_for("authenticated", user)
    with request(db, claims):
        (first,) = db.execute(
            "select id::text from public.record_model_calls(%s)",
            (Jsonb([{"agent_id": agent, "input_tokens": 1, "idempotency_key": "old"}]),),
        ).fetchone()
    batch = [
        {"agent_id": agent, "input_tokens": 2, "idempotency_key": "new-1"},
        {"agent_id": agent, "input_tokens": 3},
        {"agent_id": agent, "input_tokens": 4, "idempotency_key": "new-2"},
        {"agent_id": agent, "input_tokens": 5, "idempotency_key": "old"},
        {"agent_id": agent, "input_tokens": 6, "idempotency_key": "new-2"},
    ]
    with request(db, claims):
        returned = db.execute(
            "select id::text, input_tokens from public.record_model_calls(%s)", (Jsonb(batch),)
        ).fetchall()
    assert [r[1] for r in returned] == [2, 3, 4, 1, 4]
    assert returned[3][0] == first
    assert returned[4][0] == returned[2][0]
    stored = db.execute(
        "select input_tokens, idempotency_key from public.model_calls where user_id = %s"
        " order by input_tokens",
        (user,),
    ).fetchall()
    assert stored == [(1, "old"), (2, "new-1"), (3, None), (4, "new-2")]
    keys = db.execute(
        "select k.idempotency_key, k.model_call_id::text from private.model_call_keys as k"
        " where k.user_id = %s order by k.idempotency_key",
        (user,),
    ).fetchall()
    assert keys == [("new-1", returned[0][0]), ("new-2", returned[2][0]), ("old", first)]
