"""agentsdb: the database of an AI agents platform, built SQL-first for Supabase.

The public surface: `Client` (over PostgREST with supabase-py, or directly over psycopg),
its errors (each carries the database's code) and the typed rows it returns.
"""

from .client import Client
from .errors import (
    AgentsDBError,
    BudgetExceeded,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TransportError,
)
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
    UsageStats,
    Vendor,
    VendorService,
)

__version__ = "0.1.0"

__all__ = [
    "Agent",
    "AgentConfig",
    "AgentSummary",
    "AgentUsageSummary",
    "AgentsDBError",
    "ApiKey",
    "AuditEntry",
    "BudgetExceeded",
    "Client",
    "Conflict",
    "Feature",
    "FeatureMapping",
    "InvalidInput",
    "Interaction",
    "InteractionType",
    "NotFound",
    "PermissionDenied",
    "RecentInteraction",
    "TransportError",
    "UsageStats",
    "Vendor",
    "VendorService",
    "__version__",
]
