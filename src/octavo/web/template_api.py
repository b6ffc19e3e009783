"""Globals every template sees (Publ §4.1)."""

from __future__ import annotations

from typing import Any

import arrow
import flask

from octavo.web import urls
from octavo.web.context import request_index
from octavo.web.objects.category import Category
from octavo.web.objects.entry import Entry, load_entry
from octavo.web.objects.search import search
from octavo.web.objects.view import get_view


def get_entry(entry_id: Any) -> Entry | None:
    """The entry if it exists, is visible and the viewer may read it; else None (not B3's error)."""
    try:
        wanted = int(entry_id.id if isinstance(entry_id, Entry) else entry_id)
    except (TypeError, ValueError):
        return None
    ix = request_index()
    row = ix.reader.visible_entry(wanted)
    return load_entry(ix, row) if row is not None else None


def get_template(template: Any, relation: Any = None) -> str | None:
    """The filename to ``{% include %}`` for a name, looked up from an entry's category,
    a category, or a path."""
    if not isinstance(template, str | list | tuple):
        raise TypeError(f"get_template(): the name must be text or a list, not {template!r}")
    if isinstance(relation, Entry):
        where = str(relation.category)
    elif isinstance(relation, Category):
        where = relation.path
    else:
        where = str(relation or "").strip("/")
    names = template if isinstance(template, str) else [str(name) for name in template]
    found = flask.current_app.templates.find(where, names)  # type: ignore[attr-defined]
    return found.filename if found else None


def template_globals() -> dict[str, Any]:
    return {
        "get_view": get_view,
        "get_entry": get_entry,
        "get_template": get_template,
        "search": search,
        "static": urls.static_url,
        "arrow": arrow,
    }
