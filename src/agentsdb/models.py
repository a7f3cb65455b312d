"""Typed rows. Money is Decimal, times are aware datetimes, ids are UUIDs, whichever
transport fetched them (PostgREST's JSON strings and psycopg's native values alike)."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, TypeVar
from uuid import UUID

T = TypeVar("T", bound="Row")


def _convert(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(kind) if a is not type(None)]
        return _convert(inner[0], value)
    if kind is Decimal:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    if kind is UUID:
        return value if isinstance(value, UUID) else UUID(str(value))
    if kind is datetime:
        return value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if kind is date:
        return value if isinstance(value, date) else date.fromisoformat(value)
    if kind is float:
        return float(value)
    if kind is int:
        return int(value)
    if origin is list:
        (item,) = typing.get_args(kind)
        return [_convert(item, v) for v in value]
    if origin is dict or kind is dict:
        return json.loads(value) if isinstance(value, str) else dict(value)
    return value


@dataclass(frozen=True)
class Row:
    """Base of the typed rows; `columns()` is the select list, money cast to text."""

    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def _hints(cls) -> dict[str, Any]:
        return typing.get_type_hints(cls)

    @classmethod
    def columns(cls) -> list[str]:
        hints = cls._hints()
        return [
            f"{f.name}::text" if _is_decimal(hints[f.name]) else f.name
            for f in dataclasses.fields(cls)
        ]

    @classmethod
    def from_row(cls: type[T], row: dict[str, Any]) -> T:
        hints = cls._hints()
        return cls(
            **{f.name: _convert(hints[f.name], row.get(f.name)) for f in dataclasses.fields(cls)}
        )


def _is_decimal(kind: Any) -> bool:
    return kind is Decimal or Decimal in typing.get_args(kind)


@dataclass(frozen=True)
class Vendor(Row):
    id: str
    name: str
    description: str | None
    auth_type: str
    base_url: str | None
    is_active: bool


@dataclass(frozen=True)
class VendorService(Row):
    id: str
    vendor_id: str
    service_name: str
    display_name: str
    description: str | None
    is_active: bool


@dataclass(frozen=True)
class Feature(Row):
    id: str
    name: str
    description: str | None
    category: str
    icon: str | None
    sort_order: int


@dataclass(frozen=True)
class InteractionType(Row):
    id: str
    name: str
    description: str | None
    category: str
    icon: str | None
    color: str | None
    sort_order: int


@dataclass(frozen=True)
class Agent(Row):
    id: UUID
    name: str
    description: str | None
    vendor_id: str
    service_id: str | None
    model_name: str | None
    system_prompt: str | None
    configuration: dict
    capabilities: dict
    notes: str | None
    tags: list[str]
    activity_score: float
    last_used_at: datetime | None
    usage_count: int
    is_active: bool
    is_favorite: bool
    is_public: bool
    user_id: UUID
    created_at: datetime
    updated_at: datetime
    status: str


@dataclass(frozen=True)
class FeatureMapping(Row):
    id: UUID
    agent_id: UUID
    feature_id: str
    is_primary: bool
    user_id: UUID


@dataclass(frozen=True)
class AgentConfig(Row):
    id: UUID
    agent_id: UUID
    config_key: str
    config_value: Any
    config_type: str
    description: str | None
    is_encrypted: bool
    user_id: UUID


@dataclass(frozen=True)
class ApiKey(Row):
    """A stored vendor key as clients see it: never the key, only its last 4 characters."""

    id: UUID
    user_id: UUID
    vendor_id: str
    service_id: str | None
    encrypted_key: str  # the envelope label, e.g. pgp-aes256:kek-v1; not the ciphertext
    key_preview: str
    display_name: str | None
    is_active: bool
    last_used_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class Interaction(Row):
    id: UUID
    agent_id: UUID
    title: str
    description: str | None
    interaction_type_id: str | None
    external_link: str | None
    external_id: str | None
    external_metadata: dict
    content_preview: str | None
    input_tokens: int
    output_tokens: int
    total_cost: Decimal | None
    tags: list[str]
    keywords: list[str]
    satisfaction_rating: int | None
    usefulness_rating: int | None
    feedback_notes: str | None
    started_at: datetime
    ended_at: datetime | None
    duration_minutes: int | None
    status: str
    user_id: UUID
    created_at: datetime
    updated_at: datetime
    vendor_id: str | None = None
    service_id: str | None = None


@dataclass(frozen=True)
class AgentSummary(Row):
    """A row of the agent_summary view: the agent with vendor, features and usage."""

    id: UUID
    name: str
    vendor_id: str
    vendor_name: str | None
    service_id: str | None
    service_display_name: str | None
    model_name: str | None
    tags: list[str]
    features: list[str]
    primary_feature: str | None
    is_active: bool
    is_public: bool
    activity_score: float
    usage_count: int
    last_used_at: datetime | None
    interaction_count: int
    total_input_tokens: int
    total_output_tokens: int
    total_cost: Decimal
    avg_satisfaction: float | None
    avg_usefulness: float | None
    user_id: UUID
    description: str | None
    is_favorite: bool
    last_interaction_at: datetime | None
    created_at: datetime
    updated_at: datetime
    status: str


@dataclass(frozen=True)
class RecentInteraction(Row):
    """A row of the recent_interactions view, for dashboards."""

    id: UUID
    agent_id: UUID
    agent_name: str
    vendor_id: str
    vendor_name: str | None
    interaction_type_id: str | None
    interaction_type_name: str | None
    title: str
    input_tokens: int
    output_tokens: int
    total_cost: Decimal | None
    satisfaction_rating: int | None
    started_at: datetime
    status: str
    user_id: UUID
    service_id: str | None
    service_display_name: str | None
    model_name: str | None
    interaction_type_icon: str | None
    interaction_type_color: str | None
    description: str | None
    content_preview: str | None
    external_link: str | None
    external_id: str | None
    tags: list[str]
    usefulness_rating: int | None
    ended_at: datetime | None
    duration_minutes: int | None
    created_at: datetime


@dataclass(frozen=True)
class UsageStats(Row):
    """One user's statistics for one day (ai_usage_stats)."""

    user_id: UUID
    date: date
    total_interactions: int
    unique_agents_used: int
    total_duration_minutes: int
    feature_usage: dict
    vendor_usage: dict
    total_cost: Decimal
    total_input_tokens: int
    total_output_tokens: int
    avg_satisfaction: float | None
    avg_usefulness: float | None
    #: Usage events of the day without a cost (unpriced): not in total_cost, never a 0.
    unpriced_events: int = 0


@dataclass(frozen=True)
class AgentUsageSummary(Row):
    """get_agent_usage_summary: one agent's usage over the last N days."""

    period_start: datetime
    period_end: datetime
    interaction_count: int
    total_input_tokens: int
    total_output_tokens: int
    total_cost: Decimal
    total_duration_minutes: int
    avg_satisfaction: float | None
    avg_usefulness: float | None
    first_used_at: datetime | None
    last_used_at: datetime | None
    active_days: int
    interactions_by_type: dict


@dataclass(frozen=True)
class AuditEntry(Row):
    """One change in audit_logs: who (actor), what (table, record, action), before and after.
    For updates `new_row` holds only the changed columns."""

    id: UUID
    occurred_at: datetime
    recorded_at: datetime
    actor_id: UUID | None
    actor_role: str
    table_name: str
    record_id: str
    action: str
    old_row: dict | None
    new_row: dict | None
    owner_id: UUID | None
    transaction_id: UUID  # the writing transaction, keyed: the rows of one change share it


@dataclass(frozen=True)
class ServicePrice(Row):
    """A list price of a vendor service (USD), valid over [valid_from, valid_until)."""

    id: str
    service_id: str
    input_per_million: Decimal | None
    cached_input_per_million: Decimal | None
    cache_write_per_million: Decimal | None
    output_per_million: Decimal | None
    reasoning_per_million: Decimal | None
    per_request: Decimal | None
    currency: str
    valid_from: datetime
    valid_until: datetime | None
    source_url: str | None
    listed_on: date | None
    notes: str | None


@dataclass(frozen=True)
class ModelCall(Row):
    """One call to a vendor's model. `cost` is exact (None: unpriced); `price_id` is the
    price it was computed with, `cost_supplied` whether the caller gave it."""

    id: UUID
    user_id: UUID
    agent_id: UUID
    interaction_id: UUID | None
    vendor_id: str
    service_id: str | None
    model_name: str | None
    input_tokens: int
    cached_input_tokens: int
    cache_write_tokens: int
    output_tokens: int
    reasoning_tokens: int
    cost: Decimal | None
    price_id: str | None
    cost_supplied: bool
    latency_ms: int | None
    time_to_first_token_ms: int | None
    status: str
    error_code: str | None
    error_message: str | None
    started_at: datetime
    ended_at: datetime | None
    metadata: dict
    idempotency_key: str | None
    created_at: datetime


@dataclass(frozen=True)
class UserSettings(Row):
    """A user's settings. `time_zone` is the reporting time zone the daily statistics count
    the user's days in ('UTC' or an IANA name such as 'Europe/Paris'). A user who has set
    nothing has no row and gets the defaults, so the row's id and times are left out."""

    user_id: UUID
    time_zone: str
    message_retention_days: int | None = None


# -- agents that run (issue 13): lifecycle, templates, messages ------------------------------


@dataclass(frozen=True)
class AgentStatusChange(Row):
    """One change of an agent's lifecycle status (from_status None: its creation).
    `changed_by` is the signed-in user who made it (None for service_role)."""

    id: UUID
    agent_id: UUID
    user_id: UUID
    from_status: str | None
    to_status: str
    reason: str | None
    changed_by: UUID | None
    changed_by_role: str
    changed_at: datetime


@dataclass(frozen=True)
class InteractionMessage(Row):
    """A message of an interaction, in `position` order. `content` is None once purged
    (`content_purged_at`); role, tokens and the model call stay."""

    id: UUID
    interaction_id: UUID
    user_id: UUID
    position: int
    role: str
    content: str | None
    metadata: dict
    model_call_id: UUID | None
    tokens: int
    content_purged_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class MessageMatch(Row):
    """A row of search_messages: the message, its agent, a highlighted headline, the rank."""

    id: UUID
    interaction_id: UUID
    agent_id: UUID
    position: int
    role: str
    content: str | None
    headline: str | None
    rank: float
    created_at: datetime


# --- usage rollups (issue 10: per-agent daily figures, cost breakdown) -----------------------


@dataclass(frozen=True)
class AgentUsageDay(Row):
    """One agent's usage on one day of its owner's time zone (public.agent_usage_daily).
    `cost` sums the priced calls; calls without a price are counted in `unpriced_calls`.
    The latencies are exact percentiles (percentile_disc) of the day's calls."""

    user_id: UUID
    agent_id: UUID
    day: date
    calls: int
    interactions: int
    input_tokens: int
    cached_input_tokens: int
    cache_write_tokens: int
    output_tokens: int
    reasoning_tokens: int
    cost: Decimal
    unpriced_calls: int
    failed_calls: int
    cancelled_calls: int
    latency_p50_ms: int | None
    latency_p95_ms: int | None
    refreshed_at: datetime


@dataclass(frozen=True)
class CostBreakdownRow(Row):
    """One period (calendar day, ISO week or month of the user's time zone) and group
    (a vendor, service, model or agent id; None for 'total', or where the usage did not
    record it) of get_cost_breakdown. Exact, today included."""

    period_start: date
    period_end: date
    group_key: str | None
    calls: int
    unpriced_calls: int
    failed_calls: int
    input_tokens: int
    cached_input_tokens: int
    cache_write_tokens: int
    output_tokens: int
    reasoning_tokens: int
    cost: Decimal


@dataclass(frozen=True)
class RollupRefresh(Row):
    """What one refresh_usage_rollups run did: marks taken, (user, day)s recomputed, rows
    of ai_usage_stats and of the rollups written, and days that failed (marked again)."""

    marks: int
    days: int
    usage_stats_rows: int
    rollup_rows: int
    failed_days: int


# --- the usage ledger (issue 10, branch ledger) --------------------------------------------


@dataclass(frozen=True)
class UsageCorrection(Row):
    """One recorded correction of usage (usage_corrections): an interaction corrected by
    correct_interaction_usage (kind "interaction"), or one user's calls re-priced by one
    run of reprice_model_calls (kind "reprice"; the rows of a run share `run_id`; a run
    that changed nothing has one row without a user). Costs are exact; None where the
    field does not apply to the kind."""

    id: UUID
    run_id: UUID
    kind: str
    user_id: UUID | None
    interaction_id: UUID | None
    service_id: str | None
    range_from: datetime | None
    range_until: datetime | None
    rows_changed: int
    old_input_tokens: int | None
    new_input_tokens: int | None
    old_output_tokens: int | None
    new_output_tokens: int | None
    old_cost: Decimal | None
    new_cost: Decimal | None
    old_unpriced: int | None
    new_unpriced: int | None
    old_started_at: datetime | None
    new_started_at: datetime | None
    old_vendor_id: str | None
    new_vendor_id: str | None
    old_service_id: str | None
    new_service_id: str | None
    reason: str | None
    corrected_by: UUID | None
    corrected_by_role: str
    corrected_at: datetime


# --- budgets (issue 11) -------------------------------------------------------------------
# Thresholds are percents; `list[Decimal | int]` keeps them Decimal without the text cast
# that `columns()` gives plain Decimal fields (an array must stay an array).


@dataclass(frozen=True)
class Budget(Row):
    """A spending budget: scope ('all', 'agent', 'vendor', 'service' with its id), period
    ('day', 'week' from Monday, 'month' in the owner's time zone, or 'none' for a lifetime
    cap), an exact limit in USD, alert thresholds in percent, and whether it is hard."""

    id: UUID
    user_id: UUID
    name: str
    scope: str
    agent_id: UUID | None
    vendor_id: str | None
    service_id: str | None
    period: str
    limit_amount: Decimal
    thresholds: list[Decimal | int]
    is_hard: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class BudgetStatus(Row):
    """A budget in its current period: period_start/period_end are the instants of the
    local midnights in `time_zone` (None for a lifetime budget); remaining is limit - spent
    - reserved (negative when over); thresholds_reached in percent."""

    budget_id: UUID
    name: str
    scope: str
    agent_id: UUID | None
    vendor_id: str | None
    service_id: str | None
    period: str
    is_hard: bool
    limit_amount: Decimal
    thresholds: list[Decimal | int]
    time_zone: str
    period_start: datetime | None
    period_end: datetime | None
    spent: Decimal
    reserved: Decimal
    remaining: Decimal
    thresholds_reached: list[Decimal | int]


@dataclass(frozen=True)
class BudgetAlert(Row):
    """A threshold reached by a budget in a period (its first local day; None for a lifetime
    budget), written once."""

    id: UUID
    budget_id: UUID
    user_id: UUID
    period_start: date | None
    threshold: Decimal
    spent: Decimal
    limit_amount: Decimal
    created_at: datetime
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class BudgetReservation(Row):
    """An admission of a model call (admit_model_call): the estimate held against the hard
    budgets covering it until record_model_call settles it (reservation_id) or it expires."""

    id: UUID
    user_id: UUID
    agent_id: UUID
    vendor_id: str
    service_id: str | None
    estimated_cost: Decimal
    expires_at: datetime
    settled_at: datetime | None
    actual_cost: Decimal | None
    model_call_id: UUID | None
    created_at: datetime


# -- schedules and the task queue (issue 13) ---------------------------------------------------
@dataclass(frozen=True)
class AgentSchedule(Row):
    """When an agent runs: its time zone, active hours per weekday ({"mon": [["09:00",
    "17:00"]], ...}; None: always) and optional cron expression. `next_run_at` is kept by the
    database (None: disabled or no cron)."""

    agent_id: UUID
    user_id: UUID
    time_zone: str
    active_hours: dict | None
    cron: str | None
    is_enabled: bool
    next_run_at: datetime | None
    last_run_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class DueAgent(Row):
    """An agent due_agents handed to a runner: the fire that was due and the next one."""

    agent_id: UUID
    user_id: UUID
    due_at: datetime
    next_run_at: datetime | None


@dataclass(frozen=True)
class AgentTask(Row):
    """A task of the queue. status: pending, running, succeeded, failed, cancelled or
    blocked (a dependency ended without succeeding). `payload` and `result` are any JSON."""

    id: UUID
    user_id: UUID
    agent_id: UUID
    title: str | None
    payload: Any
    priority: int
    not_before: datetime
    status: str
    attempts: int
    max_attempts: int
    backoff_seconds: int
    pending_dependencies: int
    claimed_by: str | None
    claimed_at: datetime | None
    claim_expires_at: datetime | None
    result: Any
    error: str | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


@dataclass(frozen=True)
class TaskAttempt(Row):
    """One claim of a task: its worker, lease and outcome (running, succeeded, failed, lost,
    cancelled)."""

    id: UUID
    task_id: UUID
    user_id: UUID
    attempt: int
    worker: str
    claimed_at: datetime
    lease_expires_at: datetime
    finished_at: datetime | None
    outcome: str
    error: str | None
