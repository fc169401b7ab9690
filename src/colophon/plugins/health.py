"""Plugin health as the host sees it (plugins.md §4.5, §4.6): failures, backoff, auto-disable.

The host does not write to the database. It reports every failure, start failure, start and
success to a ``HostObserver``; the DB layer persists them (``plugin_failures``, health columns,
``disabled_reason``) and may count start failures across server processes.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import structlog

from colophon.plugins.manifest import PluginManifest

log = structlog.get_logger(__name__)

FailureKind = Literal[
    "init_error", "timeout", "crash", "ping_failed", "protocol_error", "write_error"
]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class PluginFailure:
    """One failure worth a ``plugin_failures`` row; messages are already redacted."""

    plugin: str
    kind: FailureKind
    message: str
    method: str | None = None
    code: int | None = None
    exit_code: int | None = None
    stderr_tail: tuple[str, ...] = ()
    consecutive_failures: int = 0
    at: datetime = field(default_factory=_now)


@dataclass(frozen=True, slots=True)
class StartFailure:
    """A spawn or initialize failure (kind ``init_error``) and what it means for auto-disable.

    ``failed_starts_in_window`` counts this server process's start failures within the window
    since the last enable; ``auto_disable_reason`` is set when that reached the threshold (the
    host has then disabled the plugin locally; the DB layer should persist it).
    """

    failure: PluginFailure
    failed_starts_in_window: int
    auto_disable_reason: str | None


class HostObserver:
    """Receives what happened to plugins; the default does nothing. Callbacks must not block:
    they run on the call path (queue the database write, do not await it here)."""

    def on_started(self, plugin: str, manifest: PluginManifest, pid: int) -> None:
        """A process answered ``initialize`` with a usable manifest."""

    def on_success(self, plugin: str) -> None:
        """A call got a result (for ``last_success_at`` and resetting counters)."""

    def on_failure(self, failure: PluginFailure) -> None:
        """A liveness failure (timeout, ping, write, protocol) or a crash."""

    def on_start_failure(self, start_failure: StartFailure) -> None:
        """A start failure; may carry the auto-disable decision."""


def restart_delay_s(restart_number: int, *, initial_s: float, maximum_s: float) -> float:
    """Backoff before the n-th consecutive unplanned restart: 0, 1, 2, 4 … s, capped (§4.5)."""
    if restart_number <= 1:
        return 0.0
    return min(maximum_s, initial_s * 2.0 ** (restart_number - 2))


def auto_disable_reason(failures: int, window_s: float, last_error: str) -> str:
    """The ``disabled_reason`` text of §4.6."""
    hours = window_s / 3600
    span = "1 hour" if hours == 1 else f"{window_s:g} seconds"
    return (
        f"Disabled automatically after {failures} failed starts within {span}. "
        f"Last error: {last_error}"
    )


class StartFailureWindow:
    """Start failures of this process within the last ``window_s`` since the last enable."""

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._times: deque[float] = deque()

    def record(self, now: float) -> int:
        """Add a failure at ``now``; the number within the window, this one included."""
        self._times.append(now)
        while self._times and now - self._times[0] > self.window_s:
            self._times.popleft()
        return len(self._times)

    def reset(self) -> None:
        """Forget earlier failures (an admin re-enabled the plugin)."""
        self._times.clear()
