"""Who is reading the index, and the conditions every query shares.

Every entry query applies ``Viewer.access_clause``: an entry with an ``Auth:``
header is never returned for an anonymous visitor. Listings are built in
:mod:`octavo.index.views`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

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


def resolve_alias(conn: Connection, tables: Tables, viewer: Viewer, path: str) -> Row[Any] | None:
    """The alias row for a path; an alias of an entry the viewer may not see is not found."""
    a, e = tables.aliases, tables.entries
    query = (
        select(a, e.c.entry_id)
        .select_from(a.outerjoin(e, e.c.pk == a.c.entry_pk))
        .where(a.c.path == path, or_(a.c.entry_pk.is_(None), viewer.access_clause(tables)))
    )
    return conn.execute(query).first()
