"""The ``search()`` template function (Publ §11.1) and its result object.

Results come from the index database's text index (octavo.index.search_sql) under the
viewer's access rule, title matches first, then newest first. They iterate as entries,
and add what Publ's lacked: each entry's ``snippet``, the ``total`` number of readable
matches, and pages with ``previous``/``next`` links. ``len`` and ``total`` count only
entries the viewer may read; ``has_unauthorized`` says when others matched.
"""

from __future__ import annotations

import time
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

import flask
import jinja2
from markupsafe import Markup

from octavo.index.search_language import NONE as NO_STEMMING
from octavo.index.search_query import SearchQuery, Term, parse_query
from octavo.index.views import EntryQuery
from octavo.web.context import request_index
from octavo.web.objects.entry import Entry
from octavo.web.objects.proxy import CallableProxy
from octavo.web.snippets import make_snippet
from octavo.web.visitor import note_hidden

#: Results per page when `page` is given without `count` (Whoosh's default).
PAGE_SIZE = 10
#: The most results one call returns (`count=None` without `page` means "all" in Publ).
MAX_RESULTS = 1000
#: Deeper pages are not served: nobody reads them, and each costs the pages before it.
MAX_PAGE = 100


class SearchNotEnabled(RuntimeError):
    """search() was called on a site whose configuration does not turn search on."""


class SearchEntry(Entry):
    """An entry found by a search: an Entry with the excerpt that matched."""

    def __init__(self, row: Any, authorized: bool, terms: tuple[Term, ...], stemming: bool):
        super().__init__(row, authorized)
        self._terms = terms
        self._stemming = stemming

    @cached_property
    def snippet(self) -> Markup:
        """The matching stretch of the entry's text, escaped, matches in ``<mark>``
        (made only when a template shows it)."""
        if not self.authorized:
            return Markup("")
        return make_snippet(self._row._search_body, self._terms, self._stemming)


class SearchResults:
    """One page of results for a query."""

    def __init__(
        self,
        query: Any,
        category: Any = None,
        recurse: bool = False,
        count: Any = None,
        page: Any = None,
        future: bool = False,
    ) -> None:
        query, category, count, page = (_defined(v) for v in (query, category, count, page))
        self.query = "" if query is None else str(query)
        self._parsed: SearchQuery = parse_query(query)
        self._args = {"category": category, "recurse": recurse, "count": count, "future": future}
        self.page: int | None = _page_number(page)
        self.count: int = _page_size(count, self.page is not None)
        self._filters = EntryQuery(
            categories=(str(category).strip("/"),) if category is not None else None,
            recurse=bool(recurse),
            future=bool(future),
            now=time.time(),
        )
        self._index = request_index()

    @property
    def _offset(self) -> int:
        return ((self.page or 1) - 1) * self.count

    @cached_property
    def _rows(self) -> list[Any]:
        """This page's rows, plus one more when a next page exists."""
        if self.page is not None and self.page > MAX_PAGE:
            return []
        reader = self._index.reader
        return reader.search(self._parsed, self._filters, self.count + 1, self._offset)

    def _entry(self, row: Any, authorized: bool = True) -> SearchEntry:
        stemming = self._index.app.index.search_language != NO_STEMMING
        return SearchEntry(row, authorized, self._parsed.words, stemming)

    @cached_property
    def _page(self) -> list[SearchEntry]:
        return [self._entry(row) for row in self._rows[: self.count]]

    @cached_property
    def entries(self) -> CallableProxy:
        def page(unauthorized: int | bool = 0) -> list[SearchEntry]:
            if not unauthorized:
                return self._page
            return self._with_unauthorized(unauthorized)

        return CallableProxy(page)

    def _with_unauthorized(self, allowance: int | bool) -> list[SearchEntry]:
        """The page plus up to `allowance` placeholders for matches the viewer may not
        read, in score order, cut to the page size."""
        if self._index.viewer.is_admin:
            return self._page
        limit = self.count if allowance is True else min(int(allowance), self.count)
        rows = self._index.reader.search_unreadable(self._parsed, self._filters, limit)
        note_hidden(bool(rows))
        hidden = [self._entry(row, authorized=False) for row in rows]
        merged = sorted([*self._page, *hidden], key=_rank, reverse=True)
        return merged[: self.count]

    @cached_property
    def has_unauthorized(self) -> bool:
        if self._index.viewer.is_admin or not self._parsed.runnable:
            return False
        return note_hidden(
            self._index.reader.search_count(self._parsed, self._filters, readable=False) > 0
        )

    @cached_property
    def total(self) -> int:
        """How many entries the viewer may read match the query (all pages)."""
        return min(self._index.reader.search_count(self._parsed, self._filters), MAX_RESULTS)

    @property
    def previous(self) -> SearchResults | None:
        """The page before this one (None on the first page or without `page`)."""
        if self.page is None or self.page <= 1:
            return None
        return self._other_page(self.page - 1)

    @property
    def next(self) -> SearchResults | None:
        """The page after this one, when more results exist."""
        if self.page is None or len(self._rows) <= self.count or self.page >= MAX_PAGE:
            return None
        return self._other_page(self.page + 1)

    def _other_page(self, number: int) -> SearchResults:
        return SearchResults(self.query, **{**self._args, "page": number})

    def link(self, page_arg: str = "page", **query: Any) -> str:
        """This page's URL: the current page's, with its query arguments and `page`."""
        args = flask.request.args.to_dict(flat=False)
        args[page_arg] = [str(self.page or 1)]
        for key, value in query.items():
            args[key] = [str(value)]
        base = flask.request.script_root + flask.request.path
        return f"{base}?{urlencode(args, doseq=True)}"

    def __str__(self) -> str:
        return self.link()

    def __iter__(self) -> Any:
        return iter(self._page)

    def __len__(self) -> int:
        return len(self._page)

    def __bool__(self) -> bool:
        return bool(self._page)

    def __repr__(self) -> str:
        return f"<SearchResults {self.query!r} page={self.page} {len(self)} results>"


def search(*args: Any, **kwargs: Any) -> SearchResults:
    """The ``search`` template global: :class:`SearchResults` of these arguments, on a
    site that turned search on."""
    if not flask.current_app.site.get("search_index"):  # type: ignore[attr-defined]
        raise SearchNotEnabled(
            "search() needs full-text search turned on: set 'search_index' in the site's "
            "configuration (any value; Octavo searches the index database)"
        )
    return SearchResults(*args, **kwargs)


def _defined(value: Any) -> Any:
    """A template's undefined variable is no argument."""
    return None if isinstance(value, jinja2.Undefined) else value


def _page_number(page: Any) -> int | None:
    """A 1-based page number from a template or a query string; junk means page 1."""
    if page is None or page == "":
        return None
    try:
        return max(1, int(str(page).strip()))
    except ValueError:
        return 1


def _page_size(count: Any, paged: bool) -> int:
    try:
        size = int(count) if count is not None else (PAGE_SIZE if paged else MAX_RESULTS)
    except (TypeError, ValueError):
        size = PAGE_SIZE
    return min(max(size, 1), MAX_RESULTS)


def _rank(entry: SearchEntry) -> tuple[Any, ...]:
    """The results' order (see octavo.index.search_sql.ranked), best first when reversed."""
    row = entry._row
    return (row._score, row.local_date, row.entry_id)
