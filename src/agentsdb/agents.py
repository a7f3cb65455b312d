"""The agents domain of the client for agents that run (issue 13): the lifecycle status and
its history, archiving and restoring, cloning from a template, and the messages of an
interaction (add, list, search, purge).

Written like `usage.py`: generators of transport calls that `Operations` inherits, so
`Client` and `AsyncClient` get the same methods.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from . import inputs
from .errors import InvalidInput
from .models import Agent, AgentStatusChange, InteractionMessage, MessageMatch
from .transport import Order, eq

#: The lifecycle statuses of an agent (ai_agents.status).
STATUSES = (
    "initializing",
    "active",
    "idle",
    "busy",
    "paused",
    "error",
    "maintenance",
    "stopped",
    "archived",
)
#: The roles of a message.
ROLES = ("system", "user", "assistant", "tool")


def _int(field: str, value: Any) -> int:
    if value is None:
        raise InvalidInput("22004", f"{field}: required")
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{field}: expected int, got {type(value).__name__}")
    return value


class AgentsOperations:
    """Lifecycle, templates and messages; relies on `Operations` for `_select`, `_insert`,
    `_rpc` and `_caller`."""

    def _agent_rpc(self, function: str, args: Mapping[str, Any]) -> Agent:
        rows = yield from self._rpc(function, args, Agent.columns())
        row = rows[0] if isinstance(rows, list) else rows
        return Agent.from_row(row)

    # -- lifecycle --------------------------------------------------------------------------
    def set_agent_status(
        self, agent_id: UUID | str, status: str, reason: str | None = None
    ) -> Agent:
        """Change an agent's lifecycle status (recorded in its history with `reason`). An
        illegal transition is Conflict (PT409); another user's agent NotFound (PT404)."""
        inputs.ident("agent_id", agent_id)
        args = {
            "agent_id": str(agent_id),
            "status": inputs.required_text("status", status),
            "reason": inputs.optional_text("reason", reason),
        }
        return (yield from self._agent_rpc("set_agent_status", args))

    def archive_agent(self, agent_id: UUID | str, reason: str | None = None) -> Agent:
        """Archive instead of delete: the agent leaves agent_summary, keeps its history and
        spend, and restore_agent brings it back."""
        inputs.ident("agent_id", agent_id)
        args = {"agent_id": str(agent_id), "reason": inputs.optional_text("reason", reason)}
        return (yield from self._agent_rpc("archive_agent", args))

    def restore_agent(self, agent_id: UUID | str, reason: str | None = None) -> Agent:
        """Bring an archived agent back (as stopped); any other agent is returned as is."""
        inputs.ident("agent_id", agent_id)
        args = {"agent_id": str(agent_id), "reason": inputs.optional_text("reason", reason)}
        return (yield from self._agent_rpc("restore_agent", args))

    def list_archived_agents(self) -> list[Agent]:
        """The caller's archived agents (agent_summary leaves them out), by name."""
        return self._select(
            Agent,
            "ai_agents",
            [eq("user_id", self._caller()), eq("status", "archived")],
            [Order("name")],
        )

    def agent_status_history(self, agent_id: UUID | str) -> list[AgentStatusChange]:
        """Every status change of one of the caller's agents, oldest first."""
        inputs.ident("agent_id", agent_id)
        return self._select(
            AgentStatusChange,
            "agent_status_history",
            [eq("agent_id", agent_id)],
            [Order("changed_at")],
        )

    def clone_agent(self, template_agent_id: UUID | str, name: str) -> Agent:
        """A new agent of the caller's from a template (a public agent, or one of the caller's
        own): its settings, never keys, encrypted configs, usage or history."""
        inputs.ident("template_agent_id", template_agent_id)
        args = {
            "template_agent_id": str(template_agent_id),
            "name": inputs.required_text("name", name),
        }
        return (yield from self._agent_rpc("create_agent_from_template", args))

    # -- messages ---------------------------------------------------------------------------
    def add_message(
        self,
        interaction_id: UUID | str,
        role: str,
        content: str | None,
        *,
        tokens: int = 0,
        model_call_id: UUID | str | None = None,
        metadata: dict | None = None,
    ) -> InteractionMessage:
        """Append a message to one of the caller's interactions (the next position)."""
        inputs.ident("interaction_id", interaction_id)
        if model_call_id is not None:
            inputs.ident("model_call_id", model_call_id)
        return (
            yield from self._insert(
                InteractionMessage,
                "interaction_messages",
                {
                    "interaction_id": str(interaction_id),
                    "role": inputs.required_text("role", role),
                    "content": inputs.optional_text("content", content),
                    "tokens": _int("tokens", tokens),
                    "model_call_id": None if model_call_id is None else str(model_call_id),
                    "metadata": inputs.json_object("metadata", metadata),
                },
            )
        )

    def list_messages(self, interaction_id: UUID | str) -> list[InteractionMessage]:
        """The messages of an interaction in order."""
        inputs.ident("interaction_id", interaction_id)
        return self._select(
            InteractionMessage,
            "interaction_messages",
            [eq("interaction_id", interaction_id)],
            [Order("position")],
        )

    def search_messages(self, query: str, max_results: int = 20) -> list[MessageMatch]:
        """Full-text search over the caller's own messages, best match first."""
        args = {
            "query": inputs.required_text("query", query),
            "max_results": _int("max_results", max_results),
        }
        rows = yield from self._rpc("search_messages", args, MessageMatch.columns())
        return [MessageMatch.from_row(r) for r in rows]

    def purge_message_content(self, older_than_days: int) -> int:
        """Remove the content of the caller's messages older than `older_than_days` days
        (service_role: everyone's), keeping their tokens; how many were purged."""
        args = {"older_than_days": _int("older_than_days", older_than_days)}
        purged = yield from self._rpc("purge_message_content", args)
        return int(purged)
