"""Claims of idempotency keys for calls in flight (claim_idempotency_key,
release_idempotency_key; the gateway claims before calling the vendor). What must hold:

- a key is claimed once: a second claim while the first is held is refused (false), also
  when the two claims race (the second waits for the first transaction, then claims nothing);
- released (in the transaction that records the call) or expired, the key can be claimed
  again; keys are per user;
- a signed-in caller claims only their own keys, service_role names the user, anon nothing;
- bad input: a stable SQLSTATE naming the field, and nothing written.
"""

from __future__ import annotations

import uuid

import psycopg
import pytest
from test_concurrency import Background, wait_until_blocked

from agentsdb.request import claims_for, request


def make_user(conn: psycopg.Connection) -> str:
    (uid,) = conn.execute(
        "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id::text",
        (f"claims-{uuid.uuid4().hex[:10]}@example.test",),
    ).fetchone()
    return uid


def claim(conn: psycopg.Connection, user: str, key: str, ttl: int = 900) -> bool:
    with request(conn, claims_for("authenticated", user)):
        return conn.execute(
            "select public.claim_idempotency_key(%s, ttl_seconds => %s)", (key, ttl)
        ).fetchone()[0]


def release(conn: psycopg.Connection, user: str, key: str) -> bool:
    with request(conn, claims_for("authenticated", user)):
        return conn.execute("select public.release_idempotency_key(%s)", (key,)).fetchone()[0]


def held(conn: psycopg.Connection, user: str) -> list[str]:
    return [
        k
        for (k,) in conn.execute(
            "select idempotency_key from private.idempotency_key_claims where user_id = %s"
            " order by 1",
            (user,),
        )
    ]


def test_a_key_is_claimed_once_until_released_and_keys_are_per_user(db):
    alice, bob = make_user(db), make_user(db)
    assert claim(db, alice, "k1") is True
    assert claim(db, alice, "k1") is False, "a second attempt in flight"
    assert claim(db, bob, "k1") is True, "bob's k1 is another key"
    assert release(db, alice, "k1") is True
    assert release(db, alice, "k1") is False, "nothing left to release"
    assert claim(db, alice, "k1") is True, "released: the next attempt may go"
    assert held(db, alice) == ["k1"] and held(db, bob) == ["k1"]


def test_an_expired_claim_no_longer_holds_the_key(db):
    alice = make_user(db)
    assert claim(db, alice, "k1") is True
    assert claim(db, alice, "old") is True
    db.execute(
        "update private.idempotency_key_claims set expires_at = now() - interval '1 second'"
        " where user_id = %s and idempotency_key = 'k1'",
        (alice,),
    )
    assert claim(db, alice, "k1") is True, "the caller holding it died: the key is free"
    assert claim(db, alice, "old") is False, "an unexpired claim still holds"


@pytest.mark.parametrize(("first_ends", "second_claims"), [("commit", False), ("rollback", True)])
def test_two_claims_racing_for_one_key(database, first_ends, second_claims):
    """The second claim waits for the first transaction: claims nothing when it commits,
    the key when it rolls back."""
    with psycopg.connect(database, autocommit=True) as setup:
        alice = make_user(setup)
    try:
        with (
            psycopg.connect(database) as first,
            psycopg.connect(database) as second,
            psycopg.connect(database, autocommit=True) as observer,
        ):
            first.execute("select 1")  # the request is a savepoint of this open transaction
            assert claim(first, alice, "race") is True  # not committed yet
            racing = Background(second, lambda c: (claim(c, alice, "race"), c.commit())[0])
            wait_until_blocked(observer, racing.pid)
            getattr(first, first_ends)()
            assert racing.join() is second_claims
            assert held(observer, alice) == ["race"]
    finally:
        with psycopg.connect(database, autocommit=True) as cleanup:
            cleanup.execute("delete from auth.users where id = %s", (alice,))


def test_service_role_names_the_user_and_a_user_names_only_themselves(db):
    alice, bob = make_user(db), make_user(db)
    with request(db, claims_for("service_role")):
        assert db.execute(
            "select public.claim_idempotency_key('svc', user_id => %s)", (alice,)
        ).fetchone()[0]
    assert held(db, alice) == ["svc"]
    assert release(db, alice, "svc") is True
    db.execute("savepoint s")
    with (
        pytest.raises(psycopg.errors.NullValueNotAllowed, match="user_id: required"),
        request(db, claims_for("service_role")),
    ):
        db.execute("select public.claim_idempotency_key('svc')")
    db.execute("rollback to savepoint s")
    with (
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="user_id: you may name only"),
        request(db, claims_for("authenticated", alice)),
    ):
        db.execute("select public.claim_idempotency_key('k', user_id => %s)", (bob,))
    db.execute("rollback to savepoint s")
    with pytest.raises(psycopg.errors.InsufficientPrivilege), request(db, claims_for("anon")):
        db.execute("select public.claim_idempotency_key('k')")
    db.execute("rollback to savepoint s")
    assert held(db, bob) == []


@pytest.mark.parametrize(
    ("key", "ttl", "error", "message"),
    [
        (None, 900, psycopg.errors.NullValueNotAllowed, "idempotency_key: required"),
        ("   ", 900, psycopg.errors.InvalidParameterValue, "idempotency_key: must be 1 to 200"),
        ("k" * 201, 900, psycopg.errors.InvalidParameterValue, "idempotency_key: must be 1 to 200"),
        ("k", None, psycopg.errors.NullValueNotAllowed, "ttl_seconds: required"),
        ("k", 0, psycopg.errors.InvalidParameterValue, "ttl_seconds: must be from 1 to 86400"),
        ("k", 86401, psycopg.errors.InvalidParameterValue, "ttl_seconds: must be from 1"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(db, key, ttl, error, message):
    alice = make_user(db)
    db.execute("savepoint s")
    with pytest.raises(error, match=message):
        claim(db, alice, key, ttl)
    db.execute("rollback to savepoint s")
    assert held(db, alice) == []


def test_claims_leave_with_their_user(db):
    alice = make_user(db)
    assert claim(db, alice, "k1") is True
    db.execute("delete from auth.users where id = %s", (alice,))
    assert held(db, alice) == []
