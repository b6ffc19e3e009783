"""One indexer among many processes, on PostgreSQL and MariaDB: instances started at
once build the index once and all serve it; an indexer killed with SIGKILL in the
middle of a scan leaves the index as it was before that scan, and a process waiting
for the writer lock takes over and completes the index."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from octavo.index.database import IndexDatabase
from octavo.index.lock import LockBusy
from octavo.index.scanner import Scanner
from tests.conftest import SERVER_URLS, clear_server_database
from tests.e2e.test_deploy_recipes import Server, copy_site, environment, fetch, free_port
from tests.integration.helpers import entries_by_path

OCTAVO = str(Path(sys.executable).parent / "octavo")
FILES = 3000


def write_site(root: Path, edition: str) -> None:
    content = root / "content"
    for number in range(FILES):
        path = content / f"c{number % 30}" / f"entry-{number}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"Title: Entry {number}, {edition}\nDate: 2024-01-01 12:00:00\n\n"
            + f"Paragraph of {edition}.\n\n" * 20
        )
    (root / "templates").mkdir(exist_ok=True)
    (root / "app.py").write_text(
        "import octavo\napp = octavo.Octavo(__name__, {'index_enable_watchdog': False})\n"
    )


def reindex(root: Path, url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "k"}
    return subprocess.Popen(
        [OCTAVO, "reindex", "--quiet"],
        cwd=root,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def lock_held(db: IndexDatabase) -> bool:
    try:
        with db.writing(0.0):
            return False
    except LockBusy:
        return True


def titles(db: IndexDatabase) -> set[str]:
    return {row.title.split(", ")[1] for row in entries_by_path(db).values()}


@pytest.mark.parametrize("backend", ["postgresql", "mariadb"])
def test_a_killed_indexer_leaves_the_index_whole_and_a_waiting_one_takes_over(backend, tmp_path):
    url = SERVER_URLS[backend]
    clear_server_database(url)
    db = IndexDatabase(make_url(url))
    db.connect_check()
    write_site(tmp_path, "first")
    Scanner(db, str(tmp_path / "content"), ZoneInfo("UTC")).update()
    assert titles(db) == {"first"}
    version = db.state().version

    write_site(tmp_path, "second")  # every file changes: a long scan
    victim = reindex(tmp_path, url)
    deadline = time.monotonic() + 60
    while not lock_held(db):
        assert victim.poll() is None, victim.communicate()
        assert time.monotonic() < deadline, "the indexer never took the lock"
        time.sleep(0.05)
    heir = reindex(tmp_path, url)  # waits for the writer lock
    time.sleep(1.0)
    assert victim.poll() is None, "the scan ended before it could be killed"
    victim.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    victim.wait()

    db.forget_cached_pointer()
    state = db.state()
    assert state is not None and state.version in (version, version + 1)
    assert titles(db) in ({"first"}, {"second"})  # one scan's whole result, never a mix
    assert heir.wait(timeout=300) == 0, heir.communicate()
    took_over = time.monotonic() - killed
    assert titles(db) == {"second"} and len(entries_by_path(db)) == FILES
    assert Scanner(db, str(tmp_path / "content"), ZoneInfo("UTC")).verify().matches
    assert not lock_held(db)
    print(f"\n{backend}: the waiting indexer finished {took_over:.1f} s after the kill")
    db.dispose()


@pytest.mark.parametrize("backend", ["postgresql", "mariadb"])
def test_instances_started_at_once_build_the_index_once_and_all_serve(backend, tmp_path):
    url = SERVER_URLS[backend]
    clear_server_database(url)
    site = copy_site(tmp_path)
    env = environment(DATABASE_URL=url, SECRET_KEY="k", WEB_CONCURRENCY="2")
    ports = [free_port(), free_port()]
    started = [
        Server(["gunicorn", "app:app"], site, {**env, "PORT": str(port)}, tmp_path / f"{port}.log")
        for port in ports
    ]
    try:
        for server, port in zip(started, ports, strict=True):
            server.wait_for(f"http://127.0.0.1:{port}/_ready")
            assert b"Making this example site" in fetch(f"http://127.0.0.1:{port}/")[1]
    finally:
        for server in started:
            assert server.stop() == 0
    engine = create_engine(url)
    built = [name for name in inspect(engine).get_table_names() if name.endswith("_entries")]
    engine.dispose()
    assert len(built) == 1  # four workers on two instances: one built, three waited


def test_a_cold_instance_answers_health_while_it_builds_then_is_ready(tmp_path):
    """The recipe's gunicorn.conf.py builds a missing index in the background: the
    process is alive at once, pages and readiness say 503 (Retry-After) until done."""
    url = SERVER_URLS["postgresql"]
    clear_server_database(url)
    site = copy_site(tmp_path)
    for number in range(4000):  # enough that the build outlasts the first requests
        path = site / "content" / "bulk" / f"entry-{number}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"Title: Bulk {number}\nDate: 2020-01-01\n\n" + "Text.\n\n" * 20)
    port = free_port()
    env = environment(DATABASE_URL=url, SECRET_KEY="k", PORT=str(port))
    web = Server(["gunicorn", "app:app"], site, env, tmp_path / "web.log")
    try:
        seen = watch_build(web, f"http://127.0.0.1:{port}")
    finally:
        assert web.stop() == 0
    assert seen[0] == (503, 503), seen[:3]  # answering, not ready, while it builds
    assert seen[-1][0] == 200


def watch_build(web: Server, base: str) -> list[tuple[int, int]]:
    """(/_ready, /) statuses from the first /_health answer until ready."""
    web.wait_for(base + "/_health")
    seen = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready = fetch(base + "/_ready")
        page = fetch(base + "/")
        seen.append((ready[0], page[0]))
        if ready[0] == 200:
            break
        assert json.loads(ready[1])["index"] in ("missing", "checking")
        if page[0] == 503:
            assert page[2]["Retry-After"] == "5"
        time.sleep(0.1)
    assert fetch(base + "/")[0] == 200
    return seen
