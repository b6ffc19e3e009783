"""URLs of entries, categories and static files, built the way Publ's endpoints build them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

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


def absolutize(url: str) -> str:
    """Join a site-relative URL onto the request's root URL."""
    return urljoin(flask.request.url_root, url)
