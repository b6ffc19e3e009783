"""Keeping the search table in step with the entries a scan writes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, bindparam, func, literal_column, select

from octavo.content.entry import EntryRecord
from octavo.content.plaintext import plain_text
from octavo.content.status import Status
from octavo.content.titles import plain_title
from octavo.index.rows import Row
from octavo.index.schema import Tables
from octavo.index.search_query import fold

#: Only these can ever be a search result; drafts and deleted entries are not indexed.
SEARCHED = frozenset({Status.PUBLISHED, Status.SCHEDULED})
_CHUNK = 500


def search_row(entry_pk: int, record: EntryRecord) -> Row:
    """The searchable text of an entry: plain title, plain body and more, and extra
    words (visible tags, the Summary header)."""
    body = plain_text(f"{record.text.body}\n\n{record.text.more}")
    extra = [t.name for t in record.tags if not t.hidden]
    if record.summary:
        extra.append(plain_text(record.summary))
    return {
        "entry_pk": entry_pk,
        "title": plain_title(record.title),
        "body": body,
        "extra": " ".join(extra),
    }


def write_search(conn: Connection, tables: Tables, records: Sequence[EntryRecord]) -> None:
    """Insert the search rows of these entries (their old rows are already deleted)."""
    wanted = [r for r in records if r.status in SEARCHED]
    e = tables.entries
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start : start + _CHUNK]
        query = select(e.c.file_path, e.c.pk).where(e.c.file_path.in_([r.path for r in part]))
        pks = {path: pk for path, pk in conn.execute(query)}
        insert_search_rows(
            conn, tables, [search_row(pks[r.path], r) for r in part if r.path in pks]
        )


def insert_search_rows(conn: Connection, tables: Tables, rows: list[Row]) -> None:
    """Insert rows made by :func:`search_row` (PostgreSQL computes each one's tsvector)."""
    if not rows:
        return
    s = tables.search
    if conn.dialect.name == "postgresql":
        conn.execute(s.insert().values(document=_weighted_document(tables)), _folded(rows))
    else:
        conn.execute(s.insert(), rows)


def _weighted_document(tables: Tables) -> ColumnElement[Any]:
    """The tsvector of a row: title weighted A, extra words B, text C, from folded text
    (the query is folded the same way, so accents never matter)."""
    config: ColumnElement[Any] = literal_column(f"'{tables.search_language}'::regconfig")

    def part(name: str, weight: str) -> ColumnElement[Any]:
        return func.setweight(
            func.to_tsvector(config, bindparam(f"f_{name}")), literal_column(f"'{weight}'")
        )

    return part("title", "A").op("||")(part("extra", "B")).op("||")(part("body", "C"))


#: The text of one field PostgreSQL makes a tsvector of: a tsvector holds at most 1 MB,
#: and a longer entry was refused (it is searchable by its first part instead).
_TSVECTOR_TEXT = 200_000


def _folded(rows: list[Row]) -> list[Row]:
    return [
        row | {f"f_{name}": fold(row[name])[:_TSVECTOR_TEXT] for name in ("title", "body", "extra")}
        for row in rows
    ]
