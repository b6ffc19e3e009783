"""octavo.content.slugs: Publ's slug rules (§3.8) and tag keys."""

from __future__ import annotations

import pytest

from octavo.content.slugs import slugify, tag_key

SEPARATORS = " -/~!@#$%^&*()+`[]\\|{}:\";'<>?,"


@pytest.mark.parametrize("char", list(SEPARATORS))
def test_each_separator_becomes_a_dash(char):
    assert slugify(f"a{char}b") == "a-b"


def test_run_of_mixed_separators_collapses_to_one_dash():
    assert slugify("a " + SEPARATORS + " b") == "a-b"


def test_only_spaces_collapse_with_dashes_other_whitespace_is_kept():
    # Publ 0.8.19's slugify turns runs of spaces and dashes into one dash, nothing else
    assert slugify("a  -  b") == "a-b"
    assert slugify("a \t\n  b") == "a-\t\n-b"


@pytest.mark.parametrize("char", ["_", "=", ".", "é", "0"])
def test_other_characters_are_kept(char):
    assert slugify(f"a{char}b") == f"a{char}b"


def test_leading_dashes_and_separators_stripped():
    assert slugify("--  !!hello") == "hello"


def test_trailing_dots_and_dashes_stripped():
    assert slugify("hello world...") == "hello-world"
    assert slugify("hello?!. . ") == "hello"
    assert slugify("end.-.-") == "end"


def test_leading_dot_is_kept():
    assert slugify(".hidden") == ".hidden"


def test_case_is_kept():
    assert slugify("Hello World") == "Hello-World"


def test_publ_unicode_example():
    assert (
        slugify("Thiß îs a tést of µnicode slugs お願いします")
        == "Thiß-îs-a-tést-of-\u03bcnicode-slugs-お願いします"
    )


def test_emoji_kept():
    assert slugify("💜") == "💜"
    assert slugify("I 💜 you") == "I-💜-you"


def test_periods_inside_kept():
    assert slugify("Hello. World") == "Hello.-World"
    assert slugify("v1.2.3 release") == "v1.2.3-release"


def test_dont_panic():
    assert slugify("Don't panic") == "Don-t-panic"


def test_empty_and_all_separator_text_gives_empty_slug():
    assert slugify("") == ""
    assert slugify(" ?!-- ") == ""


def test_max_length_cuts_then_trailing_strip_applies():
    # "Hello World" cut at 6 is "Hello-", whose trailing dash is then stripped.
    assert slugify("Hello World", max_length=6) == "Hello"
    assert slugify("Hello World", max_length=7) == "Hello-W"
    # "a.b" cut at 2 is "a." and loses its dot.
    assert slugify("a.bcd", max_length=2) == "a"


def test_max_length_counts_after_leading_strip():
    assert slugify("---abcdef", max_length=3) == "abc"


def test_max_length_none_keeps_everything():
    assert slugify("x" * 500) == "x" * 500


def test_to_lower_casefolds():
    assert slugify("Hello World", to_lower=True) == "hello-world"
    assert slugify("ßlig", to_lower=True) == "sslig"
    assert slugify("ΣΊΣΥΦΟΣ", to_lower=True) == "ΣΊΣΥΦΟΣ".casefold()


@pytest.mark.parametrize(
    ("name", "key"),
    [("ßlig", "sslig"), ("Foo", "foo"), ("foo  tm", "foo-tm"), ("  Foo Bar!  ", "foo-bar")],
)
def test_tag_key_folding(name, key):
    assert tag_key(name) == key


def test_tag_keys_meet_for_case_variants():
    assert tag_key("Foo") == tag_key("FOO") == tag_key("foo")
    assert tag_key("STRASSE") == tag_key("straße")


# Recorded from Publ 0.8.19 (publ.utils.slugify, run in its venv): the slug is
# NFKC-normalised after case folding, so compatibility characters change.
@pytest.mark.parametrize(
    ("text", "slug", "key"),
    [
        ("Straße", "Straße", "strasse"),
        ("Café naïve î", "Café-naïve-î", "café-naïve-î"),
        ("µ-sized μ", "\u03bc-sized-\u03bc", "\u03bc-sized-\u03bc"),
        ("ｶﾀｶﾅ half", "カタカナ-half", "カタカナ-half"),
        ("ひらがな and カタカナ", "ひらがな-and-カタカナ", "ひらがな-and-カタカナ"),
        ("ﬁ ligature", "fi-ligature", "fi-ligature"),
        ("Ⅻ roman", "XII-roman", "xii-roman"),
        ("\uff26\uff55\uff4c\uff4c width", "Full-width", "full-width"),  # full-width letters
        ("Ǆ50%", "DŽ50", "dž50"),
        ("\u017f long s", "s-long-s", "s-long-s"),  # long s
        ("Tab\there", "Tab\there", "tab\there"),
    ],
)
def test_non_ascii_slugs_match_publ(text, slug, key):
    assert slugify(text) == slug
    assert tag_key(text) == key
