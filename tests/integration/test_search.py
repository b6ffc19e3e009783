"""Full-text search in the index database, on SQLite, PostgreSQL and MariaDB: the query
language, ranking, incremental updates, and private entries that never leak."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from octavo.content.acl import principals
from octavo.index.database import IndexDatabase
from octavo.index.queries import ANONYMOUS, Reader, Viewer
from octavo.index.scanner import Scanner
from octavo.index.search_query import parse_query
from octavo.index.views import EntryQuery
from tests.integration.helpers import live

UTC = ZoneInfo("UTC")
ALICE = Viewer("alice", principals=principals(["alice"], logged_in=True))
FRIEND = Viewer("bob", principals=principals(["bob", "friends"], logged_in=True))

SITE = {
    "blog/penguins.md": """\
        Title: Penguins of the south
        Entry-ID: 1
        Date: 2020-01-01
        Tag: Birds

        Emperor penguins huddle through the *winter*, see [the film](https://example.com/march).
        .....
        More about the colony at Cape Crozier.
        """,
    "blog/gardens.md": """\
        Title: Spring gardens
        Entry-ID: 2
        Date: 2020-02-01
        Tag: Plants

        Penguins are not found in gardens. Publishing a garden diary is fun.
        """,
    "blog/cafe.md": """\
        Title: Café society
        Entry-ID: 3
        Date: 2020-03-01

        The crème brûlée was excellent; we published a review.
        """,
    "notes/deep/publish.md": """\
        Title: Notes on publishing
        Entry-ID: 4
        Date: 2020-04-01
        Summary: How static sites publish

        Static site generators publish pages ahead of time.
        """,
    "blog/secret.md": """\
        Title: Secret penguins
        Entry-ID: 5
        Date: 2020-05-01
        Auth: friends

        The hidden penguin colony is near zanzibarite rocks.
        """,
    "blog/draft.md": """\
        Title: Draft penguins
        Entry-ID: 6
        Status: DRAFT

        A draft about zanzibarite penguins.
        """,
    "blog/future.md": """\
        Title: Future penguins
        Entry-ID: 7
        Date: 2999-01-01

        Penguins from the future.
        """,
    "blog/walrus-body.md": """\
        Title: Seaside
        Entry-ID: 10
        Date: 2020-08-01

        Walrus walrus walrus, the walrus and the walrus family: walrus all day.
        """,
    "blog/walrus-title.md": """\
        Title: The walrus
        Entry-ID: 11
        Date: 2020-07-01

        A large animal of the Arctic, seen once.
        """,
    "blog/html.html": """\
        Title: HTML entry
        Entry-ID: 8
        Date: 2020-06-01

        <p>Plain <b>markup</b> about <a href="https://example.com/kangaroo">marsupials</a></p>
        <script>var penguins = 1;</script>
        """,
}


@pytest.fixture
def site(index_db: IndexDatabase, content: Path, write) -> IndexDatabase:
    for path, text in SITE.items():
        write(path, text)
    Scanner(index_db, str(content), UTC).update()
    return index_db


def found(db: IndexDatabase, text: str, viewer: Viewer = ANONYMOUS, **filters: object) -> list[int]:
    with db.engine.connect() as conn:
        reader = Reader(conn, live(db), viewer)
        rows = reader.search(parse_query(text), EntryQuery(**filters), limit=50)  # type: ignore[arg-type]
        return [row.entry_id for row in rows]


def test_words_are_all_required_and_title_matches_rank_first(site):
    assert found(site, "penguins") == [1, 2]
    assert found(site, "penguins gardens") == [2]
    assert found(site, "PENGUINS colony") == [1]


def test_a_title_match_outranks_many_matches_in_the_text(site):
    assert found(site, "walrus") == [11, 10]


def test_short_and_common_words(site):
    assert found(site, '"the walrus family"') == [10]
    assert found(site, "the walrus family") == [10]
    # A stopword is required (SQLite) or ignored (PostgreSQL's English, MariaDB).
    assert found(site, "of walrus") in ([11], [11, 10])


def test_phrases_prefixes_and_exclusions(site):
    assert found(site, '"emperor penguins"') == [1]
    assert found(site, '"penguins emperor"') == []
    prefixed = found(site, "publi*")
    assert prefixed[0] == 4 and sorted(prefixed) == [2, 3, 4]
    assert found(site, "penguins -gardens") == [1]
    assert found(site, 'penguins -"not found"') == [1]


def test_accents_fold_both_ways(site):
    assert found(site, "cafe") == [3]
    assert found(site, "CRÈME brulee") == [3]


def test_tag_and_category_filters(site):
    assert found(site, "penguins tag:birds") == [1]
    assert found(site, "penguins tag:plants") == [2]
    assert found(site, "publish* category:notes") == [4]
    assert sorted(found(site, "publish* category:blog")) == [2, 3]
    assert found(site, "penguins", categories=("blog",)) == [1, 2]
    assert found(site, "publish*", categories=("notes",)) == []
    assert found(site, "publish*", categories=("notes",), recurse=True) == [4]


def test_text_is_searched_without_markup(site):
    assert found(site, "marsupials") == [8]
    assert found(site, "kangaroo") == []  # a link target
    assert found(site, "film") == [1]
    assert found(site, "march") == []
    assert found(site, "crozier") == [1]  # the `more` half
    assert found(site, "static") == [4]
    assert found(site, "birds") == [1]  # a tag is text too


def test_private_drafts_and_future_entries_stay_hidden(site):
    assert found(site, "zanzibarite") == []
    assert found(site, "zanzibarite", ALICE) == []
    assert found(site, "zanzibarite", FRIEND) == [5]
    assert 5 in found(site, "penguins", FRIEND)
    assert found(site, "future") == []
    assert found(site, "future", future=True) == [7]
    with site.engine.connect() as conn:
        reader = Reader(conn, live(site), ANONYMOUS)
        q = parse_query("zanzibarite")
        assert reader.search_count(q, EntryQuery()) == 0
        assert reader.search_count(q, EntryQuery(), readable=False) == 1
        hidden = reader.search_unreadable(q, EntryQuery(), 5)
        assert [row.entry_id for row in hidden] == [5]


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        '"',
        "*",
        "-",
        "- - -",
        "NEAR(a b)",
        "a:b:c",
        "penguins' OR 1=1; --",
        "title:penguins",
        "^x AND y",
        "x" * 10_000,
        "\x00\ud800",
        b"\xff\xfepenguins",
        "(((",
        "tag:",
        "category:",
        "-penguins",
        "a* b* c*",
    ],
)
def test_bad_queries_give_results_or_nothing(site, query):
    result = found(site, query)
    assert isinstance(result, list)


def test_the_index_follows_changes(site, content, write):
    write("blog/gardens.md", "Title: Winter gardens\nEntry-ID: 2\nDate: 2020-02-01\n\nNo birds.\n")
    (content / "blog" / "penguins.md").unlink()
    write("blog/new.md", "Title: New\nEntry-ID: 9\nDate: 2020-07-01\n\nPenguins again.\n")
    Scanner(site, str(content), UTC).update()
    assert found(site, "penguins") == [9]
    assert found(site, "winter") == [2]
    write("blog/new.md", "Title: New\nEntry-ID: 9\nStatus: DRAFT\n\nPenguins again.\n")
    Scanner(site, str(content), UTC).update()
    assert found(site, "penguins") == []
