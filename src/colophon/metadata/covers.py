"""Provider covers: download with limits, decode check, content-addressed files (metadata §4.7).

Every failure here is a soft skip of `coverUrl` with a fixed detail; nothing raises past the
applier except cancellation.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

import httpx
from PIL import Image

MAX_COVER_BYTES = 20 * 1024 * 1024  # 20 MiB: covers are a few hundred KiB; this stops abuse
COVER_TIMEOUT_S = 30.0  # the whole request: connect, headers and body
MAX_REDIRECTS = 5
FORMATS = {
    "JPEG": ("jpeg", "jpg"),
    "PNG": ("png", "png"),
    "WEBP": ("webp", "webp"),
    "GIF": ("gif", "gif"),
}


class CoverDownloadFailed(Exception):
    """A soft cover failure; `detail` follows `Cover download failed: `."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True, slots=True)
class DownloadedCover:
    """A checked image: its bytes, digest, format and decoded size."""

    url: str
    data: bytes
    sha256: str
    format: str  # jpeg, png, webp or gif
    extension: str
    width: int
    height: int


class CoverStore:
    """Downloads covers and keeps their files under `<data dir>/covers/`."""

    def __init__(
        self,
        data_dir: Path,
        *,
        timeout_s: float = COVER_TIMEOUT_S,
        max_bytes: int = MAX_COVER_BYTES,
    ) -> None:
        self.data_dir = data_dir
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes

    async def download(self, url: str) -> DownloadedCover:
        """Fetch and check one cover; raise CoverDownloadFailed with the §4.7 detail."""
        try:
            async with asyncio.timeout(self.timeout_s):
                data = await self._fetch(url)
        except TimeoutError as exc:
            raise CoverDownloadFailed(f"timed out after {self.timeout_s:g} s") from exc
        except httpx.TooManyRedirects as exc:
            raise CoverDownloadFailed("too many redirects") from exc
        except httpx.HTTPError as exc:
            raise CoverDownloadFailed(f"network error: {exc}") from exc
        return await asyncio.to_thread(decode_cover, url, data)

    async def _fetch(self, url: str) -> bytes:
        # httpx follows only http and https redirects; anything else fails as a network error.
        async with (
            httpx.AsyncClient(
                follow_redirects=True, max_redirects=MAX_REDIRECTS, timeout=None
            ) as client,
            client.stream("GET", url) as response,
        ):
            if not response.is_success:
                raise CoverDownloadFailed(f"HTTP {response.status_code}")
            content_type = response.headers.get("content-type", "")
            if not content_type.split(";")[0].strip().lower().startswith("image/"):
                raise CoverDownloadFailed(f"content type '{content_type}' is not an image")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise CoverDownloadFailed(self._too_large())
            return await self._read_limited(response)

    async def _read_limited(self, response: httpx.Response) -> bytes:
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body.extend(chunk)
            if len(body) > self.max_bytes:
                raise CoverDownloadFailed(self._too_large())
        return bytes(body)

    def _too_large(self) -> str:
        return f"larger than {self.max_bytes / (1024 * 1024):g} MiB"

    def relative_path(self, cover_dir: str, entity_id: uuid.UUID, cover: DownloadedCover) -> str:
        """`covers/<series|books>/<id>/<sha256>.<ext>`, relative to the data dir."""
        return f"covers/{cover_dir}/{entity_id}/{cover.sha256}.{cover.extension}"

    async def write_file(self, relative: str, data: bytes) -> bool:
        """Write the file via a temp file and rename; False when an identical file existed."""
        return await asyncio.to_thread(self._write_file, self.data_dir / relative, data)

    @staticmethod
    def _write_file(target: Path, data: bytes) -> bool:
        if target.exists():
            return False  # content-addressed: same name, same bytes
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        return True

    async def delete_file(self, relative: str) -> None:
        """Remove a cover file; a file already gone is fine."""
        await asyncio.to_thread((self.data_dir / relative).unlink, missing_ok=True)


def decode_cover(url: str, data: bytes) -> DownloadedCover:
    """Decode with Pillow (bomb check on) and accept JPEG, PNG, WEBP or GIF; blocking."""
    try:
        with warnings.catch_warnings():
            # Over MAX_IMAGE_PIXELS Pillow only warns; treat that as a bomb, as above 2x.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image_format, (width, height) = image.format or "", image.size
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:  # fmt: skip
        raise CoverDownloadFailed("not a decodable image") from exc
    if image_format not in FORMATS:
        raise CoverDownloadFailed(f"unsupported image format '{image_format}'")
    stored_format, extension = FORMATS[image_format]
    digest = hashlib.sha256(data).hexdigest()
    return DownloadedCover(url, data, digest, stored_format, extension, width, height)
