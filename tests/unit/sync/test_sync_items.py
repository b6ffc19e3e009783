"""Feed documents read into items; dates keep their offsets; GUIDs fall back predictably."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from octavo.sync.items import NotAFeed, parse_feed, parse_feed_date
from octavo.sync.ledger import Ledger, LedgerError
from octavo.sync.settings import SettingsError, feed_spec, git_settings, sync_settings

URL = "http://feeds.example/f"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Sat, 04 May 2024 09:30:00 +0200", "2024-05-04T09:30:00+02:00"),
        ("Sat, 04 May 2024 09:30:00 GMT", "2024-05-04T09:30:00+00:00"),
        ("2024-05-04T09:30:00-07:00", "2024-05-04T09:30:00-07:00"),
        ("2024-05-04T09:30:00Z", "2024-05-04T09:30:00+00:00"),
        ("2024-05-04 09:30", "2024-05-04T09:30:00+00:00"),  # no offset: taken as UTC
        ("yesterday-ish", None),
    ],
)
def test_dates_keep_their_offset(raw, expected):
    parsed = parse_feed_date(raw)
    assert (parsed.isoformat() if parsed else None) == expected


def test_guids_fall_back_to_the_link_then_to_a_hash_of_the_item():
    document = {
        "version": "https://jsonfeed.org/version/1",
        "items": [
            {"id": "  spaced  ", "content_text": "a"},
            {"url": "http://x/2", "title": "Two"},
            {"title": "Three", "date_published": "2024-01-01T00:00:00Z"},
            "not an object",
            {"id": 42, "tags": "not a list", "content_html": "<p>h</p>", "content_text": "t"},
        ],
    }
    parsed = parse_feed(json.dumps(document).encode(), "application/feed+json", URL)
    guids = [item.guid for item in parsed.items]
    assert guids[:2] == ["spaced", "http://x/2"]
    assert guids[2].startswith("sha256:") and len(guids[2]) == 71
    assert [item.guid_declared for item in parsed.items] == [True, False, False, True]
    assert parsed.warnings == [f"{URL}: item 3 is not an object; skipped"]
    last = parsed.items[-1]
    assert (last.guid, last.tags, last.html, last.text) == ("42", (), "<p>h</p>", None)
    assert parsed.items[2].date == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def test_a_body_that_looks_like_a_path_is_not_opened(tmp_path):
    secret = tmp_path / "feed.xml"
    secret.write_text(
        '<rss version="2.0"><channel><item><title>local</title></item></channel></rss>'
    )
    with pytest.raises(NotAFeed):
        parse_feed(str(secret).encode(), "application/xml", URL)


def test_settings_name_what_is_wrong():
    def error(**raw: object) -> str:
        with pytest.raises(SettingsError) as caught:
            feed_spec({"url": URL, "category": "c", **raw}, "/site")
        return str(caught.value)

    assert error(url="ftp://x/f") == "'url' must be an http or https URL, not 'ftp://x/f'"
    assert "leaves the content folder" in error(category="a/../../b")
    assert "leaves the content folder" in error(category="a/.git")
    assert "must be a folder of the content folder" in error(category="C:/Windows")
    assert error(interval=5) == "'interval' must be at least 60, not 5"
    assert error(interval="often") == "'interval' must be a number, not 'often'"
    assert error(status="GONE") == "'status' must be one of PUBLISHED, DRAFT, HIDDEN, not 'GONE'"
    assert error(colour="red") == "unknown keys 'colour'"
    assert error(category=None).startswith("'category' is required")
    spec = feed_spec({"url": URL, "category": "/photos//2024/", "git_push": True}, "/site")
    assert (spec.category, spec.git_commit, spec.git_push) == ("photos/2024", True, True)
    with pytest.raises(SettingsError, match="'syndicate', feed 2: 'url' must be"):
        sync_settings({"syndicate": [{"url": URL, "category": "a"}, {"category": "b"}]}, "/")
    with pytest.raises(SettingsError, match="the same feed and category twice"):
        sync_settings({"syndicate": [{"url": URL, "category": "a"}] * 2}, "/")
    author = git_settings({"git_author": "Site Bot <bot@example.com>", "git_branch": "live"})
    assert (author.author_name, author.author_email, author.branch) == (
        "Site Bot",
        "bot@example.com",
        "live",
    )
    with pytest.raises(SettingsError, match="'git_author' must look like 'Name <email>'"):
        git_settings({"git_author": "nobody"})


def test_an_unreadable_ledger_stops_the_import_of_its_folder(tmp_path):
    (tmp_path / ".octavo-import.json").write_text("{ half")
    with pytest.raises(LedgerError, match="cannot read the import ledger"):
        Ledger.load(str(tmp_path))
    (tmp_path / ".octavo-import.json").write_text('{"version": 7, "items": {}}')
    with pytest.raises(LedgerError, match="unknown version 7"):
        Ledger.load(str(tmp_path))
