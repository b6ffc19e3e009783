"""The full-text search table of one index generation, and each database's index on it.

One row per searchable entry (published or scheduled): its plain title, plain body
(with `more`) and extra words (tags, summary). Results pages read their snippets
from it. The text index itself is whatever the database offers:

* SQLite: an FTS5 table with external content (this table), filled in one pass once a
  generation's rows are in, then kept in sync by triggers (see :func:`deferred_index_ddl`);
* PostgreSQL: a weighted ``tsvector`` column with a GIN index (built when a
  generation's rows are in, see :func:`deferred_index_ddl`);
* MariaDB/MySQL: ``FULLTEXT`` indexes on all the text and on the title alone.

All of it is created and dropped with the generation's other tables.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import DDL, Column, Integer, MetaData, Table, Text, event
from sqlalchemy.dialects.mysql import MEDIUMTEXT
from sqlalchemy.dialects.postgresql import TSVECTOR

from octavo.index.search_language import sqlite_tokenizer

if TYPE_CHECKING:
    from octavo.index.schema import Tables

#: The text columns, in the order FTS5 and the ranking weights name them.
TEXT_COLUMNS = ("title", "body", "extra")


def fts_name(prefix: str) -> str:
    """SQLite's FTS5 table for a generation."""
    return f"{prefix}search_fts"


def search_table(md: MetaData, prefix: str, language: str) -> Table:
    """Describe the search table and attach the DDL of its text index."""
    # MariaDB compares accent- and case-insensitively with this collation, so its
    # FULLTEXT index folds accents as the other backends do.
    text = Text().with_variant(MEDIUMTEXT(collation="utf8mb4_unicode_ci"), "mysql", "mariadb")
    table = Table(
        f"{prefix}search",
        md,
        Column("entry_pk", Integer, primary_key=True, autoincrement=False),
        *(Column(name, text, nullable=False) for name in TEXT_COLUMNS),
        Column("document", Text().with_variant(TSVECTOR(), "postgresql")),
    )
    event.listen(
        table, "after_create", DDL(_sqlite_fts_ddl(prefix, language)).execute_if(dialect="sqlite")
    )
    event.listen(
        table,
        "before_create",
        DDL(f"DROP TABLE IF EXISTS {fts_name(prefix)}").execute_if(dialect="sqlite"),
    )
    event.listen(
        table,
        "after_create",
        DDL(
            f"ALTER TABLE {prefix}search "
            f"ADD FULLTEXT INDEX {prefix}ix_search_all (title, body, extra), "
            f"ADD FULLTEXT INDEX {prefix}ix_search_title (title)"
        ).execute_if(dialect="mysql"),
    )
    return table


def deferred_index_ddl(tables: Tables, dialect: str) -> list[str]:
    """Text indexes built once a generation's rows are in (several times faster than
    growing them row by row): PostgreSQL's GIN index; SQLite's FTS5 table rebuilt from
    its content in one pass, and only then the triggers that keep it in step with later
    (incremental) scans. Idempotent."""
    prefix = tables.prefix
    if dialect == "sqlite":
        return _sqlite_sync_ddl(prefix)
    if dialect != "postgresql":
        return []
    return [
        f"CREATE INDEX IF NOT EXISTS {prefix}ix_search_document "
        f"ON {prefix}search USING gin (document)"
    ]


def _sqlite_fts_ddl(prefix: str, language: str) -> str:
    """The FTS5 table over the search table (empty until :func:`_sqlite_sync_ddl`)."""
    columns = ", ".join(TEXT_COLUMNS)
    return (
        f"CREATE VIRTUAL TABLE {fts_name(prefix)} USING fts5({columns}, "
        f"content='{prefix}search', content_rowid='entry_pk', "
        f"tokenize='{sqlite_tokenizer(language)}')"
    )


def _sqlite_sync_ddl(prefix: str) -> list[str]:
    """Fill the FTS5 table from its content, then keep it in step by triggers."""
    fts, content = fts_name(prefix), f"{prefix}search"
    columns = ", ".join(TEXT_COLUMNS)
    new = ", ".join(f"new.{c}" for c in TEXT_COLUMNS)
    old = ", ".join(f"old.{c}" for c in TEXT_COLUMNS)
    insert = f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.entry_pk, {new});"
    delete = f"INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.entry_pk, {old});"
    trigger = f"CREATE TRIGGER IF NOT EXISTS {prefix}search_a"
    return [
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
        f"{trigger}i AFTER INSERT ON {content} BEGIN {insert} END",
        f"{trigger}d AFTER DELETE ON {content} BEGIN {delete} END",
        f"{trigger}u AFTER UPDATE ON {content} BEGIN {delete} {insert} END",
    ]
