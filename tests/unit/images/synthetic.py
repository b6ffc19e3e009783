"""Synthetic test images whose pixels say where they came from.

The quadrant image is red top-left, green top-right, blue bottom-left and
yellow bottom-right, so a rendition's corner colours show which part of the
source it shows.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image

RED, GREEN, BLUE, YELLOW = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)
WHITE, BLACK = (255, 255, 255), (0, 0, 0)


def quadrants(width: int = 400, height: int = 300, mode: str = "RGB") -> Image.Image:
    image = Image.new("RGB", (width, height), RED)
    half_w, half_h = width // 2, height // 2
    image.paste(GREEN, (half_w, 0, width, half_h))
    image.paste(BLUE, (0, half_h, half_w, height))
    image.paste(YELLOW, (half_w, half_h, width, height))
    return image.convert(mode)


def stripes(
    width: int, height: int, left: tuple[int, int, int], right: tuple[int, int, int]
) -> Image.Image:
    """Left half one colour, right half another (for crop anchor tests)."""
    image = Image.new("RGB", (width, height), left)
    image.paste(right, (width // 2, 0, width, height))
    return image


def transparent_square(size: int = 100) -> Image.Image:
    """A fully transparent image with an opaque red centre."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    image.paste((255, 0, 0, 255), (size // 4, size // 4, 3 * size // 4, 3 * size // 4))
    return image


def encode(image: Image.Image, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def write(path: Path, image: Image.Image, fmt: str, **options: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode(image, fmt, **options))
    return path


def with_orientation(image: Image.Image, orientation: int) -> bytes:
    """A JPEG of `image` stored rotated so that EXIF `orientation` shows it upright."""
    undo = {
        3: Image.Transpose.ROTATE_180,
        6: Image.Transpose.ROTATE_90,
        8: Image.Transpose.ROTATE_270,
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        7: Image.Transpose.TRANSVERSE,
    }
    stored = image.transpose(undo[orientation]) if orientation in undo else image
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(stored, "JPEG", quality=95, exif=exif.tobytes())


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def near(actual: Any, expected: tuple[int, ...], tolerance: int = 40) -> bool:
    """Colours equal within a tolerance (JPEG and resampling blur the edges a little)."""
    values = actual if isinstance(actual, tuple) else (actual,)
    return all(abs(a - e) <= tolerance for a, e in zip(values, expected, strict=False))


def corners(image: Image.Image, inset: int = 3) -> tuple[Any, Any, Any, Any]:
    """Colours near the top-left, top-right, bottom-left and bottom-right corners."""
    rgb = image.convert("RGB")
    w, h = rgb.size
    return (
        rgb.getpixel((inset, inset)),
        rgb.getpixel((w - 1 - inset, inset)),
        rgb.getpixel((inset, h - 1 - inset)),
        rgb.getpixel((w - 1 - inset, h - 1 - inset)),
    )
