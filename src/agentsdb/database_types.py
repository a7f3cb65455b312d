from __future__ import annotations

import datetime
import uuid
from typing import (
    Annotated,
    Any,
    List,
    Literal,
    Optional,
    TypedDict,
)
from typing_extensions import NotRequired, TypeAlias

from pydantic import BaseModel, Field, JsonValue



class PublicAgentFeatureMappings(BaseModel):
    agent_id: uuid.UUID = Field(alias="agent_id")
    created_at: datetime.datetime = Field(alias="created_at")
    feature_id: str = Field(alias="feature_id")
    id: uuid.UUID = Field(alias="id")
    is_primary: bool = Field(alias="is_primary")
    user_id: uuid.UUID = Field(alias="user_id")

class PublicAgentFeatureMappingsInsert(TypedDict):
    agent_id: Annotated[uuid.UUID, Field(alias="agent_id")]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    feature_id: Annotated[str, Field(alias="feature_id")]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    is_primary: NotRequired[Annotated[bool, Field(alias="is_primary")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicAgentFeatureMappingsUpdate(TypedDict):
    agent_id: NotRequired[Annotated[uuid.UUID, Field(alias="agent_id")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    feature_id: NotRequired[Annotated[str, Field(alias="feature_id")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    is_primary: NotRequired[Annotated[bool, Field(alias="is_primary")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicAgentFeatures(BaseModel):
    category: str = Field(alias="category")
    created_at: datetime.datetime = Field(alias="created_at")
    description: Optional[str] = Field(alias="description")
    icon: Optional[str] = Field(alias="icon")
    id: str = Field(alias="id")
    is_active: bool = Field(alias="is_active")
    name: str = Field(alias="name")
    sort_order: int = Field(alias="sort_order")
    updated_at: datetime.datetime = Field(alias="updated_at")

class PublicAgentFeaturesInsert(TypedDict):
    category: NotRequired[Annotated[str, Field(alias="category")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    description: NotRequired[Annotated[Optional[str], Field(alias="description")]]
    icon: NotRequired[Annotated[Optional[str], Field(alias="icon")]]
    id: Annotated[str, Field(alias="id")]
    is_active: NotRequired[Annotated[bool, Field(alias="is_active")]]
    name: Annotated[str, Field(alias="name")]
    sort_order: NotRequired[Annotated[int, Field(alias="sort_order")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]

class PublicAgentFeaturesUpdate(TypedDict):
    category: NotRequired[Annotated[str, Field(alias="category")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    description: NotRequired[Annotated[Optional[str], Field(alias="description")]]
    icon: NotRequired[Annotated[Optional[str], Field(alias="icon")]]
    id: NotRequired[Annotated[str, Field(alias="id")]]
    is_active: NotRequired[Annotated[bool, Field(alias="is_active")]]
    name: NotRequired[Annotated[str, Field(alias="name")]]
    sort_order: NotRequired[Annotated[int, Field(alias="sort_order")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]

class PublicAgentSchedules(BaseModel):
    active_hours: Optional[JsonValue] = Field(alias="active_hours")
    agent_id: uuid.UUID = Field(alias="agent_id")
    created_at: datetime.datetime = Field(alias="created_at")
    cron: Optional[str] = Field(alias="cron")
    id: uuid.UUID = Field(alias="id")
    is_enabled: bool = Field(alias="is_enabled")
    last_run_at: Optional[datetime.datetime] = Field(alias="last_run_at")
    next_run_at: Optional[datetime.datetime] = Field(alias="next_run_at")
    time_zone: str = Field(alias="time_zone")
    updated_at: datetime.datetime = Field(alias="updated_at")
    user_id: uuid.UUID = Field(alias="user_id")

class PublicAgentSchedulesInsert(TypedDict):
    active_hours: NotRequired[Annotated[Optional[JsonValue], Field(alias="active_hours")]]
    agent_id: Annotated[uuid.UUID, Field(alias="agent_id")]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    cron: NotRequired[Annotated[Optional[str], Field(alias="cron")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    is_enabled: NotRequired[Annotated[bool, Field(alias="is_enabled")]]
    last_run_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="last_run_at")]]
    next_run_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="next_run_at")]]
    time_zone: Annotated[str, Field(alias="time_zone")]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicAgentSchedulesUpdate(TypedDict):
    active_hours: NotRequired[Annotated[Optional[JsonValue], Field(alias="active_hours")]]
    agent_id: NotRequired[Annotated[uuid.UUID, Field(alias="agent_id")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    cron: NotRequired[Annotated[Optional[str], Field(alias="cron")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    is_enabled: NotRequired[Annotated[bool, Field(alias="is_enabled")]]
    last_run_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="last_run_at")]]
    next_run_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="next_run_at")]]
    time_zone: NotRequired[Annotated[str, Field(alias="time_zone")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicAgentStatusHistory(BaseModel):
    agent_id: uuid.UUID = Field(alias="agent_id")
    changed_at: datetime.datetime = Field(alias="changed_at")
    changed_by: Optional[uuid.UUID] = Field(alias="changed_by")
    changed_by_role: str = Field(alias="changed_by_role")
    from_status: Optional[str] = Field(alias="from_status")
    id: uuid.UUID = Field(alias="id")
    reason: Optional[str] = Field(alias="reason")
    to_status: str = Field(alias="to_status")
    user_id: uuid.UUID = Field(alias="user_id")

class PublicAgentStatusHistoryInsert(TypedDict):
    agent_id: Annotated[uuid.UUID, Field(alias="agent_id")]
    changed_at: NotRequired[Annotated[datetime.datetime, Field(alias="changed_at")]]
    changed_by: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="changed_by")]]
    changed_by_role: Annotated[str, Field(alias="changed_by_role")]
    from_status: NotRequired[Annotated[Optional[str], Field(alias="from_status")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    reason: NotRequired[Annotated[Optional[str], Field(alias="reason")]]
    to_status: Annotated[str, Field(alias="to_status")]
    user_id: Annotated[uuid.UUID, Field(alias="user_id")]

class PublicAgentStatusHistoryUpdate(TypedDict):
    agent_id: NotRequired[Annotated[uuid.UUID, Field(alias="agent_id")]]
    changed_at: NotRequired[Annotated[datetime.datetime, Field(alias="changed_at")]]
    changed_by: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="changed_by")]]
    changed_by_role: NotRequired[Annotated[str, Field(alias="changed_by_role")]]
    from_status: NotRequired[Annotated[Optional[str], Field(alias="from_status")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    reason: NotRequired[Annotated[Optional[str], Field(alias="reason")]]
    to_status: NotRequired[Annotated[str, Field(alias="to_status")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicAgentTaskAttempts(BaseModel):
    attempt: int = Field(alias="attempt")
    claimed_at: datetime.datetime = Field(alias="claimed_at")
    error: Optional[str] = Field(alias="error")
    finished_at: Optional[datetime.datetime] = Field(alias="finished_at")
    id: uuid.UUID = Field(alias="id")
    lease_expires_at: datetime.datetime = Field(alias="lease_expires_at")
    outcome: str = Field(alias="outcome")
    task_id: uuid.UUID = Field(alias="task_id")
    user_id: uuid.UUID = Field(alias="user_id")
    worker: str = Field(alias="worker")

class PublicAgentTaskAttemptsInsert(TypedDict):
    attempt: Annotated[int, Field(alias="attempt")]
    claimed_at: NotRequired[Annotated[datetime.datetime, Field(alias="claimed_at")]]
    error: NotRequired[Annotated[Optional[str], Field(alias="error")]]
    finished_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="finished_at")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    lease_expires_at: Annotated[datetime.datetime, Field(alias="lease_expires_at")]
    outcome: NotRequired[Annotated[str, Field(alias="outcome")]]
    task_id: Annotated[uuid.UUID, Field(alias="task_id")]
    user_id: Annotated[uuid.UUID, Field(alias="user_id")]
    worker: Annotated[str, Field(alias="worker")]

class PublicAgentTaskAttemptsUpdate(TypedDict):
    attempt: NotRequired[Annotated[int, Field(alias="attempt")]]
    claimed_at: NotRequired[Annotated[datetime.datetime, Field(alias="claimed_at")]]
    error: NotRequired[Annotated[Optional[str], Field(alias="error")]]
    finished_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="finished_at")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    lease_expires_at: NotRequired[Annotated[datetime.datetime, Field(alias="lease_expires_at")]]
    outcome: NotRequired[Annotated[str, Field(alias="outcome")]]
    task_id: NotRequired[Annotated[uuid.UUID, Field(alias="task_id")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]
    worker: NotRequired[Annotated[str, Field(alias="worker")]]

class PublicAgentTaskDependencies(BaseModel):
    created_at: datetime.datetime = Field(alias="created_at")
    depends_on: uuid.UUID = Field(alias="depends_on")
    id: uuid.UUID = Field(alias="id")
    satisfied: bool = Field(alias="satisfied")
    task_id: uuid.UUID = Field(alias="task_id")
    user_id: uuid.UUID = Field(alias="user_id")

class PublicAgentTaskDependenciesInsert(TypedDict):
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    depends_on: Annotated[uuid.UUID, Field(alias="depends_on")]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    satisfied: NotRequired[Annotated[bool, Field(alias="satisfied")]]
    task_id: Annotated[uuid.UUID, Field(alias="task_id")]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicAgentTaskDependenciesUpdate(TypedDict):
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    depends_on: NotRequired[Annotated[uuid.UUID, Field(alias="depends_on")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    satisfied: NotRequired[Annotated[bool, Field(alias="satisfied")]]
    task_id: NotRequired[Annotated[uuid.UUID, Field(alias="task_id")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicAgentTasks(BaseModel):
    agent_id: uuid.UUID = Field(alias="agent_id")
    attempts: int = Field(alias="attempts")
    backoff_seconds: int = Field(alias="backoff_seconds")
    claim_expires_at: Optional[datetime.datetime] = Field(alias="claim_expires_at")
    claimed_at: Optional[datetime.datetime] = Field(alias="claimed_at")
    claimed_by: Optional[str] = Field(alias="claimed_by")
    created_at: datetime.datetime = Field(alias="created_at")
    error: Optional[str] = Field(alias="error")
    finished_at: Optional[datetime.datetime] = Field(alias="finished_at")
    id: uuid.UUID = Field(alias="id")
    max_attempts: int = Field(alias="max_attempts")
    not_before: datetime.datetime = Field(alias="not_before")
    payload: JsonValue = Field(alias="payload")
    pending_dependencies: int = Field(alias="pending_dependencies")
    priority: int = Field(alias="priority")
    result: Optional[JsonValue] = Field(alias="result")
    started_at: Optional[datetime.datetime] = Field(alias="started_at")
    status: str = Field(alias="status")
    title: Optional[str] = Field(alias="title")
    updated_at: datetime.datetime = Field(alias="updated_at")
    user_id: uuid.UUID = Field(alias="user_id")

class PublicAgentTasksInsert(TypedDict):
    agent_id: Annotated[uuid.UUID, Field(alias="agent_id")]
    attempts: NotRequired[Annotated[int, Field(alias="attempts")]]
    backoff_seconds: NotRequired[Annotated[int, Field(alias="backoff_seconds")]]
    claim_expires_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="claim_expires_at")]]
    claimed_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="claimed_at")]]
    claimed_by: NotRequired[Annotated[Optional[str], Field(alias="claimed_by")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    error: NotRequired[Annotated[Optional[str], Field(alias="error")]]
    finished_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="finished_at")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    max_attempts: NotRequired[Annotated[int, Field(alias="max_attempts")]]
    not_before: NotRequired[Annotated[datetime.datetime, Field(alias="not_before")]]
    payload: NotRequired[Annotated[JsonValue, Field(alias="payload")]]
    pending_dependencies: NotRequired[Annotated[int, Field(alias="pending_dependencies")]]
    priority: NotRequired[Annotated[int, Field(alias="priority")]]
    result: NotRequired[Annotated[Optional[JsonValue], Field(alias="result")]]
    started_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="started_at")]]
    status: NotRequired[Annotated[str, Field(alias="status")]]
    title: NotRequired[Annotated[Optional[str], Field(alias="title")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicAgentTasksUpdate(TypedDict):
    agent_id: NotRequired[Annotated[uuid.UUID, Field(alias="agent_id")]]
    attempts: NotRequired[Annotated[int, Field(alias="attempts")]]
    backoff_seconds: NotRequired[Annotated[int, Field(alias="backoff_seconds")]]
    claim_expires_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="claim_expires_at")]]
    claimed_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="claimed_at")]]
    claimed_by: NotRequired[Annotated[Optional[str], Field(alias="claimed_by")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    error: NotRequired[Annotated[Optional[str], Field(alias="error")]]
    finished_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="finished_at")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    max_attempts: NotRequired[Annotated[int, Field(alias="max_attempts")]]
    not_before: NotRequired[Annotated[datetime.datetime, Field(alias="not_before")]]
    payload: NotRequired[Annotated[JsonValue, Field(alias="payload")]]
    pending_dependencies: NotRequired[Annotated[int, Field(alias="pending_dependencies")]]
    priority: NotRequired[Annotated[int, Field(alias="priority")]]
    result: NotRequired[Annotated[Optional[JsonValue], Field(alias="result")]]
    started_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="started_at")]]
    status: NotRequired[Annotated[str, Field(alias="status")]]
    title: NotRequired[Annotated[Optional[str], Field(alias="title")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicAgentUsageDaily(BaseModel):
    agent_id: uuid.UUID = Field(alias="agent_id")
    cache_write_tokens: int = Field(alias="cache_write_tokens")
    cached_input_tokens: int = Field(alias="cached_input_tokens")
    calls: int = Field(alias="calls")
    cancelled_calls: int = Field(alias="cancelled_calls")
    cost: float = Field(alias="cost")
    day: datetime.date = Field(alias="day")
    failed_calls: int = Field(alias="failed_calls")
    input_tokens: int = Field(alias="input_tokens")
    interactions: int = Field(alias="interactions")
    latency_p50_ms: Optional[int] = Field(alias="latency_p50_ms")
    latency_p95_ms: Optional[int] = Field(alias="latency_p95_ms")
    output_tokens: int = Field(alias="output_tokens")
    reasoning_tokens: int = Field(alias="reasoning_tokens")
    refreshed_at: datetime.datetime = Field(alias="refreshed_at")
    unpriced_calls: int = Field(alias="unpriced_calls")
    user_id: uuid.UUID = Field(alias="user_id")

class PublicAgentUsageDailyInsert(TypedDict):
    agent_id: Annotated[uuid.UUID, Field(alias="agent_id")]
    cache_write_tokens: Annotated[int, Field(alias="cache_write_tokens")]
    cached_input_tokens: Annotated[int, Field(alias="cached_input_tokens")]
    calls: Annotated[int, Field(alias="calls")]
    cancelled_calls: Annotated[int, Field(alias="cancelled_calls")]
    cost: Annotated[float, Field(alias="cost")]
    day: Annotated[datetime.date, Field(alias="day")]
    failed_calls: Annotated[int, Field(alias="failed_calls")]
    input_tokens: Annotated[int, Field(alias="input_tokens")]
    interactions: Annotated[int, Field(alias="interactions")]
    latency_p50_ms: NotRequired[Annotated[Optional[int], Field(alias="latency_p50_ms")]]
    latency_p95_ms: NotRequired[Annotated[Optional[int], Field(alias="latency_p95_ms")]]
    output_tokens: Annotated[int, Field(alias="output_tokens")]
    reasoning_tokens: Annotated[int, Field(alias="reasoning_tokens")]
    refreshed_at: NotRequired[Annotated[datetime.datetime, Field(alias="refreshed_at")]]
    unpriced_calls: Annotated[int, Field(alias="unpriced_calls")]
    user_id: Annotated[uuid.UUID, Field(alias="user_id")]

class PublicAgentUsageDailyUpdate(TypedDict):
    agent_id: NotRequired[Annotated[uuid.UUID, Field(alias="agent_id")]]
    cache_write_tokens: NotRequired[Annotated[int, Field(alias="cache_write_tokens")]]
    cached_input_tokens: NotRequired[Annotated[int, Field(alias="cached_input_tokens")]]
    calls: NotRequired[Annotated[int, Field(alias="calls")]]
    cancelled_calls: NotRequired[Annotated[int, Field(alias="cancelled_calls")]]
    cost: NotRequired[Annotated[float, Field(alias="cost")]]
    day: NotRequired[Annotated[datetime.date, Field(alias="day")]]
    failed_calls: NotRequired[Annotated[int, Field(alias="failed_calls")]]
    input_tokens: NotRequired[Annotated[int, Field(alias="input_tokens")]]
    interactions: NotRequired[Annotated[int, Field(alias="interactions")]]
    latency_p50_ms: NotRequired[Annotated[Optional[int], Field(alias="latency_p50_ms")]]
    latency_p95_ms: NotRequired[Annotated[Optional[int], Field(alias="latency_p95_ms")]]
    output_tokens: NotRequired[Annotated[int, Field(alias="output_tokens")]]
    reasoning_tokens: NotRequired[Annotated[int, Field(alias="reasoning_tokens")]]
    refreshed_at: NotRequired[Annotated[datetime.datetime, Field(alias="refreshed_at")]]
    unpriced_calls: NotRequired[Annotated[int, Field(alias="unpriced_calls")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicAiAgentConfigs(BaseModel):
    agent_id: uuid.UUID = Field(alias="agent_id")
    config_key: str = Field(alias="config_key")
    config_type: str = Field(alias="config_type")
    config_value: JsonValue = Field(alias="config_value")
    created_at: datetime.datetime = Field(alias="created_at")
    description: Optional[str] = Field(alias="description")
    id: uuid.UUID = Field(alias="id")
    is_encrypted: bool = Field(alias="is_encrypted")
    updated_at: datetime.datetime = Field(alias="updated_at")
    user_id: uuid.UUID = Field(alias="user_id")

class PublicAiAgentConfigsInsert(TypedDict):
    agent_id: Annotated[uuid.UUID, Field(alias="agent_id")]
    config_key: Annotated[str, Field(alias="config_key")]
    config_type: NotRequired[Annotated[str, Field(alias="config_type")]]
    config_value: Annotated[JsonValue, Field(alias="config_value")]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    description: NotRequired[Annotated[Optional[str], Field(alias="description")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    is_encrypted: NotRequired[Annotated[bool, Field(alias="is_encrypted")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicAiAgentConfigsUpdate(TypedDict):
    agent_id: NotRequired[Annotated[uuid.UUID, Field(alias="agent_id")]]
    config_key: NotRequired[Annotated[str, Field(alias="config_key")]]
    config_type: NotRequired[Annotated[str, Field(alias="config_type")]]
    config_value: NotRequired[Annotated[JsonValue, Field(alias="config_value")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    description: NotRequired[Annotated[Optional[str], Field(alias="description")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    is_encrypted: NotRequired[Annotated[bool, Field(alias="is_encrypted")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicAiAgents(BaseModel):
    activity_score: float = Field(alias="activity_score")
    capabilities: JsonValue = Field(alias="capabilities")
    configuration: JsonValue = Field(alias="configuration")
    created_at: datetime.datetime = Field(alias="created_at")
    description: Optional[str] = Field(alias="description")
    id: uuid.UUID = Field(alias="id")
    is_active: bool = Field(alias="is_active")
    is_favorite: bool = Field(alias="is_favorite")
    is_public: bool = Field(alias="is_public")
    last_used_at: Optional[datetime.datetime] = Field(alias="last_used_at")
    model_name: Optional[str] = Field(alias="model_name")
    name: str = Field(alias="name")
    notes: Optional[str] = Field(alias="notes")
    service_id: Optional[str] = Field(alias="service_id")
    status: str = Field(alias="status")
    system_prompt: Optional[str] = Field(alias="system_prompt")
    tags: List[str] = Field(alias="tags")
    updated_at: datetime.datetime = Field(alias="updated_at")
    usage_count: int = Field(alias="usage_count")
    user_id: uuid.UUID = Field(alias="user_id")
    vendor_id: str = Field(alias="vendor_id")

class PublicAiAgentsInsert(TypedDict):
    activity_score: NotRequired[Annotated[float, Field(alias="activity_score")]]
    capabilities: NotRequired[Annotated[JsonValue, Field(alias="capabilities")]]
    configuration: NotRequired[Annotated[JsonValue, Field(alias="configuration")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    description: NotRequired[Annotated[Optional[str], Field(alias="description")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    is_active: NotRequired[Annotated[bool, Field(alias="is_active")]]
    is_favorite: NotRequired[Annotated[bool, Field(alias="is_favorite")]]
    is_public: NotRequired[Annotated[bool, Field(alias="is_public")]]
    last_used_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="last_used_at")]]
    model_name: NotRequired[Annotated[Optional[str], Field(alias="model_name")]]
    name: Annotated[str, Field(alias="name")]
    notes: NotRequired[Annotated[Optional[str], Field(alias="notes")]]
    service_id: NotRequired[Annotated[Optional[str], Field(alias="service_id")]]
    status: NotRequired[Annotated[str, Field(alias="status")]]
    system_prompt: NotRequired[Annotated[Optional[str], Field(alias="system_prompt")]]
    tags: NotRequired[Annotated[List[str], Field(alias="tags")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    usage_count: NotRequired[Annotated[int, Field(alias="usage_count")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]
    vendor_id: Annotated[str, Field(alias="vendor_id")]

class PublicAiAgentsUpdate(TypedDict):
    activity_score: NotRequired[Annotated[float, Field(alias="activity_score")]]
    capabilities: NotRequired[Annotated[JsonValue, Field(alias="capabilities")]]
    configuration: NotRequired[Annotated[JsonValue, Field(alias="configuration")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    description: NotRequired[Annotated[Optional[str], Field(alias="description")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    is_active: NotRequired[Annotated[bool, Field(alias="is_active")]]
    is_favorite: NotRequired[Annotated[bool, Field(alias="is_favorite")]]
    is_public: NotRequired[Annotated[bool, Field(alias="is_public")]]
    last_used_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="last_used_at")]]
    model_name: NotRequired[Annotated[Optional[str], Field(alias="model_name")]]
    name: NotRequired[Annotated[str, Field(alias="name")]]
    notes: NotRequired[Annotated[Optional[str], Field(alias="notes")]]
    service_id: NotRequired[Annotated[Optional[str], Field(alias="service_id")]]
    status: NotRequired[Annotated[str, Field(alias="status")]]
    system_prompt: NotRequired[Annotated[Optional[str], Field(alias="system_prompt")]]
    tags: NotRequired[Annotated[List[str], Field(alias="tags")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    usage_count: NotRequired[Annotated[int, Field(alias="usage_count")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]
    vendor_id: NotRequired[Annotated[str, Field(alias="vendor_id")]]

class PublicAiInteractions(BaseModel):
    agent_id: uuid.UUID = Field(alias="agent_id")
    content_preview: Optional[str] = Field(alias="content_preview")
    created_at: datetime.datetime = Field(alias="created_at")
    description: Optional[str] = Field(alias="description")
    duration_minutes: Optional[int] = Field(alias="duration_minutes")
    ended_at: Optional[datetime.datetime] = Field(alias="ended_at")
    external_id: Optional[str] = Field(alias="external_id")
    external_link: Optional[str] = Field(alias="external_link")
    external_metadata: JsonValue = Field(alias="external_metadata")
    feedback_notes: Optional[str] = Field(alias="feedback_notes")
    full_content: Optional[str] = Field(alias="full_content")
    id: uuid.UUID = Field(alias="id")
    input_tokens: int = Field(alias="input_tokens")
    interaction_type_id: Optional[str] = Field(alias="interaction_type_id")
    keywords: List[str] = Field(alias="keywords")
    output_tokens: int = Field(alias="output_tokens")
    satisfaction_rating: Optional[int] = Field(alias="satisfaction_rating")
    service_id: Optional[str] = Field(alias="service_id")
    started_at: datetime.datetime = Field(alias="started_at")
    status: str = Field(alias="status")
    tags: List[str] = Field(alias="tags")
    title: str = Field(alias="title")
    total_cost: Optional[float] = Field(alias="total_cost")
    updated_at: datetime.datetime = Field(alias="updated_at")
    usefulness_rating: Optional[int] = Field(alias="usefulness_rating")
    user_id: uuid.UUID = Field(alias="user_id")
    vendor_id: Optional[str] = Field(alias="vendor_id")

class PublicAiInteractionsInsert(TypedDict):
    agent_id: Annotated[uuid.UUID, Field(alias="agent_id")]
    content_preview: NotRequired[Annotated[Optional[str], Field(alias="content_preview")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    description: NotRequired[Annotated[Optional[str], Field(alias="description")]]
    duration_minutes: NotRequired[Annotated[Optional[int], Field(alias="duration_minutes")]]
    ended_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="ended_at")]]
    external_id: NotRequired[Annotated[Optional[str], Field(alias="external_id")]]
    external_link: NotRequired[Annotated[Optional[str], Field(alias="external_link")]]
    external_metadata: NotRequired[Annotated[JsonValue, Field(alias="external_metadata")]]
    feedback_notes: NotRequired[Annotated[Optional[str], Field(alias="feedback_notes")]]
    full_content: NotRequired[Annotated[Optional[str], Field(alias="full_content")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    input_tokens: NotRequired[Annotated[int, Field(alias="input_tokens")]]
    interaction_type_id: NotRequired[Annotated[Optional[str], Field(alias="interaction_type_id")]]
    keywords: NotRequired[Annotated[List[str], Field(alias="keywords")]]
    output_tokens: NotRequired[Annotated[int, Field(alias="output_tokens")]]
    satisfaction_rating: NotRequired[Annotated[Optional[int], Field(alias="satisfaction_rating")]]
    service_id: NotRequired[Annotated[Optional[str], Field(alias="service_id")]]
    started_at: NotRequired[Annotated[datetime.datetime, Field(alias="started_at")]]
    status: NotRequired[Annotated[str, Field(alias="status")]]
    tags: NotRequired[Annotated[List[str], Field(alias="tags")]]
    title: Annotated[str, Field(alias="title")]
    total_cost: NotRequired[Annotated[Optional[float], Field(alias="total_cost")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    usefulness_rating: NotRequired[Annotated[Optional[int], Field(alias="usefulness_rating")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]
    vendor_id: NotRequired[Annotated[Optional[str], Field(alias="vendor_id")]]

class PublicAiInteractionsUpdate(TypedDict):
    agent_id: NotRequired[Annotated[uuid.UUID, Field(alias="agent_id")]]
    content_preview: NotRequired[Annotated[Optional[str], Field(alias="content_preview")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    description: NotRequired[Annotated[Optional[str], Field(alias="description")]]
    duration_minutes: NotRequired[Annotated[Optional[int], Field(alias="duration_minutes")]]
    ended_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="ended_at")]]
    external_id: NotRequired[Annotated[Optional[str], Field(alias="external_id")]]
    external_link: NotRequired[Annotated[Optional[str], Field(alias="external_link")]]
    external_metadata: NotRequired[Annotated[JsonValue, Field(alias="external_metadata")]]
    feedback_notes: NotRequired[Annotated[Optional[str], Field(alias="feedback_notes")]]
    full_content: NotRequired[Annotated[Optional[str], Field(alias="full_content")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    input_tokens: NotRequired[Annotated[int, Field(alias="input_tokens")]]
    interaction_type_id: NotRequired[Annotated[Optional[str], Field(alias="interaction_type_id")]]
    keywords: NotRequired[Annotated[List[str], Field(alias="keywords")]]
    output_tokens: NotRequired[Annotated[int, Field(alias="output_tokens")]]
    satisfaction_rating: NotRequired[Annotated[Optional[int], Field(alias="satisfaction_rating")]]
    service_id: NotRequired[Annotated[Optional[str], Field(alias="service_id")]]
    started_at: NotRequired[Annotated[datetime.datetime, Field(alias="started_at")]]
    status: NotRequired[Annotated[str, Field(alias="status")]]
    tags: NotRequired[Annotated[List[str], Field(alias="tags")]]
    title: NotRequired[Annotated[str, Field(alias="title")]]
    total_cost: NotRequired[Annotated[Optional[float], Field(alias="total_cost")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    usefulness_rating: NotRequired[Annotated[Optional[int], Field(alias="usefulness_rating")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]
    vendor_id: NotRequired[Annotated[Optional[str], Field(alias="vendor_id")]]

class PublicAiUsageStats(BaseModel):
    avg_satisfaction: Optional[float] = Field(alias="avg_satisfaction")
    avg_usefulness: Optional[float] = Field(alias="avg_usefulness")
    created_at: datetime.datetime = Field(alias="created_at")
    date: datetime.date = Field(alias="date")
    feature_usage: JsonValue = Field(alias="feature_usage")
    id: uuid.UUID = Field(alias="id")
    total_cost: float = Field(alias="total_cost")
    total_duration_minutes: int = Field(alias="total_duration_minutes")
    total_input_tokens: int = Field(alias="total_input_tokens")
    total_interactions: int = Field(alias="total_interactions")
    total_output_tokens: int = Field(alias="total_output_tokens")
    unique_agents_used: int = Field(alias="unique_agents_used")
    unpriced_events: int = Field(alias="unpriced_events")
    updated_at: datetime.datetime = Field(alias="updated_at")
    user_id: uuid.UUID = Field(alias="user_id")
    vendor_usage: JsonValue = Field(alias="vendor_usage")

class PublicAiUsageStatsInsert(TypedDict):
    avg_satisfaction: NotRequired[Annotated[Optional[float], Field(alias="avg_satisfaction")]]
    avg_usefulness: NotRequired[Annotated[Optional[float], Field(alias="avg_usefulness")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    date: Annotated[datetime.date, Field(alias="date")]
    feature_usage: NotRequired[Annotated[JsonValue, Field(alias="feature_usage")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    total_cost: NotRequired[Annotated[float, Field(alias="total_cost")]]
    total_duration_minutes: NotRequired[Annotated[int, Field(alias="total_duration_minutes")]]
    total_input_tokens: NotRequired[Annotated[int, Field(alias="total_input_tokens")]]
    total_interactions: NotRequired[Annotated[int, Field(alias="total_interactions")]]
    total_output_tokens: NotRequired[Annotated[int, Field(alias="total_output_tokens")]]
    unique_agents_used: NotRequired[Annotated[int, Field(alias="unique_agents_used")]]
    unpriced_events: NotRequired[Annotated[int, Field(alias="unpriced_events")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    user_id: Annotated[uuid.UUID, Field(alias="user_id")]
    vendor_usage: NotRequired[Annotated[JsonValue, Field(alias="vendor_usage")]]

class PublicAiUsageStatsUpdate(TypedDict):
    avg_satisfaction: NotRequired[Annotated[Optional[float], Field(alias="avg_satisfaction")]]
    avg_usefulness: NotRequired[Annotated[Optional[float], Field(alias="avg_usefulness")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    date: NotRequired[Annotated[datetime.date, Field(alias="date")]]
    feature_usage: NotRequired[Annotated[JsonValue, Field(alias="feature_usage")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    total_cost: NotRequired[Annotated[float, Field(alias="total_cost")]]
    total_duration_minutes: NotRequired[Annotated[int, Field(alias="total_duration_minutes")]]
    total_input_tokens: NotRequired[Annotated[int, Field(alias="total_input_tokens")]]
    total_interactions: NotRequired[Annotated[int, Field(alias="total_interactions")]]
    total_output_tokens: NotRequired[Annotated[int, Field(alias="total_output_tokens")]]
    unique_agents_used: NotRequired[Annotated[int, Field(alias="unique_agents_used")]]
    unpriced_events: NotRequired[Annotated[int, Field(alias="unpriced_events")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]
    vendor_usage: NotRequired[Annotated[JsonValue, Field(alias="vendor_usage")]]

class PublicAuditLogs(BaseModel):
    action: str = Field(alias="action")
    actor_id: Optional[uuid.UUID] = Field(alias="actor_id")
    actor_role: str = Field(alias="actor_role")
    id: uuid.UUID = Field(alias="id")
    new_row: Optional[JsonValue] = Field(alias="new_row")
    occurred_at: datetime.datetime = Field(alias="occurred_at")
    old_row: Optional[JsonValue] = Field(alias="old_row")
    owner_id: Optional[uuid.UUID] = Field(alias="owner_id")
    record_id: str = Field(alias="record_id")
    recorded_at: datetime.datetime = Field(alias="recorded_at")
    table_name: str = Field(alias="table_name")
    transaction_id: uuid.UUID = Field(alias="transaction_id")

class PublicAuditLogsInsert(TypedDict):
    action: Annotated[str, Field(alias="action")]
    actor_id: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="actor_id")]]
    actor_role: Annotated[str, Field(alias="actor_role")]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    new_row: NotRequired[Annotated[Optional[JsonValue], Field(alias="new_row")]]
    occurred_at: NotRequired[Annotated[datetime.datetime, Field(alias="occurred_at")]]
    old_row: NotRequired[Annotated[Optional[JsonValue], Field(alias="old_row")]]
    owner_id: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="owner_id")]]
    record_id: Annotated[str, Field(alias="record_id")]
    recorded_at: NotRequired[Annotated[datetime.datetime, Field(alias="recorded_at")]]
    table_name: Annotated[str, Field(alias="table_name")]
    transaction_id: NotRequired[Annotated[uuid.UUID, Field(alias="transaction_id")]]

class PublicAuditLogsUpdate(TypedDict):
    action: NotRequired[Annotated[str, Field(alias="action")]]
    actor_id: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="actor_id")]]
    actor_role: NotRequired[Annotated[str, Field(alias="actor_role")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    new_row: NotRequired[Annotated[Optional[JsonValue], Field(alias="new_row")]]
    occurred_at: NotRequired[Annotated[datetime.datetime, Field(alias="occurred_at")]]
    old_row: NotRequired[Annotated[Optional[JsonValue], Field(alias="old_row")]]
    owner_id: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="owner_id")]]
    record_id: NotRequired[Annotated[str, Field(alias="record_id")]]
    recorded_at: NotRequired[Annotated[datetime.datetime, Field(alias="recorded_at")]]
    table_name: NotRequired[Annotated[str, Field(alias="table_name")]]
    transaction_id: NotRequired[Annotated[uuid.UUID, Field(alias="transaction_id")]]

class PublicBudgetAlerts(BaseModel):
    acknowledged_at: Optional[datetime.datetime] = Field(alias="acknowledged_at")
    budget_id: uuid.UUID = Field(alias="budget_id")
    created_at: datetime.datetime = Field(alias="created_at")
    id: uuid.UUID = Field(alias="id")
    limit_amount: float = Field(alias="limit_amount")
    period_start: Optional[datetime.date] = Field(alias="period_start")
    spent: float = Field(alias="spent")
    threshold: float = Field(alias="threshold")
    user_id: uuid.UUID = Field(alias="user_id")

class PublicBudgetAlertsInsert(TypedDict):
    acknowledged_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="acknowledged_at")]]
    budget_id: Annotated[uuid.UUID, Field(alias="budget_id")]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    limit_amount: Annotated[float, Field(alias="limit_amount")]
    period_start: NotRequired[Annotated[Optional[datetime.date], Field(alias="period_start")]]
    spent: Annotated[float, Field(alias="spent")]
    threshold: Annotated[float, Field(alias="threshold")]
    user_id: Annotated[uuid.UUID, Field(alias="user_id")]

class PublicBudgetAlertsUpdate(TypedDict):
    acknowledged_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="acknowledged_at")]]
    budget_id: NotRequired[Annotated[uuid.UUID, Field(alias="budget_id")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    limit_amount: NotRequired[Annotated[float, Field(alias="limit_amount")]]
    period_start: NotRequired[Annotated[Optional[datetime.date], Field(alias="period_start")]]
    spent: NotRequired[Annotated[float, Field(alias="spent")]]
    threshold: NotRequired[Annotated[float, Field(alias="threshold")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicBudgetReservations(BaseModel):
    actual_cost: Optional[float] = Field(alias="actual_cost")
    agent_id: uuid.UUID = Field(alias="agent_id")
    created_at: datetime.datetime = Field(alias="created_at")
    estimated_cost: float = Field(alias="estimated_cost")
    expires_at: datetime.datetime = Field(alias="expires_at")
    id: uuid.UUID = Field(alias="id")
    model_call_id: Optional[uuid.UUID] = Field(alias="model_call_id")
    service_id: Optional[str] = Field(alias="service_id")
    settled_at: Optional[datetime.datetime] = Field(alias="settled_at")
    user_id: uuid.UUID = Field(alias="user_id")
    vendor_id: str = Field(alias="vendor_id")

class PublicBudgetReservationsInsert(TypedDict):
    actual_cost: NotRequired[Annotated[Optional[float], Field(alias="actual_cost")]]
    agent_id: Annotated[uuid.UUID, Field(alias="agent_id")]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    estimated_cost: Annotated[float, Field(alias="estimated_cost")]
    expires_at: Annotated[datetime.datetime, Field(alias="expires_at")]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    model_call_id: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="model_call_id")]]
    service_id: NotRequired[Annotated[Optional[str], Field(alias="service_id")]]
    settled_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="settled_at")]]
    user_id: Annotated[uuid.UUID, Field(alias="user_id")]
    vendor_id: Annotated[str, Field(alias="vendor_id")]

class PublicBudgetReservationsUpdate(TypedDict):
    actual_cost: NotRequired[Annotated[Optional[float], Field(alias="actual_cost")]]
    agent_id: NotRequired[Annotated[uuid.UUID, Field(alias="agent_id")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    estimated_cost: NotRequired[Annotated[float, Field(alias="estimated_cost")]]
    expires_at: NotRequired[Annotated[datetime.datetime, Field(alias="expires_at")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    model_call_id: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="model_call_id")]]
    service_id: NotRequired[Annotated[Optional[str], Field(alias="service_id")]]
    settled_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="settled_at")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]
    vendor_id: NotRequired[Annotated[str, Field(alias="vendor_id")]]

class PublicBudgets(BaseModel):
    agent_id: Optional[uuid.UUID] = Field(alias="agent_id")
    created_at: datetime.datetime = Field(alias="created_at")
    id: uuid.UUID = Field(alias="id")
    is_hard: bool = Field(alias="is_hard")
    limit_amount: float = Field(alias="limit_amount")
    name: str = Field(alias="name")
    period: str = Field(alias="period")
    scope: str = Field(alias="scope")
    service_id: Optional[str] = Field(alias="service_id")
    thresholds: List[float] = Field(alias="thresholds")
    updated_at: datetime.datetime = Field(alias="updated_at")
    user_id: uuid.UUID = Field(alias="user_id")
    vendor_id: Optional[str] = Field(alias="vendor_id")

class PublicBudgetsInsert(TypedDict):
    agent_id: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="agent_id")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    is_hard: NotRequired[Annotated[bool, Field(alias="is_hard")]]
    limit_amount: Annotated[float, Field(alias="limit_amount")]
    name: Annotated[str, Field(alias="name")]
    period: NotRequired[Annotated[str, Field(alias="period")]]
    scope: NotRequired[Annotated[str, Field(alias="scope")]]
    service_id: NotRequired[Annotated[Optional[str], Field(alias="service_id")]]
    thresholds: NotRequired[Annotated[List[float], Field(alias="thresholds")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]
    vendor_id: NotRequired[Annotated[Optional[str], Field(alias="vendor_id")]]

class PublicBudgetsUpdate(TypedDict):
    agent_id: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="agent_id")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    is_hard: NotRequired[Annotated[bool, Field(alias="is_hard")]]
    limit_amount: NotRequired[Annotated[float, Field(alias="limit_amount")]]
    name: NotRequired[Annotated[str, Field(alias="name")]]
    period: NotRequired[Annotated[str, Field(alias="period")]]
    scope: NotRequired[Annotated[str, Field(alias="scope")]]
    service_id: NotRequired[Annotated[Optional[str], Field(alias="service_id")]]
    thresholds: NotRequired[Annotated[List[float], Field(alias="thresholds")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]
    vendor_id: NotRequired[Annotated[Optional[str], Field(alias="vendor_id")]]

class PublicInteractionMessages(BaseModel):
    content: Optional[str] = Field(alias="content")
    content_purged_at: Optional[datetime.datetime] = Field(alias="content_purged_at")
    content_search: Optional[PgCatalogTsvector] = Field(alias="content_search")
    created_at: datetime.datetime = Field(alias="created_at")
    id: uuid.UUID = Field(alias="id")
    interaction_id: uuid.UUID = Field(alias="interaction_id")
    metadata: JsonValue = Field(alias="metadata")
    model_call_id: Optional[uuid.UUID] = Field(alias="model_call_id")
    position: int = Field(alias="position")
    role: str = Field(alias="role")
    tokens: int = Field(alias="tokens")
    user_id: uuid.UUID = Field(alias="user_id")

class PublicInteractionMessagesInsert(TypedDict):
    content: NotRequired[Annotated[Optional[str], Field(alias="content")]]
    content_purged_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="content_purged_at")]]
    content_search: NotRequired[Annotated[Optional[PgCatalogTsvector], Field(alias="content_search")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    interaction_id: Annotated[uuid.UUID, Field(alias="interaction_id")]
    metadata: NotRequired[Annotated[JsonValue, Field(alias="metadata")]]
    model_call_id: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="model_call_id")]]
    position: Annotated[int, Field(alias="position")]
    role: Annotated[str, Field(alias="role")]
    tokens: NotRequired[Annotated[int, Field(alias="tokens")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicInteractionMessagesUpdate(TypedDict):
    content: NotRequired[Annotated[Optional[str], Field(alias="content")]]
    content_purged_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="content_purged_at")]]
    content_search: NotRequired[Annotated[Optional[PgCatalogTsvector], Field(alias="content_search")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    interaction_id: NotRequired[Annotated[uuid.UUID, Field(alias="interaction_id")]]
    metadata: NotRequired[Annotated[JsonValue, Field(alias="metadata")]]
    model_call_id: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="model_call_id")]]
    position: NotRequired[Annotated[int, Field(alias="position")]]
    role: NotRequired[Annotated[str, Field(alias="role")]]
    tokens: NotRequired[Annotated[int, Field(alias="tokens")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicInteractionTypes(BaseModel):
    category: str = Field(alias="category")
    color: Optional[str] = Field(alias="color")
    created_at: datetime.datetime = Field(alias="created_at")
    description: Optional[str] = Field(alias="description")
    icon: Optional[str] = Field(alias="icon")
    id: str = Field(alias="id")
    is_active: bool = Field(alias="is_active")
    name: str = Field(alias="name")
    sort_order: int = Field(alias="sort_order")
    updated_at: datetime.datetime = Field(alias="updated_at")

class PublicInteractionTypesInsert(TypedDict):
    category: NotRequired[Annotated[str, Field(alias="category")]]
    color: NotRequired[Annotated[Optional[str], Field(alias="color")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    description: NotRequired[Annotated[Optional[str], Field(alias="description")]]
    icon: NotRequired[Annotated[Optional[str], Field(alias="icon")]]
    id: Annotated[str, Field(alias="id")]
    is_active: NotRequired[Annotated[bool, Field(alias="is_active")]]
    name: Annotated[str, Field(alias="name")]
    sort_order: NotRequired[Annotated[int, Field(alias="sort_order")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]

class PublicInteractionTypesUpdate(TypedDict):
    category: NotRequired[Annotated[str, Field(alias="category")]]
    color: NotRequired[Annotated[Optional[str], Field(alias="color")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    description: NotRequired[Annotated[Optional[str], Field(alias="description")]]
    icon: NotRequired[Annotated[Optional[str], Field(alias="icon")]]
    id: NotRequired[Annotated[str, Field(alias="id")]]
    is_active: NotRequired[Annotated[bool, Field(alias="is_active")]]
    name: NotRequired[Annotated[str, Field(alias="name")]]
    sort_order: NotRequired[Annotated[int, Field(alias="sort_order")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]

class PublicModelCalls(BaseModel):
    agent_id: uuid.UUID = Field(alias="agent_id")
    cache_write_tokens: int = Field(alias="cache_write_tokens")
    cached_input_tokens: int = Field(alias="cached_input_tokens")
    cost: Optional[float] = Field(alias="cost")
    cost_supplied: bool = Field(alias="cost_supplied")
    created_at: datetime.datetime = Field(alias="created_at")
    ended_at: Optional[datetime.datetime] = Field(alias="ended_at")
    error_code: Optional[str] = Field(alias="error_code")
    error_message: Optional[str] = Field(alias="error_message")
    id: uuid.UUID = Field(alias="id")
    idempotency_key: Optional[str] = Field(alias="idempotency_key")
    input_tokens: int = Field(alias="input_tokens")
    interaction_id: Optional[uuid.UUID] = Field(alias="interaction_id")
    latency_ms: Optional[int] = Field(alias="latency_ms")
    metadata: JsonValue = Field(alias="metadata")
    model_name: Optional[str] = Field(alias="model_name")
    output_tokens: int = Field(alias="output_tokens")
    price_id: Optional[str] = Field(alias="price_id")
    reasoning_tokens: int = Field(alias="reasoning_tokens")
    service_id: Optional[str] = Field(alias="service_id")
    started_at: datetime.datetime = Field(alias="started_at")
    status: str = Field(alias="status")
    time_to_first_token_ms: Optional[int] = Field(alias="time_to_first_token_ms")
    user_id: uuid.UUID = Field(alias="user_id")
    vendor_id: str = Field(alias="vendor_id")

class PublicModelCallsInsert(TypedDict):
    agent_id: Annotated[uuid.UUID, Field(alias="agent_id")]
    cache_write_tokens: NotRequired[Annotated[int, Field(alias="cache_write_tokens")]]
    cached_input_tokens: NotRequired[Annotated[int, Field(alias="cached_input_tokens")]]
    cost: NotRequired[Annotated[Optional[float], Field(alias="cost")]]
    cost_supplied: NotRequired[Annotated[bool, Field(alias="cost_supplied")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    ended_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="ended_at")]]
    error_code: NotRequired[Annotated[Optional[str], Field(alias="error_code")]]
    error_message: NotRequired[Annotated[Optional[str], Field(alias="error_message")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    idempotency_key: NotRequired[Annotated[Optional[str], Field(alias="idempotency_key")]]
    input_tokens: NotRequired[Annotated[int, Field(alias="input_tokens")]]
    interaction_id: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="interaction_id")]]
    latency_ms: NotRequired[Annotated[Optional[int], Field(alias="latency_ms")]]
    metadata: NotRequired[Annotated[JsonValue, Field(alias="metadata")]]
    model_name: NotRequired[Annotated[Optional[str], Field(alias="model_name")]]
    output_tokens: NotRequired[Annotated[int, Field(alias="output_tokens")]]
    price_id: NotRequired[Annotated[Optional[str], Field(alias="price_id")]]
    reasoning_tokens: NotRequired[Annotated[int, Field(alias="reasoning_tokens")]]
    service_id: NotRequired[Annotated[Optional[str], Field(alias="service_id")]]
    started_at: NotRequired[Annotated[datetime.datetime, Field(alias="started_at")]]
    status: NotRequired[Annotated[str, Field(alias="status")]]
    time_to_first_token_ms: NotRequired[Annotated[Optional[int], Field(alias="time_to_first_token_ms")]]
    user_id: Annotated[uuid.UUID, Field(alias="user_id")]
    vendor_id: Annotated[str, Field(alias="vendor_id")]

class PublicModelCallsUpdate(TypedDict):
    agent_id: NotRequired[Annotated[uuid.UUID, Field(alias="agent_id")]]
    cache_write_tokens: NotRequired[Annotated[int, Field(alias="cache_write_tokens")]]
    cached_input_tokens: NotRequired[Annotated[int, Field(alias="cached_input_tokens")]]
    cost: NotRequired[Annotated[Optional[float], Field(alias="cost")]]
    cost_supplied: NotRequired[Annotated[bool, Field(alias="cost_supplied")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    ended_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="ended_at")]]
    error_code: NotRequired[Annotated[Optional[str], Field(alias="error_code")]]
    error_message: NotRequired[Annotated[Optional[str], Field(alias="error_message")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    idempotency_key: NotRequired[Annotated[Optional[str], Field(alias="idempotency_key")]]
    input_tokens: NotRequired[Annotated[int, Field(alias="input_tokens")]]
    interaction_id: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="interaction_id")]]
    latency_ms: NotRequired[Annotated[Optional[int], Field(alias="latency_ms")]]
    metadata: NotRequired[Annotated[JsonValue, Field(alias="metadata")]]
    model_name: NotRequired[Annotated[Optional[str], Field(alias="model_name")]]
    output_tokens: NotRequired[Annotated[int, Field(alias="output_tokens")]]
    price_id: NotRequired[Annotated[Optional[str], Field(alias="price_id")]]
    reasoning_tokens: NotRequired[Annotated[int, Field(alias="reasoning_tokens")]]
    service_id: NotRequired[Annotated[Optional[str], Field(alias="service_id")]]
    started_at: NotRequired[Annotated[datetime.datetime, Field(alias="started_at")]]
    status: NotRequired[Annotated[str, Field(alias="status")]]
    time_to_first_token_ms: NotRequired[Annotated[Optional[int], Field(alias="time_to_first_token_ms")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]
    vendor_id: NotRequired[Annotated[str, Field(alias="vendor_id")]]

class PublicServicePrices(BaseModel):
    cache_write_per_million: Optional[float] = Field(alias="cache_write_per_million")
    cached_input_per_million: Optional[float] = Field(alias="cached_input_per_million")
    created_at: datetime.datetime = Field(alias="created_at")
    currency: str = Field(alias="currency")
    id: str = Field(alias="id")
    input_per_million: Optional[float] = Field(alias="input_per_million")
    listed_on: Optional[datetime.date] = Field(alias="listed_on")
    notes: Optional[str] = Field(alias="notes")
    output_per_million: Optional[float] = Field(alias="output_per_million")
    per_request: Optional[float] = Field(alias="per_request")
    reasoning_per_million: Optional[float] = Field(alias="reasoning_per_million")
    service_id: str = Field(alias="service_id")
    source_url: Optional[str] = Field(alias="source_url")
    updated_at: datetime.datetime = Field(alias="updated_at")
    valid_during: Optional[str] = Field(alias="valid_during")
    valid_from: datetime.datetime = Field(alias="valid_from")
    valid_until: Optional[datetime.datetime] = Field(alias="valid_until")

class PublicServicePricesInsert(TypedDict):
    cache_write_per_million: NotRequired[Annotated[Optional[float], Field(alias="cache_write_per_million")]]
    cached_input_per_million: NotRequired[Annotated[Optional[float], Field(alias="cached_input_per_million")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    currency: NotRequired[Annotated[str, Field(alias="currency")]]
    id: Annotated[str, Field(alias="id")]
    input_per_million: NotRequired[Annotated[Optional[float], Field(alias="input_per_million")]]
    listed_on: NotRequired[Annotated[Optional[datetime.date], Field(alias="listed_on")]]
    notes: NotRequired[Annotated[Optional[str], Field(alias="notes")]]
    output_per_million: NotRequired[Annotated[Optional[float], Field(alias="output_per_million")]]
    per_request: NotRequired[Annotated[Optional[float], Field(alias="per_request")]]
    reasoning_per_million: NotRequired[Annotated[Optional[float], Field(alias="reasoning_per_million")]]
    service_id: Annotated[str, Field(alias="service_id")]
    source_url: NotRequired[Annotated[Optional[str], Field(alias="source_url")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    valid_during: NotRequired[Annotated[Optional[str], Field(alias="valid_during")]]
    valid_from: Annotated[datetime.datetime, Field(alias="valid_from")]
    valid_until: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="valid_until")]]

class PublicServicePricesUpdate(TypedDict):
    cache_write_per_million: NotRequired[Annotated[Optional[float], Field(alias="cache_write_per_million")]]
    cached_input_per_million: NotRequired[Annotated[Optional[float], Field(alias="cached_input_per_million")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    currency: NotRequired[Annotated[str, Field(alias="currency")]]
    id: NotRequired[Annotated[str, Field(alias="id")]]
    input_per_million: NotRequired[Annotated[Optional[float], Field(alias="input_per_million")]]
    listed_on: NotRequired[Annotated[Optional[datetime.date], Field(alias="listed_on")]]
    notes: NotRequired[Annotated[Optional[str], Field(alias="notes")]]
    output_per_million: NotRequired[Annotated[Optional[float], Field(alias="output_per_million")]]
    per_request: NotRequired[Annotated[Optional[float], Field(alias="per_request")]]
    reasoning_per_million: NotRequired[Annotated[Optional[float], Field(alias="reasoning_per_million")]]
    service_id: NotRequired[Annotated[str, Field(alias="service_id")]]
    source_url: NotRequired[Annotated[Optional[str], Field(alias="source_url")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    valid_during: NotRequired[Annotated[Optional[str], Field(alias="valid_during")]]
    valid_from: NotRequired[Annotated[datetime.datetime, Field(alias="valid_from")]]
    valid_until: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="valid_until")]]

class PublicUsageCorrections(BaseModel):
    corrected_at: datetime.datetime = Field(alias="corrected_at")
    corrected_by: Optional[uuid.UUID] = Field(alias="corrected_by")
    corrected_by_role: str = Field(alias="corrected_by_role")
    id: uuid.UUID = Field(alias="id")
    interaction_id: Optional[uuid.UUID] = Field(alias="interaction_id")
    kind: str = Field(alias="kind")
    new_cost: Optional[float] = Field(alias="new_cost")
    new_input_tokens: Optional[int] = Field(alias="new_input_tokens")
    new_output_tokens: Optional[int] = Field(alias="new_output_tokens")
    new_service_id: Optional[str] = Field(alias="new_service_id")
    new_started_at: Optional[datetime.datetime] = Field(alias="new_started_at")
    new_unpriced: Optional[int] = Field(alias="new_unpriced")
    new_vendor_id: Optional[str] = Field(alias="new_vendor_id")
    old_cost: Optional[float] = Field(alias="old_cost")
    old_input_tokens: Optional[int] = Field(alias="old_input_tokens")
    old_output_tokens: Optional[int] = Field(alias="old_output_tokens")
    old_service_id: Optional[str] = Field(alias="old_service_id")
    old_started_at: Optional[datetime.datetime] = Field(alias="old_started_at")
    old_unpriced: Optional[int] = Field(alias="old_unpriced")
    old_vendor_id: Optional[str] = Field(alias="old_vendor_id")
    range_from: Optional[datetime.datetime] = Field(alias="range_from")
    range_until: Optional[datetime.datetime] = Field(alias="range_until")
    reason: Optional[str] = Field(alias="reason")
    rows_changed: int = Field(alias="rows_changed")
    run_id: uuid.UUID = Field(alias="run_id")
    service_id: Optional[str] = Field(alias="service_id")
    user_id: Optional[uuid.UUID] = Field(alias="user_id")

class PublicUsageCorrectionsInsert(TypedDict):
    corrected_at: NotRequired[Annotated[datetime.datetime, Field(alias="corrected_at")]]
    corrected_by: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="corrected_by")]]
    corrected_by_role: Annotated[str, Field(alias="corrected_by_role")]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    interaction_id: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="interaction_id")]]
    kind: Annotated[str, Field(alias="kind")]
    new_cost: NotRequired[Annotated[Optional[float], Field(alias="new_cost")]]
    new_input_tokens: NotRequired[Annotated[Optional[int], Field(alias="new_input_tokens")]]
    new_output_tokens: NotRequired[Annotated[Optional[int], Field(alias="new_output_tokens")]]
    new_service_id: NotRequired[Annotated[Optional[str], Field(alias="new_service_id")]]
    new_started_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="new_started_at")]]
    new_unpriced: NotRequired[Annotated[Optional[int], Field(alias="new_unpriced")]]
    new_vendor_id: NotRequired[Annotated[Optional[str], Field(alias="new_vendor_id")]]
    old_cost: NotRequired[Annotated[Optional[float], Field(alias="old_cost")]]
    old_input_tokens: NotRequired[Annotated[Optional[int], Field(alias="old_input_tokens")]]
    old_output_tokens: NotRequired[Annotated[Optional[int], Field(alias="old_output_tokens")]]
    old_service_id: NotRequired[Annotated[Optional[str], Field(alias="old_service_id")]]
    old_started_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="old_started_at")]]
    old_unpriced: NotRequired[Annotated[Optional[int], Field(alias="old_unpriced")]]
    old_vendor_id: NotRequired[Annotated[Optional[str], Field(alias="old_vendor_id")]]
    range_from: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="range_from")]]
    range_until: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="range_until")]]
    reason: NotRequired[Annotated[Optional[str], Field(alias="reason")]]
    rows_changed: Annotated[int, Field(alias="rows_changed")]
    run_id: Annotated[uuid.UUID, Field(alias="run_id")]
    service_id: NotRequired[Annotated[Optional[str], Field(alias="service_id")]]
    user_id: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="user_id")]]

class PublicUsageCorrectionsUpdate(TypedDict):
    corrected_at: NotRequired[Annotated[datetime.datetime, Field(alias="corrected_at")]]
    corrected_by: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="corrected_by")]]
    corrected_by_role: NotRequired[Annotated[str, Field(alias="corrected_by_role")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    interaction_id: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="interaction_id")]]
    kind: NotRequired[Annotated[str, Field(alias="kind")]]
    new_cost: NotRequired[Annotated[Optional[float], Field(alias="new_cost")]]
    new_input_tokens: NotRequired[Annotated[Optional[int], Field(alias="new_input_tokens")]]
    new_output_tokens: NotRequired[Annotated[Optional[int], Field(alias="new_output_tokens")]]
    new_service_id: NotRequired[Annotated[Optional[str], Field(alias="new_service_id")]]
    new_started_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="new_started_at")]]
    new_unpriced: NotRequired[Annotated[Optional[int], Field(alias="new_unpriced")]]
    new_vendor_id: NotRequired[Annotated[Optional[str], Field(alias="new_vendor_id")]]
    old_cost: NotRequired[Annotated[Optional[float], Field(alias="old_cost")]]
    old_input_tokens: NotRequired[Annotated[Optional[int], Field(alias="old_input_tokens")]]
    old_output_tokens: NotRequired[Annotated[Optional[int], Field(alias="old_output_tokens")]]
    old_service_id: NotRequired[Annotated[Optional[str], Field(alias="old_service_id")]]
    old_started_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="old_started_at")]]
    old_unpriced: NotRequired[Annotated[Optional[int], Field(alias="old_unpriced")]]
    old_vendor_id: NotRequired[Annotated[Optional[str], Field(alias="old_vendor_id")]]
    range_from: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="range_from")]]
    range_until: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="range_until")]]
    reason: NotRequired[Annotated[Optional[str], Field(alias="reason")]]
    rows_changed: NotRequired[Annotated[int, Field(alias="rows_changed")]]
    run_id: NotRequired[Annotated[uuid.UUID, Field(alias="run_id")]]
    service_id: NotRequired[Annotated[Optional[str], Field(alias="service_id")]]
    user_id: NotRequired[Annotated[Optional[uuid.UUID], Field(alias="user_id")]]

class PublicUserApiKeys(BaseModel):
    created_at: datetime.datetime = Field(alias="created_at")
    display_name: Optional[str] = Field(alias="display_name")
    encrypted_key: str = Field(alias="encrypted_key")
    id: uuid.UUID = Field(alias="id")
    is_active: bool = Field(alias="is_active")
    key_preview: str = Field(alias="key_preview")
    last_used_at: Optional[datetime.datetime] = Field(alias="last_used_at")
    service_id: Optional[str] = Field(alias="service_id")
    updated_at: datetime.datetime = Field(alias="updated_at")
    user_id: uuid.UUID = Field(alias="user_id")
    vendor_id: str = Field(alias="vendor_id")

class PublicUserApiKeysInsert(TypedDict):
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    display_name: NotRequired[Annotated[Optional[str], Field(alias="display_name")]]
    encrypted_key: Annotated[str, Field(alias="encrypted_key")]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    is_active: NotRequired[Annotated[bool, Field(alias="is_active")]]
    key_preview: Annotated[str, Field(alias="key_preview")]
    last_used_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="last_used_at")]]
    service_id: NotRequired[Annotated[Optional[str], Field(alias="service_id")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]
    vendor_id: Annotated[str, Field(alias="vendor_id")]

class PublicUserApiKeysUpdate(TypedDict):
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    display_name: NotRequired[Annotated[Optional[str], Field(alias="display_name")]]
    encrypted_key: NotRequired[Annotated[str, Field(alias="encrypted_key")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    is_active: NotRequired[Annotated[bool, Field(alias="is_active")]]
    key_preview: NotRequired[Annotated[str, Field(alias="key_preview")]]
    last_used_at: NotRequired[Annotated[Optional[datetime.datetime], Field(alias="last_used_at")]]
    service_id: NotRequired[Annotated[Optional[str], Field(alias="service_id")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]
    vendor_id: NotRequired[Annotated[str, Field(alias="vendor_id")]]

class PublicUserSettings(BaseModel):
    created_at: datetime.datetime = Field(alias="created_at")
    id: uuid.UUID = Field(alias="id")
    message_retention_days: Optional[int] = Field(alias="message_retention_days")
    time_zone: str = Field(alias="time_zone")
    updated_at: datetime.datetime = Field(alias="updated_at")
    user_id: uuid.UUID = Field(alias="user_id")

class PublicUserSettingsInsert(TypedDict):
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    message_retention_days: NotRequired[Annotated[Optional[int], Field(alias="message_retention_days")]]
    time_zone: NotRequired[Annotated[str, Field(alias="time_zone")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicUserSettingsUpdate(TypedDict):
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    id: NotRequired[Annotated[uuid.UUID, Field(alias="id")]]
    message_retention_days: NotRequired[Annotated[Optional[int], Field(alias="message_retention_days")]]
    time_zone: NotRequired[Annotated[str, Field(alias="time_zone")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    user_id: NotRequired[Annotated[uuid.UUID, Field(alias="user_id")]]

class PublicVendorServices(BaseModel):
    created_at: datetime.datetime = Field(alias="created_at")
    description: Optional[str] = Field(alias="description")
    display_name: str = Field(alias="display_name")
    id: str = Field(alias="id")
    is_active: bool = Field(alias="is_active")
    service_name: str = Field(alias="service_name")
    updated_at: datetime.datetime = Field(alias="updated_at")
    vendor_id: str = Field(alias="vendor_id")

class PublicVendorServicesInsert(TypedDict):
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    description: NotRequired[Annotated[Optional[str], Field(alias="description")]]
    display_name: Annotated[str, Field(alias="display_name")]
    id: Annotated[str, Field(alias="id")]
    is_active: NotRequired[Annotated[bool, Field(alias="is_active")]]
    service_name: Annotated[str, Field(alias="service_name")]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    vendor_id: Annotated[str, Field(alias="vendor_id")]

class PublicVendorServicesUpdate(TypedDict):
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    description: NotRequired[Annotated[Optional[str], Field(alias="description")]]
    display_name: NotRequired[Annotated[str, Field(alias="display_name")]]
    id: NotRequired[Annotated[str, Field(alias="id")]]
    is_active: NotRequired[Annotated[bool, Field(alias="is_active")]]
    service_name: NotRequired[Annotated[str, Field(alias="service_name")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]
    vendor_id: NotRequired[Annotated[str, Field(alias="vendor_id")]]

class PublicVendors(BaseModel):
    auth_type: str = Field(alias="auth_type")
    base_url: Optional[str] = Field(alias="base_url")
    created_at: datetime.datetime = Field(alias="created_at")
    description: Optional[str] = Field(alias="description")
    id: str = Field(alias="id")
    is_active: bool = Field(alias="is_active")
    name: str = Field(alias="name")
    updated_at: datetime.datetime = Field(alias="updated_at")

class PublicVendorsInsert(TypedDict):
    auth_type: NotRequired[Annotated[str, Field(alias="auth_type")]]
    base_url: NotRequired[Annotated[Optional[str], Field(alias="base_url")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    description: NotRequired[Annotated[Optional[str], Field(alias="description")]]
    id: Annotated[str, Field(alias="id")]
    is_active: NotRequired[Annotated[bool, Field(alias="is_active")]]
    name: Annotated[str, Field(alias="name")]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]

class PublicVendorsUpdate(TypedDict):
    auth_type: NotRequired[Annotated[str, Field(alias="auth_type")]]
    base_url: NotRequired[Annotated[Optional[str], Field(alias="base_url")]]
    created_at: NotRequired[Annotated[datetime.datetime, Field(alias="created_at")]]
    description: NotRequired[Annotated[Optional[str], Field(alias="description")]]
    id: NotRequired[Annotated[str, Field(alias="id")]]
    is_active: NotRequired[Annotated[bool, Field(alias="is_active")]]
    name: NotRequired[Annotated[str, Field(alias="name")]]
    updated_at: NotRequired[Annotated[datetime.datetime, Field(alias="updated_at")]]

class PublicAgentSummary(BaseModel):
    activity_score: Optional[float] = Field(alias="activity_score")
    avg_satisfaction: Optional[float] = Field(alias="avg_satisfaction")
    avg_usefulness: Optional[float] = Field(alias="avg_usefulness")
    created_at: Optional[datetime.datetime] = Field(alias="created_at")
    description: Optional[str] = Field(alias="description")
    features: Optional[List[str]] = Field(alias="features")
    id: Optional[uuid.UUID] = Field(alias="id")
    interaction_count: Optional[int] = Field(alias="interaction_count")
    is_active: Optional[bool] = Field(alias="is_active")
    is_favorite: Optional[bool] = Field(alias="is_favorite")
    is_public: Optional[bool] = Field(alias="is_public")
    last_interaction_at: Optional[datetime.datetime] = Field(alias="last_interaction_at")
    last_used_at: Optional[datetime.datetime] = Field(alias="last_used_at")
    model_name: Optional[str] = Field(alias="model_name")
    name: Optional[str] = Field(alias="name")
    primary_feature: Optional[str] = Field(alias="primary_feature")
    service_display_name: Optional[str] = Field(alias="service_display_name")
    service_id: Optional[str] = Field(alias="service_id")
    status: Optional[str] = Field(alias="status")
    tags: Optional[List[str]] = Field(alias="tags")
    total_cost: Optional[float] = Field(alias="total_cost")
    total_input_tokens: Optional[int] = Field(alias="total_input_tokens")
    total_output_tokens: Optional[int] = Field(alias="total_output_tokens")
    updated_at: Optional[datetime.datetime] = Field(alias="updated_at")
    usage_count: Optional[int] = Field(alias="usage_count")
    user_id: Optional[uuid.UUID] = Field(alias="user_id")
    vendor_id: Optional[str] = Field(alias="vendor_id")
    vendor_name: Optional[str] = Field(alias="vendor_name")

class PublicRecentInteractions(BaseModel):
    agent_id: Optional[uuid.UUID] = Field(alias="agent_id")
    agent_name: Optional[str] = Field(alias="agent_name")
    content_preview: Optional[str] = Field(alias="content_preview")
    created_at: Optional[datetime.datetime] = Field(alias="created_at")
    description: Optional[str] = Field(alias="description")
    duration_minutes: Optional[int] = Field(alias="duration_minutes")
    ended_at: Optional[datetime.datetime] = Field(alias="ended_at")
    external_id: Optional[str] = Field(alias="external_id")
    external_link: Optional[str] = Field(alias="external_link")
    id: Optional[uuid.UUID] = Field(alias="id")
    input_tokens: Optional[int] = Field(alias="input_tokens")
    interaction_type_color: Optional[str] = Field(alias="interaction_type_color")
    interaction_type_icon: Optional[str] = Field(alias="interaction_type_icon")
    interaction_type_id: Optional[str] = Field(alias="interaction_type_id")
    interaction_type_name: Optional[str] = Field(alias="interaction_type_name")
    model_name: Optional[str] = Field(alias="model_name")
    output_tokens: Optional[int] = Field(alias="output_tokens")
    satisfaction_rating: Optional[int] = Field(alias="satisfaction_rating")
    service_display_name: Optional[str] = Field(alias="service_display_name")
    service_id: Optional[str] = Field(alias="service_id")
    started_at: Optional[datetime.datetime] = Field(alias="started_at")
    status: Optional[str] = Field(alias="status")
    tags: Optional[List[str]] = Field(alias="tags")
    title: Optional[str] = Field(alias="title")
    total_cost: Optional[float] = Field(alias="total_cost")
    usefulness_rating: Optional[int] = Field(alias="usefulness_rating")
    user_id: Optional[uuid.UUID] = Field(alias="user_id")
    vendor_id: Optional[str] = Field(alias="vendor_id")
    vendor_name: Optional[str] = Field(alias="vendor_name")
