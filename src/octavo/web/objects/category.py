"""The ``category`` template object (Publ §4.4)."""

from __future__ import annotations

import os
import posixpath
from collections import namedtuple
from functools import cached_property
from typing import Any

import flask
from markupsafe import Markup, escape

from octavo.content.category import default_name
from octavo.web import markup_bridge, urls
from octavo.web.context import request_index
from octavo.web.objects.proxy import CallableProxy, TrueCallableProxy, constant
from octavo.web.objects.tagnames import display_names
from octavo.web.renditions import images_for
from octavo.web.site_cache import shared

#: A tag and how many entries carry it (``count`` shadows tuple.count, as in Publ).
TagCount = namedtuple("TagCount", ["name", "count"])


def visible_categories() -> frozenset[str]:
    """Categories holding at least one visible entry the viewer may see."""
    reader = request_index().reader
    return shared(("visible-categories", reader.viewer), reader.visible_categories)


def category_meta() -> dict[str, Any]:
    """Every category's winning meta-file row (the last path when several claim one)."""
    reader = request_index().reader
    return shared("category-meta", lambda: {row.category: row for row in reader.category_rows()})


def category_exists(path: str) -> bool:
    """The root always exists; another category exists when it or a descendant has entries."""
    if not path:
        return True
    prefix = path + "/"
    return any(c == path or c.startswith(prefix) for c in visible_categories())


class Category:
    """A category path, with its meta file's values when it has one."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.basename = posixpath.basename(path)

    @staticmethod
    def load(path: str) -> Category:
        memo = request_index().memo
        key = ("category", path)
        if key not in memo:
            memo[key] = Category(path)
        return memo[key]

    @cached_property
    def _meta(self) -> Any:
        return category_meta().get(self.path)

    # -- names -------------------------------------------------------------------------

    @cached_property
    def name(self) -> CallableProxy:
        raw = self._meta.name if self._meta else default_name(self.path)

        def render(**args: Any) -> Markup:
            # Smart quotes by default, off with no_smartquotes=True (Publ inverted it: B10).
            return markup_bridge.title(raw, args) if raw else Markup("")

        return CallableProxy(render)

    @property
    def sort_name(self) -> str:
        return str(self._meta.sort_name) if self._meta else default_name(self.path)

    @property
    def index_template(self) -> str:
        return (self._meta.index_template if self._meta else None) or "index"

    @property
    def entry_template(self) -> str | None:
        return self._meta.entry_template if self._meta else None

    @cached_property
    def description(self) -> CallableProxy:
        text = self._meta.description if self._meta else ""
        if not text:
            return constant(Markup(""))
        rendered = markup_bridge.text_markup(
            text, (self.path,), str(self.link()), str(self.link(absolute=True))
        )
        return TrueCallableProxy(lambda **args: markup_bridge.as_markup(rendered.body(**args)))

    # -- headers -----------------------------------------------------------------------

    def get(self, name: str, default: Any = None) -> Any:
        values = self.get_all(name)
        return values[0] if values else default

    def get_all(self, name: str) -> list[str] | None:
        if not self._meta:
            return None
        wanted = str(name).lower()
        return [value for key, value in self._meta.headers if key.lower() == wanted]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.get(name)

    # -- tree --------------------------------------------------------------------------

    @property
    def parent(self) -> Category | None:
        if not self.path:
            return None
        return Category.load(posixpath.dirname(self.path))

    @property
    def root(self) -> Category:
        return Category.load("")

    @property
    def breadcrumb(self) -> list[Category]:
        parts = self.path.split("/") if self.path else []
        return [Category.load("/".join(parts[:depth])) for depth in range(len(parts) + 1)]

    @cached_property
    def subcats(self) -> CallableProxy:
        def children(recurse: bool = False) -> list[Category]:
            prefix = self.path + "/" if self.path else ""
            found: set[str] = set()
            for path in visible_categories():
                if not path.startswith(prefix) or path == self.path:
                    continue
                rest = path[len(prefix) :].split("/")
                depth = len(rest) if recurse else 1
                found.update(prefix + "/".join(rest[:n]) for n in range(1, depth + 1))
            cats = [Category.load(p) for p in found]
            return sorted(cats, key=lambda c: tuple(b.sort_name for b in c.breadcrumb[1:]))

        return CallableProxy(children)

    def image(self, path: str) -> Any:
        """An image found in this category's content folder."""
        return images_for(flask.current_app).image(path, (self.path,))

    @property
    def search_path(self) -> str:
        return os.path.join(flask.current_app.site.content_folder, self.path)  # type: ignore[attr-defined]

    # -- listings ----------------------------------------------------------------------

    def _edge(self, newest: bool) -> CallableProxy:
        def find(**spec: Any) -> Any:
            from octavo.web.objects.entry import load_entry
            from octavo.web.objects.view import filter_query

            query = filter_query({**spec, "category": self.path}, "newest" if newest else "oldest")
            ix = request_index()
            rows = ix.reader.listing(query, 1)
            return load_entry(ix, rows[0]) if rows else None

        return CallableProxy(find)

    @cached_property
    def first(self) -> CallableProxy:
        return self._edge(newest=False)

    @cached_property
    def last(self) -> CallableProxy:
        return self._edge(newest=True)

    @cached_property
    def tags(self) -> CallableProxy:
        def count(**spec: Any) -> list[TagCount]:
            from octavo.web.objects.view import filter_query

            counted = request_index().reader.tag_counts(
                filter_query({**spec, "category": self.path})
            )
            names = display_names(tag.key for tag in counted)
            return [TagCount(names.get(tag.key, tag.name), tag.count) for tag in counted]

        return CallableProxy(count)

    # -- links -------------------------------------------------------------------------

    @cached_property
    def link(self) -> CallableProxy:
        def build(template: str = "", absolute: bool = False, **query: Any) -> str:
            chosen = template if template and template != self.index_template else None
            return urls.category_url(self.path, chosen, absolute, **query)

        return CallableProxy(build)

    def __str__(self) -> str:
        return self.path

    def __html__(self) -> Markup:
        return escape(self.path)

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.path)

    def __lt__(self, other: object) -> bool:
        return str(self) < str(other)

    def __repr__(self) -> str:
        return f"<Category {self.path!r}>"
