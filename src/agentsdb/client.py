"""The agentsdb client: typed methods over either transport, identical results from both."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

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
from .transport import (
    Filter,
    JsonValue,
    Order,
    PostgresTransport,
    SupabaseTransport,
    Transport,
    eq,
)

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


class Client:
    """One user's (or the service role's) view of agentsdb.

    Build it with `Client.postgres(...)`, `Client.supabase(...)` or `Client.from_env(...)`.
    Everything it returns is typed; every error is an `agentsdb.errors.AgentsDBError`.
    """

    def __init__(self, transport: Transport):
        self.transport = transport

    def __repr__(self) -> str:
        return f"Client({self.transport!r})"

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def postgres(
        cls, dsn: str, *, user_id: UUID | str | None = None, service_role: bool = False
    ) -> Client:
        """Direct PostgreSQL, each call run as PostgREST runs a request."""
        role = "service_role" if service_role else ("authenticated" if user_id else "anon")
        return cls(PostgresTransport(dsn, role, user_id))

    @classmethod
    def supabase(cls, url: str, key: str, *, access_token: str | None = None) -> Client:
        """A Supabase project: the anon key plus a user's access token, or the service key."""
        return cls(SupabaseTransport(url, key, access_token))

    @classmethod
    def from_env(
        cls,
        *,
        user_id: UUID | str | None = None,
        access_token: str | None = None,
        service_role: bool = False,
        dsn: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Client:
        """SUPABASE_URL with SUPABASE_ANON_KEY / SUPABASE_SERVICE_ROLE_KEY when set, else
        `dsn` or DATABASE_URL, read from `env` (default: the project's `.env` overridden by
        the environment; see `agentsdb.config.project_environment`)."""
        from .config import project_environment

        env = project_environment() if env is None else env
        url = env.get("SUPABASE_URL")
        if url:
            key_name = "SUPABASE_SERVICE_ROLE_KEY" if service_role else "SUPABASE_ANON_KEY"
            key = env.get(key_name)
            if not key:
                raise ValueError(f"SUPABASE_URL is set but {key_name} is not")
            if user_id and not access_token:
                raise ValueError("with SUPABASE_URL, acting as a user needs their access token")
            return cls.supabase(url, key, access_token=access_token)
        dsn = dsn or env.get("DATABASE_URL")
        if not dsn:
            raise ValueError("set SUPABASE_URL (and keys) or DATABASE_URL")
        return cls.postgres(dsn, user_id=user_id, service_role=service_role)

    # -- plumbing -------------------------------------------------------------------------
    def _select(
        self,
        model: type[Row],
        table: str,
        filters: Sequence[Filter] = (),
        order: Sequence[Order] = (),
        limit: int | None = None,
    ) -> list:
        rows = self.transport.select(table, model.columns(), filters, order, limit)
        return [model.from_row(r) for r in rows]

    def _one(self, model: type[Row], table: str, what: str, filters: Sequence[Filter]):
        rows = self._select(model, table, filters, limit=2)
        if not rows:
            raise NotFound("P0002", f"{what}: not found or not visible to you")
        return rows[0]

    def _insert(self, model: type[Row], table: str, row: Mapping[str, Any]):
        return model.from_row(self.transport.insert(table, _only_set(row), model.columns()))

    def _update(self, model: type[Row], table: str, what: str, key: Any, values: Mapping):
        rows = self.transport.update(table, values, [eq("id", key)], model.columns())
        if not rows:
            raise NotFound("P0002", f"{what}: not found or not yours to change")
        return model.from_row(rows[0])

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
        first = [primary_feature] if primary_feature else []
        wanted = list(dict.fromkeys([*first, *features]))
        if wanted:
            # Refuse unknown features before writing anything: the agent and its mappings
            # are separate requests, and a refusal should leave no trace, not even in the
            # audit log.
            active = {f.id for f in self.list_features()}
            unknown = [f for f in wanted if f not in active]
            if unknown:
                raise InvalidInput(
                    "23503", f"features: no active feature {', '.join(map(repr, unknown))}"
                )
        agent = self._insert(
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
                "tags": list(tags) if tags is not None else None,
                "is_public": is_public,
                "is_favorite": is_favorite,
            },
        )
        try:
            for feature_id in wanted:
                self.add_agent_feature(agent.id, feature_id, primary=feature_id == primary_feature)
        except AgentsDBError:
            # Each call is its own request (PostgREST runs one statement per request), so a
            # refused feature would leave the agent without it: remove the agent (its
            # mappings cascade) and re-raise, so a refused create_agent leaves nothing.
            self.transport.delete("ai_agents", [eq("id", agent.id)])
            raise
        return agent

    def get_agent(self, agent_id: UUID | str) -> Agent:
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
        return self._update(Agent, "ai_agents", "agent_id", agent_id, fields)

    def share_agent(self, agent_id: UUID | str, public: bool = True) -> Agent:
        return self.update_agent(agent_id, is_public=public)

    def delete_agent(self, agent_id: UUID | str) -> None:
        if not self.transport.delete("ai_agents", [eq("id", agent_id)]):
            raise NotFound("P0002", "agent_id: not found or not yours to delete")

    def add_agent_feature(
        self, agent_id: UUID | str, feature_id: str, *, primary: bool = False
    ) -> FeatureMapping:
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
        """Set one configuration entry (replacing the value of an existing key)."""
        existing = self._select(
            AgentConfig,
            "ai_agent_configs",
            [eq("agent_id", agent_id), eq("config_key", key)],
        )
        values = {"config_value": JsonValue(value), "config_type": config_type}
        if description is not None:
            values["description"] = description
        if existing:
            return self._update(
                AgentConfig, "ai_agent_configs", "config_key", existing[0].id, values
            )
        return self._insert(
            AgentConfig,
            "ai_agent_configs",
            {
                "agent_id": agent_id,
                "config_key": key,
                **values,
            },
        )

    def list_agent_configs(self, agent_id: UUID | str) -> list[AgentConfig]:
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
        rows = self.transport.rpc(
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
        return self.transport.rpc(
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
                "tags": list(tags) if tags is not None else None,
                "keywords": list(keywords) if keywords is not None else None,
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
        rows = self.transport.rpc(
            "get_agent_usage_summary",
            {"agent_id": str(agent_id), "days": days},
            AgentUsageSummary.columns(),
        )
        return AgentUsageSummary.from_row(rows[0])

    def update_activity_score(self, agent_id: UUID | str) -> float:
        return float(self.transport.rpc("update_agent_activity_score", {"agent_id": str(agent_id)}))

    def refresh_usage_stats(self, day: date) -> int:
        """Service role: recompute every user's statistics for one day; rows written."""
        return int(self.transport.rpc("update_daily_usage_stats", {"target_date": day}))

    def audit_log(
        self, *, table_name: str | None = None, record_id: str | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        """Changes to the caller's data (all changes for the service role), newest first."""
        filters = [
            eq(k, v)
            for k, v in (("table_name", table_name), ("record_id", record_id))
            if v is not None
        ]
        return self._select(AuditEntry, "audit_logs", filters, [Order("id", desc=True)], limit)

    def _caller(self) -> str:
        uid = self.transport.caller_id()
        if not uid:
            raise PermissionDenied("42501", "not signed in: this needs a user")
        return uid
