"""ETags, 304s and Cache-Control (§8), with B16 fixed: entry pages get the same
quoted, strong ETag as category pages and keep it on a 304."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import Site

STRONG_ETAG = re.compile(r'^"[0-9a-f]{32}"$')
PAGES = ["/", "/blog/", "/feed", "/sitemap", "/1-Hello-World", "/blog/travel/10-A-Trip"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_a_quoted_strong_etag(routes: Site, path: str) -> None:
    response = routes.get(path)
    assert response.status_code == 200
    assert STRONG_ETAG.match(response.headers["ETag"]), response.headers["ETag"]
    assert routes.get(path).headers["ETag"] == response.headers["ETag"]  # stable


@pytest.mark.parametrize("path", PAGES)
def test_matching_if_none_match_gives_304_with_the_etag(routes: Site, path: str) -> None:
    etag = routes.get(path).headers["ETag"]
    response = routes.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["ETag"] == etag
    assert response.get_data() == b""


@pytest.mark.parametrize("path", ["/", "/1-Hello-World"])
def test_other_if_none_match_gives_the_page(routes: Site, path: str) -> None:
    response = routes.get(path, headers={"If-None-Match": '"0123456789abcdef0123456789abcdef"'})
    assert response.status_code == 200
    assert response.get_data()


def test_etag_follows_the_content(routes: Site) -> None:
    assert routes.get("/").headers["ETag"] != routes.get("/blog/").headers["ETag"]
    atom = routes.get("/feed", accept="application/atom+xml").headers["ETag"]
    assert atom != routes.get("/feed").headers["ETag"]  # the RSS variant
    assert atom == routes.get("/feed.atom").headers["ETag"]


def test_etag_changes_when_an_entry_changes(fresh_site) -> None:
    site = fresh_site("routes")
    before = site.get("/1-Hello-World").headers["ETag"]
    feed = site.get("/feed").headers["ETag"]
    listing = site.get("/").headers["ETag"]
    path = site.root / "content" / "hello.md"
    path.write_text(path.read_text().replace("Title: Hello World", "Title: Hello Again"))
    site.rescan()
    response = site.get("/1-Hello-World", headers={"If-None-Match": before})
    assert response.status_code == 301  # the slug changed with the title
    response = site.get("/1-Hello-Again", headers={"If-None-Match": before})
    assert response.status_code == 200
    assert response.headers["ETag"] != before
    assert site.get("/feed", headers={"If-None-Match": feed}).status_code == 200
    # the ETag is the digest of the page: a listing printing only IDs has not changed
    assert site.get("/", headers={"If-None-Match": listing}).status_code == 304


def test_cache_control_is_public(routes: Site) -> None:
    for path in PAGES:
        assert routes.get(path).headers["Cache-Control"] == "public"


def test_cache_control_max_age_from_the_cache_timeout(fresh_site) -> None:
    site = fresh_site("routes", cache={"CACHE_TYPE": "NullCache", "CACHE_DEFAULT_TIMEOUT": 300})
    for path in ("/", "/1-Hello-World"):
        assert site.get(path).headers["Cache-Control"] == "public, max-age=300"


def test_no_last_modified_on_pages(routes: Site) -> None:
    for path in PAGES:
        assert "Last-Modified" not in routes.get(path).headers
