"""The access rule in Python (`octavo.content.acl`), against the shared table of cases."""

from __future__ import annotations

import pytest

from octavo.content.acl import (
    LOGGED_IN,
    NOT_LOGGED_IN,
    AclRow,
    acl_rows,
    decide,
    principals,
    readable_anonymously,
)
from tests.access_cases import CASES


def _held(reader: tuple[str, ...] | None) -> frozenset[str]:
    return principals(reader or (), logged_in=reader is not None)


@pytest.mark.parametrize(("header", "reader", "expected"), CASES)
def test_rule_table(header, reader, expected):
    allowed = header is None or decide(acl_rows(header), _held(reader))
    assert allowed is expected


@pytest.mark.parametrize(("header", "reader", "expected"), [c for c in CASES if c[1] is None])
def test_anonymous_answer_is_what_the_scan_stores(header, reader, expected):
    assert readable_anonymously(header) is expected


def test_rows_of_a_header():
    assert acl_rows("friends !test:bob *") == (
        AclRow(0, "friends", True),
        AclRow(1, "test:bob", False),
        AclRow(2, LOGGED_IN, True),
        AclRow(2, NOT_LOGGED_IN, False),
    )
    assert acl_rows(None) == ()


def test_special_principals_never_come_from_groups():
    """A users.cfg section named `!*` must not make a logged-in reader look anonymous."""
    assert principals(["test:a", "!*", "*"], logged_in=True) == {"test:a", LOGGED_IN}
    assert principals(["test:a"], logged_in=False) == {NOT_LOGGED_IN}
