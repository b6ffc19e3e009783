"""The Pillow pipeline on real files: orientation, draft decoding, flattening, formats."""

from __future__ import annotations

import time

import pytest
from PIL import Image

from octavo.images.args import parse_args
from octavo.images.pipeline import RenderError, render
from octavo.images.plan import make_plan
from octavo.images.sources import SourceTooLarge
from tests.unit.images.synthetic import (
    BLUE,
    GREEN,
    RED,
    WHITE,
    YELLOW,
    corners,
    encode,
    near,
    opened,
    quadrants,
    transparent_square,
    with_orientation,
    write,
)

LIMIT = 64_000_000


def rendered(service, relpath: str, scale: int = 1, **args: object) -> Image.Image:
    source = service.catalog.describe(relpath)
    plan = make_plan(source, parse_args(args), scale, 8192)
    return opened(render(source, plan, LIMIT))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied_including_crops(service, orientation):
    path = service.settings.content_folder + f"/o{orientation}.jpg"
    with open(path, "wb") as fh:
        fh.write(with_orientation(quadrants(400, 300), orientation))
    source = service.catalog.describe(f"o{orientation}.jpg")
    assert (source.width, source.height) == (400, 300)
    full = rendered(service, f"o{orientation}.jpg", width=200)
    assert full.size == (200, 150)
    assert all(near(c, e) for c, e in zip(corners(full), (RED, GREEN, BLUE, YELLOW), strict=True))
    right_half = rendered(service, f"o{orientation}.jpg", crop=(200, 0, 200, 300), width=100)
    assert right_half.size == (100, 150)
    top_left, _, bottom_left, _ = corners(right_half)
    assert near(top_left, GREEN) and near(bottom_left, YELLOW)


def test_jpeg_draft_decodes_less_but_keeps_geometry(service, tmp_path):
    write(tmp_path / "content" / "big.jpg", quadrants(3000, 2000), "JPEG", quality=90)
    small = rendered(service, "big.jpg", width=300, height=300, resize="fill", fill_crop_x=0)
    assert small.size == (300, 300)
    # the left 2000x2000 of the source: its green and yellow quarter starts at x=1500
    assert all(near(c, e) for c, e in zip(corners(small), (RED, GREEN, BLUE, YELLOW), strict=True))
    assert near(small.getpixel((215, 50)), RED) and near(small.getpixel((235, 50)), GREEN)


def test_transparency_flattens_to_white_for_jpeg_and_to_background_when_asked(service, tmp_path):
    write(tmp_path / "content" / "t.png", transparent_square(100), "PNG")
    jpeg = rendered(service, "t.png", format="jpg")
    assert jpeg.mode == "RGB" and near(jpeg.getpixel((2, 2)), WHITE)
    assert near(jpeg.getpixel((50, 50)), RED)
    kept = rendered(service, "t.png")
    assert kept.mode == "RGBA" and kept.getpixel((2, 2))[3] == 0
    blue = rendered(service, "t.png", background="#0000ff")
    assert blue.mode == "RGB" and near(blue.getpixel((2, 2)), BLUE)


def test_paletted_sources_stay_paletted_in_png_and_gif(service, tmp_path):
    write(tmp_path / "content" / "p.png", quadrants(40, 40).quantize(8), "PNG")
    assert rendered(service, "p.png", width=20).mode == "P"
    write(tmp_path / "content" / "g.gif", quadrants(40, 40), "GIF")
    gif = rendered(service, "g.gif", width=20)
    assert gif.format == "GIF" and gif.size == (20, 20)


def test_identity_plan_keeps_the_file_bytes(service, tmp_path):
    data = encode(quadrants(40, 30), "JPEG", quality=50)
    (tmp_path / "content" / "same.jpg").write_bytes(data)
    source = service.catalog.describe("same.jpg")
    assert render(source, make_plan(source, parse_args({}), 1, 8192), LIMIT) == data


def test_truncated_and_corrupt_sources_raise_render_error_quickly(service, tmp_path):
    data = encode(quadrants(800, 600), "JPEG")
    (tmp_path / "content" / "cut.jpg").write_bytes(data[: len(data) // 3])
    source = service.catalog.describe("cut.jpg")
    start = time.monotonic()
    with pytest.raises(RenderError):
        render(source, make_plan(source, parse_args({"width": 100}), 1, 8192), LIMIT)
    assert time.monotonic() - start < 10  # a hang detector, not a speed test
    (tmp_path / "content" / "junk.jpg").write_bytes(b"\xff\xd8\xff" + b"\0" * 100)
    assert service.catalog.describe("junk.jpg") is None  # not an image: an asset


def test_decompression_bombs_are_refused_before_decoding(service, tmp_path):
    bomb = Image.new("1", (20000, 20000))  # 400 megapixels, a few kilobytes as PNG
    write(tmp_path / "content" / "bomb.png", bomb, "PNG")
    start = time.monotonic()
    with pytest.raises(SourceTooLarge):
        service.catalog.describe("bomb.png")
    assert time.monotonic() - start < 10  # a hang detector, not a speed test
    write(tmp_path / "content" / "large.png", Image.new("1", (9000, 8000)), "PNG")
    with pytest.raises(SourceTooLarge, match="over 64000000 pixels"):
        service.catalog.describe("large.png")
