"""What callers may do with plugins: the actions list (§7.3) and the direct call proxy (§7.4)."""

from __future__ import annotations

import time
import uuid
from typing import Any

from colophon.auth.permissions import Permission
from colophon.auth.service import Principal
from colophon.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from colophon.library.models import Library
from colophon.metadata.fetch_schemas import MatchDto, SearchResultDto
from colophon.metadata.payloads import (
    InvalidPayload,
    normalise_book_payload,
    normalise_series_payload,
)
from colophon.metadata.search_results import normalise_match_reply, normalise_search_reply
from colophon.plugins.error_mapping import describe_plugin_error
from colophon.plugins.errors import PluginError, PluginProtocolError, PluginUnavailable
from colophon.plugins.manifest import content_types_of
from colophon.plugins.qualification import Scope, parse_scope
from colophon.plugins.records import PluginRecord, list_records
from colophon.plugins.schemas import (
    ExecuteError,
    ExecutePlugin,
    ExecuteResult,
    PluginAction,
    PluginActions,
    PluginCapabilities,
)
from colophon.plugins.supervisor import supervisor_of
from colophon.runtime import Runtime

# HTTP callers never wait long for a spawn, a token or a slot (plugins §4.4).
INTERACTIVE_MAX_WAIT_S = 10.0
INTERACTIVE_TIMEOUT_S = 60.0


def write_permission_for(scope: Scope) -> Permission:
    """``series:write`` for series scopes, ``books:write`` for book scopes (§7.3)."""
    return Permission.SERIES_WRITE if scope.content_type == "series" else Permission.BOOKS_WRITE


def interactive_timeout_s(record: PluginRecord) -> float:
    """The row's ``requestTimeoutS`` when set, else the 60 s of interactive calls."""
    return float(record.request_timeout_s or INTERACTIVE_TIMEOUT_S)


def _action(record: PluginRecord) -> PluginAction:
    manifest = record.manifest or {}
    template = manifest.get("searchURITemplate")
    return PluginAction(
        plugin_id=record.id,
        plugin_name=record.name,
        plugin_display_name=record.display_name,
        label=f"Fetch from {record.display_name}",
        description=record.description,
        library_ids=list(record.library_ids),
        search_uri_template=template if isinstance(template, str) else None,
        health_status=record.health_status,
        capabilities=PluginCapabilities(
            metadata_provider=sorted(content_types_of(manifest.get("capabilities")))
        ),
    )


async def list_actions(
    runtime: Runtime, principal: Principal, scope_value: str, library_id: uuid.UUID | None
) -> PluginActions:
    """Plugins that qualify for the scope (and library) and that the caller may use."""
    scope = parse_scope(scope_value, field="query.scope")
    async with runtime.db.read() as session:
        if library_id is not None and await session.get(Library, library_id) is None:
            raise NotFound("library not found")
        records = await list_records(session)
    if not principal.has(write_permission_for(scope)):
        return PluginActions(scope=scope.value, actions=[])
    actions = [_action(r) for r in records if r.qualifies(scope, library_id)]
    return PluginActions(scope=scope.value, actions=actions)


async def execute(
    runtime: Runtime, principal: Principal, plugin_id: uuid.UUID, body: ExecutePlugin
) -> ExecuteResult:
    """One direct plugin call; plugin failures are reported in the body, not as HTTP errors."""
    scope = Scope.SERIES_DETAIL if body.content_type == "series" else Scope.BOOK_DETAIL
    permission = write_permission_for(scope)
    if not principal.has(permission):
        raise PermissionDenied(permission.value)
    supervisor = supervisor_of(runtime)
    try:
        record = await supervisor.record(plugin_id)
    except PluginUnavailable:
        raise NotFound("plugin not found") from None
    if not record.qualifies(scope, None):
        message = f"plugin '{record.name}' is not available for {scope.value}"
        raise ValidationFailed(FieldError("contentType", message))
    started = time.perf_counter()
    try:
        host = await supervisor.host(record)
        method = f"metadata/{body.content_type}/{body.action}"
        raw = await host.call(
            method,
            body.params,
            timeout_s=interactive_timeout_s(record),
            max_wait_s=INTERACTIVE_MAX_WAIT_S,
        )
        result = _decoded(record.name, body, raw)
    except PluginError as exc:
        await supervisor.flush()
        return ExecuteResult(
            success=False, result=None, error=_error(exc), latency_ms=_ms_since(started)
        )
    return ExecuteResult(success=True, result=result, error=None, latency_ms=_ms_since(started))


def _decoded(plugin: str, body: ExecutePlugin, raw: Any) -> Any:
    try:
        if body.action == "search":
            page = normalise_search_reply(raw)
            results = [SearchResultDto.of(r).model_dump(by_alias=True) for r in page.results]
            return {"results": results, "nextCursor": page.next_cursor}
        if body.action == "match":
            return MatchDto.of(normalise_match_reply(raw)).model_dump(by_alias=True)
        # `get`: checked like any payload, then shown as the plugin sent it.
        normalise = (
            normalise_series_payload if body.content_type == "series" else normalise_book_payload
        )
        normalise(raw)
        return raw
    except InvalidPayload as exc:
        raise PluginProtocolError(plugin, exc.message) from exc


def _error(exc: PluginError) -> ExecuteError:
    view = describe_plugin_error(exc)
    code = getattr(exc, "code", None)
    return ExecuteError(
        kind=view.code,
        code=code if isinstance(code, int) else None,
        message=view.message,
        retry_after_seconds=view.retry_after_s,
    )


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
