"""How a plugin process is launched (plugins.md §3.3): command, allowlist, environment, data dir."""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

DEFAULT_ALLOWED_COMMANDS = ("node", "npx", "python", "python3", "uv", "uvx")
SERVER_PYTHON_NAMES = frozenset({"python", "python3"})
INHERITED_ENV = (
    "PATH",
    "HOME",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "TMPDIR",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "no_proxy",
)
# The dynamic loader and the server's own settings must never be steered by a plugin row.
FORBIDDEN_ENV_NAME = re.compile(r"^(LD_|DYLD_|COLOPHON_)", re.IGNORECASE)


class LaunchError(Exception):
    """The plugin cannot be launched as configured (a start failure, §4.6)."""


def is_command_allowed(command: str, allowed: Sequence[str]) -> bool:
    """The allowlist rule of §3.3: bare names listed; absolute paths by basename, path or dir."""
    if "*" in allowed:
        return True
    if not os.path.isabs(command):
        return command in allowed
    if os.path.basename(command) in allowed or command in allowed:
        return True
    return any(entry.endswith("/") and command.startswith(entry) for entry in allowed)


def command_not_allowed_message(command: str) -> str:
    """The 400 message for a command outside the allowlist."""
    return f"command '{command}' is not allowed; add it to plugins.allowedCommands"


def is_forbidden_env_name(name: str) -> bool:
    """True for ``LD_*``, ``DYLD_*`` and ``COLOPHON_*`` names (rejected at write time)."""
    return FORBIDDEN_ENV_NAME.match(name) is not None


def resolve_command(command: str, *, path: str | None) -> str:
    """The executable to run: the server's Python for ``python``/``python3``, else a PATH lookup."""
    if command in SERVER_PYTHON_NAMES:
        return sys.executable
    if os.path.isabs(command):
        return command
    found = shutil.which(command, path=path)
    if found is None:
        raise LaunchError(f"command '{command}' not found on PATH")
    return found


def credential_env(credentials: Mapping[str, str]) -> dict[str, str]:
    """Env-delivered credentials: each key uppercased (``api_key`` → ``API_KEY``, §6.3)."""
    return {key.upper(): value for key, value in credentials.items()}


def build_child_env(
    server_env: Mapping[str, str],
    row_env: Mapping[str, str],
    *,
    env_credentials: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The child's environment: allowlisted server variables, Python I/O settings, row env, then
    env-delivered credentials. No ``COLOPHON_*`` variable ever passes."""
    env = {name: server_env[name] for name in INHERITED_ENV if name in server_env}
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(row_env)
    env.update(env_credentials or {})
    return {name: value for name, value in env.items() if not is_forbidden_env_name(name)}


def prepare_data_dir(base: Path, plugin: str) -> Path:
    """Create ``<base>/<plugin>/`` with mode 0700 and return its absolute path."""
    path = (base / plugin).resolve()
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path
