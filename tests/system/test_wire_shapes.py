"""The served OpenAPI names exact shapes: enumerations match what the server stores, and
``GET /api/v1/health`` documents both of its bodies (platform §9.2)."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from colophon.jobs.models import ACTIVE_RUN_STATUSES, FINISHED_RUN_STATUSES
from colophon.jobs.planner import SkipReason
from colophon.jobs.schemas import RevertSkipCode, RunStatus, SkippedCountsDto
from colophon.library.scanner.result import ScanStatus
from colophon.library.schemas import LastScanStatus
from colophon.metadata.models import BOOK_TYPES, READING_DIRECTIONS, SERIES_STATUSES
from colophon.metadata.revert import RevertSkipReason
from colophon.metadata.schemas import BookType, ReadingDirection, SeriesStatus
from colophon.plugins.models import HEALTH_STATUSES
from colophon.plugins.schemas import HealthStatus
from colophon.system import health
from colophon.system.schemas import HealthDto, HealthErrorDto
from colophon.tasks.models import ACTIVE_STATUSES, FINISHED_STATUSES
from colophon.tasks.schemas import TaskStatus
from tests.conftest import ApiClient


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.mark.parametrize(
    ("wire", "stored"),
    [
        (TaskStatus, (*ACTIVE_STATUSES, *FINISHED_STATUSES)),
        (RunStatus, (*ACTIVE_RUN_STATUSES, *FINISHED_RUN_STATUSES)),
        (HealthStatus, HEALTH_STATUSES),
        (SeriesStatus, SERIES_STATUSES),
        (ReadingDirection, READING_DIRECTIONS),
        (BookType, BOOK_TYPES),
        (LastScanStatus, tuple(ScanStatus)),
        (RevertSkipCode, tuple(RevertSkipReason)),
    ],
)
def test_wire_enumerations_hold_every_stored_value(wire: Any, stored: tuple[str, ...]) -> None:
    assert set(_values(wire)) == set(stored)


def _values(literal: Any) -> list[str]:
    """The strings of a Literal, flattening Literals of Literals."""
    return [v for arg in get_args(literal) for v in (_values(arg) if get_args(arg) else [arg])]


def test_run_summary_skip_counters_are_the_planner_reasons() -> None:
    assert set(SkippedCountsDto.model_fields) == {reason.value for reason in SkipReason}


async def test_health_documents_its_200_and_503_bodies(admin: ApiClient) -> None:
    document = (await admin.get("/api/v1/openapi.json")).json()
    responses = document["paths"]["/api/v1/health"]["get"]["responses"]
    assert _schema_name(responses["200"]) == "HealthDto"
    assert _schema_name(responses["503"]) == "HealthErrorDto"
    status = document["components"]["schemas"]["HealthDto"]["properties"]["status"]
    assert set(status["enum"]) == {"ok", "degraded"}


def _schema_name(response: dict[str, Any]) -> str:
    ref: str = response["content"]["application/json"]["schema"]["$ref"]
    return ref.rsplit("/", 1)[-1]


async def test_health_bodies_match_their_models(
    client: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    healthy = await client.get("/api/v1/health")
    assert healthy.status_code == 200
    assert HealthDto.model_validate(healthy.json()).database.backend == "sqlite"

    async def unreachable(runtime: object) -> None:
        raise TimeoutError

    monkeypatch.setattr(health, "_database", unreachable)
    down = await client.get("/api/v1/health")
    assert down.status_code == 503
    assert down.json() == {
        "status": "error",
        "version": HealthErrorDto.model_validate(down.json()).version,
        "database": {"ok": False, "backend": "sqlite"},
    }
