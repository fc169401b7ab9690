"""A per-second budget for log lines a plugin can cause (plugins.md §3.11: at most N per second)."""

from __future__ import annotations

import time
from collections.abc import Callable


class FloodGate:
    """Admits at most ``per_second`` events per one-second window and counts the rest."""

    def __init__(self, per_second: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second = per_second
        self._clock = clock
        self._window_start = clock()
        self._admitted = 0
        self._suppressed = 0

    def admit(self) -> tuple[bool, int]:
        """(whether to log this event, lines suppressed in the window that just ended)."""
        now = self._clock()
        ended_suppressed = 0
        if now - self._window_start >= 1.0:
            ended_suppressed = self._suppressed
            self._window_start, self._admitted, self._suppressed = now, 0, 0
        if self._admitted < self.per_second:
            self._admitted += 1
            return True, ended_suppressed
        self._suppressed += 1
        return False, ended_suppressed

    def drain(self) -> int:
        """Lines suppressed and not yet reported (at process end)."""
        suppressed, self._suppressed = self._suppressed, 0
        return suppressed
