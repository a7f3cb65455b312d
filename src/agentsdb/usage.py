"""The usage domain of the client: prices and model calls (issue 10).

Written as `operations.py` writes every method: generators of transport calls, so `Client`
and `AsyncClient` get the same methods, checks and answers. `Operations` inherits this class,
which is how the methods reach both clients; the next domains (statistics, budgets) follow
the same shape, one module each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from . import inputs
from .models import ModelCall, ServicePrice, UsageCorrection
from .transport import Filter, JsonValue, Order, eq

#: The arguments of record_model_call, with the Python types the client accepts.
CALL_FIELDS: dict[str, Any] = {
    "input_tokens": int,
    "cached_input_tokens": int,
    "cache_write_tokens": int,
    "output_tokens": int,
    "reasoning_tokens": int,
    "service_id": str,
    "vendor_id": str,
    "model_name": str,
    "interaction_id": UUID | str,
    "status": str,
    "error_code": str,
    "error_message": str,
    "latency_ms": int,
    "time_to_first_token_ms": int,
    "started_at": datetime,
    "ended_at": datetime,
    "cost": Decimal | int,
    "metadata": dict,
    "idempotency_key": str,
    # The admission (admit_model_call) this call settles (issue 11).
    "reservation_id": UUID | str,
}


def _call_arguments(agent_id: Any, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The RPC arguments of one call, checked at the client's edge (wrong Python types are a
    TypeError naming the field; money is never a float)."""
    inputs.ident("agent_id", agent_id)
    unknown = sorted(set(fields) - set(CALL_FIELDS))
    if unknown:
        raise TypeError(f"unknown model call fields: {', '.join(unknown)}")
    args: dict[str, Any] = {"agent_id": str(agent_id)}
    for name, value in fields.items():
        if value is None:
            continue
        kind = CALL_FIELDS[name]
        if isinstance(value, bool) or not isinstance(value, kind):
            raise TypeError(f"{name}: got {type(value).__name__}")
        if name in ("interaction_id", "reservation_id"):
            inputs.ident(name, value)
            value = str(value)
        elif name == "metadata":
            value = inputs.json_object(name, value)
        elif name == "cost":
            # Exact over JSON too, never in exponent form (Decimal("0E-12") is "0E-12").
            value = str(value) if isinstance(value, int) else format(value, "f")
        elif isinstance(value, str):
            value = inputs.required_text(name, value)
        args[name] = value
    return args


class UsageOperations:
    """Prices and model calls; relies on `Operations` for `_select` and `_rpc`."""

    def list_prices(
        self, service_id: str | None = None, *, at: datetime | None = None
    ) -> list[ServicePrice]:
        """The price catalog (prices of visible services), by service and start; with `at`,
        only the prices valid at that instant (one per service at most)."""
        filters: list[Filter] = []
        if service_id is not None:
            filters.append(eq("service_id", inputs.required_text("service_id", service_id)))
        if at is not None:
            if not isinstance(at, datetime):
                raise TypeError(f"at: got {type(at).__name__}")
            filters.append(Filter("valid_from", "lte", at))
        prices = yield from self._select(
            ServicePrice, "service_prices", filters, [Order("service_id"), Order("valid_from")]
        )
        if at is not None:
            prices = [p for p in prices if p.valid_until is None or p.valid_until > at]
        return prices

    def record_model_call(self, agent_id: UUID | str, **fields: Any) -> ModelCall:
        """Record one model call of an agent (the caller's own, or any as the service role);
        the database prices it at the price valid at `started_at`. Fields are the arguments
        of the record_model_call RPC: input_tokens, cached_input_tokens, cache_write_tokens,
        output_tokens, reasoning_tokens (disjoint kinds), service_id, vendor_id, model_name,
        interaction_id, status, error_code, error_message, latency_ms,
        time_to_first_token_ms, started_at, ended_at, cost (Decimal: kept, marked supplied),
        metadata, idempotency_key (the same key again returns the first record),
        reservation_id (the admission from admit_model_call this call settles)."""
        args = _call_arguments(agent_id, fields)
        rows = yield from self._rpc("record_model_call", args, ModelCall.columns())
        row = rows[0] if isinstance(rows, list) else rows
        return ModelCall.from_row(row)

    def record_model_calls(self, calls: Iterable[Mapping[str, Any]]) -> list[ModelCall]:
        """Record many calls in one request, all or nothing; each mapping holds `agent_id`
        and the fields of record_model_call. Returns the records in order."""
        if isinstance(calls, Mapping | str | bytes):
            raise TypeError("calls: expected an iterable of mappings")
        batch = []
        for call in calls:
            if not isinstance(call, Mapping):
                raise TypeError(f"calls: expected mappings, got {type(call).__name__}")
            fields = dict(call)
            agent_id = fields.pop("agent_id", None)
            if agent_id is None:
                raise TypeError("calls: every call needs an agent_id")
            args = _call_arguments(agent_id, fields)
            for name, value in args.items():
                if isinstance(value, datetime):
                    args[name] = value.isoformat()
            batch.append(args)
        rows = yield from self._rpc(
            "record_model_calls", {"calls": JsonValue(batch)}, ModelCall.columns()
        )
        return [ModelCall.from_row(r) for r in rows]

    def claim_idempotency_key(
        self, idempotency_key: str, *, ttl_seconds: int = 900, user_id: UUID | str | None = None
    ) -> bool:
        """Before calling a vendor with a caller's idempotency key: True when this attempt
        holds the key now, False when another attempt under it is still in flight (do not
        call the vendor). Release it with `release_idempotency_key` when the call is
        recorded; unreleased, it expires after `ttl_seconds`. `user_id` only as the service
        role (whose key it is)."""
        args: dict[str, Any] = {"idempotency_key": idempotency_key, "ttl_seconds": ttl_seconds}
        if user_id is not None:
            args["user_id"] = str(user_id)
        claimed = yield from self._rpc("claim_idempotency_key", args)
        return bool(claimed)

    def release_idempotency_key(
        self, idempotency_key: str, *, user_id: UUID | str | None = None
    ) -> bool:
        """Ends a claim of `claim_idempotency_key`; True when one was held."""
        args: dict[str, Any] = {"idempotency_key": idempotency_key}
        if user_id is not None:
            args["user_id"] = str(user_id)
        released = yield from self._rpc("release_idempotency_key", args)
        return bool(released)

    def list_model_calls(
        self,
        *,
        agent_id: UUID | str | None = None,
        interaction_id: UUID | str | None = None,
        since: datetime | None = None,
        limit: int | None = 100,
    ) -> list[ModelCall]:
        """The caller's model calls (every user's for the service role), newest first."""
        filters: list[Filter] = []
        for name, value in (("agent_id", agent_id), ("interaction_id", interaction_id)):
            if value is not None:
                inputs.ident(name, value)
                filters.append(eq(name, str(value)))
        if since is not None:
            if not isinstance(since, datetime):
                raise TypeError(f"since: got {type(since).__name__}")
            filters.append(Filter("started_at", "gte", since))
        newest = [Order("started_at", desc=True), Order("id", desc=True)]
        return (yield from self._select(ModelCall, "model_calls", filters, newest, limit))

    # -- corrections (the ledger: service_role only) --------------------------------------
    def correct_interaction_usage(
        self,
        interaction_id: UUID | str,
        reason: str,
        *,
        input_tokens: int | None = None,
        output_tokens: int | None = None,
        total_cost: Decimal | int | None = None,
        started_at: datetime | None = None,
        vendor_id: str | None = None,
        service_id: str | None = None,
    ) -> UsageCorrection:
        """Correct the recorded usage of one interaction (service role only) and return the
        record of it (old and new numbers, reason). Arguments left None keep their value;
        tokens and cost only of an interaction without model calls (Conflict, PT409)."""
        inputs.ident("interaction_id", interaction_id)
        if not isinstance(reason, str):
            raise TypeError(f"reason: got {type(reason).__name__}")
        args: dict[str, Any] = {"interaction_id": str(interaction_id), "reason": reason}
        for name, value, kind in (
            ("input_tokens", input_tokens, int),
            ("output_tokens", output_tokens, int),
            ("total_cost", total_cost, Decimal | int),
            ("started_at", started_at, datetime),
            ("vendor_id", vendor_id, str),
            ("service_id", service_id, str),
        ):
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, kind):
                raise TypeError(f"{name}: got {type(value).__name__}")
            if name == "total_cost":
                value = str(value) if isinstance(value, int) else format(value, "f")
            args[name] = value
        rows = yield from self._rpc("correct_interaction_usage", args, UsageCorrection.columns())
        row = rows[0] if isinstance(rows, list) else rows
        return UsageCorrection.from_row(row)

    def reprice_model_calls(
        self,
        service_id: str | None,
        since: datetime,
        until: datetime,
        *,
        reason: str | None = None,
    ) -> list[UsageCorrection]:
        """After a price correction (service role only): recompute the computed costs of the
        calls of `service_id` (None: every service) started in [since, until) at the prices
        valid now, and their interactions' totals. Returns the run's records: one per user
        whose calls changed, or one without a user when nothing changed."""
        for name, value in (("since", since), ("until", until)):
            if not isinstance(value, datetime):
                raise TypeError(f"{name}: got {type(value).__name__}")
        args: dict[str, Any] = {"service_id": None, "since": since, "until": until}
        if service_id is not None:
            args["service_id"] = inputs.required_text("service_id", service_id)
        if reason is not None:
            if not isinstance(reason, str):
                raise TypeError(f"reason: got {type(reason).__name__}")
            args["reason"] = reason
        rows = yield from self._rpc("reprice_model_calls", args, UsageCorrection.columns())
        return [UsageCorrection.from_row(r) for r in rows]

    def list_usage_corrections(
        self,
        *,
        interaction_id: UUID | str | None = None,
        run_id: UUID | str | None = None,
        limit: int | None = 100,
    ) -> list[UsageCorrection]:
        """The corrections of the caller's usage (every user's for the service role), newest
        first."""
        filters: list[Filter] = []
        for name, value in (("interaction_id", interaction_id), ("run_id", run_id)):
            if value is not None:
                inputs.ident(name, value)
                filters.append(eq(name, str(value)))
        newest = [Order("corrected_at", desc=True), Order("id", desc=True)]
        return (
            yield from self._select(UsageCorrection, "usage_corrections", filters, newest, limit)
        )
