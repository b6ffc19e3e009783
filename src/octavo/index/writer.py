"""Applying parsed files to one generation of index tables, inside one transaction."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, select, update

from octavo.content.category import CategoryRecord
from octavo.content.entry import EntryRecord
from octavo.content.identity import IdentityClaim
from octavo.content.image_info import ImageRecord
from octavo.content.paths import search_candidates
from octavo.content.problems import Problem, Severity
from octavo.content.status import VISIBLE, Status
from octavo.index.rows import (
    Row,
    acl_table_rows,
    category_row,
    entry_row,
    file_rows,
    image_row,
    tag_rows,
    text_row,
)
from octavo.index.schema import Tables
from octavo.index.search_writer import write_search

_CHUNK = 500


def chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


#: An entry's (Entry-ID, UUID).
Identity = tuple[int, str]


@dataclass(frozen=True, slots=True)
class IndexedEntry:
    """What the scan needs to know about an entry already in the index."""

    pk: int
    claim: IdentityClaim
    identity: Identity
    moved: bool


class IndexWriter:
    """Writes one scan's changes; the caller owns the transaction."""

    def __init__(self, conn: Connection, tables: Tables) -> None:
        self.conn = conn
        self.t = tables

    def existing_entries(self, paths: Sequence[str] | None = None) -> dict[str, IndexedEntry]:
        """Indexed entries (all, or those at `paths`): row key, identity claim, current identity."""
        e = self.t.entries
        query = select(
            e.c.pk,
            e.c.file_path,
            e.c.explicit_id,
            e.c.explicit_uuid,
            e.c.status,
            e.c.entry_id,
            e.c.uuid,
            e.c.identity_moved,
        )
        parts = (
            [query]
            if paths is None
            else [query.where(e.c.file_path.in_(part)) for part in chunks(paths)]
        )
        return {
            row.file_path: IndexedEntry(
                row.pk,
                IdentityClaim(
                    row.file_path, row.explicit_id, row.explicit_uuid, row.status == Status.DRAFT
                ),
                (row.entry_id, row.uuid),
                row.identity_moved,
            )
            for part in parts
            for row in self.conn.execute(part)
        }

    def remove_files(self, paths: Sequence[str]) -> None:
        """Forget files that are gone from the content folder."""
        e = self.t.entries
        for part in chunks(paths):
            pks = list(self.conn.execute(select(e.c.pk).where(e.c.file_path.in_(part))).scalars())
            self._delete_entry_children(pks)
            self.conn.execute(delete(e).where(e.c.file_path.in_(part)))
            self.conn.execute(
                delete(self.t.categories).where(self.t.categories.c.file_path.in_(part))
            )
            self.conn.execute(delete(self.t.images).where(self.t.images.c.path.in_(part)))
            self.conn.execute(delete(self.t.files).where(self.t.files.c.path.in_(part)))

    def write_entries(
        self,
        records: Sequence[tuple[EntryRecord, str]],
        existing: dict[str, IndexedEntry],
        identities: dict[str, tuple[Identity, bool]],
    ) -> None:
        """Upsert changed entries (with their file digests) and their texts, keeping each
        file's row key; `identities` gives each its (identity, moved by the resolver)."""
        e = self.t.entries
        updates, inserts = [], []
        for record, digest in records:
            (entry_id, uuid), moved = identities[record.path]
            row = entry_row(record, entry_id, uuid, moved, digest)
            if record.path in existing:
                updates.append(
                    {"b_pk": existing[record.path].pk} | {f"v_{k}": v for k, v in row.items()}
                )
            else:
                inserts.append(row)
        if updates:
            columns: dict[str, Any] = {k[2:]: bindparam(k) for k in updates[0] if k != "b_pk"}
            self.conn.execute(update(e).where(e.c.pk == bindparam("b_pk")).values(columns), updates)
            self._delete_entry_children([u["b_pk"] for u in updates])
        if inserts:
            self.conn.execute(e.insert(), inserts)
        self._write_children(records)
        write_search(self.conn, self.t, [record for record, _ in records])

    def identities_unsettled(self) -> bool:
        """Whether the resolver must look at the whole site: some ID or UUID is held twice,
        or some entry holds a value other than its natural one (it lost a conflict, which
        the latest changes may have ended). Otherwise every entry already holds exactly
        what the resolver would give it."""
        e = self.t.entries
        twice = [
            select(column).group_by(column).having(func.count() > 1).limit(1)
            for column in (e.c.entry_id, e.c.uuid)
        ]
        moved = select(e.c.pk).where(e.c.identity_moved).limit(1)
        return any(self.conn.execute(query).first() is not None for query in (*twice, moved))

    def set_identities(self, changes: dict[str, tuple[Identity, bool]]) -> None:
        """Move entries to their settled ID and UUID (uniqueness is the resolver's job)."""
        if not changes:
            return
        e = self.t.entries
        self.conn.execute(
            update(e)
            .where(e.c.file_path == bindparam("b_path"))
            .values(
                entry_id=bindparam("b_id"),
                uuid=bindparam("b_uuid"),
                identity_moved=bindparam("b_moved"),
            ),
            [
                {"b_path": path, "b_id": entry_id, "b_uuid": uuid, "b_moved": moved}
                for path, ((entry_id, uuid), moved) in changes.items()
            ],
        )
        t = self.t.entry_tags
        owner = select(e.c.pk).where(e.c.file_path == bindparam("b_path")).scalar_subquery()
        self.conn.execute(
            update(t).where(t.c.entry_pk == owner).values(entry_id=bindparam("b_id")),
            [{"b_path": path, "b_id": entry_id} for path, ((entry_id, _), _) in changes.items()],
        )

    def _write_children(self, records: Sequence[tuple[EntryRecord, str]]) -> None:
        """Each entry's text, tags, `Auth:` rows and referenced files, beside its row
        (same transaction)."""
        e = self.t.entries
        keys: dict[str, tuple[int, int]] = {}
        for part in chunks([r.path for r, _ in records]):
            query = select(e.c.pk, e.c.entry_id, e.c.file_path).where(e.c.file_path.in_(part))
            keys.update((row.file_path, (row.pk, row.entry_id)) for row in self.conn.execute(query))
        texts = [text_row(keys[r.path][0], r, digest) for r, digest in records]
        tags = [row for r, _ in records for row in tag_rows(*keys[r.path], r)]
        acl = [row for r, _ in records for row in acl_table_rows(keys[r.path][0], r)]
        files = [row for r, _ in records for row in file_rows(keys[r.path][0], r)]
        t = self.t
        for table, rows, size in (
            (t.entry_texts, texts, _CHUNK),  # bodies are large: fewer per statement
            (t.entry_tags, tags, 5000),
            (t.entry_acl, acl, 5000),
            (t.entry_files, files, 5000),
        ):
            for part in chunks(rows, size):
                self.conn.execute(table.insert(), list(part))

    def _delete_entry_children(self, pks: Sequence[int]) -> None:
        t = self.t
        for part in chunks(pks):
            for table in (t.entry_tags, t.entry_acl, t.entry_files, t.search, t.entry_texts):
                self.conn.execute(delete(table).where(table.c.entry_pk.in_(part)))

    def write_categories(self, records: Sequence[CategoryRecord]) -> None:
        c = self.t.categories
        for part in chunks([r.path for r in records]):
            self.conn.execute(delete(c).where(c.c.file_path.in_(part)))
        if records:
            self.conn.execute(c.insert(), [category_row(r) for r in records])

    def write_images(self, records: Sequence[tuple[ImageRecord, str]]) -> None:
        i = self.t.images
        for part in chunks([r.path for r, _ in records]):
            self.conn.execute(delete(i).where(i.c.path.in_(part)))
        if records:
            self.conn.execute(i.insert(), [image_row(r, d) for r, d in records])

    def record_files(self, rows: Sequence[Row]) -> None:
        """Remember the fingerprints of the files this scan read successfully."""
        f = self.t.files
        for part in chunks([r["path"] for r in rows]):
            self.conn.execute(delete(f).where(f.c.path.in_(part)))
        for part in chunks(rows, 5000):
            self.conn.execute(f.insert(), list(part))

    def rebuild_derived(self) -> list[Problem]:
        """Recompute the alias and attachment tables from the rows that declare them.

        Both are small and depend on several files at once (two files may claim
        one alias; an attachment names another entry), so recomputing them whole
        is simpler and safer than patching them.
        """
        problems = self._rebuild_aliases()
        problems += self._rebuild_attachments()
        problems += self._category_collisions()
        return problems

    def _rebuild_aliases(self) -> list[Problem]:
        e, c, a = self.t.entries, self.t.categories, self.t.aliases
        claims: list[tuple[str, list[Any], int | None, str | None]] = []
        visible = [int(s) for s in VISIBLE]
        query = select(e.c.pk, e.c.file_path, e.c.aliases).where(
            e.c.aliases.is_not(None), e.c.status.in_(visible)
        )
        claims += [(r.file_path, r.aliases, r.pk, None) for r in self.conn.execute(query)]
        query = select(c.c.file_path, c.c.category, c.c.aliases).where(c.c.aliases.is_not(None))
        claims += [(r.file_path, r.aliases, None, r.category) for r in self.conn.execute(query)]
        owners: dict[str, Row] = {}
        problems: list[Problem] = []
        for source, aliases, pk, category in sorted(claims, key=lambda claim: claim[0]):
            for path, kind, template in aliases or []:
                if path in owners:
                    owner = owners[path]["source_path"]
                    if owner != source:
                        problems.append(
                            _warning(source, f"alias {path} is already used by {owner}")
                        )
                    continue
                owners[path] = {
                    "path": path,
                    "source_path": source,
                    "entry_pk": pk,
                    "category": category,
                    "template": template,
                    "kind": kind,
                }
        self.conn.execute(delete(a))
        if owners:
            self.conn.execute(a.insert(), list(owners.values()))
        return problems

    def _rebuild_attachments(self) -> list[Problem]:
        e, at = self.t.entries, self.t.attachments
        rows = self.conn.execute(
            select(e.c.pk, e.c.file_path, e.c.attach).where(e.c.attach.is_not(None))
        ).all()
        self.conn.execute(delete(at))
        if not rows:
            return []
        by_id = {r.entry_id: r.pk for r in self.conn.execute(select(e.c.entry_id, e.c.pk))}
        by_path = {r.file_path: r.pk for r in self.conn.execute(select(e.c.file_path, e.c.pk))}
        problems, out = [], []
        for row in rows:
            for position, target in enumerate(row.attach):
                target_pk = _resolve_attachment(target, row.file_path, by_id, by_path)
                if target_pk is None:
                    problems.append(_warning(row.file_path, f"Attach target {target!r} not found"))
                out.append(
                    {
                        "entry_pk": row.pk,
                        "position": position,
                        "target": target,
                        "target_pk": target_pk,
                    }
                )
        self.conn.execute(at.insert(), out)
        return problems

    def _category_collisions(self) -> list[Problem]:
        c = self.t.categories
        rows = self.conn.execute(select(c.c.category, c.c.file_path).order_by(c.c.file_path)).all()
        seen: dict[str, str] = {}
        problems = []
        for category, path in rows:
            if category in seen:
                problems.append(
                    _warning(
                        seen[category],
                        f"category {category or '(root)'!r} is also described "
                        f"by {path}, which wins",
                    )
                )
            seen[category] = path
        return problems


def _resolve_attachment(
    target: str, source: str, by_id: dict[int, int], by_path: dict[str, int]
) -> int | None:
    """An attachment names an entry ID, a path relative to the source, or a /-rooted path."""
    if target.strip().isdecimal():  # isdigit() admits '²', which int() refuses
        return by_id.get(int(target))
    candidates = search_candidates(target, (posixpath.dirname(source),))
    return by_path.get(candidates[0]) if candidates else None


def _warning(path: str, message: str) -> Problem:
    return Problem(path, message, severity=Severity.WARNING)
