"""Small pieces of octavo.content: paths, aliases, problems, digests, dispatch, images."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from octavo.content.aliases import Alias, AliasKind, parse_alias
from octavo.content.category import CategoryRecord
from octavo.content.entry import EntryRecord
from octavo.content.fingerprint import digest
from octavo.content.image_info import ImageRecord, read_image_info
from octavo.content.parse import parse_file
from octavo.content.paths import category_of, file_kind, normalize_category, normalize_relpath
from octavo.content.problems import ContentError, Problem, Severity

# --- paths -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("relpath", "kind"),
    [
        ("a.md", "entry"),
        ("a/b.htm", "entry"),
        ("b.html", "entry"),
        ("c.cat", "category"),
        ("d.meta", "category"),
        ("e.png", "image"),
        ("e.JPG", "image"),
        ("f.mdx", None),
        ("g.catx", None),
        ("h.txt", None),
        ("md", None),
    ],
)
def test_file_kind(relpath, kind):
    assert file_kind(relpath) == kind


def test_normalize_relpath_backslashes_and_nfc():
    assert normalize_relpath("blog\\cafe\u0301.md") == "blog/caf\u00e9.md"


@pytest.mark.parametrize(
    ("relpath", "category"), [("a.md", ""), ("a/b.md", "a"), ("a/b/c.md", "a/b")]
)
def test_category_of(relpath, category):
    assert category_of(relpath) == category


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/blog//tech/", "blog/tech"),
        ("", ""),
        ("  x ", "x"),
        ("//", ""),
        # found by the content fuzzer: `Category: ..` was the page /../ (a 500)
        ("..", ""),
        ("../../a", "a"),
        ("a/./../b", "b"),
        ("a/b/..", "a"),
        ("...", "..."),
    ],
)
def test_normalize_category(value, expected):
    assert normalize_category(value) == expected


# --- aliases -------------------------------------------------------------------------------


def test_parse_alias_path_and_template():
    assert parse_alias("/a/b tmpl", AliasKind.MOUNT) == Alias("/a/b", AliasKind.MOUNT, "tmpl")


def test_parse_alias_decodes_and_adds_slash():
    assert parse_alias("x%2Fy%20z", AliasKind.REDIRECT) == Alias("/x/y z", AliasKind.REDIRECT)


def test_parse_alias_empty_is_none():
    assert parse_alias("   ", AliasKind.REDIRECT) is None


def test_alias_kind_values():
    assert int(AliasKind.REDIRECT) == 0
    assert int(AliasKind.MOUNT) == 1


# --- problems and digests --------------------------------------------------------------------


def test_problem_str_names_file_line_and_severity():
    assert str(Problem("a/b.md", "bad", 3)) == "a/b.md:3: error: bad"
    assert str(Problem("a/b.md", "meh", None, Severity.WARNING)) == "a/b.md: warning: meh"


def test_content_error_carries_problem():
    err = ContentError("x.md", "broken", 7)
    assert str(err) == "broken"
    assert err.problem == Problem("x.md", "broken", 7, Severity.ERROR)


def test_digest_is_stable_and_content_sensitive():
    assert digest(b"abc") == digest(b"abc")
    assert digest(b"abc") != digest(b"abd")
    assert isinstance(digest(b""), str)


# --- parse_file dispatch and images ---------------------------------------------------------------


def png_bytes(mode: str = "RGB", size=(3, 2)) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return buffer.getvalue()


def test_parse_file_entry():
    record = parse_file("entry", "a/b.md", b"Title: T\n\n", ZoneInfo("UTC"), 0.0)
    assert isinstance(record, EntryRecord)
    assert record.title == "T"


def test_parse_file_category():
    record = parse_file("category", "a/_.cat", b"Name: N\n", ZoneInfo("UTC"), 0.0)
    assert isinstance(record, CategoryRecord)
    assert record.name == "N"


def test_parse_file_image():
    record = parse_file("image", "pic.png", png_bytes(), ZoneInfo("UTC"), 0.0)
    assert record == ImageRecord("pic.png", 3, 2, "PNG", False, "RGB", 1)


def test_image_facts_are_upright_as_renditions_see_them():
    """The index holds the size after EXIF orientation, and the orientation itself."""
    from PIL import Image

    from tests.unit.images.synthetic import with_orientation

    stored = with_orientation(Image.new("RGB", (40, 30)), 6)  # stored 30x40, shown 40x30
    record = read_image_info("turned.jpg", stored)
    assert (record.width, record.height, record.orientation, record.mode) == (40, 30, 6, "RGB")


def test_image_transparency_detected():
    assert read_image_info("p.png", png_bytes("RGBA")).transparent is True


def test_broken_image_is_a_content_error():
    with pytest.raises(ContentError) as info:
        read_image_info("bad.jpg", b"not an image at all")
    assert info.value.problem.path == "bad.jpg"
