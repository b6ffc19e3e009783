"""Sizing maths (Publ §6.3), with Publ's bugs B6 and B7 fixed."""

from __future__ import annotations

import pytest

from octavo.common.protocols import ImageArgError
from octavo.images.args import parse_args
from octavo.images.geometry import plan_geometry


def geo(size: tuple[int, int], output_scale: int = 1, max_size: int = 8192, **args: object):
    return plan_geometry(size, parse_args(args), output_scale, max_size)


def test_fit_keeps_the_shape_and_never_upscales():
    assert geo((3000, 2000), width=800).size == (800, 533)
    assert geo((3000, 2000), 2, width=800).size == (1600, 1067)
    assert geo((3000, 2000), height=100).size == (150, 100)
    assert geo((300, 200), width=800).size == (300, 200)
    assert geo((300, 200), 2, width=200).size == (300, 200)  # 2x capped at the source
    assert geo((3000, 2000), width=800).box == (0, 0, 3000, 2000)


def test_fit_applies_width_height_then_max_limits():
    assert geo((1000, 1000), width=500, max_width=300).size == (300, 300)
    assert geo((1000, 500), width=800, height=100).size == (200, 100)
    assert geo((1000, 500), max_height=50).size == (100, 50)


def test_scale_and_scale_min_bounds_keep_the_shape():
    assert geo((900, 600), scale=3).size == (300, 200)
    assert geo((900, 600), scale=3, scale_min_width=450).size == (450, 300)
    assert geo((900, 600), scale=3, scale_min_height=400).size == (600, 400)


def test_fill_matches_publs_verified_example():
    g = geo((400, 300), width=100, height=100, resize="fill")
    assert g.size == (100, 100) and g.box == (50, 0, 350, 300)
    assert geo((400, 300), 2, width=100, height=100, resize="fill").size == (200, 200)


def test_fill_box_follows_the_crop_anchor():
    assert geo((400, 300), width=100, height=100, resize="fill", fill_crop_x=0).box == (
        0,
        0,
        300,
        300,
    )
    assert geo((400, 300), width=100, height=100, resize="fill", fill_crop_x=1).box[0] == 100
    tall = geo((300, 400), width=100, height=100, resize="fill", fill_crop_y=0)
    assert tall.box == (0, 0, 300, 300)


def test_fill_box_is_limited_by_the_source_then_shrunk_to_fit_it():
    g = geo((400, 300), width=800, height=400, resize="fill")
    assert g.size == (400, 300) and g.box == (0, 0, 400, 300)
    g = geo((400, 300), 2, width=300, height=100, resize="fill")  # 600x200 box > source
    assert g.size == (400, 133) and g.box == (0, 84, 400, 217)


def test_fill_with_scale_min_width_works_b6():
    g = geo((900, 600), scale=3, scale_min_width=450, width=400, height=400, resize="fill")
    assert g.size == (400, 300)


def test_stretch_distorts_and_honours_max_height_b7():
    assert geo((400, 300), width=100, height=200, resize="stretch").size == (100, 200)
    assert geo((400, 300), max_height=50, resize="stretch").size == (400, 50)
    assert geo((400, 300), 2, width=100, height=200, resize="stretch").size == (200, 400)


def test_crop_is_the_base_and_fill_box_is_offset_into_it():
    g = geo((400, 300), crop=(100, 50, 200, 100))
    assert g.box == (100, 50, 300, 150) and g.size == (200, 100)
    g = geo((400, 300), crop="100,50,200,100", width=50, height=50, resize="fill")
    assert g.box == (150, 50, 250, 150) and g.size == (50, 50)


def test_crop_partly_outside_is_clipped_wholly_outside_is_an_error():
    assert geo((400, 300), crop=(300, 200, 500, 500)).box == (300, 200, 400, 300)
    with pytest.raises(ImageArgError, match="outside"):
        geo((400, 300), crop=(500, 0, 10, 10))


def test_outputs_are_capped_by_max_size():
    assert geo((3000, 2000), max_size=1000).size == (1000, 667)
    assert geo(
        (100, 100),
        width=100000,
        height=100000,
        resize="stretch",
        scale_min_width=100000,
        scale_min_height=100000,
        max_size=500,
    ).size == (500, 500)
    assert geo((3000, 2000), width=100000, height=100000).size == (3000, 2000)


EXTREME = [1e308, 1.7976931348623157e308, 1e-308, 5e-324]
SIZE_ARGS = ["width", "height", "max_width", "max_height", "scale_min_width", "scale_min_height"]


@pytest.mark.parametrize("resize", ["fit", "fill", "stretch"])
@pytest.mark.parametrize("value", EXTREME)
@pytest.mark.parametrize("first", [*SIZE_ARGS, "scale"])
@pytest.mark.parametrize("second", ["scale_min_height", "height", "scale"])
def test_extreme_numbers_give_a_bounded_plan(resize, value, first, second):
    """Found by the rendition fuzzer: 1e308 and friends overflowed the arithmetic into
    inf and NaN (a ValueError or ZeroDivisionError, so a 500)."""
    result = geo((400, 300), max_size=1000, resize=resize, **{first: value, second: value})
    width, height = result.size
    x1, y1, x2, y2 = result.box
    assert 1 <= width <= 1000 and 1 <= height <= 1000
    assert 0 <= x1 < x2 <= 400 and 0 <= y1 < y2 <= 300


@pytest.mark.parametrize("size", [(300, 400), (400, 300), (500, 2), (2, 500), (1, 1)])
def test_a_fill_box_is_never_empty(size):
    """Found by the rendition fuzzer: fill to 300x1 from a 300x400 photo asked for a box
    of no rows (c0-200-300-200), which Pillow cannot resize."""
    for height in (0.5, 1, 1.4):
        for width in (0.5, 1, 300, 3000):
            x1, y1, x2, y2 = geo(size, resize="fill", width=width, height=height).box
            assert x1 < x2 and y1 < y2, (size, width, height)
