"""Scheduled imports without cron: each feed at its interval, delayed by a random jitter.

Every worker and instance runs this loop, but a feed is imported by whichever
claims it first (the claim is made under the index's writer lock and recorded
in the shared index), so a feed is fetched once per interval however many
processes serve the site.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence

from octavo.index.lock import LockBusy
from octavo.sync.settings import FeedSpec

LOG = logging.getLogger(__name__)

#: Seconds between attempts when the writer lock is busy (a scan is running).
BUSY_RETRY = 30.0
#: Seconds after start-up before the first attempt, so the start-up scan goes first.
START_DELAY = 5.0


class FeedScheduler:
    """A daemon thread that runs each feed's import when it falls due."""

    def __init__(
        self,
        feeds: Sequence[FeedSpec],
        claim: Callable[[FeedSpec], float | None],
        run: Callable[[FeedSpec], object],
        clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.feeds = list(feeds)
        self.claim = claim
        self.run = run
        self.clock = clock
        self.random = jitter
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="octavo-feeds", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _delay(self, spec: FeedSpec) -> float:
        """A random share of the feed's jitter window (``jitter`` times its interval)."""
        return self.random() * spec.jitter * spec.interval

    def _loop(self) -> None:
        start = self.clock() + START_DELAY
        due = {spec.key: start + self._delay(spec) for spec in self.feeds}
        while not self._stop.is_set():
            spec = min(self.feeds, key=lambda s: due[s.key])
            if self._stop.wait(max(0.0, due[spec.key] - self.clock())):
                return
            due[spec.key] = self.step(spec)

    def step(self, spec: FeedSpec) -> float:
        """Try one feed now: run it if this process wins the claim. When to try it next."""
        now = self.clock()
        try:
            next_due = self.claim(spec)
        except LockBusy:
            return now + BUSY_RETRY * (1 + self.random())
        except Exception:  # a database hiccup must not end the schedule
            LOG.exception("cannot claim the scheduled import of %s", spec.url)
            return now + spec.interval
        if next_due is not None:
            return next_due + self._delay(spec)
        try:
            self.run(spec)
        except Exception:  # one feed's failure must not stop the others
            LOG.exception("the scheduled import of %s failed", spec.url)
        return now + spec.interval + self._delay(spec)
