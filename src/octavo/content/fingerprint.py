"""Content digests: a cheap stat check first, a hash only when the stat changed."""

from __future__ import annotations

import hashlib


def digest(data: bytes) -> str:
    """A short, collision-resistant hash of a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()
