"""Roles and the permission matrix (platform §5.1)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    READER = "reader"
    MAINTAINER = "maintainer"
    ADMIN = "admin"


class Permission(StrEnum):
    LIBRARIES_READ = "libraries:read"
    LIBRARIES_WRITE = "libraries:write"
    LIBRARIES_MANAGE = "libraries:manage"
    SERIES_READ = "series:read"
    SERIES_WRITE = "series:write"
    BOOKS_READ = "books:read"
    BOOKS_WRITE = "books:write"
    PLUGINS_MANAGE = "plugins:manage"
    TASKS_READ = "tasks:read"
    TASKS_WRITE = "tasks:write"
    USERS_MANAGE = "users:manage"
    APIKEYS_OWN = "apikeys:own"
    METRICS_READ = "metrics:read"


_READER = frozenset(
    {
        Permission.LIBRARIES_READ,
        Permission.SERIES_READ,
        Permission.BOOKS_READ,
        Permission.APIKEYS_OWN,
    }
)
_MAINTAINER = _READER | {
    Permission.LIBRARIES_WRITE,
    Permission.SERIES_WRITE,
    Permission.BOOKS_WRITE,
    Permission.TASKS_READ,
    Permission.TASKS_WRITE,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.READER: _READER,
    Role.MAINTAINER: frozenset(_MAINTAINER),
    Role.ADMIN: frozenset(Permission),
}


def permissions_of(role: str, key_permissions: list[str] | None = None) -> frozenset[Permission]:
    """A role's permissions, narrowed to an API key's list when it has one."""
    granted = ROLE_PERMISSIONS.get(Role(role), frozenset())
    if key_permissions is None:
        return granted
    return granted & {Permission(p) for p in key_permissions if p in Permission._value2member_map_}
