"""The schedules and task queue domain of the client (issue 13).

Written like `usage.py`: generators of transport calls that `Operations` inherits, so
`Client` and `AsyncClient` get the same methods. Owners schedule their agents and create,
read and cancel their tasks; workers and runners (service_role) claim, complete and fail
tasks and take the due agents.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from . import inputs
from .errors import NotFound
from .models import AgentSchedule, AgentTask, DueAgent, TaskAttempt
from .transport import Filter, JsonValue, Order, eq

#: The statuses a task goes through.
TASK_STATUSES = ("pending", "running", "succeeded", "failed", "cancelled", "blocked")


def _json(field: str, value: Any) -> Any:
    """Any JSON value for a jsonb argument (a dict goes as it is, anything else wrapped)."""
    inputs.json_value(field, value)
    return value if isinstance(value, dict) else JsonValue(value)


def _optional_int(field: str, value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(f"{field}: expected int, got {type(value).__name__}")
    return value


def _optional_datetime(field: str, value: Any) -> datetime | None:
    if value is not None and not isinstance(value, datetime):
        raise TypeError(f"{field}: expected datetime, got {type(value).__name__}")
    return value


def _timestamp(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _first(rows: Any) -> dict | None:
    if isinstance(rows, list):
        return rows[0] if rows else None
    return rows


class TaskOperations:
    """Schedules and tasks; relies on `Operations` for `_select`, `_insert`, `_rpc` and
    `transport`."""

    # -- schedules ----------------------------------------------------------------------------
    def get_schedule(self, agent_id: UUID | str) -> AgentSchedule | None:
        """The agent's schedule, or None when it has none (or the agent is not yours)."""
        inputs.ident("agent_id", agent_id)
        rows = yield from self._select(
            AgentSchedule, "agent_schedules", [eq("agent_id", str(agent_id))], limit=1
        )
        return rows[0] if rows else None

    def set_schedule(
        self,
        agent_id: UUID | str,
        *,
        cron: str | None = None,
        active_hours: dict | None = None,
        time_zone: str | None = None,
        is_enabled: bool = True,
    ) -> AgentSchedule:
        """Create or replace the agent's schedule rule: `cron` (5 fields, in the schedule's
        zone; None: runs on demand only), `active_hours` ({"mon": [["09:00", "17:00"]], ...};
        None: always active), `time_zone` (None: the owner's zone for a new schedule, the
        current one otherwise). The database refuses a bad rule with InvalidInput (22023)."""
        inputs.ident("agent_id", agent_id)
        inputs.optional_text("cron", cron)
        inputs.optional_text("time_zone", time_zone)
        inputs.json_object("active_hours", active_hours)
        if not isinstance(is_enabled, bool):
            raise TypeError(f"is_enabled: expected bool, got {type(is_enabled).__name__}")
        rule: dict[str, Any] = {
            "cron": cron,
            "active_hours": active_hours if active_hours is not None else JsonValue(None),
            "is_enabled": is_enabled,
        }
        if time_zone is not None:
            rule["time_zone"] = time_zone
        existing = yield from self.get_schedule(agent_id)
        if existing is None:
            row = {"agent_id": str(agent_id), **rule}
            if active_hours is None:
                row.pop("active_hours")
            return (yield from self._insert(AgentSchedule, "agent_schedules", row))
        rows = yield (
            "update",
            ("agent_schedules", rule, [eq("agent_id", str(agent_id))], AgentSchedule.columns()),
        )
        if not rows:
            raise NotFound("PT404", "agent_id: no schedule of yours for this agent")
        return AgentSchedule.from_row(rows[0])

    def is_agent_active_now(self, agent_id: UUID | str, at: datetime | None = None) -> bool:
        """Whether the agent is active (is_active, schedule enabled, within its active hours)
        at `at` (default: now)."""
        inputs.ident("agent_id", agent_id)
        args: dict[str, Any] = {"agent_id": str(agent_id)}
        if _optional_datetime("at", at) is not None:
            args["at"] = at
        return bool((yield from self._rpc("is_agent_active_now", args)))

    def agent_next_run(
        self, agent_id: UUID | str, after: datetime | None = None
    ) -> datetime | None:
        """The agent's next cron fire after `after` (default: now), or None."""
        inputs.ident("agent_id", agent_id)
        args: dict[str, Any] = {"agent_id": str(agent_id)}
        if _optional_datetime("after", after) is not None:
            args["after"] = after
        return _timestamp((yield from self._rpc("agent_next_run", args)))

    def due_agents(self, max_agents: int = 100) -> list[DueAgent]:
        """Runners (service_role): take the agents whose next run has come; each goes to one
        runner and moves on to its next fire."""
        _optional_int("max_agents", max_agents)
        rows = yield from self._rpc("due_agents", {"max_agents": max_agents}, DueAgent.columns())
        return [DueAgent.from_row(r) for r in rows or []]

    # -- tasks --------------------------------------------------------------------------------
    def add_task(
        self,
        agent_id: UUID | str,
        payload: Any = None,
        *,
        title: str | None = None,
        priority: int = 0,
        not_before: datetime | None = None,
        max_attempts: int = 3,
        backoff_seconds: int = 30,
        depends_on: Iterable[UUID | str] = (),
    ) -> AgentTask:
        """Create a task for one of your agents with its dependencies (tasks of yours that
        must succeed first), all or nothing."""
        inputs.ident("agent_id", agent_id)
        inputs.optional_text("title", title)
        if isinstance(depends_on, str | bytes):
            raise TypeError("depends_on: expected a list of task ids, got a string")
        dependencies = [str(inputs.ident("depends_on", d)) for d in depends_on]
        args: dict[str, Any] = {
            "agent_id": str(agent_id),
            "payload": _json("payload", {} if payload is None else payload),
            "title": title,
            "priority": _optional_int("priority", priority),
            "not_before": _optional_datetime("not_before", not_before),
            "max_attempts": _optional_int("max_attempts", max_attempts),
            "backoff_seconds": _optional_int("backoff_seconds", backoff_seconds),
            "depends_on": dependencies,
        }
        rows = yield from self._rpc(
            "add_task", {k: v for k, v in args.items() if v is not None}, AgentTask.columns()
        )
        return AgentTask.from_row(_first(rows))

    def list_tasks(
        self,
        *,
        status: str | None = None,
        agent_id: UUID | str | None = None,
        limit: int | None = 100,
    ) -> list[AgentTask]:
        """Your tasks (service_role: everyone's), newest first."""
        filters: list[Filter] = []
        if status is not None:
            if status not in TASK_STATUSES:
                raise ValueError(f"status: one of {', '.join(TASK_STATUSES)}")
            filters.append(eq("status", status))
        if agent_id is not None:
            inputs.ident("agent_id", agent_id)
            filters.append(eq("agent_id", str(agent_id)))
        return self._select(
            AgentTask, "agent_tasks", filters, [Order("created_at", desc=True)], limit=limit
        )

    def get_task(self, task_id: UUID | str) -> AgentTask:
        inputs.ident("task_id", task_id)
        rows = yield from self._select(AgentTask, "agent_tasks", [eq("id", str(task_id))], limit=1)
        if not rows:
            raise NotFound("PT404", "task_id: no task with this id is visible to you")
        return rows[0]

    def task_attempts(self, task_id: UUID | str) -> list[TaskAttempt]:
        """The execution history of a task, first attempt first."""
        inputs.ident("task_id", task_id)
        return self._select(
            TaskAttempt, "agent_task_attempts", [eq("task_id", str(task_id))], [Order("attempt")]
        )

    def cancel_task(self, task_id: UUID | str) -> AgentTask:
        """Cancel a pending, blocked or running task of yours; its pending dependents become
        blocked. Conflict (PT409) when it already ended."""
        inputs.ident("task_id", task_id)
        rows = yield from self._rpc("cancel_task", {"task_id": str(task_id)}, AgentTask.columns())
        return AgentTask.from_row(_first(rows))

    # -- workers (service_role) ---------------------------------------------------------------
    def claim_next_task(
        self, worker: str, *, lease_seconds: int = 300, agent_id: UUID | str | None = None
    ) -> AgentTask | None:
        """Claim the next ready task for `lease_seconds`, or None when nothing is ready."""
        inputs.required_text("worker", worker)
        args: dict[str, Any] = {
            "worker": worker,
            "lease_seconds": _optional_int("lease_seconds", lease_seconds),
        }
        if agent_id is not None:
            inputs.ident("agent_id", agent_id)
            args["agent_id"] = str(agent_id)
        rows = yield from self._rpc("claim_next_task", args, AgentTask.columns())
        row = _first(rows)
        return AgentTask.from_row(row) if row else None

    def complete_task(
        self, task_id: UUID | str, result: Any = None, *, worker: str | None = None
    ) -> AgentTask:
        inputs.ident("task_id", task_id)
        inputs.optional_text("worker", worker)
        args: dict[str, Any] = {"task_id": str(task_id)}
        if result is not None:
            args["result"] = _json("result", result)
        if worker is not None:
            args["worker"] = worker
        rows = yield from self._rpc("complete_task", args, AgentTask.columns())
        return AgentTask.from_row(_first(rows))

    def fail_task(
        self, task_id: UUID | str, error: str, *, worker: str | None = None, retry: bool = True
    ) -> AgentTask:
        """Record a failed attempt: retried after the backoff until max_attempts (or never,
        with retry=False), then failed (its pending dependents become blocked)."""
        inputs.ident("task_id", task_id)
        inputs.required_text("error", error)
        inputs.optional_text("worker", worker)
        if not isinstance(retry, bool):
            raise TypeError(f"retry: expected bool, got {type(retry).__name__}")
        args: dict[str, Any] = {"task_id": str(task_id), "error": error, "retry": retry}
        if worker is not None:
            args["worker"] = worker
        rows = yield from self._rpc("fail_task", args, AgentTask.columns())
        return AgentTask.from_row(_first(rows))
