"""``/_cache``: the page cache's backend, state and hit/miss/store counts as JSON, for
an admin or a request made on the machine itself (not through a proxy)."""

from __future__ import annotations

import flask
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from octavo.web.pagecache.service import page_cache
from octavo.web.pagecache.stats import shared_counts
from octavo.web.visitor import active_user

_LOOPBACK = frozenset({"127.0.0.1", "::1"})


def register_cache_endpoint(app: flask.Flask) -> None:
    app.add_url_rule("/_cache", "page_cache", cache_endpoint)


def allowed() -> bool:
    """An admin, or a client on loopback that no proxy forwarded."""
    request = flask.request
    local = request.remote_addr in _LOOPBACK and "X-Forwarded-For" not in request.headers
    return local or bool(active_user().is_admin)


def cache_endpoint() -> Response:
    if not allowed():
        raise NotFound()
    settings = flask.current_app.cache_settings  # type: ignore[attr-defined]
    cache = page_cache()
    body: dict[str, object] = {"enabled": settings.enabled, "backend": settings.description}
    if cache is not None:
        cache.counts.flush()
        body["up"] = cache.store.up
        body["failures"] = cache.store.failures
        body["counts"] = shared_counts(cache.store)
        process: dict[str, dict[str, int]] = {}
        for (kind, event), n in sorted(cache.counts.items()):
            process.setdefault(kind, {})[event] = n
        body["process"] = process
    response = flask.jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response
