"""Agents that run (issue 13): the lifecycle, archive and restore, templates and messages
through the client (every transport of test_client's `world`), concurrent writers of one
conversation, and the `agentsdb agents` commands. The rules themselves are proven in pgTAP
(supabase/tests/database/lifecycle/, supabase/tests/database/messages/)."""

from __future__ import annotations

import json
import threading
import uuid

import psycopg
import pytest
from test_cli import cli
from test_client import World, world  # noqa: F401 - the transports' fixture

from agentsdb.agents import STATUSES
from agentsdb.errors import Conflict, InvalidInput, NotFound
from agentsdb.request import claims_for, request


def test_the_lifecycle_through_the_client(world):  # noqa: F811
    agent = world.alice.create_agent("runner", "openai")
    assert (agent.status, agent.is_active) == ("active", True)
    busy = world.alice.set_agent_status(agent.id, "busy", "picked a task")
    assert (busy.status, busy.is_active) == ("busy", True)
    with pytest.raises(Conflict) as caught:
        world.alice.archive_agent(agent.id)
    assert caught.value.code == "PT409"
    assert caught.value.message == "status: an agent cannot go from busy to archived"
    with pytest.raises(InvalidInput) as caught:
        world.alice.set_agent_status(agent.id, "asleep")
    assert caught.value.code == "22023"
    with pytest.raises(NotFound):
        world.bob.set_agent_status(agent.id, "paused")
    paused = world.alice.update_agent(agent.id, is_active=False)
    assert paused.status == "paused", "is_active false pauses the agent"
    archived = world.alice.archive_agent(agent.id, "no longer needed")
    assert (archived.status, archived.is_active) == ("archived", False)
    assert [a.id for a in world.alice.list_archived_agents()] == [agent.id]
    assert agent.id not in {a.id for a in world.alice.agent_summary()}
    restored = world.alice.restore_agent(agent.id)
    assert restored.status == "stopped"
    assert world.alice.list_archived_agents() == []
    assert {a.id: a.status for a in world.alice.agent_summary()}[agent.id] == "stopped"
    history = world.alice.agent_status_history(agent.id)
    assert [(h.from_status, h.to_status) for h in history] == [
        (None, "active"),
        ("active", "busy"),
        ("busy", "paused"),
        ("paused", "archived"),
        ("archived", "stopped"),
    ]
    assert history[3].reason == "no longer needed"
    assert {str(h.changed_by) for h in history} == {world.alice_id}
    assert world.bob.agent_status_history(agent.id) == []
    assert set(STATUSES) >= {h.to_status for h in history}


def test_templates_and_messages_through_the_client(world):  # noqa: F811
    template = world.bob.create_agent(
        "Translator", "openai", model_name="gpt-4o", tags=["lang"], is_public=True,
        configuration={"temperature": 0},
    )  # fmt: skip
    clone = world.alice.clone_agent(template.id, "My translator")
    assert (clone.name, clone.model_name, clone.tags) == ("My translator", "gpt-4o", ["lang"])
    assert clone.configuration == {"temperature": 0} and str(clone.user_id) == world.alice_id
    assert (clone.usage_count, clone.is_public) == (0, False)
    with pytest.raises(NotFound):
        world.bob.clone_agent(world.alice.create_agent("private", "openai").id, "x")

    session = world.alice.record_interaction(clone.id, "chat")
    asked = world.alice.add_message(session.id, "user", "Translate: good morning", tokens=6)
    answered = world.alice.add_message(
        session.id, "assistant", "Guten Morgen", tokens=4, metadata={"lang": "de"}
    )
    assert (asked.position, answered.position) == (0, 1)
    assert [m.content for m in world.alice.list_messages(session.id)] == [
        "Translate: good morning",
        "Guten Morgen",
    ]
    assert world.bob.list_messages(session.id) == []
    found = world.alice.search_messages("morgen")
    assert [(m.id, m.agent_id) for m in found] == [(answered.id, clone.id)]
    assert "<b>Morgen</b>" in found[0].headline
    assert world.bob.search_messages("morgen") == []
    with pytest.raises(InvalidInput):
        world.alice.search_messages("morgen", max_results=0)
    assert world.bob.purge_message_content(0) == 0
    assert world.alice.purge_message_content(0) == 2
    kept = world.alice.list_messages(session.id)
    assert [(m.content, m.tokens, m.metadata) for m in kept] == [(None, 6, {}), (None, 4, {})]
    assert all(m.content_purged_at is not None for m in kept)
    assert world.alice.search_messages("morgen") == []


def test_concurrent_writers_number_one_conversation_without_gaps_or_twins(fresh_db):
    """Eight sessions append to one interaction at once: every message gets its own
    position, 0 to n - 1, none lost."""
    user = str(uuid.uuid4())
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("insert into auth.users (id, email) values (%s, %s)", (user, f"{user}@t.test"))
        with conn.transaction(), request(conn, claims_for("authenticated", user)):
            agent = conn.execute(
                "insert into public.ai_agents (name, vendor_id) values ('c', 'openai') returning id"
            ).fetchone()[0]
            interaction = conn.execute(
                "insert into public.ai_interactions (agent_id, title) values (%s, 'c')"
                " returning id",
                (agent,),
            ).fetchone()[0]
    writers, each, errors = 8, 25, []
    start = threading.Barrier(writers)

    def write(n: int) -> None:
        try:
            with psycopg.connect(fresh_db, autocommit=True) as conn:
                start.wait()
                for i in range(each):
                    with conn.transaction(), request(conn, claims_for("authenticated", user)):
                        conn.execute(
                            "insert into public.interaction_messages (interaction_id, role,"
                            " content) values (%s, 'user', %s)",
                            (interaction, f"writer {n} message {i}"),
                        )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with psycopg.connect(fresh_db) as conn:
        positions = [
            r[0]
            for r in conn.execute(
                "select position from public.interaction_messages where interaction_id = %s"
                " order by position",
                (interaction,),
            )
        ]
    assert positions == list(range(writers * each))


def test_agents_commands(cluster, fresh_db):
    env = {"DATABASE_URL": fresh_db}
    user = str(uuid.uuid4())
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("insert into auth.users (id, email) values (%s, %s)", (user, f"{user}@t.test"))
        with conn.transaction(), request(conn, claims_for("authenticated", user)):
            agent = str(
                conn.execute(
                    "insert into public.ai_agents (name, vendor_id, is_public)"
                    " values ('cli agent', 'openai', true) returning id"
                ).fetchone()[0]
            )
    proc = cli("agents", "list", "--user", user, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "cli agent" in proc.stdout and "active" in proc.stdout
    proc = cli("agents", "status", agent, "busy", "--reason", "a task", "--service-role", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "busy" in proc.stdout
    proc = cli("agents", "archive", agent, "--user", user, env=env)
    assert proc.returncode == 1
    assert "PT409" in proc.stderr and "cannot go from busy to archived" in proc.stderr
    for args in (("status", agent, "idle"), ("archive", agent, "--reason", "done")):
        proc = cli("agents", *args, "--user", user, env=env)
        assert proc.returncode == 0, proc.stderr
    proc = cli("agents", "list", "--user", user, env=env)
    assert "cli agent" not in proc.stdout
    proc = cli("agents", "list", "--archived", "--json", "--user", user, env=env)
    assert [(a["id"], a["status"]) for a in json.loads(proc.stdout)] == [(agent, "archived")]
    proc = cli("agents", "restore", agent, "--user", user, "--json", env=env)
    assert json.loads(proc.stdout)[0]["status"] == "stopped"
    proc = cli("agents", "clone", agent, "cli copy", "--user", user, "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    copy = json.loads(proc.stdout)[0]
    assert copy["name"] == "cli copy" and copy["id"] != agent
    proc = cli("agents", "status", agent, "asleep", "--user", user, env=env)
    assert proc.returncode == 2 and "invalid choice" in proc.stderr
    proc = cli("agents", "list", env=env)
    assert proc.returncode == 2, "list needs --user"
