"""Source images: what a content file is (image or asset), its content hash and its size.

The content hash names renditions, so it comes from the index when the index's
record of the file is current (same size and mtime), and from the bytes
otherwise. Facts are memoised per file stat, so a page render costs one
``stat`` per image once the process has seen it.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from octavo.common.protocols import ImageArgError
from octavo.content.fingerprint import digest as content_digest
from octavo.content.image_info import header_of
from octavo.content.paths import normalize_relpath
from octavo.index.database import IndexDatabase
from octavo.index.queries import SITE

LOG = logging.getLogger(__name__)

#: How many files' facts a process remembers.
MEMO_SIZE = 8192
#: Default rendition extension by source format; other formats render as PNG.
SOURCE_EXTENSIONS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


class SourceTooLarge(ImageArgError):
    """A source image with more pixels than the site renders."""


@dataclass(frozen=True)
class Source:
    """A local image: its content hash and its size after EXIF orientation."""

    relpath: str
    path: str
    digest: str
    width: int
    height: int
    format: str
    mode: str
    transparent: bool
    orientation: int

    @property
    def extension(self) -> str:
        """The extension a rendition keeps unless asked for another format."""
        return SOURCE_EXTENSIONS.get(self.format, "png")


class SourceCatalog:
    """Finds and describes the images of one content folder."""

    def __init__(self, content_folder: str, index: IndexDatabase | None, max_pixels: int) -> None:
        self.content_folder = os.path.abspath(content_folder)
        self.index = index
        self.max_pixels = max_pixels
        self._memo: OrderedDict[str, tuple[tuple[int, int], Source | None]] = OrderedDict()
        self._by_digest: dict[str, str] = {}
        self._missing: set[str] = set()  # logged once each
        self._lock = threading.Lock()

    def full_path(self, relpath: str) -> str | None:
        """The file's absolute path, or None when `relpath` escapes the content folder."""
        full = os.path.abspath(os.path.join(self.content_folder, relpath))
        if os.path.commonpath([full, self.content_folder]) != self.content_folder:
            return None
        return full

    def describe(self, relpath: str) -> Source | None:
        """The image at `relpath`, or None when it is a file but not an image (an asset).

        Raises FileNotFoundError when there is no such file, SourceTooLarge for a
        decompression bomb or an image over the pixel limit.
        """
        relpath = normalize_relpath(relpath).lstrip("/")
        full = self.full_path(relpath)
        if full is None or not os.path.isfile(full):
            raise FileNotFoundError(relpath)
        stat = os.stat(full)
        stamp = (stat.st_size, stat.st_mtime_ns)
        with self._lock:
            memo = self._memo.get(relpath)
            if memo is not None and memo[0] == stamp:
                self._memo.move_to_end(relpath)
                return memo[1]
        source = self._read(relpath, full, stamp)
        with self._lock:
            self._memo[relpath] = (stamp, source)
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
            if source is not None:
                self._by_digest[source.digest] = relpath
        return source

    def locate(self, digest: str) -> Source | None:
        """A current image whose content hash is `digest`, wherever it now lives; None
        (said once in the log) when the index knows it but this instance's files lack it."""
        candidates = [self._by_digest[digest]] if digest in self._by_digest else []
        candidates += self._indexed_paths(digest)
        for relpath in candidates:
            try:
                source = self.describe(relpath)
            except (FileNotFoundError, ImageArgError):
                continue
            if source is not None and source.digest == digest:
                return source
        if candidates:
            self._missing_once(candidates[0], "renditions not in the store answer 404 here")
        return None

    def indexed(self, relpath: str) -> Source | None:
        """An image the index holds but this instance's content folder lacks (another
        release added it): its facts from the index, so pages keep its rendition URLs."""
        relpath = normalize_relpath(relpath).lstrip("/")
        full = self.full_path(relpath)
        if full is None or self.index is None:
            return None
        try:
            with self.index.reading(SITE) as reader:
                row = reader.images_at([relpath]).get(relpath) if reader else None
        except SQLAlchemyError as err:
            LOG.warning("index unavailable for image %s: %s", relpath, err)
            return None
        if row is None:
            return None
        self._missing_once(
            relpath,
            "pages link its renditions from the index's facts, and "
            "renditions not in the store answer 404 here",
        )
        return Source(
            relpath,
            full,
            row.digest,
            row.width,
            row.height,
            row.format,
            row.mode,
            row.transparent,
            row.orientation,
        )

    def indexed_paths(self, paths: list[str]) -> list[str]:
        """Which of these content paths the index holds as images."""
        if self.index is None or not paths:
            return []
        try:
            with self.index.reading(SITE) as reader:
                found = reader.images_at(paths) if reader else {}
        except SQLAlchemyError as err:
            LOG.warning("index unavailable for images %s: %s", paths[0], err)
            return []
        return [path for path in paths if path in found]

    def _missing_once(self, relpath: str, consequence: str) -> None:
        with self._lock:
            if relpath in self._missing:
                return
            self._missing.add(relpath)
        LOG.warning(
            "image %s is indexed but not in this instance's files: %s", relpath, consequence
        )

    def _read(self, relpath: str, full: str, stamp: tuple[int, int]) -> Source | None:
        header = read_header(full, self.max_pixels)
        if header is None:
            return None
        digest = self._indexed_digest(relpath, stamp)
        if digest is None:
            with open(full, "rb") as fh:
                digest = content_digest(fh.read())
        return Source(relpath, full, digest, *header)

    def _indexed_digest(self, relpath: str, stamp: tuple[int, int]) -> str | None:
        """The index's hash of the file, if the index has seen this very version of it."""
        if self.index is None:
            return None
        try:
            with self.index.reading(SITE) as reader:
                return reader.file_digest(relpath, *stamp) if reader else None
        except SQLAlchemyError as err:
            LOG.warning("index unavailable, hashing %s: %s", relpath, err)
            return None

    def _indexed_paths(self, digest: str) -> list[str]:
        if self.index is None:
            return []
        try:
            with self.index.reading(SITE) as reader:
                return reader.image_paths(digest) if reader else []
        except SQLAlchemyError as err:
            LOG.warning("index unavailable for finding image %s: %s", digest, err)
            return []


def read_header(path: str, max_pixels: int) -> tuple[int, int, str, str, bool, int] | None:
    """(width, height, format, mode, transparent, orientation) without decoding pixels,
    or None when Pillow cannot read the file."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                header = header_of(image)
                width, height = header[:2]
    except Image.DecompressionBombError as err:
        raise SourceTooLarge(f"image too large to render: {err}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    if width * height > max_pixels:
        raise SourceTooLarge(
            f"image too large to render: {width}x{height} is over {max_pixels} pixels"
        )
    return header
