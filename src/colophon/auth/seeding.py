"""The ``users`` section of the seed file (platform §7): strict, validated, idempotent.

A user is identified by its username (case-insensitively, as logins are). The password, from
``password`` or the variable named by ``passwordEnv``, is used only when the user is created;
without one a random password is made and shown once. Existing users' passwords never change
(``colophon admin set-password`` does that). API keys are created when the user has no
unrevoked key of that name, and shown once; existing keys are left as they are. The checks
and the stored forms are the auth service's own, so a seeded user or key is like any other.
"""

from __future__ import annotations

import difflib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.auth.models import ApiKey, User
from colophon.auth.passwords import hash_password
from colophon.auth.permissions import Permission, Role, permissions_of
from colophon.auth.service import (
    check_new_user,
    find_user,
    new_api_key,
    normalise_username,
    random_text,
)
from colophon.db.clock import utcnow
from colophon.errors import ValidationFailed
from colophon.seed_outcome import seed_outcome

USER_KEYS = ("username", "role", "password", "passwordEnv", "email", "apiKeys")
API_KEY_KEYS = ("name", "permissions")
RANDOM_PASSWORD_CHARS = 20


class UserSeedError(Exception):
    """Problems with one entry; each message is printed on its own line."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True, slots=True)
class ApiKeySeed:
    name: str
    permissions: list[str] | None


@dataclass
class UserSeed:
    """One checked entry, what it will change and the secrets to show once after writing."""

    index: int
    username: str
    role: str
    email: str | None
    email_given: bool
    password: str | None  # from the file or the environment; None: a random one
    password_env: str | None
    api_keys: list[ApiKeySeed]
    existing_id: uuid.UUID | None = None
    changed: list[str] = field(default_factory=list)
    missing_keys: list[ApiKeySeed] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"users[{self.index}] ({self.username})"

    @property
    def outcome(self) -> str:
        return seed_outcome(created=self.existing_id is None, changed=self.changed)


# --- parsing ---------------------------------------------------------------------------------


def _unknown_keys(raw: Mapping[str, Any], known: tuple[str, ...], where: str = "") -> list[str]:
    problems = []
    for key in raw:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(f"{where}unknown key '{key}'{hint}")
    return problems


def _optional_text(raw: Mapping[str, Any], key: str, problems: list[str]) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        problems.append(f"{key} must be a string")
        return None
    return value


def _api_key(index: int, raw: Any, problems: list[str]) -> ApiKeySeed | None:
    where = f"apiKeys[{index}]: "
    if not isinstance(raw, dict):
        problems.append(f"{where}each API key must be a mapping with a name")
        return None
    problems += _unknown_keys(raw, API_KEY_KEYS, where)
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}name is required")
        return None
    permissions = raw.get("permissions")
    if permissions is not None and (
        not isinstance(permissions, list) or not all(isinstance(p, str) for p in permissions)
    ):
        problems.append(f"{where}permissions must be a list of permission names")
        return None
    return ApiKeySeed(name.strip(), permissions)


def _api_keys(raw: Any, problems: list[str]) -> list[ApiKeySeed]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append("apiKeys must be a list")
        return []
    keys = [key for i, entry in enumerate(raw) if (key := _api_key(i, entry, problems))]
    names = [key.name for key in keys]
    problems += [
        f"API key '{n}' is listed twice" for n in sorted({n for n in names if names.count(n) > 1})
    ]
    return keys


def parse_user(index: int, raw: Any) -> UserSeed:
    """One entry as a ``UserSeed``; raises ``UserSeedError``."""
    if not isinstance(raw, dict):
        raise UserSeedError(["each user must be a mapping"])
    username = raw.get("username")
    if not isinstance(username, str) or not username:
        raise UserSeedError(["username is required"])
    problems = _unknown_keys(raw, USER_KEYS)
    role = raw.get("role")
    if not isinstance(role, str):
        problems.append("role is required")
    elif role not in Role._value2member_map_:
        problems.append(f"role: unknown role '{role}'")
    password = _optional_text(raw, "password", problems)
    password_env = _optional_text(raw, "passwordEnv", problems)
    if password is not None and password_env is not None:
        problems.append("give password or passwordEnv, not both")
    email = _optional_text(raw, "email", problems)
    api_keys = _api_keys(raw.get("apiKeys"), problems)
    if problems:
        raise UserSeedError(problems)
    return UserSeed(
        index=index,
        username=username,
        role=str(role),
        email=email,
        email_given="email" in raw,
        password=password,
        password_env=password_env,
        api_keys=api_keys,
    )


# --- planning --------------------------------------------------------------------------------


async def plan_user(session: AsyncSession, seed: UserSeed, environ: Mapping[str, str]) -> None:
    """Compare with the stored user; a new user's password and name pass the auth policy."""
    problems = _key_permission_problems(seed)
    existing = await find_user(session, seed.username)
    if existing is None:
        problems += _new_user_problems(seed, environ)
        seed.missing_keys = list(seed.api_keys)
    else:
        seed.existing_id = existing.id
        seed.changed = _changed_fields(seed, existing)
        seed.missing_keys = await _missing_keys(session, existing.id, seed.api_keys)
        if seed.missing_keys:
            seed.changed.append("apiKeys")
    if problems:
        raise UserSeedError(problems)


def _new_user_problems(seed: UserSeed, environ: Mapping[str, str]) -> list[str]:
    if seed.password_env is not None:
        if seed.password_env not in environ:
            return [
                f"environment variable '{seed.password_env}' (passwordEnv of user "
                f"'{seed.username}') is not set"
            ]
        seed.password = environ[seed.password_env]
    # A random password always passes the policy; the username must still be valid.
    checked = seed.password if seed.password is not None else random_text(RANDOM_PASSWORD_CHARS)
    try:
        check_new_user(seed.username, checked, seed.role)
    except ValidationFailed as exc:
        return [f"{error.field}: {error.message}" for error in exc.errors]
    return []


def _key_permission_problems(seed: UserSeed) -> list[str]:
    """A key may only narrow its user's role (as keys made through the API)."""
    granted = {p.value for p in permissions_of(seed.role)}
    problems = []
    for index, key in enumerate(seed.api_keys):
        for position, name in enumerate(key.permissions or []):
            where = f"apiKeys[{index}].permissions[{position}]"
            if name not in Permission._value2member_map_:
                problems.append(f"{where}: unknown permission '{name}'")
            elif name not in granted:
                problems.append(f"{where}: '{name}' is not a permission of role '{seed.role}'")
    return problems


def _changed_fields(seed: UserSeed, user: User) -> list[str]:
    changed = []
    if user.role != seed.role:
        changed.append("role")
    if seed.email_given and user.email != seed.email:
        changed.append("email")
    return changed


async def _missing_keys(
    session: AsyncSession, user_id: uuid.UUID, keys: list[ApiKeySeed]
) -> list[ApiKeySeed]:
    rows = await session.scalars(
        select(ApiKey.name).where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None))
    )
    present = set(rows)
    return [key for key in keys if key.name not in present]


async def demotions_refused(session: AsyncSession, seeds: list[UserSeed]) -> list[UserSeed]:
    """Entries whose demotion would leave no active admin (the users API refuses that too)."""
    changed_role = [s for s in seeds if s.existing_id is not None and "role" in s.changed]
    demoted = {s.existing_id for s in changed_role if s.role != Role.ADMIN}
    if not demoted:
        return []
    if any(s.existing_id is None and s.role == Role.ADMIN for s in seeds):
        return []  # a new admin is created in the same transaction
    promoted = {s.existing_id for s in changed_role if s.role == Role.ADMIN}
    active_admins = set(
        await session.scalars(
            select(User.id).where(
                User.is_active.is_(True), (User.role == Role.ADMIN) | User.id.in_(promoted)
            )
        )
    )
    if active_admins - demoted:
        return []
    return [s for s in changed_role if s.existing_id in demoted]


# --- writing ---------------------------------------------------------------------------------


async def write_user(session: AsyncSession, seed: UserSeed) -> None:
    """Create or update the user and its missing keys; new secrets go to ``seed.secrets``."""
    user_id = seed.existing_id
    if user_id is None:
        user_id = await _create_user(session, seed)
    elif "role" in seed.changed or "email" in seed.changed:
        user = await session.get(User, user_id)
        if user is None:
            raise UserSeedError(["the user was deleted while seeding"])
        user.role = seed.role
        if seed.email_given:
            user.email = seed.email
    for key in seed.missing_keys:
        clear = _add_api_key(session, user_id, key)
        seed.secrets.append(f"{seed.label}: API key '{key.name}': {clear} (shown once)")


async def _create_user(session: AsyncSession, seed: UserSeed) -> uuid.UUID:
    password = seed.password
    if password is None:
        password = random_text(RANDOM_PASSWORD_CHARS)
        seed.secrets.append(f"{seed.label}: password: {password} (shown once)")
    user = User(
        username=seed.username,
        username_norm=normalise_username(seed.username),
        password_hash=hash_password(password),
        role=seed.role,
        email=seed.email,
        password_changed_at=utcnow(),
    )
    session.add(user)
    await session.flush()
    return user.id


def _add_api_key(session: AsyncSession, user_id: uuid.UUID, key: ApiKeySeed) -> str:
    """The auth service's key format and hash; the clear key is returned only here."""
    row, clear = new_api_key(user_id, key.name, key.permissions)
    session.add(row)
    return clear
