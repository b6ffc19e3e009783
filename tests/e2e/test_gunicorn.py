"""The example site served by a real ``gunicorn app:app`` with several workers."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

REPO = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.fixture
def served(tmp_path: Path):
    site = tmp_path / "blog"
    shutil.copytree(
        REPO / "examples" / "blog",
        site,
        ignore=shutil.ignore_patterns(".octavo", "*.db*", "__pycache__"),
    )
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(GUNICORN), "--workers", "3", "--bind", f"127.0.0.1:{port}", "app:app"],
            cwd=site,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if fetch(base + "/")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not serve the site:\n" + log.read_text())
        yield base, site, log
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_gunicorn_serves_the_example_site(served):
    base, site, log = served
    status, body = fetch(base + "/")
    assert status == 200 and b"Making this example site" in body  # the newest entry
    assert fetch(base + "/blog/")[0] == 200
    assert fetch(base + "/feed")[0] == 200
    assert fetch(base + "/blog/unfinished-thoughts-not-an-id")[0] == 404
    # three workers started together; the writer lock let one build the index once
    engine = create_engine(f"sqlite:///{site / '.octavo' / 'index.db'}")
    tables = {n for n in inspect(engine).get_table_names() if n.endswith("_entries")}
    engine.dispose()
    assert len(tables) == 1
    assert "Traceback" not in log.read_text()


def test_every_worker_serves_the_renditions_another_signed(served):
    base, _site, _log = served
    sources: set[bytes] = set()
    for _ in range(6):  # pages and images are served by whichever worker is free
        status, page = fetch(base + "/blog/travel/301")
        assert status == 200
        sources.update(re.findall(rb'<img src="([^"]+)"', page))
    assert len(sources) == 1, sources  # every worker signs the same URL
    for _ in range(6):
        for src in sources:
            code, data = fetch(base + src.decode())
            assert code == 200 and data[:3] == b"\xff\xd8\xff"  # a JPEG


def test_unreachable_database_stops_gunicorn_cleanly(tmp_path):
    site = tmp_path / "blog"
    shutil.copytree(
        REPO / "examples" / "blog",
        site,
        ignore=shutil.ignore_patterns(".octavo", "*.db*", "__pycache__"),
    )
    result = subprocess.run(
        [str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{free_port()}", "app:app"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
            "DATABASE_START_WAIT": "1",
        },
    )
    assert result.returncode != 0  # the arbiter stops instead of restarting workers forever
    assert "cannot use the index database" in result.stderr
    assert "Worker failed to boot" in result.stderr
