"""The plugin's self-description, returned from ``initialize`` (plugins.md §3.5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ._types import to_wire

PROTOCOL_VERSION = "1.1"


@dataclass(frozen=True, slots=True)
class CredentialSpec:
    """A credential the admin must (or may) supply."""

    key: str
    label: str
    description: str | None = None
    required: bool = True
    sensitive: bool = True
    type: Literal["text", "password", "url"] = "password"
    placeholder: str | None = None


@dataclass(frozen=True, slots=True)
class ConfigField:
    """One field of the admin-config form the UI renders."""

    key: str
    label: str
    description: str | None = None
    type: str = "string"
    required: bool | None = None
    default: Any = None
    example: Any = None


@dataclass(frozen=True, slots=True)
class Manifest:
    """What the plugin is; capabilities are derived from the providers it is given."""

    name: str
    display_name: str
    version: str
    description: str | None = None
    author: str | None = None
    homepage: str | None = None
    icon: str | None = None
    required_credentials: list[CredentialSpec] = field(default_factory=list)
    config_schema: list[ConfigField] = field(default_factory=list)
    config_description: str | None = None
    search_uri_template: str | None = None

    def to_wire(self, content_types: list[str]) -> dict[str, Any]:
        """The ``initialize`` result for a plugin serving ``content_types``."""
        wire: dict[str, Any] = {
            "name": self.name,
            "displayName": self.display_name,
            "version": self.version,
            "protocolVersion": PROTOCOL_VERSION,
            "pluginType": "system",
            "capabilities": {"metadataProvider": list(content_types)},
        }
        optional = {
            "description": self.description,
            "author": self.author,
            "homepage": self.homepage,
            "icon": self.icon,
            "searchURITemplate": self.search_uri_template,
        }
        wire.update({key: value for key, value in optional.items() if value is not None})
        if self.required_credentials:
            wire["requiredCredentials"] = to_wire(self.required_credentials)
        if self.config_schema:
            schema: dict[str, Any] = {"fields": to_wire(self.config_schema)}
            if self.config_description:
                schema["description"] = self.config_description
            wire["configSchema"] = schema
        return wire
