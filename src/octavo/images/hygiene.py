"""Keeping a rendition store in bounds: expiry by age, then by total size (LRU).

Expiring is always safe: every page links renditions by URLs that render a
missing one again on the next request. The same rules apply to a bucket, where
an object's age is that of its last write (S3 keeps no time of last use).
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from octavo.images.stores.base import RenditionStore, StoredRendition
from octavo.images.stores.local import LocalStore

LOG = logging.getLogger(__name__)
#: Temporary files of a render killed mid-write are removed after this long.
STALE_TEMP_SECONDS = 3600.0


@dataclass
class StoreReport:
    count: int = 0
    size: int = 0
    removed: int = 0
    removed_size: int = 0


def survey(store: RenditionStore) -> StoreReport:
    """How many renditions the store holds and their total size."""
    report = StoreReport()
    for item in store.items():
        report.count += 1
        report.size += item.size
    return report


def expire(
    store: RenditionStore,
    max_age: float | None,
    max_size: int | None,
    now: float | None = None,
) -> StoreReport:
    """Remove renditions unused for `max_age` seconds, then the least recently used
    until the store holds at most `max_size` bytes. Returns what is left and removed."""
    now = time.time() if now is None else now
    kept: list[StoredRendition] = []
    report = StoreReport()
    for item in store.items():
        if max_age and now - item.mtime > max_age:
            _remove(store, item, report)
        else:
            kept.append(item)
    total = sum(item.size for item in kept)
    if max_size is not None and total > max_size:
        kept.sort(key=lambda item: item.mtime)
        while kept and total > max_size:
            item = kept.pop(0)
            total -= item.size
            _remove(store, item, report)
    report.count, report.size = len(kept), total
    if isinstance(store, LocalStore):
        _tidy(store.folder, now)
    return report


def _remove(store: RenditionStore, item: StoredRendition, report: StoreReport) -> None:
    store.delete(item.name)
    report.removed += 1
    report.removed_size += item.size


def _tidy(folder: str, now: float) -> None:
    """Remove stale temporary files and empty folders of a local store."""
    for path, dirs, files in os.walk(folder, topdown=False):
        for filename in files:
            full = os.path.join(path, filename)
            with contextlib.suppress(OSError):
                if filename.endswith(".tmp") and now - os.stat(full).st_mtime > STALE_TEMP_SECONDS:
                    os.unlink(full)
        if path != folder and not dirs:
            with contextlib.suppress(OSError):
                os.rmdir(path)  # fails, harmlessly, unless empty


class Janitor(threading.Thread):
    """Runs `expire` on a store every `interval` seconds, in the background, in one process
    at a time: every worker of every instance runs a Janitor, and each round goes to the
    one whose `claim()` succeeds (the index's writer lock plus the time of the last round,
    see ``octavo.index.tasks``), so the store is walked once per interval in all."""

    def __init__(
        self,
        store: RenditionStore,
        interval: float,
        max_age: float | None,
        max_size: int | None,
        claim: Callable[[], bool],
    ) -> None:
        super().__init__(name="octavo-rendition-janitor", daemon=True)
        self.store, self.interval, self.claim = store, interval, claim
        self.max_age, self.max_size = max_age, max_size
        self.stopped = threading.Event()

    def run(self) -> None:
        # Asking every quarter interval (with jitter) keeps rounds about `interval` apart
        # whichever process does them; a claim is one short transaction.
        poll = min(max(self.interval / 4, 0.1), 600.0)
        while not self.stopped.wait(poll * random.uniform(0.8, 1.2)):
            try:
                if not self.claim():
                    continue
                report = expire(self.store, self.max_age, self.max_size)
            except Exception as err:  # a background thread must outlive any one failure
                LOG.warning("rendition cleanup of %s failed: %s", self.store.where, err)
                continue
            if report.removed:
                LOG.info(
                    "removed %d renditions (%d bytes) from %s",
                    report.removed,
                    report.removed_size,
                    self.store.where,
                )

    def stop(self) -> None:
        self.stopped.set()
