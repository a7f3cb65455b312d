"""Client input is checked at the client's edge, with the same answer from both transports
(issue 17, point 15): nothing is sent for a call that cannot be right."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import psycopg
import pytest
from supabase.lib.client_options import SyncClientOptions
from test_supabase_transport import ANON_KEY, URL, Recorder, token_for

from agentsdb.client import Client
from agentsdb.errors import InvalidInput
from agentsdb.transport import SupabaseTransport
from supabase import create_client

AGENT = str(uuid.uuid4())

CASES = {
    "update_agent without fields": (lambda c, a: c.update_agent(a), TypeError, None),
    "get_agent(5)": (lambda c, a: c.get_agent(5), TypeError, None),
    "delete_agent(None)": (lambda c, a: c.delete_agent(None), TypeError, None),
    "store_api_key(None, key)": (
        lambda c, a: c.store_api_key(None, "sk-some-key-1234"),
        InvalidInput,
        "22004",
    ),
    "store_api_key(vendor, None)": (
        lambda c, a: c.store_api_key("openai", None),
        InvalidInput,
        "22004",
    ),
    "config value Decimal": (
        lambda c, a: c.set_agent_config(a, "k", Decimal("0.1")),
        TypeError,
        None,
    ),
    "config value datetime": (
        lambda c, a: c.set_agent_config(a, "k", datetime.now(UTC)),
        TypeError,
        None,
    ),
    "config value set": (lambda c, a: c.set_agent_config(a, "k", {1, 2}), TypeError, None),
    "config value nested Decimal": (
        lambda c, a: c.set_agent_config(a, "k", {"x": [Decimal(1)]}),
        TypeError,
        None,
    ),
    "config value None": (lambda c, a: c.set_agent_config(a, "k", None), InvalidInput, "23502"),
    "config value NaN": (
        lambda c, a: c.set_agent_config(a, "k", float("nan")),
        InvalidInput,
        "22023",
    ),
    "tags as one str": (lambda c, a: c.create_agent("n", "openai", tags="abc"), TypeError, None),
    "features as one str": (
        lambda c, a: c.create_agent("n", "openai", features="coding"),
        TypeError,
        None,
    ),
    "started_at as str": (
        lambda c, a: c.record_interaction(a, "t", started_at="20000-01-01"),
        TypeError,
        None,
    ),
    "agent id not a UUID": (
        lambda c, a: c.get_agent("sk-live-Key0In0Wrong0Arg"),
        InvalidInput,
        "22P02",
    ),
    "configuration not a dict": (
        lambda c, a: c.create_agent("n", "openai", configuration=[1]),
        TypeError,
        None,
    ),
}


@pytest.fixture(params=["postgres", "supabase"])
def edge(request, fresh_db):
    """(client, agent id, requests the API received) for one transport."""
    if request.param == "supabase":
        rec = Recorder([])
        http = httpx.Client(transport=httpx.MockTransport(rec))
        shared = create_client(URL, ANON_KEY, options=SyncClientOptions(httpx_client=http))
        client = Client(
            SupabaseTransport(URL, ANON_KEY, access_token=token_for(AGENT), client=shared)
        )
        yield client, AGENT, rec.requests
        return
    uid = str(uuid.uuid4())
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(
            "insert into auth.users (id, email) values (%s, %s)", (uid, f"{uid}@example.test")
        )
    with Client.postgres(fresh_db, user_id=uid) as client:
        agent = client.create_agent("edge", "openai")
        yield client, agent.id, []
        assert client.list_agent_configs(agent.id) == []
        assert [a.id for a in client.list_agents()] == [agent.id]


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_refused_before_it_is_sent(edge, case):
    client, agent_id, sent = edge
    call, error, code = CASES[case]
    with pytest.raises(error) as err:
        call(client, agent_id)
    if code is not None:
        assert err.value.code == code
    assert sent == []


def test_a_key_in_an_id_argument_is_never_quoted(fresh_db):
    """A vendor key passed where a user id goes would be quoted whole by PostgreSQL's uuid
    parser, in the error and the server log: the client refuses it first, naming the field."""
    key = "sk-ant-Wrong0Argument0Key0042"
    with (
        Client.postgres(fresh_db, service_role=True) as service,
        pytest.raises(InvalidInput) as err,
    ):
        service.get_api_key(key, "anthropic")
    assert err.value.code == "22P02"
    assert "user_id" in str(err.value) and key not in str(err.value)


def test_a_timestamp_past_year_9999_is_22008_not_22021(fresh_db):
    uid = str(uuid.uuid4())
    with Client.postgres(fresh_db, user_id=uid) as client:
        with psycopg.connect(fresh_db, autocommit=True) as conn:
            conn.execute(
                "insert into auth.users (id, email) values (%s, %s)", (uid, f"{uid}@example.test")
            )
        agent = client.create_agent("far future", "openai")
        # Written behind the API's back (interactions refuse a start more than a day ahead;
        # an agent's last use is the database's to write).
        with psycopg.connect(fresh_db, autocommit=True) as conn:
            conn.execute(
                "update public.ai_agents set last_used_at = '20000-01-01' where id = %s",
                (agent.id,),
            )
        with pytest.raises(InvalidInput) as err:
            client.list_agents()
        assert err.value.code == "22008"


def test_the_supabase_transport_gives_22008_too():
    row = {"id": str(uuid.uuid4()), "started_at": "20000-01-01T00:00:00+00:00"}
    rec = Recorder([row])
    http = httpx.Client(transport=httpx.MockTransport(rec))
    shared = create_client(URL, ANON_KEY, options=SyncClientOptions(httpx_client=http))
    client = Client(SupabaseTransport(URL, ANON_KEY, access_token=token_for(AGENT), client=shared))
    with pytest.raises(InvalidInput) as err:
        client.list_interactions(AGENT)
    assert err.value.code == "22008"
