"""Listings as single SQL queries: filters, keyset bounds and ordering for a view.

A view's page is one indexed query (``WHERE filters AND keyset bound ORDER BY
key LIMIT count``), so page 500 of an archive costs what page 1 costs, and no
request loads a category's entries into Python. Only :mod:`octavo.index.queries`
executes these clauses, always with a viewer's access condition; other layers
use the spec types (``EntryQuery``, ``Bound``, ``Order``…).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Select,
    and_,
    bindparam,
    exists,
    false,
    literal,
    not_,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.sql.elements import ColumnElement

from octavo.content.status import Status
from octavo.index.schema import Tables


class Order(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    TITLE = "title"


class StatusSet(StrEnum):
    """Which statuses a query sees (Publ's internal `_all`, `_deleted`, `_attachments`)."""

    LISTED = "listed"
    WITH_ATTACHMENTS = "attachments"
    DELETED = "deleted"
    ALL = "all"


@dataclass(frozen=True, order=True)
class Position:
    """Where an entry sits in date order: local wall-clock date, then ID."""

    local_date: dt.datetime
    entry_id: int


@dataclass(frozen=True)
class Bound:
    """A keyset bound: ``first``/``last`` are inclusive, ``after``/``before`` exclusive."""

    kind: str
    position: Position


@dataclass(frozen=True)
class EntryQuery:
    """A normalised view specification, ready to become SQL."""

    categories: tuple[str, ...] | None = None
    recurse: bool = False
    category_not: tuple[str, ...] = ()
    future: bool = False
    entry_types: tuple[str, ...] | None = None
    entry_types_not: tuple[str, ...] = ()
    date_range: tuple[dt.datetime, dt.datetime] | None = None
    tags: tuple[str, ...] = ()
    tag_filter: str = "ANY"
    bounds: tuple[Bound, ...] = ()
    attachments_of: int | None = None
    attached_to: int | None = None
    has_attachments: bool | None = None
    is_attached: bool | None = None
    statuses: StatusSet = StatusSet.LISTED
    order: Order = Order.NEWEST
    now: float = field(default_factory=time.time, compare=False)

    def bounded(self, *bounds: Bound) -> EntryQuery:
        return replace(self, bounds=(*self.bounds, *bounds))


#: Where the bounds of a statement shape point (their values are supplied at execution).
_ANYWHERE = Position(dt.datetime(2000, 1, 1), 0)


def statement_shape(q: EntryQuery) -> EntryQuery:
    """`q` without the values that change from one request to the next (its bounds'
    positions; `now` takes no part in equality): one statement, built once, serves
    every query of that shape with :func:`query_values`. Building a statement costs
    more than running it."""
    if not q.bounds:
        return q
    return replace(q, bounds=tuple(Bound(bound.kind, _ANYWHERE) for bound in q.bounds))


def query_values(q: EntryQuery) -> dict[str, Any]:
    """The parameter values of `q` for a statement built from its shape."""
    values: dict[str, Any] = {"now": int(q.now)}
    for number, bound in enumerate(q.bounds):
        values[f"bound{number}_date"] = bound.position.local_date
        values[f"bound{number}_id"] = bound.position.entry_id
    return values


#: Databases whose planners seek on a row-value comparison ``(local_date, entry_id) < (?, ?)``
#: and estimate it well; MariaDB/MySQL range-scan only the expanded form.
ROW_VALUE_DIALECTS = frozenset({"sqlite", "postgresql"})


#: The (local_date, entry_id) columns a listing is ordered and bounded by: the entry's own,
#: or the copy in entry_tags when a tag leads the query (see select_entries).
DateKey = tuple[Any, Any]


def filter_clause(
    tables: Tables, q: EntryQuery, row_values: bool = True, key: DateKey | None = None
) -> ColumnElement[bool]:
    """Every condition of the query except the viewer's access; `row_values` says how to
    write keyset bounds (see ROW_VALUE_DIALECTS), `key` which columns they bound."""
    e = tables.entries
    date, entry_id = key or (e.c.local_date, e.c.entry_id)
    parts: list[ColumnElement[bool]] = [_status_clause(tables, q)]
    if q.categories is not None:
        parts.append(or_(false(), *(category_clause(tables, c, q.recurse) for c in q.categories)))
    if q.category_not:
        parts.append(e.c.category.not_in(q.category_not))
    if q.entry_types is not None:
        parts.append(e.c.entry_type.in_(q.entry_types))
    if q.entry_types_not:
        parts.append(e.c.entry_type.not_in(q.entry_types_not))
    if q.date_range is not None:
        start, end = q.date_range
        parts.append(and_(date >= start, date < end))
    if q.tags:
        parts.append(_tag_clause(tables, q.tags, q.tag_filter))
    parts += [
        _bound_clause(date, entry_id, bound, number, row_values)
        for number, bound in enumerate(q.bounds)
    ]
    parts += _attachment_clauses(tables, q)
    return and_(true(), *parts)


def one_of(column: Any, values: list[Any]) -> ColumnElement[bool]:
    """``column IN (…)`` with one parameter per value: a list parameter is expanded
    again at every execution, which costs more than the query itself."""
    return column.in_([literal(value, column.type) for value in values])


def category_clause(tables: Tables, category: str, recurse: bool) -> ColumnElement[bool]:
    """One category, or (with recurse) it and everything below it."""
    e = tables.entries
    if not recurse:
        return e.c.category == category
    if category == "":
        return true()
    return or_(e.c.category == category, e.c.category.startswith(category + "/", autoescape=True))


def order_by(
    tables: Tables, order: Order, reverse: bool = False, key: DateKey | None = None
) -> list[Any]:
    e = tables.entries
    if order is Order.TITLE:
        keys = [e.c.sort_title, e.c.entry_id]
        return [k.desc() for k in keys] if reverse else keys
    descending = (order is Order.NEWEST) != reverse
    keys = list(key or (e.c.local_date, e.c.entry_id))
    return [k.desc() for k in keys] if descending else [k.asc() for k in keys]


def select_entries(
    tables: Tables,
    access: ColumnElement[bool],
    q: EntryQuery,
    limit: int | None = None,
    reverse: bool = False,
    row_values: bool = True,
) -> Select[Any]:
    """The page query: matching entries under an access condition (which the
    :class:`~octavo.index.queries.Reader` supplies), in order (or reversed).

    A date-ordered listing of one tag is read from entry_tags, which holds each
    entry's date and ID beside the tag: the walk is one range of (tag, date, ID)
    in order, however rare the tag, with no sort."""
    e, t = tables.entries, tables.entry_tags
    if len(q.tags) == 1 and q.tag_filter == "ANY" and q.order is not Order.TITLE:
        key: DateKey = (t.c.local_date, t.c.entry_id)
        rest = replace(q, tags=())
        query = (
            select(e)
            .select_from(t.join(e, e.c.pk == t.c.entry_pk))
            .where(t.c.tag_key == q.tags[0], access, filter_clause(tables, rest, row_values, key))
        )
        return query.order_by(*order_by(tables, q.order, reverse, key)).limit(limit)
    query = select(e).where(access, filter_clause(tables, q, row_values))
    return query.order_by(*order_by(tables, q.order, reverse)).limit(limit)


def _status_clause(tables: Tables, q: EntryQuery) -> ColumnElement[bool]:
    e = tables.entries
    if q.statuses is StatusSet.ALL:
        return true()
    if q.statuses is StatusSet.DELETED:
        return e.c.status == int(Status.GONE)
    # An IN list plus a separate due-date test (rather than one OR over statuses) lets
    # the database walk a date index in order and stop after a page.
    wanted = [int(Status.PUBLISHED), int(Status.SCHEDULED)]
    if q.statuses is StatusSet.WITH_ATTACHMENTS:
        wanted.append(int(Status.ATTACHMENT))
    listed = one_of(e.c.status, wanted)
    if q.future:
        return listed
    now = bindparam("now", int(q.now), type_=BigInteger)
    return and_(listed, or_(e.c.status != int(Status.SCHEDULED), e.c.utc_timestamp <= now))


def _tag_clause(tables: Tables, tags: tuple[str, ...], how: str) -> ColumnElement[bool]:
    # An alias, so the test correlates with the entry alone even inside a query that
    # reads entry_tags itself (category.tags): sharing the table would leave it no FROM.
    e, t = tables.entries, tables.entry_tags.alias("tag_match")

    def tagged(keys: tuple[str, ...]) -> ColumnElement[bool]:
        return exists().where(t.c.entry_pk == e.c.pk, t.c.tag_key.in_(keys))

    if how == "ALL":
        return and_(*(tagged((key,)) for key in tags))
    if how == "NONE":
        return not_(tagged(tags))
    return tagged(tags)


def _bound_clause(
    date_column: Any, id_column: Any, bound: Bound, number: int, row_values: bool
) -> ColumnElement[bool]:
    """A keyset bound on (local_date, entry_id), written so the planner seeks into the
    date indexes: as a row-value comparison where that is a range (SQLite, PostgreSQL;
    SQLite cannot range-scan the OR form with bound parameters, and PostgreSQL
    misestimates it and sorts), else expanded and led by a redundant bound on
    local_date alone. Values are named parameters (see statement_shape)."""
    date = bindparam(f"bound{number}_date", bound.position.local_date, type_=date_column.type)
    entry_id = bindparam(f"bound{number}_id", bound.position.entry_id, type_=id_column.type)
    after = bound.kind in ("first", "after")
    inclusive = bound.kind in ("first", "last")
    if row_values:
        key, value = tuple_(date_column, id_column), tuple_(date, entry_id)
        if after:
            return key >= value if inclusive else key > value
        return key <= value if inclusive else key < value
    if after:
        tie = id_column >= entry_id if inclusive else id_column > entry_id
        return and_(date_column >= date, or_(date_column > date, and_(date_column == date, tie)))
    tie = id_column <= entry_id if inclusive else id_column < entry_id
    return and_(date_column <= date, or_(date_column < date, and_(date_column == date, tie)))


def _attachment_clauses(tables: Tables, q: EntryQuery) -> list[ColumnElement[bool]]:
    e, a = tables.entries, tables.attachments
    clauses: list[ColumnElement[bool]] = []
    if q.attachments_of is not None:
        clauses.append(exists().where(a.c.entry_pk == q.attachments_of, a.c.target_pk == e.c.pk))
    if q.attached_to is not None:
        clauses.append(exists().where(a.c.target_pk == q.attached_to, a.c.entry_pk == e.c.pk))
    if q.has_attachments is not None:
        has = exists().where(a.c.entry_pk == e.c.pk, a.c.target_pk.is_not(None))
        clauses.append(has if q.has_attachments else not_(has))
    if q.is_attached is not None:
        attached = exists().where(a.c.target_pk == e.c.pk)
        clauses.append(attached if q.is_attached else not_(attached))
    return clauses
