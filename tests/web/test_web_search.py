"""The search() template function on a served site: results, snippets, pages, private
entries and bad queries (the databases' own behaviour is in
tests/integration/test_search.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from octavo.index.search_query import parse_query
from octavo.web.snippets import make_snippet
from tests.web.conftest import Site, make_app

RESULTS = """\
{%- set results = search(request.args.q, category=request.args.category,
    count=request.args.count, page=request.args.page) -%}
total={{ results.total }} len={{ results|length }} any={{ results|length > 0 }} \
unauth={{ results.has_unauthorized }} page={{ results.page }}
{% for entry in results %}[{{ entry.id }}|{{ entry.title }}|{{ entry.snippet }}]{% endfor %}
{% if results.previous %}prev={{ results.previous.link() }}{% endif %}
{% if results.next %}next={{ results.next.link() }}{% endif %}
with={% for e in results.entries(unauthorized=5) -%}
{{ e.id }}{{ '' if e.authorized else '*' }},{% endfor %}
"""

CONTENT = {
    "blog/one.md": """\
        Title: Penguins
        Entry-ID: 101
        Date: 2021-01-01

        Emperor penguins <b>huddle</b> & "shiver" through the winter.
        """,
    "blog/two.md": """\
        Title: Gardens
        Entry-ID: 102
        Date: 2021-02-01

        A garden with no penguins. A <script>alert(1)</script> penguins test.
        """,
    "blog/three.md": """\
        Title: Winter notes
        Entry-ID: 103
        Date: 2021-03-01

        Penguins again, and more penguins.
        """,
    "blog/private.md": """\
        Title: Private penguins
        Entry-ID: 104
        Date: 2021-04-01
        Auth: friends

        The secret xylophone penguins.
        """,
}


def build_site(root: Path, **config: object) -> Site:
    for path, text in CONTENT.items():
        target = root / "content" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "templates").mkdir()
    (root / "static").mkdir()
    (root / "templates" / "search.html").write_text(RESULTS, encoding="utf-8")
    (root / "templates" / "index.html").write_text("home", encoding="utf-8")
    return Site(root, make_app(root, "search", **config))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build_site(tmp_path_factory.mktemp("search"), search_index="search-index")


def lines(site: Site, query: str) -> list[str]:
    return site.text(f"/search?{query}").strip().splitlines()


def test_results_with_escaped_snippets(site: Site) -> None:
    out = lines(site, "q=huddle")
    assert out[0] == "total=1 len=1 any=True unauth=False page=None"
    assert out[1] == (
        "[101|Penguins|Emperor penguins <mark>huddle</mark> &amp; &#34;shiver&#34; "
        "through the winter.]"
    )


def test_markup_in_the_text_is_never_served(site: Site) -> None:
    page = site.text("/search?q=garden")
    assert "script" not in page and "alert" not in page
    assert "[102|Gardens|A <mark>garden</mark> with no penguins." in page


def test_title_matches_rank_first_and_private_entries_stay_out(site: Site) -> None:
    out = lines(site, "q=penguins")
    assert out[0] == "total=3 len=3 any=True unauth=True page=None"
    assert out[1].startswith("[101|Penguins|")
    assert "xylophone" not in site.text("/search?q=penguins")
    assert lines(site, "q=xylophone")[:2] == ["total=0 len=0 any=False unauth=True page=None", ""]
    assert lines(site, "q=xylophone")[-1] == "with=104*,"


def test_pages_link_to_each_other(site: Site) -> None:
    first = lines(site, "q=penguins&count=2&page=1")
    assert first[0] == "total=3 len=2 any=True unauth=True page=1"
    # The private entry's title matches too: its placeholder ranks first.
    assert first[-2:] == ["next=/search?q=penguins&amp;count=2&amp;page=2", "with=104*,101,"]
    second = lines(site, "q=penguins&count=2&page=2")
    assert second[0] == "total=3 len=1 any=True unauth=True page=2"
    assert second[2] == "prev=/search?q=penguins&amp;count=2&amp;page=1"


@pytest.mark.parametrize(
    "query",
    [
        "q=%22unbalanced",
        "q=*",
        "q=-",
        "q=NEAR%28a%2Cb%29",
        "q=a%3Ab%3Ac",
        "q=%27%3B+DROP+TABLE+x%3B--",
        "q=" + "x" * 10_000,
        "q=%FF%FE",
        "q=%00",
        "q=penguins&page=-3",
        "q=penguins&page=x",
        "q=penguins&page=99999999999999999999",
        "q=penguins&count=0",
        "q=penguins&count=x",
        "q=penguins&category=nope",
        "",
    ],
)
def test_bad_queries_never_fail(site: Site, query: str) -> None:
    response = site.get(f"/search?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]


def test_a_site_without_search_index_gets_an_error_naming_the_setting(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = build_site(tmp_path)
    response = site.get("/search?q=penguins")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "penguins" not in text
    logged = [r.getMessage() for r in caplog.records if r.name == "octavo.web.errors"]
    assert any("template" in m and "'search_index'" in m for m in logged), logged


def test_search_index_is_accepted_with_an_info_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="octavo.config")
    build_site(tmp_path, search_index="whoosh-folder")
    assert any(
        "search_index" in r.getMessage() and "whoosh-folder" in r.getMessage()
        for r in caplog.records
    )
    assert not (tmp_path / "whoosh-folder").exists()


def test_snippets_mark_words_stems_and_prefixes_and_escape_the_rest() -> None:
    terms = parse_query("publishing caf*").words
    text = "Intro. " + "filler " * 40 + "We <published> at the café & left."
    snippet = make_snippet(text, terms)
    assert snippet == (
        "… filler filler filler filler filler We &lt;<mark>published</mark>&gt; "
        "at the <mark>café</mark> &amp; left."
    )
    assert make_snippet("No match here", terms) == "No match here"
    assert make_snippet("publishing", terms, stemming=False) == "<mark>publishing</mark>"
    assert make_snippet("published", terms, stemming=False) == "published"
