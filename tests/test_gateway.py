"""The agent gateway (functions/gateway, issue 14): its TypeScript is formatted, linted and
type-checked; run with Deno against a database of this module's own and a fake vendor on the
loopback, it records every call exactly once with the vendor's tokens at the catalog's price,
refuses what is not the caller's, and never shows the vendor key."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import jwt
import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from fake_vendor import ANTHROPIC_USAGE, OPENAI_USAGE, FakeVendor
from psycopg.rows import dict_row

from agentsdb.local import free_port
from agentsdb.request import claims_for, request
from conftest import ROOT, create_database

DENO = Path(sys.executable).parent / "deno"
FUNCTIONS = ROOT / "functions"
GATEWAY = FUNCTIONS / "gateway"
SECRET = "gateway-test-secret-with-at-least-32-characters"  # noqa: S105 (a test JWT secret)
OTHER_SECRET = "another-secret-of-at-least-32-characters!"  # noqa: S105 (a forger's)
VENDOR_TIMEOUT_MS = 3000  # generous: a loaded CI machine must not time out a normal call
# A project on asymmetric signing keys: its public key goes to the gateway as SUPABASE_JWKS.
SIGNING_KEY = ec.generate_private_key(ec.SECP256R1())
SIGNING_KID = "test-signing-key"


def deno(*args: str, cwd: Path = GATEWAY) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(DENO), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.mark.parametrize(
    "command",
    [["fmt", "--check"], ["lint"], ["check", "--frozen", "index.ts"], ["test", "--frozen"]],
    ids=["fmt", "lint", "check", "unit"],
)
def test_the_gateway_source_is_formatted_linted_type_checked_and_unit_tested(command):
    """Deno's own checks, and `deno test` (functions/gateway/*_test.ts: the wire formats)."""
    proc = deno(*command)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --- the running gateway ---------------------------------------------------------------------


@dataclass
class Gateway:
    url: str
    dsn: str
    vendor: FakeVendor
    log: Path
    process: subprocess.Popen
    url_of_database: str = ""


@pytest.fixture(scope="module")
def gateway(cluster, template, tmp_path_factory) -> Iterator[Gateway]:
    """The gateway served by Deno on a free port against a database cloned from the template,
    whose vendors openai and anthropic point at a fake vendor."""
    name = create_database(cluster, "gateway_tests", template)
    dsn = cluster.app_dsn(name)
    vendor = FakeVendor().start()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "update public.vendors set base_url = %s where id in ('openai', 'anthropic')",
            (vendor.base_url,),
        )
    port = free_port()
    log = tmp_path_factory.mktemp("gateway") / "gateway.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                str(DENO),
                "run",
                "--frozen",
                "--allow-net",
                "--allow-env",
                "--allow-sys",
                "--allow-read",
                "index.ts",
            ],
            cwd=GATEWAY,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={
                **os.environ,
                "NO_COLOR": "1",
                "PORT": str(port),
                "SUPABASE_DB_URL": cluster.url(name),
                "AGENTSDB_JWT_SECRET": SECRET,
                "SUPABASE_JWKS": json.dumps(
                    {
                        "keys": [
                            {
                                **json.loads(
                                    jwt.algorithms.ECAlgorithm.to_jwk(SIGNING_KEY.public_key())
                                ),
                                "kid": SIGNING_KID,
                                "alg": "ES256",
                                "use": "sig",
                                "key_ops": ["verify"],
                            }
                        ]
                    }
                ),
                "AGENTSDB_GATEWAY_VENDOR_TIMEOUT_MS": str(VENDOR_TIMEOUT_MS),
            },
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while '"listening"' not in log.read_text():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the gateway did not start: " + log.read_text()
        time.sleep(0.2)
    try:
        yield Gateway(url, dsn, vendor, log, process, cluster.url(name))
    finally:
        process.terminate()
        process.wait(10)
        vendor.close()


@dataclass
class User:
    id: str
    token: str
    key: str
    agents: dict[str, str]  # service id -> agent id


def token_for(user_id: str, *, secret: str = SECRET, **changes: Any) -> str:
    claims = {
        **claims_for("authenticated", user_id),
        "exp": int(time.time()) + 3600,
        "is_anonymous": False,
        **changes,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def make_user(
    dsn: str,
    services: dict[str, str] | None = None,
    *,
    keys: tuple[str, ...] = ("openai", "anthropic"),
) -> User:
    """A user with an agent per service (service id -> its vendor) and a stored key for each
    vendor in `keys`."""
    services = services or {
        "openai_gpt5": "openai",
        "anthropic_claude_sonnet_4_5": "anthropic",
    }
    uid = str(uuid.uuid4())
    key = "sk-test-" + uuid.uuid4().hex
    agents = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("insert into auth.users (id, email) values (%s, %s)", (uid, f"{uid}@ex.test"))
        with request(conn, claims_for("authenticated", uid)):
            for service, vendor_id in services.items():
                agents[service] = conn.execute(
                    "insert into public.ai_agents (name, vendor_id, service_id) values (%s, %s, %s)"
                    " returning id",
                    (f"agent {service}", vendor_id, service),
                ).fetchone()[0]
            for vendor_id in keys:
                conn.execute("select public.store_user_api_key(%s, %s)", (vendor_id, key))
    return User(uid, token_for(uid), key, {s: str(a) for s, a in agents.items()})


def es256_token(user_id: str, *, key=SIGNING_KEY, kid: str = SIGNING_KID) -> str:
    claims = {**claims_for("authenticated", user_id), "exp": int(time.time()) + 3600}
    return jwt.encode(claims, key, algorithm="ES256", headers={"kid": kid})


def test_a_token_signed_with_the_projects_asymmetric_key_is_accepted(gateway, alice):
    """Projects on asymmetric signing keys: ES256 tokens verified with SUPABASE_JWKS."""
    answer = post(gateway, "/v1/messages", anthropic_body(), token=es256_token(alice.id))
    assert answer.status == 200, answer.text
    assert len(calls_of(gateway, alice)) == 1


@pytest.fixture
def alice(gateway) -> User:
    return make_user(gateway.dsn)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


def post(
    gateway: Gateway, path: str, body: dict[str, Any], *, token: str | None, **headers: str
) -> Answer:
    sent = {k.replace("_", "-"): v for k, v in headers.items()}
    if token is not None:
        sent["authorization"] = f"Bearer {token}"
    resp = httpx.post(gateway.url + path, json=body, headers=sent, timeout=30)
    return Answer(resp.status_code, {k.lower(): v for k, v in resp.headers.items()}, resp.text)


def calls_of(gateway: Gateway, user: User) -> list[dict[str, Any]]:
    with psycopg.connect(gateway.dsn, row_factory=dict_row) as conn:
        return conn.execute(
            "select * from public.model_calls where user_id = %s order by created_at, id",
            (user.id,),
        ).fetchall()


def wait_for_calls(gateway: Gateway, user: User, count: int = 1) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 15
    while len(rows := calls_of(gateway, user)) < count:
        assert time.monotonic() < deadline, f"{len(rows)} calls recorded, expected {count}"
        time.sleep(0.1)
    return rows


def catalog_cost(gateway: Gateway, service_id: str, row: dict[str, Any]) -> Decimal:
    """The cost the price catalog gives these tokens, computed here from the price row."""
    with psycopg.connect(gateway.dsn, row_factory=dict_row) as conn:
        price = conn.execute(
            "select * from public.service_prices where service_id = %s and valid_during @> now()",
            (service_id,),
        ).fetchone()
    total = Decimal(0)
    for kind, column in [
        ("input_tokens", "input_per_million"),
        ("cached_input_tokens", "cached_input_per_million"),
        ("cache_write_tokens", "cache_write_per_million"),
        ("output_tokens", "output_per_million"),
        ("reasoning_tokens", "reasoning_per_million"),
    ]:
        if row[kind]:
            total += row[kind] * price[column]
    return total / 1_000_000 + (price["per_request"] or 0)


def openai_body(model: str = "gpt-5", **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": "Hello"}], **extra}


def anthropic_body(model: str = "claude-sonnet-4-5", **extra: Any) -> dict[str, Any]:
    return {
        "model": model,
        "max_tokens": 256,
        "messages": [{"role": "user", "content": "Hello"}],
        **extra,
    }


def sse_events(text: str) -> list[Any]:
    return [
        json.loads(line[5:])
        for line in text.splitlines()
        if line.startswith("data:") and line[5:].strip() != "[DONE]"
    ]


# --- recording what the vendor reported ------------------------------------------------------


def test_an_openai_call_records_the_vendors_tokens_at_the_catalogs_price(gateway, alice):
    answer = post(gateway, "/v1/chat/completions", openai_body(), token=alice.token)
    assert answer.status == 200, answer.text
    assert answer.json()["choices"][0]["message"]["content"] == "Hello from the fake vendor."
    [row] = calls_of(gateway, alice)
    assert answer.headers["x-agentsdb-call-id"] == str(row["id"])
    # OpenAI counts cached prompt tokens in prompt_tokens and reasoning in completion_tokens.
    assert (
        row["input_tokens"],
        row["cached_input_tokens"],
        row["cache_write_tokens"],
        row["output_tokens"],
        row["reasoning_tokens"],
    ) == (1000, 200, 0, 300, 50)
    assert row["cost"] == catalog_cost(gateway, "openai_gpt5", row) == Decimal("0.004775")
    assert (row["status"], row["agent_id"], row["service_id"], row["vendor_id"]) == (
        "succeeded",
        uuid.UUID(alice.agents["openai_gpt5"]),
        "openai_gpt5",
        "openai",
    )
    assert row["model_name"] == "gpt-5" and row["latency_ms"] >= 0
    assert row["idempotency_key"] == answer.headers["x-agentsdb-idempotency-key"]
    assert row["metadata"]["vendor_request_id"] == "req_fake_1"
    # The vendor saw the stored key, as a bearer token; the key was stamped as used.
    [seen] = [
        c
        for c in gateway.vendor.calls()
        if c["body"]["messages"] and c["headers"].get("authorization") == f"Bearer {alice.key}"
    ]
    assert seen["path"] == "/v1/chat/completions"
    with psycopg.connect(gateway.dsn) as conn:
        assert conn.execute(
            "select last_used_at is not null from public.user_api_keys where user_id = %s"
            " and vendor_id = 'openai'",
            (alice.id,),
        ).fetchone() == (True,)


def test_an_anthropic_stream_records_its_tokens_and_time_to_first_token(gateway, alice):
    answer = post(
        gateway,
        "/v1/messages",
        anthropic_body(stream=True),
        token=alice.token,
    )
    assert answer.status == 200, answer.text
    assert answer.headers["content-type"] == "text/event-stream"
    events = sse_events(answer.text)
    assert [e["type"] for e in events][0] == "message_start"
    assert events[-1]["type"] == "message_stop"
    [row] = wait_for_calls(gateway, alice)
    assert (
        row["input_tokens"],
        row["cached_input_tokens"],
        row["cache_write_tokens"],
        row["output_tokens"],
        row["reasoning_tokens"],
    ) == (900, 300, 100, 250, 0)
    assert row["cost"] == catalog_cost(gateway, "anthropic_claude_sonnet_4_5", row)
    assert row["cost"] == Decimal("0.006915")
    assert row["status"] == "succeeded" and row["metadata"]["stream"] is True
    assert 0 <= row["time_to_first_token_ms"] <= row["latency_ms"]
    [seen] = [c for c in gateway.vendor.calls() if c["headers"].get("x-api-key") == alice.key]
    assert seen["path"] == "/v1/messages"
    assert seen["headers"]["anthropic-version"] == "2023-06-01"


def test_an_openai_stream_is_asked_for_its_usage_and_records_it(gateway, alice):
    answer = post(
        gateway,
        "/gateway/v1/chat/completions",
        openai_body(stream=True),
        token=alice.token,
    )
    assert answer.status == 200, answer.text
    assert (
        "".join(
            e["choices"][0]["delta"].get("content", "")
            for e in sse_events(answer.text)
            if e["choices"]
        )
        == "word0 word1 word2 "
    )
    [row] = wait_for_calls(gateway, alice)
    assert (
        row["input_tokens"],
        row["cached_input_tokens"],
        row["output_tokens"],
        row["reasoning_tokens"],
    ) == (1000, 200, 300, 50)
    assert row["cost"] == catalog_cost(gateway, "openai_gpt5", row)
    assert row["time_to_first_token_ms"] is not None
    [seen] = [
        c
        for c in gateway.vendor.calls()
        if c["headers"].get("authorization") == f"Bearer {alice.key}"
    ]
    assert seen["body"]["stream_options"] == {"include_usage": True}


def test_a_vendor_that_ignores_stream_is_read_as_a_whole_answer(gateway, alice):
    answer = post(
        gateway,
        "/v1/chat/completions",
        openai_body(stream=True, fake={"mode": "ignore_stream"}),
        token=alice.token,
    )
    assert answer.status == 200
    assert answer.json()["object"] == "chat.completion"
    [row] = calls_of(gateway, alice)
    assert (row["status"], row["input_tokens"], row["output_tokens"]) == ("succeeded", 1000, 300)
    assert answer.headers["x-agentsdb-call-id"] == str(row["id"])


def test_the_model_chooses_the_service_and_its_price(gateway):
    """An agent of gpt-4o asked for gpt-4o-mini: the call is recorded as gpt-4o-mini, at its
    price; a model no agent of the user's uses is refused before the vendor."""
    user = make_user(gateway.dsn, {"openai_gpt4o": "openai"}, keys=("openai",))
    usage = {"prompt_tokens": 100, "completion_tokens": 10}
    answer = post(
        gateway,
        "/v1/chat/completions",
        openai_body("gpt-4o", fake={"usage": usage}),
        token=user.token,
        x_agentsdb_agent=user.agents["openai_gpt4o"],
    )
    assert answer.status == 200, answer.text
    answer = post(
        gateway,
        "/v1/chat/completions",
        openai_body("gpt-4o-mini", fake={"usage": usage}),
        token=user.token,
        x_agentsdb_agent=user.agents["openai_gpt4o"],
    )
    assert answer.status == 200, answer.text
    first, second = calls_of(gateway, user)
    assert first["service_id"] == "openai_gpt4o" and second["service_id"] == "openai_gpt4o_mini"
    assert second["cost"] == catalog_cost(gateway, "openai_gpt4o_mini", second) != first["cost"]
    before = len(gateway.vendor.calls())
    answer = post(gateway, "/v1/chat/completions", openai_body("gpt-5"), token=user.token)
    assert answer.status == 404
    assert answer.json()["error"]["message"].startswith("model: none of your active agents")
    assert len(gateway.vendor.calls()) == before


def test_an_agent_whose_service_was_retired_is_refused_before_the_vendor(gateway):
    """An inactive service cannot be recorded by its user: the call is refused up front,
    unless the request names an active model of the vendor."""
    user = make_user(gateway.dsn, {"openai_gpt4": "openai"}, keys=("openai",))
    with psycopg.connect(gateway.dsn, autocommit=True) as conn:
        conn.execute("update public.vendor_services set is_active = false where id = 'openai_gpt4'")
    try:
        before = len(gateway.vendor.calls())
        answer = post(
            gateway,
            "/v1/chat/completions",
            openai_body("gpt-4"),
            token=user.token,
            x_agentsdb_agent=user.agents["openai_gpt4"],
        )
        assert answer.status == 400
        assert answer.json()["error"]["message"] == (
            "model: the agent's vendor service is no longer active; choose an active model"
        )
        assert len(gateway.vendor.calls()) == before
        answer = post(
            gateway,
            "/v1/chat/completions",
            openai_body("gpt-4o"),
            token=user.token,
            x_agentsdb_agent=user.agents["openai_gpt4"],
        )
        assert answer.status == 200, answer.text
        assert [r["service_id"] for r in calls_of(gateway, user)] == ["openai_gpt4o"]
    finally:
        with psycopg.connect(gateway.dsn, autocommit=True) as conn:
            conn.execute(
                "update public.vendor_services set is_active = true where id = 'openai_gpt4'"
            )


# --- failures are recorded, once ------------------------------------------------------------


def test_a_retry_with_the_same_idempotency_key_records_once_and_calls_once(gateway, alice):
    key = str(uuid.uuid4())
    before = len(gateway.vendor.calls())
    first = post(gateway, "/v1/messages", anthropic_body(), token=alice.token, idempotency_key=key)
    again = post(gateway, "/v1/messages", anthropic_body(), token=alice.token, idempotency_key=key)
    assert first.status == 200, first.text
    assert again.status == 409
    assert again.json()["error"]["type"] == "conflict_error"
    [row] = calls_of(gateway, alice)
    assert str(row["id"]) in again.json()["error"]["message"]
    assert "already succeeded" in again.json()["error"]["message"]
    assert row["idempotency_key"] == key
    assert len(gateway.vendor.calls()) == before + 1
    # Another user may use the same key: idempotency keys are per user.
    bob = make_user(gateway.dsn)
    assert (
        post(gateway, "/v1/messages", anthropic_body(), token=bob.token, idempotency_key=key).status
        == 200
    )


def test_a_retry_while_the_first_attempt_is_in_flight_never_reaches_the_vendor(gateway, alice):
    """The key is claimed before the vendor is called and released with the record: a retry
    sent while the first attempt still streams is refused (409), the vendor is called once,
    and once recorded the key is free of claims (and done: a later retry is 'succeeded')."""
    key = str(uuid.uuid4())
    before = len(gateway.vendor.calls())
    answers: list[Answer] = []
    body = anthropic_body(stream=True, fake={"chunks": 40, "chunk_delay": 0.05})
    first = threading.Thread(
        target=lambda: answers.append(
            post(gateway, "/v1/messages", body, token=alice.token, idempotency_key=key)
        )
    )
    first.start()
    deadline = time.monotonic() + 15
    while len(gateway.vendor.calls()) == before:
        assert time.monotonic() < deadline, "the first attempt never reached the vendor"
        time.sleep(0.02)
    retry = post(gateway, "/v1/messages", anthropic_body(), token=alice.token, idempotency_key=key)
    first.join(30)
    assert [a.status for a in answers] == [200]
    assert retry.status == 409, retry.text
    assert "still in flight" in retry.json()["error"]["message"]
    assert len(gateway.vendor.calls()) == before + 1
    [row] = calls_of(gateway, alice)
    assert row["idempotency_key"] == key
    with psycopg.connect(gateway.dsn) as conn:
        (claims,) = conn.execute(
            "select count(*) from private.idempotency_key_claims where user_id = %s",
            (alice.id,),
        ).fetchone()
    assert claims == 0
    later = post(gateway, "/v1/messages", anthropic_body(), token=alice.token, idempotency_key=key)
    assert later.status == 409 and "already succeeded" in later.json()["error"]["message"]


def test_a_retry_after_a_failure_is_a_new_attempt_under_the_same_key(gateway, alice):
    """A 429 recorded under the key, then the retry succeeds: both vendor calls are recorded
    (the second under `<key>:retry:1`), then the key is done."""
    key = str(uuid.uuid4())
    before = len(gateway.vendor.calls())
    failed = post(
        gateway,
        "/v1/chat/completions",
        openai_body(fake={"mode": "fail", "status": 429}),
        token=alice.token,
        idempotency_key=key,
    )
    retried = post(
        gateway, "/v1/chat/completions", openai_body(), token=alice.token, idempotency_key=key
    )
    again = post(
        gateway, "/v1/chat/completions", openai_body(), token=alice.token, idempotency_key=key
    )
    assert (failed.status, retried.status, again.status) == (429, 200, 409)
    assert retried.headers["x-agentsdb-idempotency-key"] == f"{key}:retry:1"
    first, second = calls_of(gateway, alice)
    assert (first["idempotency_key"], first["status"]) == (key, "failed")
    assert (second["idempotency_key"], second["status"]) == (f"{key}:retry:1", "succeeded")
    assert str(second["id"]) in again.json()["error"]["message"]
    assert len(gateway.vendor.calls()) == before + 2


@pytest.mark.parametrize("status", [400, 429, 500, 503])
def test_a_vendor_error_is_a_failed_call_with_the_vendors_error(gateway, alice, status):
    answer = post(
        gateway,
        "/v1/chat/completions",
        openai_body(fake={"mode": "fail", "status": status}),
        token=alice.token,
    )
    assert answer.status == status
    assert answer.json()["error"]["message"] == f"fake failure {status}"
    [row] = calls_of(gateway, alice)
    assert (row["status"], row["error_code"], row["error_message"]) == (
        "failed",
        "server_error",
        f"fake failure {status}",
    )
    assert row["input_tokens"] == row["output_tokens"] == 0
    assert row["metadata"]["vendor_status"] == status


def test_a_vendor_that_stalls_is_a_failed_call_after_the_timeout(gateway, alice):
    answer = post(
        gateway,
        "/v1/messages",
        anthropic_body(fake={"mode": "stall", "delay": 10}),
        token=alice.token,
    )
    assert answer.status == 504
    assert answer.json() == {
        "type": "error",
        "error": {"type": "timeout", "message": "the vendor did not answer in time"},
    }
    [row] = calls_of(gateway, alice)
    assert (row["status"], row["error_code"]) == ("failed", "timeout")
    assert row["latency_ms"] >= VENDOR_TIMEOUT_MS


def test_a_stream_that_stalls_is_failed_with_the_tokens_seen(gateway, alice):
    answer = post(
        gateway,
        "/v1/messages",
        anthropic_body(stream=True, fake={"mode": "stall_mid", "delay": 10}),
        token=alice.token,
    )
    assert answer.status == 200
    events = sse_events(answer.text)
    assert events[-1] == {
        "type": "error",
        "error": {"type": "timeout", "message": "the vendor's stream stalled"},
    }
    [row] = wait_for_calls(gateway, alice)
    assert (row["status"], row["error_code"]) == ("failed", "timeout")
    # message_start had come: its input tokens (and one output token) are recorded.
    assert (row["input_tokens"], row["cached_input_tokens"], row["output_tokens"]) == (900, 300, 1)


def test_an_error_event_in_a_stream_is_a_failed_call(gateway, alice):
    answer = post(
        gateway,
        "/v1/chat/completions",
        openai_body(stream=True, fake={"mode": "stream_error"}),
        token=alice.token,
    )
    assert answer.status == 200
    [row] = wait_for_calls(gateway, alice)
    assert (row["status"], row["error_code"], row["error_message"]) == (
        "failed",
        "overloaded",
        "busy",
    )


def test_a_client_that_disconnects_mid_stream_gives_a_cancelled_call(gateway, alice):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", int(gateway.url.rsplit(":", 1)[1]), timeout=10)
    body = anthropic_body(stream=True, fake={"chunks": 200, "chunk_delay": 0.05})
    conn.request(
        "POST",
        "/v1/messages",
        json.dumps(body),
        {"authorization": f"Bearer {alice.token}", "content-type": "application/json"},
    )
    resp = conn.getresponse()
    assert resp.status == 200
    first = resp.read1(4096)
    assert b"message_start" in first
    conn.sock.shutdown(2)
    conn.close()
    [row] = wait_for_calls(gateway, alice)
    assert (row["status"], row["error_code"]) == ("cancelled", "client_disconnected")
    assert (row["input_tokens"], row["cached_input_tokens"], row["cache_write_tokens"]) == (
        900,
        300,
        100,
    )
    assert row["cost"] == catalog_cost(gateway, "anthropic_claude_sonnet_4_5", row)


def new_interaction(gateway: Gateway, user: User, agent_id: str) -> str:
    with (
        psycopg.connect(gateway.dsn, autocommit=True) as conn,
        request(conn, claims_for("authenticated", user.id)),
    ):
        return str(
            conn.execute(
                "insert into public.ai_interactions (agent_id, title) values (%s, 'chat')"
                " returning id",
                (agent_id,),
            ).fetchone()[0]
        )


def test_a_call_joins_the_interaction_named_in_its_header(gateway, alice):
    interaction = new_interaction(gateway, alice, alice.agents["openai_gpt5"])
    answer = post(
        gateway,
        "/v1/chat/completions",
        openai_body(),
        token=alice.token,
        x_agentsdb_interaction=interaction,
    )
    assert answer.status == 200, answer.text
    [row] = calls_of(gateway, alice)
    assert str(row["interaction_id"]) == interaction
    with psycopg.connect(gateway.dsn) as conn:
        assert conn.execute(
            "select input_tokens, output_tokens, total_cost from public.ai_interactions"
            " where id = %s",
            (interaction,),
        ).fetchone() == (1200, 350, row["cost"])
    # Another agent's interaction, or another user's: refused before the vendor.
    bob = make_user(gateway.dsn)
    bobs = new_interaction(gateway, bob, bob.agents["openai_gpt5"])
    before = len(gateway.vendor.calls())
    for token, interaction_id, body in [
        (alice.token, bobs, openai_body()),
        (alice.token, interaction, anthropic_body()),
    ]:
        path = "/v1/messages" if "max_tokens" in body else "/v1/chat/completions"
        answer = post(gateway, path, body, token=token, x_agentsdb_interaction=interaction_id)
        assert answer.status == 404, answer.text
        assert answer.json()["error"]["message"] == (
            "x-agentsdb-interaction: no interaction of yours with this id for this agent"
        )
    assert len(gateway.vendor.calls()) == before
    assert len(calls_of(gateway, alice)) == 1


def test_an_interaction_deleted_mid_call_does_not_lose_the_call(gateway, alice):
    interaction = new_interaction(gateway, alice, alice.agents["anthropic_claude_sonnet_4_5"])

    def delete_soon() -> None:
        time.sleep(0.5)
        with psycopg.connect(gateway.dsn, autocommit=True) as conn:
            conn.execute("delete from public.ai_interactions where id = %s", (interaction,))

    deleter = threading.Thread(target=delete_soon)
    deleter.start()
    answer = post(
        gateway,
        "/v1/messages",
        anthropic_body(stream=True, fake={"chunks": 20, "chunk_delay": 0.1}),
        token=alice.token,
        x_agentsdb_interaction=interaction,
    )
    deleter.join()
    assert answer.status == 200
    [row] = wait_for_calls(gateway, alice)
    assert row["status"] == "succeeded" and row["interaction_id"] is None
    assert row["metadata"]["interaction_id_refused"] == interaction
    assert row["input_tokens"] == 900


# --- who may use what -----------------------------------------------------------------------


def test_another_users_agent_or_key_is_never_usable(gateway, alice):
    bob = make_user(gateway.dsn, {"openai_gpt5": "openai"}, keys=())
    with psycopg.connect(gateway.dsn, autocommit=True) as conn:
        conn.execute("update public.ai_agents set is_public = true where user_id = %s", (alice.id,))
    before = len(gateway.vendor.calls())
    # Alice's agent (public, so bob can read it) named by bob: not his.
    answer = post(
        gateway,
        "/v1/chat/completions",
        openai_body(),
        token=bob.token,
        x_agentsdb_agent=alice.agents["openai_gpt5"],
    )
    assert answer.status == 404
    assert answer.json()["error"]["message"] == (
        "x-agentsdb-agent: no active agent of yours with this id"
    )
    # Bob's own agent, but bob has no key: alice's key for the same vendor is not used.
    answer = post(gateway, "/v1/chat/completions", openai_body(), token=bob.token)
    assert answer.status == 400
    assert answer.json()["error"]["type"] == "api_key_missing"
    # A model only alice has an agent for.
    answer = post(gateway, "/v1/messages", anthropic_body(), token=bob.token)
    assert answer.status == 404
    assert len(gateway.vendor.calls()) == before
    assert calls_of(gateway, bob) == [] and calls_of(gateway, alice) == []


@pytest.mark.parametrize(
    "make_token, message",
    [
        (lambda uid: None, "sign in: send the user's Supabase access token as a bearer token"),
        (
            lambda uid: token_for(uid, secret=OTHER_SECRET),
            "the access token's signature is not valid",
        ),
        (lambda uid: token_for(uid, exp=int(time.time()) - 10), "the access token has expired"),
        (
            lambda uid: token_for(uid, role="anon"),
            "the access token must be a signed-in user's (role authenticated)",
        ),
        (
            lambda uid: jwt.encode(
                {"sub": uid, "role": "authenticated", "exp": 2**40}, "", algorithm="none"
            ),
            "the access token must be signed with HS256, ES256 or RS256",
        ),
        (lambda uid: "not-a-jwt", "the access token is not a JWT"),
        (
            lambda uid: es256_token(uid, key=ec.generate_private_key(ec.SECP256R1())),
            "the access token's signature is not valid",
        ),
        (
            lambda uid: es256_token(uid, kid="another-kid"),
            "the access token is signed with a key this project does not have",
        ),
    ],
    ids=["none", "forged", "expired", "anon", "unsigned", "garbage", "es256-forged", "es256-kid"],
)
def test_a_request_without_a_valid_user_token_is_401(gateway, alice, make_token, message):
    before = len(gateway.vendor.calls())
    answer = post(gateway, "/v1/messages", anthropic_body(), token=make_token(alice.id))
    assert answer.status == 401
    assert answer.json() == {
        "type": "error",
        "error": {"type": "authentication_error", "message": message},
    }
    assert len(gateway.vendor.calls()) == before


def test_bad_requests_are_refused_naming_the_field(gateway, alice):
    cases = [
        ({}, {"x_agentsdb_agent": "alice"}, 400, "x-agentsdb-agent: must be an agent id (UUID)"),
        ({"model": None}, {}, 400, "model: required (or name the agent in x-agentsdb-agent)"),
        (
            {},
            {"idempotency_key": "k" * 181},
            400,
            "idempotency-key: must be 1 to 180 characters, not starting with a space",
        ),
        (
            {},
            {"x_agentsdb_interaction": "1"},
            400,
            "x-agentsdb-interaction: must be an interaction id (UUID)",
        ),
    ]
    for change, headers, status, message in cases:
        answer = post(
            gateway,
            "/v1/chat/completions",
            {**openai_body(), **change},
            token=alice.token,
            **headers,
        )
        assert (answer.status, answer.json()["error"]["message"]) == (status, message)
    answer = post(gateway, "/v1/embeddings", openai_body(), token=alice.token)
    assert answer.status == 404
    assert answer.json()["error"]["type"] == "not_found_error"
    assert calls_of(gateway, alice) == []


def test_the_key_is_never_echoed(gateway, alice):
    """A vendor that quotes the key in its error (as some do, partly masked): the client, the
    recorded call and the gateway's log never show it."""
    answer = post(
        gateway, "/v1/chat/completions", openai_body(fake={"mode": "echo_key"}), token=alice.token
    )
    assert answer.status == 401
    assert alice.key not in answer.text and "[redacted]" in answer.text
    assert all(alice.key not in v for v in answer.headers.values())
    [row] = calls_of(gateway, alice)
    assert row["error_message"] == "Incorrect API key provided: [redacted]"
    answer = post(
        gateway, "/v1/messages", anthropic_body(fake={"mode": "echo_key"}), token=alice.token
    )
    assert alice.key not in answer.text
    log = gateway.log.read_text()
    # Every failed record was the deleted interaction's (then recorded without it).
    failed = [line for line in log.splitlines() if "record_failed" in line]
    assert all('"message":"interaction_id:' in line for line in failed), failed
    assert alice.key not in log and "sk-test-" not in log
    # Nor the user's token, nor the database's password.
    assert alice.token not in log and alice.token.split(".")[2] not in log
    password = gateway.url_of_database.split(":")[2].split("@")[0]
    assert password not in log


# --- the official SDKs ----------------------------------------------------------------------


# The anthropic SDK warns that the catalog's claude-sonnet-4-5 is nearing its end of life.
@pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")
def test_the_openai_and_anthropic_sdks_work_through_the_gateway(gateway, alice):
    openai = pytest.importorskip("openai")
    anthropic = pytest.importorskip("anthropic")
    client = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=alice.token, max_retries=0)
    completion = client.chat.completions.create(
        model="gpt-5", messages=[{"role": "user", "content": "Hello"}]
    )
    assert completion.choices[0].message.content == "Hello from the fake vendor."
    assert completion.usage.prompt_tokens == OPENAI_USAGE["prompt_tokens"]
    chunks = list(
        client.chat.completions.create(
            model="gpt-5", messages=[{"role": "user", "content": "Hello"}], stream=True
        )
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == (
        "word0 word1 word2 "
    )
    # The token as the Anthropic SDK's api_key travels in x-api-key: accepted too.
    keyed = anthropic.Anthropic(base_url=gateway.url, api_key=alice.token, max_retries=0)
    assert (
        keyed.messages.create(
            model="claude-sonnet-4-5", max_tokens=8, messages=[{"role": "user", "content": "Hi"}]
        ).usage.input_tokens
        == ANTHROPIC_USAGE["input_tokens"]
    )
    claude = anthropic.Anthropic(base_url=gateway.url, auth_token=alice.token, max_retries=0)
    message = claude.messages.create(
        model="claude-sonnet-4-5", max_tokens=256, messages=[{"role": "user", "content": "Hi"}]
    )
    assert message.content[0].text == "Hello from the fake vendor."
    with claude.messages.stream(
        model="claude-sonnet-4-5", max_tokens=256, messages=[{"role": "user", "content": "Hi"}]
    ) as stream:
        assert "".join(stream.text_stream) == "word0 word1 word2 "
        final = stream.get_final_message()
    assert final.usage.output_tokens == ANTHROPIC_USAGE["output_tokens"]
    rows = wait_for_calls(gateway, alice, 5)
    assert [r["status"] for r in rows] == ["succeeded"] * 5
    # A refusal reaches the SDK as its own error type.
    with pytest.raises(openai.NotFoundError, match="none of your active agents"):
        client.chat.completions.create(model="gpt-4", messages=[{"role": "user", "content": "x"}])


@pytest.mark.filterwarnings("ignore:The model .* is deprecated:DeprecationWarning")
def test_the_readme_sdk_example_runs_against_the_fake_vendor(gateway, alice, capsys):
    pytest.importorskip("openai")
    readme = (ROOT / "README.md").read_text()
    [code] = [
        b for b in re.findall(r"```python\n(.*?)```", readme, flags=re.S) if "GATEWAY_URL" in b
    ]
    code = code.replace("ACCESS_TOKEN", repr(alice.token)).replace(
        '"https://PROJECT.supabase.co/functions/v1/gateway"', repr(gateway.url)
    )
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102
    assert capsys.readouterr().out.splitlines() == [
        "Hello from the fake vendor.",
        "Hello from the fake vendor.",
    ]


# --- budgets (public.admit_model_call, when the database has it) ------------------------------


@pytest.fixture
def admission(gateway) -> None:
    with psycopg.connect(gateway.dsn) as conn:
        present = conn.execute(
            "select to_regprocedure('public.admit_model_call(uuid, numeric, text, text, integer)')"
            " is not null"
        ).fetchone()[0]
    if not present:
        pytest.skip("public.admit_model_call (budgets) is not in this database yet")


def set_hard_budget(gateway: Gateway, user: User, limit: str) -> str:
    with (
        psycopg.connect(gateway.dsn, autocommit=True) as conn,
        request(conn, claims_for("authenticated", user.id)),
    ):
        columns = {
            r[0]
            for r in conn.execute(
                "select column_name from information_schema.columns"
                " where table_schema = 'public' and table_name = 'budgets'"
            )
        }
        values = {
            "name": "gateway test budget",
            "limit_amount": Decimal(limit),
            "period": "month",
            "is_hard": True,
        }
        values = {k: v for k, v in values.items() if k in columns}
        from psycopg import sql

        return str(
            conn.execute(
                sql.SQL("insert into public.budgets ({}) values ({}) returning id").format(
                    sql.SQL(", ").join(map(sql.Identifier, values)),
                    sql.SQL(", ").join(sql.Placeholder() * len(values)),
                ),
                list(values.values()),
            ).fetchone()[0]
        )


def test_a_budget_refusal_is_402_naming_the_budget_and_never_reaches_the_vendor(gateway, admission):
    user = make_user(gateway.dsn)
    budget = set_hard_budget(gateway, user, "0")
    before = len(gateway.vendor.calls())
    answer = post(gateway, "/v1/messages", anthropic_body(), token=user.token)
    assert answer.status == 402, answer.text
    assert answer.json()["error"]["type"] == "budget_exceeded"
    assert budget in answer.json()["error"]["message"]
    assert len(gateway.vendor.calls()) == before
    assert calls_of(gateway, user) == []


def test_parallel_calls_never_overshoot_a_hard_budget(gateway, admission):
    """Each call reports 5 input and 256 output tokens (0.003855 at Sonnet 4.5's price) and
    reserves more (its body's bytes as input tokens, max_tokens 256 as output): with a hard
    budget of 0.02, sixteen parallel calls admit at most five, and the recorded spend stays
    within the limit."""
    user = make_user(gateway.dsn)
    set_hard_budget(gateway, user, "0.02")
    statuses: list[int] = []
    body = anthropic_body(fake={"usage": {"input_tokens": 5, "output_tokens": 256}})
    before = len(gateway.vendor.calls())

    def one() -> None:
        statuses.append(post(gateway, "/v1/messages", body, token=user.token).status)

    threads = [threading.Thread(target=one) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    admitted = statuses.count(200)
    assert statuses.count(402) == 16 - admitted and 1 <= admitted <= 5, statuses
    rows = calls_of(gateway, user)
    assert len(rows) == admitted == len(gateway.vendor.calls()) - before
    assert all(r["cost"] == Decimal("0.003855") for r in rows)
    assert sum(r["cost"] for r in rows) <= Decimal("0.02")
    with psycopg.connect(gateway.dsn) as conn:
        assert conn.execute(
            "select count(*) from public.budget_reservations where user_id = %s"
            " and settled_at is null",
            (user.id,),
        ).fetchone() == (0,)
