"""An entry's source reduced to the words a reader sees (what full-text search indexes)."""

from __future__ import annotations

import pytest

from octavo.content.plaintext import plain_text


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "# Heading\n\nSome *emphasis* and __strong__ text.",
            "Heading Some emphasis and strong text.",
        ),
        ("[a link](https://example.com/hidden 'Its title')", "a link Its title"),
        ('![alt words](photo.jpg{width=320} "caption")', "alt words caption"),
        ("![](a.jpg | b.jpg)", ""),
        ("see [this][ref]\n\n[ref]: https://example.com/x", "see this"),
        ("<p>Plain <b>bold</b> &amp; <i>more</i></p>", "Plain bold & more"),
        ("a<script>var x = 1;</script>b<style>p{}</style>c", "a b c"),
        ("before <!-- a comment --> after", "before after"),
        ("> quoted\n- item\n* other\n```python\ncode_here()\n```", "quoted item other code_here()"),
        ("snake_case stays, `code` loses its ticks", "snake_case stays, code loses its ticks"),
        ("<https://example.com/auto>", "https://example.com/auto"),
        ("unclosed <b and < 3 > 2", "unclosed <b and < 3 > 2"),
    ],
)
def test_plain_text(source: str, expected: str) -> None:
    assert plain_text(source) == expected
