"""Background rescans outlive a database failure: the keeper's threads log it, pause,
try again, and index the change that was waiting once the database is back.

PostgreSQL and MariaDB are reached through a loopback proxy that drops every
connection and refuses new ones. On SQLite the database cannot go away from under an
open connection; what does happen is another process holding its write lock past the
busy timeout (a backup, an operator's shell, a long write elsewhere): the test holds it.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from octavo.index.database import IndexDatabase
from octavo.index.keeper import IndexKeeper
from tests.conftest import SERVER_URLS, clear_server_database
from tests.integration.helpers import entries_by_path
from tests.integration.s3servers import TcpProxy
from tests.integration.test_scan import make_scanner

Outage = Callable[[], "contextmanager[None]"]


def wait_for(condition: Callable[[], bool], seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.1)


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def faulty_db(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[IndexDatabase, IndexDatabase, Callable[[], object]]]:
    """The keeper's database (which can fail), a direct one for the test's own reads,
    and an outage: a context manager during which the keeper's database fails."""
    if request.param == "sqlite":
        path = tmp_path / "index.db"
        url = f"sqlite:///{path}?timeout=0.2"
        lock = str(tmp_path / "index.lock")
        faulty = IndexDatabase(make_url(url), lock_file=lock)
        direct = IndexDatabase(make_url(f"sqlite:///{path}"), lock_file=lock)

        @contextmanager
        def outage() -> Iterator[None]:
            holder = sqlite3.connect(path, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")  # another process's write, held
            try:
                yield
            finally:
                holder.execute("ROLLBACK")
                holder.close()

        yield faulty, direct, outage
    else:
        server = SERVER_URLS[request.param]
        clear_server_database(server)
        proxy = TcpProxy(make_url(server).port or 0)
        proxied = make_url(server).set(port=proxy.port)
        faulty = IndexDatabase(proxied, lock_file=str(tmp_path / "index.lock"))
        direct = IndexDatabase(make_url(server), lock_file=str(tmp_path / "index.lock"))

        @contextmanager
        def outage() -> Iterator[None]:
            proxy.down = True
            proxy.reset_all()
            try:
                yield
            finally:
                proxy.down = False

        yield faulty, direct, outage
        proxy.close()
    faulty.dispose()
    direct.dispose()


@pytest.mark.parametrize("mode", ["watch", "interval"])
def test_rescans_go_on_after_the_database_fails(faulty_db, content, write, caplog, mode):
    faulty, direct, outage = faulty_db
    faulty.connect_check()
    write("a.md", "Title: A\nDate: 2020-01-01\n\nx\n")
    keeper = IndexKeeper(make_scanner(faulty, content), retry_pause=0.2)
    watch = mode == "watch"
    keeper.start(rescan_interval=0 if watch else 0.3, watch=watch, debounce=0.1)
    wait_for(lambda: set(entries_by_path(direct)) == {"a.md"})
    caplog.set_level(logging.WARNING, logger="octavo.index.keeper")
    with outage():
        write("b.md", "Title: B\nDate: 2020-01-01\n\nx\n")
        wait_for(lambda: any("index scan failed" in r.getMessage() for r in caplog.records))
        time.sleep(0.5)  # a few more failed tries: the thread must survive each of them
        assert set(entries_by_path(direct)) == {"a.md"}
    wait_for(lambda: set(entries_by_path(direct)) == {"a.md", "b.md"})
    write("c.md", "Title: C\nDate: 2020-01-01\n\nx\n")  # and it keeps watching afterwards
    wait_for(lambda: set(entries_by_path(direct)) == {"a.md", "b.md", "c.md"})
    failures = [r for r in caplog.records if "index scan failed" in r.getMessage()]
    assert failures and all("trying again in" in r.getMessage() for r in failures)
    keeper.stop()
