"""What a scan records for page caches (index.changes), on SQLite, PostgreSQL and MariaDB:
the tags of exactly what changed, with the content version that changed them."""

from __future__ import annotations

import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from octavo.index import changes
from octavo.index.database import IndexDatabase
from octavo.index.scanner import Scanner

pytestmark = pytest.mark.backends


def scan(db: IndexDatabase, content: Path) -> int:
    Scanner(db, str(content), ZoneInfo("UTC")).update()
    db.forget_cached_pointer()
    state = db.state()
    assert state is not None
    return state.version


def changed_since(db: IndexDatabase, version: int) -> changes.ChangeLog:
    with db.engine.connect() as conn:
        return changes.changed_since(conn, version)


def test_a_build_changes_everything(index_db, content, write):
    write("blog/a.md", "Title: A\nEntry-ID: 1\n\nA")
    version = scan(index_db, content)
    assert changed_since(index_db, 0).changed == {changes.SITE: version}


def test_an_edit_records_the_entry_its_categories_and_tags(index_db, content, write):
    write("blog/deep/a.md", "Title: A\nEntry-ID: 1\nTag: Red\n\nA")
    write("other/b.md", "Title: B\nEntry-ID: 2\n\nB")
    built = scan(index_db, content)
    write("blog/deep/a.md", "Title: A2\nEntry-ID: 1\nTag: Blue\n\nA")
    version = scan(index_db, content)
    assert version > built
    assert changed_since(index_db, built).changed == {
        tag: version
        for tag in (
            "entry:1",
            "cat:",
            "cat:blog",
            "cat:blog/deep",
            "tag:red",
            "tag:blue",
            "path:blog/deep/a.md",
        )
    }


def test_long_tags_stay_distinct_and_are_found_whole(index_db, content, write):
    """Cut to the column's 255 characters, two deep categories were one tag, and a page
    looking up its whole tag never saw the change (a stale page)."""
    one, two = "c" * 150 + "/" + "d" * 110 + "1", "c" * 150 + "/" + "d" * 110 + "2"
    write(f"{one}/a.md", "Title: A\nEntry-ID: 1\n\nA")
    write(f"{two}/b.md", "Title: B\nEntry-ID: 2\n\nB")
    built = scan(index_db, content)
    write(f"{one}/a.md", "Title: A2\nEntry-ID: 1\n\nA")
    version = scan(index_db, content)
    changed = changed_since(index_db, built).changed
    assert changed[changes.stored_tag(f"cat:{one}")] == version
    assert changed[changes.stored_tag(f"path:{one}/a.md")] == version
    assert changes.stored_tag(f"cat:{two}") not in changed
    assert changed[changes.stored_tag("cat:" + "c" * 150)] == version  # short: as it is
    assert changes.stored_tag("cat:" + "c" * 150) == "cat:" + "c" * 150


def test_moves_new_categories_category_files_and_removals(index_db, content, write):
    entry = write("blog/a.md", "Title: A\nEntry-ID: 1\n\nA")
    built = scan(index_db, content)
    write("blog/a.md", "Title: A\nEntry-ID: 1\nCategory: news\n\nA")
    moved = scan(index_db, content)
    log = changed_since(index_db, built).changed
    assert {"cat:blog", "cat:news", changes.CATSET} <= set(log)
    write("news/news.cat", "Name: News\n")
    meta = scan(index_db, content)
    assert changed_since(index_db, moved).changed == {changes.CATMETA: meta}
    entry.unlink()
    gone = scan(index_db, content)
    assert {"entry:1", "cat:news", changes.CATSET} <= set(changed_since(index_db, meta).changed)
    assert changed_since(index_db, gone).changed == {}


def test_old_versions_are_pruned(index_db, content, write, monkeypatch):
    monkeypatch.setattr(changes, "KEEP_VERSIONS", 2)
    write("a.md", "Title: A\nEntry-ID: 1\n\nA")
    scan(index_db, content)
    for n in range(3):
        write("a.md", f"Title: A\nEntry-ID: 1\n\nA{n}")
        last = scan(index_db, content)
    log = changed_since(index_db, 0)
    assert log.floor == last - 2
    assert log.changed["entry:1"] == last


def test_scheduled_entries_and_the_tags_they_touch(index_db, content, write):
    soon = time.time() + 3600
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(soon))
    write("blog/later.md", f"Title: L\nEntry-ID: 7\nDate: {stamp}+00:00\nTag: x\n\nL")
    write("blog/past.md", "Title: P\nEntry-ID: 8\nDate: 2020-01-01\n\nP")
    scan(index_db, content)
    tables = index_db.tables()
    with index_db.engine.connect() as conn:
        found = changes.scheduled_after(conn, tables, time.time())
    assert [(int(s.timestamp), s.tags) for s in found] == [
        (int(soon), frozenset({"entry:7", "cat:", "cat:blog", "tag:x"}))
    ]
