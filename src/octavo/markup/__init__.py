"""Markdown and HTML entries turned into HTML, the way Publ renders them.

Knows nothing of the database or Flask: links and images are resolved through
the protocols the web layer hands in (:class:`LinkResolver`,
:class:`octavo.images.protocol.ImageFinder`).

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

from octavo.markup.context import EntryContext
from octavo.markup.entry import SECTIONS, EntryMarkup, EntrySource
from octavo.markup.filters import first_paragraph, strip_html
from octavo.markup.memo import RenderCache
from octavo.markup.protocol import LinkResolver
from octavo.markup.title import render_title

__all__ = [
    "SECTIONS",
    "EntryContext",
    "EntryMarkup",
    "EntrySource",
    "LinkResolver",
    "RenderCache",
    "first_paragraph",
    "render_title",
    "strip_html",
]
