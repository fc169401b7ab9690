"""The ``plugin.*`` entity events (platform §4.3) that tell every process a row changed.

On PostgreSQL they cross processes on ``colophon_events`` in the transaction of the change,
which is how other server processes learn to reload or stop a plugin (plugins.md §4.2).
"""

from __future__ import annotations

import uuid
from typing import Any

from colophon.tasks.events import Event, entity_event

CREATED = "plugin.created"
UPDATED = "plugin.updated"
DELETED = "plugin.deleted"
ENABLED = "plugin.enabled"
DISABLED = "plugin.disabled"
HEALTH_CHANGED = "plugin.health_changed"
ALL = frozenset({CREATED, UPDATED, DELETED, ENABLED, DISABLED, HEALTH_CHANGED})


def plugin_event(
    name: str, plugin_id: uuid.UUID, *, user_id: uuid.UUID | None = None, **extra: Any
) -> Event:
    """One ``plugin.*`` event; ``restart=True`` on ``plugin.updated`` asks for a new process."""
    return entity_event(name, user_id=user_id, pluginId=plugin_id, **extra)


def plugin_id_of(event: Event) -> uuid.UUID | None:
    """The ``pluginId`` of a ``plugin.*`` event, None for any other event."""
    if event.name not in ALL:
        return None
    try:
        return uuid.UUID(str(event.data.get("pluginId")))
    except ValueError:
        return None
