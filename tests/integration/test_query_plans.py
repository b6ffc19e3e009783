"""Every query a page issues walks an index range, on each backend, at a realistic size.

An index of PLAN_ENTRIES entries is written straight into the tables (no files,
no scan: seconds, not minutes), a site whose templates make the pages of a
typical Publ site (home, archive pages, category pages with and without
recursion, tag and date listings, title order, entries with prev/next, a feed)
is served over it, every statement a request issues is recorded, and the
database is asked for its plan: a full scan, a sort or temporary table, or a
keyset bound that the planner cannot seek on fails the test (issue 17).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Boolean, DateTime, Integer, event
from sqlalchemy.types import JSON

from octavo import Octavo
from octavo.index.database import IndexDatabase
from octavo.index.schema import Tables
from octavo.index.search_writer import insert_search_rows

PLAN_ENTRIES = 30_000
CATEGORIES = [  # (path, weight): the shape of the benchmark corpus
    ("blog", 20),
    ("blog/tech", 12),
    ("blog/tech/python", 8),
    ("blog/life", 8),
    ("comics", 10),
    ("notes", 10),
    ("notes/reading", 6),
    ("projects/alpha", 4),
    ("", 2),
]
TAGS = [f"tag{n}" for n in range(40)]
TEMPLATES = {
    "index.html": "{% set v = view(count=10, recurse=True) %}"
    "{% for e in v.entries %}{{ e.id }} {{ e.title }} {{ e.link }}\n{% endfor %}"
    "{{ view.tags|join }} {{ v.newer.link if v.newer }} {{ v.older.link if v.older }}",
    "flat.html": "{% set v = view(count=10) %}{% for e in v.entries %}{{ e.id }} {% endfor %}"
    "{{ v.newer.link if v.newer }} {{ v.older.link if v.older }}",
    "oldest.html": "{% set v = view(count=10, order='oldest') %}"
    "{% for e in v.entries %}{{ e.id }} {% endfor %}{{ v.next.link if v.next }}",
    "title.html": "{% for e in view(count=10, order='title').entries %}{{ e.title }} {% endfor %}",
    "archive.html": "{% for e in view.entries %}{{ e.id }} {% endfor %}"
    "{{ view.newer.link if view.newer }} {{ view.older.link if view.older }}",
    "entry.html": "{{ entry.title }} {{ entry.previous.link if entry.previous }} "
    "{{ entry.next.link if entry.next }} {{ entry.category.name }}",
    "feed.xml": "{% for e in view(recurse=True, count=20).entries %}"
    "{{ e.permalink(absolute=True) }} {{ e.uuid }}\n{% endfor %}",
}


def fill_index(
    db: IndexDatabase, entries: int, seed: int = 17, searchable: bool = False
) -> dict[str, Any]:
    """A live index generation of `entries` entries, written straight into the tables
    (with `searchable`, their search rows too); returns facts the page list needs (IDs
    to start pages at, an entry to show)."""
    rng = random.Random(seed)
    with db.writing(wait=10):
        tables = db.create_generation()
        start = dt.datetime(2010, 1, 1)
        rows, tags = [], []
        for pk in range(1, entries + 1):
            category = rng.choices([c for c, _ in CATEGORIES], [w for _, w in CATEGORIES])[0]
            # Minutes apart with frequent ties, so order and bounds depend on the ID too.
            moment = start + dt.timedelta(minutes=rng.randrange(entries * 200) // 7 * 7)
            status = rng.choices([2, 3, 1, 4, 0], [95, 2, 1, 1, 1])[0]
            if status == 3:
                moment = dt.datetime(2099, 1, 1) + dt.timedelta(minutes=pk)
            rows.append(_entry_row(tables, pk, category, moment, status, rng.random() > 0.01))
            for tag in rng.sample(TAGS, rng.choice([0, 1, 1, 2, 2, 3])):
                tags.append(
                    {
                        "entry_pk": pk,
                        "tag_key": tag,
                        "name": tag,
                        "hidden": False,
                        "local_date": rows[-1]["local_date"],
                        "entry_id": rows[-1]["entry_id"],
                    }
                )
        with db.engine.begin() as conn:
            for part in range(0, len(rows), 5000):
                conn.execute(tables.entries.insert(), rows[part : part + 5000])
            for part in range(0, len(tags), 5000):
                conn.execute(tables.entry_tags.insert(), tags[part : part + 5000])
            if searchable:
                texts = [_search_text(rng, row["pk"]) for row in rows]
                for part in range(0, len(texts), 5000):
                    insert_search_rows(conn, tables, texts[part : part + 5000])
        db.analyze(tables)
        db.activate(tables)
    listed = sorted(
        (r["local_date"], r["entry_id"]) for r in rows if r["status"] == 2 and r["public"]
    )
    shown = next(r for r in rows if r["status"] == 2 and r["public"] and r["category"] == "blog")
    return {
        "page2": listed[-11][1],
        "page500": listed[-(10 * 499 + 1)][1],
        "entry": f"/{shown['category']}/{shown['entry_id']}-{shown['slug_text']}",
        "month": listed[len(listed) // 2][0].strftime("%Y-%m"),
    }


def _entry_row(
    tables: Tables, pk: int, category: str, moment: dt.datetime, status: int, public: bool
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "pk": pk,
        "entry_id": 100_000 + pk,
        "file_path": f"{category}/e{pk}.md".lstrip("/"),
        "category": category,
        "status": status,
        "public": public,
        "utc_timestamp": int(moment.replace(tzinfo=dt.UTC).timestamp()),
        "local_date": moment,
        "display_date": moment.isoformat() + "+00:00",
        "last_modified": moment.isoformat() + "+00:00",
        "title": f"Entry {pk}",
        "sort_title": f"entry {pk:06d}",
        "slug_text": f"Entry-{pk}",
        "uuid": f"00000000-0000-4000-8000-{pk:012d}",
        "headers": [["Title", f"Entry {pk}"]],
        "auth": None if public else "friends",
    }
    for column in tables.entries.columns:  # columns this test has no opinion on
        if column.name not in row and not column.nullable:
            row[column.name] = _placeholder(column.type)
    return row


def _search_text(rng: random.Random, pk: int) -> dict[str, Any]:
    """Twenty words of a 2,000-word vocabulary (each word in about 1% of the entries),
    and a rare word in one entry of 600."""
    words = [f"w{rng.randrange(2000)}" for _ in range(20)]
    if rng.random() < 1 / 600:
        words.append("zymurgy")
    return {"entry_pk": pk, "title": f"Entry {pk}", "body": " ".join(words), "extra": ""}


def _placeholder(kind: Any) -> Any:
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 0
    if isinstance(kind, DateTime):
        return dt.datetime(2010, 1, 1)
    if isinstance(kind, JSON):
        return []
    return ""


@contextmanager
def recorded(app: Octavo) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, params, _context, _many):  # type: ignore[no-untyped-def]
        if "octavo_meta" not in statement:
            statements.append((statement, params))

    event.listen(app.index.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(app.index.engine, "before_cursor_execute", record)


# -- reading plans ---------------------------------------------------------------------

#: A sort of at most this many rows (PostgreSQL's EXPLAIN ANALYZE counts them) is a probe at
#: the edge of a listing, and does not grow with the site.
SMALL_SORT = 200
#: A statement with a keyset bound or a date range: the planner must seek on local_date.
BOUNDED = re.compile(r"local_date(, \S*entry_id\))?\s*(>=|<=|>|<)")


def plan_problems(conn: Any, dialect: str, statement: str, params: Any) -> list[str]:
    """What is wrong with the database's plan for one statement ([] when it is good)."""
    bounded = bool(BOUNDED.search(statement))
    limited = "LIMIT" in statement.upper()
    if dialect == "sqlite":
        details = [r[3] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]
        return _sqlite_problems(details, bounded, limited)
    if dialect == "postgresql":
        # ANALYZE: a sort is judged by the rows it really sorted, not by an estimate.
        found = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params).scalar()
        plan = found if isinstance(found, list) else json.loads(found)
        return _postgres_problems(plan[0]["Plan"], bounded, limited)
    found = conn.exec_driver_sql("EXPLAIN FORMAT=JSON " + statement, params).scalar()
    return _mariadb_problems(json.loads(found), bounded, limited)


def _sqlite_problems(details: list[str], bounded: bool, limited: bool) -> list[str]:
    problems = [d for d in details if re.fullmatch(r"SCAN \S+", d) or "TEMP B-TREE" in d]
    walks = [d for d in details if d.startswith("SCAN ") and "entries" in d]
    if walks and not limited:
        problems += [f"{d} (no LIMIT: the whole index)" for d in walks]
    if bounded and not any(d.startswith("SEARCH ") and "local_date" in d for d in details):
        problems.append(f"the keyset bound is no index range: {details}")
    return problems


def _postgres_problems(plan: dict[str, Any], bounded: bool, limited: bool) -> list[str]:
    nodes = list(_walk(plan, "Plans"))
    # A date archive (a span, no LIMIT) returns its whole range: sorting what it returns
    # does not grow with the site, and PostgreSQL rightly prefers a bitmap scan there; so
    # does a neighbour probe at the edge of a listing, whose range holds a handful of rows.
    sorts_ok = bounded and not limited
    problems = [
        f"{n['Node Type']} of {n['Actual Rows']} rows"
        if n["Node Type"] != "Seq Scan"
        else f"Seq Scan on {n.get('Relation Name', '?')}"
        for n in nodes
        if n["Node Type"] == "Seq Scan"
        or (
            n["Node Type"] in ("Sort", "Incremental Sort")
            and not sorts_ok
            and n["Actual Rows"] > SMALL_SORT
        )
    ]
    scans = [n for n in nodes if "entries" in n.get("Relation Name", "")]
    if not limited:
        problems += [
            f"{n['Node Type']} without Index Cond (no LIMIT: the whole index)"
            for n in scans
            if n["Node Type"].startswith("Index") and "Index Cond" not in n
        ]
    if bounded and not any("local_date" in n.get("Index Cond", "") for n in nodes):
        problems.append(f"the keyset bound is no index range: {[n['Node Type'] for n in nodes]}")
    return problems


def _mariadb_problems(plan: dict[str, Any], bounded: bool, limited: bool) -> list[str]:
    problems, tables = [], []
    for node in _walk(plan, None):
        if node.get("using_filesort") or "filesort" in node:
            problems.append("filesort")
        if node.get("using_temporary_table") or "temporary_table" in node:
            problems.append("temporary table")
        table = node.get("table")
        if isinstance(table, dict) and "table_name" in table:
            tables.append(table)
    for table in tables:
        access = table.get("access_type")
        if access == "ALL":
            problems.append(f"full scan of {table['table_name']}")
        if access == "index" and not limited and "entries" in table["table_name"]:
            problems.append(f"whole index {table.get('key')} walked (no LIMIT)")
    if bounded and not any(_seeks_on_date(t) for t in tables):
        problems.append(f"the keyset bound is no index range: {tables}")
    return problems


def _seeks_on_date(table: dict[str, Any]) -> bool:
    """A range on local_date, or MariaDB's other choice for a one-category bound: the
    category's (category, date) index walked in date order, which its cost model takes
    when the bound keeps most of the category (it seeks when the bound is selective)."""
    if table.get("access_type") == "range":
        return "local_date" in table.get("used_key_parts", [])
    return table.get("access_type") == "ref" and str(table.get("key")).endswith("ix_cat_date")


def _walk(node: Any, children: str | None) -> Iterator[dict[str, Any]]:
    """Every dict in a plan tree (PostgreSQL: along `children`; MariaDB: everywhere)."""
    if isinstance(node, dict):
        yield node
        for key, value in node.items():
            if children is None or key == children:
                yield from _walk(value, children)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, children)


# -- the test --------------------------------------------------------------------------


def served(index_db: IndexDatabase, tmp_path: Path, **config: Any) -> Octavo:
    (tmp_path / "content").mkdir()
    templates = tmp_path / "templates"
    templates.mkdir()
    for name, text in TEMPLATES.items():
        (templates / name).write_text(text, encoding="utf-8")
    return Octavo(
        "plans",
        {
            "content_folder": str(tmp_path / "content"),
            "template_folder": str(templates),
            "timezone": "UTC",
            "database_url": index_db.url.render_as_string(hide_password=False),
            "index_scan_on_start": False,
            "index_enable_watchdog": False,
            "index_rescan_interval": 0,
            **config,
        },
        root_path=str(tmp_path),
    )


@pytest.fixture
def planned_site(index_db: IndexDatabase, tmp_path: Path) -> tuple[Octavo, dict[str, Any]]:
    facts = fill_index(index_db, PLAN_ENTRIES)
    return served(index_db, tmp_path), facts


def page_paths(facts: dict[str, Any]) -> list[str]:
    return [
        "/",  # home: the first page, its older page probe
        f"/?id={facts['page2']}",  # archive page 2: both neighbours
        f"/?id={facts['page500']}",  # archive page 500
        "/blog/",  # a category with its subcategories
        f"/blog/?id={facts['page500']}",
        "/notes/reading/flat",  # one category, no recursion
        f"/blog/flat?id={facts['page2']}",
        "/?tag=tag7",  # a tag page
        f"/?tag=tag7&id={facts['page2']}",
        "/blog/?tag=tag3",
        f"/archive?date={facts['month']}",  # a date archive and its neighbour months
        f"/blog/archive?date={facts['month']}",
        "/oldest",
        f"/oldest?id={facts['page2']}",
        "/blog/title",
        facts["entry"],  # an entry page: previous and next in its category
        "/feed.xml",
    ]


def test_every_page_query_walks_an_index_range(
    planned_site: tuple[Octavo, dict[str, Any]],
) -> None:
    app, facts = planned_site
    statements = requested(app, page_paths(facts))
    problems = judged(app, statements, plan_problems)
    assert problems == {}, "\n\n".join(f"{sql}\n  -> {found}" for sql, found in problems.items())


#: Search pages: the order (title matches first) sorts the matches (however few), so a
#: search statement is judged by another rule: the match goes through the text index,
#: and neither the entries nor the search table is read whole (the page of results, a
#: subquery of at most `count` + 1 rows, may be).
SEARCHES = [
    "q=w17",
    "q=w17+w18",
    "q=%22w17+w18%22",
    "q=zymur*",
    "q=w17+-w18",
    "q=w17+tag:tag7",
    "q=w17+category:blog",
    "q=w17&page=2",
]


def test_search_queries_go_through_the_text_index(index_db: IndexDatabase, tmp_path: Path) -> None:
    fill_index(index_db, PLAN_ENTRIES, searchable=True)
    app = served(index_db, tmp_path, search_index="on")
    (tmp_path / "templates" / "search.html").write_text(
        "{% set r = search(request.args.q, count=10, page=request.args.page or 1) %}"
        "{% for e in r %}{{ e.id }} {{ e.snippet }}\n{% endfor %}"
        "{{ r.total }} {{ r.has_unauthorized }} {{ r.next.link() if r.next }}",
        encoding="utf-8",
    )
    statements = requested(app, [f"/search?{query}" for query in SEARCHES])
    searches = [(s, p) for s, p in statements if "_search" in s]
    assert len(searches) >= 3 * len(SEARCHES)
    problems = judged(app, searches, search_plan_problems)
    assert problems == {}, "\n\n".join(f"{sql}\n  -> {found}" for sql, found in problems.items())


def search_plan_problems(conn: Any, dialect: str, statement: str, params: Any) -> list[str]:
    if dialect == "sqlite":
        details = [r[3] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]
        problems = [d for d in details if re.fullmatch(r"SCAN \S+", d) and d != "SCAN page"]
        if not any("VIRTUAL TABLE INDEX" in d and "_search_fts" in d for d in details):
            problems.append(f"no FTS5 match: {details}")
        return problems
    if dialect == "postgresql":
        found = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, params).scalar()
        plan = found if isinstance(found, list) else json.loads(found)
        nodes = list(_walk(plan[0]["Plan"], "Plans"))
        problems = [
            f"Seq Scan on {n.get('Relation Name')}" for n in nodes if n["Node Type"] == "Seq Scan"
        ]
        if not any(str(n.get("Index Name", "")).endswith("ix_search_document") for n in nodes):
            problems.append(f"no GIN index scan: {[n['Node Type'] for n in nodes]}")
        return problems
    # The tabular form: MariaDB's JSON plan quotes a phrase's `"` in conditions unescaped.
    rows = [r._mapping for r in conn.exec_driver_sql("EXPLAIN " + statement, params)]
    problems = [
        f"full scan of {r['table']}"
        for r in rows
        if r["type"] == "ALL" and not str(r["table"]).startswith("<derived")
    ]
    if not any(r["type"] == "fulltext" for r in rows):
        problems.append(f"no FULLTEXT match: {[dict(r) for r in rows]}")
    return problems


def requested(app: Octavo, paths: list[str]) -> list[tuple[str, Any]]:
    """Every statement the pages issue (each page fetched once before, so what is cached
    per index version is not counted)."""
    client = app.test_client()
    for path in paths:
        assert client.get(path).status_code == 200, path
    with recorded(app) as statements:
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
    assert len(statements) >= 2 * len(paths)
    return statements


def judged(app: Octavo, statements: list[tuple[str, Any]], rule: Any) -> dict[str, list[str]]:
    dialect = app.index.engine.dialect.name
    problems = {}
    with app.index.engine.connect() as conn:
        for statement, params in dict.fromkeys((s, _frozen(p)) for s, p in statements):
            found = rule(conn, dialect, statement, _thawed(params))
            if found:
                problems[_short(statement)] = found
    return problems


def _short(statement: str) -> str:
    """The statement without its select list, which says nothing about the plan."""
    return re.sub(r"^SELECT .*? FROM", "SELECT … FROM", " ".join(statement.split()))


def _frozen(params: Any) -> Any:
    if isinstance(params, dict):
        return tuple(sorted(params.items()))
    return tuple(params) if isinstance(params, list) else params


def _thawed(params: Any) -> Any:
    if isinstance(params, tuple) and params and isinstance(params[0], tuple):
        return dict(params)
    return params
