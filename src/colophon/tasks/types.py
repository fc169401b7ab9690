"""The registered task types and their defaults (platform §3.9)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TitleTarget = Literal["library", "job"]


@dataclass(frozen=True, slots=True)
class TaskType:
    """A task type's claim priority, attempts, and how its title is built at read time."""

    name: str
    priority: int
    max_attempts: int
    title: str
    title_target: TitleTarget | None = None


TASK_TYPES: dict[str, TaskType] = {
    kind.name: kind
    for kind in (
        TaskType("revert_job_run", 900, 1, "Revert run", "job"),
        TaskType("refresh_library_metadata", 890, 1, "Refresh metadata", "job"),
        TaskType("auto_match", 880, 3, "Auto-match", "library"),
        TaskType("scan_library", 600, 3, "Scan", "library"),
    )
}


def register_task_type(kind: TaskType) -> None:
    """Add a task type; a second registration of the same name must be identical."""
    existing = TASK_TYPES.get(kind.name)
    if existing is not None and existing != kind:
        raise ValueError(f"task type '{kind.name}' is already registered differently")
    TASK_TYPES[kind.name] = kind


def task_type(name: str) -> TaskType:
    """The registered type; KeyError names the unknown type."""
    try:
        return TASK_TYPES[name]
    except KeyError:
        raise KeyError(f"unknown task type '{name}'") from None
