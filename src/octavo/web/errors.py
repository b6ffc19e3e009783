"""Error pages (Publ §2.4): the site's error templates found by the category walk, a
built-in page as the last resort, and never a traceback for the visitor."""

from __future__ import annotations

import logging
import os
import posixpath
import traceback
from typing import Any

import flask
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    NotFound,
    Unauthorized,
)
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response

from octavo.web import urls
from octavo.web.aliases import handle_alias
from octavo.web.context import IndexUnready
from octavo.web.login import unauthorized_response
from octavo.web.objects.category import Category, category_exists
from octavo.web.objects.view import InvalidView
from octavo.web.render import no_store, render_page
from octavo.web.template_lookup import ALL
from octavo.web.visitor import authority

LOG = logging.getLogger(__name__)


def handle_exception(error: Exception) -> Response:
    """Every exception ends here: HTTP errors keep their code, anything else is a 500."""
    if isinstance(error, IndexUnready):
        return _unavailable("Site index is being built; try again shortly.")
    if _database_lost(error):
        return _database_unavailable(error)
    if isinstance(error, NotFound):
        try:
            aliased = handle_alias(flask.request.path)
        except Exception as failure:  # without the alias table, "not found" may be untrue
            if _database_lost(failure):
                return _database_unavailable(failure)
            _log_failure(failure)
            aliased = None
        if aliased is not None:
            return aliased
    if isinstance(error, HTTPException) and error.response is not None:
        return error.get_response()  # a page already made (flask.abort(response))
    if isinstance(error, Unauthorized) and authority() is not None:
        return unauthorized_response()
    if isinstance(error, InvalidView):  # e.g. ?id= naming no entry (Publ: InvalidQueryError)
        _log_failure(error, logging.WARNING)  # a template's bad argument: name file and line
        error = BadRequest(str(error))
    if isinstance(error, RequestRedirect):  # e.g. the router's redirect for `//` in a path
        return flask.redirect(urls.rebased(error.new_url), error.code)
    if not isinstance(error, HTTPException):
        _log_failure(error)
        return error_page(500, InternalServerError().name, error)
    return error_page(error.code or 500, error.name, error)


def _database_lost(error: Exception) -> bool:
    """The database went away (restart, failover, network): a 503 the visitor may retry,
    not a 500. The pool checks connections before use, so the next request after the
    database is back gets a working one, without a restart."""
    return isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    )


def _database_unavailable(error: Exception) -> Response:
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    LOG.warning("the index database is unavailable: %s", reason)
    return _unavailable("The site's database is unavailable; try again shortly.")


def _unavailable(message: str) -> Response:
    response = flask.make_response(message + "\n", 503)
    response.headers["Retry-After"] = "5"
    return no_store(response)


def error_page(code: int, message: str, exception: Exception) -> Response:
    """The site's error template for `code`, or the built-in page, or plain text."""
    candidates = [str(code), str(code // 100 * 100), "error"]
    try:
        category = flask.g.get("octavo_category") or _nearest_category()
        variables: dict[str, Any] = {
            "error": {"code": code, "message": message},
            "exception": {
                "type": type(exception).__name__,
                "str": str(exception),
                "args": getattr(exception, "args", ()),
            },
            "category": category,
            "entry": flask.g.get("octavo_entry"),
        }
        found = flask.current_app.templates.find(category.path, candidates, ALL)  # type: ignore[attr-defined]
        if found is not None:
            return no_store(render_page(found, status=code, **variables))
    except Exception as failure:
        if _database_lost(failure):  # the error page's category or template needed it
            return _database_unavailable(failure)
        _log_failure(failure)
    text = f"{code} {message}\n"
    return no_store(flask.make_response(text, code, {"Content-Type": "text/plain"}))


def _nearest_category() -> Category:
    """The category the failed URL was in, or its closest existing ancestor."""
    path = posixpath.dirname(flask.request.path).strip("/")
    while path and not category_exists(path):
        path = posixpath.dirname(path)
    return Category.load(path)


def _log_failure(error: BaseException, level: int = logging.ERROR) -> None:
    """Log the exception, naming the template file and line when a template raised."""
    where = ""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if (
            frame.filename.endswith(
                (".html", ".xml", ".htm", ".txt", ".json", ".css", ".atom", ".rss")
            )
            or "/templates/" in frame.filename
        ):
            where = f" in template {os.path.relpath(frame.filename)} line {frame.lineno}"
            break
    LOG.log(
        level,
        "error rendering %s%s: %s: %s",
        flask.request.path,
        where,
        type(error).__name__,
        error,
        exc_info=error if level >= logging.ERROR else None,
    )
