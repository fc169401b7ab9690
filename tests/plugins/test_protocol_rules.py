"""Pure protocol rules: framing, classification, params, errors, manifest (plugins.md §3)."""

from __future__ import annotations

import json

import pytest

from colophon.plugins.errors import (
    PluginApiError,
    PluginAuthFailed,
    PluginConfigError,
    PluginInvalidParams,
    PluginMethodNotSupported,
    PluginNotFound,
    PluginRateLimited,
    PluginRemoteError,
    error_from_reply,
)
from colophon.plugins.framing import LineSplitter, OversizeLine
from colophon.plugins.manifest import ManifestError, parse_manifest
from colophon.plugins.protocol import (
    Ignored,
    ReverseRequest,
    book_match_params,
    book_search_params,
    classify,
    encode_line,
    request_message,
    series_search_params,
)
from colophon.plugins.protocol import Response as RpcResponse


def test_host_lines_are_compact_single_lines_without_raw_newlines() -> None:
    """Item 1: CR/LF inside strings are escaped; ping carries no params."""
    line = encode_line(request_message(1, "ping", None))
    assert line == b'{"jsonrpc":"2.0","id":1,"method":"ping"}\n'

    line = encode_line(request_message(2, "x", {"query": "a\r\nb"}))
    assert line.count(b"\n") == 1 and b"\r" not in line
    assert json.loads(line)["params"]["query"] == "a\r\nb"


def test_absent_optional_params_are_omitted() -> None:
    """Item 1: never `"year": null`; limit clamped; ISBN without hyphens."""
    assert series_search_params("p", "Berserk") == {"query": "Berserk", "limit": 10}
    assert series_search_params("p", "B", limit=500)["limit"] == 50
    assert book_search_params("p", isbn="978-1 59116") == {"isbn": "978159116", "limit": 10}
    assert book_match_params("p", "T") == {"title": "T", "authors": []}


def test_blank_required_params_are_refused_locally() -> None:
    """§3.8: the host validates required strings before sending."""
    with pytest.raises(PluginInvalidParams) as refused:
        series_search_params("p", "  ")
    assert refused.value.field == "query"

    with pytest.raises(PluginInvalidParams) as refused:
        book_search_params("p", query=" ")
    assert refused.value.field == "isbn/query"


def test_the_splitter_drops_oversize_lines_and_keeps_going() -> None:
    """Item 4 at the framing level, across chunk boundaries."""
    splitter = LineSplitter(max_line_bytes=10)

    lines = splitter.feed(b'{"a":1}\n' + b"x" * 8) + splitter.feed(b"x" * 8 + b"\nok\r\n")

    assert lines == [b'{"a":1}', OversizeLine(10), b"ok\r"]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ({"id": 1, "method": "storage/set", "params": {}}, ReverseRequest(1, "storage/set", {})),
        ({"id": 7, "method": 42}, ReverseRequest(7, None, None)),
        ({"method": "storage/set"}, Ignored),
        ({"id": "7", "result": None}, RpcResponse(7, "7", None, None, False)),
        ({"id": 3, "error": {"code": 1}}, RpcResponse(3, 3, None, {"code": 1}, True)),
        ({"hello": "world"}, Ignored),
    ],
)
def test_messages_are_classified_by_the_presence_of_method(
    message: dict[str, object], expected: object
) -> None:
    """§3.2: a request if `method` is present, else a response if it has id and result/error."""
    incoming = classify(message)
    if expected is Ignored:
        assert isinstance(incoming, Ignored)
    else:
        assert incoming == expected


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (-32601, PluginMethodNotSupported),
        (-32602, PluginInvalidParams),
        (-32001, PluginRateLimited),
        (-32002, PluginNotFound),
        (-32003, PluginAuthFailed),
        (-32004, PluginApiError),
        (-32005, PluginConfigError),
        (-32603, PluginRemoteError),
        (-32700, PluginRemoteError),
        (123, PluginRemoteError),
    ],
)
def test_each_error_code_raises_its_host_exception(code: int, cls: type) -> None:
    """Item 26: code, message and data preserved."""
    error = error_from_reply("p", code, "boom", {"statusCode": 500})

    assert type(error) is cls
    assert (error.code, error.message, error.data) == (code, "boom", {"statusCode": 500})


@pytest.mark.parametrize(
    ("data", "retry_after"),
    [
        (None, 60),
        ({"retryAfterSeconds": 99999}, 3600),
        ({"retryAfterSeconds": 0}, 60),
        ({"retryAfterSeconds": "5"}, 60),
        ({"retryAfterSeconds": 7}, 7),
        ({"retryAfterSeconds": 0.2}, 1),
    ],
)
def test_retry_after_defaults_to_60_and_is_clamped(data: object, retry_after: int) -> None:
    """Item 27."""
    error = error_from_reply("p", -32001, "slow down", data)

    assert isinstance(error, PluginRateLimited)
    assert error.retry_after_s == retry_after


def test_plugin_messages_are_truncated_to_2000_characters() -> None:
    """§3.9."""
    assert len(error_from_reply("p", -32004, "x" * 5000).message) == 2000


MANIFEST = {
    "name": "x",
    "displayName": "X",
    "version": "1",
    "protocolVersion": "1.0",
    "capabilities": {"metadataProvider": ["series", "book", "other"]},
    "requiredCredentials": [{"key": "api_key", "label": "Key", "credentialType": "password"}],
}


def test_a_manifest_is_parsed_with_its_capabilities_and_credentials() -> None:
    """§3.5: credentialType is an alias of type; unknown capability values are ignored."""
    manifest = parse_manifest(MANIFEST)

    assert manifest.content_types == frozenset({"series", "book"})
    assert manifest.required_credentials[0].type == "password"
    assert manifest.missing_credentials(set()) == ["api_key"]
    assert manifest.missing_credentials({"api_key"}) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"displayName": None}, "invalid manifest: displayName is required"),
        ({"version": 1}, "invalid manifest: version must be a string"),
        ({"protocolVersion": "2.0"}, "unsupported protocolVersion '2.0'"),
        ({"capabilities": []}, "invalid manifest: capabilities must be an object"),
    ],
)
def test_an_unusable_manifest_names_the_problem(change: dict[str, object], message: str) -> None:
    """Item 17."""
    raw = {**MANIFEST, **change}
    raw = {k: v for k, v in raw.items() if v is not None}

    with pytest.raises(ManifestError, match=message):
        parse_manifest(raw)
