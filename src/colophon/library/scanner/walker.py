"""Walk a library root: series folders, their book files, ignored root files (platform §8.1).

The walk only stats; it never opens a book. Its result is complete or the scan fails, so the
deletion step can trust that a known path missing from it is really gone.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

BOOK_FORMATS = frozenset({"cbz", "cbr", "cb7", "epub", "pdf"})
SERIES_FILE_NAME = "series.json"
_DIGIT_RUNS = re.compile(r"(\d+)")


class RootNotAccessible(Exception):
    """The library root is missing or cannot be listed."""

    def __init__(self, root: Path) -> None:
        super().__init__(f"library root is not accessible: {root}")
        self.root = root


@dataclass(frozen=True, slots=True)
class FileStamp:
    """What tells a changed file from an unchanged one: size and ``st_mtime_ns``."""

    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class BookFile:
    """One supported file; ``path`` is POSIX-style and relative to the library root."""

    path: str
    file_name: str
    format: str
    stamp: FileStamp


@dataclass(slots=True)
class SeriesFolder:
    """A first-level folder, its books in natural order, and its ``series.json`` if any."""

    path: str
    books: list[BookFile] = field(default_factory=list)
    series_file: FileStamp | None = None


@dataclass(slots=True)
class LibraryWalk:
    """Everything the walk found; ``unreadable_paths`` are relative paths it could not read."""

    series: list[SeriesFolder] = field(default_factory=list)
    ignored_files: int = 0
    unreadable_paths: list[str] = field(default_factory=list)

    @property
    def book_count(self) -> int:
        return sum(len(folder.books) for folder in self.series)


def natural_sort_key(path: str) -> tuple[list[str | int], str]:
    """Digit runs compare as numbers (`Vol 2` < `Vol 10`); the raw path breaks ties."""
    parts = _DIGIT_RUNS.split(path.casefold())
    # split() alternates text and digits starting with text, so positions never mix types.
    key: list[str | int] = [int(part) if index % 2 else part for index, part in enumerate(parts)]
    return key, path


def book_format(file_name: str) -> str | None:
    """The book format of a file name by its extension, case-insensitive; None if unsupported."""
    extension = file_name.rpartition(".")[2].lower() if "." in file_name else ""
    return extension if extension in BOOK_FORMATS else None


class _Walker:
    def __init__(self, root: Path, *, ignore: list[str], follow_symlinks: bool) -> None:
        self.root = root
        self.ignore = ignore
        self.follow_symlinks = follow_symlinks
        self.walk = LibraryWalk()
        self._visited_dirs: set[tuple[int, int]] = set()

    def is_skipped(self, entry: os.DirEntry[str]) -> bool:
        if entry.name.startswith(".") or any(fnmatch(entry.name, p) for p in self.ignore):
            return True
        return entry.is_symlink() and not self.follow_symlinks

    def run(self) -> LibraryWalk:
        try:
            entries = _list_dir(self.root)
        except OSError as exc:
            raise RootNotAccessible(self.root) from exc
        for entry in entries:
            if self.is_skipped(entry):
                continue
            if _is_dir(entry):
                self.walk.series.append(self.read_series_folder(entry))
            elif _is_file(entry):
                self.walk.ignored_files += 1
        self.walk.series.sort(key=lambda folder: natural_sort_key(folder.path))
        return self.walk

    def read_series_folder(self, entry: os.DirEntry[str]) -> SeriesFolder:
        folder = SeriesFolder(path=entry.name)
        self.collect_books(Path(entry.path), entry.name, folder)
        folder.books.sort(key=lambda book: natural_sort_key(book.path))
        return folder

    def collect_books(self, directory: Path, relative: str, folder: SeriesFolder) -> None:
        if not self.enter_once(directory):
            return  # a symlink loop would walk forever
        try:
            entries = _list_dir(directory)
        except OSError:
            self.walk.unreadable_paths.append(relative)
            return
        for entry in entries:
            if self.is_skipped(entry):
                continue
            child = f"{relative}/{entry.name}"
            if _is_dir(entry):
                self.collect_books(Path(entry.path), child, folder)
            elif _is_file(entry):
                self.add_file(entry, child, folder, at_series_root=relative == folder.path)

    def add_file(
        self, entry: os.DirEntry[str], relative: str, folder: SeriesFolder, *, at_series_root: bool
    ) -> None:
        is_series_file = at_series_root and entry.name == SERIES_FILE_NAME
        fmt = book_format(entry.name)
        if not is_series_file and fmt is None:
            return
        try:
            stamp = _stamp(entry)
        except OSError:
            self.walk.unreadable_paths.append(relative)
            return
        if is_series_file:
            folder.series_file = stamp
        elif fmt is not None:
            folder.books.append(BookFile(relative, entry.name, fmt, stamp))

    def enter_once(self, directory: Path) -> bool:
        try:
            info = directory.stat()
        except OSError:
            return True  # listing it will fail and record it as unreadable
        identity = (info.st_dev, info.st_ino)
        if identity in self._visited_dirs:
            return False
        self._visited_dirs.add(identity)
        return True


def _list_dir(directory: Path) -> list[os.DirEntry[str]]:
    with os.scandir(directory) as entries:
        return list(entries)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _stamp(entry: os.DirEntry[str]) -> FileStamp:
    info = entry.stat()
    return FileStamp(info.st_size, info.st_mtime_ns)


def walk_library(root: Path, *, ignore: list[str], follow_symlinks: bool) -> LibraryWalk:
    """List the root's series folders and books; raise RootNotAccessible if it cannot be listed.

    Blocking: call it through ``asyncio.to_thread``.
    """
    return _Walker(root, ignore=ignore, follow_symlinks=follow_symlinks).run()
