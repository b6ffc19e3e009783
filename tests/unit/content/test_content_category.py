"""octavo.content.category: category meta files (§1.8)."""

from __future__ import annotations

import pytest

from octavo.content.aliases import Alias, AliasKind
from octavo.content.category import default_name, parse_category
from octavo.content.problems import ContentError


def category(text: str, path: str = "travel_notes/_.cat"):
    return parse_category(path, text.encode("utf-8"))


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("travel_notes", "Travel Notes"),
        ("blog/deep_dive", "Deep Dive"),
        ("photos", "Photos"),
        ("", ""),
    ],
)
def test_default_name(folder, name):
    assert default_name(folder) == name


def test_name_defaults_from_folder():
    record = category("Index-Template: list\n", path="blog/travel_notes/_.cat")
    assert record.category == "blog/travel_notes"
    assert record.name == "Travel Notes"
    assert record.sort_name == "Travel Notes"


def test_root_category_has_empty_name():
    record = category("Index-Template: home\n", path="_.cat")
    assert record.category == ""
    assert record.name == ""


def test_meta_extension_also_parses():
    record = category("Name: Meta\n", path="misc/info.meta")
    assert record.category == "misc"
    assert record.name == "Meta"


def test_explicit_name():
    assert category("Name: Notes from the *Road*\n").name == "Notes from the *Road*"


def test_category_override_and_normalisation():
    record = category("Category: /other//place/\n", path="somewhere/_.cat")
    assert record.category == "other/place"
    assert record.name == "Place"


def test_index_and_entry_template():
    record = category("Index-Template: gallery\nEntry-Template: photo\n")
    assert record.index_template == "gallery"
    assert record.entry_template == "photo"


def test_templates_default_to_none():
    record = category("Name: x\n")
    assert record.index_template is None
    assert record.entry_template is None


def test_sort_name_default_is_plain_name():
    assert category("Name: The *Best* ~~Worst~~ Stuff\n").sort_name == "The Best Stuff"


def test_sort_name_explicit():
    record = category("Name: The Best\nSort-Name: Best, The\n")
    assert record.sort_name == "Best, The"


def test_aliases_and_mounts():
    record = category("Path-Alias: /old-travel\nPath-Mount: trips%20abroad feed\nPath-Alias:\n")
    assert record.aliases == [
        Alias("/old-travel", AliasKind.REDIRECT, None),
        Alias("/trips abroad", AliasKind.MOUNT, "feed"),
    ]


def test_description_is_stripped_payload():
    record = category("Name: X\n\n\n  A *description*\n\nSecond paragraph.\n\n")
    assert record.description == "A *description*\n\nSecond paragraph."


def test_leading_blank_line_then_description():
    record = category("\nJust a description.\n")
    assert record.description == "Just a description."
    assert record.name == "Travel Notes"
    assert record.headers == []


def test_other_headers_kept_in_order():
    record = category("Name: N\nX-Banner: top.jpg\nColor: red\nColor: blue\n")
    assert record.headers == [
        ("Name", "N"),
        ("X-Banner", "top.jpg"),
        ("Color", "red"),
        ("Color", "blue"),
    ]


def test_headers_case_insensitive():
    record = category("name: lower\nINDEX-TEMPLATE: up\n")
    assert record.name == "lower"
    assert record.index_template == "up"


@pytest.mark.parametrize("data", [b"", b"\n", b"  \n\n"])
def test_empty_cat_file_is_valid_with_defaults(data):
    record = parse_category("travel_notes/_.cat", data)
    assert record.category == "travel_notes"
    assert record.name == "Travel Notes"
    assert record.description == ""
    assert record.aliases == []
    assert record.headers == []


def test_malformed_header_is_an_error():
    with pytest.raises(ContentError) as info:
        category("Name: ok\nnot a header\n\nDesc")
    assert info.value.problem.line == 2


def test_binary_cat_is_an_error():
    with pytest.raises(ContentError):
        parse_category("x/_.cat", b"Name: \x00\n")
