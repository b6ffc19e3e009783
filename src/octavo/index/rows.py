"""Plain records turned into table rows (and back into identity claims)."""

from __future__ import annotations

import posixpath
from typing import Any

from octavo.content.acl import acl_rows, readable_anonymously
from octavo.content.aliases import Alias
from octavo.content.category import CategoryRecord
from octavo.content.entry import EntryRecord
from octavo.content.image_info import ImageRecord
from octavo.content.paths import file_kind, search_candidates
from octavo.content.status import Status
from octavo.index.schema import PATH_LENGTH

Row = dict[str, Any]


def entry_row(
    record: EntryRecord, entry_id: int, uuid: str, identity_moved: bool, digest: str
) -> Row:
    return {
        "digest": digest,
        "identity_moved": identity_moved,
        "entry_id": entry_id,
        "file_path": record.path,
        "folder": posixpath.dirname(record.path),
        "category": record.category,
        "status": int(record.status),
        "public": readable_anonymously(record.auth),
        "utc_timestamp": record.date.utc_timestamp,
        "local_date": record.date.local,
        "display_date": record.date.display,
        "last_modified": record.last_modified.display,
        "date_is_fallback": record.date_is_fallback,
        "uuid": uuid,
        "explicit_id": record.explicit_id,
        "explicit_uuid": record.explicit_uuid,
        "title": record.title,
        "sort_title": record.sort_title[:200],
        "slug_text": record.slug_text,
        "entry_type": record.entry_type,
        "redirect_url": record.redirect_url,
        "entry_template": record.entry_template,
        "summary": record.summary,
        "content_type": record.content_type,
        "canonical_path": record.canonical_path,
        "auth": record.auth,
        "headers": [list(pair) for pair in record.headers],
        "aliases": aliases_json(record.aliases)
        if record.status != Status.DRAFT and record.aliases
        else None,
        "attach": record.attach or None,
    }


def text_row(entry_pk: int, record: EntryRecord, digest: str) -> Row:
    return {
        "entry_pk": entry_pk,
        "digest": digest,
        "body": record.text.body,
        "more": record.text.more,
    }


def tag_rows(entry_pk: int, entry_id: int, record: EntryRecord) -> list[Row]:
    return [
        {
            "entry_pk": entry_pk,
            "tag_key": t.key,
            "name": t.name,
            "hidden": t.hidden,
            "local_date": record.date.local,
            "entry_id": entry_id,
        }
        for t in record.tags
    ]


def acl_table_rows(entry_pk: int, record: EntryRecord) -> list[Row]:
    return [
        {
            "entry_pk": entry_pk,
            "position": r.position,
            "principal": r.principal,
            "allow": r.allow,
        }
        for r in acl_rows(record.auth)
    ]


def file_rows(entry_pk: int, record: EntryRecord) -> list[Row]:
    """The content files an entry's references may mean: each in the entry's folder and
    in its category's (the order links and images are looked up in), entry and category
    files left out, and paths no content file can have (too long, or with a NUL, which
    ``%00`` in a link decodes to)."""
    folders = (posixpath.dirname(record.path), record.category)
    paths = {
        path
        for reference in record.references
        for path in search_candidates(reference, folders)
        if len(path) <= PATH_LENGTH
        and "\0" not in path
        and file_kind(path) not in ("entry", "category")
    }
    return [{"entry_pk": entry_pk, "path": path} for path in sorted(paths)]


def category_row(record: CategoryRecord) -> Row:
    return {
        "file_path": record.path,
        "folder": posixpath.dirname(record.path),
        "category": record.category,
        "name": record.name,
        "sort_name": record.sort_name[:255],
        "index_template": record.index_template,
        "entry_template": record.entry_template,
        "description": record.description,
        "headers": [list(pair) for pair in record.headers],
        "aliases": aliases_json(record.aliases) or None,
    }


def image_row(record: ImageRecord, digest: str) -> Row:
    return {
        "path": record.path,
        "folder": posixpath.dirname(record.path),
        "digest": digest,
        "width": record.width,
        "height": record.height,
        "format": record.format,
        "transparent": record.transparent,
        "mode": record.mode,
        "orientation": record.orientation,
    }


def aliases_json(aliases: list[Alias]) -> list[list[Any]]:
    return [[a.path, int(a.kind), a.template] for a in aliases]
