"""Feed content made safe: allow-listed HTML, text escaped for Markdown, one-line headers."""

from __future__ import annotations

import html
import re

import pytest

from octavo.sync.clean import clean_html, header_value, text_to_markdown
from tests.unit.markup.site import markup_of

TRICKY_TEXT = [
    "# not a heading",
    "1. not a list\n2) nor this",
    "- not an item\n+ nor this\n> nor a quote",
    "*stars* _under_ `code` [link](http://x) ![img](y.png) <b>tag</b> &amp; \\ back",
    "a line\n=====\nnot a setext heading",
    ".....\ncut line",
    "~~strike~~ {braces} $math$ ^sup^ |pipe|",
    "Plain words, with punctuation: done. (Really?) Yes!",
]


@pytest.mark.parametrize("text", TRICKY_TEXT)
def test_text_renders_as_the_same_words(text):
    # Smart punctuation is typography, not markup: "..." may become an ellipsis.
    rendered = str(markup_of(text_to_markdown(text)).body(smartquotes=False))
    assert "<h1>" not in rendered and "<ol>" not in rendered and "<ul>" not in rendered
    assert "<em>" not in rendered and "<a " not in rendered and "<img" not in rendered
    assert "<sup>" not in rendered and "<del>" not in rendered and "<code>" not in rendered
    words = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert words.split() == text.split()


def test_html_keeps_the_allow_list_only():
    dirty = (
        '<h2 id="x" style="color:red">Head</h2><p class="c">A <strong>b</strong> '
        '<a href="https://ok.example/" target="_blank" onmouseover="x()">ok</a> '
        '<a href="data:text/html,boom">data</a> <a href="vbscript:x">vb</a> '
        '<img src="//cdn.example/i.png" alt="i" srcset="evil.png 2x"></p>'
        "<form action=/steal><input name=p></form><object data=x></object>"
        "<svg><script>alert(1)</script></svg><!-- comment -->"
    )
    assert clean_html(dirty, "https://site.example/post/1") == (
        '<h2>Head</h2><p>A <strong>b</strong> <a href="https://ok.example/" '
        'rel="noopener noreferrer">ok</a> <a rel="noopener noreferrer">data</a> '
        '<a rel="noopener noreferrer">vb</a> <img src="https://cdn.example/i.png" alt="i"></p>'
    )


@pytest.mark.parametrize(
    "url",
    [
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        " javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "&#106;avascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "javascript&colon;alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
    ],
)
def test_no_disguised_script_url_survives(url):
    cleaned = clean_html(f'<a href="{url}">x</a><img src="{url}">', "https://site.example/p")
    assert cleaned == '<a rel="noopener noreferrer">x</a><img>'


def test_header_values_stay_on_one_line():
    assert header_value("Two\r\nlines\u2028and\x00more\tspace ") == "Two lines and more space"
    assert header_value("x" * 900) == "x" * 500
