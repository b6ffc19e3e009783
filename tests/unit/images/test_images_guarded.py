"""The guard around a rendition store: back-off, one retry at a time, spill, warnings.

The store behind the guard is a real LocalStore whose folder is made unusable
(a file where the folder should be) and usable again, which is how a local disk
fails; the clock is a test clock so back-off times are exact.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from octavo.images.stores.base import StoreUnavailable
from octavo.images.stores.guarded import FIRST_RETRY, WARN_INTERVAL, Breaker, GuardedStore, Spill
from octavo.images.stores.local import LocalStore

NAME = "ab/cdef/0123_10x10_c0-0-10-10_0123456789abcdef.png"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "_img"


@pytest.fixture
def guarded(folder: Path, clock: Clock) -> GuardedStore:
    store = GuardedStore(LocalStore(str(folder)), max_retry=8.0, spill_bytes=100)
    store.breaker.clock = clock
    store.breaker.last_ok = clock.now
    return store


def break_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.write_bytes(b"not a folder")


def mend_folder(folder: Path) -> None:
    folder.unlink()
    folder.mkdir()


def test_a_local_folder_that_cannot_be_written_is_unavailable(folder):
    break_folder(folder)
    store = LocalStore(str(folder))
    with pytest.raises(StoreUnavailable, match="_img"):
        store.put(NAME, b"data", "image/png")
    with pytest.raises(StoreUnavailable):
        store.probe()
    assert store.read(NAME) is None  # nothing there is "missing", not a failure


def test_failure_spills_then_back_off_doubles_up_to_the_limit(guarded, folder, clock):
    break_folder(folder)
    assert guarded.put(NAME, b"bytes", "image/png") is False
    assert guarded.lookup(NAME) == (b"bytes", False)  # served from the spill meanwhile
    assert not guarded.breaker.healthy
    waits = []
    for _ in range(6):
        waits.append(guarded.breaker.retry_in())
        clock.now += guarded.breaker.retry_in() or 0
        assert guarded.breaker.allow()  # one caller is let through to try
        assert not guarded.breaker.allow()  # and only one
        guarded.breaker.failed(StoreUnavailable("still down"), "here")
    assert waits == [FIRST_RETRY, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_calls_already_under_way_do_not_stretch_the_back_off(clock):
    breaker = Breaker(max_retry=30.0, clock=clock)
    for _ in range(10):  # ten requests were talking to the store when it went down
        breaker.failed(StoreUnavailable("connection reset"), "s3://b/")
    assert breaker.retry_in() == FIRST_RETRY
    clock.now += FIRST_RETRY
    assert breaker.allow()
    breaker.failed(StoreUnavailable("refused"), "s3://b/")  # the retry failed: wait longer
    assert breaker.retry_in() == 2.0


def test_a_degraded_store_is_not_asked_until_the_retry_time(guarded, folder, clock):
    break_folder(folder)
    guarded.put(NAME, b"bytes", "image/png")
    mend_folder(folder)  # back, but the guard does not know yet
    assert guarded.exists(NAME) is False and not guarded.breaker.healthy
    clock.now += FIRST_RETRY
    # the first lookup after the back-off finds the store up and writes the spill back
    assert guarded.lookup(NAME) == (b"bytes", True)
    assert guarded.breaker.healthy and (folder / NAME).read_bytes() == b"bytes"
    assert len(guarded.spill) == 0


def test_readiness_check_probes_when_due(guarded, folder, clock):
    assert guarded.check().state == "ok"
    break_folder(folder)
    assert guarded.check().state == "ok"  # heard from just now: not asked again yet
    clock.now += 11
    state = guarded.check()
    assert state.state == "degraded" and str(folder) in (state.error or "")
    mend_folder(folder)
    clock.now += FIRST_RETRY
    assert guarded.check().state == "ok"


def test_warnings_are_rate_limited(caplog, clock):
    breaker = Breaker(max_retry=1.0, clock=clock)
    caplog.set_level(logging.WARNING)
    for _ in range(50):
        breaker.failed(StoreUnavailable("refused"), "s3://b/")
        clock.now += 1
    clock.now += WARN_INTERVAL
    breaker.failed(StoreUnavailable("refused"), "s3://b/")
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert "refused" in messages[0] and "49 more failures" in messages[1]
    breaker.succeeded("s3://b/")
    assert caplog.records[-1].getMessage() == "rendition store s3://b/ is reachable again"


def test_spill_keeps_the_most_recently_used_within_its_size():
    spill = Spill(max_bytes=10)
    spill.put("a", b"1234", "image/png")
    spill.put("b", b"1234", "image/png")
    assert spill.get("a") is not None  # a is now the most recent
    spill.put("c", b"1234", "image/png")
    assert spill.get("b") is None and spill.get("a") and spill.get("c")
    assert spill.size == 8
    spill.put("huge", b"x" * 11, "image/png")  # larger than the spill: not kept
    assert spill.get("huge") is None and spill.size == 8
