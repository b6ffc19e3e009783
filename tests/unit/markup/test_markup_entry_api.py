"""The entry-level API the web layer calls: sections, numbering, truthiness, arguments."""

from __future__ import annotations

from markupsafe import Markup

from octavo.markup.memo import RenderCache
from tests.unit.markup.site import markup_of

NOTES = "A[^1] and B[^2].\n\n[^1]: One.\n[^2]: Two."


def test_numbering_continues_from_body_into_more() -> None:
    entry = markup_of(
        "# Top\n\n" + NOTES + "\n\n```python\nx = 1\n```",
        "## Next\n\nC[^c].\n\n[^c]: Three.\n\n```python\ny = 2\n```",
    )
    more = str(entry.more())
    assert 'id="7_h2_2_Next"' in more
    assert 'id="r_e7_fn3"' in more and "#d_e7_fn3" in more
    assert 'id="e7cb2L1"' in more
    notes = str(entry.footnotes())
    assert notes.startswith('<ol><li id="d_e7_fn1">') and 'id="d_e7_fn3"' in notes
    assert "One." in notes and "Three." in notes


def test_footnotes_never_print_inline() -> None:
    body = str(markup_of(NOTES).body())
    assert "One." not in body and "<ol>" not in body


def test_toc_depth_and_levels_normalised() -> None:
    entry = markup_of("### A\n\n#### B\n\n### C")
    assert str(entry.toc()).count("<ol>") == 2
    shallow = str(entry.toc(max_depth=1))
    assert "B</a>" not in shallow and "A</a>" in shallow and "C</a>" in shallow


def test_truthiness() -> None:
    entry = markup_of("Just text.")
    assert entry.has_body and not entry.has_more
    assert not entry.has_footnotes and not entry.has_toc
    assert entry.footnotes() == "" and entry.toc() == ""
    rich = markup_of("x", "## H\n\n" + NOTES)
    assert rich.has_more and rich.has_footnotes and rich.has_toc
    html = markup_of("<p>x[^1]</p>\n\n[^1]: y", is_markdown=False)
    assert not html.has_footnotes and not html.has_toc


def test_html_entries_are_rewritten_not_markdown() -> None:
    entry = markup_of('*not em* <a href="241">t</a> "q"', is_markdown=False)
    assert str(entry.body()) == '*not em* <a href="/links/241-Link-targets">t</a> "q"'


def test_markup_false_is_plain_str() -> None:
    entry = markup_of("*Hi* [link](http://x/)[^1]\n\n[^1]: Note &amp; more.")
    plain = entry.body(markup=False)
    assert type(plain) is str and plain == "Hi link[1]"
    assert entry.footnotes(markup=False) == "[1] Note & more."
    assert isinstance(entry.body(), Markup)


def test_layout_is_overridden_by_call_arguments() -> None:
    entry = markup_of(NOTES, layout={"footnotes_class": "fromlayout"})
    assert 'class="fromlayout"' in str(entry.body())
    assert 'class="fromcall"' in str(entry.body(footnotes_class="fromcall"))


def test_absolute_links_use_the_absolute_entry_link() -> None:
    body = str(markup_of(NOTES).body(absolute=True))
    assert 'href="http://example.test/e/7#d_e7_fn1"' in body


def test_smartquotes_switches() -> None:
    entry = markup_of('"Hi" -- there')
    assert "&ldquo;Hi&rdquo; &ndash;" in str(entry.body())
    assert str(entry.body(smartquotes=False)) == "<p>&quot;Hi&quot; -- there</p>"
    assert str(entry.body(no_smartquotes=True)) == "<p>&quot;Hi&quot; -- there</p>"
    assert "&ldquo;" in str(entry.body(smartquotes=True, no_smartquotes=True))


def test_summary_header_and_first_paragraph() -> None:
    assert str(markup_of("x", summary="A *b*").summary()) == "A <em>b</em>"
    assert markup_of("x", summary="A *b*").summary(markup=False) == "A b"
    entry = markup_of("# H\n\nFirst [l](241) note[^1].\n\nSecond.\n\n[^1]: n")
    summary = str(entry.summary())
    assert summary.startswith('<p>First <a href="http://example.test/links/241')
    assert "\u200b" in summary and "Second" not in summary
    assert markup_of("").summary() == ""


def test_unknown_language_falls_back_to_plain_text() -> None:
    body = str(markup_of("```nosuchlang\n<b>\n```").body())
    assert 'data-language="nosuchlang"' in body and "&lt;b&gt;" in body


def test_repeat_render_is_served_from_the_memo() -> None:
    cache: RenderCache = RenderCache(lambda s: len(s.html))
    entry = markup_of("# T\n\n" + NOTES, "more", cache=cache)
    first = str(entry.body())
    misses = cache.misses
    for _ in range(5):
        assert str(entry.body()) == first
        entry.more()
        entry.footnotes()
        entry.toc()
    assert cache.misses == misses + 1  # only `more` was new
    entry.body(footnotes_class="x")
    assert cache.misses == misses + 2  # other arguments, other render
    fresh = markup_of("# T\n\n" + NOTES, "more", cache=cache)
    fresh.body()
    assert cache.misses == misses + 2  # same digest, other object: still cached
