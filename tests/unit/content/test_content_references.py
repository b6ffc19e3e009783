"""The local files an entry refers to (octavo.content.references)."""

from __future__ import annotations

from octavo.content.message import Header
from octavo.content.references import file_references


def test_markdown_images_sets_links_and_definitions():
    text = (
        '![Alt{gallery_id="g"}](a.jpg{100} | sub/b.jpg{crop=(0,0,5,5)}\n "B title" | c.jpg)\n'
        '[menu](files/menu.pdf "The menu") and [top](#top) [entry](42) [site](/about.md)\n'
        "[ref]: <docs/manual%20v2.pdf> 'title'\n"
        "[web]: https://example.com/x.png\n"
    )
    assert file_references(text) == [
        "a.jpg",
        "sub/b.jpg",
        "c.jpg",
        "files/menu.pdf",
        "/about.md",
        "docs/manual%20v2.pdf",
        "docs/manual v2.pdf",
    ]


def test_html_attributes_and_what_is_not_a_local_path():
    text = (
        "<img src=\"x.png{resize='fill'}\"><a href='y.zip?dl=1#part'>y</a>"
        '<img SRC=z.gif> <img src="//cdn.example/p.png"> <a href="mailto:me@example.com">'
        '<img src="@images/logo.png"> <a href="test:alice">'
    )
    assert file_references(text) == ["x.png", "y.zip", "z.gif"]


def test_header_values_that_name_files():
    headers = [
        Header("Title", "A day out.", 1),
        Header("Card-Image", "cover.jpg{640}", 2),
        Header("Attach", "album.md", 3),
        Header("Date", "2024-01-02 10:00:00+00:00", 4),
        Header("Redirect-To", "https://example.com/page.html", 5),
    ]
    assert file_references("", headers) == ["cover.jpg", "album.md"]


def test_unclosed_parentheses_do_not_hide_later_references():
    assert file_references("[it](don't.jpg and more\n![ok](fine.png)") == ["fine.png"]
