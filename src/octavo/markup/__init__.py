"""Markdown and HTML entries turned into HTML, the way Publ renders them.

Knows nothing of the database or Flask: links and images are resolved through
the protocols the web layer hands in (:class:`LinkResolver`,
:class:`octavo.common.protocols.ImageFinder`).

How the web layer renders one entry::

    text = split_payload(parse_message(path, file_text).payload)
    markup = EntryMarkup(
        EntrySource(entry_id, file_digest, text.body, text.more,
                    is_markdown=path.endswith(".md"), summary=message.get("Summary")),
        EntryContext(entry_id, search_path=(entry_folder, category_folder),
                     links=resolver, images=finder,
                     link=entry.link(), link_absolute=entry.link(absolute=True)),
        layout=config["layout"], markdown_extensions=config["markdown_extensions"],
        scope=(index_generation, site_url),
    )
    markup.body(**call_args)        # Markup; plain str when markup=False
    markup.more(**call_args)        # numbering of headings/footnotes/code continues
    markup.footnotes(**call_args)   # "" when there are none
    markup.toc(max_depth=None, **call_args)
    markup.summary(markup=True, markdown_extensions=None, **call_args)
    markup.has_body, markup.has_more, markup.has_footnotes, markup.has_toc
    render_title(title, markup=True, smartquotes=True, markdown_extensions=None)

Arguments: pass the template call's arguments as they are; ``EntryMarkup``
merges them over the site's ``layout`` itself (call arguments win), fills the
footnote/heading/code-line link bases from the entry's link, and honours
``smartquotes``/``no_smartquotes`` (``smartquotes`` wins). Rendered sections
are memoised process-wide by (scope, digest, entry, section, arguments), so a
page that shows ten entries renders each once and a repeat render is a lookup.

Template filters: :func:`strip_html` and :func:`first_paragraph`.
"""

from importlib import import_module
from typing import Any

#: Public names and the modules that define them, imported on first use: the
#: renderer pulls in Pygments and the HTML rewriter, which index-only commands never need.
_EXPORTS = {
    "SECTIONS": "octavo.markup.entry",
    "EntryContext": "octavo.markup.context",
    "EntryMarkup": "octavo.markup.entry",
    "EntrySource": "octavo.markup.entry",
    "LinkResolver": "octavo.common.protocols",
    "RenderCache": "octavo.markup.memo",
    "first_paragraph": "octavo.markup.filters",
    "render_title": "octavo.markup.title",
    "strip_html": "octavo.markup.filters",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'octavo.markup' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
