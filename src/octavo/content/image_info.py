"""What the index keeps about an image file: its size and format, read from its header."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from octavo.content.problems import ContentError

#: Pillow modes with an alpha channel.
ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")


@dataclass(frozen=True)
class ImageRecord:
    """An image's facts as renditions need them (the size after EXIF orientation), so an
    instance can link the renditions of an image its own checkout lacks."""

    path: str
    width: int
    height: int
    format: str
    transparent: bool
    mode: str = ""
    orientation: int = 1


def header_of(image: Any) -> tuple[int, int, str, str, bool, int]:
    """(width, height, format, mode, transparent, orientation) of an opened Pillow image,
    the size after EXIF orientation, without decoding pixels."""
    orientation = _orientation(image)
    width, height = image.size
    if orientation >= 5:
        width, height = height, width
    transparent = image.mode in ALPHA_MODES or "transparency" in image.info
    return width, height, image.format or "", image.mode, transparent, orientation


def _orientation(image: Any) -> int:
    """The EXIF orientation (1-8); 1 when absent or unreadable."""
    try:
        value = image.getexif().get(0x0112, 1)
    except Exception:  # a broken EXIF block must not make the image unusable
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def read_image_info(path: str, data: bytes) -> ImageRecord:
    """Read dimensions without decoding pixels; a broken image raises ContentError."""
    from PIL import Image, UnidentifiedImageError  # only scans that meet an image pay for it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height, fmt, mode, transparent, orientation = header_of(image)
                return ImageRecord(path, width, height, fmt, transparent, mode, orientation)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise ContentError(path, f"not a readable image: {err}") from None
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as err:
        raise ContentError(path, f"image too large to render safely: {err}") from None
