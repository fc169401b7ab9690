"""Password hashing and policy (argon2id, platform §5.1)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

from colophon.errors import FieldError

_hasher = PasswordHasher()
# Verified against when the username is unknown, so timing does not reveal which users exist.
_DUMMY_HASH = _hasher.hash("colophon-dummy-password")

MIN_LENGTH = 12
MAX_LENGTH = 1024


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; an unknown user (None) costs the same time."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problems(password: str, username: str, *, field: str = "password") -> list[FieldError]:
    """The policy: 12–1024 characters and not the username."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return [FieldError(field, f"must be {MIN_LENGTH} to {MAX_LENGTH} characters long")]
    if password.casefold() == username.casefold():
        return [FieldError(field, "must not be the username")]
    return []
