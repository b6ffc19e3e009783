"""HTML processing (Publ §5.8) through the fakes."""

from __future__ import annotations

from tests.unit.markup.site import markup_of


def render(html: str, **args: object) -> str:
    return str(markup_of(html, is_markdown=False).body(**args))


def test_links_and_dollar_attributes() -> None:
    out = render('<a href="241#x">t</a><div $data-to="@s.css" data-keep="241"></div>')
    assert out == (
        '<a href="/links/241-Link-targets#x">t</a>'
        '<div data-to="/static/s.css" data-keep="241"></div>'
    )
    assert 'href="http://example.test/links/241-Link-targets"' in render(
        '<a href="241">t</a>', absolute=True
    )


def test_src_on_other_tags_and_images() -> None:
    assert render('<audio src="@a.mp3"></audio>') == '<audio src="/static/a.mp3"></audio>'
    out = render('<img src="/images/landscape.png{100}" alt="x">')
    assert out.startswith('<img alt="x" src="/static/_img/fake/images/landscape.png_100x75"')
    assert 'width="100" height="75"' in out and 'loading="lazy"' in out


def test_size_attributes_become_arguments() -> None:
    out = render('<img src="/images/portrait.jpg" width="50" height="50">')
    assert 'width="38" height="50"' in out


def test_already_rendered_images_are_left_alone() -> None:
    assert render('<img src="x.png" data-publ-rewritten>') == '<img src="x.png">'


def test_serialisation_is_normalised() -> None:
    out = render("<!DOCTYPE html><P CLASS=x flag>a &amp; &copy;</P><br/><?pi?><!--c-->")
    assert out == '<!DOCTYPE html><p class="x" flag>a &amp; &copy;</p><br/><!--c-->'


def test_plain_text() -> None:
    assert render("<p>a<br>b &amp; c</p>", markup=False) == "a\nb & c"


def test_raw_html_in_markdown_is_rewritten() -> None:
    body = str(markup_of('Text <a href="241">x</a>.\n\n<div $data-a="241">d</div>').body())
    assert '<a href="/links/241-Link-targets">x</a>' in body
    assert '<div data-a="/links/241-Link-targets">d</div>' in body
