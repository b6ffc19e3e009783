"""octavo.content.titles.plain_title: the text of a Markdown title.

Expected values are what Publ 0.8.19 gives for `markdown.render_title(title, markup=False,
smartquotes=False)` (its slug source), obtained by running it in its own venv.
"""

from __future__ import annotations

import pytest

from octavo.content.titles import plain_title


def test_plain_text_unchanged():
    assert plain_title("A plain title") == "A plain title"


@pytest.mark.parametrize(
    ("title", "plain"),
    [
        ("Don't *panic*", "Don't panic"),
        ("**bold** words", "bold words"),
        ("***both*** here", "both here"),
        ("_under_ and __double__", "under and double"),
        ("A `code` span", "A code span"),
        ("==marked== text", "marked text"),
        # Hoedown: a closing * after a space cannot close, so the outer stars stay text
        ("*nested **strong** inside*", "*nested strong inside*"),
        # code spans keep their text as written; underscores inside words are emphasis
        ("Using `a_b_c` names", "Using a_b_c names"),
        ("`<tag>` in code", "<tag> in code"),
        ("snake_case_title", "snakecasetitle"),
    ],
)
def test_emphasis_markers_removed(title, plain):
    assert plain_title(title) == plain


def test_lone_asterisks_with_spaces_are_not_emphasis():
    assert plain_title("a * b * c") == "a * b * c"


def test_links_keep_their_text():
    assert plain_title("See [the docs](https://example.com/x) now") == "See the docs now"


def test_images_keep_their_alt_text():
    assert plain_title("![A cat](cat.jpg) photo") == "A cat photo"


def test_html_tags_removed():
    assert plain_title('<b>Bold</b> and <span class="x">span</span>') == "Bold and span"


def test_struck_text_removed_entirely():
    assert plain_title("A ~~serious~~ comical mistake") == "A comical mistake"


@pytest.mark.parametrize("tag", ["del", "s", "DEL"])
def test_struck_html_removed_entirely(tag):
    assert plain_title(f"A <{tag}>serious</{tag}> comical mistake") == "A comical mistake"


def test_strike_tag_keeps_its_text():
    # Publ 0.8.19 removes del, s and table only
    assert plain_title("A <strike>serious</strike> comical mistake") == "A serious comical mistake"


def test_html_entities_decoded():
    assert plain_title("Fish &amp; Chips") == "Fish & Chips"


def test_whitespace_collapsed():
    assert plain_title("  lots   of\tspace  ") == "lots of space"


def test_backslash_escapes_give_the_literal_character():
    # In Markdown, `\*` is a literal asterisk, not emphasis, and the backslash is not shown.
    assert plain_title(r"Not \*emphasis\*") == "Not *emphasis*"
