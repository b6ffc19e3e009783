"""Scanning content into the index, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, select

from octavo.content.entry import EntryText
from octavo.content.identity import derived_id, derived_uuid
from octavo.content.status import Status
from octavo.index import scanner as scanner_module
from octavo.index.database import IndexDatabase
from octavo.index.lock import LockBusy, writer_lock
from octavo.index.scanner import Scanner
from tests.integration.helpers import entries_by_path, live, table_rows

PARIS = ZoneInfo("Europe/Paris")


def make_scanner(db: IndexDatabase, content: Path, **kw: object) -> Scanner:
    return Scanner(db, str(content), PARIS, **kw)  # type: ignore[arg-type]


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_every_interpreted_header_is_indexed(index_db, content, write):
    write(
        "blog/full.md",
        """\
        Title: A *full* entry
        Sort-Title: Aardvark
        Date: 2020-05-04 13:14:15-07:00
        Last-Modified: 2021-01-02 03:04:05+01:00
        Entry-ID: 42
        UUID: 12345678-1234-5678-1234-567812345678
        Category: /elsewhere//deep/
        Status: published
        Slug-Text: Custom slug!
        Redirect-To: https://example.com/x
        Entry-Type: note
        Entry-Template: special
        Path-Alias: /old/full.php
        Path-Alias: /older%20path archive
        Path-Mount: /mounted
        Path-Canonical: /canonical/full
        Tag: Python
        Tag: python
        Hidden-Tag: Secret Stuff
        Attach: other.md
        Summary: A summary
        Content-Type: text/plain
        Author: Someone

        Body.
        .....
        More.
        """,
    )
    write("blog/other.md", "Title: Other\nDate: 2020-01-01\nEntry-ID: 7\n\nx\n")
    report = make_scanner(index_db, content).update()
    assert report.problems == []
    row = entries_by_path(index_db)["blog/full.md"]
    assert row.title == "A *full* entry"
    assert row.sort_title == "Aardvark"
    assert row.display_date == "2020-05-04T13:14:15-07:00"
    assert row.local_date == dt.datetime(2020, 5, 4, 13, 14, 15)
    assert row.utc_timestamp == int(dt.datetime(2020, 5, 4, 20, 14, 15, tzinfo=dt.UTC).timestamp())
    assert row.last_modified == "2021-01-02T03:04:05+01:00"
    assert (row.entry_id, row.uuid) == (42, "12345678-1234-5678-1234-567812345678")
    assert row.category == "elsewhere/deep"
    assert row.status == Status.PUBLISHED
    assert row.slug_text == "Custom-slug"
    assert row.redirect_url == "https://example.com/x"
    assert (row.entry_type, row.entry_template) == ("note", "special")
    assert row.canonical_path == "/canonical/full"
    assert (row.summary, row.content_type) == ("A summary", "text/plain")
    assert ["Author", "Someone"] in row.headers
    assert row.public is True and row.auth is None
    aliases = {a.path: (a.kind, a.template, a.entry_pk) for a in table_rows(index_db, "aliases")}
    assert aliases == {
        "/old/full.php": (0, None, row.pk),
        "/older path": (0, "archive", row.pk),
        "/mounted": (1, None, row.pk),
        "/canonical/full": (1, None, row.pk),
    }
    tags = {(t.tag_key, t.name, t.hidden) for t in table_rows(index_db, "entry_tags")}
    assert tags == {("python", "Python", False), ("secret-stuff", "Secret Stuff", True)}
    other = entries_by_path(index_db)["blog/other.md"]
    [attachment] = table_rows(index_db, "attachments")
    assert (attachment.entry_pk, attachment.target_pk) == (row.pk, other.pk)


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("DRAFT", Status.DRAFT),
        ("hidden", Status.HIDDEN),
        ("Unlisted", Status.HIDDEN),
        ("PUBLISHED", Status.PUBLISHED),
        ("scheduled", Status.SCHEDULED),
        ("GONE", Status.GONE),
        ("deleted", Status.GONE),
        ("ILLEGAL", Status.ILLEGAL),
        ("burnt", Status.ILLEGAL),
        ("BURNED", Status.ILLEGAL),
        ("dmca", Status.ILLEGAL),
        ("TEAPOT", Status.TEAPOT),
        ("attachment", Status.ATTACHMENT),
        ("ATTACH", Status.ATTACHMENT),
    ],
)
def test_status_values(index_db, content, write, value, status):
    write("e.md", f"Title: e\nDate: 2020-01-01\nStatus: {value}\n\nbody\n")
    make_scanner(index_db, content).update()
    assert entries_by_path(index_db)["e.md"].status == status


def test_naive_date_is_in_site_timezone_and_missing_date_uses_file_time(index_db, content, write):
    write("naive.md", "Title: n\nDate: 2020-07-01 12:00\n\nx\n")
    undated = write("undated.md", "Title: u\n\nx\n")
    os.utime(undated, (1_600_000_000, 1_600_000_000))
    make_scanner(index_db, content).update()
    rows = entries_by_path(index_db)
    assert rows["naive.md"].display_date == "2020-07-01T12:00:00+02:00"  # Paris, summer
    assert rows["naive.md"].local_date == dt.datetime(2020, 7, 1, 12, 0)
    assert rows["undated.md"].utc_timestamp == 1_600_000_000
    assert rows["undated.md"].date_is_fallback is True
    assert rows["naive.md"].date_is_fallback is False


def test_categories_meta_files_and_images(index_db, content, write):
    write("_root.cat", "Name: My Site\n\nWelcome.\n")
    write("blog/travel_notes/_.cat", "Sort-Name: zzz\nPath-Alias: /trips\n")
    write("blog/empty.meta", "")
    from PIL import Image

    (content / "blog").mkdir(exist_ok=True)
    Image.new("RGBA", (30, 20), (1, 2, 3, 0)).save(content / "blog" / "pic.png")
    report = make_scanner(index_db, content).update()
    assert report.problems == []
    cats = {c.category: c for c in table_rows(index_db, "categories")}
    assert cats[""].name == "My Site" and cats[""].description == "Welcome."
    assert cats["blog/travel_notes"].name == "Travel Notes"
    assert cats["blog/travel_notes"].sort_name == "zzz"
    assert cats["blog"].name == "Blog"
    [alias] = table_rows(index_db, "aliases")
    assert (alias.path, alias.category, alias.entry_pk) == ("/trips", "blog/travel_notes", None)
    [image] = table_rows(index_db, "images")
    assert (image.path, image.width, image.height, image.transparent) == (
        "blog/pic.png",
        30,
        20,
        True,
    )


def test_incremental_scan_adds_updates_removes_and_ignores_touches(index_db, content, write):
    a = write("a.md", "Title: A\nDate: 2020-01-01\nEntry-ID: 1\n\nx\n")
    write("b.md", "Title: B\nDate: 2020-01-02\nEntry-ID: 2\nTag: one\n\nx\n")
    scanner = make_scanner(index_db, content)
    first = scanner.update()
    assert (first.added, first.rebuilt) == (2, True)
    pk_before = entries_by_path(index_db)["b.md"].pk

    write("b.md", "Title: B2\nDate: 2020-01-02\nEntry-ID: 2\nTag: two\n\nx\n")
    write("c.md", "Title: C\nDate: 2020-01-03\nEntry-ID: 3\n\nx\n")
    os.utime(a)  # touched, same bytes
    (content / "gone.md").write_text("Title: temp\n\nx\n")
    second = scanner.update()
    assert (second.added, second.updated, second.removed, second.rebuilt) == (2, 1, 0, False)
    (content / "gone.md").unlink()
    third = scanner.update()
    assert (third.added, third.updated, third.removed) == (0, 0, 1)

    rows = entries_by_path(index_db)
    assert set(rows) == {"a.md", "b.md", "c.md"}
    assert rows["b.md"].title == "B2" and rows["b.md"].pk == pk_before
    assert {t.tag_key for t in table_rows(index_db, "entry_tags")} == {"two"}
    assert scanner.update().changed is False


def test_scanning_never_modifies_content(index_db, content, write):
    write("no-headers.md", "Just text, no headers\n")
    write("undated.md", "Title: u\n\nx\n")
    write("draft.md", "Title: d\nStatus: DRAFT\n\nx\n")
    before = tree_digest(content)
    make_scanner(index_db, content).update()
    make_scanner(index_db, content).rebuild()
    assert tree_digest(content) == before


BAD_FILES = {
    "malformed.md": ("Title: ok\nDate 2020-01-01\n\nbody\n", 2, "malformed header"),
    "status.md": ("Title: s\nStatus: sideways\n\nbody\n", 2, "unknown status 'sideways'"),
    "date.md": ("Title: d\nDate: the day after tomorrow\n\nbody\n", 2, "unparseable date"),
    "utf8.md": (b"Title: x\n\nline two\n\xff\xfe bad\n", 4, "invalid UTF-8"),
    "binary.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "binary file"),
    "empty.md": (b"", None, "empty file"),
}


def test_bad_files_are_reported_and_skipped(index_db, content, write):
    write("good.md", "Title: good\nDate: 2020-01-01\n\nfine\n")
    for name, (text, _, _) in BAD_FILES.items():
        write(name, text)
    os.symlink("loop.md", content / "loop.md")
    os.symlink(".", content / "again")  # a folder symlinked into itself
    report = make_scanner(index_db, content).update()
    assert set(entries_by_path(index_db)) == {"good.md"}
    found = {p.path: p for p in report.problems}
    for name, (_, line, message) in BAD_FILES.items():
        assert message in found[name].message, name
        assert found[name].line == line, name
    assert "cannot read" in found["loop.md"].message
    assert "symlink loop" in found["again"].message
    # broken files are read again next time, and still reported
    assert {p.path for p in make_scanner(index_db, content).update().problems} >= set(BAD_FILES)


def test_a_broken_edit_keeps_the_last_good_version(index_db, content, write):
    write("e.md", "Title: good\nDate: 2020-01-01\n\nfine\n")
    scanner = make_scanner(index_db, content)
    scanner.update()
    write("e.md", "Title: broken\nStatus: ???\n\nfine\n")
    report = scanner.update()
    assert [p.path for p in report.problems] == ["e.md"]
    assert entries_by_path(index_db)["e.md"].title == "good"


def test_files_that_change_or_vanish_mid_scan_are_retried(index_db, content, write, monkeypatch):
    write("stable.md", "Title: s\nDate: 2020-01-01\n\nx\n")
    changing = write("changing.md", "Title: c\nDate: 2020-01-01\n\nx\n")
    vanishing = write("vanishing.md", "Title: v\nDate: 2020-01-01\n\nx\n")
    real_walk = scanner_module.walk_content

    def walk_then_edit(root: str):
        result = real_walk(root)
        changing.write_text("Title: c2\nDate: 2020-01-01\n\nlonger body now\n")
        vanishing.unlink()
        return result

    monkeypatch.setattr(scanner_module, "walk_content", walk_then_edit)
    report = make_scanner(index_db, content).update()
    messages = {p.path: p.message for p in report.problems}
    assert "changed while being read" in messages["changing.md"]
    assert "vanished" in messages["vanishing.md"]
    assert set(entries_by_path(index_db)) == {"stable.md"}
    monkeypatch.setattr(scanner_module, "walk_content", real_walk)
    make_scanner(index_db, content).update()
    assert entries_by_path(index_db)["changing.md"].title == "c2"


def test_derived_ids_depend_only_on_the_path(index_db, content, write, db_url, tmp_path):
    write("blog/no-id.md", "Title: n\nDate: 2020-01-01\n\nx\n")
    write("blog/other.md", "Title: o\nDate: 2020-01-01\nEntry-ID: 5\n\nx\n")
    make_scanner(index_db, content).update()
    row = entries_by_path(index_db)["blog/no-id.md"]
    assert row.entry_id == derived_id("blog/no-id.md")
    assert row.uuid == derived_uuid("blog/no-id.md")
    # Many more files, indexed in a fresh build: the ID does not move.
    for n in range(30):
        write(f"aaa/{n}.md", f"Title: {n}\nDate: 2020-01-01\n\nx\n")
    make_scanner(index_db, content).rebuild()
    assert entries_by_path(index_db)["blog/no-id.md"].entry_id == row.entry_id


def tag_keys_follow_entries(index_db: IndexDatabase) -> bool:
    """Each tag row carries its entry's listing key (date and ID), which tag pages walk."""
    by_pk = {row.pk: row for row in entries_by_path(index_db).values()}
    tags = table_rows(index_db, "entry_tags")
    return bool(tags) and all(
        (t.entry_id, t.local_date) == (by_pk[t.entry_pk].entry_id, by_pk[t.entry_pk].local_date)
        for t in tags
    )


def test_duplicate_ids_and_uuids_resolve_deterministically(index_db, content, write):
    uuid = "12345678-1234-5678-1234-567812345678"
    write("b.md", f"Title: b\nDate: 2020-01-01\nEntry-ID: 9\nUUID: {uuid}\nTag: x\n\nx\n")
    scanner = make_scanner(index_db, content)
    scanner.update()
    # a.md sorts first, so it takes ID 9 and the UUID; b.md moves to derived values
    write("a.md", f"Title: a\nDate: 2020-01-01\nEntry-ID: 9\nUUID: {uuid}\n\nx\n")
    report = scanner.update()
    rows = entries_by_path(index_db)
    assert (rows["a.md"].entry_id, rows["a.md"].uuid) == (9, uuid)
    assert (rows["b.md"].entry_id, rows["b.md"].uuid) == (derived_id("b.md"), derived_uuid("b.md"))
    warnings = [p for p in report.problems if p.path == "b.md"]
    assert len(warnings) == 2 and all("a.md" in p.message for p in warnings)
    assert tag_keys_follow_entries(index_db)  # b.md's tag moved with its ID
    # A draft never takes an ID from a published entry.
    write("0-draft.md", "Title: d\nStatus: DRAFT\nEntry-ID: 9\n\nx\n")
    scanner.update()
    assert entries_by_path(index_db)["a.md"].entry_id == 9
    # Removing the winner gives the ID back to the other file.
    (content / "a.md").unlink()
    scanner.update()
    assert entries_by_path(index_db)["b.md"].entry_id == 9
    assert tag_keys_follow_entries(index_db)


def test_an_explicit_id_beats_a_derived_one(index_db, content, write):
    write("derived.md", "Title: d\nDate: 2020-01-01\n\nx\n")
    scanner = make_scanner(index_db, content)
    scanner.update()
    taken = derived_id("derived.md")
    write("explicit.md", f"Title: e\nDate: 2020-01-01\nEntry-ID: {taken}\n\nx\n")
    scanner.update()
    rows = entries_by_path(index_db)
    assert rows["explicit.md"].entry_id == taken
    assert rows["derived.md"].entry_id == derived_id("derived.md", 1)


def test_alias_conflicts_and_category_collisions_are_reported(index_db, content, write):
    write("a.md", "Title: a\nDate: 2020-01-01\nPath-Alias: /same\n\nx\n")
    write("b.md", "Title: b\nDate: 2020-01-01\nPath-Alias: /same\n\nx\n")
    write("draft.md", "Title: d\nStatus: DRAFT\nPath-Alias: /draft-alias\n\nx\n")
    write("x/_1.cat", "Name: One\n")
    write("x/_2.cat", "Name: Two\n")
    report = make_scanner(index_db, content).update()
    [alias] = table_rows(index_db, "aliases")  # drafts register no alias
    assert alias.source_path == "a.md"
    messages = [str(p) for p in report.problems]
    assert any("b.md" in m and "/same" in m and "a.md" in m for m in messages)
    assert any("x/_1.cat" in m and "x/_2.cat" in m for m in messages)


def test_rebuild_switches_generations_atomically(index_db, content, write, monkeypatch):
    write("a.md", "Title: a\nDate: 2020-01-01\nEntry-ID: 1\n\nx\n")
    scanner = make_scanner(index_db, content)
    scanner.update()
    old = live(index_db)
    write("b.md", "Title: b\nDate: 2020-01-01\nEntry-ID: 2\n\nx\n")
    seen_during_build: list[set[str]] = []
    real_scan = Scanner._scan

    def observing_scan(self, tables, walk=None):
        report = real_scan(self, tables, walk)
        # Readers still see the old generation while the new one is complete but not live.
        seen_during_build.append(set(entries_by_path(index_db)))
        return report

    monkeypatch.setattr(Scanner, "_scan", observing_scan)
    scanner.rebuild()
    assert seen_during_build == [{"a.md"}]
    assert live(index_db).prefix != old.prefix
    assert set(entries_by_path(index_db)) == {"a.md", "b.md"}


def test_old_generations_are_dropped(index_db, content, write):
    from sqlalchemy import inspect

    write("a.md", "Title: a\nDate: 2020-01-01\n\nx\n")
    scanner = make_scanner(index_db, content)
    for _ in range(4):
        scanner.rebuild()
    names = inspect(index_db.engine).get_table_names()
    prefixes = {n.split("_")[0] for n in names if re.match(r"o\d+g\d+_", n)}
    assert len(prefixes) == 2  # the live one and the one it replaced


def test_only_one_writer_at_a_time(index_db, content, write):
    write("a.md", "Title: a\nDate: 2020-01-01\n\nx\n")
    scanner = make_scanner(index_db, content)
    with index_db.writing(wait=0), pytest.raises(LockBusy):
        scanner.update(wait=0.3)
    assert scanner.update(wait=0).rebuilt


def test_writer_lock_belongs_to_one_database(index_db, tmp_path):
    """Another site's index on the same server (another database) is never held up."""
    other = {"sqlite": str(tmp_path / "other.db"), "postgresql": "postgres", "mysql": "mysql"}
    url = index_db.engine.url
    engine = create_engine(url.set(database=other[url.get_backend_name()]))
    try:
        with (
            index_db.writing(wait=0),
            writer_lock(engine, str(tmp_path / "other.lock"), 0),
            pytest.raises(LockBusy),
            index_db.writing(wait=0),
        ):
            pass
    finally:
        engine.dispose()


def test_write_back_stamps_files_when_enabled(index_db, content, write):
    plain = write("plain.md", "Title: p\nTag: x\n\nbody text\n")
    draft = write("draft.md", "Title: d\nStatus: DRAFT\n\nbody\n")
    draft_before = draft.read_bytes()
    make_scanner(index_db, content, write_back=True).update()
    text = plain.read_text()
    headers, _, body = text.partition("\n\n")
    row = entries_by_path(index_db)["plain.md"]
    assert body == "body text\n"
    assert f"Entry-ID: {row.entry_id}" in headers and f"UUID: {row.uuid}" in headers
    assert "Date: " in headers and row.date_is_fallback is False
    assert draft.read_bytes() == draft_before


def test_schema_version_change_builds_a_new_index(index_db, content, write, monkeypatch):
    from octavo.index import schema

    write("a.md", "Title: a\nDate: 2020-01-01\n\nx\n")
    make_scanner(index_db, content).update()
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 100)
    index_db.forget_cached_pointer()
    assert index_db.tables() is None
    report = make_scanner(index_db, content).update()
    assert report.rebuilt
    assert live(index_db).prefix.startswith(f"o{schema.SCHEMA_VERSION}g")


def test_the_previous_release_keeps_its_index_however_often_the_new_one_rebuilds(
    index_db, content, write, monkeypatch
):
    """Mid-deploy, instances of the old release still read their schema's live generation:
    the new release rebuilding (twice, so "the one it replaced" is its own) leaves it."""
    from sqlalchemy import inspect

    from octavo.index import schema

    write("a.md", "Title: a\nDate: 2020-01-01\n\nx\n")
    make_scanner(index_db, content).rebuild()
    make_scanner(index_db, content).rebuild()
    old_release = live(index_db).prefix
    assert old_release.startswith(f"o{schema.SCHEMA_VERSION}g")
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 100)
    index_db.forget_cached_pointer()
    for _ in range(3):
        make_scanner(index_db, content).rebuild()
    names = inspect(index_db.engine).get_table_names()
    prefixes = {n.split("_")[0] + "_" for n in names if re.match(r"o\d+g\d+_", n)}
    new_release = live(index_db).prefix
    # The old release's live tables, the new live ones and the ones they replaced; no more.
    assert old_release in prefixes and new_release in prefixes
    assert len(prefixes) == 3
    monkeypatch.undo()
    index_db.forget_cached_pointer()
    assert live(index_db).prefix == old_release
    assert set(entries_by_path(index_db)) == {"a.md"}


def listed(index_db, viewer, **query) -> list[int]:
    from octavo.index.views import EntryQuery

    live(index_db)
    with index_db.reading(viewer) as reader:
        return [row.entry_id for row in reader.listing(EntryQuery(**query))]


def test_private_entries_never_reach_anonymous_queries(index_db, content, write):
    from octavo.index.queries import ANONYMOUS, SITE
    from octavo.index.views import StatusSet

    write("pub.md", "Title: p\nDate: 2020-01-01\nEntry-ID: 1\nAttach: priv.md\n\nx\n")
    write(
        "priv.md",
        "Title: s\nDate: 2020-01-02\nEntry-ID: 2\nAuth: friends\nPath-Alias: /secret\n\nx\n",
    )
    make_scanner(index_db, content).update()
    pub_pk = entries_by_path(index_db)["pub.md"].pk
    assert listed(index_db, ANONYMOUS) == [1]
    assert listed(index_db, ANONYMOUS, attachments_of=pub_pk, statuses=StatusSet.ALL) == []
    assert listed(index_db, SITE) == [2, 1]
    assert listed(index_db, SITE, attachments_of=pub_pk, statuses=StatusSet.ALL) == [2]
    with index_db.reading(ANONYMOUS) as reader:
        assert reader.alias("/secret") is None
        assert not reader.entry(entry_id=2).authorized
        assert reader.visible_entry(2) is None
        assert reader.entries_at(["priv.md"]) == []
        assert list(reader.entry_texts()) == [("pub.md", "", EntryText("x", ""))]
        assert reader.entry_text(entries_by_path(index_db)["priv.md"].pk) is None
    with index_db.reading(SITE) as reader:
        assert reader.alias("/secret").entry_id == 2
        assert reader.entry(entry_id=2).authorized
        assert reader.visible_entry(2).file_path == "priv.md"


def test_listing_respects_status_schedule_and_category(index_db, content, write):
    from octavo.index.queries import ANONYMOUS

    write("blog/old.md", "Title: o\nDate: 2020-01-01\nEntry-ID: 1\n\nx\n")
    write("blog/future.md", "Title: f\nDate: 2999-01-01\nEntry-ID: 2\n\nx\n")
    write(
        "blog/future-pub.md", "Title: fp\nDate: 2999-01-01\nStatus: PUBLISHED\nEntry-ID: 3\n\nx\n"
    )
    write("blog/hidden.md", "Title: h\nDate: 2020-01-01\nStatus: HIDDEN\nEntry-ID: 4\n\nx\n")
    write("blog/sub/deep.md", "Title: d\nDate: 2021-01-01\nEntry-ID: 5\n\nx\n")
    write("blogger/other.md", "Title: x\nDate: 2021-01-01\nEntry-ID: 6\n\nx\n")
    make_scanner(index_db, content).update()
    assert listed(index_db, ANONYMOUS, categories=("blog",)) == [3, 1]
    assert listed(index_db, ANONYMOUS, categories=("blog",), recurse=True) == [3, 5, 1]
    assert listed(index_db, ANONYMOUS, categories=("blog",), future=True) == [3, 2, 1]


def test_unreadable_database_is_a_clear_error(tmp_path):
    from sqlalchemy.engine import make_url

    from octavo.index.database import IndexUnavailable

    db = IndexDatabase(make_url("postgresql+psycopg://nobody:secret@127.0.0.1:1/none"))
    with pytest.raises(IndexUnavailable) as err:
        db.connect_check()
    assert "127.0.0.1:1" in str(err.value) and "secret" not in str(err.value)


def test_entry_rows_select_without_error(index_db, content, write):
    write("a.md", "Title: a\nDate: 2020-01-01\n\nx\n")
    make_scanner(index_db, content).update()
    tables = live(index_db)
    with index_db.engine.connect() as conn:
        assert conn.execute(select(tables.files.c.kind)).scalars().all() == ["entry"]


def test_settled_identities_survive_unrelated_and_body_edits(index_db, content, write):
    uuid = "12345678-1234-5678-1234-567812345678"
    write("a.md", f"Title: a\nDate: 2020-01-01\nEntry-ID: 9\nUUID: {uuid}\n\nx\n")
    write("b.md", f"Title: b\nDate: 2020-01-01\nEntry-ID: 9\nUUID: {uuid}\n\nx\n")
    scanner = make_scanner(index_db, content)
    scanner.update()
    settled = {p: (r.entry_id, r.uuid) for p, r in entries_by_path(index_db).items()}
    assert settled["b.md"] == (derived_id("b.md"), derived_uuid("b.md"))
    write("b.md", f"Title: b\nDate: 2020-01-01\nEntry-ID: 9\nUUID: {uuid}\n\nnew body\n")
    write("c.md", "Title: c\nDate: 2020-01-01\n\nx\n")  # no conflict with anyone
    scanner.update()
    rows = entries_by_path(index_db)
    assert {p: (r.entry_id, r.uuid) for p, r in rows.items() if p != "c.md"} == settled
    assert (rows["c.md"].entry_id, rows["c.md"].uuid) == (derived_id("c.md"), derived_uuid("c.md"))
    assert [rows[p].identity_moved for p in ("a.md", "b.md", "c.md")] == [False, True, False]


def _connect_after(barrier: Any, url: str) -> None:
    from sqlalchemy.engine import make_url

    db = IndexDatabase(make_url(url))
    barrier.wait()
    db.connect_check()  # raises, so the process exits non-zero, on a collision
    db.dispose()


def test_workers_starting_together_all_connect(db_url):
    """Several gunicorn workers create the meta table at the same moment."""
    from multiprocessing import get_context

    context = get_context("spawn")
    barrier = context.Barrier(6)
    workers = [context.Process(target=_connect_after, args=(barrier, db_url)) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0] * 6


def test_an_attachment_that_only_looks_like_an_id_is_a_path(index_db, content, write):
    """``'²'.isdigit()`` is true but ``int('²')`` fails: that stopped the scan."""
    from octavo.index.queries import SITE
    from octavo.index.views import StatusSet

    write("a.md", "Title: a\nDate: 2020-01-01\nEntry-ID: 1\nAttach: ²\nAttach: 2\n\nx\n")
    write("b.md", "Title: b\nDate: 2020-01-02\nEntry-ID: 2\n\nx\n")
    make_scanner(index_db, content).update()
    a_pk = entries_by_path(index_db)["a.md"].pk
    assert listed(index_db, SITE, attachments_of=a_pk, statuses=StatusSet.ALL) == [2]
    with index_db.reading(SITE) as reader:  # numbers no entry can have: no query at all
        assert reader.pk(2**64) is None and reader.position(10**30) is None
        assert reader.entry(entry_id=2**63) is None and reader.visible_entry(-1) is None
