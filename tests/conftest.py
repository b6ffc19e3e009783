"""Shared fixtures: content trees written from Python, and the three database backends.

PostgreSQL and MariaDB are real servers (see .ci/run). A backend that cannot be
reached fails the tests that need it; it is never skipped. Set
OCTAVO_TEST_BACKENDS=sqlite to run only the embedded backend while developing.
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from octavo.index.database import IndexDatabase

SERVER_URLS = {
    "postgresql": os.environ.get(
        "OCTAVO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    ),
    "mariadb": os.environ.get(
        "OCTAVO_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test?charset=utf8mb4"
    ),
}
ALL_BACKENDS = ["sqlite", "postgresql", "mariadb"]
BACKENDS = [
    b for b in os.environ.get("OCTAVO_TEST_BACKENDS", ",".join(ALL_BACKENDS)).split(",") if b
]
_OCTAVO_TABLE = re.compile(r"^(o\d+g\d+_|octavo_)")


def clear_server_database(url: str) -> None:
    """Drop every Octavo table so each test starts from an empty server database."""
    engine = create_engine(url)
    try:
        names = [n for n in inspect(engine).get_table_names() if _OCTAVO_TABLE.match(n)]
        with engine.begin() as conn:
            for name in names:
                conn.exec_driver_sql(f"DROP TABLE {engine.dialect.identifier_preparer.quote(name)}")
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A clean database of each backend, as a URL string."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'index.db'}"
    url = SERVER_URLS[request.param]
    try:
        clear_server_database(url)
    except Exception as err:
        pytest.fail(f"{request.param} test server unreachable at {url}: {err} (see .ci/run)")
    return url


@pytest.fixture
def index_db(db_url: str, tmp_path: Path) -> Iterator[IndexDatabase]:
    db = IndexDatabase(make_url(db_url), lock_file=str(tmp_path / "index.lock"))
    db.connect_check()
    yield db
    db.dispose()


WriteFile = Callable[..., Path]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    return folder


@pytest.fixture
def write(content: Path) -> WriteFile:
    """write('blog/a.md', '''Title: A ...''') writes a dedented file under the content folder."""

    def _write(relpath: str, text: str | bytes = "", *, dedent: bool = True) -> Path:
        path = content / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(
                textwrap.dedent(text).lstrip("\n") if dedent else text, encoding="utf-8"
            )
        return path

    return _write


@pytest.fixture(autouse=True)
def _stop_background_scans(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Stop every index keeper a test started, and wait for its scans to end, so a
    background scan of one test never writes into the database the next test clears."""
    from octavo.index.keeper import IndexKeeper

    started: list[IndexKeeper] = []
    original = IndexKeeper.start

    def tracking_start(self: IndexKeeper, *args: object, **kwargs: object) -> None:
        started.append(self)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(IndexKeeper, "start", tracking_start)
    yield
    for keeper in started:
        keeper.stop()
    for keeper in started:
        for thread in keeper._threads:
            thread.join(timeout=30)
