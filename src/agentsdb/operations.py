"""What every client method does, written once for the sync and the async client.

Each method is a generator (or returns one) that yields the transport calls it needs as
`(method, args)` and receives each call's result; `Client` runs them over a transport,
`AsyncClient` over an async one, so both have the same API, checks and answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from . import inputs
from .agents import AgentsOperations
from .budgets import BudgetOperations
from .errors import AgentsDBError, InvalidInput, NotFound, PermissionDenied
from .models import (
    Agent,
    AgentConfig,
    AgentSummary,
    AgentUsageSummary,
    ApiKey,
    AuditEntry,
    Feature,
    FeatureMapping,
    Interaction,
    InteractionType,
    RecentInteraction,
    Row,
    UsageStats,
    Vendor,
    VendorService,
)
from .settings import SettingsOperations
from .statistics import StatisticsOperations
from .tasks import TaskOperations
from .transport import MAX_ROWS, Filter, JsonValue, Order, eq
from .usage import UsageOperations

AGENT_FIELDS = (
    "name",
    "description",
    "vendor_id",
    "service_id",
    "model_name",
    "system_prompt",
    "configuration",
    "capabilities",
    "notes",
    "tags",
    "is_active",
    "is_favorite",
    "is_public",
)


def _only_set(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _typed(model: type[Row], row: Mapping[str, Any]):
    """The row as its model; a value Python cannot hold (a timestamp past year 9999, which
    PostgreSQL stores) is InvalidInput 22008 from either transport."""
    try:
        return model.from_row(dict(row))
    except ValueError as exc:
        raise InvalidInput(
            "22008", f"{model.__name__}: a value Python cannot hold: {exc}"
        ) from None


class Operations(
    UsageOperations,
    SettingsOperations,
    StatisticsOperations,
    AgentsOperations,
    BudgetOperations,
    TaskOperations,
):
    """The client's methods as generators of transport calls (see the module docstring);
    the usage domain (prices, model calls) comes from `usage.UsageOperations`, user
    settings from `settings.SettingsOperations`."""

    def __init__(self, transport):
        self.transport = transport  # only for caller_id(), which does no I/O

    # -- plumbing -------------------------------------------------------------------------
    def _select(
        self,
        model: type[Row],
        table: str,
        filters: Sequence[Filter] = (),
        order: Sequence[Order] = (),
        limit: int | None = None,
    ) -> list:
        """Every matching row (or the first `limit`), paged past the API's max_rows. The
        order ends with `id` when the rows have one, so pages never overlap."""
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise TypeError(f"limit: expected int, got {type(limit).__name__}")
        columns = model.columns()
        if "id" in columns and all(o.column != "id" for o in order):
            order = [*order, Order("id")]
        rows: list[dict[str, Any]] = []
        while True:
            want = MAX_ROWS if limit is None else min(MAX_ROWS, limit - len(rows))
            if want <= 0:
                break
            page = yield ("select", (table, columns, filters, order, want, len(rows)))
            rows.extend(page)
            if len(page) < want:
                break
        return [_typed(model, r) for r in rows]

    def _one(self, model: type[Row], table: str, what: str, filters: Sequence[Filter]):
        rows = yield from self._select(model, table, filters, limit=2)
        if not rows:
            raise NotFound("PT404", f"{what}: not found or not visible to you")
        return rows[0]

    def _insert(self, model: type[Row], table: str, row: Mapping[str, Any]):
        inserted = yield ("insert", (table, _only_set(row), model.columns()))
        return _typed(model, inserted)

    def _update(self, model: type[Row], table: str, what: str, key: Any, values: Mapping):
        inputs.ident(what, key)
        rows = yield ("update", (table, values, [eq("id", key)], model.columns()))
        if not rows:
            raise NotFound("PT404", f"{what}: not found or not yours to change")
        return _typed(model, rows[0])

    def _rpc(self, function: str, args: Mapping[str, Any], columns=None):
        return (yield ("rpc", (function, args, columns)))

    # -- the catalog ----------------------------------------------------------------------
    def list_vendors(self) -> list[Vendor]:
        return self._select(Vendor, "vendors", order=[Order("name")])

    def list_vendor_services(self, vendor_id: str | None = None) -> list[VendorService]:
        filters = [eq("vendor_id", vendor_id)] if vendor_id else []
        return self._select(VendorService, "vendor_services", filters, [Order("id")])

    def list_features(self) -> list[Feature]:
        return self._select(Feature, "agent_features", order=[Order("sort_order"), Order("id")])

    def list_interaction_types(self) -> list[InteractionType]:
        return self._select(
            InteractionType, "interaction_types", order=[Order("sort_order"), Order("id")]
        )

    # -- agents ---------------------------------------------------------------------------
    def create_agent(
        self,
        name: str,
        vendor_id: str,
        *,
        service_id: str | None = None,
        model_name: str | None = None,
        description: str | None = None,
        system_prompt: str | None = None,
        configuration: dict | None = None,
        capabilities: dict | None = None,
        notes: str | None = None,
        tags: Sequence[str] | None = None,
        is_public: bool | None = None,
        is_favorite: bool | None = None,
        features: Iterable[str] = (),
        primary_feature: str | None = None,
    ) -> Agent:
        """Create an agent owned by the caller, with its features (primary one marked)."""
        name = inputs.required_text("name", name)
        vendor_id = inputs.required_text("vendor_id", vendor_id)
        features = inputs.text_list("features", features) or []
        tags = inputs.text_list("tags", tags)
        configuration = inputs.json_object("configuration", configuration)
        capabilities = inputs.json_object("capabilities", capabilities)
        primary_feature = inputs.optional_text("primary_feature", primary_feature)
        first = [primary_feature] if primary_feature else []
        wanted = list(dict.fromkeys([*first, *features]))
        if wanted:
            # Refuse unknown features before writing anything: the agent and its mappings
            # are separate requests, and a refusal should leave no trace, not even in the
            # audit log.
            active = {f.id for f in (yield from self.list_features())}
            unknown = [f for f in wanted if f not in active]
            if unknown:
                raise InvalidInput(
                    "23503", f"features: no active feature {', '.join(map(repr, unknown))}"
                )
        agent = yield from self._insert(
            Agent,
            "ai_agents",
            {
                "name": name,
                "vendor_id": vendor_id,
                "service_id": service_id,
                "model_name": model_name,
                "description": description,
                "system_prompt": system_prompt,
                "configuration": configuration,
                "capabilities": capabilities,
                "notes": notes,
                "tags": tags,
                "is_public": is_public,
                "is_favorite": is_favorite,
            },
        )
        try:
            for feature_id in wanted:
                yield from self.add_agent_feature(
                    agent.id, feature_id, primary=feature_id == primary_feature
                )
        except AgentsDBError:
            # Each call is its own request (PostgREST runs one statement per request), so a
            # refused feature would leave the agent without it: remove the agent (its
            # mappings cascade) and re-raise, so a refused create_agent leaves nothing.
            yield ("delete", ("ai_agents", [eq("id", agent.id)]))
            raise
        return agent

    def get_agent(self, agent_id: UUID | str) -> Agent:
        inputs.ident("agent_id", agent_id)
        return self._one(Agent, "ai_agents", "agent_id", [eq("id", agent_id)])

    def list_agents(self, *, include_public: bool = False) -> list[Agent]:
        """The caller's agents (and, if asked, every public agent), most active first."""
        filters = [] if include_public else [eq("user_id", self._caller())]
        return self._select(
            Agent, "ai_agents", filters, [Order("activity_score", desc=True), Order("name")]
        )

    def update_agent(self, agent_id: UUID | str, **fields: Any) -> Agent:
        unknown = set(fields) - set(AGENT_FIELDS)
        if unknown:
            raise TypeError(f"update_agent() got unknown fields: {', '.join(sorted(unknown))}")
        if not fields:
            raise TypeError("update_agent() needs at least one field to change")
        if "tags" in fields:
            fields["tags"] = inputs.text_list("tags", fields["tags"])
        for name in ("configuration", "capabilities"):
            if fields.get(name) is not None:
                inputs.json_object(name, fields[name])
        return self._update(Agent, "ai_agents", "agent_id", agent_id, fields)

    def share_agent(self, agent_id: UUID | str, public: bool = True) -> Agent:
        return self.update_agent(agent_id, is_public=public)

    def delete_agent(self, agent_id: UUID | str) -> None:
        inputs.ident("agent_id", agent_id)
        deleted = yield ("delete", ("ai_agents", [eq("id", agent_id)]))
        if not deleted:
            raise NotFound("PT404", "agent_id: not found or not yours to delete")

    def add_agent_feature(
        self, agent_id: UUID | str, feature_id: str, *, primary: bool = False
    ) -> FeatureMapping:
        inputs.ident("agent_id", agent_id)
        inputs.required_text("feature_id", feature_id)
        return self._insert(
            FeatureMapping,
            "agent_feature_mappings",
            {
                "agent_id": agent_id,
                "feature_id": feature_id,
                "is_primary": primary,
            },
        )

    def list_agent_features(self, agent_id: UUID | str) -> list[FeatureMapping]:
        inputs.ident("agent_id", agent_id)
        return self._select(
            FeatureMapping,
            "agent_feature_mappings",
            [eq("agent_id", agent_id)],
            [Order("is_primary", desc=True), Order("feature_id")],
        )

    def set_agent_config(
        self,
        agent_id: UUID | str,
        key: str,
        value: Any,
        *,
        config_type: str = "json",
        description: str | None = None,
    ) -> AgentConfig:
        """Set one configuration entry (replacing the value of an existing key). `value` is
        any JSON value but null (the API turns JSON null into SQL NULL, which the column
        refuses)."""
        inputs.ident("agent_id", agent_id)
        inputs.required_text("key", key)
        inputs.json_value("value", value, allow_null=False)
        inputs.required_text("config_type", config_type)
        inputs.optional_text("description", description)
        existing = yield from self._select(
            AgentConfig,
            "ai_agent_configs",
            [eq("agent_id", agent_id), eq("config_key", key)],
        )
        values = {"config_value": JsonValue(value), "config_type": config_type}
        if description is not None:
            values["description"] = description
        if existing:
            return (
                yield from self._update(
                    AgentConfig, "ai_agent_configs", "config_key", existing[0].id, values
                )
            )
        return (
            yield from self._insert(
                AgentConfig,
                "ai_agent_configs",
                {
                    "agent_id": agent_id,
                    "config_key": key,
                    **values,
                },
            )
        )

    def list_agent_configs(self, agent_id: UUID | str) -> list[AgentConfig]:
        inputs.ident("agent_id", agent_id)
        return self._select(
            AgentConfig, "ai_agent_configs", [eq("agent_id", agent_id)], [Order("config_key")]
        )

    # -- vendor API keys --------------------------------------------------------------------
    def store_api_key(
        self,
        vendor_id: str,
        api_key: str,
        *,
        service_id: str | None = None,
        display_name: str | None = None,
    ) -> ApiKey:
        """Encrypt and store the caller's key (replacing their active key for the same vendor
        and service). The key is sent once and never comes back."""
        inputs.required_text("vendor_id", vendor_id)
        inputs.required_text("api_key", api_key)
        inputs.optional_text("service_id", service_id)
        inputs.optional_text("display_name", display_name)
        rows = yield from self._rpc(
            "store_user_api_key",
            _only_set(
                {
                    "vendor_id": vendor_id,
                    "api_key": api_key,
                    "service_id": service_id,
                    "display_name": display_name,
                }
            ),
            ApiKey.columns(),
        )
        return ApiKey.from_row(rows[0])

    def list_api_keys(self) -> list[ApiKey]:
        return self._select(
            ApiKey, "user_api_keys", order=[Order("vendor_id"), Order("created_at", desc=True)]
        )

    def deactivate_api_key(self, key_id: UUID | str) -> ApiKey:
        return self._update(ApiKey, "user_api_keys", "key_id", key_id, {"is_active": False})

    def get_api_key(
        self, user_id: UUID | str, vendor_id: str, service_id: str | None = None
    ) -> str:
        """Service role only: the decrypted active key of a user (vendor-level fallback)."""
        inputs.ident("user_id", user_id)
        inputs.required_text("vendor_id", vendor_id)
        inputs.optional_text("service_id", service_id)
        return self._rpc(
            "get_user_api_key",
            {"user_id": str(user_id), "vendor_id": vendor_id, "service_id": service_id},
        )

    # -- interactions -----------------------------------------------------------------------
    def record_interaction(
        self,
        agent_id: UUID | str,
        title: str,
        *,
        interaction_type_id: str | None = None,
        input_tokens: int = 0,
        output_tokens: int = 0,
        total_cost: Decimal | None = None,
        started_at: datetime | None = None,
        ended_at: datetime | None = None,
        duration_minutes: int | None = None,
        status: str | None = None,
        description: str | None = None,
        content_preview: str | None = None,
        full_content: str | None = None,
        external_link: str | None = None,
        external_id: str | None = None,
        external_metadata: dict | None = None,
        tags: Sequence[str] | None = None,
        keywords: Sequence[str] | None = None,
    ) -> Interaction:
        """Record one interaction of one of the caller's agents; the agent's usage count and
        last use follow, and duration is derived from the times when not given."""
        inputs.ident("agent_id", agent_id)
        inputs.required_text("title", title)
        for field, value, kind in (
            ("total_cost", total_cost, Decimal | int),
            ("started_at", started_at, datetime),
            ("ended_at", ended_at, datetime),
            ("input_tokens", input_tokens, int),
            ("output_tokens", output_tokens, int),
            ("duration_minutes", duration_minutes, int),
        ):
            if value is not None and (isinstance(value, bool) or not isinstance(value, kind)):
                raise TypeError(f"{field}: got {type(value).__name__}")
        tags = inputs.text_list("tags", tags)
        keywords = inputs.text_list("keywords", keywords)
        external_metadata = inputs.json_object("external_metadata", external_metadata)
        return self._insert(
            Interaction,
            "ai_interactions",
            {
                "agent_id": agent_id,
                "title": title,
                "interaction_type_id": interaction_type_id,
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "total_cost": total_cost,
                "started_at": started_at,
                "ended_at": ended_at,
                "duration_minutes": duration_minutes,
                "status": status,
                "description": description,
                "content_preview": content_preview,
                "full_content": full_content,
                "external_link": external_link,
                "external_id": external_id,
                "external_metadata": external_metadata,
                "tags": tags,
                "keywords": keywords,
            },
        )

    def rate_interaction(
        self,
        interaction_id: UUID | str,
        *,
        satisfaction: int | None = None,
        usefulness: int | None = None,
        feedback: str | None = None,
    ) -> Interaction:
        values = _only_set(
            {
                "satisfaction_rating": satisfaction,
                "usefulness_rating": usefulness,
                "feedback_notes": feedback,
            }
        )
        if not values:
            raise TypeError("rate_interaction() needs satisfaction, usefulness or feedback")
        return self._update(
            Interaction, "ai_interactions", "interaction_id", interaction_id, values
        )

    def list_interactions(self, agent_id: UUID | str, *, limit: int = 100) -> list[Interaction]:
        inputs.ident("agent_id", agent_id)
        return self._select(
            Interaction,
            "ai_interactions",
            [eq("agent_id", agent_id)],
            [Order("started_at", desc=True), Order("id", desc=True)],
            limit,
        )

    # -- dashboards and statistics ----------------------------------------------------------
    def agent_summary(
        self, *, only_mine: bool = True, active: bool | None = None
    ) -> list[AgentSummary]:
        """The agent_summary view, most active first (seed 002, usage example 3)."""
        filters = [eq("user_id", self._caller())] if only_mine else []
        if active is not None:
            filters.append(eq("is_active", active))
        return self._select(
            AgentSummary,
            "agent_summary",
            filters,
            [Order("activity_score", desc=True), Order("name")],
        )

    def recent_interactions(self, *, limit: int = 20) -> list[RecentInteraction]:
        return self._select(
            RecentInteraction,
            "recent_interactions",
            order=[Order("started_at", desc=True), Order("id", desc=True)],
            limit=limit,
        )

    def usage_stats(self, *, since: date | None = None) -> list[UsageStats]:
        """The caller's daily statistics, newest first (seed 002, usage example 4)."""
        filters = [eq("user_id", self._caller())]
        if since is not None:
            filters.append(Filter("date", "gte", since))
        return self._select(UsageStats, "ai_usage_stats", filters, [Order("date", desc=True)])

    def agent_usage_summary(self, agent_id: UUID | str, days: int = 30) -> AgentUsageSummary:
        inputs.ident("agent_id", agent_id)
        rows = yield from self._rpc(
            "get_agent_usage_summary",
            {"agent_id": str(agent_id), "days": days},
            AgentUsageSummary.columns(),
        )
        return AgentUsageSummary.from_row(rows[0])

    def update_activity_score(self, agent_id: UUID | str) -> float:
        inputs.ident("agent_id", agent_id)
        score = yield from self._rpc("update_agent_activity_score", {"agent_id": str(agent_id)})
        return float(score)

    def refresh_usage_stats(self, day: date) -> int:
        """Service role: recompute every user's statistics for one day; rows written."""
        written = yield from self._rpc("update_daily_usage_stats", {"target_date": day})
        return int(written)

    def audit_log(
        self, *, table_name: str | None = None, record_id: str | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        """Changes to the caller's data (all changes for the service role), newest first."""
        filters = [
            eq(k, v)
            for k, v in (("table_name", table_name), ("record_id", record_id))
            if v is not None
        ]
        newest = [Order("occurred_at", desc=True), Order("recorded_at", desc=True)]
        return self._select(AuditEntry, "audit_logs", filters, newest, limit)

    def _caller(self) -> str:
        uid = self.transport.caller_id()
        if not uid:
            raise PermissionDenied("42501", "not signed in: this needs a user")
        return uid
