"""Two releases of a site served by two real gunicorns over one shared index (issue 16):
the index holds what it serves, and the newer release's content wins.

The old release indexes first; the new one (it adds an entry, deletes one and edits
one) starts and rescans. Both then serve the new entry whole, neither serves the deleted
one, and the old instance's periodic rescans write nothing (it logs why).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_gunicorn import GUNICORN, fetch, free_port

APP = """\
import os
import octavo

app = octavo.Octavo(__name__, {
    "content_folder": "content",
    "template_folder": "templates",
    "static_folder": "static",
    "timezone": "UTC",
    "secret_key": "mixed-release-test",
    "database_url": os.environ["MIXED_INDEX_URL"],
    "index_folder": os.environ["MIXED_INDEX_FOLDER"],
    "index_enable_watchdog": False,
    "index_rescan_interval": float(os.environ["MIXED_RESCAN"]),
})
"""
ENTRY_TEMPLATE = "<h1>{{ entry.title }}</h1>{{ entry.body }}{{ entry.more }}"


def entry(entry_id: int, title: str, body: str) -> str:
    return (
        f"Title: {title}\nDate: 2024-02-0{entry_id} 10:00:00+00:00\nEntry-ID: {entry_id}\n\n"
        f"{body}\n.....\nThe rest of {title}.\n"
    )


def site(root: Path, entries: dict[str, str]) -> Path:
    for folder in ("content", "templates", "static"):
        (root / folder).mkdir(parents=True)
    (root / "app.py").write_text(APP)
    (root / "templates" / "entry.html").write_text(ENTRY_TEMPLATE)
    (root / "templates" / "index.html").write_text("INDEX")
    for name, text in entries.items():
        (root / "content" / name).write_text(text)
    return root


class Instance:
    """One gunicorn serving one release's folder."""

    def __init__(self, root: Path, url: str, index_folder: Path, version: int, rescan: float):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = root / "gunicorn.log"
        env = {
            "PATH": "/usr/bin:/bin",
            "MIXED_INDEX_URL": url,
            "MIXED_INDEX_FOLDER": str(index_folder),
            "MIXED_RESCAN": str(rescan),
            "OCTAVO_CONTENT_VERSION": str(version),
        }
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{self.port}", "app:app"],
                cwd=root,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.wait_for(lambda: self.get("/") == (200, "INDEX"), "serve its index page")

    def get(self, path: str) -> tuple[int, str]:
        try:
            status, body = fetch(self.base + path)
        except OSError:
            return 0, ""
        return status, body.decode("utf-8", "replace")

    def wait_for(self, ready: object, what: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if ready():  # type: ignore[operator]
                return
            time.sleep(0.2)
        pytest.fail(f"instance did not {what}:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def instances(db_url: str, tmp_path: Path) -> Iterator[tuple[Instance, Instance]]:
    old = site(
        tmp_path / "old",
        {"a.md": entry(1, "Kept", "Kept, old."), "b.md": entry(2, "Deleted", "To go.")},
    )
    new = site(
        tmp_path / "new",
        {"a.md": entry(1, "Kept", "Kept, edited."), "c.md": entry(3, "Added", "Brand *new*.")},
    )
    shared = tmp_path / "shared-index"  # the SQLite lock file, when SQLite
    started: list[Instance] = []
    try:
        started.append(Instance(old, db_url, shared, 100, 1.0))
        started.append(Instance(new, db_url, shared, 200, 0))
        yield started[0], started[1]
    finally:
        for instance in started:
            instance.stop()


def test_both_releases_serve_the_index_and_the_newer_content_wins(
    instances: tuple[Instance, Instance],
) -> None:
    old, new = instances
    added = "<h1>Added</h1><p>Brand <em>new</em>.</p><p>The rest of Added.</p>"
    new.wait_for(lambda: added in new.get("/3")[1], "index the new release")
    for instance in (old, new):
        status, page = instance.get("/3")
        assert status == 200 and added in page, (instance.base, status, page)
        status, page = instance.get("/1")
        assert status == 200 and "<p>Kept, edited.</p>" in page
        assert instance.get("/2")[0] == 404
    # the old instance rescans every second; it must not roll the index back
    old.wait_for(lambda: "index not updated" in old.log.read_text(), "refuse to write")
    log = old.log.read_text()
    assert "version 100, configured content_version) is older than the index's (version 200" in log
    for instance in (old, new):
        assert added in instance.get("/3")[1]
        assert instance.get("/2")[0] == 404
        assert "Traceback" not in instance.log.read_text()
