"""One Markdown document (an entry's body or its more) rendered the way Publ renders it.

Besides the HTML, rendering collects what the entry object exposes separately:
footnote definitions (never printed inline) and table-of-contents entries; and
it counts headings, footnotes and code blocks so that numbering can continue
from the body into the more.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, urljoin

from markupsafe import Markup

from octavo.common.tags import make_tag
from octavo.content.markdown.tokens import Token
from octavo.markup.arguments import safe_format, smartquotes_on
from octavo.markup.code import render_code
from octavo.markup.context import EntryContext
from octavo.markup.gallery import render_image_set
from octavo.markup.headings import heading_id, toc_text
from octavo.markup.htmlrewrite import rewrite_html
from octavo.markup.smartypants import smartypants
from octavo.markup.syntax import parse

LOG = logging.getLogger(__name__)
ZERO_WIDTH_SPACE = "\u200b"
_LONE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$")
_HREF_SAFE = "-_.+!*'(),%#@?=;:/,+&$~"
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def escape(text: str) -> str:
    """Hoedown's text escaping (quotes as entities, which SmartyPants then curls)."""
    return text.translate(_HTML_ESCAPES)


def escape_href(url: str) -> str:
    """Hoedown's URL escaping for autolinks: percent-encoding outside its safe set."""
    return quote(url, safe=_HREF_SAFE).replace("&", "&amp;").replace("'", "&#x27;")


def strip_single_paragraph(text: str) -> str:
    """Drop the ``<p>`` around HTML that is exactly one paragraph."""
    stripped = _LONE_PARAGRAPH.sub(r"\1", text.strip())
    return text if "<p>" in stripped else stripped


@dataclass(frozen=True)
class Counts:
    """Running totals across an entry: body numbering continues in the more."""

    headings: int = 0
    footnotes: int = 0
    code_blocks: int = 0


@dataclass
class Section:
    """A rendered document and what it contributed to the entry's footnotes and TOC."""

    html: str
    footnotes: list[str] = field(default_factory=list)
    toc: list[tuple[int, str]] = field(default_factory=list)
    counts: Counts = Counts()


class Renderer:
    """Walks the parser's tokens and prints Publ's markup (args already have link defaults)."""

    def __init__(
        self,
        context: EntryContext,
        args: Mapping[str, Any],
        start: Counts,
        extensions: Sequence[str] | None,
    ) -> None:
        self.context = context
        self.args = args
        self.markup = bool(args.get("markup", True))
        self.suppress_images = bool(args.get("_suppress_images"))
        self.suppress_footnotes = bool(args.get("_suppress_footnotes"))
        self.extensions = extensions
        self.counts = start
        self.footnote_offset = start.footnotes
        self.footnotes: list[str] = []
        self.toc: list[tuple[int, str]] = []
        self.eid = context.entry_id

    # -- documents -----------------------------------------------------------

    def document(self, text: str) -> str:
        tokens = parse(text, self.extensions)
        return self.blocks(tokens, 0, len(tokens))

    def fragment(self, text: str) -> str:
        """Markdown inside the document (captions), sharing its counters."""
        return strip_single_paragraph(self.document(text))

    def code_caption(self, text: str) -> str:
        body = text.lstrip(" ")
        rendered = self.document(body).strip()
        if not rendered:
            return ""
        lead = text[: len(text) - len(body)]
        if lead and rendered.startswith("<p>"):
            rendered = "<p>" + lead + rendered[3:]
        return strip_single_paragraph(rendered)

    # -- blocks ---------------------------------------------------------------

    def blocks(self, tokens: list[Token], start: int, end: int) -> str:
        out: list[str] = []
        i = start
        while i < end:
            token = tokens[i]
            kind = token.type
            if kind == "paragraph_open":
                content = self.inline(tokens[i + 1].children or [])
                out.append(content if token.hidden else self.paragraph(content))
                i += 3
            elif kind == "heading_open":
                out.append(self.heading(int(token.tag[1:]), tokens[i + 1].children or []))
                i += 3
            elif kind == "footnote_block_open":
                i = self.footnote_block(tokens, i + 1)
            elif kind == "list_item_close":
                self.close_item(out)
                i += 1
            else:
                out.append(self.block(token))
                i += 1
        return "".join(out)

    @staticmethod
    def close_item(out: list[str]) -> None:
        """An item's content ends where its text does: trailing newlines go."""
        while out and out[-1].endswith("\n"):
            out[-1] = out[-1].rstrip("\n")
            if not out[-1]:
                out.pop()
        out.append("</li>\n")

    def block(self, token: Token) -> str:
        kind = token.type
        simple = _BLOCK_TAGS.get(kind)
        if simple is not None:
            return simple
        if kind in ("fence", "code_block"):
            return self.code(token)
        if kind == "html_block":
            return rewrite_html(token.content, self.context, self.args)
        if kind in ("th_open", "td_open"):
            return make_tag(token.tag, {"style": token.attrs.get("style", False)})
        if kind == "inline":
            return self.inline(token.children or [])
        return ""

    @staticmethod
    def paragraph(content: str) -> str:
        for name in ("div", "figure"):
            if content.startswith(f"<{name}") and content.endswith(f"</{name}>"):
                return f"\n{content}\n"
        return f"<p>{content}</p>"

    def heading(self, level: int, children: list[Token]) -> str:
        content = self.inline(children)
        self.counts = replace(self.counts, headings=self.counts.headings + 1)
        hid = heading_id(self.eid, level, self.counts.headings, content)
        attrs: dict[str, Any] = {
            "href": urljoin(str(self.args.get("toc_link", "")), "#" + hid),
            "class": self.args.get("heading_link_class", False),
        }
        extra = self.args.get("heading_link_attrs")
        if isinstance(extra, Mapping):
            attrs.update(extra)
        link = make_tag("a", attrs)
        if any(child.type == "footnote_ref" for child in children):
            self.suppress_footnotes, saved = True, self.suppress_footnotes
            toc_content = self.inline(children)
            self.suppress_footnotes = saved
        else:
            toc_content = content
        self.toc.append((level, link + toc_text(toc_content) + "</a>"))
        template = str(self.args.get("heading_template", "{link}</a>{text}"))
        inner = safe_format(template, link=link, text=content)
        return make_tag(f"h{level}", {"id": hid}) + inner + f"</h{level}>"

    def code(self, token: Token) -> str:
        self.counts = replace(self.counts, code_blocks=self.counts.code_blocks + 1)
        block_id = f"e{self.eid}cb{self.counts.code_blocks}"
        info = token.info if token.type == "fence" else ""
        return render_code(token.content, info, self.args, block_id, self.code_caption)

    def footnote_block(self, tokens: list[Token], i: int) -> int:
        """Collect the definitions into self.footnotes; return the index after the block."""
        while tokens[i].type != "footnote_block_close":
            start = i + 1
            depth = 0
            while True:
                i += 1
                kind = tokens[i].type
                if kind == "footnote_open":
                    depth += 1
                elif kind == "footnote_close":
                    if depth == 0:
                        break
                    depth -= 1
            inner = tokens[start:i]
            number = int(tokens[start - 1].meta["id"]) + 1 + self.footnote_offset
            self.footnotes.append(self.footnote(number, self.blocks(inner, 0, len(inner))))
            i += 1
        return i + 1

    def footnote(self, number: int, content: str) -> str:
        self.counts = replace(self.counts, footnotes=self.counts.footnotes + 1)
        before, paragraph_end, after = content.partition("</p>")
        back = make_tag(
            "a",
            {"href": self.footnote_url(number, "r"), "rev": "footnote"},
        )
        icon = self.args.get("footnotes_return", "↩" if self.markup else "")
        li = make_tag("li", {"id": f"d_e{self.eid}_fn{number}"})
        return f"{li}{before}&nbsp;{back}{icon}</a>{paragraph_end}{after}</li>"

    def footnote_url(self, number: int, kind: str) -> str:
        return urljoin(str(self.args.get("footnotes_link", "")), f"#{kind}_e{self.eid}_fn{number}")

    # -- inline ---------------------------------------------------------------

    def inline(self, tokens: list[Token]) -> str:
        out: list[str] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            kind = token.type
            simple = _INLINE_TAGS.get(kind)
            if simple is not None:
                out.append(simple)
            elif kind == "text":
                out.append(escape(token.content))
            elif kind == "text_special":
                out.append(token.markup if token.info == "entity" else escape(token.content))
            elif kind == "code_inline":
                out.append(f"<code>{escape(token.content)}</code>")
            elif kind == "link_open" and token.markup == "autolink":
                i = self.autolink(tokens, i, out)
            elif kind in ("link_open", "link_close"):
                out.append(self.link(token))
            elif kind == "html_inline":
                out.append(rewrite_html(token.content, self.context, self.args))
            elif kind == "footnote_ref":
                out.append(self.footnote_ref(token))
            elif kind == "math":
                out.append(self.math(token))
            elif kind == "publ_image":
                meta = token.meta
                spec = meta["link"] + (f' "{meta["title"]}"' if meta["title"] else "")
                out.append(self.image(meta["alt"], spec))
            i += 1
        return "".join(out)

    def link(self, token: Token) -> str:
        if not self.markup:
            return ""
        if token.type == "link_close":
            return "</a>"
        href = token.meta.get("href") or ""
        title = token.meta.get("title")
        resolved = self.context.links.resolve(
            str(href), self.context.search_path, bool(self.args.get("absolute"))
        )
        return make_tag("a", {"href": resolved, "title": title or False})

    def autolink(self, tokens: list[Token], i: int, out: list[str]) -> int:
        """``<http://…>`` and ``<mailto:…>`` are printed as written, never resolved."""
        href = Markup(escape_href(tokens[i].attrs["href"]))
        text = tokens[i + 1].content
        out.append(make_tag("a", {"href": href}) + escape(text.removeprefix("mailto:")) + "</a>")
        return i + 2

    def footnote_ref(self, token: Token) -> str:
        number = int(token.meta["id"]) + 1 + self.footnote_offset
        if self.suppress_footnotes:
            return ZERO_WIDTH_SPACE
        if not self.markup:
            return f"[{number}]"
        repeated = int(token.meta.get("subId", 0)) > 0
        sup = make_tag(
            "sup",
            {
                "id": False if repeated else f"r_e{self.eid}_fn{number}",
                "class": self.args.get("footnotes_class", False),
            },
        )
        link = make_tag("a", {"href": self.footnote_url(number, "d"), "rel": "footnote"})
        return f"{sup}{link}{number}</a></sup>"

    @staticmethod
    def math(token: Token) -> str:
        if token.meta.get("display"):
            return f"\\[{escape(token.content)}\\]"
        return f"\\({escape(token.content)}\\)"

    def image(self, alt: str, spec: str) -> str:
        if not self.markup or self.suppress_images:
            return " "
        html = render_image_set(self.context, alt, spec, self.args, self.fragment)
        return html or " "

    # -- the whole section ----------------------------------------------------

    def section(self, text: str) -> Section:
        html = self.document(text)
        footnotes, toc = self.footnotes, self.toc
        if smartquotes_on(self.args):
            html = smartypants(html)
            footnotes = [smartypants(item) for item in footnotes]
            toc = [(level, smartypants(item)) for level, item in toc]
        return Section(html, footnotes, toc, self.counts)


_BLOCK_TAGS = {
    "bullet_list_open": "<ul>\n",
    "bullet_list_close": "</ul>\n",
    "ordered_list_open": "<ol>\n",
    "ordered_list_close": "</ol>\n",
    "list_item_open": "<li>",
    "blockquote_open": "<blockquote>\n",
    "blockquote_close": "</blockquote>\n",
    "hr": "<hr>\n",
    "table_open": "<table>\n",
    "table_close": "</table>\n",
    "thead_open": "<thead>\n",
    "thead_close": "</thead>\n",
    "tbody_open": "<tbody>\n",
    "tbody_close": "</tbody>\n",
    "tr_open": "<tr>\n",
    "tr_close": "</tr>\n",
    "th_close": "</th>\n",
    "td_close": "</td>\n",
}

_INLINE_TAGS = {
    "softbreak": "\n",
    "hardbreak": "<br>\n",
    "em_open": "<em>",
    "em_close": "</em>",
    "strong_open": "<strong>",
    "strong_close": "</strong>",
    "s_open": "<del>",
    "s_close": "</del>",
    "mark_open": "<mark>",
    "mark_close": "</mark>",
    "sup_open": "<sup>",
    "sup_close": "</sup>",
}


def render_markdown(
    text: str,
    context: EntryContext,
    args: Mapping[str, Any],
    start: Counts = Counts(),
    extensions: Sequence[str] | None = None,
) -> Section:
    """Render one Markdown document; `start` carries numbering over from earlier sections.

    Input nested beyond what the parser's recursion can take is shown as escaped
    text rather than failing the page.
    """
    try:
        return Renderer(context, args, start, extensions).section(text)
    except RecursionError:
        LOG.warning("entry %s: Markdown nested too deeply; shown as text", context.entry_id)
        return Section(f"<pre>{escape(text)}</pre>", counts=start)
