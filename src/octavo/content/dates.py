"""Entry dates: parsing, the site's timezone, and the three stored forms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class EntryDate:
    """One date in the forms the index needs.

    `local` is the naive wall-clock time in the date's own offset: ordering,
    date filters and pagination use it, as Publ does.
    """

    moment: dt.datetime

    @property
    def utc_timestamp(self) -> int:
        return int(self.moment.timestamp())

    @property
    def local(self) -> dt.datetime:
        return self.moment.replace(tzinfo=None)

    @property
    def display(self) -> str:
        return self.moment.isoformat()


def resolve_timezone(value: object) -> dt.tzinfo:
    """Accept a tzinfo, an IANA name, or None (the machine's local zone)."""
    if value is None:
        local = dt.datetime.now().astimezone().tzinfo
        assert local is not None
        return local
    if isinstance(value, dt.tzinfo):
        return value
    if isinstance(value, str):
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r} in config key 'timezone'") from None
    raise ValueError(f"config key 'timezone' must be a name or tzinfo, not {type(value).__name__}")


def parse_date(value: str, site_tz: dt.tzinfo) -> EntryDate:
    """Parse an ISO-8601-like date; a value without an offset is in the site's timezone."""
    text = value.strip()
    try:
        # The standard library covers the common ISO forms ten times faster than arrow,
        # whose parser remains the reference for everything else Publ accepts.
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        from arrow.parser import DateTimeParser, ParserError  # rarely needed; slow to import

        try:
            moment = DateTimeParser().parse_iso(text)
        except (ParserError, ValueError) as err:
            raise ValueError(f"unparseable date {text!r}: {err}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=site_tz)
    return EntryDate(moment)


def stamp_text(iso: str) -> str:
    """Rewrite a stored ISO date in the shape Publ writes: ``2026-11-26 17:28:35+00:00``."""
    return dt.datetime.fromisoformat(iso).isoformat(sep=" ", timespec="seconds")


def from_timestamp(timestamp: float, site_tz: dt.tzinfo) -> EntryDate:
    """A file-time fallback date, shown in the site's timezone."""
    return EntryDate(dt.datetime.fromtimestamp(int(timestamp), tz=site_tz))
