"""Read one book file by its format (platform §8.2 rule 3)."""

from __future__ import annotations

from pathlib import Path

from colophon.library.scanner.comicinfo import read_cbz
from colophon.library.scanner.epub import read_epub
from colophon.library.scanner.file_values import BookReading, BookValues
from colophon.metadata.text import normalise_text


def read_book_file(path: Path, book_format: str) -> BookReading:
    """What the file says about its book. CBR and CB7 carry nothing in this version.

    Blocking: call it through ``asyncio.to_thread``.
    """
    if book_format == "cbz":
        return read_cbz(path)
    if book_format == "epub":
        return read_epub(path)
    if book_format == "pdf":
        return BookReading(values=BookValues(title=pdf_title(path.name)))
    return BookReading()


def pdf_title(file_name: str) -> str | None:
    """The file name without its extension, NT."""
    stem = file_name.rpartition(".")[0] or file_name
    return normalise_text(stem) or None
