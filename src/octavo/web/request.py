"""The request as Octavo reads it: a query string is whatever bytes a client sent, so
it is read leniently (Werkzeug's own parsing raises on bytes that are not UTF-8)."""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import parse_qsl, quote

import flask
from werkzeug.datastructures import MultiDict

_LONE_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")
#: What RFC 3986 allows in a query as it is, plus `%` for the escapes already there.
_QUERY_SAFE = "!$&'()*+,-./:;=?@_~%"


def percent_encoded(query: bytes) -> str:
    """`query` as ASCII URL text: escapes kept, every other unsafe byte escaped."""
    return quote(_LONE_PERCENT.sub(b"%25", query), safe=_QUERY_SAFE)


class SiteRequest(flask.Request):
    """A Flask request whose query string can never make a page fail."""

    @cached_property
    def query_text(self) -> str:
        """The query string exactly as sent, as ASCII text safe to put back in a URL."""
        return percent_encoded(self.query_string)

    @cached_property
    def args(self) -> MultiDict[str, str]:
        """The query arguments; bytes that are not UTF-8 stay percent-encoded, as Werkzeug
        leaves invalid escapes."""
        pairs = parse_qsl(self.query_text, keep_blank_values=True, errors="werkzeug.url_quote")
        return self.parameter_storage_class(pairs)

    @property
    def full_path(self) -> str:
        return f"{self.path}?{self.query_text}"
