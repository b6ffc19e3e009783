"""URLs of entries, categories and static files, built the way Publ's endpoints build them.

Absolute URLs start at the site's root: the configured ``site_url``, else Flask's
``SERVER_NAME``, else the request's own host (validated by ``TRUSTED_HOSTS`` when set).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

import flask


def entry_url(
    entry_id: int, category: str, slug_text: str, absolute: bool = False, **query: Any
) -> str:
    """``/<category>/<id>-<slug>`` (the category and slug are only for readers and SEO)."""
    return flask.url_for(
        "entry",
        entry_id=entry_id,
        category=category or None,
        slug_text=slug_text or None,
        _external=absolute,
        **query,
    )


def category_url(
    category: str, template: str | None = None, absolute: bool = False, **query: Any
) -> str:
    """``/<category>/[template]`` with the given query arguments (None values dropped)."""
    args = {k: v for k, v in query.items() if v is not None and v != []}
    return flask.url_for(
        "category", category=category or None, template=template or None, _external=absolute, **args
    )


def static_url(path: str, absolute: bool = False) -> str:
    return flask.url_for("static", filename=path, _external=absolute)


def site_root() -> str:
    """The URL absolute links start with (it ends in ``/``); it also keys render memos,
    so with a configured site URL no Host header reaches them."""
    request = flask.request
    configured = flask.current_app.site.site_url  # type: ignore[attr-defined]
    server_name = flask.current_app.config.get("SERVER_NAME")
    if configured:
        host_url = configured
    elif server_name:
        host_url = f"{request.scheme}://{server_name}"
    else:
        host_url = request.host_url.rstrip("/")
    return f"{host_url}{request.script_root}/"


def absolutize(url: str) -> str:
    """Join a site-relative URL onto the site's root URL."""
    return urljoin(site_root(), url)


def with_query(url: str) -> str:
    """`url` followed by the request's query string, verbatim: redirects keep it without
    reading it, so no argument of it can change how the URL is built."""
    query = flask.request.query_text  # type: ignore[attr-defined]
    return f"{url}?{query}" if query else url


def rebased(url: str) -> str:
    """An absolute URL the router built from the request's host, moved onto the site's
    root (its path and query kept)."""
    parts = urlsplit(url)
    path = "/" + parts.path.lstrip("/")
    return absolutize(f"{path}?{parts.query}" if parts.query else path)
