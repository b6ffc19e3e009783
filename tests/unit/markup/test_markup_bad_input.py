"""Hostile or broken entries render (with an error span where Publ shows one), never
raise, never run code, and finish in bounded time.

The time limits are generous safety nets against runaway behaviour, not speed tests.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest

from tests.unit.markup.site import markup_of

SAFETY_NET_SECONDS = 60.0


def timed(render: Callable[[], object]) -> str:
    """The rendered text, after checking it took bounded CPU time (not wall time: a busy
    machine must not fail a test meant to catch runaway work)."""
    start = time.process_time()
    out = str(render())
    assert time.process_time() - start < SAFETY_NET_SECONDS
    return out


def balanced(html: str, tag: str) -> int:
    """How many `tag` elements `html` has, after checking each one is closed."""
    opened = html.count(f"<{tag}>") + html.count(f"<{tag} ")
    assert opened == html.count(f"</{tag}>"), tag
    return opened


# Each case with what must hold of its body: Publ 0.8.19's (Hoedown's) reading of it, as
# recorded from Publ (nesting beyond the parser's depth limit is dropped, as Hoedown drops it).
PATHOLOGICAL: list[tuple[str, Callable[[str], bool]]] = [
    ("> " * 500 + "deep", lambda html: balanced(html, "blockquote") >= 16),
    (
        "".join("  " * i + "* item\n" for i in range(300)),
        lambda html: (
            balanced(html, "ul") == 6 and balanced(html, "li") == 11 and "<li></li>" in html
        ),
    ),
    ("*" * 20000 + "x" + "_" * 20000, lambda html: html.count("*") == html.count("_") == 20000),
    ("[" * 10000 + "](" * 10000, lambda html: html.count("[") == html.count("](") == 10000),
    ("![" * 5000 + "x", lambda html: html.count("![") == 5000 and "x</p>" in html),
    ("`" * 10000, lambda html: "<pre></pre>" in html),  # an empty, unclosed code fence
    ("<div>" * 5000 + "unclosed", lambda html: html == "<p>" + "<div>" * 5000 + "unclosed</p>"),
    # superscript nested past the limit prints nothing at all, not empty <sup>s
    ("==" * 5000 + "^" * 5000 + "$$" * 5001, lambda html: html == "<p>" + "=" * 10000 + "</p>"),
    (
        "[^1]" * 2000 + "\n\n[^1]: " + "[^1]" * 100,
        lambda html: html.count('rel="footnote"') == 2000,
    ),
    ("~~~\nunclosed fence", lambda html: "unclosed fence</span></span>\n</pre>" in html),
    ("| a |\n|---|\n" + "| x |\n" * 5000, lambda html: html.count("<td>x</td>") == 5000),
]


@pytest.mark.parametrize(("text", "check"), PATHOLOGICAL, ids=lambda v: repr(v)[:20])
def test_pathological_markdown_renders(text: str, check: Callable[[str], bool]) -> None:
    entry = markup_of(text)
    assert check(timed(entry.body))
    assert "error" not in timed(entry.footnotes) + timed(entry.toc) + timed(entry.summary)


def test_five_megabyte_entry() -> None:
    paragraph = 'Some *text* with `code`, a [link](241) and "quotes" -- here.\n\n'
    text = ("## Heading\n\n" + paragraph * 20 + "```python\nx = 1\n```\n\n") * 4000
    assert len(text) > 5_000_000
    body = timed(markup_of(text).body)
    assert body.count("<h2 ") == 4000


def test_image_arguments_with_code_show_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(os, "system", lambda command: calls.append(command) or 0)
    body = str(markup_of("![](/images/landscape.png{__import__('os').system('x')})").body())
    assert body.startswith('<p><span class="error">Couldn&rsquo;t parse image spec')
    container = str(markup_of("![{__import__('os').system('x')}](/images/landscape.png)").body())
    assert 'class="error"' in container
    html = str(
        markup_of("<img src=\"/images/landscape.png{exec('x')}\">", is_markdown=False).body()
    )
    assert 'data-publ-error="Error: ' in html
    assert calls == []


def test_missing_images_and_links() -> None:
    body = str(markup_of("![](nope.png) [x](nothing.md) ![](my missing file.png)").body())
    assert '<span class="error">Image not found: <code>nope.png</code></span>' in body
    assert '<a href="nothing.md">x</a>' in body
    assert "(Did you forget a <code>|</code>?)" in body
    html = str(markup_of('<img src="gone.png">', is_markdown=False).body())
    assert html == '<img src="gone.png" data-publ-error="File Not Found: gone.png">'


def test_image_layer_argument_errors_become_spans() -> None:
    body = str(markup_of("![](/images/landscape.png{width='raise'})").body())
    assert '<span class="error">Error loading image <code>' in body


def test_unknown_extensions_and_languages() -> None:
    entry = markup_of("~~x~~\n\n```no-such-language{code_highlight=True}\nx\n```")
    body = str(entry.body(markdown_extensions=["strikethrough", "fenced-code", "no-such"]))
    assert "<del>x</del>" in body and 'data-language="no-such-language"' in body
    assert "<del>" not in str(entry.body(markdown_extensions=[]))


def test_bad_code_block_arguments_are_ignored() -> None:
    body = str(markup_of("```python{__import__('os')}\nx = 1\n```").body())
    assert 'data-language="python"' in body


def test_hostile_templates_are_not_evaluated() -> None:
    entry = markup_of("## H")
    body = str(entry.body(heading_template="{text.__class__.__mro__}{link}</a>{0}"))
    assert "{text.__class__.__mro__}" in body and "{0}" in body


def test_broken_html_entry() -> None:
    text = '<p attr="unclosed>text<!-- open comment <?pi?> &bogus; <![CDATA[x]]> <a href=1'
    html = timed(markup_of(text, is_markdown=False).body)
    assert html.startswith('<p attr="unclosed>text<!-- open comment ') and "&bogus;" in html


@pytest.mark.parametrize("broken", ["&#;", "&#abc;", "&#x;"])
def test_text_after_a_broken_character_reference_is_kept(broken: str) -> None:
    # Publ's page-wide HTML pass stops at such an `&#` and drops the rest of the page.
    body = str(markup_of(f"a {broken} b\n\n<div>x {broken} y</div>\n\nafter *it*\n").body())
    assert f"<p>a {broken} b</p>" in body and f"x {broken} y" in body
    assert body.endswith("<p>after <em>it</em></p>")


def test_remote_image_url_is_escaped_once_in_its_background_style() -> None:
    # Publ escapes it twice (`&amp;amp;`), so a browser would ask for another URL.
    body = str(
        markup_of(
            "![](https://example.com/x.png?a=1&b=2{320,240})\n\n"
            '<img src="https://example.com/y.png?a=1&amp;b=2" width="150" height="54">\n'
        ).body()
    )
    assert "url('https://example.com/x.png?a=1&amp;b=2')" in body
    assert "url('https://example.com/y.png?a=1&amp;b=2')" in body
    assert "&amp;amp;" not in body
