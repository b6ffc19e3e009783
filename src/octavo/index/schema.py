"""The index schema (SQLAlchemy Core), one table set per generation.

Each full rebuild writes a new generation of tables beside the live one and
then flips a pointer in the ``octavo_meta`` table, so a request never sees a
half-built index. Bump SCHEMA_VERSION whenever a table changes: the next start
rebuilds the index by itself.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects import mysql

from octavo.content import limits
from octavo.index.search_language import DEFAULT as DEFAULT_LANGUAGE
from octavo.index.search_schema import search_table

#: 6: slugs and tag keys as Publ computes them; 7: entry_acl (Auth: rows); 8: entry_files
#: and folders (who may fetch a private entry's images and files); 9: search (full-text);
#: 10: entry_texts; 11: images' mode and orientation; 12: keys compared exactly on
#: MariaDB/MySQL (see key_string).
SCHEMA_VERSION = 12

#: Long enough for real paths, short enough for a MySQL utf8mb4 key; content/limits.py
#: checks every value before it reaches a column.
PATH_LENGTH = limits.PATH


def key_string(length: int) -> String:
    """Text that names something (a path, a tag key, a principal), compared exactly on
    every backend. MariaDB's default collation folds case and accents: `A.md` and
    `a.md`, aliases `/Old` and `/old`, tags `café` and `cafe` would be one key there,
    and the second would be refused (or answer for the first)."""
    binary = mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin")
    return String(length).with_variant(binary, "mysql", "mariadb")


#: An entry's text: MySQL's TEXT stops at 64 KiB, LONGTEXT at 4 GiB.
LONG_TEXT = Text().with_variant(mysql.LONGTEXT(), "mysql", "mariadb")

#: Identities (login URLs, addresses) are keys of the tables below; long enough for real
#: ones, short enough for a MySQL utf8mb4 key.
IDENTITY_LENGTH = limits.IDENTITY

#: Tables that outlive every index generation: the generation pointer, and what visitors
#: leave behind (accounts, the access log, pending logins), which no rebuild may lose.
META = MetaData()
meta_table = Table(
    "octavo_meta",
    META,
    Column("key", String(100), primary_key=True),
    Column("value", String(255), nullable=False),
)
users_table = Table(  # Publ's KnownUser
    "octavo_users",
    META,
    Column("identity", String(IDENTITY_LENGTH), primary_key=True),
    Column("profile", JSON, nullable=False),
    Column("last_login", DateTime),
    Column("last_seen", DateTime, nullable=False, index=True),
    Column("last_token", DateTime),
)
access_log_table = Table(  # Publ's AuthLog: the latest read of each private entry by each user
    "octavo_access_log",
    META,
    Column("entry_id", BigInteger, primary_key=True),
    Column("identity", String(IDENTITY_LENGTH), primary_key=True),
    Column("date", DateTime, nullable=False, index=True),
    Column("user_groups", Text, nullable=False),
    Column("authorized", Boolean, nullable=False),
)
changes_table = Table(  # what each content version changed, for page caches (index.changes)
    "octavo_changes",
    META,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("version", Integer, nullable=False, index=True),
    Column("tag", String(255), nullable=False),
)
pending_logins_table = Table(  # Authl's token store: logins in progress (magic links, OAuth)
    "octavo_pending_logins",
    META,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("created", DateTime, nullable=False, index=True),
)


@dataclass(frozen=True)
class Tables:
    """The tables of one index generation."""

    prefix: str
    metadata: MetaData
    files: Table
    entries: Table
    entry_tags: Table
    aliases: Table
    attachments: Table
    categories: Table
    images: Table
    entry_acl: Table
    entry_files: Table
    search: Table
    #: The stemming language of `search` (see octavo.index.search_language).
    search_language: str
    entry_texts: Table


def generation_prefix(generation: int, version: int | None = None) -> str:
    """Table-name prefix of a generation; the schema version (this code's unless given)
    is part of it."""
    return f"o{SCHEMA_VERSION if version is None else version}g{generation}_"


def build_tables(generation: int, search_language: str = DEFAULT_LANGUAGE) -> Tables:
    """Describe (not create) the tables of one generation. Built once per generation
    (and schema version): readers re-read the live pointer every second, and a new
    description each time would also defeat SQLAlchemy's cache of compiled statements."""
    return _describe(SCHEMA_VERSION, generation, search_language)


@functools.lru_cache(maxsize=16)
def _describe(version: int, generation: int, search_language: str) -> Tables:
    prefix = generation_prefix(generation, version)
    md = MetaData()

    def path_column(name: str, **kw: object) -> Column:
        return Column(name, key_string(PATH_LENGTH), **kw)  # type: ignore[arg-type]

    files = Table(
        f"{prefix}files",
        md,
        path_column("path", primary_key=True),
        Column("kind", String(16), nullable=False),
        Column("size", BigInteger, nullable=False),
        Column("mtime_ns", BigInteger, nullable=False),
        Column("digest", String(32), nullable=False),
    )
    entries = Table(
        f"{prefix}entries",
        md,
        Column("pk", Integer, primary_key=True, autoincrement=True),
        # Unique by construction (the identity resolver), not by constraint: a scan writes
        # provisional values and settles them at the end, which keeps it streaming.
        Column("entry_id", BigInteger, nullable=False, index=True),
        path_column("file_path", nullable=False, unique=True),
        # The file's folder: the images beside an entry follow its access (octavo.index.files).
        path_column("folder", nullable=False, index=True),
        path_column("category", nullable=False),
        Column("status", SmallInteger, nullable=False),
        # Readable by a visitor who is not logged in (no `Auth:`, or a rule that allows it).
        Column("public", Boolean, nullable=False),
        Column("utc_timestamp", BigInteger, nullable=False),
        Column("local_date", DateTime, nullable=False),
        Column("display_date", String(64), nullable=False),
        Column("last_modified", String(64), nullable=False),
        Column("date_is_fallback", Boolean, nullable=False),
        Column("uuid", String(36), nullable=False, index=True),
        Column("explicit_id", BigInteger),
        # True when the resolver gave this entry something other than its natural identity
        # (a lost conflict): only then can a later change move it again.
        Column("identity_moved", Boolean, nullable=False),
        Column("explicit_uuid", String(36)),
        Column("title", Text, nullable=False),
        Column(
            "sort_title", String(200), nullable=False
        ),  # (category, sort_title) fits a MySQL key
        Column("slug_text", Text, nullable=False),
        Column("entry_type", key_string(limits.NAME), nullable=False),
        Column("redirect_url", Text),
        Column("entry_template", String(limits.NAME)),
        Column("summary", Text),
        Column("content_type", String(limits.NAME)),
        Column("canonical_path", Text),
        Column("auth", Text),
        Column("headers", JSON, nullable=False),
        Column("digest", String(32), nullable=False),  # of the file bytes: keys render caches
        # The sources of the derived aliases and attachments tables; NULL when empty.
        Column("aliases", JSON(none_as_null=True)),
        Column("attach", JSON(none_as_null=True)),
    )
    # Listings walk one of these in order and stop after a page (keyset pagination):
    # by date for the whole site or a category subtree, by (category, date) for one
    # category, and the same two by title.
    Index(f"{prefix}ix_date", entries.c.local_date, entries.c.entry_id)
    Index(f"{prefix}ix_cat_date", entries.c.category, entries.c.local_date, entries.c.entry_id)
    Index(f"{prefix}ix_title", entries.c.sort_title, entries.c.entry_id)
    Index(f"{prefix}ix_cat_title", entries.c.category, entries.c.sort_title, entries.c.entry_id)
    entry_tags = Table(
        f"{prefix}entry_tags",
        md,
        Column("entry_pk", Integer, primary_key=True),
        Column("tag_key", key_string(limits.NAME), primary_key=True),
        Column("name", String(limits.NAME), nullable=False),
        Column("hidden", Boolean, nullable=False),
        # The entry's listing order, copied here so a tag page walks one index range in
        # order (tag, date, ID) instead of probing every entry of the site for the tag.
        Column("local_date", DateTime, nullable=False),
        Column("entry_id", BigInteger, nullable=False),
    )
    Index(
        f"{prefix}ix_tag_date",
        entry_tags.c.tag_key,
        entry_tags.c.local_date,
        entry_tags.c.entry_id,
    )
    aliases = Table(
        f"{prefix}aliases",
        md,
        path_column("path", primary_key=True),
        path_column("source_path", nullable=False),
        Column("entry_pk", Integer),
        path_column("category"),
        Column("template", String(limits.NAME)),
        Column("kind", SmallInteger, nullable=False),
    )
    Index(f"{prefix}ix_alias_source", aliases.c.source_path)
    attachments = Table(
        f"{prefix}attachments",
        md,
        Column("entry_pk", Integer, primary_key=True),
        Column("position", SmallInteger, primary_key=True),
        Column("target", Text, nullable=False),
        Column("target_pk", Integer),
    )
    categories = Table(  # several meta files may claim one category: the last path wins
        f"{prefix}categories",
        md,
        path_column("file_path", primary_key=True),
        path_column("category", nullable=False, index=True),
        Column("name", Text, nullable=False),
        Column("sort_name", String(255), nullable=False),
        Column("index_template", String(limits.NAME)),
        Column("entry_template", String(limits.NAME)),
        Column("description", Text, nullable=False),
        Column("headers", JSON, nullable=False),
        Column("aliases", JSON(none_as_null=True)),
    )
    images = Table(
        f"{prefix}images",
        md,
        path_column("path", primary_key=True),
        path_column("folder", nullable=False),
        Column("digest", String(32), nullable=False),
        Column("width", Integer),
        Column("height", Integer),
        Column("format", String(16)),
        Column("transparent", Boolean),
        # With the size after EXIF orientation, all a rendition's name and URL need, so an
        # instance links the renditions of an image its own files lack (issue 16).
        Column("mode", String(16)),
        Column("orientation", SmallInteger),
    )
    # A rendition URL names its source by content hash: found by it when a file moved.
    Index(f"{prefix}ix_image_digest", images.c.digest)
    # An entry's `Auth:` header as rows (octavo.content.acl): the rightmost row whose
    # principal the reader holds decides, so a listing evaluates the rule in SQL.
    entry_acl = Table(
        f"{prefix}entry_acl",
        md,
        Column("entry_pk", Integer, primary_key=True),
        Column("position", SmallInteger, primary_key=True),
        Column("principal", key_string(limits.NAME), primary_key=True),
        Column("allow", Boolean, nullable=False),
    )
    # The local files each entry refers to (octavo.content.references), every folder the
    # reference may mean: a file only private entries use is served only to their readers.
    entry_files = Table(
        f"{prefix}entry_files",
        md,
        Column("entry_pk", Integer, primary_key=True),
        path_column("path", primary_key=True),
    )
    Index(f"{prefix}ix_entry_file_path", entry_files.c.path)
    # Each entry's text as the scan read it (its headers are `entries.headers`): pages
    # render from here, never from the content folder, so any instance can serve any
    # indexed entry, and a file broken or gone since its last good scan keeps serving.
    # Apart from `entries` so that listings do not carry every body along.
    entry_texts = Table(
        f"{prefix}entry_texts",
        md,
        Column("entry_pk", Integer, primary_key=True),
        Column("digest", String(32), nullable=False),  # the file's, as in `entries`
        Column("body", LONG_TEXT, nullable=False),
        Column("more", LONG_TEXT, nullable=False),
    )
    return Tables(
        prefix,
        md,
        files,
        entries,
        entry_tags,
        aliases,
        attachments,
        categories,
        images,
        entry_acl,
        entry_files,
        search_table(md, prefix, search_language),
        search_language,
        entry_texts,
    )
