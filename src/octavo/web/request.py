"""The request as Octavo reads it: a query string is whatever bytes a client sent, so
it is read leniently (Werkzeug's own parsing raises on bytes that are not UTF-8).

It also notes which query arguments the request's code read, so the page cache keys
a page by those only (see pagecache/page.py): a named read (``args["tag"]``,
``args.get``, ``getlist``, ``in``) notes that name; anything that sees every argument
or the raw query (iterating ``args``, ``to_dict``, ``items``, ``query_string``,
``url``, ``full_path``, ``query_text``) notes :data:`WHOLE_QUERY`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, quote

import flask
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

_LONE_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")
#: What RFC 3986 allows in a query as it is, plus `%` for the escapes already there.
_QUERY_SAFE = "!$&'()*+,-./:;=?@_~%"
#: Noted when code saw the whole query (no argument name can be this: it has a NUL).
WHOLE_QUERY = "\0whole query"
#: MultiDict methods that read one named argument (they note the name themselves).
_NAMED = frozenset({"get", "getlist"})


def percent_encoded(query: bytes) -> str:
    """`query` as ASCII URL text: escapes kept, every other unsafe byte escaped."""
    return quote(_LONE_PERCENT.sub(b"%25", query), safe=_QUERY_SAFE)


class ReadArgs(ImmutableMultiDict[str, str]):
    """Query arguments that note each read: by name, or :data:`WHOLE_QUERY` for any
    method that exposes every argument."""

    def __init__(self, pairs: list[tuple[str, str]], note: Callable[[str], None]) -> None:
        super().__init__(pairs)
        self._note = note

    def __getattribute__(self, name: str) -> Any:
        if not name.startswith("_") and name not in _NAMED:
            object.__getattribute__(self, "_note")(WHOLE_QUERY)
        return super().__getattribute__(name)

    def __getitem__(self, key: str) -> str:
        self._note(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None, type: Any = None) -> Any:  # type: ignore[override]
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key: str, type: Any = None) -> list[Any]:
        self._note(key)
        return super().getlist(key, type)

    def __contains__(self, key: object) -> bool:
        self._note(str(key))
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        self._note(WHOLE_QUERY)
        return super().__iter__()

    def __len__(self) -> int:
        self._note(WHOLE_QUERY)
        return super().__len__()

    def __eq__(self, other: object) -> bool:
        self._note(WHOLE_QUERY)
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        self._note(WHOLE_QUERY)
        return super().__repr__()


class SiteRequest(flask.Request):
    """A Flask request whose query string can never make a page fail, and which notes
    what of the query its code read."""

    query_reads: set[str]

    @property
    def query_string(self) -> bytes:
        self._note_query(WHOLE_QUERY)
        return self._raw_query

    @query_string.setter
    def query_string(self, value: bytes) -> None:
        self._raw_query = value

    def _note_query(self, name: str) -> None:
        reads = self.__dict__.get("query_reads")
        if reads is None:
            reads = self.__dict__["query_reads"] = set()
        reads.add(name)

    @cached_property
    def _query_text(self) -> str:
        return percent_encoded(self._raw_query)

    @property
    def query_text(self) -> str:
        """The query string exactly as sent, as ASCII text safe to put back in a URL."""
        self._note_query(WHOLE_QUERY)
        return self._query_text

    @cached_property
    def query_pairs(self) -> list[tuple[str, str]]:
        """The query arguments in order, read without noting anything (the cache's key);
        bytes that are not UTF-8 stay percent-encoded, as Werkzeug leaves invalid escapes."""
        return parse_qsl(self._query_text, keep_blank_values=True, errors="werkzeug.url_quote")

    @cached_property
    def args(self) -> MultiDict[str, str]:
        """The query arguments, noting each read."""
        return ReadArgs(self.query_pairs, self._note_query)

    @property
    def full_path(self) -> str:
        return f"{self.path}?{self.query_text}"
