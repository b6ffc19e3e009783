"""Path aliases (Publ §2.5): ``Path-Alias`` redirects, ``Path-Mount`` renders in place,
and regex aliases registered from Python."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import flask
from werkzeug.wrappers import Response

from octavo.content.aliases import AliasKind
from octavo.index.queries import SITE
from octavo.web import urls
from octavo.web.context import request_index
from octavo.web.site_cache import shared

#: `func(match)` returns (url, permanent) or (None, None) to pass.
RegexHandler = Callable[[re.Match[str]], tuple[str | None, bool | None]]


@dataclass
class RegexAliases:
    """Python-registered aliases, consulted only when no alias record applies."""

    rules: list[tuple[re.Pattern[str], RegexHandler]] = field(default_factory=list)

    def add(self, regex: str, func: RegexHandler) -> None:
        self.rules.append((re.compile(regex), func))

    def test(self, path: str) -> tuple[str, bool] | None:
        for pattern, func in self.rules:
            match = pattern.match(path)
            if match:
                url, permanent = func(match)
                if url:
                    return url, bool(permanent)
        return None


def handle_alias(path: str) -> Response | None:
    """A response for `path` when it is an alias, else None."""
    from octavo.web import pages

    # Read as the site: an alias of a private entry leads to its page, which answers 401.
    reader = request_index().reader_as(SITE)
    row = reader.alias(path) if path in _alias_paths() else None
    if row is not None:
        if row.entry_pk is not None:
            return pages.aliased_entry(row)
        if row.kind == AliasKind.MOUNT:
            return pages.category_page(row.category, row.template, via_alias=True)
        return flask.redirect(urls.category_url(row.category, _template_or_none(row)), 301)
    found = flask.current_app.path_regexes.test(path)  # type: ignore[attr-defined]
    if found:
        url, permanent = found
        return flask.redirect(url, 301 if permanent else 302)
    return None


def _alias_paths() -> frozenset[str]:
    """Every alias path of the site, so most requests need no alias query at all."""
    return shared("alias-paths", request_index().reader.alias_paths)


def _template_or_none(row: Any) -> str | None:
    from octavo.web.objects.category import Category

    template = row.template
    return template if template and template != Category.load(row.category).index_template else None
