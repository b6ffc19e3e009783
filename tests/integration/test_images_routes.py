"""The image routes of a real Octavo app: on-demand renders, wiped stores, bad input.

Pages are stood in for by the HTML the image objects produce inside a request
(what a template or Markdown entry would print); the browser is the test client.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from octavo import Octavo
from octavo.web.renditions import images_for
from tests.integration.test_images_s3server import s3_bucket, s3_endpoint  # noqa: F401
from tests.unit.images.synthetic import (
    BLUE,
    GREEN,
    RED,
    YELLOW,
    corners,
    encode,
    near,
    opened,
    quadrants,
    write,
)

QUIET = {"index_enable_watchdog": False, "index_rescan_interval": 0, "secret_key": "s3cret"}


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    content = tmp_path / "content"
    write(content / "blog" / "photo.jpg", quadrants(400, 300), "JPEG", quality=95)
    data = encode(quadrants(800, 600), "JPEG")
    (content / "blog" / "cut.jpg").write_bytes(data[: len(data) // 3])
    (content / "blog" / "notes.txt").write_text("plain notes")
    (content / "blog" / "hello.md").write_text("Title: Hello\nEntry-ID: 1\n\n![](photo.jpg)\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "static").mkdir()
    return tmp_path


def make_app(site: Path, **config: Any) -> Octavo:
    app = Octavo("images_site", {**QUIET, **config}, root_path=str(site))
    return app


@pytest.fixture
def app(site: Path) -> Iterator[Octavo]:
    application = make_app(site)
    yield application
    images_for(application).close()


def page(app: Octavo, path: str, **args: Any) -> str:
    """What a page prints for ``image(path).get_img_tag(**args)`` in the blog category."""
    with app.test_request_context("/blog/"):
        return str(images_for(app).image(path, ["blog"]).get_img_tag(**args))


def urls_in(html: str) -> list[str]:
    found = re.findall(r'(?:src|href)="([^"]+)"', html)
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        found += [part.split()[0] for part in srcset.split(", ")]
    return list(dict.fromkeys(found))


def fetch(client: Any, url: str) -> Any:
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200, (url, response.status_code, response.data[:200])
    return response


def test_page_images_render_on_demand_and_survive_a_wiped_store(app, site):
    html = page(app, "photo.jpg", width=100, gallery_id="g")
    urls = urls_in(html)
    assert len(urls) == 3 and all(u.startswith("/static/_img/") for u in urls)
    client = app.test_client()
    sizes = {opened(fetch(client, url).data).size for url in urls}
    assert sizes == {(100, 75), (200, 150), (400, 300)}
    shutil.rmtree(site / "static" / "_img")
    for url in urls:  # the same old page, after the store was wiped
        image = opened(fetch(client, url).data)
        assert all(
            near(c, e) for c, e in zip(corners(image), (RED, GREEN, BLUE, YELLOW), strict=True)
        )
    again = client.get(urls[0])
    assert again.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_repeat_requests_never_touch_pillow(app, monkeypatch):
    url = urls_in(page(app, "photo.jpg", width=120))[0]
    client = app.test_client()
    fetch(client, url)
    import PIL.Image

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("Pillow opened an image for a stored rendition")

    monkeypatch.setattr(PIL.Image, "open", refuse)
    assert fetch(client, url).data[:2] == b"\xff\xd8"
    name = url.split("/static/_img/")[1]
    response = client.get(f"/_img/{name}")
    assert response.status_code == 302 and response.headers["Location"].endswith(url)


def s3_config(request: pytest.FixtureRequest) -> dict[str, str]:
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = request.getfixturevalue("s3_bucket")
    return {"image_store": "s3", "image_s3_bucket": bucket, "image_s3_endpoint": endpoint}


def test_s3_store_serves_through_the_site_and_survives_a_wipe(site, request):
    app = make_app(site, **s3_config(request))
    urls = urls_in(page(app, "photo.jpg", width=100))
    assert urls and all(u.startswith("/_img/") for u in urls)
    client = app.test_client()
    for url in urls:
        assert fetch(client, url).headers["Content-Type"] == "image/jpeg"
    service = images_for(app)
    assert len(list(service.store.items())) == 2
    for item in list(service.store.items()):
        service.store.delete(item.name)
    assert {opened(fetch(client, url).data).size for url in urls} == {(100, 75), (200, 150)}
    service.close()


def test_s3_store_with_a_public_url_redirects_there(site, request):
    config = s3_config(request)
    public = f"{config['image_s3_endpoint']}/{config['image_s3_bucket']}/_img"
    app = make_app(site, **config, image_store_url=public)
    url = urls_in(page(app, "photo.jpg", width=64))[0]
    assert url.startswith("/_img/")  # a bucket URL could die with the bucket: not linked
    response = app.test_client().get(url)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{public}/{url[len('/_img/') :]}"
    key = "_img/" + response.headers["Location"][len(public) + 1 :]
    stored = images_for(app).store.primary.client.get_object(
        Bucket=config["image_s3_bucket"], Key=key
    )
    assert opened(stored["Body"].read()).size == (64, 48)
    images_for(app).close()


def test_bad_input_gives_4xx_or_error_spans_never_500(app, site):
    client = app.test_client()
    good = urls_in(page(app, "photo.jpg", width=50))[0]
    name = good.split("/static/_img/")[1]
    cut = urls_in(page(app, "cut.jpg", width=50))[0]
    cases = {
        "/_img/" + name.replace("50x38", "5000x3800"): 400,
        "/_img/" + name[:-5] + "0.jpg": 400,
        "/_img/not-a-rendition.jpg": 400,
        "/_img/../../etc/passwd": 400,
        "/static/_img/" + name.replace("50x38", "99999x99999"): 400,
        cut: 422,
        "/_file/0123456789/blog/notes.txt": 404,
        "/_file/x": 404,
    }
    for url, status in cases.items():
        started = time.monotonic()
        response = client.get(url)
        assert response.status_code == status, (url, response.status_code)
        assert time.monotonic() - started < 10  # a hang detector, not a speed test
    assert page(app, "photo.jpg", crop=(500, 500, 10, 10)).startswith('<span class="error">')
    assert "format" in page(app, "photo.jpg", format="svg")
    assert "scale_filter" in page(app, "photo.jpg", scale_filter="magic")
    assert "Image not found" in page(app, "nothing.jpg")
    (site / "content" / "blog" / "photo.jpg").unlink()
    assert client.get("/_img/" + name).status_code == 404


def test_huge_requests_are_bounded(site):
    app = make_app(site, image_max_size=300)
    client = app.test_client()
    fit = urls_in(page(app, "photo.jpg", width=100000, height=100000))
    assert {opened(fetch(client, u).data).size for u in fit} == {(300, 225)}
    stretch = page(
        app,
        "photo.jpg",
        width=100000,
        height=100000,
        resize="stretch",
        scale_min_width=100000,
        scale_min_height=100000,
    )
    assert {opened(fetch(client, u).data).size for u in urls_in(stretch)} == {(300, 300)}
    images_for(app).close()


def test_assets_and_the_chit(app):
    client = app.test_client()
    asset = urls_in(page(app, "notes.txt"))[0]
    assert asset.startswith("/_file/") and fetch(client, asset).data == b"plain notes"
    with app.test_request_context("/"):
        service = images_for(app)
        image_name = service.assets.name("blog/photo.jpg")
        entry_name = service.assets.name("blog/hello.md")
    assert client.get(f"/_file/{image_name}").status_code == 403
    assert client.get(f"/_file/{entry_name}").status_code == 404
    chit = client.get("/_")
    assert chit.headers["Content-Type"] == "image/gif" and opened(chit.data).size == (1, 1)
    assert client.get("/_", headers={"If-None-Match": '"chit"'}).status_code == 304
    sized = page(app, "@logo.png", width=20, height=10)
    assert sized.startswith('<img src="/_" width="20" height="10"')
