"""The Pillow pipeline: one plan in, the rendition's bytes out.

Work is done on as few pixels as possible: JPEGs decode at a reduced scale
when the output is small enough (``draft``), the crop and resize happen in the
file's own orientation, and the EXIF rotation is applied to the small result.
Memory and time are bounded by the source pixel limit checked before decoding.
"""

from __future__ import annotations

import io
import math
import warnings
from typing import Any

from PIL import Image

from octavo.images.args import FORMATS
from octavo.images.plan import ALPHA_FORMATS, RenditionPlan
from octavo.images.sources import Source

_FILTERS = {
    "nearest": Image.Resampling.NEAREST,
    "box": Image.Resampling.BOX,
    "bilinear": Image.Resampling.BILINEAR,
    "hamming": Image.Resampling.HAMMING,
    "bicubic": Image.Resampling.BICUBIC,
    "lanczos": Image.Resampling.LANCZOS,
}
#: Transpose that turns the stored pixels upright, by EXIF orientation.
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}
DEFAULT_BACKGROUND = (255, 255, 255)


class RenderError(Exception):
    """The source cannot be rendered (corrupt, truncated, too large, changed)."""


def content_type(ext: str) -> str:
    return _CONTENT_TYPES[ext]


def render(
    source: Source, plan: RenditionPlan, max_pixels: int, draft_tolerance: float = 1.0
) -> bytes:
    """The encoded rendition; raises RenderError for a source Pillow cannot decode.

    `draft_tolerance` (0-1]: a JPEG may be decoded at 1/2, 1/4 or 1/8 scale when
    that still gives this fraction of the output's pixels per side (the rest is
    resampled up); 1.0 only ever decodes at a scale with enough pixels.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            if _is_identity(source, plan):
                with open(source.path, "rb") as fh:
                    return fh.read()
            with Image.open(source.path) as image:
                if image.width * image.height > max_pixels:
                    raise RenderError(f"{image.width}x{image.height} is over the pixel limit")
                out = _process(image, source, plan, draft_tolerance)
            return _encode(out, plan, paletted=source.mode == "P")
    except RenderError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as err:
        raise RenderError(f"cannot render {source.relpath}: {err}") from None


def _is_identity(source: Source, plan: RenditionPlan) -> bool:
    """The plan asks for the file as it is: serve its bytes (keeps animation, no loss)."""
    return (
        not plan.resizes
        and plan.box == (0, 0, source.width, source.height)
        and plan.ext == source.extension
        and source.format in ("JPEG", "PNG", "GIF", "WEBP")
        and source.orientation == 1
        and plan.background is None
        and plan.quantize is None
        and plan.quality is None
        and not plan.lossless
    )


def _process(
    image: Image.Image, source: Source, plan: RenditionPlan, draft_tolerance: float
) -> Image.Image:
    box, size = _stored_orientation(plan.box, plan.size, source)
    if image.format == "JPEG" and plan.resizes:
        box = _draft(image, box, size, draft_tolerance)
    image.load()
    if image.mode not in ("1", "L", "LA", "RGB", "RGBA", "P"):
        image = image.convert("RGBA" if source.transparent else "RGB")
    if image.mode == "P":
        image = image.convert("RGBA" if source.transparent else "RGB")
    full = (0, 0, image.width, image.height)
    if box != full or image.size != size:
        image = image.resize(size, _FILTERS[plan.scale_filter], box=box, reducing_gap=3.0)
    if source.orientation in _TRANSPOSE:
        image = image.transpose(_TRANSPOSE[source.orientation])
    if image.mode in ("RGBA", "LA") and (plan.background or plan.ext not in ALPHA_FORMATS):
        image = _flatten(image, plan.background or DEFAULT_BACKGROUND)
    return image


def _stored_orientation(
    box: tuple[int, int, int, int], size: tuple[int, int], source: Source
) -> tuple[tuple[float, float, float, float], tuple[int, int]]:
    """Map a box and size given upright into the file's stored orientation."""
    w, h = source.width, source.height
    x1, y1, x2, y2 = box
    corners = [_to_stored(x, y, w, h, source.orientation) for x, y in ((x1, y1), (x2, y2))]
    xs, ys = sorted(c[0] for c in corners), sorted(c[1] for c in corners)
    stored_size = (size[1], size[0]) if source.orientation >= 5 else size
    return (xs[0], ys[0], xs[1], ys[1]), stored_size


def _to_stored(x: int, y: int, w: int, h: int, orientation: int) -> tuple[int, int]:
    """Where upright point (x, y) of a w x h upright image lies in the stored pixels."""
    return {
        1: (x, y),
        2: (w - x, y),
        3: (w - x, h - y),
        4: (x, h - y),
        5: (y, x),
        6: (y, w - x),
        7: (h - y, w - x),
        8: (h - y, x),
    }[orientation]


def _draft(
    image: Image.Image,
    box: tuple[float, float, float, float],
    size: tuple[int, int],
    tolerance: float,
) -> tuple[float, float, float, float]:
    """Decode a JPEG at the smallest scale that still has enough pixels for `size`
    (or `tolerance` of them); returns the box in the decoded image's pixels."""
    ratio = min((box[2] - box[0]) / size[0], (box[3] - box[1]) / size[1]) / tolerance
    if ratio < 2:
        return box
    before = image.size
    wanted = (math.ceil(before[0] / ratio), math.ceil(before[1] / ratio))
    mode = image.mode if image.mode in ("RGB", "L") else None
    image.draft(mode, wanted)
    sx, sy = image.size[0] / before[0], image.size[1] / before[1]
    return (box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy)


def _flatten(image: Image.Image, colour: tuple[int, int, int]) -> Image.Image:
    """Composite onto an opaque colour."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, colour)
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _encode(image: Image.Image, plan: RenditionPlan, paletted: bool) -> bytes:
    fmt = FORMATS[plan.ext]
    options: dict[str, Any] = {}
    if plan.ext == "gif" or plan.quantize or (paletted and plan.ext in ("png", "webp")):
        image = _quantize(image, plan.quantize or 256)
    elif fmt == "JPEG" and image.mode not in ("L", "RGB", "CMYK"):
        image = image.convert("RGB")
    if fmt in ("JPEG", "PNG"):
        options["optimize"] = True
    if plan.lossless:
        options.update(lossless=True, quality=100)
    elif plan.quality is not None:
        options["quality"] = plan.quality
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _quantize(image: Image.Image, colours: int) -> Image.Image:
    if image.mode in ("RGBA", "LA"):
        return image.convert("RGBA").quantize(colours, method=Image.Quantize.FASTOCTREE)
    return image.convert("RGB").quantize(colours)
