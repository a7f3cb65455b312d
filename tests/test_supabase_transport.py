"""The supabase transport's request mapping, against a recording stand-in for the API
(no PostgREST can run here): path, query, body, headers and the user's token."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from supabase.lib.client_options import SyncClientOptions

from agentsdb.client import Client
from agentsdb.errors import InvalidInput, NotFound, PermissionDenied
from agentsdb.transport import Filter, Order, SupabaseTransport, eq
from supabase import create_client

URL = "https://project.supabase.test"
ANON_KEY = "anon-key"


def token_for(sub: str) -> str:
    def part(obj):
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256'})}.{part({'sub': sub, 'role': 'authenticated'})}.sig"


class Recorder:
    def __init__(self, reply=None, status: int = 200):
        self.requests: list[httpx.Request] = []
        self.reply = [] if reply is None else reply
        self.status = status

    def __call__(self, req: httpx.Request) -> httpx.Response:
        self.requests.append(req)
        return httpx.Response(self.status, json=self.reply)


def transport(recorder: Recorder, token: str | None = None) -> SupabaseTransport:
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    client = create_client(URL, ANON_KEY, options=SyncClientOptions(httpx_client=http))
    return SupabaseTransport(URL, ANON_KEY, access_token=token, client=client)


def test_select_maps_filters_order_limit_and_casts():
    rec = Recorder([{"id": "x"}])
    t = transport(rec, token_for("u1"))
    t.select(
        "ai_interactions",
        ["id", "total_cost::text"],
        [eq("user_id", "u1"), Filter("input_tokens", "gte", 10), Filter("ended_at", "is", None)],
        [Order("started_at", desc=True)],
        limit=5,
    )
    req = rec.requests[-1]
    assert req.method == "GET" and req.url.path == "/rest/v1/ai_interactions"
    params = dict(req.url.params)
    assert params["select"] == "id,total_cost::text"
    assert params["user_id"] == "eq.u1" and params["input_tokens"] == "gte.10"
    assert params["ended_at"] == "is.null"
    assert params["order"] == "started_at.desc" and params["limit"] == "5"
    assert req.headers["apikey"] == ANON_KEY
    assert req.headers["authorization"] == f"Bearer {token_for('u1')}"


def test_rpc_posts_named_arguments():
    rec = Recorder([{"total": "1.5"}])
    t = transport(rec, token_for("u1"))
    rows = t.rpc("get_agent_usage_summary", {"agent_id": "a1", "days": 7}, ["total::text"])
    req = rec.requests[-1]
    assert req.method == "POST" and req.url.path == "/rest/v1/rpc/get_agent_usage_summary"
    assert json.loads(req.content) == {"agent_id": "a1", "days": 7}
    assert dict(req.url.params)["select"] == "total::text"
    assert rows == [{"total": "1.5"}]


def test_insert_asks_for_the_row_back_with_the_chosen_columns():
    rec = Recorder([{"id": "n"}])
    t = transport(rec, token_for("u1"))
    t.insert("ai_agents", {"name": "A", "configuration": {"k": 1}}, ["id", "name"])
    req = rec.requests[-1]
    assert req.method == "POST" and req.url.path == "/rest/v1/ai_agents"
    assert json.loads(req.content) == {"name": "A", "configuration": {"k": 1}}
    assert "return=representation" in req.headers["prefer"]
    assert dict(req.url.params)["select"] == "id,name"


def test_the_user_token_survives_supabase_auth_events():
    rec = Recorder([])
    t = transport(rec, token_for("u1"))
    t.select("vendors", ["id"])
    # supabase-py drops its PostgREST client and resets Authorization on auth events.
    t.client._listen_to_auth_events("SIGNED_OUT", None)
    t.select("vendors", ["id"])
    assert [r.headers["authorization"] for r in rec.requests] == [f"Bearer {token_for('u1')}"] * 2


def test_without_a_token_the_key_is_the_bearer():
    rec = Recorder([])
    transport(rec).select("vendors", ["id"])
    assert rec.requests[-1].headers["authorization"] == f"Bearer {ANON_KEY}"


def test_caller_id_comes_from_the_token():
    assert transport(Recorder(), token_for("abc")).caller_id() == "abc"
    assert transport(Recorder()).caller_id() is None


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("23514", InvalidInput),
        ("42501", PermissionDenied),
        ("P0002", NotFound),
        ("PGRST202", NotFound),
    ],
)
def test_api_errors_map_to_the_hierarchy(code, cls):
    rec = Recorder({"code": code, "message": "m", "hint": "h", "details": "d"}, status=400)
    with pytest.raises(cls) as err:
        Client(transport(rec, token_for("u1"))).list_vendors()
    assert (err.value.code, err.value.message, err.value.hint, err.value.detail) == (
        code,
        "m",
        "h",
        "d",
    )


def test_secrets_stay_out_of_reprs():
    token = token_for("u1")
    client = Client(transport(Recorder(), token))
    assert token not in repr(client) and ANON_KEY not in repr(client)
