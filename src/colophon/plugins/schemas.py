"""Wire models of the plugin admin API (plugins.md §7). Credentials never appear in a DTO."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import Field, StrictBool, StrictInt

from colophon.plugins.models import DEFAULT_PERMISSIONS, DEFAULT_SCOPES
from colophon.wire import Instant, JsonObject, JsonValue, RequestModel, WireModel

CredentialDelivery = Literal["init_message", "env", "both"]
HealthStatus = Literal["unknown", "healthy", "degraded", "unhealthy", "disabled"]


class PluginHealthDto(WireModel):
    status: HealthStatus
    consecutive_failures: int
    failure_count: int
    last_error: str | None
    last_success_at: Instant | None
    last_failure_at: Instant | None
    checked_at: Instant | None


class PluginDto(WireModel):
    """One plugin row as the admin sees it: ``credentialKeys`` only, never the values."""

    id: uuid.UUID
    name: str
    display_name: str
    description: str | None
    command: str
    args: list[str]
    env: dict[str, str]
    working_dir: str | None
    enabled: bool
    admin_config: JsonObject
    credential_delivery: CredentialDelivery
    credential_keys: list[str]
    missing_credentials: list[str]
    permissions: list[str]
    scopes: list[str]
    library_ids: list[uuid.UUID]
    rate_limit_per_minute: int
    request_timeout_s: int | None
    log_level: str | None
    manifest: JsonObject | None
    manifest_updated_at: Instant | None
    health: PluginHealthDto
    disabled_reason: str | None
    revision: int
    created_at: Instant
    updated_at: Instant


class PluginList(WireModel):
    items: list[PluginDto]


class CreatePlugin(RequestModel):
    """``POST /plugins``: the writable fields plus optional ``credentials``."""

    name: str
    display_name: str | None = None
    description: str | None = None
    command: str
    args: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)
    working_dir: str | None = None
    enabled: StrictBool = True
    admin_config: JsonObject = Field(default_factory=dict)
    credentials: dict[str, JsonValue] | None = None
    credential_delivery: CredentialDelivery = "init_message"
    permissions: list[str] = Field(default_factory=lambda: list(DEFAULT_PERMISSIONS))
    scopes: list[str] = Field(default_factory=lambda: list(DEFAULT_SCOPES))
    library_ids: list[uuid.UUID] = Field(default_factory=list)
    rate_limit_per_minute: StrictInt = 60
    request_timeout_s: StrictInt | None = None
    log_level: str | None = None


class UpdatePlugin(RequestModel):
    """``PATCH /plugins/{id}``: only the keys sent change; lists and maps replace whole."""

    name: str | None = None
    display_name: str | None = None
    description: str | None = None
    command: str | None = None
    args: list[str] | None = None
    env: dict[str, str] | None = None
    working_dir: str | None = None
    enabled: StrictBool | None = None
    admin_config: JsonObject | None = None
    credentials: JsonValue = None  # refused with 400: credentials have their own endpoints
    credential_delivery: CredentialDelivery | None = None
    permissions: list[str] | None = None
    scopes: list[str] | None = None
    library_ids: list[uuid.UUID] | None = None
    rate_limit_per_minute: StrictInt | None = None
    request_timeout_s: StrictInt | None = None
    log_level: str | None = None


class CredentialKeys(WireModel):
    credential_keys: list[str]


class TestTimings(WireModel):
    spawn_ms: float | None
    initialize_ms: float | None
    ping_ms: float | None


class TestError(WireModel):
    kind: str
    code: int | None
    message: str
    data: JsonValue


class PluginTestResult(WireModel):
    """``POST /plugins/{id}/test`` (§7.2)."""

    success: bool
    manifest: JsonObject | None
    is_metadata_provider: bool
    content_types: list[str]
    missing_credentials: list[str]
    timings: TestTimings
    error: TestError | None
    stderr_tail: list[str]


class RestartAccepted(WireModel):
    message: str
    revision: int


class PluginCapabilities(WireModel):
    metadata_provider: list[str]
    user_read_sync: bool = False
    external_id_source: str | None = None
    user_recommendation_provider: bool = False
    release_source: bool = False
    wants_full_metadata: bool = False
    wants_detailed_progress: bool = False


class PluginAction(WireModel):
    plugin_id: uuid.UUID
    plugin_name: str
    plugin_display_name: str
    action_type: Literal["metadata_search"] = "metadata_search"
    label: str
    description: str | None
    icon: str = "search"
    library_ids: list[uuid.UUID]
    search_uri_template: str | None
    health_status: HealthStatus
    capabilities: PluginCapabilities


class PluginActions(WireModel):
    scope: str
    actions: list[PluginAction]


class ExecutePlugin(RequestModel):
    """``POST /plugins/{id}/execute``: one direct plugin call (§7.4)."""

    content_type: Literal["series", "book"]
    action: Literal["search", "get", "match"]
    params: JsonObject = Field(default_factory=dict)


class ExecuteError(WireModel):
    kind: str
    code: int | None
    message: str
    retry_after_seconds: int | None


class ExecuteResult(WireModel):
    success: bool
    result: Any
    error: ExecuteError | None
    latency_ms: float


class PluginPreset(WireModel):
    """A first-party plugin template for the install dialog (§11)."""

    name: str
    display_name: str
    description: str
    command: str
    args: list[str]
    admin_config: JsonObject
    credential_delivery: CredentialDelivery
    permissions: list[str]
    scopes: list[str]
    rate_limit_per_minute: int
    required_credentials: list[str]


class PluginPresets(WireModel):
    presets: list[PluginPreset]
