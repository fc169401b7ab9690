"""HTTP routes of the plugin admin API (plugins.md §7): admins only, except actions and execute."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Response

from colophon.auth.deps import CanManagePlugins, CanReadLibraries, PrincipalDep
from colophon.auth.permissions import Permission
from colophon.auth.service import Principal
from colophon.errors import PermissionDenied
from colophon.plugins import actions, service
from colophon.plugins.presets import PRESETS
from colophon.plugins.schemas import (
    CreatePlugin,
    CredentialKeys,
    ExecutePlugin,
    ExecuteResult,
    PluginActions,
    PluginDto,
    PluginList,
    PluginPresets,
    PluginTestResult,
    RestartAccepted,
    UpdatePlugin,
)
from colophon.runtime import RuntimeDep
from colophon.wire import JsonValue

router = APIRouter(prefix="/plugins", tags=["plugins"])


@router.get("/actions")
async def list_actions(
    principal: CanReadLibraries,
    runtime: RuntimeDep,
    scope: Annotated[str, Query()],
    library_id: Annotated[uuid.UUID | None, Query(alias="libraryId")] = None,
) -> PluginActions:
    return await actions.list_actions(runtime, principal, scope, library_id)


@router.get("/presets")
async def list_presets(principal: CanManagePlugins) -> PluginPresets:
    return PluginPresets(presets=list(PRESETS))


@router.get("")
async def list_plugins(
    principal: CanManagePlugins, runtime: RuntimeDep, enabled: bool | None = None
) -> PluginList:
    return PluginList(items=await service.list_plugins(runtime, enabled=enabled))


@router.post("", status_code=201)
async def create_plugin(
    body: CreatePlugin, principal: CanManagePlugins, runtime: RuntimeDep
) -> PluginDto:
    return await service.create_plugin(runtime, principal, body)


@router.get("/{plugin_id}")
async def get_plugin(
    plugin_id: uuid.UUID, principal: CanManagePlugins, runtime: RuntimeDep
) -> PluginDto:
    return await service.get_plugin(runtime, plugin_id)


@router.patch("/{plugin_id}")
async def update_plugin(
    plugin_id: uuid.UUID, body: UpdatePlugin, principal: CanManagePlugins, runtime: RuntimeDep
) -> PluginDto:
    return await service.update_plugin(runtime, principal, plugin_id, body)


@router.delete("/{plugin_id}", status_code=204)
async def delete_plugin(
    plugin_id: uuid.UUID, principal: CanManagePlugins, runtime: RuntimeDep
) -> Response:
    await service.delete_plugin(runtime, principal, plugin_id)
    return Response(status_code=204)


@router.post("/{plugin_id}/enable")
async def enable_plugin(
    plugin_id: uuid.UUID, principal: CanManagePlugins, runtime: RuntimeDep
) -> PluginDto:
    return await service.set_plugin_enabled(runtime, principal, plugin_id, enabled=True)


@router.post("/{plugin_id}/disable")
async def disable_plugin(
    plugin_id: uuid.UUID, principal: CanManagePlugins, runtime: RuntimeDep
) -> PluginDto:
    return await service.set_plugin_enabled(runtime, principal, plugin_id, enabled=False)


@router.post("/{plugin_id}/restart", status_code=202)
async def restart_plugin(
    plugin_id: uuid.UUID, principal: CanManagePlugins, runtime: RuntimeDep
) -> RestartAccepted:
    return await service.restart_plugin(runtime, principal, plugin_id)


@router.post("/{plugin_id}/test")
async def test_plugin(
    plugin_id: uuid.UUID, principal: CanManagePlugins, runtime: RuntimeDep
) -> PluginTestResult:
    return await service.test_plugin(runtime, plugin_id)


@router.patch("/{plugin_id}/credentials")
async def patch_credentials(
    plugin_id: uuid.UUID,
    principal: CanManagePlugins,
    runtime: RuntimeDep,
    body: Annotated[dict[str, JsonValue], Body()],
) -> CredentialKeys:
    return await service.patch_credentials(runtime, principal, plugin_id, body)


@router.delete("/{plugin_id}/credentials")
async def clear_credentials(
    plugin_id: uuid.UUID, principal: CanManagePlugins, runtime: RuntimeDep
) -> CredentialKeys:
    return await service.clear_credentials(runtime, principal, plugin_id)


def _can_write_metadata(principal: PrincipalDep) -> Principal:
    """Execute needs series:write or books:write by scope; with neither, 403 before the body."""
    if not (principal.has(Permission.SERIES_WRITE) or principal.has(Permission.BOOKS_WRITE)):
        raise PermissionDenied(Permission.SERIES_WRITE.value)
    return principal


@router.post("/{plugin_id}/execute")
async def execute(
    plugin_id: uuid.UUID,
    body: ExecutePlugin,
    principal: Annotated[Principal, Depends(_can_write_metadata)],
    runtime: RuntimeDep,
) -> ExecuteResult:
    return await actions.execute(runtime, principal, plugin_id, body)
