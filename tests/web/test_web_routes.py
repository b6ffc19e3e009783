"""Routing beyond the shared table (§2): static files, private entries, aliases on
a changing site. Status and Location of each route row are in cases.REQUESTS."""

from __future__ import annotations

import pytest

from tests.web.conftest import Site, normalise

PRIVATE_TITLE = "Secret"
PRIVATE_UUID = "00000000-0000-4000-8000-000000000050"


def test_static_files_are_served_with_their_type(routes: Site) -> None:
    response = routes.get("/static/style.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert response.get_data(as_text=True) == "body { color: #333; }\n"
    assert routes.get("/static/sub/file.txt").mimetype == "text/plain"


def test_static_url_path_moves_static_files_and_the_static_global(fresh_site) -> None:
    site = fresh_site("routes", static_url_path="/assets")
    assert site.get("/assets/style.css").status_code == 200
    assert site.get("/static/style.css").status_code == 404
    assert site.render("/", "{{ static('style.css') }}") == "/assets/style.css"


@pytest.mark.parametrize("path", ["/private/50-Secret", "/50", "/private/50", "/secret-alias"])
def test_private_entry_answers_401_without_its_content(routes: Site, path: str) -> None:
    response = routes.get(path)
    assert response.status_code == 401
    text = response.get_data(as_text=True)
    assert PRIVATE_TITLE not in text
    assert "hush" not in text
    assert "private, no-cache" in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    "path",
    ["/", "/private/", "/feed", "/feed.xml", "/feed.atom", "/feed.rss", "/sitemap", "/?tag=hush"],
)
def test_private_entry_is_in_no_listing_feed_or_sitemap(routes: Site, path: str) -> None:
    text = routes.text(path)
    assert "/50" not in text
    assert PRIVATE_UUID not in text
    assert PRIVATE_TITLE not in text


def test_private_entry_is_never_a_link_target(routes: Site) -> None:
    out = routes.render(
        "/",
        "{{ get_entry(50) }} | {{ get_entry(51).next.id }} | {{ get_entry(52).previous.id }} | "
        "{% for e in get_view(category='private') %}{{ e.id }} {% endfor %}| "
        "{% for t in get_entry(51).category.tags %}{{ t.name }} {% endfor %}",
    )
    assert out == "None | 52 | 51 | 52 51 |"


def test_hidden_and_future_entries_are_only_reachable_directly(routes: Site) -> None:
    listing = normalise(routes.text("/status/"))
    assert listing.endswith("ids: 40")  # 31 hidden, 35 scheduled later, 37 unlisted: not listed
    assert routes.get("/status/31-Hidden").status_code == 200
    assert routes.get("/status/35-Future").status_code == 200


def test_entry_in_a_renamed_category_redirects_to_the_new_url(fresh_site) -> None:
    site = fresh_site("routes")
    assert site.get("/blog/travel/10-A-Trip").status_code == 200
    path = site.root / "content" / "blog" / "travel" / "trip.md"
    path.write_text(path.read_text().replace("Title: A Trip", "Title: A Trip\nCategory: blog"))
    site.rescan()
    response = site.get("/blog/travel/10-A-Trip")
    assert response.status_code == 301
    assert response.headers["Location"] == "/blog/10-A-Trip"


def test_alias_of_a_redirecting_entry_goes_straight_to_the_target(routes: Site) -> None:
    response = routes.get("/go-elsewhere?x=1")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://example.com/elsewhere"


def test_mounted_entry_is_not_redirected_to_its_canonical_url(routes: Site) -> None:
    for path in ("/mounted/here", "/mounted/alt", "/pages/canonical-page"):
        response = routes.get(path)
        assert response.status_code == 200, path
        assert "Location" not in response.headers


def test_entry_ids_in_urls_are_numbers_only(routes: Site) -> None:
    assert routes.get("/1x-Hello-World").status_code == 404
    assert routes.get("/-1-Hello-World").status_code == 404


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/notes", None),  # an extension no table knows: Publ sends no type
        ("/special/api", "application/vnd.api+json"),  # configured, not text: no charset
        ("/data", "application/x-yaml"),
        ("/special/thing", "text/x-special; charset=utf-8"),
        ("/style", "text/css; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
    ],
)
def test_template_content_type_is_publs(routes: Site, path: str, content_type: str | None) -> None:
    """Text types name UTF-8; other types go bare; an unknown extension gets no header."""
    response = routes.get(path)
    assert response.status_code == 200
    assert response.headers.get("Content-Type") == content_type
