"""Rendition names: content-addressed, self-describing and signed.

A name is the store key and the tail of every rendition URL::

    3f/9a0c/1d…e2_800x533_c0-0-3000-2000_fbox_bff0000_p64_q80_4be1…9a.jpg
    └── source content hash ──┘ └ size ┘ └ crop box ┘ └ filter, background,
                                          palette, quality/lossless ┘ └ signature ┘

It carries the whole plan, so any instance can render a missing rendition from
the name alone (the index maps the hash back to a file), and its HMAC
signature (the site's secret key) means only plans the site itself issued are
ever rendered. The same source bytes and the same plan always give the same
name, on every machine, whatever the file is called or wherever it moves.
"""

from __future__ import annotations

import re

from octavo.images.args import FILTERS
from octavo.images.plan import RenditionPlan
from octavo.images.signing import Signer

_NAME = re.compile(
    r"^(?P<d1>[0-9a-f]{2})/(?P<d2>[0-9a-f]{4})/(?P<d3>[0-9a-f]{26})"
    r"_(?P<w>[1-9]\d{0,5})x(?P<h>[1-9]\d{0,5})"
    r"_c(?P<x1>\d{1,6})-(?P<y1>\d{1,6})-(?P<x2>\d{1,6})-(?P<y2>\d{1,6})"
    r"(?:_f(?P<filter>[a-z]+))?"
    r"(?:_b(?P<bg>[0-9a-f]{6}))?"
    r"(?:_p(?P<quantize>\d{1,3}))?"
    r"(?:_q(?P<quality>\d{1,3})|(?P<lossless>_l))?"
    r"_(?P<sig>[0-9a-f]{16})\.(?P<ext>jpg|png|gif|webp)$"
)


class BadName(ValueError):
    """Not a rendition name this site could have issued."""


class BadSignature(BadName):
    """A well-formed name whose signature does not match (tampered, or another key)."""


class Namer:
    """Names plans and reads names back, signing with the site's secret key."""

    def __init__(self, secret_key: str) -> None:
        self._signer = Signer(secret_key, "rendition")

    def name(self, plan: RenditionPlan) -> str:
        unsigned = _unsigned(plan)
        return f"{unsigned}_{self._signer.sign(unsigned)}.{plan.ext}"

    def parse(self, name: str) -> RenditionPlan:
        """The plan a name describes; raises BadName or BadSignature."""
        match = _NAME.match(name)
        if match is None:
            raise BadName(f"not a rendition name: {name!r}")
        plan = _plan_from(match)
        unsigned = _unsigned(plan)
        if f"{unsigned}_{match['sig']}.{plan.ext}" != name:
            raise BadName(f"not a canonical rendition name: {name!r}")
        if not self._signer.valid(unsigned, match["sig"]):
            raise BadSignature(f"bad signature on {name!r}")
        return plan


def digest_of(name: str) -> str | None:
    """The source content hash a name starts with, without checking anything else."""
    match = _NAME.match(name)
    return match["d1"] + match["d2"] + match["d3"] if match else None


def _unsigned(plan: RenditionPlan) -> str:
    d = plan.digest
    parts = [
        f"{d[:2]}/{d[2:6]}/{d[6:]}",
        "{}x{}".format(*plan.size),
        "c{}-{}-{}-{}".format(*plan.box),
    ]
    if plan.scale_filter != "lanczos":
        parts.append(f"f{plan.scale_filter}")
    if plan.background is not None:
        parts.append("b{:02x}{:02x}{:02x}".format(*plan.background))
    if plan.quantize is not None:
        parts.append(f"p{plan.quantize}")
    if plan.lossless:
        parts.append("l")
    elif plan.quality is not None:
        parts.append(f"q{plan.quality}")
    return "_".join(parts)


def _plan_from(match: re.Match[str]) -> RenditionPlan:
    box = (int(match["x1"]), int(match["y1"]), int(match["x2"]), int(match["y2"]))
    if match["filter"] is not None and match["filter"] not in FILTERS:
        raise BadName(f"unknown filter {match['filter']!r}")
    bg = match["bg"]
    return RenditionPlan(
        digest=match["d1"] + match["d2"] + match["d3"],
        box=box,
        size=(int(match["w"]), int(match["h"])),
        ext=match["ext"],
        scale_filter=match["filter"] or "lanczos",
        background=(int(bg[0:2], 16), int(bg[2:4], 16), int(bg[4:6], 16)) if bg else None,
        quantize=int(match["quantize"]) if match["quantize"] else None,
        quality=int(match["quality"]) if match["quality"] else None,
        lossless=match["lossless"] is not None,
    )
