"""What a render read from the index, as change tags (see :mod:`octavo.index.changes`).

Every index read of a request goes through :class:`TracedReader`, which names what
the result depends on; a cached page keeps the tags of its render, and a scan that
records one of them makes the page stale. A read this module does not know depends
on every change (``changes.ANY``), so a new Reader method can never make a page
stale forever.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import flask

from octavo.index import changes
from octavo.index.views import EntryQuery

_KEY = "octavo_deps"


def depend(tags: Iterable[str]) -> None:
    """Note that the current render depends on `tags` (no-op outside a request)."""
    found = flask.g.get(_KEY) if flask.has_app_context() else None
    if found is not None:
        found.update(tags)


def start() -> None:
    """Record what the current request's render reads."""
    setattr(flask.g, _KEY, set())


def collected() -> set[str]:
    """What the current request's render read so far."""
    return flask.g.get(_KEY) or set()


@contextmanager
def recording() -> Iterator[set[str]]:
    """Collect the tags of what runs inside; they count for the enclosing recording too."""
    outer = flask.g.get(_KEY)
    inner: set[str] = set()
    setattr(flask.g, _KEY, inner)
    try:
        yield inner
    finally:
        setattr(flask.g, _KEY, outer)
        if outer is not None:
            outer.update(inner)


def query_tags(q: EntryQuery) -> list[str]:
    """A listing depends on its categories (changes in subcategories bump their
    ancestors) and on the entries its attachment filters name."""
    tags = [changes.category_tag(c) for c in (q.categories or ("",))]
    for entry_id in (q.attachments_of, q.attached_to):
        if entry_id is not None:
            tags.append(changes.entry_tag(entry_id))
    return tags


def _entry_ids(rows: Iterable[Any]) -> list[str]:
    return [changes.entry_tag(row.entry_id) for row in rows if row is not None]


def _tags(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], result: Any) -> list[str]:
    if name in ("listing", "unreadable", "has_unreadable", "positions", "tag_counts"):
        return query_tags(args[0] if args else kwargs["q"])
    if name in ("search", "search_unreadable", "search_count"):
        return query_tags(args[1] if len(args) > 1 else kwargs["filters"])
    if name == "entry":
        found = [changes.entry_tag(result.row.entry_id)] if result is not None else []
        wanted = kwargs.get("entry_id")
        return found + ([changes.entry_tag(wanted)] if wanted is not None else [])
    if name in ("visible_entry", "position", "pk"):
        return [changes.entry_tag(args[0] if args else kwargs["entry_id"])]
    if name == "entries_at":
        return [changes.path_tag(p) for p in args[0]] + _entry_ids(result)
    if name == "entries_by_id":
        return [changes.entry_tag(i) for i in args[0]]
    if name == "tag_names":
        return [changes.tag_tag(k) for k in args[0]]
    if name == "visible_categories":
        return [changes.CATSET]
    if name == "category_rows":
        return [changes.CATMETA]
    if name in ("alias", "alias_paths"):
        return [changes.ALIASES]
    if name == "file_digest":
        return [changes.path_tag(args[0]), changes.IMAGES]
    if name == "image_paths":
        return [changes.IMAGES]
    if name == "entry_text":
        return []  # of a row some other read returned, and recorded: its text changes with it
    return [changes.ANY]


_ITERABLE_ARG = frozenset({"entries_at", "entries_by_id", "tag_names"})


class TracedReader:
    """A :class:`~octavo.index.queries.Reader` that notes what each read depends on."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self.viewer = reader.viewer

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._reader, name)
        if not callable(method):
            return method

        def traced(*args: Any, **kwargs: Any) -> Any:
            if name in _ITERABLE_ARG and args:
                args = (list(args[0]), *args[1:])  # read twice: by the query and here
            result = method(*args, **kwargs)
            depend(_tags(name, args, kwargs, result))
            return result

        return traced
