"""A site under load while its database goes away and comes back.

PostgreSQL and MariaDB are reached through a loopback proxy that drops every connection
and refuses new ones: requests answer 503 with Retry-After (never a 500, never a
traceback), a URL that matches nothing answers 503 too (its alias cannot be looked up),
and every page serves again by itself once the database is back.

SQLite is a file on the instance's own disk: it cannot go away the way a server does.
What does happen is another process holding its write lock (an indexer, a backup, an
operator's shell); readers of a WAL database never wait on it, so every page keeps
answering as usual while the lock is held.
"""

from __future__ import annotations

import http.client
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from octavo import Octavo
from tests.conftest import SERVER_URLS, clear_server_database
from tests.integration.s3servers import TcpProxy

#: Each URL and what it answers while the database is there.
EXPECTED = {
    "/": 200,
    "/blog/": 200,
    "/blog/1-Hello": 200,
    "/1": 301,
    "/old-hello": 301,
    "/nothing-here": 404,
    "/static/missing.css": 404,
}


@dataclass
class Backend:
    name: str
    url: str
    outage: Callable[[], AbstractContextManager[None]]


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        path = tmp_path / "index.db"

        @contextmanager
        def held_write_lock() -> Iterator[None]:
            holder = sqlite3.connect(path, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            holder.execute("UPDATE octavo_meta SET value = value")  # a write in progress
            try:
                yield
            finally:
                holder.execute("ROLLBACK")
                holder.close()

        yield Backend("sqlite", f"sqlite:///{path}", held_write_lock)
        return
    server = SERVER_URLS[request.param]
    clear_server_database(server)
    proxy = TcpProxy(make_url(server).port or 0)

    @contextmanager
    def dropped() -> Iterator[None]:
        proxy.down = True
        proxy.reset_all()
        try:
            yield
        finally:
            proxy.down = False

    url = make_url(server).set(port=proxy.port).render_as_string(hide_password=False)
    yield Backend(request.param, url, dropped)
    proxy.close()


@pytest.fixture
def served(backend: Backend, tmp_path: Path, write) -> Iterator[int]:
    """The site on a threaded WSGI server; its port."""
    write(
        "blog/hello.md",
        "Title: Hello\nDate: 2020-01-01\nEntry-ID: 1\nPath-Alias: /old-hello\n\nHi.\n",
    )
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "entry.html").write_text("<h1>{{ entry.title }}</h1>")
    (templates / "index.html").write_text("{% for e in view.entries %}{{ e.title }}{% endfor %}")
    config = {"index_enable_watchdog": False, "index_rescan_interval": 0}
    app = Octavo("faulty_site", {**config, "database_url": backend.url}, root_path=str(tmp_path))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()
    thread.join(timeout=10)
    app.keeper.stop()


@dataclass
class Answer:
    url: str
    status: int
    retry_after: str | None
    body: str
    when: float


def get(port: int, url: str) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", url)
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return Answer(
            url, response.status, response.getheader("Retry-After"), body, time.monotonic()
        )
    finally:
        conn.close()


def load(port: int, stop: threading.Event, answers: list[Answer]) -> None:
    """Ask for every URL in turn until told to stop (at most 2000 requests)."""
    for _ in range(2000 // len(EXPECTED)):
        for url in EXPECTED:
            if stop.is_set():
                return
            answers.append(get(port, url))


def test_pages_under_load_while_the_database_goes_and_comes_back(backend, served, caplog):
    caplog.set_level(logging.WARNING, logger="octavo.web.errors")
    for url, status in EXPECTED.items():
        assert get(served, url).status == status, url
    answers: list[Answer] = []
    stop = threading.Event()
    clients = [threading.Thread(target=load, args=(served, stop, answers)) for _ in range(4)]
    for client in clients:
        client.start()
    try:
        time.sleep(0.5)
        with backend.outage():
            went = time.monotonic()
            time.sleep(2.5)
            came = time.monotonic()
        time.sleep(2.5)
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=60)
    assert len(answers) > 50
    for answer in answers:
        assert answer.status in (EXPECTED[answer.url], 503), answer
        assert "Traceback" not in answer.body and "Error:" not in answer.body, answer
        if answer.status == 503:
            assert answer.retry_after == "5", answer
            assert "database is unavailable" in answer.body, answer
    during = [a for a in answers if went + 1.1 < a.when < came]  # past the pointer's cache
    if backend.name == "sqlite":
        assert all(a.status != 503 for a in answers)
    else:
        assert all(a.status == 503 for a in during)
        assert any("index database is unavailable" in r.getMessage() for r in caplog.records)
    late = [a for a in answers if a.when > came + 1.5]
    assert {a.url for a in late} == set(EXPECTED)
    assert all(a.status == EXPECTED[a.url] for a in late)
    if backend.name != "sqlite":  # and each URL, "not found" too: its alias is unknown
        with backend.outage():
            time.sleep(1.1)
            assert {url: get(served, url).status for url in EXPECTED} == dict.fromkeys(
                EXPECTED, 503
            )
