"""``/_health`` and ``/_ready``: may a platform keep this instance, and send it traffic.

``/_health`` (liveness) answers as long as the process does: it touches nothing, so
a slow database never gets a healthy instance restarted. ``/_ready`` (readiness) is
answered from what the process knows plus, when due, one quick look at the database
(the index pointer, re-read at most every second) and at the rendition store (see
``GuardedStore.check``): no template, no page cache, never cached by anyone. The
body names states only, never paths, hosts or errors (those go to the log).

Not ready (503): no index yet, the database unreachable, or the index not yet
checked against this instance's files (the start-up scan of a fresh instance,
which costs only the files that differ). A degraded rendition store does not make
an instance unready, since pages and their images keep working without it
(renditions are rendered by the request itself); nor does an unreachable page
cache (pages are rendered without it).
"""

from __future__ import annotations

import logging

import flask
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from octavo.web.pagecache.service import page_cache
from octavo.web.renditions import images_for

LOG = logging.getLogger(__name__)


def register_health(app: flask.Flask) -> None:
    app.add_url_rule("/_health", "health", _health)
    app.add_url_rule("/_ready", "ready", _ready)


def _health() -> ResponseReturnValue:
    return _uncached(flask.jsonify(alive=True), 200)


def _ready() -> ResponseReturnValue:
    app = flask.current_app
    try:
        present = app.index.tables() is not None  # type: ignore[attr-defined]
    except SQLAlchemyError as err:
        LOG.warning("readiness: the index database is unavailable: %s", err)
        index = "unavailable"
    else:
        verified = app.keeper.verified.is_set()  # type: ignore[attr-defined]
        index = "missing" if not present else "present" if verified else "checking"
    store = images_for(app).store.check()
    ready = index == "present"
    response = flask.jsonify(
        ready=ready, index=index, rendition_store=store.state, page_cache=_page_cache_state()
    )
    return _uncached(response, 200 if ready else 503)


def _page_cache_state() -> str:
    """ "off", "ok", or "degraded" when the shared cache did not answer one read (asked
    at most once per failure back-off): pages are then rendered without it."""
    cache = page_cache()
    if cache is None:
        return "off"
    cache.store.call(lambda backend: backend.get("octavo-ready-probe"), None)
    return "ok" if cache.store.up else "degraded"


def _uncached(response: flask.Response, status: int) -> flask.Response:
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
