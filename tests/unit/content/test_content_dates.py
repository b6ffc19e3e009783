"""octavo.content.dates: parsing entry dates and the site timezone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from octavo.content.dates import (
    EntryDate,
    from_timestamp,
    parse_date,
    resolve_timezone,
    stamp_text,
)

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC


def utc_epoch(*args: int) -> int:
    return int(dt.datetime(*args, tzinfo=UTC).timestamp())


def test_offset_is_kept_and_local_is_wall_clock_as_written():
    date = parse_date("2024-03-01 12:30:00-08:00", PARIS)
    assert date.local == dt.datetime(2024, 3, 1, 12, 30)
    assert date.moment.utcoffset() == dt.timedelta(hours=-8)
    assert date.utc_timestamp == utc_epoch(2024, 3, 1, 20, 30)
    assert date.display == "2024-03-01T12:30:00-08:00"


def test_z_suffix_is_utc():
    date = parse_date("2024-03-01T12:00:00Z", PARIS)
    assert date.moment.utcoffset() == dt.timedelta(0)
    assert date.utc_timestamp == utc_epoch(2024, 3, 1, 12)


def test_naive_date_is_in_site_timezone():
    date = parse_date("2024-03-01 12:00:00", PARIS)  # Paris is UTC+1 in March before DST
    assert date.local == dt.datetime(2024, 3, 1, 12, 0)
    assert date.utc_timestamp == utc_epoch(2024, 3, 1, 11)
    assert date.moment.utcoffset() == dt.timedelta(hours=1)


def test_naive_date_follows_site_dst():
    date = parse_date("2024-07-01 12:00:00", PARIS)  # summer time, UTC+2
    assert date.utc_timestamp == utc_epoch(2024, 7, 1, 10)


def test_naive_date_in_another_site_zone():
    date = parse_date("2024-03-01 12:00:00", ZoneInfo("America/New_York"))
    assert date.utc_timestamp == utc_epoch(2024, 3, 1, 17)


def test_date_only():
    date = parse_date("2024-03-01", UTC)
    assert date.local == dt.datetime(2024, 3, 1)
    assert date.utc_timestamp == utc_epoch(2024, 3, 1)


def test_surrounding_whitespace_ignored():
    assert parse_date("  2024-03-01T00:00:00+00:00  ", PARIS).utc_timestamp == utc_epoch(2024, 3, 1)


@pytest.mark.parametrize(
    "value",
    ["2024-03-01T12:00", "2024-03-01 12:00:00.250000+00:00", "2024-03-01T12:00:00+0000"],
)
def test_iso_variants_parse(value):
    date = parse_date(value, UTC)
    assert date.utc_timestamp == utc_epoch(2024, 3, 1, 12)


@pytest.mark.parametrize("value", ["now", "yesterday", "not a date", "2024-13-45", ""])
def test_unparseable_raises_value_error(value):
    with pytest.raises(ValueError):
        parse_date(value, UTC)


def test_entry_date_forms_are_consistent():
    moment = dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    date = EntryDate(moment)
    assert date.local == dt.datetime(2020, 1, 2, 3, 4, 5)
    assert date.local.tzinfo is None
    assert date.utc_timestamp == utc_epoch(2020, 1, 1, 22, 4, 5)
    assert dt.datetime.fromisoformat(date.display) == moment


def test_from_timestamp_is_in_site_timezone():
    date = from_timestamp(1_700_000_000.75, PARIS)
    assert date.utc_timestamp == 1_700_000_000
    assert date.moment.utcoffset() == dt.timedelta(hours=1)
    assert date.local == dt.datetime(2023, 11, 14, 23, 13, 20)


def test_stamp_text_format():
    assert stamp_text("2024-03-01T12:30:00-08:00") == "2024-03-01 12:30:00-08:00"
    assert stamp_text("2024-03-01T12:30:00+00:00") == "2024-03-01 12:30:00+00:00"


def test_resolve_timezone_name():
    assert resolve_timezone("Europe/Paris") == PARIS


def test_resolve_timezone_tzinfo_passes_through():
    zone = dt.timezone(dt.timedelta(hours=3))
    assert resolve_timezone(zone) is zone


def test_resolve_timezone_none_is_the_local_zone():
    zone = resolve_timezone(None)
    assert isinstance(zone, dt.tzinfo)
    now = dt.datetime.now()
    assert now.replace(tzinfo=zone).utcoffset() == now.astimezone().utcoffset()


@pytest.mark.parametrize("value", ["Not/AZone", "Mars/Olympus_Mons", "", "../etc/passwd"])
def test_resolve_timezone_unknown_name(value):
    with pytest.raises(ValueError, match="timezone"):
        resolve_timezone(value)


@pytest.mark.parametrize("value", [5, 1.5, ["Europe/Paris"]])
def test_resolve_timezone_wrong_type(value):
    with pytest.raises(ValueError, match="timezone"):
        resolve_timezone(value)
