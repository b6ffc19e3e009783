"""Rendering a chosen template into a response: variables every page gets, Content-Type,
a strong ETag with 304s, and Cache-Control."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable
from typing import Any

import flask
from werkzeug.wrappers import Response

from octavo.web.objects.template import Template
from octavo.web.pagecache.service import page_cache
from octavo.web.renditions import images_for
from octavo.web.template_lookup import Accept, TemplateFile
from octavo.web.visitor import active_user


def request_accept() -> Accept:
    return Accept.parse(list(flask.request.accept_mimetypes))


def render_page(
    found: TemplateFile, status: int = 200, content_type: str | None = None, **variables: Any
) -> Response:
    """Render `found` with the page variables and answer conditional requests."""
    text = flask.render_template(
        found.filename,
        template=Template(found),
        user=active_user(),
        image=_image_lookup(found, variables),
        **variables,
    )
    response = flask.make_response(text, status)
    ctype = content_type or header_content_type(found.mime_type)
    if ctype:
        response.headers["Content-Type"] = ctype
    else:  # an extension nothing knows: no type, so the browser decides (as Publ does)
        del response.headers["Content-Type"]
    if found.varies:
        response.vary.add("Accept")
    if status == 200:
        etag = hashlib.md5(text.encode("utf-8")).hexdigest()
        response.set_etag(etag)
        response.headers["Cache-Control"] = flask.current_app.cache_settings.cache_control()  # type: ignore[attr-defined]
        cache = page_cache()
        if cache is not None:
            cache.remember(found, text, etag, response)
        response.make_conditional(flask.request)
    return response


def header_content_type(mime_type: str) -> str:
    """The Content-Type for a template's type: text types name their UTF-8 charset, other
    types (JSON, XML, feeds) carry their encoding themselves and are sent bare, as Publ does."""
    if mime_type.startswith("text/") and ";" not in mime_type:
        return f"{mime_type}; charset=utf-8"
    return mime_type


def _image_lookup(found: TemplateFile, variables: dict[str, Any]) -> Callable[[str], Any]:
    """The page's ``image(path)``: looked up from the entry's folders, the category's
    folder, then the template's folder mapped into the content folder (Publ §4.2)."""
    search: list[str] = []
    entry = variables.get("entry")
    if entry is not None:
        search += entry.search_path
    category = variables.get("category")
    if category is not None:
        search.append(category.path)
    search.append(posixpath.dirname(found.filename))
    service = images_for(flask.current_app)
    return lambda path: service.image(path, tuple(dict.fromkeys(search)))


def no_store(response: Response) -> Response:
    """Mark a response that must never be cached (private pages, errors, 503)."""
    response.headers["Cache-Control"] = "private, no-cache, no-store, max-age=0"
    response.headers["X-Robots-Tag"] = "noindex,noarchive"
    return response
