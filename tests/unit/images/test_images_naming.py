"""Rendition names: content-addressed, self-describing, signed."""

from __future__ import annotations

import pytest

from octavo.images.assets import AssetNames
from octavo.images.naming import BadName, BadSignature, Namer, digest_of
from octavo.images.plan import RenditionPlan

DIGEST = "0123456789abcdef0123456789abcdef"


def plan(**changes: object) -> RenditionPlan:
    base = {"digest": DIGEST, "box": (0, 0, 400, 300), "size": (200, 150), "ext": "jpg"}
    return RenditionPlan(**{**base, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "p",
    [
        plan(),
        plan(ext="webp", lossless=True, quantize=16),
        plan(ext="png", background=(1, 2, 255), scale_filter="nearest"),
        plan(box=(10, 20, 30, 40), size=(20, 20), quality=55),
    ],
)
def test_names_round_trip(p):
    namer = Namer("secret")
    name = namer.name(p)
    assert name.startswith("01/2345/6789abcdef0123456789abcdef_")
    assert namer.parse(name) == p
    assert digest_of(name) == DIGEST


def test_name_depends_on_plan_and_secret_only():
    assert Namer("a").name(plan()) == Namer("a").name(plan())
    assert Namer("a").name(plan()) != Namer("b").name(plan())
    assert Namer("a").name(plan()) != Namer("a").name(plan(size=(201, 150)))


def test_tampering_is_detected():
    namer = Namer("secret")
    name = namer.name(plan())
    with pytest.raises(BadSignature):
        namer.parse(name.replace("200x150", "4000x3000"))
    with pytest.raises(BadSignature):
        Namer("other").parse(name)
    for bad in (
        "",
        "../../etc/passwd",
        name + "x",
        name.replace(".jpg", ".exe"),
        name.replace("200x150", "0200x150"),
        name.replace("_c0-", "_c00-"),
    ):
        with pytest.raises(BadName):
            namer.parse(bad)


def test_rendition_and_asset_names_are_pinned():
    """Every deployed page links these names: a change of formula must fail here.

    The source is examples/blog/content/blog/travel/river-dawn.jpg (1200x800):
    ``b2sum -l 128`` gives its digest, 640x427 is 1200x800 fitted in 640x480, and the
    signature is computed without Octavo::

        key=$(printf '%s\\0%s' octavo-rendition pinned-secret | sha256sum | cut -d' ' -f1)
        printf '%s' fd/82d8/91dc347c85240b15d4607dc750_640x427_c0-0-1200-800 \\
            | openssl dgst -sha256 -mac HMAC -macopt hexkey:$key   # first 16 hex digits

    (asset names: purpose ``octavo-asset``, first 10 hex digits of the path's HMAC).
    """
    photo = RenditionPlan("fd82d891dc347c85240b15d4607dc750", (0, 0, 1200, 800), (640, 427), "jpg")
    assert Namer("pinned-secret").name(photo) == (
        "fd/82d8/91dc347c85240b15d4607dc750_640x427_c0-0-1200-800_bb2f37efebfd6d48.jpg"
    )
    assert AssetNames("pinned-secret").name("blog/notes.pdf") == "89952498a9/blog/notes.pdf"
