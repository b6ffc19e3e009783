"""The interface every rendition store offers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

#: Cache-Control for rendition bytes: a name never changes what it contains.
IMMUTABLE = "public, max-age=31536000, immutable"


class StoreUnavailable(Exception):
    """The store did not answer, answered too late, or failed (anything but "not there")."""


@dataclass(frozen=True)
class StoredRendition:
    name: str
    size: int
    mtime: float  # last write or (local store) last use, seconds since the epoch


class RenditionStore(Protocol):
    """A flat namespace of rendition names to bytes.

    Writes are atomic (a reader sees a whole rendition or none) and keep what is
    there: every writer of a name writes the same bytes. Every call asks the store
    itself; a failure to reach it raises StoreUnavailable, never a guess.
    """

    #: Where the renditions are, for messages ("/srv/static/_img", "s3://bucket/_img/").
    where: str

    def exists(self, name: str) -> bool: ...

    def put(self, name: str, data: bytes, content_type: str) -> None: ...

    def read(self, name: str) -> bytes | None:
        """The rendition's bytes, or None when the store does not hold it."""
        ...

    def file_path(self, name: str) -> str | None:
        """A local file holding the rendition, for stores that have one."""
        ...

    def touch(self, name: str) -> None:
        """Note a use of the rendition (for least-recently-used expiry)."""
        ...

    def delete(self, name: str) -> None: ...

    def items(self) -> Iterator[StoredRendition]: ...

    def probe(self) -> None:
        """Raise StoreUnavailable unless the store can be used right now."""
        ...

    def misconfiguration(self) -> str | None:
        """At start-up: a message naming the setting when the store answers that it can
        never work as configured (no such bucket, credentials refused); None when it
        works, or cannot be reached right now (a fault it may recover from)."""
        ...
