"""Category and entry pages (Publ §2.2, §2.3): the request pipeline up to rendering."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import flask
from werkzeug.exceptions import BadRequest, Forbidden, NotFound, Unauthorized
from werkzeug.wrappers import Response

from octavo.content.aliases import AliasKind
from octavo.content.identity import entry_id_in
from octavo.content.status import Status
from octavo.index.queries import Found
from octavo.web import urls
from octavo.web.aliases import handle_alias
from octavo.web.context import request_index
from octavo.web.dates import InvalidDate, parse_date_spec
from octavo.web.objects.category import Category, category_exists
from octavo.web.objects.entry import Entry, load_entry
from octavo.web.objects.view import View
from octavo.web.render import no_store, render_page, request_accept
from octavo.web.visitor import active_user, authority, note_hidden

#: Template names a URL may not ask for.
RESERVED_VIEWS = frozenset({"entry", "error", "login", "unauthorized", "logout"})


def category_page(category: str, template: str | None, via_alias: bool = False) -> Response:
    if not via_alias:
        aliased = handle_alias(flask.request.path)
        if aliased is not None:
            return aliased
    if template and template.split(".")[0] in RESERVED_VIEWS:
        raise Forbidden("Invalid view requested")
    if not category_exists(category):
        raise NotFound("No such category")
    cat = Category.load(category)
    flask.g.octavo_category = cat
    name = template or cat.index_template
    found = flask.current_app.templates.find(category, name, request_accept())  # type: ignore[attr-defined]
    if found is None:
        nested = f"{category}/{name}" if category else name
        if template and category_exists(nested):
            return flask.redirect(urls.with_query(urls.category_url(nested, None)), 301)
        raise NotFound(f"No such view '{name}'")
    view = View.load({**view_spec_from_args(), "category": category})  # Publ's key order
    return render_page(found, category=cat, view=view)


def view_spec_from_args() -> dict[str, Any]:
    """Only ``date``, ``id`` (as ``start``) and ``tag`` come from the URL (Publ §3.3)."""
    args = flask.request.args
    spec: dict[str, Any] = {}
    if "date" in args:
        try:
            parse_date_spec(args["date"])
        except InvalidDate as err:
            raise BadRequest("Invalid date") from err
        spec["date"] = args["date"]
    elif "id" in args:
        spec["start"] = _entry_id_arg(args["id"])
    tags = [t for t in args.getlist("tag") if t]
    if tags:
        spec["tag"] = tags[0] if len(tags) == 1 else tags
    return spec


def _entry_id_arg(value: str) -> int:
    entry_id = entry_id_in(value)
    if entry_id is None:
        raise BadRequest("Invalid entry ID")
    return entry_id


def entry_page(
    entry_id: int, category: str | None = None, slug_text: str | None = None
) -> Response:
    found = request_index().reader.entry(entry_id=entry_id)
    if found is None:
        aliased = handle_alias(flask.request.path)
        if aliased is not None:
            return aliased
        raise NotFound("No such entry")
    entry = _checked(found)
    redirect = _redirect_to(entry)
    if redirect is not None:
        return redirect
    canonical = str(entry.permalink())
    if _segments(canonical) != _segments(flask.request.path):
        aliased = handle_alias(flask.request.path)
        if aliased is not None:
            return aliased
        return flask.redirect(urls.with_query(canonical), 301)
    return _render_entry(entry, category or "", None)


def aliased_entry(alias: Any) -> Response:
    found = request_index().reader.entry(pk=alias.entry_pk)
    if found is None:
        raise NotFound("No such entry")
    entry, row = _checked(found), found.row
    redirect = _redirect_to(entry)
    if redirect is not None:
        return redirect
    if alias.kind == AliasKind.MOUNT:
        return _render_entry(entry, row.category, alias.template)
    if alias.template:
        target = Category.load(row.category)
        template = alias.template if alias.template != target.index_template else None
        return flask.redirect(urls.category_url(row.category, template, id=entry.id), 301)
    return flask.redirect(str(entry.permalink()), 301)


def _checked(found: Found) -> Entry:
    """Status and access checks of §2.3; returns the entry the viewer may read."""
    status = Status(found.row.status)
    if status.http_status != 200:
        flask.abort(status.http_status)
    ix = request_index()
    row = found.row
    user = active_user()
    auth = authority()
    if row.auth is not None and user and auth is not None:
        auth.note_access(row.entry_id, user, found.authorized)
    if not found.authorized:
        flask.abort(_unauthorized(ix, row, user))
    return load_entry(ix, row)


def _unauthorized(ix: Any, row: Any, user: Any) -> Response:
    """401 for a visitor who is not logged in (the login page, with login on); for a
    logged-in reader without access, the category's ``unauthorized`` template with
    403, or a plain 403 (Publ §9.4)."""
    if not user:
        note_hidden(True)
        raise Unauthorized()  # Werkzeug's own description, as Publ's error page shows it
    entry = load_entry(ix, row, authorized=False)
    flask.g.octavo_entry = entry
    found = flask.current_app.templates.find(row.category, "unauthorized", request_accept())  # type: ignore[attr-defined]
    if found is None or found.builtin:
        raise Forbidden(f"User {user.name} does not have access")
    category = Category.load(row.category)
    return no_store(render_page(found, status=403, entry=entry, category=category))


def _redirect_to(entry: Entry) -> Response | None:
    """``Redirect-To`` resolved like ``entry.link`` (Publ sent it raw: B11)."""
    if not entry._row.redirect_url:
        return None
    return flask.redirect(str(entry.link()), 301)


def _render_entry(entry: Entry, request_category: str, alias_template: str | None) -> Response:
    category = Category.load(request_category)
    flask.g.octavo_category = category
    flask.g.octavo_entry = entry
    name = (
        alias_template
        or entry._row.entry_template
        or Category.load(entry._row.category).entry_template
        or "entry"
    )
    found = flask.current_app.templates.find(request_category, name, request_accept())  # type: ignore[attr-defined]
    if found is None:
        raise BadRequest(f"Missing entry template '{name}'")
    return render_page(found, content_type=entry._row.content_type, entry=entry, category=category)


def _segments(path: str) -> list[str]:
    return [unquote(part) for part in path.split("/") if part]


def path_alias_page(path: str) -> Response:
    """``/<path>.PUBL_PATHALIAS`` for rewrite rules (with the leading slash Publ lost: B5)."""
    aliased = handle_alias("/" + path)
    if aliased is None:
        raise NotFound("No such alias")
    return aliased
