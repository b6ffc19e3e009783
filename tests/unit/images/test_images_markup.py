"""``<img>`` markup, links, galleries, CSS and client-side sizing (Publ §6.4, §6.7, §6.10)."""

from __future__ import annotations

import re

import pytest

from octavo.images.objects import ExternalImage, LocalImage, MissingImage
from tests.unit.images.synthetic import quadrants, write


@pytest.fixture
def photo(service, tmp_path):
    write(tmp_path / "content" / "blog" / "photo.jpg", quadrants(400, 300), "JPEG")
    return service.image("photo.jpg", ["blog"])


def attribute_names(tag: str) -> list[str]:
    return re.findall(r" ([a-z-]+)(?==|[ >])", tag)


def test_image_kinds(service, photo):
    assert isinstance(photo, LocalImage) and (photo.width, photo.height) == (400, 300)
    assert isinstance(service.image("/blog/photo.jpg", []), LocalImage)
    assert isinstance(service.image("@logo.png", []), ExternalImage)
    assert isinstance(service.image("https://example.com/a.jpg", []), ExternalImage)
    assert isinstance(service.image("//example.com/a.jpg", []), ExternalImage)
    assert isinstance(service.image("missing.jpg", ["blog"]), MissingImage)
    assert isinstance(service.image("../../etc/passwd", ["blog"]), MissingImage)


def test_attribute_order_and_srcset(photo):
    tag = photo.get_img_tag(
        "A title", "Alt", width=100, img_class="c", img_id="i", img_style="a:b", style="c:d"
    )
    assert attribute_names(tag) == [
        "src",
        "width",
        "height",
        "srcset",
        "loading",
        "class",
        "id",
        "style",
        "alt",
        "title",
    ]
    assert 'width="100" height="75"' in tag and 'style="a:b;c:d"' in tag
    src = re.search(r'src="([^"]+)"', tag)[1]
    assert f'srcset="{src} 1x, ' in tag and "_200x150_" in tag


def test_srcset_only_when_the_2x_differs(photo):
    tag = photo.get_img_tag(width=1000)  # full size already: 2x is the same rendition
    assert "srcset" not in tag and 'width="400" height="300"' in tag


def test_loading_class_and_defaults(photo):
    assert 'loading="lazy"' in photo.get_img_tag()
    assert "loading" not in photo.get_img_tag(image_loading=False)
    assert re.search(r" loading ", photo.get_img_tag(image_loading=None))
    assert 'class="a"' in photo.get_img_tag(img_class="a", **{"class": "b"})
    assert 'class="b"' in photo.get_img_tag(**{"class": "b"})
    assert 'alt="photo.jpg"' in photo.get_img_tag()
    assert photo.get_img_tag(xhtml=True).endswith(" />")


def test_lightbox_and_link_wrappers(photo):
    tag = photo.get_img_tag("T", gallery_id="g", link_class="lc", width=50)
    assert (
        tag.startswith('<a href="/static/_img/')
        and 'data-lightbox="g" title="T" class="lc">' in tag
    )
    assert "_400x300_" in tag.split('"')[1] and tag.endswith("</a>")
    plain = photo.get_img_tag(link=True)
    assert plain.startswith('<a href="/static/_img/') and "data-lightbox" not in plain
    assert photo.get_img_tag(link="@big.jpg").startswith('<a href="/static/big.jpg">')
    assert photo.get_img_tag(link="/x").startswith('<a href="/x">')
    assert photo.get_img_tag(link="/x", absolute=True).startswith('<a href="http://site/x">')
    assert "<a" not in photo.get_img_tag(link=False, gallery_id="g")
    assert photo.get_img_tag(gallery_id="g", fullsize_width=100).split('"')[1].count("_100x75_")
    hidden = photo.get_img_tag(gallery_id="g", show_thumbnail=False)
    assert hidden.startswith("<a ") and "<img" not in hidden


def test_prefix_arguments_override(photo):
    tag = photo.get_img_tag(width=300, index_width=100, prefix="index_")
    assert 'width="100"' in tag


def test_errors_become_spans_never_exceptions(service, photo):
    assert photo.get_img_tag(crop=(1000, 1000, 5, 5)).startswith('<span class="error">')
    assert "format" in photo.get_img_tag(format="bmp")
    assert "scale_filter" in photo.get_img_tag(scale_filter="magic")
    missing = service.image("no such.jpg", [])
    assert missing.get_img_tag() == (
        '<span class="error">Image not found: <code>no such.jpg</code>'
        " (Did you forget a <code>|</code>?)</span>"
    )
    assert missing.get_css_background() == "/* not found: no such.jpg */"


def test_css_background_with_image_set(photo):
    css = photo.get_css_background(width=100)
    one, two = re.findall(r"url\('([^']+)'\)", css)[1:3]
    assert css.startswith(f"background-image: url('{one}');background-image: image-set(")
    assert "_100x75_" in one and "_200x150_" in two
    assert photo.get_css_background(uncomment=True, width=100).startswith(" */ background")


def test_shape_outside(photo):
    tag = photo.get_img_tag(width=100, shape=True, format="png")
    shape = re.search(r"shape-outside: url\('([^']+)'\)", tag)[1]
    assert "_100x75_" in shape and shape.endswith(".jpg")  # size args only


def test_rendition_and_call_forms(photo):
    url, size = photo.get_rendition(1, width=100, absolute=True)
    assert url.startswith("http://site/static/_img/") and size == (100, 75)
    assert photo(width=100) == url.replace("http://site", "") == str(photo(width=100))
    assert photo.get_fullsize({}) == str(photo)


def test_external_images_are_sized_by_the_browser(service):
    remote = service.image("https://example.com/a.jpg", [])
    tag = remote.get_img_tag(width=200, height=100, resize="fill", fill_crop_x=0.25)
    assert tag.startswith('<img src="/_" width="200" height="100" loading="lazy" style="')
    assert (
        "background-image:url('https://example.com/a.jpg');background-size:cover;"
        "background-position:25.00% 50.00%;background-repeat:no-repeat" in tag
    )
    one_side = remote.get_img_tag(width=200, max_width=100)
    assert 'src="https://example.com/a.jpg" width="100"' in one_side
    assert "max-width:100px" in one_side
    stretch = remote.get_img_tag(width=20, height=10, resize="stretch")
    assert 'src="https://example.com/a.jpg"' in stretch
    assert 'src="https://example.com/a.jpg"' in remote.get_img_tag(
        width=20, height=10, _no_resize_external=True
    )
    static = service.image("@img/logo.png", [])
    assert static.get_rendition() == ("/static/img/logo.png", None)
    assert static.get_css_background() == "background-image: url('/static/img/logo.png');"


def test_assets_get_signed_file_urls(service, tmp_path):
    (tmp_path / "content" / "docs").mkdir()
    (tmp_path / "content" / "docs" / "boxes.svg").write_text("<svg/>")
    asset = service.image("boxes.svg", ["docs"])
    url, size = asset.get_rendition()
    assert url.startswith("/_file/") and url.endswith("/docs/boxes.svg") and size is None
    assert service.assets.relpath(url[len("/_file/") :]) == "docs/boxes.svg"
    assert service.assets.relpath("0000000000/docs/boxes.svg") is None
    (tmp_path / "content" / "docs" / "entry.md").write_text("Title: x\n\n")
    assert isinstance(service.image("entry.md", ["docs"]), MissingImage)
