"""The release rule on a shared index (octavo.index.release), on SQLite, PostgreSQL and
MariaDB: the newer content version wins; an older copy writes nothing and its readers
keep the index's version, text included."""

from __future__ import annotations

import logging
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from octavo.content.entry import EntryText
from octavo.index.database import IndexDatabase
from octavo.index.keeper import IndexKeeper
from octavo.index.queries import SITE
from octavo.index.scanner import Scanner
from tests.integration.helpers import entries_by_path


def entry(entry_id: int, title: str) -> str:
    date = f"2024-01-0{entry_id} 10:00:00+00:00"
    return f"Title: {title}\nDate: {date}\nEntry-ID: {entry_id}\n\n{title} body.\n"


@pytest.fixture
def releases(tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of a site: the new release adds c.md, deletes b.md and edits a.md."""
    old, new = tmp_path / "old", tmp_path / "new"
    for folder in (old, new):
        folder.mkdir()
    (old / "a.md").write_text(entry(1, "A"))
    (old / "b.md").write_text(entry(2, "B"))
    (new / "a.md").write_text(entry(1, "A2"))
    (new / "c.md").write_text(entry(3, "C"))
    return old, new


def scanner(db: IndexDatabase, folder: Path, version: float) -> Scanner:
    return Scanner(db, str(folder), ZoneInfo("UTC"), content_version=version)


def texts(db: IndexDatabase) -> dict[str, str]:
    with db.reading(SITE) as reader:
        assert reader is not None
        return {path: text.body for path, _category, text in reader.entry_texts()}


def test_an_older_release_does_not_write_over_a_newer_one(
    index_db: IndexDatabase, releases: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    old, new = releases
    assert scanner(index_db, old, 100).update().changed
    assert texts(index_db) == {"a.md": "A body.", "b.md": "B body."}
    report = scanner(index_db, new, 200).update()
    assert (report.added, report.updated, report.removed) == (1, 1, 1)
    after_new = texts(index_db)
    assert after_new == {"a.md": "A2 body.", "c.md": "C body."}

    (old / "d.md").write_text(entry(4, "D"))  # the old copy changes: still older
    keeper = IndexKeeper(scanner(index_db, old, 100))
    with caplog.at_level(logging.WARNING):
        report = keeper.scan_now(wait=5)
    assert report is not None and not report.changed
    assert report.refused is not None
    assert "version 100, configured content_version) is older than the index's (version 200" in (
        report.refused
    )
    assert report.refused in caplog.text
    assert texts(index_db) == after_new  # nothing rolled back, nothing added
    assert scanner(index_db, old, 100).rebuild().refused is not None
    assert texts(index_db) == after_new

    forced = scanner(index_db, old, 100).update(force=True)
    assert (forced.added, forced.updated, forced.removed) == (2, 1, 1)
    assert texts(index_db) == {"a.md": "A body.", "b.md": "B body.", "d.md": "D body."}


def test_equal_versions_and_the_same_copy_may_write(
    index_db: IndexDatabase, releases: tuple[Path, Path]
) -> None:
    old, new = releases
    scanner(index_db, new, 200).update()
    assert scanner(index_db, old, 200).update().refused is None  # same release elsewhere
    assert set(texts(index_db)) == {"a.md", "b.md"}
    assert scanner(index_db, new, 300).update().refused is None
    assert scanner(index_db, new, 250).update().refused is None  # its own revert
    assert scanner(index_db, old, 249).update().refused is not None


def test_a_texts_row_per_entry_and_long_bodies_whole(
    index_db: IndexDatabase, tmp_path: Path
) -> None:
    """MySQL's TEXT stops at 64 KiB: entry text is LONGTEXT there."""
    body = "word " * 40_000  # 200 KB
    (tmp_path / "long.md").write_text(f"Title: Long\nEntry-ID: 9\n\n{body}\n.....\nMore.\n")
    scanner(index_db, tmp_path, 1).update()
    pk = entries_by_path(index_db)["long.md"].pk
    with index_db.reading(SITE) as reader:
        assert reader is not None
        assert reader.entry_text(pk) == EntryText(body.strip(), "More.")
    (tmp_path / "long.md").unlink()
    scanner(index_db, tmp_path, 1).update()
    with index_db.reading(SITE) as reader:
        assert reader is not None
        assert reader.entry_text(pk) is None
        assert list(reader.entry_texts()) == []
