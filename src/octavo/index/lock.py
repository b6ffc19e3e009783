"""One writer at a time: a file lock on one box, a database lock across boxes."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text

_LOCK_NAME = "octavo-index-writer"
_PG_KEY = 0x0C7A_0001  # arbitrary, constant advisory-lock key


class LockBusy(Exception):
    """Another process holds the writer lock."""


@contextmanager
def writer_lock(engine: Engine, lock_file: str | None, wait: float) -> Iterator[None]:
    """Hold the index's writer lock; wait up to `wait` seconds, then raise LockBusy.

    SQLite uses a lock file beside the database; PostgreSQL and MySQL use a
    server-side lock so that instances on different machines exclude each other.
    """
    backend = engine.dialect.name
    if backend == "sqlite":
        assert lock_file is not None
        with file_lock(lock_file, wait):
            yield
    elif backend == "postgresql":
        with _server_lock(
            engine,
            "SELECT pg_try_advisory_lock(:key)",
            "SELECT pg_advisory_unlock(:key)",
            {"key": _PG_KEY},
            wait,
        ):
            yield
    elif backend == "mysql":
        with _server_lock(
            engine,
            "SELECT GET_LOCK(:key, 0)",
            "SELECT RELEASE_LOCK(:key)",
            # MySQL's named locks span the server: name the database, as PostgreSQL's
            # advisory locks are per database (names are at most 64 characters).
            {"key": f"{_LOCK_NAME}:{engine.url.database or ''}"[:64]},
            wait,
        ):
            yield
    else:
        raise NotImplementedError(f"no writer lock for database backend {backend!r}")


def _poll(attempt: object, wait: float) -> None:
    deadline = time.monotonic() + wait
    while not attempt():  # type: ignore[operator]
        if time.monotonic() >= deadline:
            raise LockBusy("another process is updating the index")
        time.sleep(0.1)


@contextmanager
def file_lock(path: str, wait: float) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing); LockBusy after `wait` seconds."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:

        def attempt() -> bool:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        _poll(attempt, wait)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def _server_lock(
    engine: Engine, acquire: str, release: str, params: dict[str, object], wait: float
) -> Iterator[None]:
    # The lock belongs to this connection, so it is held open for the duration.
    with engine.connect() as conn:
        _poll(lambda: bool(conn.execute(text(acquire), params).scalar()), wait)
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text(release), params)
            conn.commit()
