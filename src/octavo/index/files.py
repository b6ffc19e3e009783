"""Who may fetch a content file that is not an entry (an image, an attached file).

A file belongs to the entries that refer to it (``entry_files``); a file no
entry refers to belongs to the entries beside it (the same folder), and a file
with neither is the site's (templates use it: anyone may fetch it). It may be
fetched by whoever may read one of the entries it belongs to, so an image used by
a public entry and a private one is public, and one used only by private
entries follows them. The clause is executed by :mod:`octavo.index.queries`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, not_, or_
from sqlalchemy.sql.elements import ColumnElement

from octavo.index.schema import Tables


def readable_file(
    tables: Tables, path: Any, folder: Any, allowed: ColumnElement[bool]
) -> ColumnElement[bool]:
    """The condition for the file at `path` (in `folder`; columns or values) to be readable,
    `allowed` being the reader's access clause over ``tables.entries``."""
    e, refs = tables.entries, tables.entry_files
    referenced = exists().where(refs.c.path == path)
    by_readable = exists().where(refs.c.path == path, e.c.pk == refs.c.entry_pk, allowed)
    beside = exists().where(e.c.folder == folder)
    beside_readable = exists().where(e.c.folder == folder, allowed)
    return or_(by_readable, and_(not_(referenced), or_(not_(beside), beside_readable)))
