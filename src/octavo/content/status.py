"""Publish statuses and what each one means for listings and direct URLs."""

from __future__ import annotations

from enum import IntEnum


class Status(IntEnum):
    """An entry's publish status; the integer values match Publ's."""

    DRAFT = 0
    HIDDEN = 1
    PUBLISHED = 2
    SCHEDULED = 3
    GONE = 4
    ILLEGAL = 5
    TEAPOT = 6
    ATTACHMENT = 7

    @property
    def http_status(self) -> int:
        """The status code of the entry's own URL."""
        return _HTTP_STATUS.get(self, 200)


_ALIASES: dict[str, Status] = {
    "DRAFT": Status.DRAFT,
    "HIDDEN": Status.HIDDEN,
    "UNLISTED": Status.HIDDEN,
    "PUBLISHED": Status.PUBLISHED,
    "SCHEDULED": Status.SCHEDULED,
    "GONE": Status.GONE,
    "DELETED": Status.GONE,
    "ILLEGAL": Status.ILLEGAL,
    "BURNT": Status.ILLEGAL,
    "BURNED": Status.ILLEGAL,
    "DMCA": Status.ILLEGAL,
    "TEAPOT": Status.TEAPOT,
    "ATTACHMENT": Status.ATTACHMENT,
    "ATTACH": Status.ATTACHMENT,
}

_HTTP_STATUS = {Status.DRAFT: 403, Status.GONE: 410, Status.ILLEGAL: 451, Status.TEAPOT: 418}

#: Statuses that count as "visible": reachable by alias, make a category exist.
VISIBLE = frozenset({Status.HIDDEN, Status.PUBLISHED, Status.SCHEDULED, Status.ATTACHMENT})

#: Statuses that can appear in ordinary listings (SCHEDULED only once its date passed).
LISTED = frozenset({Status.PUBLISHED, Status.SCHEDULED})


def parse_status(value: str) -> Status:
    """Parse a ``Status:`` value case-insensitively; raise ValueError naming the choices."""
    try:
        return _ALIASES[value.strip().upper()]
    except KeyError:
        choices = ", ".join(sorted(_ALIASES))
        raise ValueError(f"unknown status {value.strip()!r} (expected one of {choices})") from None
