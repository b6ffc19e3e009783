"""Stable entry IDs and UUIDs for files that do not declare them.

An ID derived from the file's path is the same on every machine and every
deploy, whatever the scan order or the size of the database. Conflicts are
settled by a rule that depends only on the set of files:

1. a valid ``Entry-ID``/``UUID`` header beats a derived value;
2. among files declaring the same value, a non-draft beats a draft, then
   the path that sorts first wins; the others fall back to derived values;
3. derived values are handed out in path order, each file taking the first
   attempt not already taken.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from octavo.content.problems import Problem, Severity

# Derived IDs have twelve digits: short enough for URLs, sparse enough that two
# paths colliding is rare even on very large sites (and resolved when it happens).
#: Entry IDs are stored as signed 64-bit integers: anything larger names no entry.
MAX_ENTRY_ID = 2**63 - 1
DERIVED_ID_MIN = 10**11
DERIVED_ID_SPAN = 9 * 10**11
_UUID_NAMESPACE = uuid.UUID("6f2c1a4e-7d0b-5c8e-9a3f-0b1d2e3f4a5b")

T = TypeVar("T", bound=Hashable)


@dataclass(frozen=True, slots=True)
class IdentityClaim:
    """What one entry file says about its identity."""

    path: str
    explicit_id: int | None
    explicit_uuid: str | None
    is_draft: bool


@dataclass
class Identities:
    """The settled ID and UUID of every entry, plus the conflicts found."""

    ids: dict[str, int] = field(default_factory=dict)
    uuids: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def storable_id(value: int) -> bool:
    """Whether `value` can be an entry's ID (every other number names no entry)."""
    return 1 <= value <= MAX_ENTRY_ID


def entry_id_in(text: str) -> int | None:
    """The entry ID a piece of text (a URL argument, a link) is, if it is one: decimal
    digits (``str.isdigit`` also admits ``²``, which ``int`` refuses) within range."""
    text = text.strip()
    if not text.isdecimal():
        return None
    value = int(text)
    return value if storable_id(value) else None


def derived_id(path: str, attempt: int = 0) -> int:
    """The ID a file gets from its normalised relative path alone."""
    digest = hashlib.sha256(f"octavo-entry-id\0{path}\0{attempt}".encode()).digest()
    return DERIVED_ID_MIN + int.from_bytes(digest[:8], "big") % DERIVED_ID_SPAN


def derived_uuid(path: str, attempt: int = 0) -> str:
    """The UUID a file gets from its normalised relative path alone."""
    return str(uuid.uuid5(_UUID_NAMESPACE, f"{path}\0{attempt}"))


def natural_identity(claim: IdentityClaim) -> tuple[int, str]:
    """What a file gets when nothing conflicts: what it declares, else its derived values."""
    return (
        claim.explicit_id or derived_id(claim.path),
        claim.explicit_uuid or derived_uuid(claim.path),
    )


def resolve_identities(claims: Iterable[IdentityClaim]) -> Identities:
    """Settle every file's ID and UUID by the rules in this module's docstring."""
    ordered = sorted(claims, key=lambda c: (c.is_draft, c.path))
    result = Identities()
    result.ids = _settle(ordered, lambda c: c.explicit_id, derived_id, "Entry-ID", result.problems)
    result.uuids = _settle(
        ordered, lambda c: c.explicit_uuid, derived_uuid, "UUID", result.problems
    )
    return result


def _settle(
    ordered: list[IdentityClaim],
    declared: Callable[[IdentityClaim], T | None],
    derive: Callable[[str, int], T],
    header: str,
    problems: list[Problem],
) -> dict[str, T]:
    owners: dict[T, str] = {}
    unclaimed: list[IdentityClaim] = []
    for claim in ordered:
        value = declared(claim)
        if value is None:
            unclaimed.append(claim)
        elif value in owners:
            problems.append(
                Problem(
                    claim.path,
                    f"{header} {value} is also declared by {owners[value]}, which keeps it; "
                    f"this file gets a derived {header} (run `octavo stamp` to write it)",
                    severity=Severity.WARNING,
                )
            )
            unclaimed.append(claim)
        else:
            owners[value] = claim.path
    for claim in sorted(unclaimed, key=lambda c: c.path):
        attempt = 0
        while (candidate := derive(claim.path, attempt)) in owners:
            attempt += 1
        owners[candidate] = claim.path
    return {path: value for value, path in owners.items()}
