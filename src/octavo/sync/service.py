"""Feed imports and git write-back for one site: what the CLI and the scheduler call.

Runs are serialised on this machine by a lock file in the index folder, so a
cron job, a CLI command and the in-process schedule never write at once.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from octavo.content.stamp import StampPlan
from octavo.index import tasks
from octavo.index.database import IndexDatabase
from octavo.index.lock import LockBusy, file_lock
from octavo.index.stamping import StampResult, apply_stamps
from octavo.sync.files import WrittenFile, read_or_none, take_back
from octavo.sync.importer import FeedImport, ImportReport
from octavo.sync.schedule import FeedScheduler
from octavo.sync.settings import FeedSpec, sync_settings
from octavo.sync.state import FetchState
from octavo.sync.writeback import CommitResult, WriteBack, WriteBackError

LOG = logging.getLogger(__name__)

#: How long a scheduled import waits for the claim (the index's writer lock).
CLAIM_WAIT = 5.0
#: How long a scheduled import waits for another import or stamp on this machine.
SCHEDULED_WAIT = 60.0


class SyncService:
    def __init__(
        self,
        values: Mapping[str, Any],
        root: str,
        content_folder: str,
        index_folder: str,
        db: IndexDatabase,
    ) -> None:
        """`values` are the site's settings (``syndicate``, ``git_*``); `root` is the folder
        of app.py, against which template header files resolve."""
        self.content_folder = content_folder
        self.db = db
        self.settings = sync_settings(values, root)
        self.state = FetchState(index_folder)
        self.lock_path = os.path.join(index_folder, "sync.lock")
        self.scheduler: FeedScheduler | None = None

    @property
    def feeds(self) -> tuple[FeedSpec, ...]:
        return self.settings.feeds

    def import_feed(
        self, spec: FeedSpec, dry_run: bool, commit: bool, push: bool, wait: float
    ) -> ImportReport:
        """One import run (raises LockBusy when another run holds this machine's lock)."""
        with file_lock(self.lock_path, wait):
            run = FeedImport(self.content_folder, spec, self.state, self.settings.git)
            return run.run(dry_run=dry_run, commit=commit, push=push)

    def record_run(self, spec: FeedSpec, wait: float) -> None:
        tasks.record_run(self.db, _task(spec), time.time(), wait)

    def commit_stamps(
        self, plans: Sequence[StampPlan], push: bool, wait: float
    ) -> tuple[StampResult, CommitResult]:
        """``octavo stamp --commit``: stamp, then commit (and push) exactly the stamped files;
        when that fails, the files are put back and WriteBackError raised."""
        content = self.content_folder
        with file_lock(self.lock_path, wait):
            writeback = WriteBack(content, self.settings.git, push)
            fullpaths = {plan.path: os.path.join(content, plan.path) for plan in plans}
            writeback.ensure_clean(fullpaths.values())
            before = {path: read_or_none(full) for path, full in fullpaths.items()}
            result = apply_stamps(content, list(plans))
            written = [
                WrittenFile(
                    fullpaths[p.path], before[p.path], read_or_none(fullpaths[p.path]) or b""
                )
                for p in result.written
            ]
            if not written:
                return result, CommitResult()
            message = f"Stamp identity headers into {len(written)} entries\n\n(octavo stamp)\n\n"
            message += "".join(f"  {plan.path}\n" for plan in result.written)
            try:
                return result, writeback.commit(written, message)
            except WriteBackError as err:
                left = take_back(written)
                raise WriteBackError("; ".join([str(err), *left])) from None

    # -- the schedule -------------------------------------------------------------------------

    def start_schedule(self, rescan: Callable[[], object]) -> None:
        """Run the configured feeds at their intervals in a background thread."""
        if not self.feeds or self.scheduler is not None:
            return

        def run(spec: FeedSpec) -> None:
            try:
                report = self.import_feed(
                    spec, False, commit=spec.git_commit, push=spec.git_push, wait=SCHEDULED_WAIT
                )
            except LockBusy:
                LOG.warning("%s: another import or stamp kept running; skipped this time", spec.url)
                return
            log_report(report)
            if report.written:
                rescan()

        self.scheduler = FeedScheduler(self.feeds, self._claim, run)
        self.scheduler.start()

    def stop_schedule(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()

    def _claim(self, spec: FeedSpec) -> float | None:
        return tasks.claim_run(self.db, _task(spec), spec.interval, time.time(), CLAIM_WAIT)


def _task(spec: FeedSpec) -> str:
    return f"feed\0{spec.key}"


def log_report(report: ImportReport) -> None:
    for warning in report.warnings:
        LOG.warning("%s", warning)
    if report.commit:
        for note in report.commit.notes:
            LOG.warning("%s", note)
    if report.error:
        LOG.error("%s", report.summary())
    elif report.written:
        LOG.info("%s", report.summary())
