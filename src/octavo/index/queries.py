"""Reading the index. Every query starts from :func:`entries_for`, which applies the
viewer's access, so no caller can forget it: an entry with an ``Auth:`` header is
never returned for an anonymous visitor.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, Select, and_, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from octavo.content.status import Status
from octavo.index.schema import Tables


@dataclass(frozen=True)
class Viewer:
    """Who is asking. Login arrives with the auth layer; until then there are two
    viewers: the anonymous visitor, and the site itself (CLI tools, admin jobs)."""

    identity: str | None = None
    is_admin: bool = False

    def access_clause(self, tables: Tables) -> ColumnElement[bool]:
        """The SQL condition for the entries this viewer may see."""
        if self.is_admin:
            return true()
        return tables.entries.c.public.is_(True)


ANONYMOUS = Viewer()
SITE = Viewer(identity="site:", is_admin=True)


def entries_for(tables: Tables, viewer: Viewer, *columns: Any) -> Select[Any]:
    """SELECT over entries (all columns by default), already limited to what viewer may see."""
    e = tables.entries
    return select(*(columns or (e,))).where(viewer.access_clause(tables))


def listed_clause(tables: Tables, now: float | None = None) -> ColumnElement[bool]:
    """Entries that appear in ordinary listings: published, or scheduled and due."""
    e = tables.entries
    moment = int(time.time() if now is None else now)
    return or_(
        e.c.status == int(Status.PUBLISHED),
        and_(e.c.status == int(Status.SCHEDULED), e.c.utc_timestamp <= moment),
    )


def category_clause(tables: Tables, category: str, recurse: bool) -> ColumnElement[bool]:
    e = tables.entries
    if not recurse:
        return e.c.category == category
    if category == "":
        return true()
    return or_(e.c.category == category, e.c.category.startswith(category + "/", autoescape=True))


def get_entry(conn: Connection, tables: Tables, viewer: Viewer, entry_id: int) -> Row[Any] | None:
    """One entry by ID, whatever its status (the caller maps status to HTTP)."""
    query = entries_for(tables, viewer).where(tables.entries.c.entry_id == entry_id)
    return conn.execute(query).first()


def list_entries(
    conn: Connection,
    tables: Tables,
    viewer: Viewer,
    category: str = "",
    recurse: bool = False,
    limit: int | None = None,
) -> list[Row[Any]]:
    """Listed entries of a category, newest first (ties broken by ID, as Publ does)."""
    e = tables.entries
    query = (
        entries_for(tables, viewer)
        .where(listed_clause(tables), category_clause(tables, category, recurse))
        .order_by(e.c.local_date.desc(), e.c.entry_id.desc())
        .limit(limit)
    )
    return list(conn.execute(query))


def resolve_alias(conn: Connection, tables: Tables, viewer: Viewer, path: str) -> Row[Any] | None:
    """The alias row for a path; an alias of an entry the viewer may not see is not found."""
    a, e = tables.aliases, tables.entries
    query = (
        select(a, e.c.entry_id)
        .select_from(a.outerjoin(e, e.c.pk == a.c.entry_pk))
        .where(a.c.path == path, or_(a.c.entry_pk.is_(None), viewer.access_clause(tables)))
    )
    return conn.execute(query).first()


def attachments_of(
    conn: Connection, tables: Tables, viewer: Viewer, entry_id: int
) -> list[Row[Any]]:
    """The entries attached to one entry, in `Sort-Title` order, limited to what viewer may see."""
    e, at = tables.entries, tables.attachments
    owner = entries_for(tables, viewer, e.c.pk).where(e.c.entry_id == entry_id).scalar_subquery()
    query = (
        entries_for(tables, viewer)
        .join(at, at.c.target_pk == e.c.pk)
        .where(at.c.entry_pk == owner)
        .order_by(e.c.sort_title, e.c.entry_id)
    )
    return list(conn.execute(query))


def entry_tags(conn: Connection, tables: Tables, entry_pk: int) -> list[Row[Any]]:
    """Tags of one entry (visible and hidden), in key order."""
    t = tables.entry_tags
    return list(conn.execute(select(t).where(t.c.entry_pk == entry_pk).order_by(t.c.tag_key)))
