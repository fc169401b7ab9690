"""Property-based fuzzing of the served OpenAPI document (issue 8): as an admin, with data
that fits the document and data that does not, no operation answers 5xx, every documented
answer matches its declared schema and content type, and every error follows the error
contract of platform §0.

The document declares only each route's success status and 422, so schemathesis' own
"undocumented status code" check would flag every 404; the error-contract check below
replaces it until the routes declare their error responses.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.transport import Response
from schemathesis.generation.modes import GenerationMode
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.fuzz.served_app import ServedApp, served_app

# Bounded so the whole module stays well under 90 s on a CI runner (two modes × ~65 routes).
MAX_EXAMPLES = 8
REQUEST_TIMEOUT_S = 20
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Streams never end on their own; tests/integration and the SSE suite cover them.
STREAMING = {"/api/v1/events/tasks", "/api/v1/events/stream"}
# Platform §0: the statuses an error may have, beyond the ones a route documents.
ERROR_STATUSES = {400, 401, 403, 404, 409, 413, 422, 429, 502, 503, 504}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    with served_app(tmp_path_factory.mktemp("fuzz") / "data") as served:
        yield served


def _operations(app: ServedApp) -> list[APIOperation]:
    headers = {"X-API-Key": app.api_key}
    schema = schemathesis.openapi.from_url(
        f"{app.base_url}/api/v1/openapi.json", config=SchemathesisConfig(), headers=headers
    )
    schema.config.update(base_url=app.base_url, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    return [operation for operation in operations if operation.path not in STREAMING]


def _error_contract_problems(operation: APIOperation, response: Response) -> list[str]:
    """Platform §0: a non-2xx answer is JSON {"error", "message", ...} with an allowed status."""
    status = response.status_code
    if status < 400:
        declared = set(operation.definition.raw.get("responses", {}))
        return [] if str(status) in declared else [f"undocumented success status {status}"]
    if status not in ERROR_STATUSES:
        return [f"status {status} is not in the error contract"]
    try:
        body: Any = response.json()
    except ValueError:
        return [f"{status} body is not JSON: {response.text[:200]!r}"]
    if not (isinstance(body.get("error"), str) and isinstance(body.get("message"), str)):
        return [f"{status} body lacks error/message: {body}"]
    if body["error"] == "validation_error" and not isinstance(body.get("errors"), list):
        return [f"{status} validation error without errors[]: {body}"]
    return []


def _fuzz(operation: APIOperation, mode: GenerationMode, headers: dict[str, str]) -> list[str]:
    """Up to MAX_EXAMPLES cases; one line per distinct problem, with a curl to replay it."""
    problems: dict[str, str] = {}

    @hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        response = case.call(headers=headers, timeout=REQUEST_TIMEOUT_S)
        found = _error_contract_problems(operation, response)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Failure, FailureGroup) as exc:
            found.append(str(exc).split("Reproduce with", 1)[0].strip())
        for problem in found:
            key = f"{operation.label} [{mode}] {response.status_code}: {problem.splitlines()[0]}"
            problems.setdefault(key, f"{key}\n{problem}\n{case.as_curl_command()}")

    # The negative mode of an operation without any input has nothing to break.
    with contextlib.suppress(hypothesis.errors.Unsatisfiable):
        run()
    return list(problems.values())


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_operation_answers_5xx_or_outside_its_schema_and_the_error_contract(
    app: ServedApp, mode: GenerationMode
) -> None:
    headers = {"X-API-Key": app.api_key}
    operations = _operations(app)

    problems = [problem for op in operations for problem in _fuzz(op, mode, headers)]

    assert problems == [], "\n\n".join(problems)
    assert len(operations) >= 60  # the document was served and read
