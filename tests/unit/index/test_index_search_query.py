"""The search query language: what a visitor types, parsed into bounded terms, and each
backend's rendering of them (words only: no visitor text reaches a query parser)."""

from __future__ import annotations

import pytest

from octavo.index.search_query import MAX_TERMS, SearchQuery, Term, fold, parse_query
from octavo.index.search_sql import mysql_expression, postgres_expression, sqlite_expression


def test_the_language() -> None:
    parsed = parse_query('Pub* "Two  Words" -Exclude -"not this" tag:"Big Cats" category:/a/b/ x')
    assert parsed == SearchQuery(
        required=(Term(("pub",), prefix=True), Term(("two", "words")), Term(("x",))),
        excluded=(Term(("exclude",)), Term(("not", "this"))),
        tags=("big-cats",),
        categories=("a/b",),
    )


def test_accents_and_case_fold() -> None:
    assert fold("Crème BRÛLÉE Ærø") == "creme brulee ærø"
    assert parse_query("Café").required == (Term(("cafe",)),)


@pytest.mark.parametrize(
    ("query", "required"),
    [
        ('"unbalanced quote', (Term(("unbalanced", "quote")),)),
        ("NEAR(a, b)", (Term(("near", "a")), Term(("b",)))),
        ("title:penguins", (Term(("title", "penguins")),)),
        ("don't", (Term(("don", "t")),)),
        ("a*", (Term(("a",)),)),
        ("*", ()),
        ("- -- ---", ()),
        ("' OR 1=1; --", (Term(("or",)), Term(("1", "1")))),
        (b"\xffcaf\xc3\xa9", (Term(("cafe",)),)),
    ],
)
def test_bad_input_becomes_words(query: str | bytes, required: tuple[Term, ...]) -> None:
    assert parse_query(query).required == required


def test_size_is_bounded() -> None:
    parsed = parse_query(" ".join(f"w{i}" for i in range(1000)))
    assert len(parsed.required) == MAX_TERMS
    assert len(parse_query("x" * 10_000).required[0].words[0]) == 500


def test_backend_syntax() -> None:
    parsed = parse_query('pub* "a cat" -dog the')
    assert sqlite_expression(parsed) == '("pub" * AND "a cat" AND "the") NOT "dog"'
    assert postgres_expression(parsed) == "('pub':*) & ('a' <-> 'cat') & ('the') & !('dog')"
    # InnoDB indexes neither short words nor its stopwords: they are not required.
    assert mysql_expression(parsed) == '+pub* +"a cat" -dog'
    assert mysql_expression(parse_query("the an")) is None
