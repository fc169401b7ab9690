"""Settings: defaults < ``colophon.yaml`` < ``COLOPHON_*`` environment < CLI flags (platform §6).

Every value remembers where it came from, so a bad one is reported as ``scheduler.timezone:
'Mars/Base' is not a valid IANA timezone (from COLOPHON_SCHEDULER__TIMEZONE)``.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel
from sqlalchemy import make_url

ENV_PREFIX = "COLOPHON_"
# Environment variables that are not configuration keys (platform §6.1).
RESERVED_ENV = {"CONFIG", "ENCRYPTION_KEY", "ADMIN_USERNAME", "ADMIN_PASSWORD"}
DEFAULT_CONFIG_FILE = "colophon.yaml"


class _Section(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class ServerSettings(_Section):
    host: str = "0.0.0.0"
    port: int = Field(8080, ge=1, le=65535)
    public_url: str | None = None
    trust_proxy: bool = False
    cors_origins: list[str] = []
    shutdown_grace_s: float = Field(30, ge=0, le=600)
    max_sse_clients: int = Field(200, ge=1, le=10000)
    web_dir: str | None = None

    @field_validator("public_url")
    @classmethod
    def _absolute_url(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError(f"'{value}' is not an absolute http(s) URL")
        return value

    @field_validator("cors_origins")
    @classmethod
    def _exact_origins(cls, values: list[str]) -> list[str]:
        # Browsers send Origin as scheme://host[:port]; anything else (a trailing slash, a
        # path, '*') would never match and silently leave cross-origin access closed.
        for value in values:
            parts = urlsplit(value)
            if (
                parts.scheme not in ("http", "https")
                or not parts.hostname
                or value != f"{parts.scheme}://{parts.netloc}"
                or "@" in parts.netloc
            ):
                raise ValueError(f"'{value}' is not an origin (scheme://host[:port], no path)")
        return values


class DatabaseSettings(_Section):
    url: str | None = None
    pool_size: int = Field(10, ge=1, le=100)
    sqlite_busy_timeout_ms: int = Field(5000, ge=100, le=60000)
    connect_timeout_s: float = Field(60, ge=1, le=600)
    auto_migrate: bool = True

    @field_validator("url")
    @classmethod
    def _supported_scheme(cls, value: str | None) -> str | None:
        if value is None:
            return None
        scheme = value.split(":", 1)[0].split("+", 1)[0].lower()
        if scheme not in ("sqlite", "postgresql", "postgres"):
            raise ValueError(f"unsupported scheme '{scheme}' (use sqlite:/// or postgresql://)")
        return value


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{value}' is not a valid IANA timezone") from None
    return value


class SchedulerSettings(_Section):
    timezone: str = "UTC"
    misfire_grace_s: int = Field(3600, ge=0, le=604800)
    poll_interval_s: float = Field(15, ge=1, le=300)

    _tz = field_validator("timezone")(_check_timezone)


class WorkerSettings(_Section):
    concurrency: int = Field(2, ge=1, le=32)
    poll_interval_s: float = Field(2, ge=0.2, le=60)
    heartbeat_s: float = Field(10, gt=0)
    lease_s: float = Field(60, gt=0)

    @model_validator(mode="after")
    def _lease_covers_heartbeats(self) -> WorkerSettings:
        if self.lease_s < 3 * self.heartbeat_s:
            raise ValueError("leaseS must be at least 3 × heartbeatS")
        return self


class TaskSettings(_Section):
    retention_days: int = Field(7, ge=1, le=3650)
    retry_base_s: float = Field(60, gt=0)
    retry_max_s: float = Field(3600, gt=0)

    @model_validator(mode="after")
    def _base_below_max(self) -> TaskSettings:
        if self.retry_base_s > self.retry_max_s:
            raise ValueError("retryBaseS must not exceed retryMaxS")
        return self


class PluginSettings(_Section):
    data_dir: str | None = None
    allowed_commands: list[str] = ["node", "npx", "python", "python3", "uv", "uvx"]
    request_timeout_s: float = Field(30, gt=0)
    initialize_timeout_s: float = Field(60, gt=0)
    ping_timeout_s: float = Field(10, gt=0)
    ping_interval_s: float = Field(60, gt=0)
    failure_threshold: int = Field(3, ge=1)
    restart_backoff_max_s: float = Field(60, gt=0)
    auto_disable_failures: int = Field(3, ge=1)
    auto_disable_window_s: float = Field(3600, gt=0)
    shutdown_grace_s: float = Field(5, ge=0)
    max_line_bytes: int = Field(16 * 1024 * 1024, ge=1)
    max_in_flight: int = Field(32, ge=1)
    max_queue_wait_s: float = Field(300, gt=0)
    stderr_lines_per_second: int = Field(100, ge=1)
    failure_retention_days: int = Field(30, ge=1)
    storage_max_keys: int = Field(100, ge=1)
    storage_max_value_bytes: int = Field(1048576, ge=1)

    @field_validator("max_line_bytes")
    @classmethod
    def _at_least_16_mib(cls, value: int) -> int:
        return max(value, 16 * 1024 * 1024)  # plugins §9: smaller values are raised to 16 MiB


class MetadataSettings(_Section):
    auto_match_threshold: float = Field(0.8, ge=0, le=1)


class AuthSettings(_Section):
    session_ttl_h: float = Field(168, gt=0)
    session_max_age_h: float = Field(720, gt=0)
    cookie_secure: Literal["auto", "true", "false"] = "auto"
    login_max_failures: int = Field(5, ge=1)
    login_ip_max_failures: int = Field(20, ge=1)
    login_window_s: int = Field(900, ge=1)

    @field_validator("cookie_secure", mode="before")
    @classmethod
    def _bool_as_text(cls, value: object) -> object:
        return str(value).lower() if isinstance(value, bool) else value


class LoggingSettings(_Section):
    level: Literal["debug", "info", "warning", "error"] = "info"
    format: Literal["auto", "json", "console"] = "auto"
    file: str | None = None

    @field_validator("level", mode="before")
    @classmethod
    def _lowercase(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value


class ObservabilitySettings(_Section):
    metrics_enabled: bool = True
    metrics_auth: bool = True
    metrics_port: int | None = Field(None, ge=1, le=65535)


class ScannerSettings(_Section):
    ignore: list[str] = [".*", "@eaDir", "#recycle", "__MACOSX", "Thumbs.db"]
    follow_symlinks: bool = False
    batch_size: int = Field(100, ge=1, le=10000)


class Settings(_Section):
    """The resolved configuration of one process."""

    server: ServerSettings = ServerSettings()
    data_dir: str = "./data"
    database: DatabaseSettings = DatabaseSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    worker: WorkerSettings = WorkerSettings()
    tasks: TaskSettings = TaskSettings()
    plugins: PluginSettings = PluginSettings()
    metadata: MetadataSettings = MetadataSettings()
    auth: AuthSettings = AuthSettings()
    logging: LoggingSettings = LoggingSettings()
    observability: ObservabilitySettings = ObservabilitySettings()
    scanner: ScannerSettings = ScannerSettings()

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser().resolve()

    @property
    def database_url(self) -> str:
        """The configured URL, or the SQLite file under the data dir."""
        return self.database.url or f"sqlite:///{self.data_path / 'colophon.db'}"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def plugin_data_path(self) -> Path:
        return Path(self.plugins.data_dir) if self.plugins.data_dir else self.data_path / "plugins"


class ConfigError(Exception):
    """Configuration could not be loaded; ``problems`` holds one line per bad key."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class LoadedSettings:
    """Settings plus where each explicitly given key came from (for ``config show``)."""

    settings: Settings
    sources: dict[str, str]


def _leaf_keys(model: type[BaseModel], prefix: str = "") -> dict[str, Any]:
    """Dotted camelCase key → annotation of every leaf setting."""
    keys: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = prefix + to_camel(name)
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, _Section):
            keys.update(_leaf_keys(annotation, key + "."))
        else:
            keys[key] = annotation
    return keys


LEAF_KEYS = _leaf_keys(Settings)


def env_name(key: str) -> str:
    """``scheduler.misfireGraceS`` → ``COLOPHON_SCHEDULER__MISFIRE_GRACE_S``."""
    segments = [re.sub(r"(?<!^)(?=[A-Z])", "_", part).upper() for part in key.split(".")]
    return ENV_PREFIX + "__".join(segments)


ENV_KEYS = {env_name(key): key for key in LEAF_KEYS}


def _suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested file mapping → dotted keys; a mapping under a known section is descended into."""
    flat: dict[str, Any] = {}
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping) and any(leaf.startswith(key + ".") for leaf in LEAF_KEYS):
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = value
    return flat


def _is_list_key(key: str) -> bool:
    return "list" in str(LEAF_KEYS[key]).lower()


def _parse_env_value(key: str, raw: str) -> Any:
    if _is_list_key(key):
        text = raw.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                pass
        return [item.strip() for item in text.split(",") if item.strip()]
    lowered = raw.strip().lower()
    if lowered in ("null", "none", ""):
        return None
    return raw


def _read_file(path: Path, explicit: bool) -> dict[str, Any]:
    if not path.exists():
        if explicit:
            raise ConfigError([f"{path}: configuration file not found"])
        return {}
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError([f"{path.name}: not valid YAML: {exc}"]) from exc
    if not isinstance(data, dict):
        raise ConfigError([f"{path.name}: the top level must be a mapping of keys"])
    return data


def _gather(
    file_path: Path, explicit: bool, environ: Mapping[str, str], overrides: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str], list[str], list[str]]:
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    problems: list[str] = []
    warnings: list[str] = []
    for key, value in _flatten(_read_file(file_path, explicit)).items():
        if key not in LEAF_KEYS:
            problems.append(f"{file_path.name}: {key}: unknown key{_suggest(key, list(LEAF_KEYS))}")
            continue
        values[key], sources[key] = value, file_path.name
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name.startswith(ENV_PREFIX + "TEST_"):
            continue
        if name.removeprefix(ENV_PREFIX) in RESERVED_ENV:
            continue
        env_key = ENV_KEYS.get(name)
        if env_key is None:
            warnings.append(f"{name}: not a configuration variable{_suggest(name, list(ENV_KEYS))}")
            continue
        values[env_key], sources[env_key] = _parse_env_value(env_key, raw), name
    for key, value in overrides.items():
        if value is not None:
            values[key], sources[key] = value, "command line"
    return values, sources, problems, warnings


def _nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        node = nested
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested


def _describe(error: Any, values: Mapping[str, Any], sources: Mapping[str, str]) -> str:
    key = ".".join(str(part) for part in error["loc"] if isinstance(part, str))
    message = str(error["msg"]).removeprefix("Value error, ")
    if key in values and not message.startswith("'"):
        message = f"{values[key]!r}: {message}"
    source = sources.get(key, "defaults")
    return f"{key or 'configuration'}: {message} (from {source})"


def load_settings(
    config_path: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> LoadedSettings:
    """Resolve the settings; raise ConfigError listing every problem with its key and source."""
    env = os.environ if environ is None else environ
    explicit = config_path or env.get(ENV_PREFIX + "CONFIG")
    file_path = Path(explicit or DEFAULT_CONFIG_FILE)
    values, sources, problems, warnings = _gather(file_path, bool(explicit), env, overrides or {})
    settings = Settings()
    try:
        settings = Settings.model_validate(_nest(values))
    except ValidationError as exc:
        problems += [_describe(error, values, sources) for error in exc.errors()]
    if problems:
        raise ConfigError(problems)
    for line in warnings:
        _warn(line)
    return LoadedSettings(settings, sources)


def _warn(line: str) -> None:
    structlog.get_logger("colophon.config").warning("unknown environment variable", detail=line)


def redacted_yaml(loaded: LoadedSettings) -> str:
    """The resolved settings as YAML with each explicit key's source in a comment."""
    data = loaded.settings.model_dump(by_alias=True)
    if data["database"]["url"]:
        data["database"]["url"] = make_url(data["database"]["url"]).render_as_string(
            hide_password=True
        )
    lines = yaml.safe_dump(data, sort_keys=False).splitlines()
    out: list[str] = []
    path: list[tuple[int, str]] = []
    for line in lines:
        indent = len(line) - len(line.lstrip())
        name = line.strip().split(":", 1)[0]
        path = [(i, n) for i, n in path if i < indent] + [(indent, name)]
        key = ".".join(n for _, n in path)
        source = loaded.sources.get(key)
        out.append(f"{line}  # {source}" if source else line)
    key_source = "COLOPHON_ENCRYPTION_KEY" if os.environ.get("COLOPHON_ENCRYPTION_KEY") else "file"
    out.append(f"# encryption key: from {key_source}")
    return "\n".join(out) + "\n"
