"""The access rule of ``octavo.content.acl`` as SQL, so listings apply it in the query.

An entry is readable when it has no ``Auth:`` header, when the reader is an admin,
or when the last ``entry_acl`` row whose principal the reader holds allows it. A
visitor who is not logged in holds one principal whose answer the scan already
stored in ``entries.public``, so their listings cost what they cost before login.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, not_, or_, true
from sqlalchemy.sql.elements import ColumnElement

from octavo.content.acl import NOT_LOGGED_IN
from octavo.index.schema import Tables


def readable_clause(
    tables: Tables, held: frozenset[str], is_admin: bool = False
) -> ColumnElement[bool]:
    """The SQL condition for the entries a reader holding `held` may read."""
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
        later.c.principal.in_(wanted),
        later.c.position > acl.c.position,
    )
    return exists().where(
        and_(
            acl.c.entry_pk == e.c.pk,
            acl.c.allow.is_(True),
            acl.c.principal.in_(wanted),
            not_(overridden),
        )
    )
