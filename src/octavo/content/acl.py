"""An entry's ``Auth:`` header and the rule that decides who may read it (Publ §9.3).

The header is a list of tokens read left to right: a group or identity
(``friends``, ``mailto:a@example.com``), the same with ``!`` to deny, ``*`` for
"logged in" and ``!*`` for "not logged in". Every token that matches the reader
sets the answer, so the rightmost match wins; with no match the answer is no.

The rule is stored as rows, one per (token, principal it speaks about): a reader
holds a set of principals (their identity and groups plus ``*`` when logged in,
only ``!*`` otherwise), and the answer is the ``allow`` of the last row whose
principal the reader holds. :func:`decide` is that definition in Python; the
index evaluates the very same rows in SQL (``octavo.index.queries``), and one
table of cases checks both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: The principal every logged-in reader holds (token ``*``).
LOGGED_IN = "*"
#: The principal a reader who is not logged in holds (token ``!*``).
NOT_LOGGED_IN = "!*"
#: Both special principals; never taken from a group list.
SPECIAL = frozenset({LOGGED_IN, NOT_LOGGED_IN})


@dataclass(frozen=True, slots=True)
class AclRow:
    """One principal a token of the header speaks about, and what it says."""

    position: int
    principal: str
    allow: bool


def acl_rows(header: str | None) -> tuple[AclRow, ...]:
    """The rows of an ``Auth:`` value, in header order (empty for no header)."""
    rows: list[AclRow] = []
    for position, token in enumerate((header or "").split()):
        allow = not token.startswith("!")
        name = token if allow else token[1:]
        if name == LOGGED_IN:
            # `*` and `!*` always match: they say something about both kinds of reader.
            rows.append(AclRow(position, LOGGED_IN, allow))
            rows.append(AclRow(position, NOT_LOGGED_IN, not allow))
        elif name:
            rows.append(AclRow(position, name, allow))
    return tuple(rows)


def principals(groups: Iterable[str], logged_in: bool) -> frozenset[str]:
    """What a reader holds: identity and groups (when logged in) plus the special one."""
    if not logged_in:
        return frozenset({NOT_LOGGED_IN})
    return frozenset(g for g in groups if g not in SPECIAL) | {LOGGED_IN}


def decide(rows: Iterable[AclRow], held: frozenset[str]) -> bool:
    """Whether a reader holding `held` may read an entry restricted by `rows`."""
    answer = False
    for row in sorted(rows, key=lambda r: r.position):
        if row.principal in held:
            answer = row.allow
    return answer


def readable_anonymously(header: str | None) -> bool:
    """Whether a visitor who is not logged in may read an entry with this header."""
    return header is None or decide(acl_rows(header), principals((), logged_in=False))
