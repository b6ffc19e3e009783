"""The access rule's table of cases (Publ §9.3 as its manual means it, B1 fixed).

One table, checked against the Python definition (tests/unit/content/test_content_acl.py)
and against the SQL every listing uses, on each database (tests/integration/test_access_rule.py).
A reader is (identity and groups, logged in?); `None` means a visitor who is not logged in.
"""

from __future__ import annotations

ALICE = ("test:alice", "friends")
BOB = ("test:bob", "friends")
CAROL = ("test:carol",)
ENEMY = ("test:mallory", "enemies")
ANON = None

#: (Auth header, reader, may read)
CASES: list[tuple[str | None, tuple[str, ...] | None, bool]] = [
    (None, ANON, True),
    (None, CAROL, True),
    ("friends", ANON, False),
    ("friends", ALICE, True),
    ("friends", CAROL, False),
    ("test:carol", CAROL, True),
    ("test:carol", ALICE, False),
    ("friends !test:bob", ALICE, True),
    ("friends !test:bob", BOB, False),
    ("!test:bob friends", BOB, True),  # the rightmost match wins
    ("*", ANON, False),  # B1: Publ let anonymous visitors read `Auth: *`
    ("*", CAROL, True),
    ("!*", ANON, True),
    ("!*", CAROL, False),
    ("* !enemies", CAROL, True),
    ("* !enemies", ENEMY, False),
    ("* !enemies", ANON, False),
    ("!* friends", ANON, True),
    ("!* friends", ALICE, True),
    ("!* friends", CAROL, False),
    ("friends *", CAROL, True),
    ("* !*", ANON, True),
    ("* !*", CAROL, False),
    ("!friends", ALICE, False),
    ("!friends", CAROL, False),
    ("!friends", ANON, False),
    ("enemies friends !enemies", ENEMY, False),
    ("nobody", CAROL, False),
    ("!", CAROL, False),  # a bare `!` names nobody
]
