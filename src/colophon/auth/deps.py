"""FastAPI dependencies: the authenticated caller and permission guards (platform §5.6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from colophon.auth.permissions import Permission
from colophon.auth.service import Principal
from colophon.errors import Unauthenticated


def current_principal(request: Request) -> Principal:
    """Set by the authentication middleware; absent only on public routes."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise Unauthenticated()
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def allowed(permission: Permission) -> Callable[[Principal], Principal]:
    """A dependency that answers 403 unless the caller holds ``permission``."""

    def _check(principal: PrincipalDep) -> Principal:
        principal.require(permission)
        return principal

    return _check


CanReadLibraries = Annotated[Principal, Depends(allowed(Permission.LIBRARIES_READ))]
CanWriteLibraries = Annotated[Principal, Depends(allowed(Permission.LIBRARIES_WRITE))]
CanManageLibraries = Annotated[Principal, Depends(allowed(Permission.LIBRARIES_MANAGE))]
CanReadSeries = Annotated[Principal, Depends(allowed(Permission.SERIES_READ))]
CanWriteSeries = Annotated[Principal, Depends(allowed(Permission.SERIES_WRITE))]
CanReadBooks = Annotated[Principal, Depends(allowed(Permission.BOOKS_READ))]
CanWriteBooks = Annotated[Principal, Depends(allowed(Permission.BOOKS_WRITE))]
CanManagePlugins = Annotated[Principal, Depends(allowed(Permission.PLUGINS_MANAGE))]
CanReadTasks = Annotated[Principal, Depends(allowed(Permission.TASKS_READ))]
CanWriteTasks = Annotated[Principal, Depends(allowed(Permission.TASKS_WRITE))]
CanManageUsers = Annotated[Principal, Depends(allowed(Permission.USERS_MANAGE))]
CanOwnApiKeys = Annotated[Principal, Depends(allowed(Permission.APIKEYS_OWN))]
