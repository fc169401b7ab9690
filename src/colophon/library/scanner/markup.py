"""Plain text out of the HTML that EPUB descriptions and Mylar summaries carry."""

from __future__ import annotations

from html.parser import HTMLParser

from colophon.metadata.text import normalise_summary

# Block elements become line breaks so paragraphs stay apart once the tags are gone.
_BREAKING_TAGS = frozenset({"br", "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKING_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def strip_tags(markup: str) -> str | None:
    """The text of ``markup`` with tags removed and entities decoded; None when nothing is left."""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    lines = (" ".join(line.split()) for line in "".join(collector.parts).splitlines())
    text = "\n".join(line for line in lines if line)
    return normalise_summary(text) or None
