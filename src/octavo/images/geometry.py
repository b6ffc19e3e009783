"""Rendition geometry (Publ §6.3): which part of the source becomes how many pixels.

Every mode reduces to one answer, a box of the (orientation-corrected) source
and an output size, so the pipeline and the rendition's name need nothing else.
Publ's bugs B6 (fill with scale_min_width) and B7 (stretch ignoring max_height)
are fixed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from octavo.common.protocols import ImageArgError
from octavo.images.args import RenditionArgs

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Geometry:
    box: Box  # x1, y1, x2, y2 in source pixels
    size: tuple[int, int]


def plan_geometry(
    source_size: tuple[int, int], args: RenditionArgs, output_scale: int, max_size: int
) -> Geometry:
    """The crop box and output size for `args` at `output_scale` (1 or 2).

    The output never exceeds `max_size` on either side (scaled down keeping its shape).
    """
    base = _base_box(source_size, args.crop)
    base_w, base_h = base[2] - base[0], base[3] - base[1]
    if args.resize == "fill":
        box, w, h = _fill(base, args, output_scale)
    elif args.resize == "stretch":
        box = base
        w, h = _stretch(base_w, base_h, args, output_scale)
    else:
        box = base
        w, h = _fit(base_w, base_h, args, output_scale)
    if w > max_size or h > max_size:
        if args.resize == "stretch":
            w, h = min(w, max_size), min(h, max_size)
        else:
            factor = min(max_size / w, max_size / h)
            w, h = w * factor, h * factor
    return Geometry(box, (max(1, round(w)), max(1, round(h))))


def _base_box(source_size: tuple[int, int], crop: tuple[int, int, int, int] | None) -> Box:
    """The crop rectangle clipped to the image; a crop wholly outside it is an error."""
    width, height = source_size
    if crop is None:
        return (0, 0, width, height)
    x, y, w, h = crop
    x2, y2 = min(x + w, width), min(y + h, height)
    if x >= width or y >= height or x2 <= x or y2 <= y:
        raise ImageArgError(f"crop {crop} lies outside the {width}x{height} image")
    return (x, y, x2, y2)


def _scaled(width: float, height: float, args: RenditionArgs) -> tuple[float, float]:
    """Divide by `scale`, then raise to the scale_min_* bounds keeping the shape."""
    if args.scale:
        width, height = width / args.scale, height / args.scale
    if args.scale_min_width and width < args.scale_min_width:
        width, height = args.scale_min_width, height * args.scale_min_width / width
    if args.scale_min_height and height < args.scale_min_height:
        width, height = width * args.scale_min_height / height, args.scale_min_height
    return width, height


def _fit(base_w: int, base_h: int, args: RenditionArgs, output_scale: int) -> tuple[float, float]:
    width, height = _scaled(base_w, base_h, args)
    for limit_w, limit_h in ((args.width, args.height), (args.max_width, args.max_height)):
        if limit_w and width > limit_w:
            width, height = limit_w, height * limit_w / width
        if limit_h and height > limit_h:
            width, height = width * limit_h / height, limit_h
    width, height = width * output_scale, height * output_scale
    if width > base_w or height > base_h:  # never upscale; keep the shape
        factor = min(base_w / width, base_h / height)
        width, height = width * factor, height * factor
    return width, height


def _fill(base: Box, args: RenditionArgs, output_scale: int) -> tuple[Box, float, float]:
    base_w, base_h = base[2] - base[0], base[3] - base[1]
    width, height = _clamped(*_scaled(base_w, base_h, args), args)
    width, height = width * output_scale, height * output_scale
    if width > base_w or height > base_h:  # never upscale; keep the box's shape
        factor = min(base_w / width, base_h / height)
        width, height = width * factor, height * factor
    # The largest region of the source with the output's shape, placed by fill_crop_*.
    box_w = max(1, min(base_w, round(width * base_h / height)))  # never an empty box
    box_h = max(1, min(base_h, round(height * base_w / width)))
    x = base[0] + round((base_w - box_w) * args.fill_crop_x)
    y = base[1] + round((base_h - box_h) * args.fill_crop_y)
    return (x, y, x + box_w, y + box_h), width, height


def _stretch(
    base_w: int, base_h: int, args: RenditionArgs, output_scale: int
) -> tuple[float, float]:
    width, height = float(base_w), float(base_h)
    if args.scale:
        width, height = width / args.scale, height / args.scale
    if args.scale_min_width:
        width = max(width, args.scale_min_width)
    if args.scale_min_height:
        height = max(height, args.scale_min_height)
    width, height = _clamped(width, height, args)
    return width * output_scale, height * output_scale


def _clamped(width: float, height: float, args: RenditionArgs) -> tuple[float, float]:
    """Width and height each limited by their own bounds (not keeping the shape)."""
    for limit in (args.width, args.max_width):
        if limit:
            width = min(width, limit)
    for limit in (args.height, args.max_height):
        if limit:
            height = min(height, limit)
    return width, height
