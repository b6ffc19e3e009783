"""Normalised relative paths and category names, identical on every machine."""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Sequence

ENTRY_SUFFIXES = (".md", ".htm", ".html")
CATEGORY_SUFFIXES = (".cat", ".meta")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff")


def normalize_relpath(relpath: str) -> str:
    """Forward slashes and NFC, so a path hashes the same on macOS, Linux and Windows."""
    relpath = relpath.replace("\\", "/")
    return relpath if relpath.isascii() else unicodedata.normalize("NFC", relpath)


def category_of(relpath: str) -> str:
    """The default category of a file: its folder relative to the content root."""
    return posixpath.dirname(relpath)


def normalize_category(value: str) -> str:
    """Strip surrounding slashes and empty segments: ``/blog//tech/`` is ``blog/tech``.
    ``.`` and ``..`` segments are resolved and never climb above the root (a category
    ``..`` had the URL ``/../``, which no browser keeps, and its templates were looked
    up outside the template folder)."""
    parts: list[str] = []
    for part in value.strip().split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/".join(parts)


def search_candidates(path: str, folders: Sequence[str]) -> list[str]:
    """Content-relative paths a link or reference may mean, in lookup order: ``/x`` from
    the content root, otherwise `path` inside each folder. Paths that climb out of the
    content folder are dropped."""
    path = normalize_relpath(path)
    if path.startswith("/"):
        folders, path = ("",), path.lstrip("/")
    found = []
    for folder in folders:
        joined = posixpath.normpath(posixpath.join(folder, path))
        if joined != ".." and not joined.startswith("../"):
            found.append(joined)
    return found


def file_kind(relpath: str) -> str | None:
    """Which kind of content file a path is, by extension; None for files not indexed."""
    lower = relpath.lower()
    if lower.endswith(ENTRY_SUFFIXES):
        return "entry"
    if lower.endswith(CATEGORY_SUFFIXES):
        return "category"
    if lower.endswith(IMAGE_SUFFIXES):
        return "image"
    return None
