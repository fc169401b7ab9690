"""Typed values out of untrusted XML (ComicInfo, OPF), parsed with defusedxml."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeElementTree

from colophon.metadata.field_rules import InvalidValue, parse_language
from colophon.metadata.text import normalise_text

_LEADING_YEAR = re.compile(r"^\s*(\d{4})")


class InvalidXml(Exception):
    """The document is not well-formed, or uses a construct defusedxml forbids."""


def parse_xml(data: bytes, *, what: str) -> Element:
    """The root element; raise InvalidXml naming ``what`` (`ComicInfo.xml`) when unparsable."""
    try:
        root: Element = SafeElementTree.fromstring(data)
    except (SafeElementTree.ParseError, ValueError) as exc:
        # defusedxml's own errors (entities, DTDs) derive from ValueError.
        raise InvalidXml(f"invalid {what}: {exc}") from exc
    return root


def local_name(tag: str) -> str:
    """The tag without its namespace: `{http://purl.org/dc/elements/1.1/}title` → `title`."""
    return tag.rpartition("}")[2]


def element_text(element: Element | None) -> str | None:
    """NT of the element's text, None when absent or blank."""
    if element is None or element.text is None:
        return None
    return text_value(element.text)


def text_value(raw: str | None) -> str | None:
    """NT of ``raw``, None when absent or blank."""
    if raw is None:
        return None
    return normalise_text(raw) or None


def whole_number(raw: str | None, *, low: int, high: int) -> int | None:
    """An integer within [low, high]; None for blanks, garbage and ComicInfo's -1 "unknown"."""
    if raw is None:
        return None
    try:
        value = int(float(raw.strip()))
    except ValueError:
        return None
    return value if low <= value <= high else None


def real_number(raw: str | None) -> float | None:
    """A finite, non-negative number, else None."""
    if raw is None:
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        return None
    return value if 0 <= value < float("inf") else None


def leading_year(raw: str | None) -> int | None:
    """The year at the start of a date (`2019-04-01` → 2019), else None."""
    match = _LEADING_YEAR.match(raw or "")
    return int(match.group(1)) if match else None


def language_tag(raw: str | None) -> str | None:
    """N5 language tag (`EN` → `en`), None when absent or invalid."""
    try:
        return parse_language(raw)
    except InvalidValue:
        return None
