"""A rendition plan: everything that decides a rendition's bytes, and nothing else.

Two argument sets that produce the same pixels produce the same plan, and so
the same name and the same stored file (e.g. ``width=800`` and
``width=800, height=5000`` on a 3000x2000 photo).
"""

from __future__ import annotations

from dataclasses import dataclass

from octavo.images.args import RenditionArgs
from octavo.images.geometry import Box, plan_geometry
from octavo.images.sources import Source

#: Formats that keep an alpha channel, hold a palette, or take a quality setting.
ALPHA_FORMATS = frozenset({"png", "gif", "webp"})
PALETTE_FORMATS = frozenset({"png", "gif", "webp"})
QUALITY_FORMATS = frozenset({"jpg", "webp"})


@dataclass(frozen=True)
class RenditionPlan:
    digest: str
    box: Box
    size: tuple[int, int]
    ext: str
    scale_filter: str = "lanczos"
    background: tuple[int, int, int] | None = None
    quantize: int | None = None
    quality: int | None = None
    lossless: bool = False

    @property
    def resizes(self) -> bool:
        return (self.box[2] - self.box[0], self.box[3] - self.box[1]) != self.size


def make_plan(
    source: Source, args: RenditionArgs, output_scale: int, max_size: int
) -> RenditionPlan:
    """The plan for `args` at `output_scale`; raises ImageArgError for impossible ones."""
    geometry = plan_geometry((source.width, source.height), args, output_scale, max_size)
    box, size = geometry.box, geometry.size
    resizes = (box[2] - box[0], box[3] - box[1]) != size
    ext = args.format or source.extension
    return RenditionPlan(
        digest=source.digest,
        box=box,
        size=size,
        ext=ext,
        scale_filter=args.scale_filter if resizes else "lanczos",
        background=args.background,
        quantize=args.quantize if ext in PALETTE_FORMATS else None,
        quality=args.quality if ext in QUALITY_FORMATS and not args.lossless else None,
        lossless=args.lossless and ext == "webp",
    )
