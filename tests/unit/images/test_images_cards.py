"""OpenGraph card images (Publ §10), with a missing image skipped instead of a 500 (B24)."""

from __future__ import annotations

from octavo.images.cards import CardImage, card_image_tags, card_images
from tests.unit.images.synthetic import quadrants, write


def test_candidates_in_order_and_missing_ones_skipped(service, tmp_path):
    write(tmp_path / "content" / "cover.jpg", quadrants(400, 300), "JPEG")
    body = '<p><img src="http://site/a.jpg" width="10" height="5"><img src="/b.png"></p>'
    found = card_images(
        service,
        [""],
        {
            "image": ["nope.jpg", "cover.jpg"],
            "image_fallback": "gone.jpg",
            "count": 5,
            "width": 200,
        },
        body,
    )
    assert [image.url for image in found[1:]] == ["http://site/a.jpg", "/b.png"]
    assert found[0].url.startswith("http://site/static/_img/")
    assert (found[0].width, found[0].height) == ("200", "150")
    assert card_images(service, [""], {"image": False}, body) == []
    assert card_images(service, [""], {"image_fallback": "nope.jpg"}, "") == []
    assert len(card_images(service, [""], {}, body)) == 1


def test_og_image_tags():
    tags = card_image_tags([CardImage("http://x/a.jpg", "10", "5"), CardImage("http://x/b")])
    assert tags == (
        '<meta property="og:image" content="http://x/a.jpg">'
        '<meta property="og:image:width" content="10">'
        '<meta property="og:image:height" content="5">'
        '<meta property="og:image" content="http://x/b">'
    )
