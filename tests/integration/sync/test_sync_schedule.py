"""Scheduled imports: run by whichever worker claims them, on every database backend."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from octavo.index.lock import LockBusy
from octavo.index.tasks import claim_run
from octavo.sync import schedule
from octavo.sync.schedule import FeedScheduler
from octavo.sync.settings import feed_spec
from octavo.web.app import Octavo, StartupError
from tests.integration.helpers import entries_by_path
from tests.integration.sync.feeds import rss
from tests.integration.sync.gitsite import write_site
from tests.integration.sync.server import FeedServer

ITEM = {
    "id": "urn:test:scheduled",
    "title": "Scheduled",
    "date": "Sat, 04 May 2024 09:30:00 +0000",
    "html": "<p>x</p>",
}


def test_claims_are_shared_through_the_index(index_db):
    assert claim_run(index_db, "feed-a", 600, now=1000.0, wait=1) is None
    assert claim_run(index_db, "feed-a", 600, now=1300.0, wait=1) == 1600.0  # not due yet
    assert claim_run(index_db, "feed-b", 600, now=1300.0, wait=1) is None  # its own schedule
    assert claim_run(index_db, "feed-a", 600, now=1600.0, wait=1) is None  # due again
    with index_db.writing(0), pytest.raises(LockBusy):
        claim_run(index_db, "feed-a", 600, now=9999.0, wait=0.2)


def test_a_scheduled_feed_is_fetched_once_by_one_of_two_workers(
    feeds: FeedServer, db_url, tmp_path: Path, monkeypatch
):
    monkeypatch.setattr(schedule, "START_DELAY", 0.0)
    url = feeds.set("/rss", rss([ITEM]))
    site = tmp_path / "site"
    config = {
        "database_url": db_url,
        "index_enable_watchdog": False,
        "index_rescan_interval": 0,
        "syndicate": [{"url": url, "category": "blog/imported", "interval": 3600, "jitter": 0}],
    }
    write_site(site, config)
    workers = [Octavo("scheduled_site", config, root_path=str(site)) for _ in range(2)]
    try:
        wanted = "blog/imported/20240504-scheduled.html"
        deadline = time.monotonic() + 30
        while not all(wanted in entries_by_path(app.index) for app in workers):
            assert time.monotonic() < deadline, "the scheduled import did not show up in the index"
            time.sleep(0.1)
        time.sleep(0.5)  # give the second worker's loop its chance to (wrongly) fetch too
        assert len(feeds.requests_to("/rss")) == 1
    finally:
        for app in workers:
            app.sync.stop_schedule()
            app.keeper.stop()
            app.index.dispose()


def test_a_bad_feed_in_the_config_is_a_clear_start_up_error(tmp_path, capsys):
    config = {"syndicate": [{"url": "http://x/f", "category": "a"}, {"url": "http://y/f"}]}
    write_site(tmp_path, config)
    with pytest.raises(StartupError) as caught:
        Octavo("bad_feed_site", config, root_path=str(tmp_path))
    assert str(caught.value) == (
        "config key 'syndicate', feed 2: 'category' is required (use '/' for the content "
        "folder itself)"
    )


def spec(interval: float = 600.0, jitter: float = 0.1):
    return feed_spec(
        {"url": "http://h/f", "category": "c", "interval": interval, "jitter": jitter}, "/"
    )


def test_scheduler_steps():
    """When a feed is tried next: after its interval when it ran here, at the other worker's
    next due time when that one ran it, soon again when the writer lock was busy."""
    runs = []
    answers: list[object] = [None, 1234.0, LockBusy("busy"), RuntimeError("db down")]

    def claim(_spec):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    feed = spec()
    scheduler = FeedScheduler([feed], claim, runs.append, clock=lambda: 1000.0, jitter=lambda: 0.5)
    assert scheduler.step(feed) == 1000.0 + 600 + 0.5 * 0.1 * 600 and runs == [feed]
    assert scheduler.step(feed) == 1234.0 + 30.0 and runs == [feed]
    assert scheduler.step(feed) == 1000.0 + schedule.BUSY_RETRY * 1.5
    assert scheduler.step(feed) == 1000.0 + 600  # logged; the schedule goes on


def test_a_failing_import_does_not_stop_the_schedule():
    def boom(_spec):
        raise OSError("disk full")

    feed = spec(jitter=0)
    scheduler = FeedScheduler([feed], lambda _s: None, boom, clock=lambda: 50.0, jitter=lambda: 0)
    assert scheduler.step(feed) == 650.0
