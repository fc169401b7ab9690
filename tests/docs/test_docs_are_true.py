"""The operator documentation in docs/ stays true to the code: every configuration key with
its real default and environment name, every API route and every CLI command it names."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from pydantic.alias_generators import to_camel

from colophon.app import create_app
from colophon.cli import app as cli_app
from colophon.config import LEAF_KEYS, Settings, env_name
from colophon.runtime import Runtime

DOCS = Path(__file__).resolve().parents[2] / "docs"
CONFIG_ROW = re.compile(r"^\| `([^`]+)` \| `([^`]*)` \| `([^`]+)` \|", re.MULTILINE)
ROUTE = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^\s`?)\]|,;]*)")
COMMAND = re.compile(r"\bcolophon ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?")


def _default(key: str) -> Any:
    node: Any = Settings()
    for part in key.split("."):
        node = getattr(node, next(n for n in type(node).model_fields if to_camel(n) == part))
    return node


def _config_rows() -> dict[str, tuple[str, str]]:
    text = (DOCS / "configuration.md").read_text()
    return {key: (default, env) for key, default, env in CONFIG_ROW.findall(text)}


def test_every_configuration_key_is_documented_with_its_default_and_variable() -> None:
    rows = _config_rows()

    wrong = {
        key: rows.get(key)
        for key in LEAF_KEYS
        if rows.get(key) != (json.dumps(_default(key)), env_name(key))
    }
    assert wrong == {}
    assert sorted(set(rows) - set(LEAF_KEYS)) == []  # no key the code does not know


def _template(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/."))


def _served_routes(tmp_path: Path) -> set[tuple[str, str]]:
    runtime = Runtime.from_settings(Settings(data_dir=str(tmp_path)))
    document = create_app(runtime).openapi()
    return {
        (method.upper(), _template(path))
        for path, methods in document["paths"].items()
        for method in methods
    }


def _documented(pattern: re.Pattern[str]) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for page in sorted(DOCS.glob("*.md")):
        found += [(page.name, *match) for match in pattern.findall(page.read_text())]
    return found


def test_every_api_route_named_in_the_docs_exists(tmp_path: Path) -> None:
    served = _served_routes(tmp_path)
    documented = _documented(ROUTE)

    unknown = [
        (page, method, path)
        for page, method, path in documented
        if (method, _template(path)) not in served
    ]
    assert unknown == []
    assert len(documented) >= 20


def _commands() -> dict[str, set[str]]:
    # Typer may bring its own click, so groups are recognised by their `commands`.
    root: Any = typer.main.get_command(cli_app)
    return {name: set(getattr(command, "commands", {})) for name, command in root.commands.items()}


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_every_cli_command_named_in_the_docs_exists(page: str) -> None:
    commands = _commands()
    unknown = [
        f"colophon {name} {sub}".strip()
        for name, sub in COMMAND.findall((DOCS / page).read_text())
        if name not in commands or (commands[name] and sub not in commands[name])
    ]
    assert unknown == []
