"""Feeds and sitemaps built on the view API (§10), parsed with a real feed parser.

The expected entries, links and order were checked against Publ 0.8.19 on the
same fixture (tests/web/publ_reference.py get routes /feed.xml ...), except the
links of Redirect-To entries, which Publ also resolves in ``entry.link``.
"""

from __future__ import annotations

import calendar
import xml.etree.ElementTree as ET

import feedparser
import pytest

from tests.web.conftest import Site

HOST = "http://localhost"
#: The routes site's listed entries, newest first (drafts, hidden, future, gone,
#: attachment-status and private entries excluded).
LISTED = [90, 80, 71, 70, 60, 52, 51, 40, 22, 21, 20, 10, 13, 12, 11, 5, 4, 3, 2, 1]
NOT_LISTED = [30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 41, 50, 72, 73, 74]
LINKS = {
    1: "/1-Hello-World",
    2: "/2",
    4: "/4-Caf%C3%A9-Ol%C3%A9",
    10: "/blog/travel/10-A-Trip",
    13: "/pages/canonical-page",
    20: "/1-Hello-World",  # Redirect-To: 1
    21: "/1-Hello-World",  # Redirect-To: ../hello.md
    22: "https://example.com/elsewhere",
}
SITEMAP = [
    "/",
    "/aliased/",
    "/blog/",
    "/blog/travel/",
    "/private/",
    "/redirects/",
    "/special/",
    "/status/",
    "/strict/",
    "/strict/inner/",
    "/themed/",
    "/special/90-Special",
    "/themed/80-Themed-Entry",
    "/strict/inner/71-Strict-B",
    "/strict/70-Strict-A",
    "/aliased/60-Aliased-One",
    "/private/52-After",
    "/private/51-Open",
    "/status/40-Normal",
    "/redirects/22-To-URL",
    "/redirects/21-To-File",
    "/redirects/20-To-ID",
    "/blog/travel/10-A-Trip",
    "/pages/canonical-page",
    "/blog/12-Mounted",
    "/blog/11-A-Post",
    "/5-Private-Template",
    "/4-Caf%C3%A9-Ol%C3%A9",
    "/3-Plain-Text-Entry",
    "/2",
    "/1-Hello-World",
]


def urn(entry_id: int) -> str:
    return f"urn:uuid:00000000-0000-4000-8000-{entry_id:012d}"


def absolute(link: str) -> str:
    return link if link.startswith("https:") else HOST + link


def parse(site: Site, path: str, accept: str | None = None) -> feedparser.FeedParserDict:
    response = site.get(path, accept=accept)
    assert response.status_code == 200
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize(
    ("path", "accept", "version", "title"),
    [
        ("/feed.xml", None, "atom10", "Route Fixture (xml)"),
        ("/feed.atom", None, "atom10", "Route Fixture (atom)"),
        ("/feed", "application/atom+xml", "atom10", "Route Fixture (atom)"),
        ("/feed.rss", None, "rss20", "Route Fixture (rss)"),
        ("/feed", None, "rss20", "Route Fixture (rss)"),
    ],
)
def test_feed_lists_the_public_entries_newest_first(
    routes: Site, path: str, accept: str | None, version: str, title: str
) -> None:
    feed = parse(routes, path, accept)
    assert feed.version == version
    assert feed.feed.title == title
    assert [e.id for e in feed.entries] == [urn(i) for i in LISTED]
    for hidden in NOT_LISTED:
        assert urn(hidden) not in {e.id for e in feed.entries}


@pytest.mark.parametrize("path", ["/feed.atom", "/feed.rss"])
def test_feed_links_and_dates(routes: Site, path: str) -> None:
    entries = {e.id: e for e in parse(routes, path).entries}
    for entry_id, link in LINKS.items():
        assert entries[urn(entry_id)].link == absolute(link)
    hello = entries[urn(1)]
    assert hello.title == "Hello World"
    assert calendar.timegm(hello.published_parsed) == calendar.timegm(
        (2020, 1, 1, 12, 0, 0, 0, 0, 0)
    )
    assert "Hello body." in (hello.get("summary") or hello.content[0].value)


def test_atom_details(routes: Site) -> None:
    feed = parse(routes, "/feed.atom")
    assert feed.feed.id == HOST + "/"
    assert {link.rel: link.href for link in feed.feed.links}["self"] == HOST + "/feed"
    assert feed.feed.updated == "2021-06-01T08:00:00+00:00"  # entry 2's Last-Modified
    entries = {e.id: e for e in feed.entries}
    assert entries[urn(2)].updated == "2021-06-01T08:00:00+00:00"
    assert entries[urn(2)].published == "2020-01-02T12:00:00+00:00"
    assert [t.term for t in entries[urn(1)].tags] == ["Greeting", "News", "greeting"]


def test_atom_tombstones_for_gone_entries(routes: Site) -> None:
    root = ET.fromstring(routes.get("/feed.atom").get_data())
    tombstone = "{http://purl.org/atompub/tombstones/1.0}deleted-entry"
    assert [e.get("ref") for e in root.iter(tombstone)] == [urn(73), urn(38), urn(32)]


def test_category_feed(routes: Site) -> None:
    feed = parse(routes, "/blog/feed.atom")
    assert [e.id for e in feed.entries] == [urn(10), urn(13), urn(12), urn(11)]
    assert {link.rel: link.href for link in feed.feed.links}["self"] == HOST + "/blog/feed"
    assert [e.id for e in parse(routes, "/private/feed.atom").entries] == [urn(52), urn(51)]


def test_sitemap(routes: Site) -> None:
    response = routes.get("/sitemap")
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.get_data())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locs = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert locs == [HOST + path for path in SITEMAP]
    lastmods = [m.text for m in root.findall("s:url/s:lastmod", ns)]
    assert lastmods[-2:] == ["2021-06-01T08:00:00+00:00", "2020-01-01T12:00:00+00:00"]
