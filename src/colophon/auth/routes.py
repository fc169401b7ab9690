"""HTTP routes: login, logout, me, password, API keys and users (platform §5)."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from fastapi import APIRouter, Request, Response

from colophon.auth import service
from colophon.auth.deps import CanManageUsers, CanOwnApiKeys, PrincipalDep
from colophon.auth.permissions import Permission
from colophon.auth.schemas import (
    ApiKeyDto,
    ApiKeyList,
    ChangePasswordRequest,
    CreateApiKeyRequest,
    CreatedApiKeyDto,
    CreateUserRequest,
    LoginRequest,
    LoginResponse,
    MeDto,
    UpdateUserRequest,
    UserDto,
    UserList,
)
from colophon.errors import Unauthenticated
from colophon.runtime import RuntimeDep

router = APIRouter(tags=["auth"])
SESSION_COOKIE = "colophon_session"


def _me(principal: service.Principal) -> MeDto:
    return MeDto(
        id=principal.user_id,
        username=principal.username,
        role=principal.role,
        permissions=sorted(p.value for p in principal.permissions),
        auth_method=principal.auth_method,
    )


def _client_ip(request: Request, trust_proxy: bool) -> str:
    forwarded = request.headers.get("x-forwarded-for")
    if trust_proxy and forwarded:
        return forwarded.split(",")[0].strip()[:64]
    return request.client.host if request.client else "unknown"


def _is_https(request: Request, trust_proxy: bool) -> bool:
    if trust_proxy and request.headers.get("x-forwarded-proto"):
        return request.headers["x-forwarded-proto"] == "https"
    return request.url.scheme == "https"


@router.post("/auth/login")
async def login(
    body: LoginRequest, request: Request, response: Response, runtime: RuntimeDep
) -> LoginResponse:
    settings = runtime.settings
    ip = _client_ip(request, settings.server.trust_proxy)
    principal, token = await service.login(
        runtime.db, settings.auth, body.username, body.password, ip=ip
    )
    secure = settings.auth.cookie_secure == "true" or (
        settings.auth.cookie_secure == "auto" and _is_https(request, settings.server.trust_proxy)
    )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(settings.auth.session_max_age_h * 3600),
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    return LoginResponse(user=_me(principal))


@router.post("/auth/logout", status_code=204)
async def logout(principal: PrincipalDep, response: Response, runtime: RuntimeDep) -> None:
    if principal.session_id is None:
        raise Unauthenticated("logout needs a browser session")
    await service.logout(runtime.db, principal.session_id)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/auth/me")
async def me(principal: PrincipalDep) -> MeDto:
    return _me(principal)


@router.post("/auth/password", status_code=204)
async def change_password(
    body: ChangePasswordRequest, principal: PrincipalDep, runtime: RuntimeDep
) -> None:
    if principal.session_id is None:
        raise Unauthenticated("changing the password needs a browser session")
    await service.change_password(runtime.db, principal, body.current_password, body.new_password)


@router.get("/api-keys")
async def list_api_keys(
    principal: CanOwnApiKeys, runtime: RuntimeDep, user_id: uuid.UUID | None = None
) -> ApiKeyList:
    if user_id is not None and user_id != principal.user_id:
        principal.require(Permission.USERS_MANAGE)
    keys = await service.list_api_keys(runtime.db, user_id or principal.user_id)
    return ApiKeyList(items=[ApiKeyDto(**asdict(k)) for k in keys])


@router.post("/api-keys", status_code=201)
async def create_api_key(
    body: CreateApiKeyRequest, principal: CanOwnApiKeys, runtime: RuntimeDep
) -> CreatedApiKeyDto:
    view, clear = await service.create_api_key(
        runtime.db,
        principal,
        body.name,
        permissions=body.permissions,
        expires_at=body.expires_at,
    )
    return CreatedApiKeyDto(**asdict(view), key=clear)


@router.delete("/api-keys/{key_id}", status_code=204)
async def revoke_api_key(key_id: uuid.UUID, principal: CanOwnApiKeys, runtime: RuntimeDep) -> None:
    await service.revoke_api_key(runtime.db, principal, key_id)


@router.get("/users")
async def list_users(principal: CanManageUsers, runtime: RuntimeDep) -> UserList:
    return UserList(items=[UserDto(**asdict(u)) for u in await service.list_users(runtime.db)])


@router.post("/users", status_code=201)
async def create_user(
    body: CreateUserRequest, principal: CanManageUsers, runtime: RuntimeDep
) -> UserDto:
    view = await service.create_user(
        runtime.db, body.username, body.password, role=body.role, email=body.email
    )
    return UserDto(**asdict(view))


@router.patch("/users/{user_id}")
async def update_user(
    user_id: uuid.UUID, body: UpdateUserRequest, principal: CanManageUsers, runtime: RuntimeDep
) -> UserDto:
    view = await service.update_user(
        runtime.db,
        principal,
        user_id,
        role=body.role,
        is_active=body.is_active,
        password=body.password,
    )
    return UserDto(**asdict(view))


@router.delete("/users/{user_id}", status_code=204)
async def delete_user(user_id: uuid.UUID, principal: CanManageUsers, runtime: RuntimeDep) -> None:
    await service.delete_user(runtime.db, principal, user_id)
