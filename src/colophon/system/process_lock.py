"""The data-dir lock that keeps a second server off one SQLite database (platform §1.1 rule 2)."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK_FILE = "colophon.lock"


class DataDirLocked(Exception):
    """Another process holds the lock."""


class DataDirLock:
    """An exclusive ``flock`` on ``<dataDir>/colophon.lock``, held until released or exit."""

    def __init__(self, descriptor: int) -> None:
        self._descriptor = descriptor

    @classmethod
    def acquire(cls, data_dir: Path) -> DataDirLock:
        descriptor = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise DataDirLocked(str(data_dir)) from None
        return cls(descriptor)

    def release(self) -> None:
        fcntl.flock(self._descriptor, fcntl.LOCK_UN)
        os.close(self._descriptor)
