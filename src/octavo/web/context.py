"""Per-request access to the index: one connection and one table generation per request,
so every query of a render sees the same index even while a rebuild switches it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import flask
from sqlalchemy.exc import DBAPIError

from octavo.index.queries import Reader, Viewer
from octavo.web.pagecache.deps import TracedReader
from octavo.web.visitor import active_viewer

if TYPE_CHECKING:
    from sqlalchemy import Connection

LOG = logging.getLogger(__name__)


class IndexUnready(Exception):
    """No index has been built yet (503 while the first build runs)."""


class RequestIndex:
    """The index as seen by the current request."""

    def __init__(self, app: Any) -> None:
        self.app = app
        state = app.index.state()
        if state is None:  # maybe built a moment ago by another process: ask again
            app.index.forget_cached_pointer()
            state = app.index.state()
        if state is None:
            raise IndexUnready()
        self._tables = state.tables
        #: Changes with every scan that changed content: keys render caches.
        self.version: tuple[str, int] = (state.tables.prefix, state.version)
        self._conn: Connection | None = None
        self.viewer: Viewer = active_viewer()
        self.memo: dict[Any, Any] = {}

    @property
    def reader(self) -> Reader:
        """The index as the request's viewer sees it (the connection opens on first use)."""
        return self.reader_as(self.viewer)

    def reader_as(self, viewer: Viewer) -> Reader:
        """The index as another viewer sees it: :data:`~octavo.index.queries.SITE` for
        reads made for the site itself, whose result the caller checks again."""
        if self._conn is None:
            self._conn = self.app.index.engine.connect()
        return TracedReader(Reader(self._conn, self._tables, viewer))  # type: ignore[return-value]

    def close(self) -> None:
        """Give the connection back. One the database dropped cannot roll back: it is
        discarded, as the response (a 503) was already decided; an error raised here,
        after the request, would be a bare 500."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.close()
        except DBAPIError as err:  # SQLAlchemy has discarded it from the pool already
            LOG.info("discarding a connection the database dropped: %s", type(err.orig).__name__)


def request_index() -> RequestIndex:
    """The current request's index view, opened on first use."""
    found = flask.g.get("octavo_index")
    if found is None:
        found = RequestIndex(flask.current_app)
        flask.g.octavo_index = found
    return found


def close_request_index(_exc: BaseException | None = None) -> None:
    found = flask.g.pop("octavo_index", None)
    if found is not None:
        found.close()


def memoised(key: Any, compute: Any) -> Any:
    """Per-request memo (Publ memoises entries, views and categories per request)."""
    memo = request_index().memo
    if key not in memo:
        memo[key] = compute()
    return memo[key]
