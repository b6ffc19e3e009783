"""What a visitor controls (the query string, the path, the Host and Accept headers)
never chooses how a URL is built, never breaks a page and never reaches a shared cache
under the wrong key (issue 9, "Visitors")."""

from __future__ import annotations

import pytest
from markupsafe import Markup, escape

from octavo.images.signing import Signer
from octavo.markup.entry import SECTIONS
from octavo.web.app import StartupError
from tests.web.conftest import Site

EVIL = "evil.example"


def probe_as(site: Site, host: str, template: str) -> str:
    """A probe template's output for a request with this Host header."""
    page = site.probe("/", template).request.path
    response = site.get(page, headers={"Host": host})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def raw_get(site: Site, path: str, query: bytes, **headers: str):
    """A request whose query string carries exactly these bytes (not percent-encoded)."""
    return site.client.get(
        path, headers=headers, environ_overrides={"QUERY_STRING": query.decode("latin-1")}
    )


# --- 1. the query string never reaches url_for ------------------------------------------


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("category=x", "category=x"),
        ("template=x", "template=x"),
        ("_external=1", "_external=1"),
        ("_scheme=ftp", "_scheme=ftp"),
        ("_method=POST", "_method=POST"),
        ("absolute=1", "absolute=1"),
        ("_anchor=x", "_anchor=x"),
        ("endpoint=x&values=y", "endpoint=x&values=y"),
        ("tag=a&tag=b&date=2020", "tag=a&tag=b&date=2020"),
        ("%FF=%00&a=%zz", "%FF=%00&a=%25zz"),
        ("a=b c", "a=b%20c"),
    ],
)
def test_the_trailing_slash_redirect_keeps_the_query_string_verbatim(
    routes: Site, query: str, kept: str
) -> None:
    response = routes.get(f"/blog?{query}", headers={"Host": EVIL})
    assert response.status_code == 301, response.get_data(as_text=True)[:300]
    assert response.headers["Location"] == f"/blog/?{kept}"


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/blog", "/blog/?%FF=%FE&x=%C3%A9"),
        ("/1", "/1-Hello-World?%FF=%FE&x=%C3%A9"),
    ],
)
def test_redirects_keep_raw_query_bytes_percent_encoded(
    routes: Site, path: str, location: str
) -> None:
    response = raw_get(routes, path, b"\xff=\xfe&x=\xc3\xa9")
    assert response.status_code == 301
    assert response.headers["Location"] == location


@pytest.mark.parametrize("path", ["/", "/blog/", "/feed", "/1-Hello-World", "/sitemap"])
def test_raw_bytes_in_the_query_string_are_not_a_500(routes: Site, path: str) -> None:
    for query in (b"\xff", b"tag=\xff", b"date=\xfe&id=\xff", b"id=1&\x00=\x00"):
        assert raw_get(routes, path, query).status_code in (200, 400), (path, query)


def test_login_links_follow_each_request(routes: Site) -> None:
    """``login`` is a template global: its value must not be kept from another page."""
    first = routes.probe("/", "{{ login }}").get_data(as_text=True)
    second = routes.probe("/blog/", "{{ login }}").get_data(as_text=True)
    assert first.startswith("/_login/probe-") and second.startswith("/_login/blog/probe-")


def test_login_links_survive_raw_query_bytes(routes: Site) -> None:
    routes.probe("/", "{{ login }}")  # writes the probe template
    page = routes.probe("/", "{{ login }}").request.path
    response = raw_get(routes, page, b"a=\xff")
    assert response.status_code == 200
    # the query is kept as its percent-encoding, then encoded once more as a path value
    assert response.get_data(as_text=True) == f"/_login{page}%3Fa=%25FF"


# --- 2. signatures of any shape are refused, not a 500 ----------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/_file/%C3%A9/x",
        "/_file/%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9/hello.md",
        "/_file/%F0%9F%92%9C/x",
        "/_file/zzzzzzzzzz/x",
        "/_file/0123456789abcdef/x",
    ],
)
def test_asset_names_with_foreign_signatures_are_404(routes: Site, path: str) -> None:
    assert routes.get(path).status_code == 404


def test_signer_refuses_signatures_of_the_wrong_shape() -> None:
    signer = Signer("secret", "asset", length=10)
    good = signer.sign("blog/file.pdf")
    assert signer.valid("blog/file.pdf", good)
    for bad in ("é" * 10, good.upper(), good[:-1], good + "0", "", "g" * 10, "\x00" * 10):
        assert not signer.valid("blog/file.pdf", bad), bad
    assert signer.valid("blög/fïle.pdf", signer.sign("blög/fïle.pdf"))


# --- 3. shared caches and hosts ---------------------------------------------------------


@pytest.mark.parametrize("path", ["/feed", "/blog/feed"])
def test_pages_negotiated_by_accept_vary_on_accept(routes: Site, path: str) -> None:
    atom = routes.get(path, accept="application/atom+xml")
    rss = routes.get(path, accept="application/rss+xml")
    assert atom.headers["Content-Type"] != rss.headers["Content-Type"]
    for response in (atom, rss):
        assert "Accept" in response.headers.get("Vary", ""), response.headers
    etag = atom.headers["ETag"]
    not_modified = routes.get(path, accept="application/atom+xml", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert "Accept" in not_modified.headers.get("Vary", "")


@pytest.mark.parametrize("path", ["/", "/blog/", "/1-Hello-World"])
def test_pages_with_one_format_do_not_vary(routes: Site, path: str) -> None:
    """A template found in one format gives the same page whatever the Accept header."""
    response = routes.get(path)
    assert response.status_code == 200
    assert "Accept" not in response.headers.get("Vary", "")


SITE_URL_PROBE = (
    "{{ category.link(absolute=True) }} "
    "{{ get_entry(1).link(absolute=True) }} "
    "{{ get_entry(13).permalink(absolute=True) }} "
    "{{ url_for('category', category='blog', _external=True) }} "
    "{{ static('x.css', absolute=True) }} "
    "{{ get_entry(1).body(absolute=True) }}"
)


def test_a_configured_site_url_replaces_the_host_in_links(fresh_site) -> None:
    site = fresh_site("routes", site_url="https://example.org")
    text = probe_as(site, EVIL, SITE_URL_PROBE)
    assert EVIL not in text and "localhost" not in text
    assert "https://example.org/ https://example.org/1-Hello-World " in text
    assert "https://example.org/pages/canonical-page" in text
    assert "https://example.org/static/x.css" in text
    feed = site.get("/feed", headers={"Host": EVIL}).get_data(as_text=True)
    assert EVIL not in feed and "https://example.org/" in feed
    redirect = site.get("/blog//travel/", headers={"Host": EVIL})
    assert redirect.status_code == 308
    assert EVIL not in redirect.headers["Location"]


def test_the_site_url_comes_from_the_environment(fresh_site, monkeypatch) -> None:
    monkeypatch.setenv("SITE_URL", "https://env.example/")
    site = fresh_site("routes")
    response = site.get("/feed", headers={"Host": EVIL})
    assert "https://env.example/" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "value", ["example.org", "ftp://example.org", "https://", "https://example.org/blog", 5]
)
def test_a_bad_site_url_is_a_clear_startup_error(fresh_site, value) -> None:
    with pytest.raises(StartupError, match="site_url"):
        fresh_site("routes", site_url=value)


def test_with_a_site_url_junk_hosts_do_not_reach_the_render_memo(fresh_site) -> None:
    site = fresh_site("routes", site_url="https://example.org")
    site.get("/feed")
    before = len(SECTIONS)
    for n in range(20):
        assert site.get("/feed", headers={"Host": f"junk{n}.example"}).status_code == 200
    assert len(SECTIONS) == before


def test_server_name_is_used_for_every_absolute_link(fresh_site) -> None:
    site = fresh_site("routes")
    site.app.config["SERVER_NAME"] = "configured.example"
    text = probe_as(site, EVIL, SITE_URL_PROBE)
    assert EVIL not in text
    assert "http://configured.example/1-Hello-World" in text
    assert "http://configured.example/pages/canonical-page" in text  # a Path-Canonical too


@pytest.mark.parametrize(
    "path", ["/", "/feed", "/blog", "/blog/", "/1", "/1-Hello-World", "/_img/x", "/_file/a/b"]
)
def test_an_untrusted_host_is_a_400(fresh_site, path: str) -> None:
    site = fresh_site("routes")
    site.app.config["TRUSTED_HOSTS"] = ["good.example"]
    assert site.get(path, headers={"Host": EVIL}).status_code == 400
    assert site.get(path, headers={"Host": "good.example"}).status_code < 500


# --- 4. HTML from template objects is escaped -------------------------------------------


def test_a_category_path_is_escaped_in_html(fresh_site) -> None:
    site = fresh_site("routes")
    folder = site.root / "content" / "x<i>y"
    folder.mkdir()
    (folder / "e.md").write_text("Title: E\nDate: 2020-01-01\n\nbody\n", encoding="utf-8")
    site.rescan()
    with site.app.test_request_context("/"):
        from octavo.web.objects.category import Category

        assert escape(Category("x<i>y")) == Markup("x&lt;i&gt;y")
    (site.root / "templates" / "cat-probe.html").write_text("[{{ category }}|{{ category.path }}]")
    response = site.get("/x%3Ci%3Ey/cat-probe")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "[x&lt;i&gt;y|x&lt;i&gt;y]"


# --- entry IDs from outside the index: any text, any size ------------------------------


@pytest.mark.parametrize("value", ["%C2%B2", "%C2%B9%C2%B2", "9223372036854775808", "-1", "1e3"])
@pytest.mark.parametrize("path", ["/", "/blog/", "/feed"])
def test_an_id_argument_that_is_no_entry_id_is_a_400(routes: Site, path: str, value: str) -> None:
    """Found while fixing the rendition fuzzer's 2**63 link: '²' passed isdigit() and then
    failed int() (a 500)."""
    assert routes.get(f"{path}?id={value}").status_code == 400


@pytest.mark.parametrize(
    "template",
    [
        "{{ get_entry(2**63) }}",
        "{{ get_entry('²') }}",
        "{{ get_entry(10**30) }}",
        "{{ get_view(start=2**63).entries|length }}",
        "{{ get_view(before=10**30).entries|length }}",
        "{{ get_view(category='blog', count=2**70).entries|length }}",
    ],
)
def test_out_of_range_entry_ids_in_templates_are_not_a_500(routes: Site, template: str) -> None:
    assert routes.probe("/", template).status_code in (200, 400)


@pytest.mark.parametrize(
    "text",
    ["[x](²)", "[x](9223372036854775808)", "[x](99999999999999999999999)", "[x](1²)"],
)
def test_links_to_impossible_entry_ids_stay_as_written(routes: Site, text: str) -> None:
    """Found by the rendition fuzzer (``link=2**63``): a number too large for the index's
    integers reached the query (OverflowError on SQLite, DataError elsewhere)."""
    with routes.app.test_request_context("/"):
        from octavo.web import markup_bridge

        html = str(markup_bridge.text_markup(text, ("",), "/", "http://x/").body())
    target = text[4:-1]
    assert f'href="{target}"' in html


@pytest.mark.parametrize(("count", "status"), [("-1", 400), ("'abc'", 400), ("None", 200)])
def test_a_bad_page_size_in_a_template_is_a_400(routes: Site, count: str, status: int) -> None:
    """A negative LIMIT is "no limit" on SQLite and an error on PostgreSQL: refused on all."""
    template = f"{{{{ get_view(category='blog', count={count}).entries|length }}}}"
    assert routes.probe("/", template).status_code == status
