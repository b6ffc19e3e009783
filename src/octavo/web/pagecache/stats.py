"""Hit, miss and store counts per page type (the template's name: ``entry``, ``index``,
``feed``…), counted in each process and added to shared counters in the backend at
most every few seconds, so ``octavo cache stats`` and ``/_cache`` see every worker and
instance that shares the backend without a write per request (an in-process backend
shows only the counts of the process that answers)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

from octavo.web.pagecache.backend import Guarded

EVENTS = ("hit", "miss", "store")
FLUSH_EVERY = 5.0
_KINDS_KEY = "stats:kinds"


def _key(kind: str, event: str) -> str:
    return f"stats:{kind}:{event}"


class Counts:
    def __init__(self, store: Guarded) -> None:
        self.store = store
        #: Since this process started.
        self.local: Counter[tuple[str, str]] = Counter()
        self._pending: Counter[tuple[str, str]] = Counter()
        self._flushed = time.monotonic()
        self._lock = threading.Lock()

    def __getitem__(self, item: tuple[str, str]) -> int:
        return self.local[item]

    def items(self) -> Any:
        return self.local.items()

    def count(self, kind: str, event: str) -> None:
        with self._lock:
            self.local[(kind, event)] += 1
            self._pending[(kind, event)] += 1
            due = time.monotonic() - self._flushed >= FLUSH_EVERY
        if due:
            self.flush()

    def flush(self) -> None:
        """Add what was counted since the last flush to the shared counters."""
        with self._lock:
            pending, self._pending = self._pending, Counter()
            self._flushed = time.monotonic()
        if not pending:
            return
        kinds = {kind for kind, _ in pending}

        def write(backend: Any) -> None:
            known = set(backend.get(_KINDS_KEY) or ())
            if not kinds <= known:
                backend.set(_KINDS_KEY, sorted(known | kinds), 0)
            for (kind, event), delta in pending.items():
                # get and set rather than inc, which some backends give the page timeout;
                # two instances flushing at once may lose a few counts
                key = _key(kind, event)
                backend.set(key, int(backend.get(key) or 0) + delta, 0)

        self.store.call(write, None)


def shared_counts(store: Guarded) -> dict[str, dict[str, int]] | None:
    """Every page type's counts from the backend (None when it cannot be read)."""

    def read(backend: Any) -> dict[str, dict[str, int]]:
        kinds = backend.get(_KINDS_KEY) or []
        return {
            kind: {event: int(backend.get(_key(kind, event)) or 0) for event in EVENTS}
            for kind in kinds
        }

    return store.call(read, None)


def reset(store: Guarded) -> None:
    def clear(backend: Any) -> None:
        for kind in backend.get(_KINDS_KEY) or []:
            for event in EVENTS:
                backend.delete(_key(kind, event))
        backend.delete(_KINDS_KEY)

    store.call(clear, None)
