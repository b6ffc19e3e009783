"""What each content version changed, named as dependency tags, so page caches on every
instance invalidate exactly the pages a scan affected.

A scan records its tags in the same transaction that changes the index and bumps the
content version, so a cache never sees an invalidation before (or after) the data it
is about. Tags:

- ``entry:<id>``: the entry itself (its page, anything that shows or links it);
- ``cat:<path>``: listings of the category and of every ancestor (root is ``cat:``);
- ``tag:<key>``: tag names and listings by tag;
- ``path:<file>``: lookups of a content file by path (links to files not yet indexed);
- ``catmeta``, ``catset``, ``aliases``, ``images``: category files, the set of
  categories that exist, path aliases, image files;
- ``site``: everything (a rebuild, identities moved between entries).

A page that made a read nobody named carries ``*`` (:data:`ANY`): any change at all
makes it stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, select

from octavo.content.status import VISIBLE, Status
from octavo.index.database import bump_version, content_version
from octavo.index.schema import Tables, changes_table
from octavo.index.writer import chunks

SITE = "site"
ANY = "*"
CATMETA = "catmeta"
CATSET = "catset"
ALIASES = "aliases"
IMAGES = "images"

#: Versions whose tags are kept; an instance that fell further behind drops everything.
KEEP_VERSIONS = 1000

#: The longest tag stored as it is (the column's size).
_TAG_LENGTH = 255


def stored_tag(tag: str) -> str:
    """A tag as the change log stores it, and as a page's tags are looked up in it. A tag
    longer than the column (a deep category, a long path) is stored as its digest: cut to
    fit, two long tags would be one, and a page's lookup by the whole tag would never
    find the change (a stale page served for good)."""
    if len(tag) <= _TAG_LENGTH:
        return tag
    return "sha256:" + hashlib.sha256(tag.encode()).hexdigest()


def entry_tag(entry_id: int) -> str:
    return f"entry:{entry_id}"


def category_tag(category: str) -> str:
    return f"cat:{category}"


def tag_tag(key: str) -> str:
    return f"tag:{key}"


def path_tag(path: str) -> str:
    return f"path:{path}"


def category_tags(category: str) -> list[str]:
    """The category and its ancestors up to the root: a change in ``a/b`` changes the
    recursive listings of ``a`` and of the whole site."""
    tags = [category_tag("")]
    parts = category.split("/") if category else []
    tags += [category_tag("/".join(parts[: n + 1])) for n in range(len(parts))]
    return tags


def entries_at(conn: Connection, tables: Tables, paths: Sequence[str]) -> set[str]:
    """The tags a change to the entries at `paths` touches, as the index has them now
    (call before and after writing: an entry moving category touches both)."""
    e, t = tables.entries, tables.entry_tags
    found: set[str] = {path_tag(p) for p in paths}
    for part in chunks(paths):
        rows = conn.execute(
            select(e.c.pk, e.c.entry_id, e.c.category, e.c.aliases).where(e.c.file_path.in_(part))
        ).all()
        for row in rows:
            found.add(entry_tag(row.entry_id))
            found.update(category_tags(row.category))
            if row.aliases:
                found.add(ALIASES)
        pks = [row.pk for row in rows]
        if pks:
            keys = conn.execute(select(t.c.tag_key).where(t.c.entry_pk.in_(pks)).distinct())
            found.update(tag_tag(key) for key in keys.scalars())
    return found


def category_set(conn: Connection, tables: Tables) -> frozenset[str]:
    """The categories that exist (hold a visible entry)."""
    e = tables.entries
    query = select(e.c.category).where(e.c.status.in_([int(s) for s in VISIBLE])).distinct()
    return frozenset(conn.execute(query).scalars())


def record(conn: Connection, tags: Iterable[str]) -> int:
    """Bump the content version and record what it changed (inside the writing
    transaction); old versions' rows are pruned. Returns the new version."""
    bump_version(conn)
    version = content_version(conn)
    rows = [{"version": version, "tag": stored_tag(tag)} for tag in sorted(set(tags))]
    for part in chunks(rows, 5000):
        conn.execute(changes_table.insert(), list(part))
    conn.execute(delete(changes_table).where(changes_table.c.version <= version - KEEP_VERSIONS))
    return version


@dataclass(frozen=True)
class ChangeLog:
    """The tags changed after some version: each with the last version that changed it.
    Versions at or below `floor` are unknown (pruned): treat them as changing everything."""

    floor: int
    changed: dict[str, int]


def changed_since(conn: Connection, version: int) -> ChangeLog:
    """Tags changed by versions after `version` (0: all that are kept), as stored:
    look a tag up by :func:`stored_tag`."""
    c = changes_table
    oldest = conn.execute(select(func.min(c.c.version))).scalar()
    rows = conn.execute(
        select(c.c.tag, func.max(c.c.version)).where(c.c.version > version).group_by(c.c.tag)
    )
    return ChangeLog((oldest or 1) - 1, {tag: int(last) for tag, last in rows})


@dataclass(frozen=True)
class Scheduled:
    """A scheduled entry that goes live at `timestamp` (UTC seconds), and the tags its
    arrival in listings touches."""

    timestamp: float
    tags: frozenset[str]


def scheduled_after(conn: Connection, tables: Tables, timestamp: float) -> list[Scheduled]:
    """Scheduled entries going live after `timestamp`, in time order."""
    e, t = tables.entries, tables.entry_tags
    rows = conn.execute(
        select(e.c.pk, e.c.entry_id, e.c.category, e.c.utc_timestamp)
        .where(e.c.status == int(Status.SCHEDULED), e.c.utc_timestamp > timestamp)
        .order_by(e.c.utc_timestamp)
    ).all()
    keys: dict[int, list[str]] = {}
    for part in chunks([row.pk for row in rows]):
        for pk, key in conn.execute(
            select(t.c.entry_pk, t.c.tag_key).where(t.c.entry_pk.in_(part))
        ):
            keys.setdefault(pk, []).append(key)
    return [
        Scheduled(
            float(row.utc_timestamp),
            frozenset(
                [
                    entry_tag(row.entry_id),
                    *category_tags(row.category),
                    *(tag_tag(k) for k in keys.get(row.pk, [])),
                ]
            ),
        )
        for row in rows
    ]
