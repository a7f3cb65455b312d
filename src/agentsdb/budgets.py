"""The budgets domain of the client (issue 11): budgets, their status, alerts, and the
admission of model calls against hard limits.

Written like `usage.py`: generators of transport calls that `Operations` inherits, so
`Client` and `AsyncClient` get the same methods. The rules live in the database: spend per
calendar period in the user's time zone, admission with reservations (PT402 ->
`BudgetExceeded`), alerts written once per threshold and period.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from . import inputs
from .errors import InvalidInput, NotFound
from .models import Budget, BudgetAlert, BudgetReservation, BudgetStatus
from .transport import Filter, Order, eq

SCOPES = ("all", "agent", "vendor", "service")
PERIODS = ("day", "week", "month", "none")


def _money(field: str, value: Any) -> Decimal:
    """Exact money: a Decimal or an int (never a float), sent as text."""
    if value is None:
        raise InvalidInput("22004", f"{field}: required")
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{field}: got {type(value).__name__} (use Decimal)")
    return Decimal(value)


def _thresholds(value: Any) -> list[Decimal] | None:
    if value is None:
        return None
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise TypeError("thresholds: expected a sequence of Decimal or int percents")
    return [_money("thresholds", v) for v in value]


class BudgetOperations:
    """Budgets, status, alerts and admissions; relies on `Operations` for `_select`,
    `_insert`, `_update` and `_rpc`."""

    def list_budgets(self) -> list[Budget]:
        """The caller's budgets (every user's for the service role), by name."""
        return (yield from self._select(Budget, "budgets", order=[Order("name")]))

    def create_budget(
        self,
        name: str,
        limit_amount: Decimal | int,
        *,
        scope: str = "all",
        agent_id: UUID | str | None = None,
        vendor_id: str | None = None,
        service_id: str | None = None,
        period: str = "month",
        thresholds: Sequence[Decimal | int] | None = None,
        is_hard: bool = False,
    ) -> Budget:
        """Create a budget of the caller's: `scope` 'all', 'agent' (agent_id), 'vendor'
        (vendor_id) or 'service' (service_id); `period` 'day', 'week', 'month' (calendar,
        in the caller's time zone) or 'none'; thresholds in percent (default 50, 80, 100);
        `is_hard` makes admit_model_call refuse calls that could pass the limit."""
        if agent_id is not None:
            inputs.ident("agent_id", agent_id)
        row = {
            "name": inputs.required_text("name", name),
            "limit_amount": _money("limit_amount", limit_amount),
            "scope": inputs.required_text("scope", scope),
            "agent_id": None if agent_id is None else str(agent_id),
            "vendor_id": inputs.optional_text("vendor_id", vendor_id),
            "service_id": inputs.optional_text("service_id", service_id),
            "period": inputs.required_text("period", period),
            "thresholds": _thresholds(thresholds),
            "is_hard": bool(is_hard),
        }
        return (yield from self._insert(Budget, "budgets", row))

    def update_budget(
        self,
        budget_id: UUID | str,
        *,
        name: str | None = None,
        limit_amount: Decimal | int | None = None,
        thresholds: Sequence[Decimal | int] | None = None,
        is_hard: bool | None = None,
    ) -> Budget:
        """Change a budget's name, limit, thresholds or hardness (scope and period are fixed:
        create another budget). A lower limit or threshold already reached alerts at once."""
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = inputs.required_text("name", name)
        if limit_amount is not None:
            values["limit_amount"] = _money("limit_amount", limit_amount)
        if thresholds is not None:
            values["thresholds"] = _thresholds(thresholds)
        if is_hard is not None:
            values["is_hard"] = bool(is_hard)
        if not values:
            raise TypeError("update_budget() needs at least one field to change")
        return (yield from self._update(Budget, "budgets", "budget_id", budget_id, values))

    def set_budget(self, name: str, limit_amount: Decimal | int, **options: Any) -> Budget:
        """Create the caller's budget of this name, or change its limit (and the thresholds
        and hardness given) when it exists. Scope and period apply to a new budget only; a
        different scope or period for an existing one is InvalidInput."""
        name = inputs.required_text("name", name)
        found = yield from self._select(Budget, "budgets", [eq("name", name)], limit=1)
        if not found:
            return (yield from self.create_budget(name, limit_amount, **options))
        budget = found[0]
        for field in ("scope", "period", "agent_id", "vendor_id", "service_id"):
            wanted = options.pop(field, None)
            have = getattr(budget, field)
            if wanted is not None and str(wanted) != str(have):
                raise InvalidInput(
                    "22023", f"{field}: budget {name!r} exists with another {field} (fixed)"
                )
        return (yield from self.update_budget(budget.id, limit_amount=limit_amount, **options))

    def delete_budget(self, budget_id: UUID | str) -> None:
        inputs.ident("budget_id", budget_id)
        deleted = yield ("delete", ("budgets", [eq("id", str(budget_id))]))
        if not deleted:
            raise NotFound("PT404", "budget_id: not found or not yours to delete")

    def budget_status(self, user_id: UUID | str | None = None) -> list[BudgetStatus]:
        """Each of the caller's budgets (the service role names `user_id`) in its current
        period: start and end in the user's time zone, spent, reserved, remaining and the
        thresholds reached."""
        args: dict[str, Any] = {}
        if user_id is not None:
            inputs.ident("user_id", user_id)
            args["user_id"] = str(user_id)
        rows = yield from self._rpc("get_budget_status", args, BudgetStatus.columns())
        return [BudgetStatus.from_row(r) for r in rows]

    def list_budget_alerts(
        self, *, unacknowledged: bool = False, limit: int | None = 100
    ) -> list[BudgetAlert]:
        """The caller's budget alerts, newest first (only those not yet acknowledged with
        `unacknowledged`)."""
        filters = [Filter("acknowledged_at", "is", None)] if unacknowledged else []
        newest = [Order("created_at", desc=True), Order("id", desc=True)]
        return (yield from self._select(BudgetAlert, "budget_alerts", filters, newest, limit))

    def acknowledge_budget_alert(self, alert_id: UUID | str) -> BudgetAlert:
        inputs.ident("alert_id", alert_id)
        rows = yield from self._rpc(
            "acknowledge_budget_alert", {"alert_id": str(alert_id)}, BudgetAlert.columns()
        )
        return BudgetAlert.from_row(rows[0] if isinstance(rows, list) else rows)

    def admit_model_call(
        self,
        agent_id: UUID | str,
        estimated_cost: Decimal | int,
        *,
        vendor_id: str | None = None,
        service_id: str | None = None,
        ttl_seconds: int | None = None,
    ) -> BudgetReservation:
        """Ask admission for a model call of an agent with an estimated cost. Returns the
        reservation (pass its id as `reservation_id` to record_model_call); raises
        `BudgetExceeded` (PT402) naming the hard budget it would pass."""
        inputs.ident("agent_id", agent_id)
        args: dict[str, Any] = {
            "agent_id": str(agent_id),
            "estimated_cost": format(_money("estimated_cost", estimated_cost), "f"),
        }
        if vendor_id is not None:
            args["vendor_id"] = inputs.required_text("vendor_id", vendor_id)
        if service_id is not None:
            args["service_id"] = inputs.required_text("service_id", service_id)
        if ttl_seconds is not None:
            if isinstance(ttl_seconds, bool) or not isinstance(ttl_seconds, int):
                raise TypeError(f"ttl_seconds: got {type(ttl_seconds).__name__}")
            args["ttl_seconds"] = ttl_seconds
        rows = yield from self._rpc("admit_model_call", args, BudgetReservation.columns())
        return BudgetReservation.from_row(rows[0] if isinstance(rows, list) else rows)

    def list_budget_reservations(
        self, *, open_only: bool = False, limit: int | None = 100
    ) -> list[BudgetReservation]:
        """The caller's reservations, newest first (unsettled ones with `open_only`; an
        unsettled reservation past its expires_at no longer counts)."""
        filters = [Filter("settled_at", "is", None)] if open_only else []
        newest = [Order("created_at", desc=True), Order("id", desc=True)]
        return (
            yield from self._select(
                BudgetReservation, "budget_reservations", filters, newest, limit
            )
        )
