"""Which release may write a shared index: the newer content wins.

During a deploy, instances of the old and the new release share one index. The index
records the content version (octavo.content.version) of the copy that last wrote it;
a scan of an older version by another copy writes nothing and the instance serves the
index as it is (the newer release's entries, whole, from the index). A copy may always
rewrite what it wrote itself, and ``octavo reindex --force`` overrides. Checked and
recorded under the writer lock; each schema version has its own record, as it has its
own tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from octavo.content.version import ContentVersion
from octavo.index import schema
from octavo.index.database import _read_meta as read_meta
from octavo.index.database import _write_meta as write_meta


@dataclass(frozen=True)
class Release:
    """A content version and the copy of the content (host and folder) it was read from."""

    version: ContentVersion
    origin: str


def may_write(ours: Release, recorded: Release | None) -> bool:
    """The rule: nothing recorded, the same copy, or content at least as new."""
    return (
        recorded is None
        or ours.origin == recorded.origin
        or ours.version.value >= recorded.version.value
    )


def refusal(ours: Release, recorded: Release) -> str:
    """Why a scan wrote nothing, for the logs and the CLI."""
    return (
        f"index not updated: this content (version {ours.version.value:.0f}, "
        f"{ours.version.source}) is older than the index's (version "
        f"{recorded.version.value:.0f}, {recorded.version.source}, written from "
        f"{recorded.origin}); serving the index as it is "
        "('octavo reindex --force' writes it anyway)"
    )


def _keys() -> tuple[str, str, str]:
    version = schema.SCHEMA_VERSION
    return f"release:{version}", f"release_source:{version}", f"release_origin:{version}"


def recorded_release(conn: Connection) -> Release | None:
    value_key, source_key, origin_key = _keys()
    value = read_meta(conn, value_key)
    if value is None:
        return None
    source = read_meta(conn, source_key) or ""
    return Release(ContentVersion(float(value), source), read_meta(conn, origin_key) or "")


def record_release(conn: Connection, ours: Release) -> None:
    value_key, source_key, origin_key = _keys()
    write_meta(conn, value_key, repr(ours.version.value))
    write_meta(conn, source_key, ours.version.source[:255])
    write_meta(conn, origin_key, ours.origin)
