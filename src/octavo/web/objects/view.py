"""The ``view`` template object (Publ §3): a normalised spec, its page of entries
(one SQL query), and the neighbouring pages (one small query each)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import replace
from functools import cached_property
from typing import Any

import arrow
import flask

from octavo.index.views import Bound, EntryQuery, Order, Position, StatusSet
from octavo.web import urls
from octavo.web.context import request_index
from octavo.web.dates import DateSpan, InvalidDate, parse_date_spec
from octavo.web.objects.entry import Entry, load_entry
from octavo.web.objects.proxy import CallableProxy
from octavo.web.objects.tagnames import as_written
from octavo.web.objects.tagset import TagSet
from octavo.web.visitor import note_hidden

VALID_KEYS = frozenset(
    {
        "category",
        "recurse",
        "category_not",
        "future",
        "entry_type",
        "entry_type_not",
        "date",
        "tag",
        "tag_filter",
        "first",
        "last",
        "before",
        "after",
        "start",
        "count",
        "order",
        "attachments",
        "attached",
        "has_attachments",
        "is_attached",
        "_all",
        "_deleted",
        "_attachments",
    }
)
OFFSET_KEYS = ("date", "start", "last", "first")
#: Larger page sizes are this one (every database takes it as a LIMIT).
MAX_COUNT = 2**31 - 1
_ENTRY_KEYS = ("first", "last", "before", "after", "start", "attachments", "attached")
_TAG_FILTERS = {
    "ANY": "ANY",
    "OR": "ANY",
    "ALL": "ALL",
    "AND": "ALL",
    "NONE": "NONE",
    "NOT": "NONE",
}
_RANGE_DEFAULTS = {
    "day": "YYYY/MM/DD",
    "week": "YYYY/MM/DD",
    "month": "YYYY/MM",
    "year": "YYYY/MM",
    "single": "{oldest} ({count})",
    "span": "{oldest} — {newest} ({count})",
}


class InvalidView(ValueError):
    """A view spec that cannot be satisfied (an unknown key, a bad value): 400 from a URL."""


def normalise(spec: Mapping[str, Any], one_offset: bool = True) -> dict[str, Any]:
    """Publ's spec rules: None means no filter; one offset key; `date` excludes `count`."""
    unknown = sorted(set(spec) - VALID_KEYS)
    if unknown:
        raise TypeError(f"Got an unknown query parameter {', '.join(unknown)}")
    result = {k: _plain(k, v) for k, v in spec.items() if v is not None}
    offsets = [k for k in OFFSET_KEYS if k in result]
    for dropped in offsets[1:] if one_offset else ():
        del result[dropped]
    if "date" in result:
        result.pop("count", None)
    if "count" in result:
        result["count"] = _count(result["count"])
    # Publ's order, which `view.spec` shows: the filters as given, then the offset, then
    # the page size (`date` is both)
    paging = [k for k in (*OFFSET_KEYS, "count") if k in result]
    filters = {k: v for k, v in result.items() if k not in paging}
    return {**filters, **{k: result[k] for k in paging}}


def _count(value: Any) -> int:
    """A page size: a whole number of entries; beyond any listing's size it means all."""
    try:
        count = int(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidView(f"count must be a whole number, not {value!r}") from None
    if count < 0:
        raise InvalidView(f"count must not be negative, not {value!r}")
    return min(count, MAX_COUNT)


def _plain(key: str, value: Any) -> Any:
    """Entries become IDs and categories become paths, so specs compare and hash simply."""
    if key in _ENTRY_KEYS:
        return _entry_id(value)
    if key in ("category", "category_not", "entry_type", "entry_type_not"):
        return [str(c) for c in value] if isinstance(value, list | tuple) else str(value)
    if key == "tag":
        return [str(t) for t in value] if isinstance(value, list | tuple | TagSet) else str(value)
    return value


def _entry_id(value: Any) -> int:
    if isinstance(value, Entry):
        return value.id
    try:
        return int(getattr(value, "entry_id", value))
    except (TypeError, ValueError):
        raise InvalidView(f"not an entry: {value!r}") from None


def _as_tuple(value: Any) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list | tuple) else (value,)


class View:
    """A page of a listing and its neighbours."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self._index = request_index()

    @staticmethod
    def load(spec: Mapping[str, Any]) -> View:
        """One View per normalised spec per request."""
        normal = normalise(spec)
        key = ("view", repr(list(normal.items())))
        memo = request_index().memo
        if key not in memo:
            memo[key] = View(normal)
        return memo[key]

    # -- the query ---------------------------------------------------------------------

    @property
    def order(self) -> Order:
        try:
            return Order(self.spec.get("order", "newest"))
        except ValueError:
            raise InvalidView(f"unknown order {self.spec.get('order')!r}") from None

    @cached_property
    def _span(self) -> DateSpan | None:
        if "date" not in self.spec:
            return None
        try:
            return parse_date_spec(str(self.spec["date"]))
        except InvalidDate as err:  # from a template: a bad query, as Publ answers it (400)
            raise InvalidView(str(err)) from None

    @cached_property
    def _base_query(self) -> EntryQuery:
        """Every filter of the spec, without the page's own offset."""
        s = self.spec
        statuses = StatusSet.LISTED
        if s.get("_all"):
            statuses = StatusSet.ALL
        elif s.get("_deleted"):
            statuses = StatusSet.DELETED
        elif s.get("_attachments"):
            statuses = StatusSet.WITH_ATTACHMENTS
        tag_filter = _TAG_FILTERS.get(str(s.get("tag_filter", "ANY")).upper())
        if tag_filter is None:
            raise InvalidView(f"unknown tag_filter {s['tag_filter']!r}")
        bounds = tuple(Bound(k, self._position(s[k])) for k in ("before", "after") if k in s)
        return EntryQuery(
            categories=_as_tuple(s["category"]) if "category" in s else None,
            recurse=bool(s.get("recurse", False)),
            category_not=_as_tuple(s["category_not"]) if "category_not" in s else (),
            future=bool(s.get("future", False)),
            entry_types=_as_tuple(s["entry_type"]) if "entry_type" in s else None,
            entry_types_not=_as_tuple(s["entry_type_not"]) if "entry_type_not" in s else (),
            date_range=(self._span.start, self._span.end) if self._span else None,
            tags=tuple(TagSet(_as_tuple(s["tag"])).keys()) if "tag" in s else (),
            tag_filter=tag_filter,
            bounds=bounds,
            attachments_of=self._pk(s["attachments"]) if "attachments" in s else None,
            attached_to=self._pk(s["attached"]) if "attached" in s else None,
            has_attachments=s.get("has_attachments"),
            is_attached=s.get("is_attached"),
            statuses=statuses,
            order=self.order,
            now=time.time(),
        )

    @property
    def _paginated(self) -> bool:
        return "count" in self.spec or "date" in self.spec

    @cached_property
    def _page_query(self) -> EntryQuery:
        query = self._base_query
        for key in ("first", "last"):
            if key in self.spec:
                query = query.bounded(Bound(key, self._position(self.spec[key])))
        if "start" in self.spec and self._paginated and self.order is not Order.TITLE:
            kind = "first" if self.order is Order.OLDEST else "last"
            query = query.bounded(Bound(kind, self._position(self.spec["start"])))
        return query

    def _position(self, entry_id: int) -> Position:
        loaded = self._index.memo.get(("entry", entry_id, True)) or self._index.memo.get(
            ("entry", entry_id, False)
        )
        if loaded is not None:  # an entry this request already holds (previous/next of it)
            return _pos(loaded)
        found = self._index.reader.position(entry_id)
        if found is None:
            raise InvalidView(f"no entry {entry_id}")
        return found

    def _pk(self, entry_id: int) -> int:
        found = self._index.reader.pk(entry_id)
        return found if found is not None else -1

    def _rows(self, query: EntryQuery, limit: int | None, reverse: bool = False) -> list[Any]:
        return self._index.reader.listing(query, limit, reverse)

    def _entry(self, row: Any, authorized: bool = True) -> Entry:
        return load_entry(self._index, row, authorized)

    # -- entries -----------------------------------------------------------------------

    @cached_property
    def _page(self) -> list[Entry]:
        limit = self.spec.get("count") if "date" not in self.spec else None
        return [self._entry(row) for row in self._rows(self._page_query, limit)]

    @cached_property
    def entries(self) -> CallableProxy:
        def page(unauthorized: int | bool = 0) -> list[Entry]:
            if not unauthorized:
                return self._page
            return self._with_unauthorized(unauthorized)

        return CallableProxy(page)

    def _with_unauthorized(self, allowance: int | bool) -> list[Entry]:
        """Authorized entries plus up to `allowance` placeholders, in order, up to count.

        Two bounded queries (the authorized page, the first hidden ones) merged:
        the result equals walking the whole listing and stopping at `count`."""
        limit = self.spec.get("count") if "date" not in self.spec else None
        hidden_limit = None if allowance is True else int(allowance)
        if hidden_limit is not None and limit is not None:
            hidden_limit = min(hidden_limit, limit)
        hidden = self._hidden(hidden_limit)
        merged = sorted([*self._page, *hidden], key=self._sort_key)
        return merged[:limit] if limit is not None else merged

    def _sort_key(self, entry: Entry) -> Any:
        row = entry._row
        if self.order is Order.TITLE:
            return (row.sort_title, row.entry_id)
        key = (row.local_date, row.entry_id)
        return key if self.order is Order.OLDEST else (_Reversed(key),)

    def __iter__(self) -> Any:
        return iter(self._page)

    @property
    def first(self) -> Entry | None:
        return self._page[0] if self._page else None

    @property
    def last(self) -> Entry | None:
        return self._page[-1] if self._page else None

    @property
    def newest(self) -> Entry | None:
        return max(self._page, key=lambda e: (e._row.local_date, e.id), default=None)

    @property
    def oldest(self) -> Entry | None:
        return min(self._page, key=lambda e: (e._row.local_date, e.id), default=None)

    @property
    def count(self) -> int:
        return len(self._page)

    @property
    def last_modified(self) -> arrow.Arrow:
        dates = [e.last_modified for e in self._page]
        return max(dates) if dates else arrow.utcnow()

    @cached_property
    def has_unauthorized(self) -> bool:
        ix = self._index
        if ix.viewer.is_admin:
            return False
        return note_hidden(ix.reader.has_unreadable(self._page_query))

    @cached_property
    def unauthorized(self) -> CallableProxy:
        return CallableProxy(
            lambda count=None: [] if self._index.viewer.is_admin else self._hidden(count)
        )

    def _hidden(self, limit: int | None) -> list[Entry]:
        """Matching entries the viewer may not see, as placeholders, in order."""
        rows = self._index.reader.unreadable(self._page_query, limit)
        note_hidden(bool(rows))
        return [self._entry(row, authorized=False) for row in rows]

    @cached_property
    def deleted(self) -> list[Entry]:
        query = replace(self._page_query, statuses=StatusSet.DELETED)
        older = self.older
        if "count" in self.spec and older is not None and older.first is not None:
            query = query.bounded(Bound("after", self._position(older.first.id)))
        return [self._entry(row) for row in self._rows(query, None)]

    # -- pagination --------------------------------------------------------------------

    @property
    def type(self) -> str | None:
        if self._span:
            return self._span.kind
        return "count" if "count" in self.spec else None

    @property
    def paging(self) -> str:
        return self._span.kind if self._span else "offset"

    @cached_property
    def older(self) -> View | None:
        return self._adjacent(newer=False)

    @cached_property
    def newer(self) -> View | None:
        return self._adjacent(newer=True)

    @property
    def previous(self) -> View | None:
        if self.order is Order.TITLE:
            return None
        return self.newer if self.order is Order.NEWEST else self.older

    @property
    def next(self) -> View | None:
        if self.order is Order.TITLE:
            return None
        return self.older if self.order is Order.NEWEST else self.newer

    def _adjacent(self, newer: bool) -> View | None:
        if self._span:
            return self._adjacent_span(newer)
        if "count" not in self.spec or self.order is Order.TITLE or not self._page:
            return None
        count = int(self.spec["count"])
        top, bottom = self._page[0], self._page[-1]
        # "Forward" is the direction the page reads in: older for newest-first listings.
        forward = newer == (self.order is Order.OLDEST)
        if forward:
            kind = "after" if self.order is Order.OLDEST else "before"
            rows = self._rows(self._base_query.bounded(Bound(kind, _pos(bottom))), 1)
            anchor = rows[0] if rows else None
        else:
            kind = "before" if self.order is Order.OLDEST else "after"
            rows = self._rows(self._base_query.bounded(Bound(kind, _pos(top))), count, reverse=True)
            anchor = rows[-1] if rows else None
        if anchor is None:
            return None
        return View.load({**self._without_offsets(), "start": anchor.entry_id})

    def _adjacent_span(self, newer: bool) -> View | None:
        span = self._span
        assert span is not None
        query = replace(
            self._base_query, date_range=None, order=Order.OLDEST if newer else Order.NEWEST
        )
        bound = (
            Bound("after", Position(span.end, -1))
            if newer
            else Bound("before", Position(span.start, -1))
        )
        rows = self._rows(query.bounded(bound), 1)
        if not rows:
            return None
        return View.load({**self._without_offsets(), "date": span.label(rows[0].local_date)})

    @cached_property
    def pages(self) -> list[View]:
        """Every page of the listing, oldest page last for newest-first views."""
        rows = self._index.reader.positions(replace(self._base_query, date_range=None))
        base = self._without_offsets()
        if self._span:
            return [View.load({**base, "date": label}) for label in self._span_labels(rows)]
        if "count" not in self.spec:
            return [self]
        count = int(self.spec["count"])
        first = [View.load(base)] if rows else []
        return first + [
            View.load({**base, "start": rows[i].entry_id}) for i in range(count, len(rows), count)
        ]

    def _span_labels(self, rows: list[Any]) -> list[str]:
        """The date of every page of a date view, as walking ``previous``/``next`` from
        this page names them: this page (even empty) by its own spec, an older span by
        its newest entry, a newer one by its oldest (which matters for weeks)."""
        span = self._span
        assert span is not None
        found: dict[dt.datetime, list[dt.datetime]] = {span.start: []}
        for row in rows:
            start = parse_date_spec(span.label(row.local_date)).start
            found.setdefault(start, []).append(row.local_date)
        labels = {
            start: str(self.spec["date"])
            if start == span.start
            else span.label(max(dates) if start < span.start else min(dates))
            for start, dates in found.items()
        }
        return [labels[start] for start in sorted(labels, reverse=self.order is Order.NEWEST)]

    @cached_property
    def range(self) -> CallableProxy:
        def label(**formats: str) -> str:
            if not self._paginated or not self._page:
                return ""
            fmt = {**_RANGE_DEFAULTS, **formats}
            oldest, newest = self.oldest, self.newest
            assert oldest is not None and newest is not None
            kind = self._span.kind if self._span else _granularity(oldest.date, newest.date)
            first, final = oldest.date.format(fmt[kind]), newest.date.format(fmt[kind])
            if len(self._page) == 1:
                return first
            template = fmt["single"] if first == final else fmt["span"]
            return template.format(oldest=first, newest=final, count=len(self._page))

        return CallableProxy(label)

    # -- refinement and links ----------------------------------------------------------

    def _without_offsets(self) -> dict[str, Any]:
        return {k: v for k, v in self.spec.items() if k not in OFFSET_KEYS}

    def __call__(self, **restrict: Any) -> View:
        return View.load({**self.spec, **restrict})

    @cached_property
    def current(self) -> CallableProxy:
        return CallableProxy(lambda **restrict: View.load({**self._without_offsets(), **restrict}))

    @property
    def is_current(self) -> bool:
        return not any(k in self.spec for k in OFFSET_KEYS)

    @property
    def query_spec(self) -> dict[str, Any]:
        return {k: v for k, v in self.spec.items() if k not in ("order", "count")}

    @property
    def tags(self) -> TagSet:
        return as_written(_as_tuple(self.spec["tag"])) if "tag" in self.spec else TagSet()

    def _with_tags(self, tags: TagSet) -> View:
        spec = {k: v for k, v in self.spec.items() if k != "tag"}
        if len(tags):
            spec["tag"] = tags.values()
        return View.load(spec)

    def tag_add(self, *tags: str) -> View:
        return self._with_tags(self.tags | TagSet(tags))

    def tag_remove(self, *tags: str) -> View:
        return self._with_tags(self.tags - TagSet(tags))

    def tag_toggle(self, *tags: str) -> View:
        return self._with_tags(self.tags ^ TagSet(tags))

    @cached_property
    def link(self) -> CallableProxy:
        def build(
            template: str = "", absolute: bool = False, category: Any = None, **kwargs: Any
        ) -> str:
            from octavo.web.objects.category import Category

            where = str(category) if category else self._link_category()  # Publ: "" is unset
            index_template = Category.load(where).index_template
            query: dict[str, Any] = {}
            if "date" in self.spec:
                query["date"] = self.spec["date"]
            else:
                offset = next(
                    (self.spec[k] for k in ("start", "last", "first") if k in self.spec), None
                )
                if offset is not None:
                    query["id"] = offset
            if "tag" in self.spec:
                query["tag"] = self.tags.keys()
            query.update(kwargs)
            chosen = template if template and template != index_template else None
            return urls.category_url(where, chosen, absolute, **query)

        return CallableProxy(build)

    def _link_category(self) -> str:
        category = self.spec.get("category")
        if category is None:  # a view of every category links to the root, as in Publ
            return ""
        if isinstance(category, str):
            return category
        current = flask.g.get("octavo_category")
        return str(current) if current is not None else ""

    def __str__(self) -> str:
        return str(self.link())

    def __repr__(self) -> str:
        return f"<View {self.spec!r}>"


class _Reversed:
    """Sort key wrapper that inverts ordering (newest-first merges)."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.key < self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


def _pos(entry: Entry) -> Position:
    return Position(entry._row.local_date, entry.id)


def _granularity(oldest: arrow.Arrow, newest: arrow.Arrow) -> str:
    if oldest.year != newest.year:
        return "year"
    if oldest.month != newest.month:
        return "month"
    return "day"


def filter_query(spec: Mapping[str, Any], order: str = "newest") -> EntryQuery:
    """View arguments taken as a filter, as ``category.tags``, ``.first``/``.last`` and
    ``entry.next``/``.previous``/``.attachments``/``.attached`` take them: every filter
    applies, the entry bounds (``first``, ``last``, ``before``, ``after``) together; the
    paging keys (``count``, ``start``) and ``order`` are not filters and play no part
    (Publ raised a TypeError for them, §3.1)."""
    paging = ("count", "start", "order")
    plain = normalise({k: v for k, v in spec.items() if k not in paging}, one_offset=False)
    return View({**plain, "order": order})._page_query


def get_view(**spec: Any) -> View:
    """The ``get_view`` template global."""
    return View.load(spec)
