"""Reading entries of ZIP-based books (CBZ, EPUB) with a size cap (platform §8.2 rule 2)."""

from __future__ import annotations

import zipfile
import zlib

MAX_ENTRY_BYTES = 1024 * 1024
# Everything zipfile and zlib raise on a damaged or unsupported archive (encrypted entries
# raise RuntimeError, unknown compression NotImplementedError).
ARCHIVE_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
)


class EntryTooLarge(Exception):
    """An archive entry holds more than MAX_ENTRY_BYTES; it is not read further."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is larger than 1 MiB")


def read_capped_entry(archive: zipfile.ZipFile, name: str) -> bytes:
    """The entry's bytes; raise EntryTooLarge instead of reading past 1 MiB, KeyError if absent."""
    with archive.open(name) as entry:
        # Read one byte more than allowed: the declared size in the header can lie.
        data = entry.read(MAX_ENTRY_BYTES + 1)
    if len(data) > MAX_ENTRY_BYTES:
        raise EntryTooLarge(name)
    return data


def find_root_entry(archive: zipfile.ZipFile, file_name: str) -> str | None:
    """The name of a root-level entry matching ``file_name`` case-insensitively, else None."""
    wanted = file_name.casefold()
    for name in archive.namelist():
        if "/" not in name and name.casefold() == wanted:
            return name
    return None
