"""Normalised relative paths and category names, identical on every machine."""

from __future__ import annotations

import posixpath
import unicodedata

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
    """Strip surrounding slashes and empty segments: ``/blog//tech/`` is ``blog/tech``."""
    return "/".join(part for part in value.strip().split("/") if part)


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
