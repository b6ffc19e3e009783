"""The interface every rendition store offers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

#: Cache-Control for rendition bytes: a name never changes what it contains.
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class StoredRendition:
    name: str
    size: int
    mtime: float  # last write or (local store) last use, seconds since the epoch


class RenditionStore(Protocol):
    """A flat namespace of rendition names to bytes. Writes are atomic: a reader sees
    a whole rendition or none."""

    def exists(self, name: str) -> bool: ...

    def put(self, name: str, data: bytes, content_type: str) -> None: ...

    def read(self, name: str) -> bytes | None: ...

    def file_path(self, name: str) -> str | None:
        """A local file holding the rendition, for stores that have one."""
        ...

    def touch(self, name: str) -> None:
        """Note a use of the rendition (for least-recently-used expiry)."""
        ...

    def delete(self, name: str) -> None: ...

    def items(self) -> Iterator[StoredRendition]: ...
