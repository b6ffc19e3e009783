"""A rendition store that may fail: requests never wait on it long and never fail with it.

``GuardedStore`` wraps the configured store. The first failure (a timeout, a
refused connection, a 5xx) marks the store degraded: from then on requests do
not touch it and renditions rendered meanwhile are kept in a bounded spill in
memory, so pages keep their images. The store is tried again after a back-off
that doubles up to a limit; the first success makes it healthy again, and a
spilled rendition is written back when it is next asked for. Warnings are
rate-limited so an outage does not flood the log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from octavo.images.stores.base import RenditionStore, StoredRendition, StoreUnavailable

LOG = logging.getLogger(__name__)
#: One warning per this many seconds while the store keeps failing.
WARN_INTERVAL = 60.0
#: The first retry after a failure; each further failure doubles the wait.
FIRST_RETRY = 1.0
#: A readiness check asks a healthy store again when it was last heard from this long ago,
#: and waits at most this long for the answer (a slow answer lands in the next check).
CHECK_INTERVAL = 10.0
CHECK_WAIT = 0.5


class Spill:
    """Renditions rendered while the store was unreachable: the most recently used, up to
    `max_bytes` in total (per process)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, name: str) -> tuple[bytes, str] | None:
        """The bytes and content type of a spilled rendition."""
        with self._lock:
            item = self._items.get(name)
            if item is not None:
                self._items.move_to_end(name)
            return item

    def put(self, name: str, data: bytes, content_type: str) -> None:
        if len(data) > self.max_bytes:
            return
        with self._lock:
            self._drop(name)
            self._items[name] = (data, content_type)
            self.size += len(data)
            while self.size > self.max_bytes:
                self._drop(next(iter(self._items)))

    def discard(self, name: str) -> None:
        with self._lock:
            self._drop(name)

    def _drop(self, name: str) -> None:
        item = self._items.pop(name, None)
        if item is not None:
            self.size -= len(item[0])

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class StoreState:
    """What the readiness check reports."""

    state: str  # "ok" or "degraded"
    where: str
    error: str | None
    retry_in: float | None
    spilled: int


class Breaker:
    """Healthy until a failure; then closed to callers until the back-off has passed, when
    one caller at a time is let through to try the store again."""

    def __init__(self, max_retry: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_retry = max(FIRST_RETRY, max_retry)
        self.clock = clock
        self.error: str | None = None
        self.last_ok = clock()
        self._backoff = 0.0
        self._retry_at = 0.0
        self._probing = False
        self._warned_at: float | None = None
        self._unwarned = 0
        self._lock = threading.Lock()

    @property
    def healthy(self) -> bool:
        return self.error is None

    def retry_in(self) -> float | None:
        return None if self.healthy else max(0.0, self._retry_at - self.clock())

    def allow(self) -> bool:
        """May the caller use the store now? When degraded, True for one caller per back-off."""
        if self.healthy:
            return True
        with self._lock:
            now = self.clock()
            if now < self._retry_at:
                return False
            self._retry_at = now + self._backoff  # the others wait while this one tries
            self._probing = True
            return True

    def succeeded(self, where: str) -> None:
        self.last_ok = self.clock()
        if self.healthy:
            return
        with self._lock:
            was, self.error = self.error, None
            self._backoff, self._warned_at, self._unwarned = 0.0, None, 0
            self._probing = False
        if was is not None:
            LOG.warning("rendition store %s is reachable again", where)

    def failed(self, err: Exception, where: str) -> None:
        """Note a failure. Only the first one and failed retries move the next retry:
        calls that were under way when the store went down fail too, and must not
        stretch the back-off."""
        with self._lock:
            now = self.clock()
            if self.healthy or self._probing:
                self._backoff = min(self.max_retry, self._backoff * 2 or FIRST_RETRY)
                self._retry_at = now + self._backoff
                self._probing = False
            self.error = str(err) or type(err).__name__
            if self._warned_at is not None and now - self._warned_at < WARN_INTERVAL:
                self._unwarned += 1
                return
            unwarned, self._unwarned, self._warned_at = self._unwarned, 0, now
        more = f" ({unwarned} more failures since the last warning)" if unwarned else ""
        LOG.warning(
            "rendition store %s unavailable: %s; rendering without it, next try in %.0fs%s",
            where,
            self.error,
            self._backoff,
            more,
        )


class GuardedStore:
    """The configured store behind a breaker, with a spill for what it could not take."""

    def __init__(self, store: RenditionStore, max_retry: float, spill_bytes: int) -> None:
        self.primary = store
        self.where = store.where
        self.breaker = Breaker(max_retry)
        self.spill = Spill(spill_bytes)
        self._probe: threading.Thread | None = None
        self._probe_guard = threading.Lock()

    def _call(self, action: Callable[[], object]) -> tuple[bool, object]:
        """(True, result) when the store answered; (False, None) when it was skipped or failed."""
        if not self.breaker.allow():
            return False, None
        try:
            result = action()
        except StoreUnavailable as err:
            self.breaker.failed(err, self.where)
            return False, None
        self.breaker.succeeded(self.where)
        return True, result

    def exists(self, name: str) -> bool:
        """True only when the store answered that it holds `name`."""
        answered, held = self._call(lambda: self.primary.exists(name))
        return answered and bool(held)

    def read(self, name: str) -> bytes | None:
        found = self.lookup(name)
        return found[0] if found else None

    def lookup(self, name: str) -> tuple[bytes, bool] | None:
        """The bytes of `name` and whether the store holds them: the stored bytes, else the
        spilled ones (written back first when the store answers again)."""
        answered, data = self._call(lambda: self.primary.read(name))
        if isinstance(data, bytes):
            return data, True
        spilled = self.spill.get(name)
        if spilled is None:
            return None
        return spilled[0], answered and self.put(name, *spilled)

    def put(self, name: str, data: bytes, content_type: str) -> bool:
        """Store `data`; True when the store took it, False when it was spilled instead."""
        answered, _ = self._call(lambda: self.primary.put(name, data, content_type))
        if answered:
            self.spill.discard(name)
        else:
            self.spill.put(name, data, content_type)
        return answered

    def file_path(self, name: str) -> str | None:
        return self.primary.file_path(name)

    def touch(self, name: str) -> None:
        self.primary.touch(name)

    def delete(self, name: str) -> None:
        self.primary.delete(name)

    def items(self) -> Iterator[StoredRendition]:
        return self.primary.items()

    def probe(self) -> None:
        self.primary.probe()

    def misconfiguration(self) -> str | None:
        return self.primary.misconfiguration()

    def check(self) -> StoreState:
        """The store's state for a readiness check. When due, the store is asked (once at
        a time, in the background); the answer counts if it comes within CHECK_WAIT."""
        breaker = self.breaker
        if not breaker.healthy or breaker.clock() - breaker.last_ok > CHECK_INTERVAL:
            with self._probe_guard:
                probe = self._probe
                if probe is None or not probe.is_alive():
                    probe = threading.Thread(
                        target=self._call, args=(self.primary.probe,), daemon=True
                    )
                    probe.start()
                    self._probe = probe
            probe.join(CHECK_WAIT)
        return StoreState(
            "ok" if breaker.healthy else "degraded",
            self.where,
            breaker.error,
            breaker.retry_in(),
            len(self.spill),
        )
