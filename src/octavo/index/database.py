"""The index database: connecting, and switching between table generations."""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, event, inspect, select
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, SQLAlchemyError, StatementError

from octavo.index import schema
from octavo.index.lock import writer_lock
from octavo.index.queries import Reader, Viewer
from octavo.index.schema import Tables, build_tables, meta_table
from octavo.index.search_language import DEFAULT as DEFAULT_LANGUAGE
from octavo.index.search_schema import deferred_index_ddl

LOG = logging.getLogger(__name__)
_GENERATION_TABLE = re.compile(r"^o(\d+)g(\d+)_")
_LAST_ACTIVATED = "last_activated"
_NEXT = "next_generation"
_VERSION = "content_version"


@dataclass(frozen=True)
class IndexState:
    """What readers need to know about the index: its tables and a version that changes
    whenever any content does."""

    tables: Tables
    version: int


class IndexUnavailable(RuntimeError):
    """The index database cannot be reached or used; the message says which and why."""


class IndexDatabase:
    """An engine plus the pointer to the live generation of index tables.

    Readers call :meth:`tables`, which re-reads the pointer at most every
    `refresh_seconds`, so every instance follows a rebuild made by another.
    """

    def __init__(
        self,
        url: URL,
        lock_file: str | None = None,
        refresh_seconds: float = 1.0,
        search_language: str = DEFAULT_LANGUAGE,
    ):
        self.url = url
        self.search_language = search_language
        self.lock_file = lock_file
        self.refresh_seconds = refresh_seconds
        self.engine = _make_engine(url)
        self._cached: tuple[float, IndexState | None] = (0.0, None)
        self._guard = threading.Lock()

    @property
    def display_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def connect_check(self, wait: float = 0.0) -> None:
        """Open a connection and create the meta table; raise IndexUnavailable on failure.

        A database that does not answer (it is starting too, or restarting) is tried
        again for up to `wait` seconds, the pause doubling from half a second, with one
        log line per try; then the last reason is raised.
        """
        deadline = time.monotonic() + wait
        pause = 0.5
        while True:
            try:
                if self.url.get_backend_name() == "sqlite" and self.url.database:
                    os.makedirs(os.path.dirname(self.url.database) or ".", exist_ok=True)
                self._create_meta_table()
                return
            except (DBAPIError, SQLAlchemyError, OSError) as err:
                reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
                problem = f"cannot use the index database {self.display_url}: {reason}"
                left = deadline - time.monotonic()
                if left <= 0:
                    raise IndexUnavailable(problem) from None
                pause = min(pause, left)
                LOG.warning("%s; trying again in %.1f s", problem, pause)
                time.sleep(pause)
                pause = min(pause * 2, 8.0)

    def _create_meta_table(self) -> None:
        """Create the tables that outlive generations (schema.META) if missing. Several
        workers start at once, and even ``IF NOT EXISTS`` can collide on PostgreSQL, so a
        failure is retried once: by then the other worker's tables exist."""
        for attempt in (1, 2):
            try:
                with self.engine.begin() as conn:
                    schema.META.create_all(conn, checkfirst=True)
                return
            except DBAPIError:
                if attempt == 2:
                    raise
                time.sleep(0.2)

    def state(self) -> IndexState | None:
        """The live generation and its content version, or None before the first build.

        Re-read at most every `refresh_seconds`, so every instance follows the
        rebuilds and scans made by another within that time.
        """
        stamp, cached = self._cached
        if time.monotonic() - stamp < self.refresh_seconds:
            return cached
        with self._guard:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(meta_table.c.key, meta_table.c.value).where(
                        meta_table.c.key.in_([_active_key(), _VERSION])
                    )
                )
                values = {key: value for key, value in rows}
            generation = values.get(_active_key())
            cached = (
                IndexState(
                    build_tables(int(generation), self.search_language),
                    int(values.get(_VERSION, 0)),
                )
                if generation
                else None
            )
            self._cached = (time.monotonic(), cached)
        return cached

    def tables(self) -> Tables | None:
        """The live generation's tables, or None when no index has been built yet."""
        state = self.state()
        return state.tables if state else None

    @contextmanager
    def reading(self, viewer: Viewer) -> Iterator[Reader | None]:
        """A reader of the live generation on its own connection; None before the
        first build."""
        tables = self.tables()
        if tables is None:
            yield None
            return
        with self.engine.connect() as conn:
            yield Reader(conn, tables, viewer)

    def forget_cached_pointer(self) -> None:
        self._cached = (0.0, None)

    @contextmanager
    def writing(self, wait: float) -> Iterator[None]:
        """Hold the writer lock (see :mod:`octavo.index.lock`)."""
        with writer_lock(self.engine, self.lock_file, wait):
            yield

    @contextmanager
    def write_transaction(self) -> Iterator[Connection]:
        """A transaction in which savepoints work on every backend. pysqlite opens SQLite's
        transaction only at the first data change, so a savepoint taken before that would
        commit when released; BEGIN IMMEDIATE opens it at once (with the write lock)."""
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield conn

    def create_generation(self) -> Tables:
        """Create an empty table set beside the live one (caller holds the writer lock)."""
        with self.engine.begin() as conn:
            generation = int(_read_meta(conn, _NEXT) or 1)
            _write_meta(conn, _NEXT, str(generation + 1))
        tables = build_tables(generation, self.search_language)
        with self.engine.begin() as conn:
            tables.metadata.drop_all(conn)  # leftovers of an interrupted build
            tables.metadata.create_all(conn)
        return tables

    def analyze(self, tables: Tables) -> None:
        """Finish a built generation: build the indexes made once its rows are in (the
        search text index), then refresh the planner's statistics, so listings pick the
        index that stops earliest."""
        with self.engine.begin() as conn:
            for statement in deferred_index_ddl(tables, self.engine.dialect.name):
                conn.exec_driver_sql(statement)
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "sqlite":
                conn.exec_driver_sql("ANALYZE")
            else:
                for table in tables.metadata.sorted_tables:
                    keyword = "ANALYZE TABLE" if self.engine.dialect.name == "mysql" else "ANALYZE"
                    conn.exec_driver_sql(f"{keyword} {self._quote(table.name)}")

    def activate(self, tables: Tables) -> None:
        """Point readers at `tables`, then drop generations nobody should still read."""
        generation = _GENERATION_TABLE.match(tables.prefix)
        assert generation
        with self.engine.begin() as conn:
            replaced = _read_meta(conn, _LAST_ACTIVATED)
            _write_meta(conn, _active_key(), generation.group(2))
            _write_meta(conn, _LAST_ACTIVATED, tables.prefix)
            previous_release = _live_of_previous_schema(conn)
        self.forget_cached_pointer()
        self._drop_generations(keep={tables.prefix, replaced or "", previous_release or ""})

    def _drop_generations(self, keep: set[str]) -> None:
        """Keep the new generation, the one it replaced (still read by instances that have
        not refreshed their pointer) and the live one of the schema before this one (read by
        the release still running during a rolling deploy, however often this one rebuilds)."""
        names = inspect(self.engine).get_table_names()
        with self.engine.begin() as conn:
            for name in names:
                match = _GENERATION_TABLE.match(name)
                if match and match.group(0) not in keep:
                    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {self._quote(name)}")

    def _quote(self, name: str) -> str:
        return self.engine.dialect.identifier_preparer.quote(name)

    def dispose(self) -> None:
        self.engine.dispose()


def bump_version(conn: Connection) -> None:
    """Record that the index content changed (call inside the writing transaction):
    caches of rendered pages and links key on this version."""
    _write_meta(conn, _VERSION, str(int(_read_meta(conn, _VERSION) or 0) + 1))


def refused_for_its_data(err: StatementError) -> bool:
    """Whether a statement failed for the values it carried (a key held twice, a value
    too long, one the driver cannot encode), after which the transaction goes on from
    its last savepoint; as opposed to the database failing (a lost connection)."""
    if isinstance(err, DBAPIError):
        if err.connection_invalidated:
            return False
        # PostgreSQL's class 54 ("program limit exceeded", e.g. a tsvector over 1 MB) is
        # an OperationalError to the driver, but it is about the values too
        limit = str(getattr(err.orig, "sqlstate", None) or "").startswith("54")
        return isinstance(err, IntegrityError | DataError) or limit
    return True


def content_version(conn: Connection) -> int:
    """The content version as of `conn`'s transaction."""
    return int(_read_meta(conn, _VERSION) or 0)


def _active_key() -> str:
    """Each schema version has its own live generation, so old and new code can run
    side by side during a rolling deploy."""
    return f"active:{schema.SCHEMA_VERSION}"


def _live_of_previous_schema(conn: Connection) -> str | None:
    """The table prefix of the live generation of the newest schema version older than
    this code's, if any release with such a schema has built one."""
    rows = conn.execute(
        select(meta_table.c.key, meta_table.c.value).where(meta_table.c.key.like("active:%"))
    )
    older = {
        int(version): generation
        for key, generation in rows
        if (version := key.partition(":")[2]).isdecimal() and int(version) < schema.SCHEMA_VERSION
    }
    if not older:
        return None
    newest = max(older)
    return schema.generation_prefix(int(older[newest]), newest)


def _read_meta(conn: Connection, key: str) -> str | None:
    return conn.execute(select(meta_table.c.value).where(meta_table.c.key == key)).scalar()


def _write_meta(conn: Connection, key: str, value: str) -> None:
    updated = conn.execute(
        meta_table.update().where(meta_table.c.key == key).values(value=value)
    ).rowcount
    if not updated:
        conn.execute(meta_table.insert().values(key=key, value=value))


def _make_engine(url: URL) -> Engine:
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_recycle=1800)
    # How long a statement waits for another process's write lock (`?timeout=` in the URL).
    waits = {} if "timeout" in url.query else {"timeout": 30}
    engine = create_engine(url, connect_args=waits)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # WAL lets requests read while the indexer writes.
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine
