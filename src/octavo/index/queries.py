"""Every read of the index, through one object that knows who is reading.

A :class:`Reader` is built from a connection, a table generation and a
:class:`Viewer`; it has no default viewer, and each method that returns
entries applies ``Viewer.access_clause`` (or, for placeholders, its
negation), so no caller can forget the access rule. Reads made for the site
itself (CLI jobs, image look-ups) pass :data:`SITE` explicitly. Layers above
the index never build SQL: the listing clauses live in
:mod:`octavo.index.views` and are only executed here.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    Select,
    and_,
    bindparam,
    exists,
    func,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.sql.elements import ColumnElement

from octavo.content.acl import NOT_LOGGED_IN
from octavo.content.entry import EntryText
from octavo.content.identity import storable_id
from octavo.content.status import VISIBLE
from octavo.index import search_sql, views
from octavo.index.files import readable_file
from octavo.index.schema import Tables
from octavo.index.search_query import SearchQuery
from octavo.index.views import EntryQuery, Position


@dataclass(frozen=True)
class Viewer:
    """Who is asking: an identity (None when not logged in), the principals it holds for
    the access rule (octavo.content.acl), and whether it is an admin (sees everything)."""

    identity: str | None = None
    is_admin: bool = False
    principals: frozenset[str] = frozenset({NOT_LOGGED_IN})

    def access_clause(self, tables: Tables) -> ColumnElement[bool]:
        """The SQL condition for the entries this viewer may see."""
        return readable_clause(tables, self.principals, self.is_admin)


# -- the access rule (octavo.content.acl) in SQL -----------------------------------------
#
# An entry is readable when it has no `Auth:` header, when the reader is an admin, or when
# the last `entry_acl` row whose principal the reader holds allows it. A visitor who is not
# logged in holds one principal, whose answer the scan already stored in `entries.public`,
# so their listings cost what they cost before login.


@functools.lru_cache(maxsize=256)
def readable_clause(
    tables: Tables, held: frozenset[str], is_admin: bool = False
) -> ColumnElement[bool]:
    """The SQL condition for the entries a reader holding `held` may read (built once
    per generation and reader: building the subqueries costs more than running them)."""
    if is_admin:
        return true()
    e = tables.entries
    if held == {NOT_LOGGED_IN}:
        return e.c.public.is_(True)
    return or_(e.c.auth.is_(None), rule_allows(tables, held))


def rule_allows(tables: Tables, held: frozenset[str]) -> ColumnElement[bool]:
    """Some row held by the reader allows, and no held row comes after it."""
    e, acl = tables.entries, tables.entry_acl
    later = acl.alias("later")
    wanted = sorted(held)
    overridden = exists().where(
        later.c.entry_pk == acl.c.entry_pk,
        views.one_of(later.c.principal, wanted),
        later.c.position > acl.c.position,
    )
    return exists().where(
        and_(
            acl.c.entry_pk == e.c.pk,
            acl.c.allow.is_(True),
            views.one_of(acl.c.principal, wanted),
            not_(overridden),
        )
    )


# Statements are built once per generation, viewer kind and query shape, and run with
# the request's values: building one (and its cache key) costs more than running it.


@functools.lru_cache(maxsize=1024)
def _listing_statement(
    tables: Tables,
    held: frozenset[str],
    is_admin: bool,
    readable: bool,
    shape: EntryQuery,
    limit: int | None,
    reverse: bool,
    row_values: bool,
) -> Select[Any]:
    access = readable_clause(tables, held, is_admin)
    return views.select_entries(
        tables, access if readable else not_(access), shape, limit, reverse, row_values
    )


def _hashable(shape: EntryQuery) -> bool:
    """Whether a query can key the statement cache: a template may pass any value as a
    view argument (a dict, say), and such a query is built afresh."""
    try:
        hash(shape)
    except TypeError:
        return False
    return True


@functools.lru_cache(maxsize=256)
def _entry_statement(
    tables: Tables, held: frozenset[str], is_admin: bool, by_pk: bool
) -> Select[Any]:
    e = tables.entries
    key = e.c.pk if by_pk else e.c.entry_id
    authorized = readable_clause(tables, held, is_admin).label("_authorized")
    return select(e, authorized).where(key == bindparam("key", type_=key.type))


@functools.lru_cache(maxsize=256)
def _entry_text_statement(tables: Tables, held: frozenset[str], is_admin: bool) -> Select[Any]:
    e, t = tables.entries, tables.entry_texts
    return (
        select(t.c.body, t.c.more)
        .select_from(t.join(e, e.c.pk == t.c.entry_pk))
        .where(
            t.c.entry_pk == bindparam("pk", type_=t.c.entry_pk.type),
            readable_clause(tables, held, is_admin),
        )
    )


ANONYMOUS = Viewer()
SITE = Viewer(identity="site:", is_admin=True)


@dataclass(frozen=True)
class Found:
    """An entry found by identity, whatever its access: `authorized` says whether the
    viewer may read it (a page answers 401/403 or shows a placeholder when not)."""

    row: Row[Any]
    authorized: bool


@dataclass(frozen=True)
class TagCount:
    """A tag key, the name entries write it with, and how many entries carry it."""

    key: str
    name: str
    count: int


class Reader:
    """The index as one viewer sees it: every query Octavo makes of a live generation."""

    def __init__(self, conn: Connection, tables: Tables, viewer: Viewer) -> None:
        self.conn = conn
        self.tables = tables
        self.viewer = viewer
        self._row_values = conn.dialect.name in views.ROW_VALUE_DIALECTS

    def _allowed(self) -> ColumnElement[bool]:
        return self.viewer.access_clause(self.tables)

    def _filter(self, q: EntryQuery) -> ColumnElement[bool]:
        return views.filter_clause(self.tables, q, self._row_values)

    # -- single entries ----------------------------------------------------------------

    def entry(self, *, entry_id: int | None = None, pk: int | None = None) -> Found | None:
        """The entry with this ID (or primary key), any status, and whether it is readable."""
        if entry_id is not None and not storable_id(entry_id):
            return None
        v = self.viewer
        query = _entry_statement(self.tables, v.principals, v.is_admin, entry_id is None)
        row = self.conn.execute(query, {"key": entry_id if entry_id is not None else pk}).first()
        return Found(row, bool(row._authorized)) if row is not None else None

    def entry_text(self, pk: int) -> EntryText | None:
        """An entry's body and more as its last good scan read them; None when the viewer
        may not read it (or it is gone)."""
        v = self.viewer
        query = _entry_text_statement(self.tables, v.principals, v.is_admin)
        row = self.conn.execute(query, {"pk": pk}).first()
        return EntryText(row.body, row.more) if row is not None else None

    def entry_texts(self) -> Iterator[tuple[str, str, EntryText]]:
        """(file_path, category, text) of every readable entry, drafts included, streamed
        (a job that looks through every entry's text, such as image prewarming)."""
        e, t = self.tables.entries, self.tables.entry_texts
        query = (
            select(e.c.file_path, e.c.category, t.c.body, t.c.more)
            .select_from(t.join(e, e.c.pk == t.c.entry_pk))
            .where(self._allowed())
            .order_by(e.c.file_path)
        )
        for row in self.conn.execution_options(yield_per=200).execute(query):
            yield row.file_path, row.category, EntryText(row.body, row.more)

    def visible_entry(self, entry_id: int) -> Row[Any] | None:
        """The entry with this ID if it is visible (published, hidden…) and readable."""
        if not storable_id(entry_id):
            return None
        e = self.tables.entries
        query = select(e).where(
            e.c.entry_id == entry_id, e.c.status.in_([int(s) for s in VISIBLE]), self._allowed()
        )
        return self.conn.execute(query).first()

    def entries_at(self, paths: Iterable[str]) -> list[Row[Any]]:
        """The readable entries whose files are at these content paths."""
        wanted = list(paths)
        if not wanted:
            return []
        e = self.tables.entries
        return list(self.conn.execute(select(e).where(e.c.file_path.in_(wanted), self._allowed())))

    def entries_by_id(self, entry_ids: Iterable[int]) -> dict[int, Row[Any]]:
        """The readable entries with these IDs, whatever their status."""
        wanted = list(entry_ids)
        if not wanted:
            return {}
        e = self.tables.entries
        query = select(e).where(e.c.entry_id.in_(wanted), self._allowed())
        return {row.entry_id: row for row in self.conn.execute(query)}

    def position(self, entry_id: int) -> Position | None:
        """Where an entry sits in date order, whatever its status or access: a view's
        bounds may name any entry, and a position carries none of its content."""
        if not storable_id(entry_id):
            return None
        e = self.tables.entries
        query = select(e.c.local_date, e.c.entry_id).where(e.c.entry_id == entry_id)
        row = self.conn.execute(query).first()
        return Position(row.local_date, row.entry_id) if row else None

    def pk(self, entry_id: int) -> int | None:
        """The internal key of an entry ID (attachment filters join on it)."""
        if not storable_id(entry_id):
            return None
        e = self.tables.entries
        found = self.conn.execute(select(e.c.pk).where(e.c.entry_id == entry_id)).scalar()
        return int(found) if found is not None else None

    # -- listings ----------------------------------------------------------------------

    def listing(self, q: EntryQuery, limit: int | None = None, reverse: bool = False) -> list[Any]:
        """A page of readable entries matching `q`, in its order (or reversed)."""
        return self._entries(q, limit, reverse, readable=True)

    def unreadable(self, q: EntryQuery, limit: int | None = None) -> list[Any]:
        """Matching entries the viewer may not read, in order (shown as placeholders)."""
        return self._entries(q, limit, False, readable=False)

    def _entries(
        self, q: EntryQuery, limit: int | None, reverse: bool, readable: bool
    ) -> list[Any]:
        v = self.viewer
        shape = views.statement_shape(q)
        build = _listing_statement if _hashable(shape) else _listing_statement.__wrapped__
        query = build(
            self.tables, v.principals, v.is_admin, readable, shape, limit, reverse, self._row_values
        )
        return list(self.conn.execute(query, views.query_values(q)))

    def has_unreadable(self, q: EntryQuery) -> bool:
        """Whether some matching entry exists that the viewer may not read."""
        e = self.tables.entries
        query = select(e.c.pk).where(not_(self._allowed()), self._filter(q))
        return self.conn.execute(query.limit(1)).first() is not None

    def positions(self, q: EntryQuery) -> list[Row[Any]]:
        """(entry_id, local_date) of every readable match, in order: a listing's pages."""
        e = self.tables.entries
        query = (
            select(e.c.entry_id, e.c.local_date)
            .where(self._allowed(), self._filter(q))
            .order_by(*views.order_by(self.tables, q.order))
        )
        return list(self.conn.execute(query))

    def tag_counts(self, q: EntryQuery) -> list[TagCount]:
        """The visible tags of the readable entries matching `q`, with their counts."""
        e, t = self.tables.entries, self.tables.entry_tags
        query = (
            select(t.c.tag_key, func.min(t.c.name), func.count())
            .select_from(t.join(e, e.c.pk == t.c.entry_pk))
            .where(not_(t.c.hidden), self._allowed(), self._filter(q))
            .group_by(t.c.tag_key)
        )
        return [TagCount(key, name, n) for key, name, n in self.conn.execute(query)]

    def tag_names(self, keys: Iterable[str]) -> dict[str, str]:
        """The name readable visible entries give each of these tag keys: a spelling other
        than the bare key if any (``C++`` over ``c``), the most used, then the newest;
        visible tags before hidden ones. Keys no such entry carries are left out."""
        wanted = list(keys)
        if not wanted:
            return {}
        e, t = self.tables.entries, self.tables.entry_tags
        query = (
            select(t.c.tag_key, t.c.name, t.c.hidden, func.count(), func.max(e.c.local_date))
            .select_from(t.join(e, e.c.pk == t.c.entry_pk))
            .where(
                t.c.tag_key.in_(wanted),
                e.c.status.in_([int(s) for s in VISIBLE]),
                self._allowed(),
            )
            .group_by(t.c.tag_key, t.c.name, t.c.hidden)
        )
        best: dict[str, tuple[Any, str]] = {}
        for key, name, hidden, uses, newest in self.conn.execute(query):
            rank = (not hidden, name != key, uses, newest, name)
            if key not in best or rank > best[key][0]:
                best[key] = (rank, name)
        return {key: name for key, (_rank, name) in best.items()}

    # -- full-text search --------------------------------------------------------------

    def search(
        self, query: SearchQuery, filters: EntryQuery, limit: int, offset: int = 0
    ) -> list[Row[Any]]:
        """Readable entries matching a search, best first, each with its score (`_score`)
        and searchable text (`_search_body`, for a snippet)."""
        built = self._search(query, filters, self._allowed())
        if built is None:
            return []
        return list(self.conn.execute(search_sql.ranked(self.tables, *built, limit, offset)))

    def search_unreadable(
        self, query: SearchQuery, filters: EntryQuery, limit: int | None
    ) -> list[Row[Any]]:
        """Matching entries the viewer may not read, best first (shown as placeholders)."""
        built = self._search(query, filters, not_(self._allowed()))
        if built is None:
            return []
        return list(self.conn.execute(search_sql.ranked(self.tables, *built, limit, 0)))

    def search_count(self, query: SearchQuery, filters: EntryQuery, readable: bool = True) -> int:
        """How many entries match a search: those the viewer may read, or (`readable`
        False) those it may not."""
        access = self._allowed() if readable else not_(self._allowed())
        built = self._search(query, filters, access)
        if built is None:
            return 0
        counted = built[0].with_only_columns(func.count(), maintain_column_froms=False)
        return int(self.conn.execute(counted).scalar() or 0)

    def _search(
        self, query: SearchQuery, filters: EntryQuery, access: ColumnElement[bool]
    ) -> tuple[Any, Any] | None:
        if not query.runnable:
            return None
        dialect = self.conn.dialect.name
        return search_sql.search_select(
            self.tables, dialect, access, query, filters, self._row_values
        )

    # -- categories and aliases --------------------------------------------------------

    def visible_categories(self) -> frozenset[str]:
        """Categories holding at least one visible entry the viewer may read."""
        e = self.tables.entries
        query = (
            select(e.c.category)
            .distinct()
            .where(e.c.status.in_([int(s) for s in VISIBLE]), self._allowed())
        )
        return frozenset(self.conn.execute(query).scalars())

    def category_rows(self) -> list[Row[Any]]:
        """Every category meta file's row, in path order (the last one of a category wins)."""
        c = self.tables.categories
        return list(self.conn.execute(select(c).order_by(c.c.file_path)))

    def alias(self, path: str) -> Row[Any] | None:
        """The alias row for a path; an alias of an entry the viewer may not read is not
        found."""
        a, e = self.tables.aliases, self.tables.entries
        query = (
            select(a, e.c.entry_id)
            .select_from(a.outerjoin(e, e.c.pk == a.c.entry_pk))
            .where(a.c.path == path, or_(a.c.entry_pk.is_(None), self._allowed()))
        )
        return self.conn.execute(query).first()

    def alias_paths(self) -> frozenset[str]:
        """Every alias path of the site (most requests then need no alias query)."""
        return frozenset(self.conn.execute(select(self.tables.aliases.c.path)).scalars())

    # -- files -------------------------------------------------------------------------

    def file_digest(self, path: str, size: int, mtime_ns: int) -> str | None:
        """The content hash the index holds for this very version of a file."""
        f = self.tables.files
        query = select(f.c.digest).where(
            f.c.path == path, f.c.size == size, f.c.mtime_ns == mtime_ns
        )
        return self.conn.execute(query).scalar()

    def file_readable(self, path: str) -> bool:
        """Whether the viewer may fetch the content file at `path` (octavo.index.files)."""
        clause = readable_file(self.tables, path, posixpath.dirname(path), self._allowed())
        return bool(self.conn.execute(select(clause)).scalar())

    def digest_readable(self, digest: str) -> bool:
        """Whether the viewer may fetch some image whose content hash is `digest`."""
        i = self.tables.images
        allowed = readable_file(self.tables, i.c.path, i.c.folder, self._allowed())
        query = select(i.c.path).where(i.c.digest == digest, allowed).limit(1)
        return self.conn.execute(query).first() is not None

    def unreadable_digests(self) -> frozenset[str]:
        """The content hashes of the images the viewer may fetch under no path (for
        ``ANONYMOUS``: the images that only private entries use)."""
        i, same = self.tables.images, self.tables.images.alias("same")
        allowed = self._allowed()
        query = (
            select(i.c.digest)
            .distinct()
            .where(
                not_(readable_file(self.tables, i.c.path, i.c.folder, allowed)),
                not_(
                    exists().where(
                        same.c.digest == i.c.digest,
                        readable_file(self.tables, same.c.path, same.c.folder, allowed),
                    )
                ),
            )
        )
        return frozenset(self.conn.execute(query).scalars())

    def images_at(self, paths: Iterable[str]) -> dict[str, Row[Any]]:
        """The indexed facts of the images at these content paths (width and height after
        EXIF orientation, format, mode, transparency, orientation, content hash)."""
        wanted = list(paths)
        if not wanted:
            return {}
        i = self.tables.images
        query = select(i).where(i.c.path.in_(wanted))
        return {row.path: row for row in self.conn.execute(query)}

    def image_paths(self, digest: str) -> list[str]:
        """The content paths of the images whose content hash is `digest`."""
        i = self.tables.images
        return list(self.conn.execute(select(i.c.path).where(i.c.digest == digest)).scalars())
