"""Date specs of category views (Publ §3.6): ``2024``, ``2024-05``, ``2024-05-17``,
``20240517_w`` (the week holding that day)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_SPEC = re.compile(r"^(\d{4})(?:-?(\d{1,2}))?(?:-?(\d{1,2}))?(_w)?$")
_FORMATS = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


class InvalidDate(ValueError):
    """A date spec that names no day, month, year or week (answered with 400)."""


@dataclass(frozen=True)
class DateSpan:
    """A span of local wall-clock time: [start, end)."""

    start: dt.datetime
    end: dt.datetime
    kind: str  # 'year', 'month', 'day' or 'week'

    def label(self, moment: dt.datetime) -> str:
        """A spec naming the span of the same kind that holds `moment` (for weeks, Publ
        names the day itself rather than its Monday)."""
        if self.kind == "week":
            return moment.strftime("%Y%m%d") + "_w"
        return moment.strftime(_FORMATS[self.kind])


def parse_date_spec(value: str) -> DateSpan:
    """Parse a date spec; anything else ISO-like counts as a day."""
    text = value.strip()
    match = _SPEC.match(text)
    try:
        if match:
            year, month, day, week = match.groups()
            if week:
                return _week(dt.date(int(year), int(month or 1), int(day or 1)))
            if day:
                return _day(dt.date(int(year), int(month), int(day)))
            if month:
                start = dt.datetime(int(year), int(month), 1)
                end = dt.datetime(start.year + start.month // 12, start.month % 12 + 1, 1)
                return DateSpan(start, end, "month")
            start = dt.datetime(int(year), 1, 1)
            return DateSpan(start, start.replace(year=start.year + 1), "year")
        return _day(dt.date.fromisoformat(text[:10]))
    except (ValueError, OverflowError):
        raise InvalidDate(f"invalid date {value!r}") from None


def _day(day: dt.date) -> DateSpan:
    start = dt.datetime.combine(day, dt.time())
    return DateSpan(start, start + dt.timedelta(days=1), "day")


def _week(day: dt.date) -> DateSpan:
    start = dt.datetime.combine(day - dt.timedelta(days=day.weekday()), dt.time())
    return DateSpan(start, start + dt.timedelta(days=7), "week")
