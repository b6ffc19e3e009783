"""The one place the web layer asks the markup layer for HTML: it supplies each entry's
text, identity, links and images, and the site's layout defaults."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import flask
from markupsafe import Markup

from octavo.content.fingerprint import digest
from octavo.markup.context import EntryContext
from octavo.web import urls
from octavo.web.context import request_index
from octavo.web.links import SiteLinks
from octavo.web.renditions import images_for

if TYPE_CHECKING:
    from octavo.markup.entry import EntryMarkup


def section_markup(
    entry_id: int,
    file_digest: str,
    body: str,
    more: str,
    is_markdown: bool,
    summary: str | None,
    search_path: Sequence[str],
    link: str,
    link_absolute: str,
) -> EntryMarkup:
    """Renderer for one entry's sections; renders are memoised by file digest and by the
    index version, so a link to another entry never outlives that entry's URL."""
    from octavo.markup.entry import EntryMarkup, EntrySource  # the renderer loads on first use

    app = flask.current_app
    site = app.site  # type: ignore[attr-defined]
    return EntryMarkup(
        EntrySource(entry_id, file_digest, body, more, is_markdown, summary),
        EntryContext(
            entry_id,
            search_path=tuple(search_path),
            links=SiteLinks(),
            images=images_for(app).finder,
            link=link,
            link_absolute=link_absolute,
        ),
        layout=site.get("layout") or {},
        markdown_extensions=site.get("markdown_extensions"),
        scope=(_render_scope(app), request_index().version, urls.site_root()),
    )


def _render_scope(app: Any) -> object:
    """A token of this app in the process-wide render memo: two sites in one process
    (other secret keys, stores or links) never share a rendered section. The memo's keys
    hold the token, so its identity is never reused while they exist."""
    return app.extensions.setdefault("octavo.render_scope", object())


def text_markup(
    text: str, search_path: Sequence[str], link: str, link_absolute: str
) -> EntryMarkup:
    """Renderer for Markdown that belongs to no entry (a category's description)."""
    return section_markup(
        0, digest(text.encode("utf-8")), text, "", True, None, search_path, link, link_absolute
    )


def as_markup(value: str) -> Markup:
    """Rendered HTML is Markup already; plain text (``markup=False``) gets escaped."""
    return value if isinstance(value, Markup) else Markup.escape(value)


def title(text: str, args: dict[str, Any]) -> Markup:
    """A title or name rendered as Publ renders titles; plain text when ``markup=False``."""
    smartquotes = args.get("smartquotes", not args.get("no_smartquotes", False))
    extensions = args.get("markdown_extensions")
    return _title(
        text,
        bool(args.get("markup", True)),
        bool(smartquotes),
        tuple(extensions) if extensions is not None else None,
    )


@lru_cache(maxsize=4096)
def _title(
    text: str, markup: bool, smartquotes: bool, extensions: tuple[str, ...] | None
) -> Markup:
    """Titles repeat on every listing page; rendering one is a whole Markdown parse."""
    from octavo.markup.title import render_title

    rendered = render_title(
        text,
        markup=markup,
        smartquotes=smartquotes,
        markdown_extensions=list(extensions) if extensions else extensions,
    )
    return as_markup(rendered)
