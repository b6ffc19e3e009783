"""Every rendition argument (Publ §6.2) rendered through each store, local and S3.

Each test asks for a rendition the way a page does (the URL of an image
object), then renders it from the name in that URL alone, reads the stored
bytes back and checks the pixel size and which part of the source it shows.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from octavo.images.naming import BadSignature
from octavo.images.pipeline import RenderError, render
from octavo.images.service import ImageService, SourceGone
from octavo.images.stores.s3 import S3Store
from tests.integration.test_images_s3server import s3_bucket, s3_endpoint  # noqa: F401
from tests.unit.images.conftest import make_service
from tests.unit.images.synthetic import (
    BLUE,
    GREEN,
    RED,
    WHITE,
    YELLOW,
    corners,
    near,
    opened,
    quadrants,
    stripes,
    transparent_square,
    write,
)

QUADRANTS = (RED, GREEN, BLUE, YELLOW)


@pytest.fixture(params=["local", "s3"])
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ImageService]:
    content = tmp_path / "content"
    write(content / "q.png", quadrants(400, 300), "PNG")
    write(content / "q.jpg", quadrants(400, 300), "JPEG", quality=95)
    write(content / "t.png", transparent_square(100), "PNG")
    write(content / "wide.png", stripes(400, 100, RED, BLUE), "PNG")
    if request.param == "s3":
        endpoint = request.getfixturevalue("s3_endpoint")
        bucket = request.getfixturevalue("s3_bucket")
        svc = make_service(
            tmp_path,
            image_store="s3",
            image_s3_bucket=bucket,
            image_s3_endpoint=endpoint,
            image_s3_prefix="renditions/",
        )
    else:
        svc = make_service(tmp_path, image_link_direct=False)
    yield svc
    svc.close()


def name_of(url: str) -> str:
    assert url.startswith("/_img/"), url
    return url[len("/_img/") :]


def rendition(service: ImageService, path: str, output_scale: int = 1, **args: Any):
    """Render what a page would link for image `path` with `args`; return the image."""
    url, size = service.image(path, [""]).get_rendition(output_scale, **args)
    name = name_of(url)
    service.fetch(name)
    data = service.store.read(name)
    assert data is not None
    image = opened(data)
    assert image.size == size
    return image


def assert_shows(image, expected, tolerance: int = 40) -> None:
    found = corners(image)
    assert all(near(c, e, tolerance) for c, e in zip(found, expected, strict=True)), found


def test_width_and_height(service):
    assert rendition(service, "q.png", width=200).size == (200, 150)
    assert rendition(service, "q.png", height=30).size == (40, 30)
    image = rendition(service, "q.png", width=100, height=100)
    assert image.size == (100, 75)
    assert_shows(image, QUADRANTS)


def test_max_width_and_max_height(service):
    assert rendition(service, "q.png", max_width=80).size == (80, 60)
    assert rendition(service, "q.png", width=300, max_height=60).size == (80, 60)


def test_scale_and_scale_min_sizes(service):
    assert rendition(service, "q.png", scale=4).size == (100, 75)
    assert rendition(service, "q.png", scale=4, scale_min_width=200).size == (200, 150)
    assert rendition(service, "q.png", scale=4, scale_min_height=150).size == (200, 150)


def test_resize_fill_with_crop_anchors(service):
    centre = rendition(service, "q.png", width=100, height=100, resize="fill")
    assert centre.size == (100, 100)
    assert_shows(centre, QUADRANTS)
    left = rendition(service, "wide.png", width=50, height=50, resize="fill", fill_crop_x=0)
    right = rendition(service, "wide.png", width=50, height=50, resize="fill", fill_crop_x=1)
    assert left.size == right.size == (50, 50)
    assert_shows(left, (RED, RED, RED, RED))
    assert_shows(right, (BLUE, BLUE, BLUE, BLUE))
    top = rendition(service, "q.png", width=400, height=100, resize="fill", fill_crop_y=0)
    assert top.size == (400, 100)
    assert_shows(top, (RED, GREEN, RED, GREEN))


def test_resize_stretch_distorts(service):
    image = rendition(service, "q.png", width=100, height=200, resize="stretch")
    assert image.size == (100, 200)
    assert_shows(image, QUADRANTS)
    assert rendition(service, "q.png", max_height=50, resize="stretch").size == (400, 50)


def test_crop_tuple_and_string(service):
    bottom_right = rendition(service, "q.png", crop=(200, 150, 200, 150))
    assert bottom_right.size == (200, 150)
    assert_shows(bottom_right, (YELLOW,) * 4)
    top_half = rendition(service, "q.png", crop="0,0,400,150", width=200)
    assert top_half.size == (200, 75)
    assert_shows(top_half, (RED, GREEN, RED, GREEN))


def test_scale_filter(service):
    nearest = rendition(service, "q.png", width=201, scale_filter="nearest")
    smooth = rendition(service, "q.png", width=201)
    assert nearest.size == smooth.size == (201, 151)
    colours = {nearest.convert("RGB").getpixel((x, 10)) for x in range(nearest.width)}
    assert colours <= {RED, GREEN}  # nearest neighbour invents no in-between colours
    blended = {smooth.convert("RGB").getpixel((x, 10)) for x in range(smooth.width)}
    assert blended - {RED, GREEN}


@pytest.mark.parametrize(
    ("fmt", "pil_format"), [("jpg", "JPEG"), ("png", "PNG"), ("gif", "GIF"), ("webp", "WEBP")]
)
def test_format(service, fmt, pil_format):
    image = rendition(service, "q.jpg", width=100, format=fmt)
    assert image.format == pil_format and image.size == (100, 75)
    assert_shows(image, QUADRANTS)


def test_background_flattens_transparency(service):
    red_on_green = rendition(service, "t.png", background=(0, 255, 0))
    assert red_on_green.mode == "RGB" and red_on_green.size == (100, 100)
    assert near(red_on_green.getpixel((2, 2)), GREEN)
    assert near(red_on_green.getpixel((50, 50)), RED)
    jpeg = rendition(service, "t.png", width=50, format="jpg")
    assert near(jpeg.getpixel((1, 1)), WHITE) and near(jpeg.getpixel((25, 25)), RED)


def test_quality_changes_jpeg_and_webp_bytes(service):
    def size_of(**args: Any) -> int:
        url, _ = service.image("q.jpg", [""]).get_rendition(1, **args)
        service.fetch(name_of(url))
        return len(service.store.read(name_of(url)) or b"")

    assert size_of(width=300, quality=10) < size_of(width=300, quality=95)
    assert size_of(width=300, format="webp", quality=5) < size_of(width=300, format="webp")


def test_quantize(service):
    image = rendition(service, "q.png", width=100, quantize=4, scale_filter="nearest")
    assert image.mode == "P" and len(image.getcolors() or []) <= 4
    assert_shows(image, QUADRANTS, tolerance=60)


def test_lossless_webp_keeps_exact_pixels(service):
    image = rendition(service, "q.png", format="webp", lossless=True)
    assert image.format == "WEBP" and image.size == (400, 300)
    assert corners(image) == QUADRANTS


def test_hidpi_pair(service):
    one = rendition(service, "q.png", width=100)
    two = rendition(service, "q.png", 2, width=100)
    assert (one.size, two.size) == ((100, 75), (200, 150))


def test_quality_ldpi_and_hdpi_pick_different_renditions(service):
    attrs = service.image("q.jpg", [""]).get_img_attrs(
        {"width": 100, "quality_ldpi": 20, "quality_hdpi": 30}
    )
    assert "_q20_" in attrs["src"] and "_q30_" in attrs["srcset"].split(", ")[1]


def test_tampered_and_unknown_names(service, tmp_path):
    url, _ = service.image("q.png", [""]).get_rendition(1, width=10)
    with pytest.raises(BadSignature):
        service.fetch(name_of(url).replace("10x8", "4000x3000"))
    (tmp_path / "content" / "q.png").unlink()
    with pytest.raises(SourceGone):
        service.fetch(name_of(url))


def test_moved_source_renders_by_content_hash(service, tmp_path):
    url, _ = service.image("q.png", [""]).get_rendition(1, width=40)
    (tmp_path / "content" / "q.png").rename(tmp_path / "content" / "moved.png")
    service.catalog.describe("moved.png")  # what the index would record
    assert service.image("moved.png", [""]).get_rendition(1, width=40)[0] == url
    service.fetch(name_of(url))
    assert service.store.exists(name_of(url))


def test_wiped_store_renders_again(service):
    image = service.image("q.png", [""])
    names = [name_of(image.get_rendition(scale, width=50)[0]) for scale in (1, 2)]
    for name in names:
        service.fetch(name)
    for item in list(service.store.items()):
        service.store.delete(item.name)
    assert not any(service.store.exists(name) for name in names)
    for name in names:
        service.fetch(name)
        assert service.store.exists(name)


def test_concurrent_requests_render_once(service):
    calls: list[str] = []

    def counting(source, plan, limit, tolerance):
        calls.append(source.relpath)
        return render(source, plan, limit, tolerance)

    service.renderer.render_fn = counting
    name = name_of(service.image("q.jpg", [""]).get_rendition(1, width=123)[0])
    threads = [threading.Thread(target=service.fetch, args=(name,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == ["q.jpg"] and service.store.exists(name)


def test_truncated_source_is_a_render_error(service, tmp_path):
    data = (tmp_path / "content" / "q.jpg").read_bytes()
    (tmp_path / "content" / "cut.jpg").write_bytes(data[: len(data) // 4])
    url, _ = service.image("cut.jpg", [""]).get_rendition(1, width=50)
    with pytest.raises(RenderError):
        service.fetch(name_of(url))
    assert not service.store.exists(name_of(url))


def test_s3_objects_carry_type_and_immutable_caching(service):
    if not isinstance(service.store.primary, S3Store):
        assert service.store.file_path("x/y.jpg") is not None
        return
    name = name_of(service.image("q.png", [""]).get_rendition(1, width=20)[0])
    service.fetch(name)
    head = service.store.primary.client.head_object(
        Bucket=service.store.primary.bucket, Key=service.store.primary.prefix + name
    )
    assert head["ContentType"] == "image/png" and "immutable" in head["CacheControl"]
