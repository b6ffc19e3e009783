"""Small per-site lookups shared by all requests until the index content changes.

Keyed by the index version (generation, content version), so a scan that changes
anything makes every value here stale at once; nothing needs finer invalidation.
Each value keeps the change tags of the reads that computed it, and every use adds
them to the render's, so a cached page knows what it depends on either way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import flask

from octavo.web.context import request_index
from octavo.web.pagecache import deps

T = TypeVar("T")


class VersionedCache:
    """Values computed once per index version (bounded: only the current version is kept)."""

    def __init__(self) -> None:
        self._version: Any = None
        self._values: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def get(self, version: Hashable, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if version != self._version:
                self._version, self._values = version, {}
            found = self._values.get(key)
        if found is not None:
            deps.depend(found[1])
            return found[0]
        with deps.recording() as tags:
            value = compute()
        with self._lock:
            if version == self._version:
                self._values[key] = (value, frozenset(tags))
        return value


def shared(key: Hashable, compute: Callable[[], T]) -> T:
    """A value for the current index version, computed at most once per version."""
    cache: VersionedCache = flask.current_app.site_cache  # type: ignore[attr-defined]
    return cache.get(request_index().version, key, compute)
