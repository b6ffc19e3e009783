"""What the index keeps about an image file: its size and format, read from its header."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from octavo.content.problems import ContentError


@dataclass(frozen=True)
class ImageRecord:
    path: str
    width: int
    height: int
    format: str
    transparent: bool


def read_image_info(path: str, data: bytes) -> ImageRecord:
    """Read dimensions without decoding pixels; a broken image raises ContentError."""
    from PIL import Image, UnidentifiedImageError  # only scans that meet an image pay for it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
                return ImageRecord(path, image.width, image.height, image.format or "", transparent)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise ContentError(path, f"not a readable image: {err}") from None
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as err:
        raise ContentError(path, f"image too large to render safely: {err}") from None
