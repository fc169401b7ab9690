"""Plugin credentials: shape rules and encryption at rest (plugins.md §6).

Credentials are write-only: they arrive through the API or the seed, are encrypted with the
process's ``SecretBox`` before they reach the database, and are decrypted only to start a
plugin. No function here logs a value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from cryptography.fernet import InvalidToken

from colophon.errors import FieldError, ValidationFailed
from colophon.system.encryption import SecretBox

CREDENTIAL_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
UNDECRYPTABLE_MESSAGE = "credentials cannot be decrypted; check COLOPHON_ENCRYPTION_KEY"
NO_KEY_MESSAGE = "no encryption key is loaded; credentials cannot be stored"


class CredentialsUndecryptable(Exception):
    """The stored token does not open with any configured key (§4.6: never auto-disables)."""

    def __init__(self) -> None:
        super().__init__(UNDECRYPTABLE_MESSAGE)


def credential_value(key: str, raw: object, *, path: str) -> str:
    """A credential value as a string; numbers and booleans are converted (§6.2)."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, int | float):
        return str(raw)
    raise ValidationFailed(FieldError(path, f"credential '{key}' must be a string"))


def check_credential_key(key: str, *, path: str) -> None:
    """Raise ``ValidationFailed`` when ``key`` is not an identifier-like name."""
    if not CREDENTIAL_KEY.match(key):
        raise ValidationFailed(
            FieldError(path, f"credential key '{key}' must match {CREDENTIAL_KEY.pattern}")
        )


def parse_credentials(raw: Mapping[str, object], *, path: str = "credentials") -> dict[str, str]:
    """A whole credentials mapping, checked; raises ``ValidationFailed`` naming the key."""
    parsed: dict[str, str] = {}
    for key, value in raw.items():
        check_credential_key(key, path=f"{path}.{key}")
        parsed[key] = credential_value(key, value, path=f"{path}.{key}")
    return parsed


def encrypt_credentials(box: SecretBox | None, credentials: Mapping[str, str]) -> str | None:
    """The Fernet token of the compact, key-sorted JSON; None when there is nothing to store."""
    if not credentials:
        return None
    if box is None:
        raise RuntimeError(NO_KEY_MESSAGE)
    clear = json.dumps(dict(credentials), sort_keys=True, separators=(",", ":"))
    return box.encrypt(clear.encode())


def decrypt_credentials(box: SecretBox | None, token: str | None) -> dict[str, str]:
    """The stored mapping (empty without a token); raises ``CredentialsUndecryptable``."""
    if not token:
        return {}
    if box is None:
        raise CredentialsUndecryptable()
    try:
        clear = box.decrypt(token)
    except InvalidToken:
        raise CredentialsUndecryptable() from None
    loaded = json.loads(clear)
    return {str(key): str(value) for key, value in loaded.items()}


def merge_credential_patch(
    current: Mapping[str, str], patch: Mapping[str, object], *, path: str = "body"
) -> dict[str, str]:
    """``PATCH …/credentials``: a value sets its key, ``null`` removes it (§7.2)."""
    merged = dict(current)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
            continue
        check_credential_key(key, path=f"{path}.{key}")
        merged[key] = credential_value(key, value, path=f"{path}.{key}")
    return merged
