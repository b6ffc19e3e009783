"""URL fuzzer: random paths, query strings and headers against every route of the
fixture sites (issue 9). Whatever a visitor sends:

* the answer is never a 5xx, and no body carries a traceback;
* an anonymous visitor never sees a private entry's title;
* on a site with a configured ``site_url``, the request's Host appears nowhere.

The starting points are every URL the sites link to (a crawl), plus every entry ID
(private ones too), alias, template name and content file of each site. Example
counts are fixed; a failure names the seed that replays it (tests/web/fuzzing.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from octavo import Octavo
from octavo.web.renditions import images_for
from tests.web import cases
from tests.web.conftest import EXAMPLE_BLOG, SITES, copy_site, make_app
from tests.web.fuzzing import crawl, fuzz_settings, seed_note

SITE_URL = "https://blog.example"
HOST_MARK = "fuzzhost"


class FuzzSite:
    """A served site with its starting URLs and the titles no anonymous page may show."""

    def __init__(self, app: Octavo, site_url: str | None = None) -> None:
        self.app = app
        self.client = app.test_client()
        self.site_url = site_url
        rows = self._entries()
        self.private_titles = sorted({r.title for r in rows if not r.public})
        start = ["/", "/feed", "/sitemap", "/_", "/_login", "/_logout/x"]
        found = crawl(self.client, start)
        stored = [u.split("/_img/", 1)[1] for u in found if u.startswith("/static/_img/")]
        self.urls = found + [f"/_img/{name}" for name in stored] + self._route_urls(rows)

    def _entries(self) -> list[Any]:
        index = self.app.index
        state = index.state()
        assert state is not None
        e = state.tables.entries
        with index.engine.connect() as conn:
            return list(conn.execute(select(e)))

    def _route_urls(self, rows: list[Any]) -> list[str]:
        """URLs of every route the crawl cannot reach: private and unlisted entries, aliases,
        templates (private ones included), content files through ``/_file/``."""
        urls = []
        for row in rows:
            urls += [f"/{row.entry_id}", f"/{row.category}/{row.entry_id}-x".replace("//", "/")]
        state = self.app.index.state()
        assert state is not None
        a = state.tables.aliases
        with self.app.index.engine.connect() as conn:
            urls += [str(p) for p in conn.execute(select(a.c.path)).scalars()]
        templates = Path(self.app.site.template_folder)
        urls += ["/" + p.stem for p in templates.rglob("*") if p.is_file()]
        assets = images_for(self.app).assets
        content = Path(self.app.site.content_folder)
        for path in sorted(content.rglob("*"))[:60]:
            if path.is_file():
                urls.append("/_file/" + assets.name(path.relative_to(content).as_posix()))
        return urls


def _serve(factory: pytest.TempPathFactory, source: Path, name: str, **config: Any) -> Octavo:
    root = copy_site(source, factory.mktemp(f"fuzz-{name}") / name)
    _mark_private_entries(root / "content")
    return make_app(root, name, **config)


def _mark_private_entries(content: Path) -> None:
    """Give each private entry (an ``Auth:`` header) a title and a line of text found
    nowhere else, so a leak cannot hide behind public text that names the entry."""
    for number, path in enumerate(sorted(content.rglob("*.md"))):
        text = path.read_text(encoding="utf-8")
        head, _, body = text.partition("\n\n")
        if not any(line.startswith("Auth:") for line in head.splitlines()):
            continue
        head = "\n".join(
            f"Title: Private{number}Zq" if line.startswith("Title:") else line
            for line in head.splitlines()
        )
        path.write_text(f"{head}\n\nPrivate{number}Zq body.\n\n{body}", encoding="utf-8")


@pytest.fixture(scope="module")
def fuzz_sites(tmp_path_factory: pytest.TempPathFactory) -> list[FuzzSite]:
    routes = _serve(tmp_path_factory, SITES / "routes", "routes", **cases.SITE_CONFIG["routes"])
    cases.register_regex_aliases(routes)
    # boom.html raises on purpose (the error-page tests): a site's own bug, not a visitor's
    (Path(routes.site.template_folder) / "boom.html").unlink()
    views = _serve(tmp_path_factory, SITES / "views", "views")
    blog = _serve(
        tmp_path_factory, EXAMPLE_BLOG, "blog", timezone="Europe/Paris", site_url=SITE_URL
    )
    return [FuzzSite(routes), FuzzSite(views), FuzzSite(blog, SITE_URL)]


# --- what a visitor can send ------------------------------------------------------------

KEYS = [
    "date", "id", "tag", "category", "template", "count", "order", "absolute", "_external",
    "_scheme", "_method", "_anchor", "endpoint", "redir", "start", "first", "last", "future",
]  # fmt: skip
VALUES = [
    "", "0", "-1", "1", "2020", "2020-01", "2020-01-01", "20200106_w", "9" * 30, "x" * 5000,
    "%00", "%ff", "%", "%zz", "..%2f..", "POST", "https", "javascript:alert(1)", "//evil",
    "\u00e9", "\U0001f49c", "a+b", "a b", "\u00b2", "\u0661", "9223372036854775808",
]  # fmt: skip
ACCEPTS = [
    "*/*", "", "text/html", "application/atom+xml", "application/rss+xml", "application/json",
    "text/plain;q=0", "*/*;q=0", "image/*", "garbage", ";;;,,,", "text/html;q=abc",
]  # fmt: skip
HOSTS = [
    "localhost", "", "evil.example", "example.com:8080", "[::1]", "127.0.0.1:99999", "a b",
    "x" * 300, "\u00e9.example", "..", "-", "host:port:more", "%00", "a@b",
]  # fmt: skip
AUTHS = ["Basic Zm9vOmJhcg==", "Basic !!!", "Bearer x", "Bearer", "Digest x=y", "\u00e9"]

latin1 = st.text(st.characters(max_codepoint=255, exclude_characters="\r\n"), max_size=60)
raw_bytes = st.binary(max_size=40)


@st.composite
def queries(draw: st.DrawFn) -> bytes:
    """A query string as raw bytes: known keys and odd values, repeated, empty, huge,
    percent-encoded or not, valid UTF-8 or not."""
    pairs = []
    for _ in range(draw(st.integers(0, 6))):
        key = draw(st.sampled_from(KEYS).map(str.encode) | raw_bytes)
        value = draw(st.sampled_from(VALUES).map(str.encode) | raw_bytes)
        pairs.append(key + (b"=" + value if draw(st.booleans()) else b""))
    return b"&".join(pairs) if pairs else draw(st.sampled_from([b"", b"&&", b"=", b"?"]))


@st.composite
def paths(draw: st.DrawFn, urls: list[str]) -> tuple[bytes, bytes]:
    """(path, query) as bytes: a known URL, maybe changed the way a visitor could."""
    url = draw(st.sampled_from(urls))
    path, _, query = url.partition("?")
    raw = path.encode("utf-8")
    change = draw(st.sampled_from(["none", "append", "replace", "suffix", "bytes"]))
    if change == "append":
        raw = raw.rstrip(b"/") + b"/" + draw(raw_bytes)
    elif change == "replace":
        head = raw.rstrip(b"/").rpartition(b"/")[0]
        raw = head + b"/" + draw(raw_bytes)
    elif change == "suffix":
        raw += draw(
            st.sampled_from(
                [b"/", b"//", b".html", b".xml", b".PUBL_PATHALIAS", b"/..", b"/%00", b"-"]
            )
        )
    elif change == "bytes":
        raw = draw(raw_bytes.map(lambda b: b"/" + b))
    new_query = draw(st.just(query.encode()) | queries())
    return raw, new_query


@st.composite
def headers(draw: st.DrawFn) -> dict[str, str]:
    found: dict[str, str] = {}
    if draw(st.booleans()):
        found["Accept"] = draw(st.sampled_from(ACCEPTS) | latin1)
    if draw(st.booleans()):
        found["Host"] = draw(st.sampled_from(HOSTS) | latin1.map(lambda t: HOST_MARK + t))
    if draw(st.booleans()):
        found["If-None-Match"] = draw(st.sampled_from(["*", '"x"', 'W/"x"', ""]) | latin1)
    if draw(st.booleans()):
        found["Authorization"] = draw(st.sampled_from(AUTHS) | latin1)
    return found


# --- the property -----------------------------------------------------------------------


@fuzz_settings(examples=250)
@given(data=st.data())
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_no_request_breaks_a_page_or_leaks(
    fuzz_sites: list[FuzzSite], method: str, data: st.DataObject
) -> None:
    site = data.draw(st.sampled_from(fuzz_sites), label="site")
    path, query = data.draw(paths(site.urls), label="path, query")
    sent = data.draw(headers(), label="headers")
    response = site.client.open(
        "/",
        method=method,
        headers=sent,
        environ_overrides={
            "PATH_INFO": path.decode("latin-1"),
            "QUERY_STRING": query.decode("latin-1"),
        },
    )
    body = response.get_data()
    where = f"{method} {path!r}?{query!r} {sent} on {site.app.name}: {seed_note()}"
    assert response.status_code < 500, f"{response.status_code}: {where}\n{body[:500]!r}"
    assert b"Traceback" not in body, where
    text = body.decode("utf-8", "replace")
    for title in site.private_titles:
        assert title not in text, f"private entry {title!r} shown: {where}"
    if site.site_url and HOST_MARK in sent.get("Host", ""):
        assert HOST_MARK not in text, f"the Host reached the page: {where}"
        assert HOST_MARK not in response.headers.get("Location", ""), where


def test_the_crawl_reaches_every_kind_of_route(fuzz_sites: list[FuzzSite]) -> None:
    """The fuzzer starts from real URLs of every route, so it exercises all of them."""
    urls = [url for site in fuzz_sites for url in site.urls]
    for prefix in ("/_img/", "/_file/", "/static/", "/_login", "/_"):
        assert any(u.startswith(prefix) for u in urls), prefix
    for site in fuzz_sites:
        assert len(site.urls) > 40, site.app.name
        assert site.private_titles, site.app.name
