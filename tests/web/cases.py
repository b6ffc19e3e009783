"""Request and template cases shared by the tests and by publ_reference.py.

Plain data with no third-party imports, so the same tables can be replayed on the
real Publ (in its own venv) to check that every expectation here is what Publ
does, except where a case names the §13 bug (`fix`) that Octavo fixes or a
deliberate difference (`differs`). See tests/web/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: Extra configuration of each fixture site (the same for Octavo and Publ).
SITE_CONFIG: dict[str, dict[str, object]] = {
    "routes": {
        "template_mimetypes": {
            ".yaml": "application/x-yaml",  # by extension
            "api.json": "application/vnd.api+json",  # by basename (special/api.json)
            "special/thing.txt": "text/x-special",  # by relative path
            ".rss": "application/rss+xml",  # Python's table says application/x-rss+xml
        }
    },
}


def register_regex_aliases(app: Any) -> None:
    """The Python-side aliases of the routes site (§2.5), for Octavo and Publ alike."""

    @app.path_alias_regex(r"/legacy/(\d+)$")
    def legacy(match: re.Match[str]) -> tuple[str | None, bool | None]:
        return f"/{match.group(1)}", True

    def temporary(match: re.Match[str]) -> tuple[str | None, bool | None]:
        return f"/blog/?from={match.group(1)}", False

    def passing(match: re.Match[str]) -> tuple[str | None, bool | None]:
        return None, None

    app.add_path_regex(r"/temp/(\w+)$", temporary)
    app.add_path_regex(r"/maybe/", passing)
    # An alias record wins over a regex matching the same path, and no alias
    # overrides an entry at its canonical URL.
    app.add_path_regex(r"/old/post\.html$", lambda match: ("/should-not-win", True))
    app.add_path_regex(r"/1-Hello-World$", lambda match: ("/should-not-win", True))


@dataclass(frozen=True)
class Request:
    """GET `path` on `site`: the status and the Location (path only) it answers."""

    site: str
    path: str
    status: int
    location: str | None = None
    accept: str | None = None
    body: str | None = None  # text the page must contain (whitespace-normalised)
    fix: str = ""  # the §13 bug whose Publ behaviour Octavo corrects
    differs: str = ""  # a deliberate difference from Publ, explained

    @property
    def id(self) -> str:
        return f"{self.path}" + (f" [{self.accept}]" if self.accept else "")


@dataclass(frozen=True)
class Probe:
    """A template rendered at a category URL of `site`; `expected` is its whole
    output with whitespace runs collapsed."""

    name: str
    site: str
    path: str  # category URL ending in '/', optionally with a query string
    template: str
    expected: str
    fix: str = ""
    differs: str = ""


def ids(view: str) -> str:
    """Template source printing the IDs of a view expression's entries."""
    return "{% for e in " + view + " %}{{ e.id }} {% endfor %}"


def view_ids(spec: str) -> str:
    return ids(f"get_view({spec}).entries")


R = Request
ROUTE_REQUESTS = [
    # §2.1/2.2 category views, with and without a template name
    R("routes", "/", 200, body="INDEX (root) template=index"),
    R("routes", "/blog/", 200, body="BLOG-INDEX blog ids: 13 12 11"),
    R("routes", "/blog/travel/", 200, body="BLOG-INDEX blog/travel ids: 10"),
    R("routes", "/special/", 200, body="INDEX special template=index file=index.html"),
    # Publ names the root folder `.` for a root request: template.filename is ./index.html
    R("routes", "/?x=1", 200, body="INDEX (root) template=index file=./index.html"),
    R("routes", "/1-Hello-World", 200, body="category=(root) file=./entry.html"),
    R("routes", "/index", 200, body="INDEX (root) template=index"),
    R("routes", "/blog/index", 200, body="BLOG-INDEX blog"),
    R("routes", "/special/thing", 200, body="SPECIAL-THING"),
    R("routes", "/special/thing.txt", 200, body="SPECIAL-THING"),
    # the trailing-slash redirect, with query args kept
    R("routes", "/blog", 301, "/blog/"),
    R("routes", "/blog/travel", 301, "/blog/travel/"),
    R("routes", "/blog/travel?tag=x&a=1", 301, "/blog/travel/?tag=x&a=1"),
    # §2.3 entry URLs and canonical redirects
    R("routes", "/1-Hello-World", 200, body="ENTRY 1 Hello World category=(root)"),
    R("routes", "/1", 301, "/1-Hello-World"),
    R("routes", "/1-", 301, "/1-Hello-World"),
    R("routes", "/1-wrong-slug", 301, "/1-Hello-World"),
    R("routes", "/blog/1-Hello-World", 301, "/1-Hello-World"),
    R("routes", "/1?x=1&y=2", 301, "/1-Hello-World?x=1&y=2"),
    R("routes", "/10", 301, "/blog/travel/10-A-Trip"),
    R("routes", "/10-A-Trip?x=1", 301, "/blog/travel/10-A-Trip?x=1"),
    R("routes", "/blog/10-A-Trip", 301, "/blog/travel/10-A-Trip"),
    R("routes", "/blog/travel/10", 301, "/blog/travel/10-A-Trip"),
    R("routes", "/blog/travel/10-", 301, "/blog/travel/10-A-Trip"),
    R("routes", "/blog/travel/10-A-Trip", 200, body="BLOG-ENTRY 10 category=blog/travel"),
    R("routes", "/2", 200, body="ENTRY 2 No Slug"),
    R("routes", "/2-", 301, "/2"),
    R("routes", "/2-anything", 301, "/2"),
    R("routes", "/4", 301, "/4-Caf%C3%A9-Ol%C3%A9"),
    R("routes", "/4-Caf%C3%A9-Ol%C3%A9", 200, body="ENTRY 4 Café Olé"),
    # §2.5 Path-Alias: entry, entry + template, relative alias path; categories
    R("routes", "/old/post.html", 301, "/blog/11-A-Post"),
    R("routes", "/old/post-index", 301, "/blog/?id=11"),
    R("routes", "/old/post-feed", 301, "/blog/feed?id=11"),
    R("routes", "/old/relative-alias", 301, "/blog/11-A-Post"),
    R("routes", "/old-category", 301, "/aliased/"),
    R("routes", "/old-category-feed", 301, "/aliased/feed"),
    # Path-Mount renders in place (entry, entry with an entry template, category)
    R("routes", "/mounted/here", 200, body="BLOG-ENTRY 12 category=blog"),
    R("routes", "/mounted/alt", 200, body="ALT-ENTRY 12"),
    R("routes", "/mounted-category", 200, body="INDEX aliased template=index"),
    R("routes", "/mounted-category-feed", 200, body="Route Fixture (rss)"),
    # Path-Canonical: the other URLs redirect to it, and it renders
    R("routes", "/13", 301, "/pages/canonical-page"),
    R("routes", "/blog/13-Canonical", 301, "/pages/canonical-page"),
    R("routes", "/pages/canonical-page", 200, body="BLOG-ENTRY 13 category=blog"),
    # Redirect-To resolved like entry.link (B11: Publ sends the raw header value)
    R("routes", "/redirects/20-To-ID", 301, "/1-Hello-World", fix="B11"),
    R("routes", "/redirects/21-To-File", 301, "/1-Hello-World", fix="B11"),
    R("routes", "/redirects/22-To-URL", 301, "https://example.com/elsewhere"),
    R("routes", "/20", 301, "/1-Hello-World", fix="B11"),
    R("routes", "/go-elsewhere", 301, "https://example.com/elsewhere"),
    # regex aliases registered from Python (register_regex_aliases)
    R("routes", "/legacy/1", 301, "/1"),
    R("routes", "/legacy/10", 301, "/10"),
    R("routes", "/temp/abc", 302, "/blog/?from=abc"),
    R("routes", "/maybe/not", 404),
    R("routes", "/maybe/", 404),
    # B5: /<alias>.PUBL_PATHALIAS works
    R("routes", "/old/post.html.PUBL_PATHALIAS", 301, "/blog/11-A-Post", fix="B5"),
    R("routes", "/old-category.PUBL_PATHALIAS", 301, "/aliased/", fix="B5"),
    R("routes", "/not-an-alias.PUBL_PATHALIAS", 404),
    # §1.4 statuses by direct URL
    R("routes", "/status/30-Draft", 403),
    R("routes", "/status/31-Hidden", 200, body="ENTRY 31 Hidden"),
    R("routes", "/status/32-Gone", 410),
    R("routes", "/status/33-Illegal", 451),
    R("routes", "/status/34-Teapot", 418),
    R("routes", "/status/35-Future", 200, body="ENTRY 35 Future"),
    R("routes", "/status/36-Attachment", 200, body="ENTRY 36 Attachment"),
    R("routes", "/status/37-Unlisted", 200, body="ENTRY 37 Unlisted"),
    R("routes", "/status/38-Deleted", 410),
    R("routes", "/status/39-Dmca", 451),
    R("routes", "/30", 403),
    R("routes", "/draft-alias", 404),  # aliases of drafts are not registered
    # private entries (Auth:) for an anonymous visitor
    R("routes", "/private/50-Secret", 401),
    R("routes", "/50", 401),
    R("routes", "/secret-alias", 401),
    R("routes", "/private/", 200, body="ids: 52 51"),
    # 404s
    R("routes", "/99999", 404),
    R("routes", "/blog/99999-Nothing", 404),
    R("routes", "/nope/", 404),
    R("routes", "/nope", 404),
    R("routes", "/nope/deeper/", 404),
    R("routes", "/blog/no-such-view", 404),
    R("routes", "/status/", 200),
    R("routes", "/_private", 404),
    R("routes", "/blog/_private", 404),
    R("routes", "/_nope/", 404),
    # reserved view names
    R("routes", "/entry", 403),
    R("routes", "/error", 403),
    R("routes", "/blog/entry", 403),
    R("routes", "/login", 403),
    R("routes", "/unauthorized", 403),
    R("routes", "/logout", 403),
    # 400s
    R("routes", "/?date=garbage", 400),
    R("routes", "/?date=2020-13-45", 400),
    R("routes", "/?date=", 400),
    R("routes", "/?date=99999999999", 400),
    R("routes", "/blog/?date=12345678", 400),
    R(
        "routes",
        "/?id=abc",
        400,
        differs="Publ ignores a non-numeric ?id= (200); Octavo rejects it (400)",
    ),
    # An unknown ?id= is ignored where the view does not paginate (as in Publ); a paginated
    # view that must start at it answers 400.
    R("routes", "/?id=99999", 200),
    R("views", "/log/?id=99999", 400),
    # §4.8 template lookup, Accept negotiation and the 406 rule
    R("routes", "/feed", 200, body="Route Fixture (rss)"),
    R("routes", "/feed", 200, accept="application/atom+xml", body="Route Fixture (atom)"),
    R("routes", "/feed", 200, accept="application/xml", body="Route Fixture (xml)"),
    R("routes", "/feed", 200, accept="text/html, application/rss+xml;q=0.9", body="(rss)"),
    R("routes", "/feed.xml", 200, body="Route Fixture (xml)"),
    R("routes", "/feed.atom", 200, body="Route Fixture (atom)"),
    R("routes", "/feed.rss", 200, body="Route Fixture (rss)"),
    R("routes", "/blog/feed", 200, body="Route Fixture (rss)"),
    R("routes", "/feed", 406, accept="image/png"),
    R("routes", "/feed.atom", 406, accept="text/html"),
    R("routes", "/", 406, accept="image/png"),
    R("routes", "/", 200, accept="image/png, text/*;q=0.5", body="INDEX (root)"),
    R("routes", "/style", 200, accept="text/css", body="STYLE-CSS"),
    R("routes", "/style", 200, accept="text/plain", body="STYLE-TXT"),
    R("routes", "/style", 200, body="STYLE-CSS", fix="B19"),
    R("routes", "/style", 200, accept="*/*", body="STYLE-CSS", fix="B19"),
    R("routes", "/data", 200, body="category: (root)"),
    R("routes", "/special/api", 200, body='{"category": "special"}'),
    R("routes", "/thing", 200, body="ROOT-THING"),
    # Index-Template / Entry-Template, private templates
    R("routes", "/themed/", 200, body="THEMED-INDEX themed template=_themed-index"),
    R("routes", "/themed/80-Themed-Entry", 200, body="THEMED-ENTRY 80"),
    R("routes", "/5-Private-Template", 200, body="SPECIAL-ENTRY 5 PARTIAL"),
    # §2.4 error templates found by the category walk
    R("routes", "/nope/", 404, body="ROOT-ERROR 404"),
    R("routes", "/status/30-Draft", 403, body="ROOT-ERROR 403"),
    R("routes", "/strict/72-Strict-Draft", 403, body="STRICT-403 403"),
    R("routes", "/strict/73-Strict-Gone", 410, body="STRICT-4XX 410"),
    R("routes", "/strict/no-such-view", 404, body="STRICT-4XX 404"),
    R("routes", "/strict/inner/no-such-view", 404, body="INNER-404 404"),
    R("routes", "/strict/inner/74-Inner-Draft", 403, body="STRICT-403 403"),
    R("routes", "/strict/?date=bad", 400, body="STRICT-4XX 400"),
    R("routes", "/boom", 500, body="ROOT-ERROR 500"),
    # static files
    R("routes", "/static/style.css", 200, body="color: #333"),
    R("routes", "/static/sub/file.txt", 200, body="static text"),
    R("routes", "/static/missing.css", 404),
]

V = "views"
VIEW_REQUESTS = [
    R(V, "/log", 301, "/log/"),
    R(V, "/log/sub", 301, "/log/sub/"),
    R(V, "/no-such-category/", 404),
    R(V, "/log/?date=2021-13", 400),
    R(V, "/log/?date=20211301_w", 400),
]

REQUESTS = ROUTE_REQUESTS + VIEW_REQUESTS

LOG_NEWEST = (
    "130 129 128 127 126 125 124 123 122 121 120 119 118 117 116 115 114 113 112 111 "
    "110 109 108 107 106 105 104 103 102 101 131"
)
LOG_RECURSIVE = (
    "130 129 128 127 126 141 125 124 123 122 121 120 119 118 117 116 115 114 113 112 111 "
    "110 109 140 108 107 106 105 104 103 102 101 131"
)

P = Probe
SPEC_PROBES = [
    # §3.1, one spec key at a time
    P("category", V, "/", view_ids("category='log'"), LOG_NEWEST),
    P("category-recurse", V, "/", view_ids("category='log', recurse=True"), LOG_RECURSIVE),
    P("category-root-only", V, "/", view_ids("category=''"), "1"),
    P("category-none", V, "/", view_ids("category=None, count=3"), "309 130 129"),
    P("category-absent", V, "/", view_ids("count=3"), "309 130 129"),
    P(
        "category-list",
        V,
        "/",
        view_ids("category=['filters/deeper', 'gallery']"),
        "404 403 401 307",
    ),
    P("category-object", V, "/", view_ids("category=get_entry(307).category"), "307"),
    P("filters", V, "/", view_ids("category='filters'"), "309 306 305 304 303 302 301"),
    P(
        "filters-recurse",
        V,
        "/",
        view_ids("category='filters', recurse=True"),
        "309 307 306 305 304 303 302 301",
    ),
    P(
        "category_not",
        V,
        "/",
        view_ids("category='filters', recurse=True, category_not='filters/deeper'"),
        "309 306 305 304 303 302 301",
    ),
    P(
        "category_not-list",
        V,
        "/",
        view_ids("category=['filters', 'gallery'], category_not=['gallery']"),
        "309 306 305 304 303 302 301",
    ),
    P(
        "future",
        V,
        "/",
        view_ids("category='filters', future=True"),
        "309 308 306 305 304 303 302 301",
    ),
    P("entry_type", V, "/", view_ids("category='filters', entry_type='note'"), "303 301"),
    P("entry_type-case", V, "/", view_ids("category='filters', entry_type='Note'"), "305"),
    P(
        "entry_type-list",
        V,
        "/",
        view_ids("category='filters', entry_type=['note', 'photo']"),
        "306 303 302 301",
    ),
    P(
        "entry_type_not",
        V,
        "/",
        view_ids("category='filters', entry_type_not='note'"),
        "309 306 305 304 302",
    ),
    P(
        "entry_type_not-list",
        V,
        "/",
        view_ids("category='filters', entry_type_not=['note', 'photo']"),
        "309 305 304",
    ),
    P("date-day", V, "/", view_ids("category='filters', date='2022-01-03'"), "303"),
    P("date-month", V, "/", view_ids("category='log', date='2021-04'"), "115 114 113"),
    P("date-year", V, "/", view_ids("category='log', date='2023'"), "125 124 123 122 121"),
    P("date-week", V, "/", view_ids("category='log', date='20230705_w'"), "124 123"),
    P("date-compact", V, "/", view_ids("category='log', date='202104'"), "115 114 113"),
    P("tag", V, "/", view_ids("category='filters', tag='red'"), "306 304 302 301"),
    P("tag-case", V, "/", view_ids("category='filters', tag='RED'"), "306 304 302 301"),
    P(
        "tag-any",
        V,
        "/",
        view_ids("category='filters', tag=['red', 'blue']"),
        "309 306 304 303 302 301",
    ),
    P(
        "tag-or",
        V,
        "/",
        view_ids("category='filters', tag=['red', 'blue'], tag_filter='OR'"),
        "309 306 304 303 302 301",
    ),
    P(
        "tag-all",
        V,
        "/",
        view_ids("category='filters', tag=['red', 'blue'], tag_filter='ALL'"),
        "306 301",
    ),
    P(
        "tag-and-lowercase",
        V,
        "/",
        view_ids("category='filters', tag=['Red', 'BLUE'], tag_filter='and'"),
        "306 301",
    ),
    P(
        "tag-none",
        V,
        "/",
        view_ids("category='filters', tag=['red', 'blue'], tag_filter='NONE'"),
        "305",
    ),
    P(
        "tag-not",
        V,
        "/",
        view_ids("category='filters', tag='red', tag_filter='NOT'"),
        "309 305 303",
    ),
    P("first", V, "/", view_ids("category='log', first=125"), "130 129 128 127 126 125"),
    P(
        "first-entry-object",
        V,
        "/",
        view_ids("category='log', first=get_entry(125)"),
        "130 129 128 127 126 125",
    ),
    P(
        "first-string-id",
        V,
        "/",
        view_ids("category='log', first='125'"),
        "130 129 128 127 126 125",
    ),
    P("last", V, "/", view_ids("category='log', last=105"), "105 104 103 102 101 131"),
    P("before", V, "/", view_ids("category='log', before=105"), "104 103 102 101 131"),
    P("after", V, "/", view_ids("category='log', after=125"), "130 129 128 127 126"),
    P("after-before", V, "/", view_ids("category='log', after=103, before=106"), "105 104"),
    P("before-in-tie", V, "/", view_ids("category='log', before=104, count=2"), "103 102"),
    P(
        "after-in-tie",
        V,
        "/",
        view_ids("category='log', after=106, count=3, order='oldest'"),
        "107 108 109",
    ),
    P("after-count-newest", V, "/", view_ids("category='log', after=106, count=3"), "130 129 128"),
    P("start-unpaginated", V, "/", view_ids("category='log', start=125"), LOG_NEWEST),
    P("start-count", V, "/", view_ids("category='log', start=125, count=3"), "125 124 123"),
    P(
        "start-count-oldest",
        V,
        "/",
        view_ids("category='log', start=125, count=3, order='oldest'"),
        "125 126 127",
    ),
    P("start-tie", V, "/", view_ids("category='log', start=106, count=4"), "106 105 104 103"),
    P(
        "start-tie-oldest",
        V,
        "/",
        view_ids("category='log', start=106, count=4, order='oldest'"),
        "106 107 108 109",
    ),
    P("count", V, "/", view_ids("category='filters', count=3"), "309 306 305"),
    P("order-newest", V, "/", view_ids("category='log', count=3, order='newest'"), "130 129 128"),
    P("order-oldest", V, "/", view_ids("category='log', count=3, order='oldest'"), "131 101 102"),
    P(
        "order-title",
        V,
        "/",
        view_ids("category='filters', order='title'"),
        "306 301 302 303 304 305 309",
    ),
    P(
        "order-title-ignores-start",
        V,
        "/",
        view_ids("category='filters', order='title', start=303, count=2"),
        "306 301",
    ),
    P("attachments-key", V, "/", view_ids("attachments=401"), "403"),
    P("attached-key", V, "/", view_ids("attached=403"), "401"),
    P("has_attachments", V, "/", view_ids("category='gallery', has_attachments=True"), "401"),
    P(
        "has_attachments-false",
        V,
        "/",
        view_ids("category='gallery', has_attachments=False"),
        "404 403",
    ),
    P("is_attached", V, "/", view_ids("category='gallery', is_attached=True"), "403"),
    P("is_attached-false", V, "/", view_ids("category='gallery', is_attached=False"), "404 401"),
    # refinement: calling a view adds to its spec
    P("refine", V, "/log/", ids("view(count=2).entries"), "130 129"),
    P("refine-twice", V, "/filters/", ids("view(tag='red')(count=2).entries"), "306 304"),
    P("iterate-view", V, "/", ids("get_view(category='filters', count=2)"), "309 306"),
]


def page_links(view: str) -> str:
    """Template source printing a page's IDs and its four neighbour links."""
    parts = [ids(f"{view}.entries"), "|"]
    for name in ("older", "newer", "previous", "next"):
        parts.append(f"{{{{ {view}.{name}.link() if {view}.{name} else '-' }}}} |")
    return " ".join(parts)


PAGINATION_PROBES = [
    # §3.2 count pagination: 5 a page over the 31 log entries (101-108 share a date)
    P(
        "count-page-1",
        V,
        "/log/",
        page_links("view(count=5)"),
        "130 129 128 127 126 | /log/?id=125 | - | - | /log/?id=125 |",
    ),
    P(
        "count-page-2",
        V,
        "/log/?id=125",
        page_links("view(count=5)"),
        "125 124 123 122 121 | /log/?id=120 | /log/?id=130 | /log/?id=130 | /log/?id=120 |",
    ),
    P(
        "count-page-unaligned",
        V,
        "/log/?id=123",
        page_links("view(count=5)"),
        "123 122 121 120 119 | /log/?id=118 | /log/?id=128 | /log/?id=128 | /log/?id=118 |",
    ),
    P(
        "count-page-top-short",
        V,
        "/log/?id=128",
        page_links("view(count=5)"),
        "128 127 126 125 124 | /log/?id=123 | /log/?id=130 | /log/?id=130 | /log/?id=123 |",
    ),
    P(
        "count-page-tie",
        V,
        "/log/?id=110",
        page_links("view(count=5)"),
        "110 109 108 107 106 | /log/?id=105 | /log/?id=115 | /log/?id=115 | /log/?id=105 |",
    ),
    P(
        "count-page-tie-2",
        V,
        "/log/?id=105",
        page_links("view(count=5)"),
        "105 104 103 102 101 | /log/?id=131 | /log/?id=110 | /log/?id=110 | /log/?id=131 |",
    ),
    P(
        "count-page-last",
        V,
        "/log/?id=131",
        page_links("view(count=5)"),
        "131 | - | /log/?id=105 | /log/?id=105 | - |",
    ),
    P(
        "count-oldest-page-1",
        V,
        "/log/",
        page_links("view(count=5, order='oldest')"),
        "131 101 102 103 104 | - | /log/?id=105 | - | /log/?id=105 |",
    ),
    P(
        "count-oldest-page-2",
        V,
        "/log/?id=105",
        page_links("view(count=5, order='oldest')"),
        "105 106 107 108 109 | /log/?id=131 | /log/?id=110 | /log/?id=131 | /log/?id=110 |",
    ),
    P(
        "count-title-no-neighbours",
        V,
        "/filters/",
        page_links("view(count=2, order='title')"),
        "306 301 | - | - | - | - |",
    ),
    # §3.2 date pagination: neighbours skip empty spans
    P(
        "paging-date-year",
        V,
        "/log/?date=2023",
        page_links("view"),
        "125 124 123 122 121 | /log/?date=2022 | /log/?date=2025 | /log/?date=2025 "
        "| /log/?date=2022 |",
    ),
    P(
        "paging-date-year-newest",
        V,
        "/log/?date=2025",
        page_links("view"),
        "130 129 128 127 126 | /log/?date=2023 | - | - | /log/?date=2023 |",
    ),
    P(
        "paging-date-year-oldest",
        V,
        "/log/?date=2020",
        page_links("view"),
        "131 | - | /log/?date=2021 | /log/?date=2021 | - |",
    ),
    P(
        "paging-date-year-recurse",
        V,
        "/log/?date=2023",
        page_links("view(recurse=True)"),
        "125 124 123 122 121 | /log/?date=2022 | /log/?date=2024 | /log/?date=2024 "
        "| /log/?date=2022 |",
    ),
    P(
        "paging-date-month",
        V,
        "/log/?date=2021-04",
        page_links("view"),
        "115 114 113 | /log/?date=2021-03 | /log/?date=2021-06 | /log/?date=2021-06 "
        "| /log/?date=2021-03 |",
    ),
    P(
        "paging-date-day",
        V,
        "/log/?date=2021-06-01",
        page_links("view"),
        "117 116 | /log/?date=2021-04-20 | /log/?date=2021-12-31 | /log/?date=2021-12-31 "
        "| /log/?date=2021-04-20 |",
    ),
    P(
        "paging-date-week",
        V,
        "/log/?date=20230705_w",
        page_links("view"),
        "124 123 | /log/?date=20230702_w | /log/?date=20230710_w | /log/?date=20230710_w "
        "| /log/?date=20230702_w |",
    ),
    P(
        "paging-date-drops-count",
        V,
        "/log/?date=2021-03",
        ids("view(count=2).entries") + "{{ view(count=2).type }}",
        "112 111 110 109 108 107 106 105 104 103 102 101 month",
    ),
    P(
        "paging-date-oldest-order",
        V,
        "/log/?date=2021-04",
        ids("view(order='oldest').entries")
        + "| {{ view(order='oldest').previous.link() }} | {{ view(order='oldest').next.link() }}",
        "113 114 115 | /log/?date=2021-03 | /log/?date=2021-06",
    ),
    # view.type, view.paging, view.is_current, view.current
    P("type-none", V, "/log/", "{{ view.type }} {{ view.paging }}", "None offset"),
    P(
        "type-count",
        V,
        "/log/",
        "{{ view(count=3).type }} {{ view(count=3).paging }}",
        "count offset",
    ),
    P("type-year", V, "/log/?date=2023", "{{ view.type }} {{ view.paging }}", "year year"),
    P("type-month", V, "/log/?date=2023-07", "{{ view.type }} {{ view.paging }}", "month month"),
    P("type-day", V, "/log/?date=2023-07-03", "{{ view.type }} {{ view.paging }}", "day day"),
    P("type-week", V, "/log/?date=20230703_w", "{{ view.type }} {{ view.paging }}", "week week"),
    P(
        "is_current",
        V,
        "/log/",
        "{{ view.is_current }} {{ view(count=5).is_current }} {{ view(count=5).older.is_current }}",
        "True True False",
    ),
    P(
        "current",
        V,
        "/log/?id=120",
        "{{ view(count=5).is_current }} {{ view(count=5).current.link() }} "
        "{{ view(count=5).current.is_current }} " + ids("view(count=5).current.entries"),
        "False /log/ True 130 129 128 127 126",
    ),
    P(
        "current-date",
        V,
        "/log/?date=2023",
        "{{ view.is_current }} {{ view.current.link() }} {{ view.current.is_current }}",
        "False /log/ True",
    ),
    # §3.5 range
    P("range-unpaginated", V, "/log/", "[{{ view.range }}]", "[]"),
    P("range-count", V, "/log/", "{{ view(count=5).range }}", "2025/01 — 2025/05 (5)"),
    P(
        "range-count-days",
        V,
        "/log/?id=125",
        "{{ view(count=5).range }}",
        "2023/07/01 — 2023/07/10 (5)",
    ),
    P(
        "range-count-years",
        V,
        "/log/?id=120",
        "{{ view(count=10).range }}",
        "2021/03 — 2022/02 (10)",
    ),
    P("range-day", V, "/log/?date=2021-06-01", "{{ view.range }}", "2021/06/01 (2)"),
    P("range-single-entry", V, "/log/?date=2021-12", "{{ view.range }}", "2021/12"),
    P("range-year", V, "/log/?date=2023", "{{ view.range }}", "2023/07 (5)"),
    P(
        "range-formats",
        V,
        "/log/?id=125",
        "{{ view(count=5).range(day='D MMM YYYY', span='{oldest} to {newest}: {count}') }}",
        "1 Jul 2023 to 10 Jul 2023: 5",
    ),
    P(
        "range-called-bare",
        V,
        "/log/?date=2021-04",
        "{{ view.range(month='MMMM YYYY') }}",
        "April 2021 (3)",
    ),
    # §3.5 pages
    P(
        "pages-count",
        V,
        "/log/",
        "{% for p in view(count=10).pages %}{{ p.link() }} {% endfor %}",
        "/log/ /log/?id=120 /log/?id=110 /log/?id=131",
    ),
    P(
        "pages-date",
        V,
        "/log/?date=2023",
        "{% for p in view.pages %}{{ p.link() }} {% endfor %}",
        "/log/?date=2025 /log/?date=2023 /log/?date=2022 /log/?date=2021 /log/?date=2020",
    ),
    # tag_add, tag_remove, tag_toggle and view.tags
    P("tags", V, "/filters/?tag=Red", "{{ view.tags|list }}", "['Red']"),
    # §3.8: matched by key, shown as the entries write the tag (issue 8)
    *(
        P(f"tags-as-written-{n}", "matrix", f"/notes/?{query}", "{{ view.tags|list }}", out)
        for n, (query, out) in enumerate(
            [
                ("tag=c", "['C++']"),
                ("tag=C%2B%2B", "['C++']"),
                ("tag=caf%C3%A9-culture", "['Café culture']"),
                ("tag=CAF%C3%89+CULTURE", "['Café culture']"),
                ("tag=pushl", "['Pushl']"),
                ("tag=secret", "['Secret']"),
                ("tag=No-Such-Tag", "['No-Such-Tag']"),
            ]
        )
    ),
    P(
        "tags-as-written-listing",
        "matrix",
        "/notes/?tag=c",
        "{{ view.tags|join }}: {% for e in view.entries %}{{ e.id }} {% endfor %}"
        "{% for e in view.entries %}{{ e.tags|join(',') }};{% endfor %}",
        "C++: 502 501 pushl,C++;C++,Café culture;",
    ),
    P(
        "tags-as-written-add",
        "matrix",
        "/notes/?tag=c",
        "{{ view.tag_add('pushl').tags|sort|join(',') }} {{ view.tag_add('pushl').link() }}",
        "C++,Pushl /notes/?tag=c&tag=pushl",
        differs="tag order in links: see tag_add",
    ),
    P(
        "tag_add",
        V,
        "/filters/?tag=red",
        "{{ view.tag_add('Blue').link() }} " + ids("view.tag_add('Blue').entries"),
        "/filters/?tag=red&tag=blue 309 306 304 303 302 301",
        differs="Publ keeps tags in frozensets, so their order in links follows string "
        "hashing and changes from one process to the next; Octavo keeps the order they "
        "were given in",
    ),
    P("tag_remove", V, "/filters/?tag=red", "{{ view.tag_remove('RED').link() }}", "/filters/"),
    P(
        "tag_toggle",
        V,
        "/filters/?tag=red",
        "{{ view.tag_toggle('red', 'green').link() }} " + ids("view.tag_toggle('red', 'green')"),
        "/filters/?tag=green 306 304 303",
    ),
    P("tag_add-none", V, "/filters/", "{{ view.tag_add('Red').link() }}", "/filters/?tag=red"),
    # link()
    P("link", V, "/filters/?tag=red", "{{ view.link() }}", "/filters/?tag=red"),
    P("link-str", V, "/filters/?tag=red", "{{ view }}", "/filters/?tag=red"),
    P(
        "link-template",
        V,
        "/filters/?tag=red",
        "{{ view.link(template='feed') }}",
        "/filters/feed?tag=red",
    ),
    P(
        "link-index-template-dropped",
        V,
        "/filters/?tag=red",
        "{{ view.link(template='index') }}",
        "/filters/?tag=red",
    ),
    P(
        "link-absolute",
        V,
        "/filters/?tag=red",
        "{{ view.link(absolute=True) }}",
        "http://localhost/filters/?tag=red",
    ),
    P("link-category", V, "/filters/?tag=red", "{{ view.link(category='log') }}", "/log/?tag=red"),
    P("link-date", V, "/log/?date=2021-04", "{{ view.link() }}", "/log/?date=2021-04"),
    P("link-id", V, "/log/?id=120", "{{ view(count=5).link() }}", "/log/?id=120"),
    P(
        "link-get_view",
        V,
        "/",
        "{{ get_view(category='log', count=5).older.link() }}",
        "/log/?id=125",
    ),
    # the category URL's date, id and tag arguments
    P("url-tag", V, "/filters/?tag=red", ids("view.entries"), "306 304 302 301"),
    P("url-tags", V, "/filters/?tag=red&tag=blue", ids("view.entries"), "309 306 304 303 302 301"),
    P("url-date", V, "/log/?date=2021-04", ids("view.entries"), "115 114 113"),
    P("url-id-unpaginated", V, "/log/?id=120", ids("view.entries"), LOG_NEWEST),
    P("url-id-paginated", V, "/log/?id=120", ids("view(count=3).entries"), "120 119 118"),
    P("url-date-beats-id", V, "/log/?date=2021-04&id=120", ids("view.entries"), "115 114 113"),
    P(
        "url-ignores-other-keys",
        V,
        "/log/?count=2&order=oldest&first=101&recurse=1",
        ids("view(count=3).entries"),
        "130 129 128",
    ),
    # deleted, unauthorized, has_unauthorized
    P("deleted", V, "/", ids("get_view(category='filters').deleted"), "312"),
    P(
        "has_unauthorized",
        V,
        "/",
        "{{ get_view(category='filters').has_unauthorized }} "
        "{{ get_view(category='log').has_unauthorized }}",
        "True False",
    ),
    P(
        "unauthorized",
        V,
        "/",
        "{% for e in get_view(category='filters').unauthorized %}{{ e.id }} [{{ e.title }}] "
        "{{ e.link() }} {{ e.private }}{% endfor %}",
        "311 [] /311 True",
    ),
    P(
        "entries-unauthorized",
        V,
        "/",
        ids("get_view(category='filters').entries(unauthorized=1)"),
        "309 311 306 305 304 303 302 301",
    ),
    P(
        "entries-unauthorized-count",
        V,
        "/",
        ids("get_view(category='filters', count=3).entries(unauthorized=True)"),
        "309 311 306",
    ),
    P(
        "view-attributes",
        V,
        "/",
        "{% set v = get_view(category='log', count=3) %}{{ v.count }} {{ v.first.id }} "
        "{{ v.last.id }} {{ v.newest.id }} {{ v.oldest.id }} {{ v.last_modified.isoformat() }}",
        "3 130 128 130 128 2025-05-06T09:00:00+00:00",
    ),
    P(
        "view-attributes-oldest",
        V,
        "/",
        "{% set v = get_view(category='log', count=3, order='oldest') %}{{ v.first.id }} "
        "{{ v.last.id }} {{ v.newest.id }} {{ v.oldest.id }}",
        "131 102 102 131",
    ),
]


E = "routes"
API_PROBES = [
    # §4.1 globals
    P("get_entry", E, "/", "{{ get_entry(1).id }} {{ get_entry('1').title }}", "1 Hello World"),
    P("get_entry-unknown", E, "/", "{{ get_entry(99999) }}", "None", fix="B3"),
    P("get_entry-draft", E, "/", "{{ get_entry(30) }} {{ get_entry(32) }}", "None None"),
    P("get_entry-private", E, "/", "{{ get_entry(50) }}", "None"),
    P("secure_url", E, "/", "{{ secure_url('category', category='blog') }}", "/blog/"),
    P(
        "login-links-to-the-root",
        E,
        "/",
        "{{ login(redir='') }} {{ login(redir='blog/') }}",
        "/_login/ /_login/blog/",
    ),
    P(
        "get_entry-hidden-future-attachment",
        E,
        "/",
        "{{ get_entry(31).id }} {{ get_entry(35).id }} {{ get_entry(36).id }}",
        "31 35 36",
    ),
    P("static", E, "/", "{{ static('style.css') }}", "/static/style.css"),
    P(
        "static-absolute",
        E,
        "/",
        "{{ static('sub/file.txt', absolute=True) }}",
        "http://localhost/static/sub/file.txt",
    ),
    P(
        "arrow",
        E,
        "/",
        "{{ arrow.get('2020-02-29T10:00:00+00:00').shift(days=1).format('YYYY-MM-DD') }}",
        "2020-03-01",
    ),
    P(
        "url_for",
        E,
        "/",
        "{{ url_for('category', category='blog') }} {{ url_for('category') }} "
        "{{ url_for('category', category='blog', template='feed', tag='x') }} "
        "{{ url_for('entry', entry_id=1) }} "
        "{{ url_for('entry', entry_id=10, category='blog/travel', slug_text='A-Trip') }} "
        "{{ url_for('static', filename='style.css') }}",
        "/blog/ / /blog/feed?tag=x /1 /blog/travel/10-A-Trip /static/style.css",
    ),
    P(
        "get_template",
        E,
        "/",
        "{{ get_template('nothing-like-this', '') }} "
        "{{ get_template('index', 'blog/travel') }} {{ get_template('entry', get_entry(10)) }} "
        "{{ get_template(['nothing', 'entry'], get_entry(10).category) }}",
        "None blog/index.html blog/entry.html blog/entry.html",
    ),
    P("include-get_template", E, "/", "{% include get_template('_partial', 'blog') %}", "PARTIAL"),
    P(
        "strip_html",
        E,
        "/",
        "{{ '<p>Hello <b>there</b> &amp; you</p>'|strip_html }}",
        "Hello there & you",
    ),
    P(
        "first_paragraph",
        E,
        "/",
        "{{ '<p>One</p><p>Two</p>'|first_paragraph }}",
        "<p>One</p>",
    ),
    # §4.3 entry
    P(
        "entry-ids",
        E,
        "/",
        "{% set e = get_entry(1) %}{{ e.id }} {{ e.uuid }}",
        "1 00000000-0000-4000-8000-000000000001",
    ),
    P(
        "entry-title",
        E,
        "/",
        "{% set e = get_entry(4) %}{{ e.title(markup=False) }}|{{ e.title }}|{{ e.title|length }}",
        "Café Olé|Café Olé|8",
    ),
    P(
        "entry-permalink",
        E,
        "/",
        "{% set e = get_entry(10) %}{{ e.permalink }} {{ e.permalink() }} "
        "{{ e.permalink(expand=False) }} {{ e.permalink(absolute=True) }} "
        "{{ e.permalink(absolute=True, expand=False) }}",
        "/blog/travel/10-A-Trip /blog/travel/10-A-Trip /10 http://localhost/blog/travel/10-A-Trip "
        "http://localhost/10",
    ),
    P(
        "entry-link",
        E,
        "/",
        "{{ get_entry(1).link }} {{ get_entry(1).link(expand=False) }} "
        "{{ get_entry(1).link(absolute=True) }} {{ get_entry(2).link }}",
        "/1-Hello-World /1 http://localhost/1-Hello-World /2",
    ),
    P(
        "entry-link-redirect-to",
        E,
        "/",
        "{{ get_entry(20).link }} {{ get_entry(21).link }} {{ get_entry(22).link }} "
        "{{ get_entry(20).permalink }} {{ get_entry(20).link(absolute=True) }}",
        "/1-Hello-World /1-Hello-World https://example.com/elsewhere /redirects/20-To-ID "
        "http://localhost/1-Hello-World",
    ),
    P(
        "entry-link-canonical",
        E,
        "/",
        "{{ get_entry(13).link }} {{ get_entry(13).permalink(absolute=True) }}",
        "/pages/canonical-page http://localhost/pages/canonical-page",
    ),
    P(
        "entry-archive",
        E,
        "/",
        "{% set e = get_entry(10) %}{{ e.archive }} | {{ e.archive(paging='day') }} | "
        "{{ e.archive(paging='month') }} | {{ e.archive(paging='year') }} | "
        "{{ e.archive(paging='week') }} | {{ e.archive(paging='offset') }} | "
        "{{ e.archive(template='feed') }} | {{ e.archive(category='') }} | "
        "{{ e.archive(absolute=True) }}",
        "/blog/travel/?id=10 | /blog/travel/?date=2020-02-04 | /blog/travel/?date=2020-02 | "
        "/blog/travel/?date=2020 | /blog/travel/?date=20200203_w | /blog/travel/?id=10 | "
        "/blog/travel/feed?id=10 | /?id=10 | "
        "http://localhost/blog/travel/?id=10",
    ),
    P(
        # the target category's index template is left out of the URL; tags follow the page
        "entry-archive-index-template",
        E,
        "/",
        "{{ get_entry(10).archive(template='index') }} | "
        "{{ get_entry(80).archive(template='_themed-index') }} | "
        "{{ get_entry(80).archive(template='index') }} | "
        "{{ get_entry(10).archive(template='index', category='themed', paging='year') }} | "
        "{{ get_entry(10).archive(tag='x') }}",
        "/blog/travel/?id=10 | /themed/?id=80 | /themed/index?id=80 | "
        "/themed/index?date=2020 | /blog/travel/?id=10&tag=x",
    ),
    P(
        "entry-category",
        E,
        "/",
        "{% set c = get_entry(10).category %}{{ c }} {{ c.path }} {{ c.name }}",
        "blog/travel blog/travel Travel",
    ),
    P(
        "entry-dates",
        E,
        "/",
        "{% set e = get_entry(1) %}{{ e.date.isoformat() }} {{ e.date_year }} {{ e.date_month }} "
        "{{ e.date_day }} {{ e.last_modified.isoformat() }}",
        "2020-01-01T12:00:00+00:00 2020 2020-01 2020-01-01 2020-01-01T12:00:00+00:00",
    ),
    P(
        "entry-last_modified",
        E,
        "/",
        "{{ get_entry(2).last_modified.isoformat() }} {{ get_entry(2).date.isoformat() }}",
        "2021-06-01T08:00:00+00:00 2020-01-02T12:00:00+00:00",
    ),
    P("entry-tags", E, "/", "{{ get_entry(1).tags|join(',') }}", "Greeting,News,greeting"),
    P("entry-tags-none", E, "/", "{{ get_entry(2).tags|length }}", "0"),
    P(
        "entry-type",
        V,
        "/",
        "[{{ get_entry(301).type }}] [{{ get_entry(304).type }}] [{{ get_entry(301).entry_type }}]",
        "[note] [] [note]",
    ),
    P("entry-private", E, "/", "{{ get_entry(1).private }}", "False"),
    P(
        "entry-get",
        E,
        "/",
        "{% set e = get_entry(1) %}{{ e.get('Author') }} {{ e.get('author') }} "
        "{{ e.get('Missing') }} {{ e.get('Missing', 'dflt') }} {{ e.get('X-Custom') }}",
        "Ann Ann None dflt first",
    ),
    P(
        "entry-get_all",
        E,
        "/",
        "{{ get_entry(1).get_all('X-Custom')|join(',') }} "
        "{{ get_entry(1).get_all('missing')|length }}",
        "first,second 0",
    ),
    P(
        "entry-attribute-access",
        E,
        "/",
        "{% set e = get_entry(1) %}{{ e.Author }} {{ e.author }} {{ e['X-Custom'] }} "
        "{{ e.nothing }}",
        "Ann Ann first None",
    ),
    P(
        "entry-in",
        E,
        "/",
        "{% set e = get_entry(1) %}{{ 'Author' in e }} {{ 'x-custom' in e }} {{ 'Nope' in e }} "
        "{{ 'title' in e }}",
        "True True False True",
    ),
    P(
        "entry-next-previous",
        V,
        "/",
        "{{ get_entry(306).next().id }} {{ get_entry(309).previous.id }} "
        "{{ get_entry(301).previous() }} {{ get_entry(309).next }} "
        "{{ get_entry(303).next.id }} {{ get_entry(303).previous.id }}",
        "309 306 None None 304 302",
    ),
    P(
        "entry-next-spec",
        V,
        "/",
        "{{ get_entry(306).next(category='filters', recurse=True).id }} "
        "{{ get_entry(306).next(future=True).id }}",
        "307 308",
    ),
    P(
        "entry-next-tie",
        V,
        "/",
        "{{ get_entry(104).next.id }} {{ get_entry(104).previous.id }} "
        "{{ get_entry(101).previous.id }} {{ get_entry(108).next.id }}",
        "105 103 131 109",
    ),
    P(
        "entry-next-skips-private",
        E,
        "/",
        "{{ get_entry(51).next.id }} {{ get_entry(52).previous.id }}",
        "52 51",
    ),
    P(
        "entry-attachments",
        V,
        "/",
        ids("get_entry(401).attachments(order='oldest')")
        + "| "
        + ids("get_entry(401).attachments(order='newest')")
        + "| {{ get_entry(404).attachments|length }}",
        "402 403 | 403 402 | 0",
    ),
    P(
        # view.spec in Publ's key order: filters as given, then the offset, then the page size
        "view-spec-order",
        V,
        "/log/?date=2021&tag=red",
        "{{ view.spec }} | {{ view(recurse=True).spec }} | "
        "{{ get_view(count=3, category='log', order='oldest', recurse=True).spec }}",
        "{'tag': 'red', 'category': 'log', 'date': '2021'} | "
        "{'tag': 'red', 'category': 'log', 'recurse': True, 'date': '2021'} | "
        "{'category': 'log', 'order': 'oldest', 'recurse': True, 'count': 3}",
    ),
    P(
        # a view of every category links to the root; category='' means "the view's own"
        "view-link-without-category",
        V,
        "/log/",
        "{{ get_view(count=3).link }} {{ get_view(date='2021').link(template='feed') }} "
        "{{ view.link(category='') }} {{ view(count=2).link(category='filters') }}",
        "/ /feed?date=2021 /log/ /filters/",
    ),
    P(
        "view-tags-printed",
        V,
        "/filters/?tag=blue",
        "{{ view.tags }} {{ get_view().tags }}",
        "{'Blue'} set()",
    ),
    P(
        # with no `order`, Publ lists attachments by entry ID (neither header, title nor date)
        "entry-attachments-unordered",
        V,
        "/",
        ids("get_entry(610).attachments") + "| " + ids("get_entry(610).attachments()"),
        "611 612 613 | 611 612 613",
    ),
    P(
        "entry-attached",
        V,
        "/",
        ids("get_entry(403).attached()") + "| " + ids("get_entry(402).attached"),
        "401 | 401",
    ),
    # §4.10 proxies: bare, called, truth-tested, iterated
    P(
        "proxy-body-more",
        E,
        "/",
        "{% set e = get_entry(1) %}{{ 'B' if e.body }}{{ 'M' if e.more }}"
        "{% set f = get_entry(2) %} {{ 'B' if f.body }}{{ 'M' if f.more else 'no-more' }}",
        "BM Bno-more",
    ),
    P(
        "proxy-body-text",
        E,
        "/",
        "{{ 'Hello body.' in (get_entry(1).body|string) }} "
        "{{ 'Hello more.' in (get_entry(1).more()|string) }} "
        "{{ 'Hello more.' in (get_entry(1).body()|string) }}",
        "True True False",
    ),
    P(
        "proxy-title",
        E,
        "/",
        "{% set e = get_entry(1) %}{{ e.title == 'Hello World' }} {{ 'World' in e.title }} "
        "{{ e.title ~ '!' }} {{ e.title|upper }} {{ e.title|length }}",
        "True True Hello World! HELLO WORLD 11",
    ),
    P(
        "proxy-iterate",
        V,
        "/",
        "{% for c in get_entry(301).category.root.subcats %}{{ c.path }} {% endfor %}"
        "{{ get_view(category='filters').entries|length }} "
        "{{ get_view(category='filters').entries[0].id }}",
        "log filters gallery 7 309",
    ),
    # §4.4 category
    P(
        "category-basics",
        E,
        "/",
        "{% set c = get_entry(10).category %}{{ c.path }} {{ c.basename }} {{ c.name }} "
        "[{{ c.parent.path }}] [{{ c.parent.parent.path }}] [{{ c.root.path }}] "
        "{{ c.parent.parent.parent }}",
        "blog/travel travel Travel [blog] [] [] None",
    ),
    P(
        "category-breadcrumb",
        E,
        "/",
        "{% for c in get_entry(10).category.breadcrumb %}[{{ c.path }}:{{ c.name }}]{% endfor %}",
        "[:Route Fixture][blog:Blog][blog/travel:Travel]",
    ),
    P(
        "category-name-derived",
        V,
        "/",
        "{{ get_entry(307).category.name }} {{ get_entry(140).category.name }}",
        "Deeper Sub",
    ),
    P(
        "category-link",
        E,
        "/",
        "{% set c = get_entry(10).category %}{{ c.link }} {{ c.link() }} "
        "{{ c.link(template='feed') }} {{ c.link(template='index') }} "
        "{{ c.link(absolute=True) }} {{ c.link(tag='x') }} {{ c.root.link() }}",
        "/blog/travel/ /blog/travel/ /blog/travel/feed /blog/travel/ "
        "http://localhost/blog/travel/ /blog/travel/?tag=x /",
    ),
    P(
        "category-link-index_template",
        E,
        "/",
        "{% set c = get_entry(80).category %}{{ c.index_template }} "
        "{{ c.link(template='_themed-index') }} {{ c.link(template='index') }}",
        "_themed-index /themed/ /themed/index",
    ),
    P(
        "category-subcats",
        V,
        "/",
        "{% set root = get_entry(1).category %}"
        "{% for c in root.subcats %}{{ c.path }} {% endfor %}| "
        "{% for c in root.subcats(recurse=True) %}{{ c.path }} {% endfor %}| "
        "{% for c in get_entry(101).category.subcats %}{{ c.path }} {% endfor %}| "
        "{{ get_entry(140).category.subcats|length }}",
        "log filters gallery | log log/sub filters filters/deeper gallery | log/sub | 0",
    ),
    P(
        "category-subcats-routes",
        E,
        "/",
        "{% for c in get_entry(1).category.subcats %}{{ c.path }} {% endfor %}",
        "aliased blog private redirects special status strict themed",
    ),
    P(
        "category-sort_name",
        V,
        "/",
        "{{ get_entry(101).category.sort_name }}|{{ get_entry(301).category.sort_name }}|"
        "{{ get_entry(307).category.sort_name }}",
        "0 log|Filters|Deeper",
    ),
    P(
        "category-first-last",
        V,
        "/",
        "{% set c = get_entry(101).category %}{{ c.first.id }} {{ c.last.id }} "
        "{{ c.first().id }} {{ c.last(date='2023').id }}",
        "131 130 131 125",
    ),
    P(
        "category-tags",
        V,
        "/",
        "{% set found = [] %}{% for t in get_entry(301).category.tags %}"
        "{% set _ = found.append(t.name|lower ~ '=' ~ t.count) %}{% endfor %}"
        "{{ found|sort|join(' ') }}",
        "blue=4 green=3 red=3",
        differs="Publ counts the tags of private entries (blue=4 green=3 red=4); "
        "Octavo keeps them private",
    ),
    P(
        "category-get",
        V,
        "/",
        "{% set c = get_entry(101).category %}{{ c.get('Accent') }} {{ c.Accent }} "
        "{{ c.get('accent') }} {{ c.get_all('Accent')|join(',') }} {{ c.get('Missing', 'd') }} "
        "{{ get_entry(140).category.get_all('Accent') }}",
        "teal teal teal teal d None",
    ),
    P(
        "category-index_template-get",
        E,
        "/",
        "{% set c = get_entry(80).category %}{{ c.get('Entry-Template') }} {{ c.get('Name') }} "
        "{{ get_entry(1).category.index_template }}",
        "themed-entry Themed index",
    ),
    P(
        "category-description",
        V,
        "/",
        "{{ 'A running log' in (get_entry(101).category.description|string) }} "
        "{{ 'yes' if get_entry(101).category.description else 'no' }} "
        "{{ 'yes' if get_entry(307).category.description else 'no' }}",
        "True yes no",
    ),
    P(
        "category-compare",
        V,
        "/",
        "{{ get_entry(101).category == 'log' }} "
        "{{ get_entry(101).category == get_entry(102).category }} "
        "{{ get_entry(101).category == get_entry(140).category }}",
        "True True False",
    ),
    # §4.5 template, §4.6 user
    P(
        "template",
        E,
        "/blog/",
        "{{ template.name == (template|string) }} {{ template.mime_type }} "
        "{{ template.filename.endswith('.txt') }} "
        "{{ template.file_path.endswith(template.filename) }} "
        "{{ template.last_modified.year > 2000 }}",
        "True text/plain True True True",
    ),
    P("user", E, "/", "{{ 'in' if user else 'out' }} {{ user.is_admin }}", "out False"),
]

PROBES = SPEC_PROBES + PAGINATION_PROBES + API_PROBES
