"""The view system on category pages (§3): the fixture's index template, page walks
over ties, and the cost of deep pages. Spec keys one by one are in cases.PROBES."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import event

from tests.web.cases import LOG_NEWEST
from tests.web.conftest import Site


def facts(site: Site, url: str) -> dict[str, str]:
    """The views site's index template prints 'key: value' lines."""
    lines = site.text(url).strip().splitlines()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def test_category_page_of_the_fixture_template(views: Site) -> None:
    page = facts(views, "/log/")
    assert page["category"] == "log"
    assert page["view"] == LOG_NEWEST
    assert page["type"] == "None"
    assert page["is_current"] == "True"
    assert page["link"] == "/log/"
    assert page["page"] == "130 129 128 127 126"
    assert page["page.older"] == "/log/?id=125"
    assert page["page.newer"] == "-"
    assert page["date.older"] == "-"


def test_walking_older_pages_visits_every_entry_once_in_order(views: Site) -> None:
    seen: list[str] = []
    url = "/log/"
    while url != "-":
        page = facts(views, url)
        seen += page["page"].split()
        url = page["page.older"]
    assert " ".join(seen) == LOG_NEWEST


def test_walking_newer_pages_back_from_the_end(views: Site) -> None:
    pages: list[str] = []
    url = "/log/?id=131"
    while url != "-":
        page = facts(views, url)
        pages.append(page["page"])
        url = page["page.newer"]
    assert pages[0] == "131"
    assert pages[-1].startswith("130")
    seen = " ".join(reversed(pages)).split()
    assert seen == sorted(set(seen), key=seen.index)  # no entry twice
    assert set(seen) == set(LOG_NEWEST.split())


def test_date_pages_walk_over_empty_spans(views: Site) -> None:
    labels = []
    url = "/log/?date=2025"
    while url != "-":
        page = facts(views, url)
        labels.append(parse_qs(urlsplit(url).query)["date"][0])
        assert page["type"] == "year"
        url = page["date.older"]
    assert labels == ["2025", "2023", "2022", "2021", "2020"]


def test_tag_links_as_sets(views: Site) -> None:
    out = views.render(
        "/filters/?tag=red&tag=blue",
        "{{ view.tag_toggle('blue', 'green').link() }} {{ view.tag_add('RED', 'Green').link() }} "
        "{{ view.tag_remove('blue').link() }}",
    )
    toggled, added, removed = out.split()
    assert sorted(parse_qs(urlsplit(toggled).query)["tag"]) == ["green", "red"]
    assert sorted(parse_qs(urlsplit(added).query)["tag"]) == ["blue", "green", "red"]
    assert parse_qs(urlsplit(removed).query)["tag"] == ["red"]
    assert urlsplit(added).path == "/filters/"


def test_link_keeps_extra_query_args(views: Site) -> None:
    out = views.render("/filters/?tag=red", "{{ view.link(page='x', template='feed') }}")
    parts = urlsplit(out)
    assert parts.path == "/filters/feed"
    assert parse_qs(parts.query) == {"tag": ["red"], "page": ["x"]}


@contextmanager
def counted_queries(site: Site) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        # The live-generation pointer is re-read once a second whatever the page: not counted.
        if "octavo_meta" not in statement:
            statements.append(statement)

    engine = site.app.index.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_pages_are_found_by_keyset_not_offset(views: Site) -> None:
    """A deep page seeks to its first entry (a keyset bound on the date and ID) and
    skips nothing: the query count alone would not tell OFFSET paging apart."""
    executed: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, params, _context, _many):  # type: ignore[no-untyped-def]
        executed.append((statement, params))

    engine = views.app.index.engine
    views.text("/log/?id=102")
    event.listen(engine, "before_cursor_execute", record)
    try:
        views.text("/log/?id=102")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    pages = [(sql, params) for sql, params in executed if "LIMIT" in sql]
    assert pages
    for sql, params in pages:
        # SQLite's dialect writes "LIMIT ? OFFSET ?" for every limit: the offset is 0.
        assert "OFFSET" not in sql or (sql.rstrip().endswith("OFFSET ?") and params[-1] == 0)
    # The page itself starts at entry 102's position (newest first: at or before it).
    keyset = re.compile(r"\(\S+local_date, \S+entry_id\) <= \(\?, \?\)")
    assert any(keyset.search(sql) for sql, _params in pages)


def test_a_deep_page_costs_what_the_first_page_costs(views: Site) -> None:
    """Keyset pagination: the same number of queries wherever the page starts
    (the first page, with no position to look up and no newer page, needs fewer)."""
    costs = {}
    for url in ("/log/", "/log/?id=125", "/log/?id=110", "/log/?id=102"):
        views.text(url)  # warm per-process caches
        with counted_queries(views) as statements:
            views.text(url)
        costs[url] = len(statements)
    first = costs.pop("/log/")
    assert len(set(costs.values())) == 1, costs
    assert first <= min(costs.values()) < 40
