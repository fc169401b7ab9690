"""The error contract (platform §0): every non-2xx answer is JSON with ``error`` and ``message``."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel
from starlette.exceptions import HTTPException as StarletteHTTPException

from colophon.errors import (
    ColophonError,
    Conflict,
    FieldError,
    PermissionDenied,
    TooManyRequests,
    Unauthenticated,
    ValidationFailed,
)
from colophon.plugins.error_mapping import describe_plugin_error
from colophon.plugins.errors import PluginError

log = structlog.get_logger("colophon.api")


class FieldErrorBody(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    """The error contract's body (platform §0); some errors add keys such as ``taskId``."""

    model_config = ConfigDict(extra="allow")

    error: str
    message: str
    errors: list[FieldErrorBody] | None = None


_ERROR_DESCRIPTIONS = {
    400: "Validation rule failed, or the body is not valid JSON",
    401: "Authentication required",
    403: "Missing permission, or missing CSRF header",
    404: "Not found",
    409: "Conflicts with the current state",
    422: "Request does not match the schema",
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in _ERROR_DESCRIPTIONS.items()
}

_STATUS_CODES = {
    400: "validation_error",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "too_many_requests",
    503: "unavailable",
}


def error_response(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="colophon"'
    body = {"error": code, "message": message, **{k: v for k, v in extra.items() if v is not None}}
    return JSONResponse(body, status_code=status, headers=headers)


def _field_errors(errors: list[FieldError]) -> list[dict[str, str]]:
    return [{"field": e.field, "message": e.message} for e in errors]


def _path(location: tuple[Any, ...]) -> str:
    """``("body", "config", "extraFields", 2)`` → ``config.extraFields[2]``; params get a prefix."""
    head, *rest = location or ("body",)
    text = "" if head == "body" else str(head)
    for part in rest:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            # Body locations already carry the wire names (unknown keys exactly as sent);
            # path and query parameters are named in Python, so they get the wire casing.
            name = str(part) if head == "body" else to_camel(str(part))
            text = f"{text}.{name}" if text else name
    return text or "body"


def _schema_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "field required"
    if kind == "extra_forbidden":
        return "unknown field"
    return str(error.get("msg", "invalid value")).removeprefix("Value error, ")


async def _on_domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ColophonError)
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, ValidationFailed):
        extra["errors"] = _field_errors(exc.errors)
    if isinstance(exc, PermissionDenied):
        extra["requiredPermission"] = exc.required_permission
    if isinstance(exc, Conflict):
        extra["taskId"] = str(exc.task_id) if exc.task_id else None
        extra["runId"] = str(exc.run_id) if exc.run_id else None
    if isinstance(exc, TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after_s)
    response = error_response(exc.status, exc.code, exc.message, **extra)
    response.headers.update(headers)
    return response


async def _on_plugin_error(request: Request, exc: Exception) -> JSONResponse:
    """A failed plugin call in an interactive endpoint (plugins §4.10)."""
    assert isinstance(exc, PluginError)
    view = describe_plugin_error(exc)
    errors = [{"field": view.field, "message": view.message}] if view.field else None
    response = error_response(view.status, view.code, view.message, errors=errors)
    if view.retry_after_s is not None:
        response.headers["Retry-After"] = str(view.retry_after_s)
    return response


async def _on_schema_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    for error in errors:
        if error.get("type") == "json_invalid":
            detail = (error.get("ctx") or {}).get("error", "invalid JSON")
            message = f"request body must be valid JSON: {detail}"
            return error_response(
                400, "validation_error", message, errors=[{"field": "body", "message": message}]
            )
    fields = [{"field": _path(tuple(e["loc"])), "message": _schema_message(e)} for e in errors]
    first = fields[0] if fields else {"field": "body", "message": "invalid request"}
    return error_response(
        422, "validation_error", f"{first['field']}: {first['message']}", errors=fields
    )


# FastAPI's answer to a body it cannot even decode (bytes that are not UTF-8, say).
_UNPARSABLE_BODY = "There was an error parsing the body"


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == _UNPARSABLE_BODY:
        # §0: an undecodable body is a 400 validation error with errors[], like invalid JSON.
        expected = "valid JSON" if "json" in request.headers.get("content-type", "") else "readable"
        message = f"request body must be {expected}: {exc.__cause__ or 'undecodable bytes'}"
        return error_response(
            400, "validation_error", message, errors=[{"field": "body", "message": message}]
        )
    code = _STATUS_CODES.get(exc.status_code, "error")
    message = "not found" if exc.status_code == 404 else str(exc.detail)
    response = error_response(exc.status_code, code, message)
    response.headers.update(exc.headers or {})  # e.g. a 405's Allow
    return response


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    request_id = getattr(request.state, "request_id", None)
    log.exception("unhandled error", request_id=request_id, path=request.url.path)
    return error_response(500, "internal_error", "An internal error occurred", requestId=request_id)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ColophonError, _on_domain_error)
    app.add_exception_handler(PluginError, _on_plugin_error)
    app.add_exception_handler(RequestValidationError, _on_schema_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)


def unauthenticated_response(exc: Unauthenticated | None = None) -> JSONResponse:
    message = exc.message if exc else "authentication required"
    return error_response(401, "unauthenticated", message)
