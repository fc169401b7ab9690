"""Errors that services raise on purpose; ``api/errors.py`` maps each to the error contract.

ColophonError ─┬─ NotFound            404 not_found
               ├─ PermissionDenied    403 forbidden          (+ required_permission)
               ├─ Conflict            409 conflict           (+ task_id, run_id of the active run)
               ├─ ValidationFailed    400 validation_error   (+ field errors)
               ├─ TooManyRequests     429 too_many_requests  (+ retry_after_s)
               ├─ Unauthenticated     401 unauthenticated
               └─ Unavailable         503 unavailable
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one input field; ``field`` is its camelCase path (``config.fields[2]``)."""

    field: str
    message: str


class ColophonError(Exception):
    """Base of every deliberate domain error."""

    code = "internal_error"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ColophonError):
    """The named entity does not exist (``library not found``)."""

    code = "not_found"
    status = 404


class PermissionDenied(ColophonError):
    """Authenticated, but the caller lacks ``required_permission``."""

    code = "forbidden"
    status = 403

    def __init__(self, required_permission: str, message: str | None = None) -> None:
        super().__init__(message or f"missing permission '{required_permission}'")
        self.required_permission = required_permission


class Unauthenticated(ColophonError):
    """No usable credentials were presented."""

    code = "unauthenticated"
    status = 401

    def __init__(self, message: str = "authentication required") -> None:
        super().__init__(message)


class Conflict(ColophonError):
    """The entity's state forbids the change; carries the active task or run when one caused it."""

    code = "conflict"
    status = 409

    def __init__(
        self, message: str, *, task_id: object | None = None, run_id: object | None = None
    ) -> None:
        super().__init__(message)
        self.task_id = task_id
        self.run_id = run_id


class ValidationFailed(ColophonError):
    """A semantic validation rule failed; ``errors`` lists each problem by field."""

    code = "validation_error"
    status = 400

    def __init__(self, errors: list[FieldError] | FieldError, message: str | None = None) -> None:
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)
        super().__init__(message or (self.errors[0].message if self.errors else "invalid request"))


class TooManyRequests(ColophonError):
    """The caller must wait ``retry_after_s`` seconds (login throttling)."""

    code = "too_many_requests"
    status = 429

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Unavailable(ColophonError):
    """A dependency (database, plugin, SSE capacity) cannot serve the request now."""

    code = "unavailable"
    status = 503
