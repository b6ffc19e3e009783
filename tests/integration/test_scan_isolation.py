"""One file can never abort a scan: values the index cannot store are reported with
their file and line, and a file the database refuses anyway is skipped alone."""

from __future__ import annotations

import random
import string

import pytest

from octavo.index import rows as rows_module
from octavo.index import search_writer
from octavo.index import writer as writer_module
from tests.integration.helpers import entries_by_path, table_rows
from tests.integration.test_scan import make_scanner

GOOD = "Title: {name}\nDate: 2020-01-01\nTag: fine\nPath-Alias: /old/{name}\n\nbody of {name}\n"
LONG = "x" * 300

#: file -> (text, line of the problem, words of the message)
UNSTORABLE = {
    "type.md": (f"Title: t\nDate: 2020-01-01\nEntry-Type: {LONG}\n\nx\n", 3, "Entry-Type is 300"),
    "template.md": (f"Title: t\nEntry-Template: {LONG}\n\nx\n", 2, "Entry-Template is 300"),
    "content-type.md": (f"Title: t\nContent-Type: {LONG}\n\nx\n", 2, "Content-Type is 300"),
    "category.md": (f"Title: t\nCategory: {'c/' * 300}\n\nx\n", 2, "Category is 600"),
    # two tags that were one key once cut to 255 characters
    "tags.md": (f"Title: t\nTag: {LONG}a\nTag: {LONG}b\n\nx\n", 2, "tag is 301"),
    "hidden-tag.md": (f"Title: t\nHidden-Tag: {LONG}\n\nx\n", 2, "tag is 300"),
    "alias.md": (f"Title: t\nPath-Alias: /{'a' * 600}\n\nx\n", 2, "Path-Alias path is 601"),
    "alias-nul.md": ("Title: t\n\nPath-Mount: /a%00b\n\nx\n", None, None),
    "mount-nul.md": ("Title: t\nPath-Mount: /a%00b\n\nx\n", 2, "NUL character"),
    "alias-template.md": (f"Title: t\nPath-Alias: /x {LONG}\n\nx\n", 2, "template is 300"),
    "auth.md": (f"Title: t\nAuth: ok !{LONG}\n\nx\n", 2, "Auth principal is 300"),
    "blog/long.cat": (f"Index-Template: {LONG}\n", 1, "Index-Template is 300"),
    "deep/" + "d" * 200 + "/" + "e" * 200 + "/" + "f" * 120 + ".md": (
        "Title: deep\n\nx\n",
        None,
        "path is 530 characters long; at most 512 are allowed",
    ),
}


def test_values_the_index_cannot_store_are_reported_and_skipped(index_db, content, write):
    for name in ("a", "b"):
        write(f"{name}.md", GOOD.format(name=name))
    for path, (text, _, _) in UNSTORABLE.items():
        write(path, text)
    # a NUL in a link or image path, or in alias-nul.md's alias in the body (a blank line
    # ends the headers), is nothing the index must store: they index
    write("link-nul.md", "Title: l\n\n![](a%00b.png) [x](b%00c.pdf) ![](" + "p/" * 300 + ".png)\n")
    report = make_scanner(index_db, content).update()
    assert set(entries_by_path(index_db)) == {"a.md", "b.md", "alias-nul.md", "link-nul.md"}
    assert {a.path for a in table_rows(index_db, "aliases")} == {"/old/a", "/old/b"}
    found = {p.path: p for p in report.problems}
    for path, (_, line, words) in UNSTORABLE.items():
        if words is None:
            continue
        assert words in found[path].message, path
        assert found[path].line == line, path
        assert found[path].severity == "error", path
    assert len(report.problems) == len(UNSTORABLE) - 1


def test_files_whose_names_the_index_cannot_hold_are_reported(index_db, content, write):
    write("caf\u00e9.md", "Title: nfc\n\nx\n")
    write("cafe\u0301.md", "Title: nfd\n\nx\n")  # the same name once normalised (NFC)
    write("dir/a.md", "Title: dir\n\nx\n")
    write("dir\\a.md", "Title: backslash\n\nx\n")  # the same path once \ is /
    (content / b"latin1-\xe9.md".decode("utf-8", "surrogateescape")).write_bytes(b"Title: l\n\nx\n")
    report = make_scanner(index_db, content).update()
    titles = {path: row.title for path, row in entries_by_path(index_db).items()}
    assert titles == {"caf\u00e9.md": "nfd", "dir/a.md": "backslash"}
    messages = {p.path: p.message for p in report.problems}
    assert messages == {
        "caf\u00e9.md": "same path as cafe\u0301.md once normalised; skipped",
        "dir/a.md": "same path as dir\\a.md once normalised; skipped",
        "latin1-\ufffd.md": "name is not valid UTF-8; skipped",
    }


def test_a_file_the_database_refuses_is_skipped_alone(index_db, content, write, monkeypatch):
    """A refusal no content check foresaw (here a NULL in a NOT NULL column, for one
    file) costs that file only: it keeps its last good version and is read again."""
    names = [f"e{n:02}" for n in range(12)]
    for name in names:
        write(f"{name}.md", GOOD.format(name=name))
    scanner = make_scanner(index_db, content)
    scanner.update()
    for name in names:
        write(f"{name}.md", GOOD.format(name=name).replace("Title: ", "Title: new "))
    write("late.md", GOOD.format(name="late"))
    real_entry_row = rows_module.entry_row

    def refused_for_e05(record, *args):
        row = real_entry_row(record, *args)
        return row | {"title": None} if record.path in ("e05.md", "late.md") else row

    monkeypatch.setattr(writer_module, "entry_row", refused_for_e05)
    report = scanner.update()
    titles = {path: row.title for path, row in entries_by_path(index_db).items()}
    expected = {f"{name}.md": f"new {name}" for name in names} | {"e05.md": "e05"}
    assert titles == expected
    assert sorted(p.path for p in report.problems) == ["e05.md", "late.md"]
    assert all("the index database refused it" in p.message for p in report.problems)
    assert (report.added, report.updated) == (0, 11)
    tags = {row.entry_pk for row in table_rows(index_db, "entry_tags")}
    assert len(tags) == len(names)
    monkeypatch.setattr(writer_module, "entry_row", real_entry_row)
    report = scanner.update()
    assert (report.added, report.updated, report.problems) == (1, 1, [])
    assert entries_by_path(index_db)["e05.md"].title == "new e05"


@pytest.mark.parametrize("first_build", [True, False])
def test_a_refused_file_never_costs_the_site_its_index(index_db, content, write, first_build):
    """The issue's case: on a first build, one bad file left no index at all (503)."""
    if not first_build:
        make_scanner(index_db, content).update()
    write("good.md", GOOD.format(name="good"))
    write("bad.md", UNSTORABLE["tags.md"][0])
    report = make_scanner(index_db, content).update()
    assert report.rebuilt == first_build
    assert set(entries_by_path(index_db)) == {"good.md"}
    assert [p.path for p in report.problems] == ["bad.md"]


def test_names_differing_only_in_case_or_accents_are_distinct(index_db, content, write):
    """MariaDB's default collation made these one key: the second file was refused, and
    the second alias aborted the whole scan."""
    write("A.md", "Title: upper\nPath-Alias: /Old\nTag: caf\u00e9\nTag: cafe\n\nx\n")
    write("a.md", "Title: lower\nPath-Alias: /old\nEntry-Type: Note\n\nx\n")
    write("\u00e9.md", "Title: accent\nEntry-Type: note\n\nx\n")
    write("e.md", "Title: plain\n\nx\n")
    report = make_scanner(index_db, content).update()
    assert report.problems == []
    titles = {path: row.title for path, row in entries_by_path(index_db).items()}
    assert titles == {"A.md": "upper", "a.md": "lower", "\u00e9.md": "accent", "e.md": "plain"}
    assert {a.path for a in table_rows(index_db, "aliases")} == {"/Old", "/old"}
    assert {t.tag_key for t in table_rows(index_db, "entry_tags")} == {"caf\u00e9", "cafe"}


def write_large_entry(write) -> None:
    rnd = random.Random(1)
    words = ("".join(rnd.choice(string.ascii_lowercase) for _ in range(9)) for _ in range(200_000))
    write("big.md", "Title: Big\n\n" + " ".join(words) + "\n")
    write("small.md", "Title: Small\n\nx\n")


def test_a_large_entry_indexes(index_db, content, write):
    """2 MB of distinct words: PostgreSQL's tsvector holds at most 1 MB, and its error
    (an OperationalError to the driver) aborted the whole scan."""
    write_large_entry(write)
    report = make_scanner(index_db, content).update()
    assert report.problems == []
    assert set(entries_by_path(index_db)) == {"big.md", "small.md"}


def test_a_limit_the_database_meets_costs_one_file(index_db, content, write, monkeypatch):
    """Without the cap on the text made a tsvector, PostgreSQL refuses the large entry:
    it is reported and skipped, and the rest of the site indexes."""
    monkeypatch.setattr(search_writer, "_TSVECTOR_TEXT", 10**9)
    write_large_entry(write)
    report = make_scanner(index_db, content).update()
    refused = index_db.engine.dialect.name == "postgresql"
    assert [p.path for p in report.problems] == (["big.md"] if refused else [])
    assert set(entries_by_path(index_db)) == ({"small.md"} if refused else {"big.md", "small.md"})
