"""``Scanner.verify``: does the index match the files, without writing (the release gate
and a fresh instance's start-up check), on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import os
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from octavo.index.database import IndexDatabase
from octavo.index.scanner import Scanner


def scanner(db: IndexDatabase, content: Path) -> Scanner:
    return Scanner(db, str(content), ZoneInfo("Europe/Paris"))


def checked_out_again(content: Path) -> None:
    """Every file gets a new mtime, as a fresh checkout of the same commit gives them."""
    later = time.time() + 3600
    for path in content.rglob("*"):
        os.utime(path, (later, later))


def test_a_fresh_checkout_of_the_same_files_matches_and_nothing_is_written(
    index_db, content, write
):
    write("a.md", "Title: A\nEntry-ID: 1\n\nalpha\n")
    write("blog/b.md", "Title: B\nEntry-ID: 2\n\nbeta\n")
    write("blog.cat", "Name: Blog\n")
    assert not scanner(index_db, content).verify().indexed  # nothing built yet
    scanner(index_db, content).update()
    tables = index_db.tables()
    assert tables is not None
    with index_db.engine.connect() as conn:
        before = conn.execute(select(tables.files).order_by(tables.files.c.path)).all()
    checked_out_again(content)
    fresh = scanner(index_db, content)
    result = fresh.verify()
    assert result.matches and result.lines() == [] and result.checked == 3
    report = fresh.update()  # the files it found byte-identical are not read again
    assert (report.unchanged, report.changed) == (3, False)
    with index_db.engine.connect() as conn:
        after = conn.execute(select(tables.files).order_by(tables.files.c.path)).all()
    assert after == before  # nothing written, not even this checkout's mtimes
    write("a.md", "Title: A\nEntry-ID: 1\n\nalpha, edited here\n")
    assert fresh.update().updated == 1  # an edit after the check is still seen


def test_added_changed_and_removed_files_are_named(index_db, content, write):
    write("a.md", "Title: A\nEntry-ID: 1\n\nalpha\n")
    write("b.md", "Title: B\nEntry-ID: 2\n\nbeta\n")
    write("c.md", "Title: C\nEntry-ID: 3\n\ngamma\n")
    scanner(index_db, content).update()
    write("a.md", "Title: A\nEntry-ID: 1\n\nalpha, edited\n")
    (content / "b.md").unlink()
    write("new/d.md", "Title: D\n\ndelta\n")
    write("broken.md", "Title: X\nStatus: maybe\n\nx\n")  # no scan can index it
    result = scanner(index_db, content).verify()
    assert not result.matches
    assert result.lines() == [
        "not in the index: new/d.md",
        "changed since indexed: a.md",
        "removed, still in the index: b.md",
    ]
    assert [p.path for p in result.problems] == ["broken.md"]
    scanner(index_db, content).update()
    assert scanner(index_db, content).verify().matches  # the broken file is no difference
