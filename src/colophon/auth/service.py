"""Users, login with throttling, sessions, API keys (platform §5)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import string
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from colophon.auth.models import ApiKey, LoginAttempt, User, UserSession
from colophon.auth.passwords import hash_password, needs_rehash, password_problems, verify_password
from colophon.auth.permissions import Permission, Role, permissions_of
from colophon.config import AuthSettings
from colophon.db.clock import utcnow
from colophon.db.database import Database
from colophon.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    TooManyRequests,
    Unauthenticated,
    ValidationFailed,
)

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9._-]{3,64}$")
LAST_SEEN_EVERY = timedelta(minutes=5)
LAST_USED_EVERY = timedelta(minutes=1)
KEY_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling and what they may do."""

    user_id: uuid.UUID
    username: str
    role: str
    permissions: frozenset[Permission]
    auth_method: str  # "session" or "apikey"
    session_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        if permission not in self.permissions:
            raise PermissionDenied(permission.value)

    @property
    def actor(self) -> str:
        """The ``created_by`` form of this caller (``user:<id>`` or ``apikey:<id>``)."""
        if self.api_key_id is not None:
            return f"apikey:{self.api_key_id}"
        return f"user:{self.user_id}"


@dataclass(frozen=True, slots=True)
class UserView:
    id: uuid.UUID
    username: str
    email: str | None
    role: str
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalise_username(username: str) -> str:
    return username.casefold()


def _view(user: User) -> UserView:
    return UserView(
        user.id,
        user.username,
        user.email,
        user.role,
        user.is_active,
        user.created_at,
        user.last_login_at,
    )


def check_new_user(username: str, password: str, role: str) -> None:
    problems: list[FieldError] = []
    if not USERNAME_PATTERN.match(username):
        problems.append(FieldError("username", "must be 3–64 characters of A–Z, a–z, 0–9, . _ -"))
    if role not in Role._value2member_map_:
        problems.append(FieldError("role", f"unknown role '{role}'"))
    problems += password_problems(password, username)
    if problems:
        raise ValidationFailed(problems)


async def create_user(
    db: Database, username: str, password: str, *, role: str = "admin", email: str | None = None
) -> UserView:
    """Create a user; Conflict when the name is taken (case-insensitively)."""
    check_new_user(username, password, role)
    password_hash = hash_password(password)
    async with db.write() as session:
        if await find_user(session, username) is not None:
            raise Conflict("user exists; use 'colophon admin set-password'")
        user = User(
            username=username,
            username_norm=normalise_username(username),
            password_hash=password_hash,
            role=role,
            email=email,
            password_changed_at=utcnow(),
        )
        session.add(user)
        await session.flush()
        return _view(user)


async def find_user(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(
        select(User).where(User.username_norm == normalise_username(username))
    )


async def count_users(db: Database) -> int:
    async with db.read() as session:
        return await session.scalar(select(func.count()).select_from(User)) or 0


async def bootstrap_admin(db: Database, username: str, password: str) -> UserView | None:
    """Create the first admin when no user exists; never touches existing users (§5.5)."""
    check_new_user(username, password, Role.ADMIN)
    password_hash = hash_password(password)
    async with db.write() as session:
        if db.backend == "postgresql":
            await session.execute(select(func.pg_advisory_xact_lock(727_002)))
        if await session.scalar(select(func.count()).select_from(User)):
            return None
        user = User(
            username=username,
            username_norm=normalise_username(username),
            password_hash=password_hash,
            role=Role.ADMIN,
            password_changed_at=utcnow(),
        )
        session.add(user)
        await session.flush()
        return _view(user)


async def set_password(db: Database, username: str, password: str) -> None:
    """Reset a password and end every session of the user."""
    async with db.write() as session:
        user = await find_user(session, username)
        if user is None:
            raise NotFound("user not found")
        problems = password_problems(password, user.username)
        if problems:
            raise ValidationFailed(problems)
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
        await session.execute(delete(UserSession).where(UserSession.user_id == user.id))


# ── login and throttling ──────────────────────────────────────────────────────


async def _throttle(
    session: AsyncSession, settings: AuthSettings, username_norm: str, ip: str, now: datetime
) -> None:
    since = now - timedelta(seconds=settings.login_window_s)
    failures = LoginAttempt.succeeded.is_(False) & (LoginAttempt.at > since)
    pair = await session.scalars(
        select(LoginAttempt.at)
        .where(failures, LoginAttempt.ip == ip, LoginAttempt.username_norm == username_norm)
        .order_by(LoginAttempt.at)
    )
    by_ip = await session.scalars(
        select(LoginAttempt.at).where(failures, LoginAttempt.ip == ip).order_by(LoginAttempt.at)
    )
    for times, limit in (
        (list(pair), settings.login_max_failures),
        (list(by_ip), settings.login_ip_max_failures),
    ):
        if len(times) >= limit:
            oldest_counted = times[len(times) - limit]
            wait = oldest_counted + timedelta(seconds=settings.login_window_s) - now
            raise TooManyRequests(
                "too many login attempts", retry_after_s=max(1, int(wait.total_seconds()) + 1)
            )


async def login(
    db: Database, settings: AuthSettings, username: str, password: str, *, ip: str
) -> tuple[Principal, str]:
    """Check the password (throttled) and open a session; returns the principal and cookie value."""
    username_norm = normalise_username(username)[:64]
    now = utcnow()
    async with db.write() as session:
        await _throttle(session, settings, username_norm, ip, now)
        user = await find_user(session, username)
        ok = verify_password(user.password_hash if user else None, password)
        if not ok or user is None or not user.is_active:
            session.add(LoginAttempt(username_norm=username_norm, ip=ip, succeeded=False, at=now))
            failed = True
        else:
            failed = False
            await session.execute(
                delete(LoginAttempt).where(
                    LoginAttempt.username_norm == username_norm, LoginAttempt.ip == ip
                )
            )
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            user.last_login_at = now
            token = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
            record = UserSession(
                token_hash=_sha256(token),
                user_id=user.id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(hours=settings.session_ttl_h),
            )
            session.add(record)
            await session.flush()
            principal = _principal(user, "session", session_id=record.id)
    if failed:
        raise Unauthenticated("invalid username or password")
    return principal, token


def _principal(
    user: User,
    method: str,
    *,
    session_id: uuid.UUID | None = None,
    key: ApiKey | None = None,
) -> Principal:
    return Principal(
        user.id,
        user.username,
        user.role,
        permissions_of(user.role, key.permissions if key else None),
        method,
        session_id=session_id,
        api_key_id=key.id if key else None,
    )


async def logout(db: Database, session_id: uuid.UUID) -> None:
    async with db.write() as session:
        await session.execute(delete(UserSession).where(UserSession.id == session_id))


async def principal_from_session(
    db: Database, settings: AuthSettings, token: str
) -> Principal | None:
    """The session's user, sliding its expiry; None when unknown, expired or inactive."""
    now = utcnow()
    async with db.read() as session:
        row = (
            await session.execute(
                select(UserSession, User)
                .join(User, User.id == UserSession.user_id)
                .where(UserSession.token_hash == _sha256(token))
            )
        ).first()
    if row is None:
        return None
    record, user = row
    hard_limit = record.created_at + timedelta(hours=settings.session_max_age_h)
    if record.expires_at <= now or hard_limit <= now or not user.is_active:
        return None
    if now - record.last_seen_at >= LAST_SEEN_EVERY:
        async with db.write() as session:
            await session.execute(
                update(UserSession)
                .where(UserSession.id == record.id)
                .values(
                    last_seen_at=now,
                    expires_at=min(now + timedelta(hours=settings.session_ttl_h), hard_limit),
                )
            )
    return _principal(user, "session", session_id=record.id)


async def change_password(
    db: Database, principal: Principal, current_password: str, new_password: str
) -> None:
    """Change the caller's password and end their other sessions."""
    async with db.write() as session:
        user = await session.get(User, principal.user_id)
        if user is None or not verify_password(user.password_hash, current_password):
            raise ValidationFailed(FieldError("currentPassword", "current password is wrong"))
        problems = password_problems(new_password, user.username, field="newPassword")
        if problems:
            raise ValidationFailed(problems)
        user.password_hash = hash_password(new_password)
        user.password_changed_at = utcnow()
        await session.execute(
            delete(UserSession).where(
                UserSession.user_id == user.id, UserSession.id != principal.session_id
            )
        )


# ── API keys ──────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class ApiKeyView:
    id: uuid.UUID
    name: str
    prefix: str
    permissions: list[str] | None
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


def _key_view(key: ApiKey) -> ApiKeyView:
    return ApiKeyView(
        key.id,
        key.name,
        key.prefix,
        key.permissions,
        key.created_at,
        key.expires_at,
        key.last_used_at,
        key.revoked_at,
    )


def random_text(length: int) -> str:
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(length))


async def create_api_key(
    db: Database,
    principal: Principal,
    name: str,
    *,
    permissions: list[str] | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiKeyView, str]:
    """Create a key for the caller; the clear key is returned only here."""
    if principal.auth_method == "apikey":
        raise PermissionDenied(
            Permission.APIKEYS_OWN.value, "API keys cannot be created with an API key"
        )
    problems = [FieldError("name", "must not be empty")] if not name.strip() else []
    for index, permission in enumerate(permissions or []):
        if permission not in principal.permissions:
            problems.append(
                FieldError(f"permissions[{index}]", f"'{permission}' is not a permission you hold")
            )
    if expires_at is not None and expires_at <= utcnow():
        problems.append(FieldError("expiresAt", "must be in the future"))
    if problems:
        raise ValidationFailed(problems)
    key, clear = new_api_key(principal.user_id, name.strip(), permissions, expires_at=expires_at)
    async with db.write() as session:
        session.add(key)
        await session.flush()
        return _key_view(key), clear


def new_api_key(
    user_id: uuid.UUID,
    name: str,
    permissions: list[str] | None,
    *,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A key row holding only the hash, and the clear key to show once."""
    key_id = random_text(8)
    clear = f"col_{key_id}_{random_text(40)}"
    key = ApiKey(
        user_id=user_id,
        name=name,
        prefix=f"col_{key_id}",
        key_hash=_sha256(clear),
        permissions=permissions,
        expires_at=expires_at,
    )
    return key, clear


async def principal_from_api_key(db: Database, clear: str) -> Principal | None:
    """The key's owner narrowed to the key's permissions; None when unknown, expired or revoked."""
    parts = clear.split("_")
    if len(parts) != 3 or parts[0] != "col":
        return None
    now = utcnow()
    async with db.read() as session:
        row = (
            await session.execute(
                select(ApiKey, User)
                .join(User, User.id == ApiKey.user_id)
                .where(ApiKey.prefix == f"col_{parts[1]}")
            )
        ).first()
    if row is None:
        return None
    key, user = row
    if not hmac.compare_digest(key.key_hash, _sha256(clear)):
        return None
    if key.revoked_at or (key.expires_at and key.expires_at <= now) or not user.is_active:
        return None
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_EVERY:
        async with db.write() as session:
            await session.execute(
                update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now)
            )
    return _principal(user, "apikey", key=key)


async def list_api_keys(db: Database, user_id: uuid.UUID) -> list[ApiKeyView]:
    async with db.read() as session:
        keys = await session.scalars(
            select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.created_at)
        )
        return [_key_view(key) for key in keys]


async def revoke_api_key(db: Database, principal: Principal, key_id: uuid.UUID) -> None:
    async with db.write() as session:
        key = await session.get(ApiKey, key_id)
        if key is None:
            raise NotFound("api key not found")
        if key.user_id != principal.user_id:
            principal.require(Permission.USERS_MANAGE)
        key.revoked_at = key.revoked_at or utcnow()


# ── users administration ──────────────────────────────────────────────────────


async def list_users(db: Database) -> list[UserView]:
    async with db.read() as session:
        return [_view(u) for u in await session.scalars(select(User).order_by(User.username_norm))]


async def _active_admins(session: AsyncSession) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.ADMIN, User.is_active.is_(True))
        )
        or 0
    )


async def update_user(
    db: Database,
    principal: Principal,
    user_id: uuid.UUID,
    *,
    role: str | None = None,
    is_active: bool | None = None,
    password: str | None = None,
) -> UserView:
    """Change role, activity or password; at least one active admin must remain."""
    async with db.write() as session:
        user = await session.get(User, user_id)
        if user is None:
            raise NotFound("user not found")
        if role is not None and role not in Role._value2member_map_:
            raise ValidationFailed(FieldError("role", f"unknown role '{role}'"))
        if is_active is False and user.id == principal.user_id:
            raise Conflict("you cannot deactivate yourself")
        if password is not None:
            problems = password_problems(password, user.username)
            if problems:
                raise ValidationFailed(problems)
            user.password_hash = hash_password(password)
            user.password_changed_at = utcnow()
        if role is not None:
            user.role = role
        if is_active is not None:
            user.is_active = is_active
        await session.flush()
        if await _active_admins(session) == 0:
            raise Conflict("at least one active admin is required")
        if password is not None or is_active is False:
            await session.execute(delete(UserSession).where(UserSession.user_id == user.id))
        return _view(user)


async def delete_user(db: Database, principal: Principal, user_id: uuid.UUID) -> None:
    async with db.write() as session:
        user = await session.get(User, user_id)
        if user is None:
            raise NotFound("user not found")
        if user.id == principal.user_id:
            raise Conflict("you cannot delete yourself")
        await session.delete(user)
        await session.flush()
        if await _active_admins(session) == 0:
            raise Conflict("at least one active admin is required")


async def purge_expired(db: Database, settings: AuthSettings) -> None:
    """Maintenance: expired sessions and login attempts older than a day."""
    now = utcnow()
    async with db.write() as session:
        await session.execute(delete(UserSession).where(UserSession.expires_at <= now))
        await session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=1)))
