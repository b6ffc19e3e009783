"""A parsed search query as SQL, for each database's text index (built here, executed
only by :class:`~octavo.index.queries.Reader`, always under a viewer's access rule).

Every backend gets the same terms (:mod:`octavo.index.search_query`) written in its own
syntax from folded words that contain only letters and digits, so no visitor input
reaches a query parser unquoted. Scores are higher-is-better everywhere; title matches
weigh most, then tags and summary, then the text.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
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

#: FTS5's bm25() weights for (title, body, extra).
_SQLITE_WEIGHTS = (10.0, 1.0, 4.0)
#: MariaDB: a title match counts this many times a match anywhere.
_MYSQL_TITLE_WEIGHT = 10
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
    """The matching entries under `access` with the searchable text (``_search_body``)
    and a score column (``_score``), unordered and unlimited; None when the query can
    find nothing on this backend. Also returns the score, to order by."""
    match = _match(tables, dialect, query)
    if match is None:
        return None
    source, condition, score = match
    e, s = tables.entries, tables.search
    conditions = _filters(tables, query, filters, row_values)
    statement = (
        select(e, score.label("_score"), s.c.body.label("_search_body"))
        .select_from(source.join(e, e.c.pk == s.c.entry_pk))
        .where(condition, access, conditions)
    )
    return statement, score


def ranked(statement: Select[Any], score: ColumnElement[Any], tables: Tables) -> Select[Any]:
    """Best first; ties newest first, then by ID (a stable order for pages)."""
    e = tables.entries
    return statement.order_by(score.desc(), e.c.local_date.desc(), e.c.entry_id.desc())


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
) -> tuple[Any, ColumnElement[bool], ColumnElement[Any]] | None:
    """(FROM clause, match condition, score) for this database."""
    s = tables.search
    if dialect == "sqlite":
        name = fts_name(tables.prefix)
        fts = table(name, column("rowid"))
        hidden: ColumnElement[Any] = literal_column(name)  # FTS5's column named after its table
        condition = hidden.op("MATCH")(sqlite_expression(query))
        return (
            s.join(fts, fts.c.rowid == s.c.entry_pk),
            condition,
            -func.bm25(hidden, *_SQLITE_WEIGHTS),
        )
    if dialect == "postgresql":
        config: ColumnElement[Any] = literal_column(f"'{tables.search_language}'::regconfig")
        ts_query = func.to_tsquery(config, postgres_expression(query))
        return s, s.c.document.op("@@")(ts_query), func.ts_rank(s.c.document, ts_query)
    expression = mysql_expression(query)
    if expression is None:
        return None
    everywhere = mysql_match(s.c.title, s.c.body, s.c.extra, against=expression)
    in_title = mysql_match(s.c.title, against=expression)
    condition = everywhere.in_boolean_mode()
    score = in_title.in_boolean_mode() * _MYSQL_TITLE_WEIGHT + everywhere.in_boolean_mode()
    return s, condition, score


# -- each backend's query syntax -------------------------------------------------------


def sqlite_expression(query: SearchQuery) -> str:
    """FTS5: quoted strings (phrases), ``*`` after a prefix, binary NOT."""

    def term(t: Term) -> str:
        return '"' + " ".join(t.words) + '"' + (" *" if t.prefix else "")

    positive = " AND ".join(term(t) for t in query.required)
    return "".join([f"({positive})", *(f" NOT {term(t)}" for t in query.excluded)])


def postgres_expression(query: SearchQuery) -> str:
    """to_tsquery: quoted lexemes joined by ``<->`` (phrase), ``:*`` prefix, ``!`` not."""

    def term(t: Term) -> str:
        lexemes = [f"'{w}'" for w in t.words]
        if t.prefix:
            lexemes[-1] += ":*"
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
