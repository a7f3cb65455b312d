"""The supabase transport's request mapping, against a recording stand-in for the API
(no PostgREST can run here): path, query, body, headers and the user's token."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from supabase.lib.client_options import SyncClientOptions

from agentsdb.client import Client
from agentsdb.errors import (
    AuthenticationError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TransportError,
)
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


# -- issue 17: every request carries its own caller's credentials ---------------------------


class Echo:
    """A stand-in that answers each request with the bearer token it carried, so a caller
    can check that the answer (and so the request) was its own."""

    def __init__(self):
        self.requests: list[httpx.Request] = []

    def __call__(self, req: httpx.Request) -> httpx.Response:
        self.requests.append(req)
        return httpx.Response(200, json=[{"id": req.headers.get("authorization", "")}])


def test_users_sharing_one_supabase_client_under_threads_keep_their_own_token():
    import threading

    echo = Echo()
    http = httpx.Client(transport=httpx.MockTransport(echo))
    shared = create_client(URL, ANON_KEY, options=SyncClientOptions(httpx_client=http))
    headers_before = dict(shared.options.headers)
    users = [f"u{n}" for n in range(8)]
    clients = {
        u: SupabaseTransport(URL, ANON_KEY, access_token=token_for(u), client=shared) for u in users
    }
    clients["service"] = SupabaseTransport(URL, "service-key", client=shared)
    wrong: list[tuple[str, str]] = []

    def work(user: str) -> None:
        want = "Bearer " + (token_for(user) if user != "service" else "service-key")
        for _ in range(300):
            (row,) = clients[user].select("vendors", ["id"])
            if row["id"] != want:
                wrong.append((user, row["id"]))

    threads = [threading.Thread(target=work, args=(u,)) for u in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
    assert len(echo.requests) == 300 * len(clients)
    # The shared client keeps none of its users' tokens.
    assert dict(shared.options.headers) == headers_before
    assert shared.postgrest.session.headers.get("authorization") in (None, f"Bearer {ANON_KEY}")
    assert all(
        not (shared.postgrest.headers.get("Authorization") or "").endswith(token_for(u))
        for u in users
    )


@pytest.mark.parametrize("bad", ["tok\nen", "token with space", "tok\x00en", "tökén"])
def test_a_key_or_token_that_cannot_be_a_header_is_refused_without_showing_it(bad):
    secret = f"SECRET-{bad}-SECRET"
    for kwargs in ({"key": secret}, {"key": ANON_KEY, "access_token": secret}):
        with pytest.raises(ValueError) as err:
            SupabaseTransport(URL, kwargs.pop("key"), client=create_client(URL, ANON_KEY), **kwargs)
        assert "SECRET" not in str(err.value) and bad not in str(err.value)


def test_errors_never_quote_the_key_or_token():
    token = token_for("u1")

    def boom(req: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"failed with {req.headers['authorization']} / {ANON_KEY}")

    http = httpx.Client(transport=httpx.MockTransport(boom))
    client = create_client(URL, ANON_KEY, options=SyncClientOptions(httpx_client=http))
    t = SupabaseTransport(URL, ANON_KEY, access_token=token, client=client)
    with pytest.raises(TransportError) as err:
        t.select("vendors", ["id"])
    assert token not in str(err.value) and ANON_KEY not in str(err.value)
    assert err.value.__cause__ is None and err.value.__suppress_context__


@pytest.mark.parametrize(
    "name", ["../vendors", "x/../../../../auth/v1/admin/users", "vendors?select=*", "a b", ""]
)
def test_names_cannot_leave_their_path(name):
    rec = Recorder([])
    t = transport(rec, token_for("u1"))
    with pytest.raises(ValueError, match="not a plain identifier"):
        t.rpc(name, {})
    with pytest.raises(ValueError, match="not a plain identifier"):
        t.select(name, ["id"])
    with pytest.raises(ValueError, match="not a plain identifier"):
        t.rpc("get_agent_usage_summary", {name: 1})
    assert rec.requests == []


# -- issue 8: errors an app sees, max_rows --------------------------------------------------


@pytest.mark.parametrize("code", ["PGRST301", "PGRST303"])
def test_jwt_errors_are_authentication_errors(code):
    rec = Recorder({"code": code, "message": "JWT expired", "hint": None, "details": None}, 401)
    with pytest.raises(AuthenticationError) as err:
        transport(rec, token_for("u1")).select("vendors", ["id"])
    assert err.value.code == code and isinstance(err.value, PermissionDenied)


class Gateway:
    """The API gateway answering before PostgREST: no PostgREST code."""

    def __init__(self, status: int, body: bytes, content_type: str):
        self.status, self.body, self.content_type = status, body, content_type

    def __call__(self, req: httpx.Request) -> httpx.Response:
        return httpx.Response(
            self.status, content=self.body, headers={"content-type": self.content_type}
        )


@pytest.mark.parametrize(
    ("status", "body", "content_type"),
    [
        (401, b'{"message":"Invalid API key"}', "application/json"),
        (502, b"<html><body>Bad Gateway</body></html>", "text/html"),
        (503, b"", "text/plain"),
    ],
)
def test_gateway_errors_without_a_code_are_transport_errors(status, body, content_type):
    http = httpx.Client(transport=httpx.MockTransport(Gateway(status, body, content_type)))
    client = create_client(URL, ANON_KEY, options=SyncClientOptions(httpx_client=http))
    t = SupabaseTransport(URL, ANON_KEY, access_token=token_for("u1"), client=client)
    with pytest.raises(TransportError) as err:
        t.rpc("update_agent_activity_score", {"agent_id": "a"})  # POST: never retried
    assert err.value.code is None


def test_an_integer_code_does_not_crash_the_mapping():
    from postgrest.exceptions import APIError

    from agentsdb.transport.supabase import _api_error

    mapped = _api_error(APIError({"code": 502, "message": "JSON could not be generated"}), ())
    assert isinstance(mapped, TransportError) and "502" in mapped.message


class PostgRESTRows:
    """Answers a read as PostgREST does: honours offset/limit, never more than max_rows."""

    def __init__(self, rows: list[dict], max_rows: int = 1000):
        self.rows, self.max_rows = rows, max_rows

    def __call__(self, req: httpx.Request) -> httpx.Response:
        params = dict(req.url.params)
        offset = int(params.get("offset", 0))
        limit = min(int(params.get("limit", self.max_rows)), self.max_rows)
        return httpx.Response(200, json=self.rows[offset : offset + limit])


def test_list_methods_page_past_max_rows():
    rows = [
        {"id": f"v{n:05}", "name": f"V{n:05}", "auth_type": "api_key", "is_active": True}
        for n in range(2500)
    ]
    http = httpx.Client(transport=httpx.MockTransport(PostgRESTRows(rows)))
    client = create_client(URL, ANON_KEY, options=SyncClientOptions(httpx_client=http))
    vendors = Client(SupabaseTransport(URL, ANON_KEY, client=client)).list_vendors()
    assert [v.id for v in vendors] == [r["id"] for r in rows]


def test_async_users_sharing_one_http_client_keep_their_own_token():
    """The async transport under many concurrent tasks: each answer is its caller's."""
    import asyncio

    from agentsdb.client import AsyncClient
    from agentsdb.transport import AsyncSupabaseTransport

    async def echo(req: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)
        return httpx.Response(
            200,
            json=[{"id": req.headers["authorization"], "name": "v", "auth_type": "api_key"}],
        )

    async def main() -> list[str]:
        from supabase.lib.client_options import AsyncClientOptions

        from supabase import acreate_client

        http = httpx.AsyncClient(transport=httpx.MockTransport(echo))
        shared = await acreate_client(URL, ANON_KEY, options=AsyncClientOptions(httpx_client=http))
        users = [f"u{n}" for n in range(6)]
        clients = {
            u: AsyncClient(
                AsyncSupabaseTransport(URL, ANON_KEY, access_token=token_for(u), client=shared)
            )
            for u in users
        }

        async def work(u: str) -> list[str]:
            wrong = []
            for _ in range(50):
                (vendor,) = await clients[u].list_vendors()
                if vendor.id != f"Bearer {token_for(u)}":
                    wrong.append(u)
            return wrong

        results = await asyncio.gather(*(work(u) for u in users * 3))
        with pytest.raises(ValueError, match="not a plain identifier"):
            await clients["u0"].transport.rpc("../vendors", {})
        assert "Authorization" not in shared.options.headers or not any(
            shared.options.headers["Authorization"].endswith(token_for(u)) for u in users
        )
        return [w for r in results for w in r]

    assert asyncio.run(main()) == []
