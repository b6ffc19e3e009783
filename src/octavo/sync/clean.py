"""Making feed content safe to store as an entry: allow-listed HTML, escaped text, one-line headers.

A feed is someone else's content. Its HTML keeps only the tags, attributes and
URL schemes listed here (nh3); its text is escaped so Markdown shows it as
written; its header values cannot start a second header.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import nh3

ALLOWED_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "cite",
        "code",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
    ]
)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "time": {"datetime"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
_DROPPED_WITH_CONTENT = frozenset({"script", "style"})

# Octavo (like Publ) cuts an entry at a line of exactly five dots: feed content must not.
_CUT_LINE = re.compile(r"^\.\.\.\.\.$", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
_SPACE = re.compile(r"\s+")
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]<>#!|~&$^])")
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+(?=[.)])|\.)", re.MULTILINE)


def clean_html(html: str, base_url: str | None) -> str:
    """Allow-listed HTML; relative links made absolute against the item's own URL."""

    def absolute(tag: str, attribute: str, value: str) -> str | None:
        if attribute in _URL_ATTRIBUTES and base_url:
            return urljoin(base_url, value.strip())
        return value

    cleaned = nh3.clean(
        _CONTROL.sub("", html),
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=absolute,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )
    return _CUT_LINE.sub("&#46;....", cleaned).strip()


def text_to_markdown(text: str) -> str:
    """Plain text as Markdown that renders to the same words: special characters escaped,
    paragraphs kept."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    return _LINE_START.sub(_escape_start, escaped).strip()


def _escape_start(match: re.Match[str]) -> str:
    indent, mark = match.group(1), match.group(2)
    if mark.isdigit():
        return f"{indent}{mark}\\"  # "1." becomes "1\." : the escape goes before the dot
    return f"{indent}\\{mark}"


def header_value(value: str, limit: int = 500) -> str:
    """One line of text: no line breaks or control characters, spaces collapsed, capped."""
    return _SPACE.sub(" ", _CONTROL.sub(" ", value)).strip()[:limit].strip()
