"""Ingest at half a bare COPY (issue 10), third pass: the user of a model call is checked once
per statement (private.model_calls_check_references), not by a per-row foreign key, and the
idempotency keys (private.model_call_keys) have no foreign key of their own. What must hold:

- a user's calls and keys leave with the user (the trigger agentsdb_delete_model_calls on
  auth.users), and a call's key leaves with the call (deleted or truncated);
- any writer naming a missing user is refused (23503, naming model_calls.user_id);
- a recording and a concurrent deletion of its user never leave a call or key behind: the
  recording that locked the user first is deleted with them, the one that comes second is
  refused (two sessions, the exact interleavings replayed);
- outside READ COMMITTED, where the trigger's snapshot could miss a concurrent recording, a
  user is not deleted (0A000).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import psycopg
import pytest
from psycopg.types.json import Jsonb
from test_concurrency import Background, wait_until_blocked

from agentsdb.request import claims_for, request, set_request

AT = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def make_user(conn: psycopg.Connection) -> str:
    (uid,) = conn.execute(
        "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id::text",
        (f"ingest-users-{uuid.uuid4().hex[:10]}@example.test",),
    ).fetchone()
    return uid


def make_agent(conn: psycopg.Connection, user: str) -> str:
    (aid,) = conn.execute(
        "insert into public.ai_agents (name, vendor_id, user_id)"
        " values ('ingest users', 'openai', %s) returning id::text",
        (user,),
    ).fetchone()
    return aid


def batch(agent: str, n: int, tag: str) -> Jsonb:
    return Jsonb(
        [
            {
                "agent_id": agent,
                "input_tokens": 10 + i,
                "output_tokens": 5,
                "started_at": AT.isoformat(),
                "idempotency_key": f"{tag}-{i}",
            }
            for i in range(n)
        ]
    )


def left_behind(conn: psycopg.Connection, user: str) -> tuple[int, int]:
    """(calls, keys) of the user still stored."""
    return conn.execute(
        "select (select count(*) from public.model_calls where user_id = %(u)s),"
        " (select count(*) from private.model_call_keys where user_id = %(u)s)",
        {"u": user},
    ).fetchone()


def test_a_users_calls_and_keys_leave_with_the_user(db):
    gone, kept = make_user(db), make_user(db)
    for user in (gone, kept):
        agent = make_agent(db, user)
        with request(db, claims_for("service_role")):
            db.execute("select public.record_model_calls(%s)", (batch(agent, 3, "k"),))
        assert left_behind(db, user) == (3, 3)
    db.execute("delete from auth.users where id = %s", (gone,))
    assert left_behind(db, gone) == (0, 0)
    assert left_behind(db, kept) == (3, 3)


def test_a_calls_key_leaves_with_the_call(db):
    user = make_user(db)
    agent = make_agent(db, user)
    with request(db, claims_for("service_role")):
        db.execute("select public.record_model_calls(%s)", (batch(agent, 4, "k"),))
    # A key left by a deleted call would make a retry find nothing and write nothing.
    db.execute(
        "delete from public.model_calls where user_id = %s and idempotency_key in ('k-0', 'k-1')",
        (user,),
    )
    assert left_behind(db, user) == (2, 2)
    keys = db.execute(
        "select idempotency_key from private.model_call_keys where user_id = %s order by 1",
        (user,),
    ).fetchall()
    assert keys == [("k-2",), ("k-3",)]
    # A retry of a deleted call's key records it again.
    with request(db, claims_for("service_role")):
        db.execute("select public.record_model_calls(%s)", (batch(agent, 1, "k"),))
    assert left_behind(db, user) == (3, 3)
    with db.transaction(force_rollback=True):
        db.execute("truncate public.model_calls")
        (n,) = db.execute("select count(*) from private.model_call_keys").fetchone()
        assert n == 0


def test_direct_writes_cannot_name_a_missing_user(db):
    user = make_user(db)
    agent = make_agent(db, user)
    missing = str(uuid.uuid4())
    with db.transaction(force_rollback=True):
        with pytest.raises(psycopg.errors.ForeignKeyViolation) as caught:
            db.execute(
                "insert into public.model_calls (user_id, agent_id, vendor_id)"
                " values (%s, %s, 'openai'), (%s, %s, 'openai')",
                (user, agent, missing, agent),
            )
        assert caught.value.diag.message_primary == "model_calls.user_id: not present in users"
        assert caught.value.diag.message_detail == f"Key (user_id)=({missing}) is not present."
    db.execute(
        "insert into public.model_calls (user_id, agent_id, vendor_id) values (%s, %s, 'openai')",
        (user, agent),
    )
    with db.transaction(force_rollback=True):
        with pytest.raises(psycopg.errors.ForeignKeyViolation) as caught:
            db.execute(
                "update public.model_calls set user_id = %s where user_id = %s", (missing, user)
            )
        assert caught.value.diag.message_primary.startswith("model_calls.user_id:")


def record(conn: psycopg.Connection, how: str, agent: str, user: str, tag: str) -> None:
    """Inside the connection's open transaction: a batch through the RPC as service_role, or
    the tables' owner inserting directly."""
    if how == "rpc":
        set_request(conn, claims_for("service_role"))
        conn.execute("select public.record_model_calls(%s)", (batch(agent, 5, tag),))
    else:
        conn.execute(
            "insert into public.model_calls (user_id, agent_id, vendor_id, idempotency_key)"
            " select %s, %s, 'openai', %s || g from generate_series(1, 5) as g",
            (user, agent, tag),
        )
        conn.execute(
            "insert into private.model_call_keys (user_id, idempotency_key, model_call_id,"
            " started_at) select user_id, idempotency_key, id, started_at"
            " from public.model_calls where user_id = %s and idempotency_key like %s",
            (user, f"{tag}%"),
        )


@pytest.fixture
def sessions(fresh_db):
    observer = psycopg.connect(fresh_db, autocommit=True)
    a, b = psycopg.connect(fresh_db), psycopg.connect(fresh_db)
    try:
        yield observer, a, b
    finally:
        for conn in (a, b, observer):
            conn.close()


@pytest.mark.parametrize("how", ["rpc", "owner"])
def test_a_recording_first_is_deleted_with_its_user(sessions, how):
    observer, recorder, deleter = sessions
    user = make_user(observer)
    agent = make_agent(observer, user)
    record(recorder, how, agent, user, "first-")  # holds the user FOR KEY SHARE, uncommitted
    delete = Background(
        deleter, lambda c: (c.execute("delete from auth.users where id = %s", (user,)), c.commit())
    )
    wait_until_blocked(observer, delete.pid)
    recorder.commit()
    delete.join()
    assert left_behind(observer, user) == (0, 0)


@pytest.mark.parametrize("how", ["rpc", "owner"])
def test_a_recording_second_is_refused(sessions, how):
    observer, recorder, deleter = sessions
    user = make_user(observer)
    agent = make_agent(observer, user)
    deleter.execute("delete from auth.users where id = %s", (user,))  # uncommitted

    def late(conn: psycopg.Connection) -> None:
        record(conn, how, agent, user, "second-")
        conn.commit()

    recording = Background(recorder, late)
    wait_until_blocked(observer, recording.pid)
    deleter.commit()
    with pytest.raises(psycopg.errors.ForeignKeyViolation) as caught:
        recording.join()
    assert caught.value.diag.message_primary == "model_calls.user_id: not present in users"
    recorder.rollback()
    assert left_behind(observer, user) == (0, 0)


@pytest.mark.parametrize("level", ["repeatable read", "serializable"])
def test_a_user_is_deleted_in_read_committed_only(sessions, level):
    """In REPEATABLE READ the trigger's delete reads the transaction's snapshot: a recording
    committed after it would stay behind, so the deletion is refused."""
    observer, recorder, deleter = sessions
    user = make_user(observer)
    agent = make_agent(observer, user)
    deleter.execute(f"set transaction isolation level {level}")
    deleter.execute("select 1")  # the snapshot is taken
    record(recorder, "rpc", agent, user, "rr-")
    recorder.commit()
    with pytest.raises(psycopg.errors.FeatureNotSupported) as caught:
        deleter.execute("delete from auth.users where id = %s", (user,))
    assert caught.value.diag.message_primary.startswith("auth.users:")
    deleter.rollback()
    assert left_behind(observer, user) == (5, 5)
    observer.execute("delete from auth.users where id = %s", (user,))
    assert left_behind(observer, user) == (0, 0)
