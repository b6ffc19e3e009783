"""``/_ready``: may a load balancer send this instance traffic, and what is degraded.

Answered from what the process knows plus, when due, one quick look at the
rendition store (see ``GuardedStore.check``): no template, no page cache, never
cached by anyone. The body names states only, never paths, hosts or errors
(those go to the log). An instance without an index is not ready (503); a
degraded rendition store does not make it unready, since pages and their images
keep working without it (renditions are rendered by the request itself).
"""

from __future__ import annotations

import logging

import flask
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from octavo.web.renditions import images_for

LOG = logging.getLogger(__name__)


def register_health(app: flask.Flask) -> None:
    app.add_url_rule("/_ready", "ready", _ready)


def _ready() -> ResponseReturnValue:
    app = flask.current_app
    try:
        index = "present" if app.index.tables() is not None else "missing"  # type: ignore[attr-defined]
    except SQLAlchemyError as err:
        LOG.warning("readiness: the index database is unavailable: %s", err)
        index = "unavailable"
    store = images_for(app).store.check()
    ready = index == "present"
    response = flask.jsonify(ready=ready, index=index, rendition_store=store.state)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
