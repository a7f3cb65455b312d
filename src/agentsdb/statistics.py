"""The statistics domain of the client: per-agent daily figures, the cost breakdown and the
refresh of the usage rollups (issue 10).

Written like `usage.py`: generators of transport calls that `Operations` inherits, so
`Client` and `AsyncClient` get the same methods.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from . import inputs
from .models import AgentUsageDay, CostBreakdownRow, RollupRefresh
from .transport import Filter, Order, eq

PERIODS = ("day", "week", "month")
GROUPS = ("vendor", "service", "model", "agent", "total")


def _date(name: str, value: object) -> date:
    if not isinstance(value, date) or hasattr(value, "hour"):
        raise TypeError(f"{name}: expected a date, got {type(value).__name__}")
    return value


class StatisticsOperations:
    """Rollups of usage; relies on `Operations` for `_select` and `_rpc`."""

    def cost_breakdown(
        self,
        first: date,
        last: date,
        *,
        period: str = "day",
        group_by: str = "total",
        user_id: UUID | str | None = None,
    ) -> list[CostBreakdownRow]:
        """Spend per period ('day', 'week' from Monday, 'month'; calendar-aligned in the
        user's time zone, the first and last widened to whole periods) and per 'vendor',
        'service', 'model', 'agent' or 'total', from `first` to `last` (local dates, both
        included). Exact, today included. The signed-in user's own; the service role names
        `user_id`."""
        args: dict[str, object] = {
            "period": inputs.required_text("period", period),
            "group_by": inputs.required_text("group_by", group_by),
            "from_date": _date("first", first),
            "to_date": _date("last", last),
        }
        if user_id is not None:
            inputs.ident("user_id", user_id)
            args["user_id"] = str(user_id)
        rows = yield from self._rpc("get_cost_breakdown", args, CostBreakdownRow.columns())
        return [CostBreakdownRow.from_row(r) for r in rows]

    def agent_usage_days(
        self,
        *,
        agent_id: UUID | str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> list[AgentUsageDay]:
        """Per-agent daily figures (agent_usage_daily) the caller may read, by day then
        agent; as current as the last refresh_usage_rollups (every minute with pg_cron)."""
        filters: list[Filter] = []
        if agent_id is not None:
            inputs.ident("agent_id", agent_id)
            filters.append(eq("agent_id", str(agent_id)))
        if since is not None:
            filters.append(Filter("day", "gte", _date("since", since)))
        if until is not None:
            filters.append(Filter("day", "lte", _date("until", until)))
        return (
            yield from self._select(
                AgentUsageDay,
                "agent_usage_daily",
                filters,
                [Order("day"), Order("user_id"), Order("agent_id")],
            )
        )

    def refresh_rollups(self) -> RollupRefresh:
        """Service role: recompute the rollups of every (user, local day) whose usage changed
        since the last run (what pg_cron does every minute where it runs)."""
        rows = yield from self._rpc("refresh_usage_rollups", {}, RollupRefresh.columns())
        row = rows[0] if isinstance(rows, list) else rows
        return RollupRefresh.from_row(row)
