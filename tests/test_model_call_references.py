"""One call per request (issue 12): private.model_calls_check_references checks a one-row
statement with four index probes and a statement of several rows with one set query. Both
refuse the same writes with the same error (23503, the column, the key) and accept the same
ones. (The locks of the one-row path: test_ingest_users, a recording second to its user's
deletion is refused.)"""

from __future__ import annotations

import uuid

import psycopg
import pytest

MISSING_USER = str(uuid.uuid4())


def make_user(db: psycopg.Connection) -> str:
    (uid,) = db.execute(
        "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id::text",
        (f"references-{uuid.uuid4().hex[:10]}@example.test",),
    ).fetchone()
    return uid


def good_row(db: psycopg.Connection) -> dict:
    """A call of a new user's agent, priced at an openai price."""
    user = make_user(db)
    (agent,) = db.execute(
        "insert into public.ai_agents (name, vendor_id, user_id)"
        " values ('references', 'openai', %s) returning id::text",
        (user,),
    ).fetchone()
    price, service = db.execute(
        "select p.id, p.service_id from public.service_prices as p"
        " join public.vendor_services as s on s.id = p.service_id"
        " where s.vendor_id = 'openai' order by p.id limit 1"
    ).fetchone()
    return {
        "user_id": user,
        "agent_id": agent,
        "vendor_id": "openai",
        "service_id": service,
        "price_id": price,
    }


def insert(db: psycopg.Connection, rows: list[dict]) -> None:
    """One INSERT statement of `rows` (a priced cost when the row names a price, else a
    supplied one, as model_calls_cost_source wants)."""
    db.execute(
        "insert into public.model_calls"
        " (user_id, agent_id, vendor_id, service_id, price_id, cost, cost_supplied) values "
        + ", ".join(["(%s, %s, %s, %s, %s, 0.5, %s)"] * len(rows)),
        [
            value
            for r in rows
            for value in (
                r["user_id"],
                r["agent_id"],
                r["vendor_id"],
                r["service_id"],
                r["price_id"],
                r["price_id"] is None,
            )
        ],
    )


# (what to change in a good row, the message, the detail given the changed row)
BAD = {
    "user": (
        {"user_id": MISSING_USER},
        "model_calls.user_id: not present in users",
        lambda r: f"Key (user_id)=({r['user_id']}) is not present.",
    ),
    "vendor": (
        {"vendor_id": "no_such_vendor", "service_id": None, "price_id": None},
        "model_calls.vendor_id: not present in vendors",
        lambda r: "Key (vendor_id)=(no_such_vendor) is not present.",
    ),
    "service of another vendor": (
        {"vendor_id": "anthropic", "price_id": None},
        "model_calls.service_id: not present in vendor_services",
        lambda r: f"Key (service_id, vendor_id)=({r['service_id']}, anthropic) is not present.",
    ),
    "price": (
        {"price_id": "no_such_price"},
        "model_calls.price_id: not present in service_prices",
        lambda r: "Key (price_id)=(no_such_price) is not present.",
    ),
}


@pytest.mark.parametrize("rows", [1, 3], ids=["one row", "three rows"])
@pytest.mark.parametrize("bad", list(BAD))
def test_a_missing_reference_is_refused_alike(db, bad, rows):
    change, message, detail = BAD[bad]
    wrong = {**good_row(db), **change}
    batch = [good_row(db) for _ in range(rows - 1)] + [wrong]
    with (
        db.transaction(force_rollback=True),
        pytest.raises(psycopg.errors.ForeignKeyViolation) as caught,
    ):
        insert(db, batch)
    assert caught.value.diag.message_primary == message
    assert caught.value.diag.message_detail == detail(wrong)


@pytest.mark.parametrize("rows", [1, 3], ids=["one row", "three rows"])
@pytest.mark.parametrize("priced", [True, False], ids=["priced", "cost supplied"])
def test_existing_references_are_accepted(db, rows, priced):
    batch = [good_row(db) for _ in range(rows)]
    if not priced:
        batch = [{**r, "service_id": None, "price_id": None} for r in batch]
    with db.transaction(force_rollback=True):
        insert(db, batch)
        (n,) = db.execute(
            "select count(*) from public.model_calls where user_id = any(%s::uuid[])",
            ([r["user_id"] for r in batch],),
        ).fetchone()
        assert n == rows
