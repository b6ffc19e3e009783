"""Keeping the index fresh while a site serves: start-up scan, periodic rescans, a watcher.

Every scan goes through the writer lock, so when several workers or
instances start together only one of them scans; the others keep serving
from the index as it is.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import DBAPIError

from octavo.index.lock import LockBusy
from octavo.index.scanner import Scanner, ScanReport

LOG = logging.getLogger(__name__)

#: How long a worker waits for another's cold build before it gives up and serves.
COLD_BUILD_WAIT = 900.0
#: How long each try of the start-up scan waits for another process's scan to end.
_START_TRY = 1.0
#: The longest pause between tries of a scan that keeps failing (the pause doubles).
_RETRY_MAX = 60.0


class IndexKeeper:
    """Runs scans off the request path and reports what they found."""

    def __init__(
        self,
        scanner: Scanner,
        after_scan: Callable[[ScanReport], None] | None = None,
        retry_pause: float = 1.0,
    ):
        self.scanner = scanner
        self.after_scan = after_scan
        self.retry_pause = retry_pause
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._observer: Any = None
        self._threads: list[threading.Thread] = []
        #: Set once this process has seen the index match its files (its start-up scan
        #: ended): until then a fresh instance serves the index as it is, but is not ready.
        self.verified = threading.Event()

    def start(
        self, rescan_interval: float, watch: bool, debounce: float, cold_wait: bool = True
    ) -> None:
        """Build the index now if there is none (in the background too when not
        `cold_wait`: the process answers while it builds); otherwise check it in the
        background."""
        if cold_wait and self.scanner.db.tables() is None:
            if self.scan_now(wait=COLD_BUILD_WAIT) is not None:
                self.verified.set()
            else:
                self._spawn(self._scan_until_done)
        else:
            self._spawn(self._scan_until_done)
        if watch:
            self._watch(debounce)
        if rescan_interval > 0:
            self._spawn(lambda: self._every(rescan_interval))

    def scan_now(self, wait: float, quiet_busy: bool = False) -> ScanReport | None:
        """One scan; None when another process holds the writer lock."""
        try:
            report = self.scanner.update(wait=wait)
        except LockBusy:
            if not quiet_busy:
                LOG.info("another process is updating the index; serving the index as it is")
            return None
        for problem in report.problems:
            LOG.warning("%s", problem)
        if report.refused:
            LOG.warning("%s", report.refused)
        if report.changed:
            LOG.info("%s", report.summary())
        if self.after_scan:
            self.after_scan(report)
        return report

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._observer is not None:
            self._observer.stop()

    def _spawn(self, target: Callable[[], object]) -> None:
        thread = threading.Thread(target=target, name="octavo-index", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _scan_until_done(self) -> None:
        """The start-up check: when the files match the index (bytes, not mtimes: a fresh
        checkout of the deployed release), nothing is written and the instance is ready.
        Otherwise scan; when another process (a worker beside this one, an instance
        started at the same time) is scanning, wait for it and scan after it, which then
        costs only the files that differ here."""
        try:
            if self.scanner.verify().matches:
                self.verified.set()
                return
        except Exception:  # the database went away: the scans below try again
            LOG.exception("the start-up check failed; scanning instead")
        while not self._stop.is_set():
            if self._scan_retrying(wait=_START_TRY, quiet_busy=True) is not None:
                self.verified.set()
                return

    def _scan_retrying(self, wait: float, quiet_busy: bool = False) -> ScanReport | None:
        """One scan, tried again while it fails (the database gone, a disk error), the
        pause doubling up to a minute: a background thread that let one error end it
        would never scan again. None when another process holds the writer lock, or
        when the keeper stopped."""
        pause = self.retry_pause
        while not self._stop.is_set():
            try:
                return self.scan_now(wait, quiet_busy)
            except Exception as err:
                reason = str(getattr(err, "orig", None) or err).strip().splitlines()[:1]
                LOG.warning(
                    "index scan failed (%s: %s); trying again in %.1f s",
                    type(err).__name__,
                    reason[0] if reason else "",
                    pause,
                    exc_info=not isinstance(err, DBAPIError),  # a bug: its traceback
                )
                if self._stop.wait(pause):
                    break
                pause = min(pause * 2, _RETRY_MAX)
        return None

    def _every(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self._scan_retrying(wait=0.0)

    def _watch(self, debounce: float) -> None:
        """Rescan shortly after files change, coalescing bursts (a git pull, an editor save)."""
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers import Observer

        keeper = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                if event.event_type not in ("opened", "closed_no_write"):
                    keeper._wake.set()

        def loop() -> None:
            while not self._stop.is_set():
                self._wake.wait()
                if self._stop.is_set():
                    return
                self._stop.wait(debounce)
                self._wake.clear()
                self._scan_retrying(wait=30.0)

        observer = Observer()
        observer.schedule(Handler(), self.scanner.root, recursive=True)
        observer.daemon = True
        observer.start()
        self._observer = observer
        self._spawn(loop)
