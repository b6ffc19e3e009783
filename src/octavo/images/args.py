"""Rendition arguments: Publ's filter list, checked and normalised.

Only these arguments can change a rendition's pixels, so only they reach the
sizing maths and the rendition's name. Values arrive from Markdown literals,
templates and the site's ``layout``: strings, ints, floats, tuples, None.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from octavo.common.protocols import ImageArgError

#: The arguments that affect a rendition's pixels (Publ's RENDITION_ARG_FILTER).
RENDITION_ARGS = frozenset(
    {
        "scale",
        "scale_min_width",
        "scale_min_height",
        "crop",
        "width",
        "height",
        "max_width",
        "max_height",
        "resize",
        "fill_crop_x",
        "fill_crop_y",
        "format",
        "background",
        "quality",
        "quantize",
        "lossless",
        "scale_filter",
    }
)

RESIZE_MODES = ("fit", "fill", "stretch")
FILTERS = ("nearest", "box", "bilinear", "hamming", "bicubic", "lanczos")
#: Output formats by extension; ``jpeg`` is written ``jpg``.
FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
#: Sizes beyond any image's side mean "no limit" as well as larger ones do, and keep the
#: geometry's arithmetic finite: sizes and scales are clamped to [1/SIZE_LIMIT, SIZE_LIMIT].
SIZE_LIMIT = float(2**31)
_NUMBER = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")


@dataclass(frozen=True)
class RenditionArgs:
    """Checked rendition arguments; None means "not given"."""

    width: float | None = None
    height: float | None = None
    max_width: float | None = None
    max_height: float | None = None
    scale: float | None = None
    scale_min_width: float | None = None
    scale_min_height: float | None = None
    resize: str = "fit"
    fill_crop_x: float = 0.5
    fill_crop_y: float = 0.5
    crop: tuple[int, int, int, int] | None = None
    format: str | None = None
    background: tuple[int, int, int] | None = None
    quality: int | None = None
    quantize: int | None = None
    lossless: bool = False
    scale_filter: str = "lanczos"


def filtered(args: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments of `args` that are rendition arguments."""
    return {k: v for k, v in args.items() if k in RENDITION_ARGS}


def parse_args(args: Mapping[str, Any]) -> RenditionArgs:
    """Check and normalise; raise ImageArgError naming the first bad argument.

    A falsy size (None, 0, False) means "not given", as in Publ, which also makes
    the documented ``{None,240}`` shorthand work (Publ bug B8).
    """
    return RenditionArgs(
        width=size_value(args, "width"),
        height=size_value(args, "height"),
        max_width=size_value(args, "max_width"),
        max_height=size_value(args, "max_height"),
        scale=size_value(args, "scale"),
        scale_min_width=size_value(args, "scale_min_width"),
        scale_min_height=size_value(args, "scale_min_height"),
        resize=_choice(args, "resize", RESIZE_MODES, "fit"),
        fill_crop_x=_fraction(args, "fill_crop_x"),
        fill_crop_y=_fraction(args, "fill_crop_y"),
        crop=_crop(args.get("crop")),
        format=_format(args.get("format")),
        background=_colour(args.get("background")),
        quality=_int_in(args, "quality", 1, 100),
        quantize=_int_in(args, "quantize", 1, 256),
        lossless=bool(args.get("lossless")),
        scale_filter=_choice(args, "scale_filter", FILTERS, "lanczos"),
    )


def number(value: Any, name: str) -> float | None:
    """A finite number from an int, float or numeric string; None for falsy values."""
    if value is None or value is False or value == "":
        return None
    if isinstance(value, bool):
        raise ImageArgError(f"{name} must be a number, not {value!r}")
    if isinstance(value, str):
        if not _NUMBER.match(value):
            raise ImageArgError(f"{name} must be a number, not {value!r}")
        value = float(value)
    try:
        finite = isinstance(value, int | float) and math.isfinite(value)
    except OverflowError:  # an int too large for a float
        finite = False
    if not finite:
        raise ImageArgError(f"{name} must be a finite number, not {value!r}")
    return float(value) if value else None


def size_value(args: Mapping[str, Any], name: str) -> float | None:
    """A size or scale argument: positive, clamped to [1/SIZE_LIMIT, SIZE_LIMIT]."""
    value = number(args.get(name), name)
    if value is None:
        return None
    if value < 0:
        raise ImageArgError(f"{name} must be positive, not {args.get(name)!r}")
    return min(max(value, 1 / SIZE_LIMIT), SIZE_LIMIT)


def _fraction(args: Mapping[str, Any], name: str) -> float:
    value = number(args.get(name), name)
    if value is None:
        return 0.5 if args.get(name) is None else 0.0
    if not 0 <= value <= 1:
        raise ImageArgError(f"{name} must be between 0 and 1, not {args.get(name)!r}")
    return value


def _int_in(args: Mapping[str, Any], name: str, low: int, high: int) -> int | None:
    value = number(args.get(name), name)
    if value is None:
        return None
    if value != int(value) or not low <= value <= high:
        raise ImageArgError(f"{name} must be a whole number from {low} to {high}")
    return int(value)


def _choice(args: Mapping[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = args.get(name)
    if value is None:
        return default
    text = str(value).lower()
    if text not in allowed:
        raise ImageArgError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return text


def _crop(value: Any) -> tuple[int, int, int, int] | None:
    """``(x, y, w, h)`` as a tuple or list, or the string ``'x,y,w,h'``."""
    if value is None or value is False or value == "":
        return None
    parts = value.split(",") if isinstance(value, str) else value
    if not isinstance(parts, list | tuple) or len(parts) != 4:
        raise ImageArgError(f"crop must be x,y,width,height, not {value!r}")
    numbers = [number(part, "crop") or 0.0 for part in parts]
    x, y, w, h = (round(n) for n in numbers)
    if x < 0 or y < 0 or w <= 0 or h <= 0:
        raise ImageArgError(f"crop must have x,y >= 0 and a positive size, not {value!r}")
    return (x, y, w, h)


def _format(value: Any) -> str | None:
    if value is None or value == "":
        return None
    ext = str(value).lower().lstrip(".")
    if ext not in FORMATS:
        raise ImageArgError(f"format must be one of {', '.join(sorted(FORMATS))}, not {value!r}")
    return "jpg" if ext == "jpeg" else ext


def _colour(value: Any) -> tuple[int, int, int] | None:
    """A colour as PIL understands it (name, ``#hex``, ``rgb()``) or an (r, g, b[, a])."""
    if value is None or value is False or value == "":
        return None
    from PIL import ImageColor

    if isinstance(value, list | tuple):
        if len(value) not in (3, 4) or not all(
            isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in value
        ):
            raise ImageArgError(f"background must be (r, g, b) with 0-255 values, not {value!r}")
        r, g, b = value[:3]
        return (r, g, b)
    try:
        rgb = ImageColor.getrgb(str(value))
    except ValueError:
        raise ImageArgError(f"background is not a colour: {value!r}") from None
    return (rgb[0], rgb[1], rgb[2])
