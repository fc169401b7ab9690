"""The manifest a plugin returns from ``initialize`` (plugins.md §3.5), checked and parsed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import structlog

from colophon.plugins.protocol import ContentType, JsonObject

log = structlog.get_logger(__name__)

SUPPORTED_PROTOCOL_MAJOR = "1"
KNOWN_PROTOCOL_MINORS = frozenset({"0", "1", "2"})
MAX_MANIFEST_BYTES = 256 * 1024


class ManifestError(ValueError):
    """The manifest is unusable; the message is the start failure's (``invalid manifest: …``)."""


@dataclass(frozen=True, slots=True)
class CredentialRequirement:
    """One ``requiredCredentials`` entry."""

    key: str
    label: str
    required: bool
    sensitive: bool
    type: str


@dataclass(frozen=True, slots=True)
class PluginManifest:
    """The fields the host uses; ``raw`` is the whole object, cached on the plugin row."""

    name: str
    display_name: str
    version: str
    protocol_version: str
    content_types: frozenset[ContentType]
    required_credentials: tuple[CredentialRequirement, ...]
    search_uri_template: str | None
    raw: JsonObject

    def provides(self, content_type: ContentType) -> bool:
        """True when ``capabilities.metadataProvider`` lists the content type."""
        return content_type in self.content_types

    def missing_credentials(self, keys: set[str]) -> list[str]:
        """Required credential keys that are not among ``keys``, in manifest order."""
        return [c.key for c in self.required_credentials if c.required and c.key not in keys]


def _required_string(raw: JsonObject, field: str) -> str:
    value = raw.get(field)
    if value is None:
        raise ManifestError(f"invalid manifest: {field} is required")
    if not isinstance(value, str):
        raise ManifestError(f"invalid manifest: {field} must be a string")
    return value


def _check_protocol_version(version: str) -> None:
    major, _, minor = version.partition(".")
    if major != SUPPORTED_PROTOCOL_MAJOR:
        raise ManifestError(f"unsupported protocolVersion '{version}'")
    if minor.split(".")[0] not in KNOWN_PROTOCOL_MINORS:
        log.warning("plugin_protocol_minor_unknown", protocol_version=version)


def content_types_of(capabilities: Any) -> frozenset[ContentType]:
    """``metadataProvider`` as a set; a non-list (legacy ``true``) counts as none (§3.7)."""
    provider = capabilities.get("metadataProvider") if isinstance(capabilities, dict) else None
    if provider is None:
        return frozenset()
    if not isinstance(provider, list):
        log.warning("plugin_metadata_provider_not_a_list", value=repr(provider)[:100])
        return frozenset()
    found: set[ContentType] = set()
    for entry in provider:
        if entry == "series":
            found.add("series")
        elif entry == "book":
            found.add("book")
    return frozenset(found)


def _credentials(raw: Any) -> tuple[CredentialRequirement, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(
        CredentialRequirement(
            key=entry["key"],
            label=str(entry.get("label") or entry["key"]),
            required=entry.get("required") is not False,
            sensitive=entry.get("sensitive") is not False,
            type=str(entry.get("type") or entry.get("credentialType") or "text"),
        )
        for entry in raw
        if isinstance(entry, dict) and isinstance(entry.get("key"), str)
    )


def parse_manifest(raw: Any) -> PluginManifest:
    """Check and parse an `initialize` result; raises `ManifestError` with the spec message."""
    if not isinstance(raw, dict):
        raise ManifestError("invalid manifest: expected an object")
    if len(json.dumps(raw, separators=(",", ":"))) > MAX_MANIFEST_BYTES:
        raise ManifestError("invalid manifest: larger than 256 KiB")
    name = _required_string(raw, "name")
    display_name = _required_string(raw, "displayName")
    version = _required_string(raw, "version")
    protocol_version = _required_string(raw, "protocolVersion")
    _check_protocol_version(protocol_version)
    if not isinstance(raw.get("capabilities"), dict):
        raise ManifestError("invalid manifest: capabilities must be an object")
    template = raw.get("searchURITemplate")
    return PluginManifest(
        name=name,
        display_name=display_name,
        version=version,
        protocol_version=protocol_version,
        content_types=content_types_of(raw["capabilities"]),
        required_credentials=_credentials(raw.get("requiredCredentials")),
        search_uri_template=template if isinstance(template, str) else None,
        raw=raw,
    )
