"""Checking and normalising rendition arguments."""

from __future__ import annotations

import pytest

from octavo.common.protocols import ImageArgError
from octavo.images.args import filtered, parse_args


def test_defaults_and_normalisation():
    args = parse_args({})
    assert args.resize == "fit" and args.scale_filter == "lanczos" and args.fill_crop_x == 0.5
    args = parse_args(
        {
            "width": "320",
            "format": ".JPEG",
            "background": "red",
            "scale_filter": "Box",
            "crop": "1, 2, 3, 4",
            "quality": 80.0,
            "fill_crop_x": 0,
        }
    )
    assert args.width == 320 and args.format == "jpg" and args.background == (255, 0, 0)
    assert args.scale_filter == "box" and args.crop == (1, 2, 3, 4) and args.quality == 80
    assert args.fill_crop_x == 0.0
    assert parse_args({"background": (1, 2, 3, 4)}).background == (1, 2, 3)


def test_none_sizes_mean_not_given_b8():
    assert parse_args({"width": None, "height": 240}).height == 240


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"width": "wide"}, "width"),
        ({"width": True}, "width"),
        ({"width": float("inf")}, "width"),
        ({"height": -3}, "height"),
        ({"resize": "squash"}, "resize"),
        ({"scale_filter": "sinc"}, "scale_filter"),
        ({"format": "tiff"}, "format"),
        ({"format": "exe"}, "format"),
        ({"background": "not-a-colour"}, "background"),
        ({"background": (300, 0, 0)}, "background"),
        ({"quality": 101}, "quality"),
        ({"quantize": 1000}, "quantize"),
        ({"crop": (1, 2, 3)}, "crop"),
        ({"crop": (0, 0, -5, 10)}, "crop"),
        ({"fill_crop_x": 2}, "fill_crop_x"),
    ],
)
def test_bad_arguments_name_themselves(args, message):
    with pytest.raises(ImageArgError, match=message):
        parse_args(args)


def test_only_filter_list_arguments_pass():
    assert filtered({"width": 1, "link": "x", "img_class": "c", "quality": 3}) == {
        "width": 1,
        "quality": 3,
    }


def test_integers_too_large_for_a_float_are_a_clear_error():
    """Found by the rendition fuzzer: math.isfinite(2**1100) raised OverflowError (a 500)."""
    for name in ("width", "quality", "fill_crop_x", "crop"):
        value = (2**1100, 0, 1, 1) if name == "crop" else 2**1100
        with pytest.raises(ImageArgError, match=f"{name} must be a finite number"):
            parse_args({name: value})
