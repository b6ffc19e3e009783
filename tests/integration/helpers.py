"""Small readers over the index for assertions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from octavo.index.database import IndexDatabase
from octavo.index.schema import Tables


def live(db: IndexDatabase) -> Tables:
    db.forget_cached_pointer()
    tables = db.tables()
    assert tables is not None, "no live index"
    return tables


def entries_by_path(db: IndexDatabase) -> dict[str, Any]:
    tables = live(db)
    with db.engine.connect() as conn:
        return {row.file_path: row for row in conn.execute(select(tables.entries))}


def table_rows(db: IndexDatabase, name: str) -> list[Any]:
    tables = live(db)
    with db.engine.connect() as conn:
        return list(conn.execute(select(getattr(tables, name))))
