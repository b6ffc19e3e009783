"""Everything a template can ask of one entry's text: body, more, footnotes, TOC,
summary — rendered once per (entry digest, section, arguments) and memoised."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from octavo.markup.arguments import freeze, smartquotes_on, with_link_defaults
from octavo.markup.context import EntryContext
from octavo.markup.filters import PLAINTEXT_REMOVE, first_paragraph, strip_html
from octavo.markup.headings import toc_html
from octavo.markup.htmlrewrite import rewrite_html
from octavo.markup.memo import RenderCache
from octavo.markup.render import Counts, Section, render_markdown
from octavo.markup.title import render_title


def _weight(section: Section) -> int:
    return (
        len(section.html) + sum(map(len, section.footnotes)) + sum(len(t) for _, t in section.toc)
    )


#: The process-wide memo of rendered sections.
SECTIONS: RenderCache[Section] = RenderCache(_weight)

# Arguments of summary rendering (Publ's): no images or footnote marks, absolute links.
_SUMMARY_ARGS = {
    "_suppress_images": True,
    "_suppress_footnotes": True,
    "_no_resize_external": True,
    "absolute": True,
    "max_scale": 1,
}


@dataclass(frozen=True)
class EntrySource:
    """The text of one entry as the file has it (split by ``split_payload``).

    `digest` identifies the file's content (the index's content hash): with the
    entry ID it is the memo key, so an edited file is rendered afresh.
    """

    entry_id: int
    digest: str
    body: str
    more: str
    is_markdown: bool
    summary: str | None = None


class EntryMarkup:
    """Rendered forms of one entry.

    `layout` is the site's ``layout`` config (the lowest-precedence arguments) and
    `markdown_extensions` the site's ``markdown_extensions`` config (None: Publ's
    defaults); call arguments override both. `scope` joins the memo key: pass
    anything that changes how links resolve (e.g. the index generation and the
    site's base URL), so a cached render never outlives the links it contains.
    """

    def __init__(
        self,
        source: EntrySource,
        context: EntryContext,
        *,
        layout: Mapping[str, Any] | None = None,
        markdown_extensions: Sequence[str] | None = None,
        scope: Hashable = None,
        cache: RenderCache[Section] | None = None,
    ) -> None:
        self.source = source
        self.context = context
        self.layout = dict(layout or {})
        self.markdown_extensions = markdown_extensions
        self.scope = scope
        self.cache = SECTIONS if cache is None else cache

    # -- sections ---------------------------------------------------------------

    def body(self, **args: Any) -> str:
        """The text above the cut (``.....``)."""
        return self._output(self._section("body", args).html, args)

    def more(self, **args: Any) -> str:
        """The text below the cut; headings, footnotes and code blocks number on from the body."""
        return self._output(self._section("more", args).html, args)

    def footnotes(self, **args: Any) -> str:
        """``<ol>`` of the body's then the more's footnotes, or ``[n] text`` paragraphs."""
        items = self._section("body", args).footnotes + self._section("more", args).footnotes
        if not items:
            return ""
        if self._settings(args).get("markup", True):
            return Markup(f"<ol>{''.join(items)}</ol>")
        return "\n\n".join(f"[{n}] {strip_html(item)}" for n, item in enumerate(items, 1))

    def toc(self, max_depth: int | None = None, **args: Any) -> str:
        """Nested ``<ol>`` of the headings of body and more (Markdown entries only)."""
        entries = self._section("body", args).toc + self._section("more", args).toc
        return Markup(toc_html(entries, max_depth)) if entries else ""

    def summary(
        self,
        markup: bool = True,
        markdown_extensions: Sequence[str] | None = None,
        **args: Any,
    ) -> str:
        """The ``Summary`` header, else the first paragraph of the body (or of the more)."""
        if self.source.summary:
            return render_title(
                self.source.summary,
                markup,
                smartquotes_on(args),
                markdown_extensions or self.markdown_extensions,
            )
        name = "body" if self.source.body else "more"
        if not getattr(self.source, name):
            return ""
        html = first_paragraph(self._section(name, {**args, **_SUMMARY_ARGS}).html)
        if markup:
            return html
        return strip_html(html, remove_elements=PLAINTEXT_REMOVE)

    # -- truthiness ---------------------------------------------------------------

    @property
    def has_body(self) -> bool:
        return bool(self.source.body)

    @property
    def has_more(self) -> bool:
        return bool(self.source.more)

    @property
    def has_footnotes(self) -> bool:
        """Whether any footnote is referenced (with the default arguments)."""
        return self.source.is_markdown and bool(
            self._section("body", {}).footnotes or self._section("more", {}).footnotes
        )

    @property
    def has_toc(self) -> bool:
        return self.source.is_markdown and bool(
            self._section("body", {}).toc or self._section("more", {}).toc
        )

    # -- internals ------------------------------------------------------------------

    def _settings(self, args: Mapping[str, Any]) -> dict[str, Any]:
        merged = {**self.layout, **args}
        own_link = self.context.own_link(bool(merged.get("absolute")))
        return with_link_defaults(merged, own_link)

    def _output(self, html: str, args: Mapping[str, Any]) -> str:
        if self._settings(args).get("markup", True):
            return Markup(html)
        return strip_html(html)

    def _section(self, name: str, args: Mapping[str, Any]) -> Section:
        settings = self._settings(args)
        context = self.context
        key = (
            self.scope,
            self.source.digest,
            self.source.entry_id,
            self.source.is_markdown,
            name,
            freeze(settings),
            freeze(self.markdown_extensions),
            context.link,
            context.link_absolute,
            tuple(context.search_path),
        )
        return self.cache.get(key, lambda: self._render(name, settings, args))

    def _render(self, name: str, settings: dict[str, Any], args: Mapping[str, Any]) -> Section:
        text = self.source.body if name == "body" else self.source.more
        if not text:
            return Section("")
        if not self.source.is_markdown:
            return Section(rewrite_html(text, self.context, settings))
        start = self._section("body", args).counts if name == "more" else Counts()
        extensions = settings.get("markdown_extensions", self.markdown_extensions)
        return render_markdown(text, self.context, settings, start, extensions)
