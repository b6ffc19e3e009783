"""octavo.content.status: statuses, their aliases and their HTTP codes."""

from __future__ import annotations

import pytest

from octavo.content.status import LISTED, VISIBLE, Status, parse_status


def test_integer_values_match_publ():
    assert [(s.name, int(s)) for s in Status] == [
        ("DRAFT", 0),
        ("HIDDEN", 1),
        ("PUBLISHED", 2),
        ("SCHEDULED", 3),
        ("GONE", 4),
        ("ILLEGAL", 5),
        ("TEAPOT", 6),
        ("ATTACHMENT", 7),
    ]


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (Status.DRAFT, 403),
        (Status.HIDDEN, 200),
        (Status.PUBLISHED, 200),
        (Status.SCHEDULED, 200),
        (Status.GONE, 410),
        (Status.ILLEGAL, 451),
        (Status.TEAPOT, 418),
        (Status.ATTACHMENT, 200),
    ],
)
def test_http_status(status, code):
    assert status.http_status == code


def test_visible_set():
    assert (
        frozenset({Status.HIDDEN, Status.PUBLISHED, Status.SCHEDULED, Status.ATTACHMENT}) == VISIBLE
    )


def test_listed_set():
    assert frozenset({Status.PUBLISHED, Status.SCHEDULED}) == LISTED


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("DRAFT", Status.DRAFT),
        ("HIDDEN", Status.HIDDEN),
        ("UNLISTED", Status.HIDDEN),
        ("PUBLISHED", Status.PUBLISHED),
        ("SCHEDULED", Status.SCHEDULED),
        ("GONE", Status.GONE),
        ("DELETED", Status.GONE),
        ("ILLEGAL", Status.ILLEGAL),
        ("BURNT", Status.ILLEGAL),
        ("BURNED", Status.ILLEGAL),
        ("DMCA", Status.ILLEGAL),
        ("TEAPOT", Status.TEAPOT),
        ("ATTACHMENT", Status.ATTACHMENT),
        ("ATTACH", Status.ATTACHMENT),
    ],
)
def test_parse_every_value_and_alias_case_insensitively(value, expected):
    assert parse_status(value) is expected
    assert parse_status(value.lower()) is expected
    assert parse_status(value.title()) is expected
    assert parse_status(f"  {value.lower()}  ") is expected


@pytest.mark.parametrize("value", ["", "publish", "PUBLISHED!", "live", "2"])
def test_unknown_status_raises_value_error_naming_it(value):
    with pytest.raises(ValueError) as info:
        parse_status(value)
    assert "status" in str(info.value).lower()
    if value:
        assert repr(value.strip()) in str(info.value)
