"""What one process shares between its roles: settings, database, event bus, identity."""

from __future__ import annotations

import socket
import uuid
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from colophon.config import Settings
from colophon.db.database import Database
from colophon.system.encryption import SecretBox
from colophon.tasks.events import EventBus
from colophon.tasks.notify import PgNotifyTransport

VERSION = "0.1.0"


@dataclass
class Runtime:
    """The process's shared services; built once by ``app.py`` or the CLI."""

    settings: Settings
    db: Database
    bus: EventBus = field(default_factory=EventBus)
    instance_id: uuid.UUID = field(default_factory=uuid.uuid4)
    roles: frozenset[str] = frozenset({"api", "worker", "scheduler"})
    hostname: str = field(default_factory=socket.gethostname)
    secret_box: SecretBox | None = None

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: object) -> Runtime:
        db = Database(
            settings.database_url,
            pool_size=settings.database.pool_size,
            sqlite_busy_timeout_ms=settings.database.sqlite_busy_timeout_ms,
        )
        runtime = cls(settings=settings, db=db, **kwargs)  # type: ignore[arg-type]
        if not db.is_sqlite:
            # Every process sends its events to the others, even a short CLI command (a
            # queued scan must wake the workers); only role processes also listen.
            runtime.bus.transport = PgNotifyTransport(db, runtime.instance_id)
        return runtime


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _database(request: Request) -> Database:
    return _runtime(request).db


RuntimeDep = Annotated[Runtime, Depends(_runtime)]
DatabaseDep = Annotated[Database, Depends(_database)]
