"""The rendition cleanup runs in one process at a time, and never in a CLI command.

Every serving process starts a cleanup thread with its first request; each
round is claimed through the index (``octavo.index.tasks``: its writer lock and
the time of the last round, tested on every backend there), so however many
workers and instances share the index, the store is walked about once per
``image_cache_interval``.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from octavo import Octavo
from octavo.images import hygiene
from octavo.web.app import index_startup_deferred
from octavo.web.renditions import JANITOR, images_for
from tests.unit.images.synthetic import quadrants, write

QUIET = {"index_enable_watchdog": False, "index_rescan_interval": 0, "secret_key": "s3cret"}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    write(tmp_path / "content" / "photo.jpg", quadrants(200, 150), "JPEG")
    (tmp_path / "templates").mkdir()
    (tmp_path / "static").mkdir()
    return tmp_path


def janitors() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "octavo-rendition-janitor"]


def test_no_cleanup_thread_until_a_request_is_served(site, monkeypatch):
    rounds: list[float] = []
    monkeypatch.setattr(
        hygiene, "expire", lambda *a, **k: rounds.append(1) or hygiene.StoreReport()
    )
    config = {**QUIET, "image_cache_age": 3600, "image_cache_interval": 0.4}
    before = len(janitors())
    with index_startup_deferred():  # how CLI commands load app.py
        cli_app = Octavo("cleanup_site", config, root_path=str(site))
    cli_app_too = Octavo("cleanup_site", config, root_path=str(site))  # e.g. `octavo prewarm`
    time.sleep(0.5)
    assert len(janitors()) == before and rounds == []
    apps = [Octavo("cleanup_site", config, root_path=str(site)) for _ in range(3)]
    for app in apps:  # three workers on one index, each serving requests
        app.test_client().get("/_")
        app.test_client().get("/_")
    assert len(janitors()) == before + 3
    time.sleep(2.0)
    # about one round per 0.4 s interval in all, not one per worker
    assert 2 <= len(rounds) <= 8, rounds  # uncoordinated, three workers would make ~15
    for app in [*apps, cli_app, cli_app_too]:
        running = app.extensions.get(JANITOR)
        if running:
            running[1].stop()
        images_for(app).close()


def test_cleanup_survives_a_failing_round(site, monkeypatch, caplog):
    calls: list[int] = []

    def failing(*_args: Any, **_kwargs: Any) -> hygiene.StoreReport:
        calls.append(1)
        raise RuntimeError("database went away")

    monkeypatch.setattr(hygiene, "expire", failing)
    config = {**QUIET, "image_cache_age": 3600, "image_cache_interval": 0.2}
    app = Octavo("cleanup_site", config, root_path=str(site))
    app.test_client().get("/_")
    time.sleep(1.5)
    assert len(calls) >= 2  # the thread went on after the first failure
    assert "rendition cleanup" in caplog.text and "database went away" in caplog.text
    app.extensions[JANITOR][1].stop()
    images_for(app).close()
