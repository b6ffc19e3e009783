"""Rendition-argument fuzzer (issue 9): random argument sets through ``image()`` as
templates call it, through Publ's Markdown image syntax, and through the rendition
routes. Whatever the arguments:

* ``image(...)(**args)`` gives a rendition URL or raises ImageArgError/ImageNotFound
  (a message naming the argument), never another exception; tag and CSS helpers
  never raise (they print an error span or comment);
* Markdown never raises: a bad argument becomes an error span;
* every rendition a page names is within the configured size cap, and fetching it
  answers the image at that size or a 4xx, never a 5xx;
* the process's peak memory stays bounded (renditions are capped, so is their cost).

Sources are small generated images of each kind the pipeline treats differently
(EXIF-rotated JPEG, PNG with alpha, paletted GIF, WebP, 1x1, very thin).
"""

from __future__ import annotations

import io
import re
import resource
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from PIL import Image

from octavo import Octavo
from octavo.common.protocols import ImageArgError, ImageNotFound
from octavo.images.args import RENDITION_ARGS
from octavo.images.naming import BadName
from octavo.web import markup_bridge
from octavo.web.renditions import images_for
from tests.web.conftest import make_app
from tests.web.fuzzing import fuzz_settings, seed_note

MAX_SIZE = 600  # the site's image_max_size: no rendition side may exceed it
MEMORY_GROWTH_LIMIT_MB = 300
SOURCES = ["photo.jpg", "alpha.png", "palette.gif", "small.webp", "dot.png", "thin.png"]
NAME = re.compile(r"/_img/([0-9a-f]{2}/[0-9a-f]{4}/[^\"' ,)]+)")


def _write_sources(folder: Path) -> None:
    folder.mkdir(parents=True)
    photo = Image.linear_gradient("L").resize((400, 300)).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: the pipeline must turn it upright
    photo.save(folder / "photo.jpg", exif=exif.tobytes())
    Image.new("RGBA", (120, 90), (255, 0, 0, 128)).save(folder / "alpha.png")
    Image.new("RGB", (64, 48), "blue").convert("P").save(folder / "palette.gif")
    Image.new("RGB", (80, 60), "green").save(folder / "small.webp")
    Image.new("RGB", (1, 1), "white").save(folder / "dot.png")
    Image.new("RGB", (500, 2), "black").save(folder / "thin.png")


@pytest.fixture(scope="module")
def image_site(tmp_path_factory: pytest.TempPathFactory) -> Octavo:
    root = tmp_path_factory.mktemp("fuzz-images") / "site"
    _write_sources(root / "content" / "pics")
    (root / "content" / "pics" / "entry.md").write_text("Title: Pics\n\nx\n", encoding="utf-8")
    (root / "templates").mkdir()
    (root / "templates" / "index.html").write_text("{{ category }}", encoding="utf-8")
    (root / "static").mkdir()
    return make_app(root, "images", image_max_size=MAX_SIZE, image_render_threads=1)


# --- what an author can write -----------------------------------------------------------

PRESENTATION = [
    "link", "link_class", "class", "img_class", "id", "style", "img_style", "gallery_id",
    "shape", "absolute", "quality_ldpi", "quality_hdpi", "fullsize_width", "fullsize_height",
    "fullsize_crop", "image_loading", "xhtml", "count", "div_class", "limit",
]  # fmt: skip
KEYS = sorted(RENDITION_ARGS) + PRESENTATION
WORDS = [
    "fit", "fill", "stretch", "jpg", "jpeg", "png", "gif", "webp", "bmp", "red", "#fff",
    "#12345678", "rgb(1,2,3)", "lanczos", "nearest", "bogus", "0,0,10,10", "1,2", "",
    "photo.jpg", "@style.css", "http://x/y.png", "nope.png", "1e400", " 12 ",
]  # fmt: skip

EXTREMES = [0, 1, 2, 0.5, -0.0, 5e-324, 1e-308, 1e-300, 1e300, 1e308, 1.7976931348623157e308, 2**63]
numbers = st.one_of(st.integers(1, 3000), st.integers(), st.floats(), st.sampled_from(EXTREMES))
scalars = st.one_of(
    st.none(), st.booleans(), numbers, numbers.map(str), st.sampled_from(WORDS), st.text(max_size=8)
)
values = scalars | st.lists(scalars, max_size=5) | st.tuples(numbers, numbers, numbers, numbers)
#: Values each argument takes in real use, so that most examples get past validation.
PLAUSIBLE = {
    "resize": st.sampled_from(["fit", "fill", "stretch"]),
    "format": st.sampled_from(["jpg", "png", "gif", "webp"]),
    "scale_filter": st.sampled_from(["nearest", "box", "bilinear", "hamming", "lanczos"]),
    "background": st.sampled_from(["red", "#fff", (1, 2, 3), None]),
    "quality": st.integers(1, 100),
    "quantize": st.integers(1, 256),
    "lossless": st.booleans(),
    "fill_crop_x": st.floats(0, 1),
    "fill_crop_y": st.floats(0, 1),
    "crop": st.tuples(*[st.integers(0, 500)] * 4),
    "scale": st.sampled_from([0.5, 1, 2, 3, 1e-308, 1e308]),
    "link": st.sampled_from(
        [True, False, "photo.jpg", "http://x/", "@a.css", "1", "²", str(2**63), 2**64]
    ),
    "shape": st.sampled_from([True, "alpha.png", "nope.png"]),
    "absolute": st.booleans(),
    "gallery_id": st.sampled_from(["g", ""]),
    "quality_ldpi": st.integers(1, 100),
    "quality_hdpi": st.integers(1, 100),
    "count": st.integers(0, 5),
    "fullsize_crop": st.tuples(*[st.integers(0, 500)] * 4),
}
sizes = st.integers(1, 3000) | st.sampled_from(EXTREMES)


@st.composite
def arg_sets(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(KEYS), max_size=6, unique=True))
    junk = draw(st.integers(0, 9)) == 0  # one set in ten may hold any value at all
    return {
        key: draw(
            values
            if junk
            else PLAUSIBLE.get(
                key, sizes if "width" in key or "height" in key or key in RENDITION_ARGS else values
            )
        )
        for key in keys
    }


def literal(value: Any) -> str:
    """A value as Publ's argument syntax writes it (repr of a Python literal)."""
    return repr(tuple(value)) if isinstance(value, list) else repr(value)


@st.composite
def markdown_images(draw: st.DrawFn) -> str:
    """``![alt{container args}](path{args} "title" | path{args} ...)``."""
    images = []
    for _ in range(draw(st.integers(1, 3))):
        args = draw(arg_sets())
        spec = ", ".join(f"{k}={literal(v)}" for k, v in args.items())
        if draw(st.integers(0, 9)) == 0:  # arguments that are not literals at all
            spec = draw(st.text(max_size=30))
        path = draw(st.sampled_from([*SOURCES, "nope.png", "@x.css"]))
        title = draw(st.sampled_from(["", ' "t"', " 'a \" b'"]))
        images.append(f"{path}{{{spec}}}{title}")
    container = draw(arg_sets())
    outer = ", ".join(f"{k}={literal(v)}" for k, v in container.items())
    return f"![alt{{{outer}}}]({' | '.join(images)})"


# --- checks -----------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _check_names(app: Octavo, text: str, where: str) -> list[str]:
    """Every rendition named in `text` is one this site issued, within the size cap."""
    names = NAME.findall(text)
    for name in names:
        plan = images_for(app).namer.parse(name)
        assert max(plan.size) <= MAX_SIZE, f"{name} is over the {MAX_SIZE}px cap: {where}"
        x1, y1, x2, y2 = plan.box
        assert 0 <= x1 < x2 and 0 <= y1 < y2, f"{name} has an empty box: {where}"
    return names


def _fetch(app: Octavo, name: str, where: str) -> None:
    """Both rendition routes answer the image at its planned size, or a 4xx."""
    expected = images_for(app).namer.parse(name).size
    client = app.test_client()
    for url in (f"/_img/{name}", f"/static/_img/{name}"):
        response = client.get(url, follow_redirects=True)
        assert response.status_code < 500, f"{url}: {response.status_code}: {where}"
        event(f"fetch: {response.status_code}")
        if response.status_code == 200:
            with Image.open(io.BytesIO(response.get_data())) as image:
                assert image.size == expected, f"{url}: {image.size} != {expected}: {where}"


@fuzz_settings(examples=60)
@given(
    args=arg_sets(),
    path=st.sampled_from([*SOURCES, "nope.png", "@x.css", "http://example.com/a.png"]),
    scale=st.sampled_from([1, 2]),
)
def test_image_in_templates(image_site: Octavo, args: dict[str, Any], path: str, scale: int):
    baseline = _peak_rss_mb()
    where = f"image({path!r})({args!r}): {seed_note()}"
    with image_site.test_request_context("/"):
        image = images_for(image_site).image(path, ("pics",))
        try:
            url, size = image.get_rendition(scale, **args)
        except (ImageArgError, ImageNotFound) as err:
            assert str(err), where  # the message names what is wrong
            url, size = "", None
            event(f"template: {type(err).__name__}")
        assert size is None or max(size) <= MAX_SIZE, where
        html = str(image.get_img_tag(title="t", alt_text="a", **args))
        css = str(image.get_css_background(**args))
        names = _check_names(image_site, f"{url} {html} {css}", where)
    event(f"template: {min(len(names), 3)} renditions named")
    for name in dict.fromkeys(names):
        _fetch(image_site, name, where)
    growth = _peak_rss_mb() - baseline
    assert growth < MEMORY_GROWTH_LIMIT_MB, f"peak memory grew {growth:.0f} MB: {where}"


@fuzz_settings(examples=60)
@given(text=markdown_images())
def test_image_arguments_in_markdown(image_site: Octavo, text: str):
    baseline = _peak_rss_mb()
    where = f"{text!r}: {seed_note()}"
    with image_site.test_request_context("/"):
        rendered = markup_bridge.text_markup(text, ("pics",), "/pics/", "http://x/pics/")
        html = str(rendered.body())
        names = _check_names(image_site, html, where)
    event(f"markdown: {min(len(names), 3)} renditions named")
    event("markdown: error span" if 'class="error"' in html else "markdown: no error")
    for name in dict.fromkeys(names):
        _fetch(image_site, name, where)
    growth = _peak_rss_mb() - baseline
    assert growth < MEMORY_GROWTH_LIMIT_MB, f"peak memory grew {growth:.0f} MB: {where}"


@fuzz_settings(examples=60)
@given(
    source=st.sampled_from(SOURCES),
    changes=st.lists(st.tuples(st.integers(0, 200), st.characters(max_codepoint=0x7F)), max_size=3),
)
def test_tampered_rendition_names_are_refused(image_site: Octavo, source: str, changes: list):
    """A name the site did not issue (any character changed) ends in a 4xx (perhaps after
    the router's redirect for a doubled slash), never in a rendition."""
    with image_site.test_request_context("/"):
        url, _ = images_for(image_site).image(source, ("pics",)).get_rendition(1, width=50)
    name = url.split("/_img/", 1)[1]
    tampered = list(name)
    for position, char in changes:
        tampered[position % len(tampered)] = char
    bad = "".join(tampered)
    if bad == name:
        return
    try:
        images_for(image_site).namer.parse(bad)
        issued = True
    except BadName:
        issued = False
    for route in ("/_img/", "/static/_img/"):
        response = image_site.test_client().get(route + bad, follow_redirects=True)
        assert response.status_code < 500, f"{route}{bad!r}: {seed_note()}"
        if not issued:
            assert response.status_code >= 400, f"{route}{bad!r}: {seed_note()}"
