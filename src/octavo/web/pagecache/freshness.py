"""Whether a stored render is still current, as this instance knows it.

Invalidation is not a message between instances: every scan writes what it changed
into the index database (``index.changes``) with the content version it made, and
each instance reads those rows when it sees the version move (it re-reads the
version at most once a second). A page carries the version it was rendered at and
the tags of what it read; it is stale when any of its tags changed after that version.
Instances sharing memcached or Redis therefore agree about every page, whichever of
them indexed or rendered it, and an instance that stored a page can never mark it
newer than the data it read (the version is read before the render's queries).

Scheduled entries change listings without a scan: the ones still to go live are read
with the change log, and a page stored before one's time that read one of its tags is
stale once the time has passed.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Iterable

from octavo.index import changes
from octavo.index.database import IndexDatabase

#: How far back scheduled entries are read: a page stored earlier than this is stale.
SCHEDULE_WINDOW = 86400.0


class Freshness:
    def __init__(self, index: IndexDatabase) -> None:
        self.index = index
        self._version: int | None = None
        self._floor = 0
        self._changed: dict[str, int] = {}
        self._schedule: list[changes.Scheduled] = []
        self._times: list[float] = []
        self._schedule_floor = 0.0
        self._lock = threading.Lock()

    def current_version(self) -> int | None:
        """The content version this instance serves (None before the first build),
        with the change log read up to it."""
        state = self.index.state()
        if state is None:
            return None
        if state.version != self._version:
            with self._lock:
                if state.version != self._version:
                    self._read(state.version, state.tables)
        return state.version

    def _read(self, version: int, tables: object) -> None:
        since = self._version if self._version is not None and version > self._version else 0
        now = time.time()
        with self.index.engine.connect() as conn:
            log = changes.changed_since(conn, since)
            schedule = changes.scheduled_after(conn, tables, now - SCHEDULE_WINDOW)  # type: ignore[arg-type]
        merged = dict(self._changed) if since else {}
        for tag, last in log.changed.items():
            merged[tag] = max(last, merged.get(tag, 0))
        self._changed, self._floor = merged, log.floor
        self._schedule, self._times = schedule, [s.timestamp for s in schedule]
        self._schedule_floor = now - SCHEDULE_WINDOW
        self._version = version

    def fresh(self, version: int, stored_at: float, tags: Iterable[str]) -> bool:
        """Whether a page rendered at content `version` and wall time `stored_at`, which
        read `tags`, is still what a render would give."""
        changed = self._changed
        if version <= self._floor or changed.get(changes.SITE, 0) > version:
            return False
        if stored_at < self._schedule_floor:
            return False
        tag_set = tags if isinstance(tags, frozenset) else frozenset(tags)
        anything = changes.ANY in tag_set
        if anything and (self._version or 0) > version:
            return False
        if any(changed.get(changes.stored_tag(tag), 0) > version for tag in tag_set):
            return False
        start = bisect.bisect_right(self._times, stored_at)
        end = bisect.bisect_right(self._times, time.time())
        return not any(anything or self._schedule[i].tags & tag_set for i in range(start, end))
