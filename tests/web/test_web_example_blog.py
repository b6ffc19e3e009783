"""The example site (examples/blog) served as its README describes it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import feedparser
import pytest

from tests.web.conftest import Site

HOST = "http://localhost"
PUBLIC = {101, 102, 201, 202, 203, 301, 302, 303, 401, 501, 502}
NOT_LISTED = {103: "hidden", 204: "draft", 205: "scheduled for 2030", 206: "private"}
UUIDS = {
    103: "78f470d9-77b4-41c5-b6e1-af0107d7d86d",
    204: "68b6b97f-9f30-448b-a00f-6bf449693377",
    205: "ba7a60cf-2ef8-492e-a160-dac1707d8fc1",
    206: "919b4fa3-7a71-4c73-b864-80c76f390426",
}
ENTRY_LINK = re.compile(r'<h2><a href="(/[^"]*?(\d+)-[^"]*)">')
GENERATED_ID = re.compile(r"^\d{12}$")


def walk_listing(site: Site, start: str) -> list[tuple[str, int]]:
    """Follow the 'Older entries' links from `start`; the (link, id) of every entry."""
    found: list[tuple[str, int]] = []
    url: str | None = start
    pages = 0
    while url:
        text = site.text(url)
        found += [(link, int(entry_id)) for link, entry_id in ENTRY_LINK.findall(text)]
        older = re.search(r'<a class="older" href="([^"]+)"', text)
        url = older.group(1).replace("&amp;", "&") if older else None
        pages += 1
        assert pages < 20
    return found


def test_home_page_lists_five_entries_a_page_with_an_older_link(blog: Site) -> None:
    text = blog.text("/")
    assert len(ENTRY_LINK.findall(text)) == 5
    assert 'class="older" href="/?id=' in text
    assert 'class="newer"' not in text
    assert "The Octavo Example Site" in text
    assert '<a href="/projects/">Projects</a>' in text  # Sort-Name puts it first in the menu
    assert text.index("/projects/") < text.index("/blog/") < text.index("/notes/")


def test_paging_reaches_every_public_entry_once(blog: Site) -> None:
    found = walk_listing(blog, "/")
    ids = [entry_id for _link, entry_id in found]
    generated = [i for i in ids if GENERATED_ID.match(str(i))]
    assert len(generated) == 2  # the two entries without Entry-ID
    assert set(ids) - set(generated) == PUBLIC
    assert len(ids) == len(set(ids))
    for entry_id in NOT_LISTED:
        assert entry_id not in ids


def test_category_pages(blog: Site) -> None:
    ids = {entry_id for _link, entry_id in walk_listing(blog, "/blog/travel/")}
    assert ids == {301, 302, 303}  # 303 joins through its Category: header
    ids = {entry_id for _link, entry_id in walk_listing(blog, "/blog/")}
    assert {201, 202, 203, 301, 302, 303} <= ids
    assert not ids & set(NOT_LISTED)
    response = blog.get("/blog/travel")
    assert (response.status_code, response.headers["Location"]) == (301, "/blog/travel/")


def test_tag_filter_from_the_url(blog: Site) -> None:
    text = blog.text("/?tag=markdown")
    ids = {int(entry_id) for _link, entry_id in ENTRY_LINK.findall(text)}
    assert {202, 401} <= ids
    assert 201 not in ids
    assert "Entries tagged" in text


def test_every_listed_entry_page_renders(blog: Site) -> None:
    for link, entry_id in walk_listing(blog, "/"):
        text = blog.text(link)
        assert '<article class="entry">' in text, link
        assert blog.get(f"/{entry_id}").headers["Location"] == link


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/blog/204-Unfinished-thoughts", 403),
        ("/204", 403),
        ("/103-Colophon", 200),
        ("/blog/205-Octavo-1.0-is-out", 200),  # periods stay in slugs
        ("/blog/206-A-note-for-friends", 401),
        ("/206", 401),
        ("/old-blog/welcome.html", 301),
        ("/no-such-page", 404),
        ("/static/style.css", 200),
    ],
)
def test_statuses(blog: Site, path: str, status: int) -> None:
    assert blog.get(path).status_code == status


def test_alias_and_error_page(blog: Site) -> None:
    response = blog.get("/old-blog/welcome.html")
    assert response.headers["Location"] == "/101-Welcome-to-the-Octavo-example-site"
    text = blog.get("/no-such-page").get_data(as_text=True)
    assert "There is nothing at this address" in text
    text = blog.get("/blog/206-A-note-for-friends").get_data(as_text=True)
    assert "only for signed-in readers" in text
    assert "Thank you for testing" not in text


def test_entry_page(blog: Site) -> None:
    text = blog.text("/blog/travel/302-Notes-from-the-night-train")
    assert "<h1>Notes from the night train</h1>" in text
    # a naive Date is in the site's time zone (Europe/Paris), not UTC (B12)
    assert '<time datetime="2024-08-23T22:10:00+02:00">' in text
    assert "Written somewhere between two stations" in text
    assert "Sleeper" not in text  # a Hidden-Tag is not listed
    assert '<a href="/?tag=travel">travel</a>' in text
    assert 'class="previous" href="/blog/travel/301-The-river-at-dawn"' in text
    assert 'class="next" href="/blog/travel/303-A-packing-list-that-works"' in text


def test_feeds(blog: Site) -> None:
    for path in ("/feed", "/blog/feed", "/notes/feed"):
        response = blog.get(path)
        assert response.status_code == 200
        feed = feedparser.parse(response.get_data())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        assert feed.version == "atom10"
        assert feed.entries
        ids = {e.id for e in feed.entries}
        for uuid in UUIDS.values():
            assert f"urn:uuid:{uuid}" not in ids
    feed = feedparser.parse(blog.get("/feed").get_data())
    assert len(feed.entries) == len(PUBLIC) + 2
    assert feed.entries[0].link == HOST + "/projects/502-Making-this-example-site"
    assert {link.rel: link.href for link in feed.feed.links}["self"] == HOST + "/feed"
    travel = feedparser.parse(blog.get("/blog/travel/feed").get_data())
    assert [e.link for e in travel.entries] == [
        HOST + "/blog/travel/303-A-packing-list-that-works",
        HOST + "/blog/travel/302-Notes-from-the-night-train",
        HOST + "/blog/travel/301-The-river-at-dawn",
    ]


def test_sitemap(blog: Site) -> None:
    root = ET.fromstring(blog.get("/sitemap").get_data())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text or "" for loc in root.findall("s:url/s:loc", ns)]
    assert locs[:5] == [HOST + p for p in ("/", "/projects/", "/blog/", "/blog/travel/", "/notes/")]
    entries = locs[5:]
    assert len(entries) == len(PUBLIC) + 2
    for entry_id in NOT_LISTED:
        assert not any(re.search(rf"/{entry_id}-", loc) for loc in entries)
    for loc in entries:
        assert blog.get(loc[len(HOST) :]).status_code == 200, loc


def test_served_identities_and_rendition_names_are_pinned(fresh_site) -> None:
    """The URLs a deployed copy of this site serves, computed without Octavo (see the
    pinned-value tests of identity and naming for the commands): the derived IDs and
    UUIDs of the two files without headers, and the rendition of river-dawn.jpg."""
    site = fresh_site("blog", timezone="Europe/Paris", secret_key="pinned-secret")
    listing = " ".join(link for link, _id in walk_listing(site, "/"))
    assert "/blog/221581500354-" in listing  # blog/a-quick-note.md
    assert "/notes/179080484154-" in listing  # notes/template-objects.md
    feed = site.text("/feed")
    assert "urn:uuid:242661a6-faa9-5ba3-8759-34434fa4fd99" in feed  # blog/a-quick-note.md
    page = site.text("/blog/travel/")
    assert (
        "/_img/fd/82d8/91dc347c85240b15d4607dc750_640x427_c0-0-1200-800_bb2f37efebfd6d48.jpg"
        in page
    )


def test_two_sites_in_one_process_keep_their_own_renders(blog: Site, fresh_site) -> None:
    """The render memo is process-wide: the same entry on a site with another secret key
    must show that site's rendition names, not the first site's."""
    first = re.findall(r"/_img/[^\"' ]+", blog.text("/blog/travel/"))
    other = fresh_site("blog", timezone="Europe/Paris", secret_key="another-secret")
    second = re.findall(r"/_img/[^\"' ]+", other.text("/blog/travel/"))
    assert first and second
    assert not set(first) & set(second)


def test_search_page(blog: Site) -> None:
    page = blog.text("/search?q=river+bridge")
    assert [int(i) for _, i in ENTRY_LINK.findall(page)] == [301]
    assert "<mark>bridge</mark>" in page and "1 entry matches" in page
    private = blog.text("/search?q=testing+builds")
    assert ENTRY_LINK.findall(private) == [] and "early builds" not in private
    assert "Some matching entries are private" in private
    assert "No entry matches" in blog.text('/search?q="unbalanced+NEAR(')
    assert 'name="q"' in blog.text("/")
