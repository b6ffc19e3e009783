"""A parsed search query as SQL, for each database's text index (built here, executed
only by :class:`~octavo.index.queries.Reader`, always under a viewer's access rule).

Every backend gets the same terms (:mod:`octavo.index.search_query`) written in its own
syntax from folded words that contain only letters and digits, so no visitor input
reaches a query parser unquoted. Results come title matches first, then newest first:
an order every backend finds without scoring each match, so a common word costs little
more than a rare one (see docs/search.md).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.dialects.mysql import match as mysql_match

from octavo.index import views
from octavo.index.schema import Tables
from octavo.index.search_query import SearchQuery, Term
from octavo.index.search_schema import fts_name
from octavo.index.views import EntryQuery

#: InnoDB's FULLTEXT does not index shorter words, nor these (its default stopword list):
#: a required word it cannot find would hide every entry.
_MYSQL_MIN_WORD = 3
_MYSQL_STOPWORDS = frozenset(
    {"a", "about", "an", "are", "as", "at", "be", "by", "com", "de", "en", "for", "from"}
    | {"how", "i", "in", "is", "it", "la", "of", "on", "or", "that", "the", "this", "to"}
    | {"was", "what", "when", "where", "who", "will", "with", "und", "www"}
)


def search_select(
    tables: Tables,
    dialect: str,
    access: ColumnElement[bool],
    query: SearchQuery,
    filters: EntryQuery,
    row_values: bool,
) -> tuple[Select[Any], ColumnElement[Any]] | None:
    """The keys (``pk``) of the matching entries under `access`, unordered and unlimited,
    and their score: 1 when the title matches the query, else 0 (cheap to compute for
    every match, unlike a relevance score); None when the query can find nothing on this
    backend."""
    match = _match(tables, dialect, query)
    if match is None:
        return None
    source, condition, in_title = match
    e = tables.entries
    conditions = _filters(tables, query, filters, row_values)
    score = case((in_title, 1), else_=0)
    return select(e.c.pk).select_from(source).where(condition, access, conditions), score


def ranked(
    tables: Tables, matches: Select[Any], score: ColumnElement[Any], limit: int | None, offset: int
) -> Select[Any]:
    """One page of `matches`, title matches first, then newest first, then by ID (a
    stable order for pages), with the score (``_score``) and the searchable text
    (``_search_body``, read for this page's entries only)."""
    e, s = tables.entries, tables.search
    page = (
        matches.add_columns(score.label("_score"))
        .order_by(score.desc(), e.c.local_date.desc(), e.c.entry_id.desc())
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )
    return (
        select(e, page.c._score, s.c.body.label("_search_body"))
        .select_from(page.join(e, e.c.pk == page.c.pk).join(s, s.c.entry_pk == e.c.pk))
        .order_by(page.c._score.desc(), e.c.local_date.desc(), e.c.entry_id.desc())
    )


def _filters(
    tables: Tables, query: SearchQuery, filters: EntryQuery, row_values: bool
) -> ColumnElement[bool]:
    """The search() arguments (status, category) plus the query's own filters."""
    combined = replace(filters, tags=filters.tags + query.tags, tag_filter="ALL")
    clause = views.filter_clause(tables, combined, row_values)
    if query.categories:
        clause = and_(
            clause, or_(*(views.category_clause(tables, c, True) for c in query.categories))
        )
    return clause


def _match(
    tables: Tables, dialect: str, query: SearchQuery
) -> tuple[Any, ColumnElement[bool], ColumnElement[bool]] | None:
    """(FROM clause, match condition, title matches) for this database."""
    e, s = tables.entries, tables.search
    if dialect == "sqlite":
        name = fts_name(tables.prefix)
        fts = table(name, column("rowid"))
        hidden: ColumnElement[Any] = literal_column(name)  # FTS5's column named after its table

        def matching(expression: str) -> ColumnElement[bool]:
            return e.c.pk.in_(select(fts.c.rowid).where(hidden.op("MATCH")(expression)))

        fts_query = sqlite_expression(query)
        return e, matching(fts_query), matching(f"title : {fts_query}")
    with_text = s.join(e, e.c.pk == s.c.entry_pk)
    if dialect == "postgresql":
        config: ColumnElement[Any] = literal_column(f"'{tables.search_language}'::regconfig")

        def found(weights: str) -> ColumnElement[bool]:
            ts_query = func.to_tsquery(config, postgres_expression(query, weights))
            return s.c.document.op("@@")(ts_query)

        return with_text, found(""), found("A")
    expression = mysql_expression(query)
    if expression is None:
        return None
    everywhere = mysql_match(s.c.title, s.c.body, s.c.extra, against=expression)
    in_title = mysql_match(s.c.title, against=expression)
    return with_text, everywhere.in_boolean_mode(), in_title.in_boolean_mode() > 0


# -- each backend's query syntax -------------------------------------------------------


def sqlite_expression(query: SearchQuery) -> str:
    """FTS5: quoted strings (phrases), ``*`` after a prefix, binary NOT."""

    def term(t: Term) -> str:
        return '"' + " ".join(t.words) + '"' + (" *" if t.prefix else "")

    positive = " AND ".join(term(t) for t in query.required)
    return "".join([f"({positive})", *(f" NOT {term(t)}" for t in query.excluded)])


def postgres_expression(query: SearchQuery, weights: str = "") -> str:
    """to_tsquery: quoted lexemes joined by ``<->`` (phrase), ``:*`` prefix, ``!`` not;
    required lexemes only in the parts of these `weights` (``A``: the title), if any."""

    def term(t: Term) -> str:
        marks = [":" + weights if weights else ""] * len(t.words)
        if t.prefix:
            marks[-1] = ":*" + weights
        lexemes = [f"'{w}'{m}" for w, m in zip(t.words, marks, strict=True)]
        return "(" + " <-> ".join(lexemes) + ")"

    parts = [term(t) for t in query.required] + [f"!{term(t)}" for t in query.excluded]
    return " & ".join(parts)


def mysql_expression(query: SearchQuery) -> str | None:
    """Boolean mode: ``+`` required, ``-`` excluded, ``"…"`` phrase, ``*`` prefix. Words
    InnoDB does not index are left out of required terms; None if nothing is left."""

    def indexed(word: str) -> bool:
        return len(word) >= _MYSQL_MIN_WORD and word not in _MYSQL_STOPWORDS

    def term(t: Term, sign: str) -> str | None:
        if len(t.words) > 1:
            return f'{sign}"{" ".join(t.words)}"' if any(indexed(w) for w in t.words) else None
        word = t.words[0]
        if t.prefix:
            return f"{sign}{word}*"
        return f"{sign}{word}" if indexed(word) else None

    required = [p for t in query.required if (p := term(t, "+")) is not None]
    if not required:
        return None
    excluded = [p for t in query.excluded if (p := term(t, "-")) is not None]
    return " ".join(required + excluded)
