"""Template selection (§4.8, §4.9): the category walk, extension globbing, Accept
negotiation, template_mimetypes, private templates and Content-Type headers."""

from __future__ import annotations

import pytest

from tests.web.conftest import Site, normalise


@pytest.mark.parametrize(
    ("path", "accept", "mime"),
    [
        ("/", None, "text/html"),
        ("/1-Hello-World", None, "text/html"),
        ("/feed", None, "application/rss+xml"),  # template_mimetypes by extension
        ("/feed", "application/atom+xml", "application/atom+xml"),
        ("/feed", "application/xml", "application/xml"),
        ("/feed.xml", None, "application/xml"),
        ("/feed.atom", None, "application/atom+xml"),
        ("/sitemap", None, "application/xml"),
        ("/data", None, "application/x-yaml"),  # template_mimetypes by extension
        ("/special/api", None, "application/vnd.api+json"),  # ... by basename
        ("/special/thing", None, "text/x-special"),  # ... by relative path
        ("/thing", None, "text/plain"),  # the same basename elsewhere: Python's table
        ("/style", "text/css", "text/css"),
        ("/style", "text/plain", "text/plain"),
    ],
)
def test_content_type_comes_from_the_chosen_template(
    routes: Site, path: str, accept: str | None, mime: str
) -> None:
    response = routes.get(path, accept=accept)
    assert response.status_code == 200
    assert response.mimetype == mime
    if mime.startswith("text/"):
        assert response.mimetype_params.get("charset") == "utf-8"


def test_entry_content_type_header_overrides_the_template_type(routes: Site) -> None:
    """§1.3 Content-Type (the reference, from Publ's 0.8.14 source; 0.8.19 ignores it)."""
    response = routes.get("/3-Plain-Text-Entry")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=us-ascii"
    assert "ENTRY 3 Plain Text Entry" in response.get_data(as_text=True)


def test_the_walk_goes_up_to_the_nearest_folder_with_the_template(routes: Site) -> None:
    assert normalise(routes.text("/blog/travel/")).startswith("BLOG-INDEX blog/travel")
    assert normalise(routes.text("/blog/travel/10-A-Trip")).startswith("BLOG-ENTRY 10")
    assert normalise(routes.text("/aliased/")).startswith("INDEX aliased")
    assert normalise(routes.text("/aliased/60-Aliased-One")).startswith("ENTRY 60")


def test_entry_template_is_looked_up_from_the_request_category(routes: Site) -> None:
    """A mount renders in its entry's category; the alias template is an entry template."""
    assert normalise(routes.text("/mounted/alt")) == "ALT-ENTRY 12 category=blog"


def test_template_names_with_dots_and_exact_files(routes: Site) -> None:
    assert "(xml)" in routes.text("/feed.xml")
    assert "(xml)" in routes.text("/blog/travel/feed.xml")  # walks up from the category
    assert routes.get("/feed.nothing").status_code == 404


@pytest.mark.parametrize("path", ["/_private", "/_themed-index", "/themed/_themed-index"])
def test_private_templates_are_not_reachable_by_url(routes: Site, path: str) -> None:
    response = routes.get(path)
    assert response.status_code == 404
    assert "PRIVATE TEMPLATE" not in response.get_data(as_text=True)
    assert "THEMED-INDEX" not in response.get_data(as_text=True)


def test_private_templates_serve_as_index_entry_and_included_templates(routes: Site) -> None:
    assert normalise(routes.text("/themed/")) == "THEMED-INDEX themed template=_themed-index"
    assert normalise(routes.text("/5-Private-Template")) == "SPECIAL-ENTRY 5 PARTIAL"
    assert routes.render("/", "{% include get_template('_private', '') %}") == "PRIVATE TEMPLATE"


def test_406_when_a_template_exists_in_no_acceptable_type(routes: Site) -> None:
    response = routes.get("/feed", accept="image/png")
    assert response.status_code == 406
    # the error page itself is rendered whatever the client accepts
    assert "ROOT-ERROR 406" in response.get_data(as_text=True)
    assert routes.get("/no-such-template", accept="image/png").status_code == 404


def test_wildcard_accept_picks_by_the_client_order(routes: Site) -> None:
    assert "(atom)" in routes.text("/feed", accept="application/atom+xml, */*;q=0.1")
    assert "(xml)" in routes.text("/feed", accept="application/*;q=0.9, application/xml")
    assert "STYLE-TXT" in routes.text("/style", accept="text/plain, text/*;q=0.5")


def test_missing_entry_template_is_a_400(fresh_site) -> None:
    site = fresh_site("views")
    (site.root / "templates" / "entry.html").unlink()
    response = site.get("/1-Home-note")
    assert response.status_code == 400
    assert site.get("/").status_code == 200


def test_new_templates_are_found_without_a_restart(fresh_site) -> None:
    site = fresh_site("views")
    assert site.get("/log/later").status_code == 404
    (site.root / "templates" / "log").mkdir()
    (site.root / "templates" / "log" / "later.txt").write_text("LATER {{ category.path }}")
    assert site.text("/log/later") == "LATER log"
    assert site.get("/filters/later").status_code == 404
