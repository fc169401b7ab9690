"""Wire models of the auth API."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import Field

from colophon.auth.permissions import Role
from colophon.wire import Instant, RequestModel, WireModel


class LoginRequest(RequestModel):
    username: str = Field(max_length=1024)
    password: str = Field(max_length=4096)


class MeDto(WireModel):
    id: uuid.UUID
    username: str
    role: Role
    permissions: list[str]
    auth_method: Literal["session", "apikey"]


class LoginResponse(WireModel):
    user: MeDto


class ChangePasswordRequest(RequestModel):
    current_password: str
    new_password: str


class CreateApiKeyRequest(RequestModel):
    name: str = Field(max_length=200)
    permissions: list[str] | None = None
    expires_at: Instant | None = None


class ApiKeyDto(WireModel):
    id: uuid.UUID
    name: str
    prefix: str
    permissions: list[str] | None
    created_at: Instant
    expires_at: Instant | None
    last_used_at: Instant | None
    revoked_at: Instant | None


class CreatedApiKeyDto(ApiKeyDto):
    key: str


class ApiKeyList(WireModel):
    items: list[ApiKeyDto]


class UserDto(WireModel):
    id: uuid.UUID
    username: str
    email: str | None
    role: Role
    is_active: bool
    created_at: Instant
    last_login_at: Instant | None


class UserList(WireModel):
    items: list[UserDto]


class CreateUserRequest(RequestModel):
    username: str
    password: str
    role: str
    email: str | None = None


class UpdateUserRequest(RequestModel):
    role: str | None = None
    is_active: bool | None = None
    password: str | None = None
