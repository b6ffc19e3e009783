"""Where pages link renditions, and that every such link survives the store losing objects.

The README offers four set-ups; for each, the image URLs of a page kept from
before the loss must still answer with the image:

* local store: pages link the static URL, whose route renders a missing file
  (tests/integration/test_images_routes.py), also when the disk refuses writes;
* S3: pages link ``/_img/`` (test_images_faults.py);
* S3 with ``image_store_url``: pages link ``/_img/``, which redirects to the
  public URL only after the bucket answered that it holds the object;
* S3 with ``image_link_direct``: pages link the public URL, which must send its
  misses back to ``/_img/`` (a CDN with the site as origin, or a bucket website
  redirect rule, stood in for here by a small HTTP server doing just that);
  pointing it at the bucket's S3 API is refused at start-up.
"""

from __future__ import annotations

import http.server
import re
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from octavo import Octavo
from octavo.web.app import StartupError
from octavo.web.renditions import images_for
from tests.integration.s3servers import client
from tests.integration.test_images_faults import QUIET, cached_page, image_urls, make_site
from tests.integration.test_images_s3server import s3_bucket, s3_endpoint  # noqa: F401
from tests.unit.images.synthetic import opened


class Website:
    """A bucket website endpoint with a 404 redirect rule, as the docs describe it: an
    object is served from the bucket, a missing one is redirected (302) to the site."""

    def __init__(self, endpoint: str, bucket: str, prefix: str) -> None:
        self.site = ""
        s3 = client(endpoint)
        website = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                name = self.path.lstrip("/")
                try:
                    stored = s3.get_object(Bucket=bucket, Key=prefix + name)
                except s3.exceptions.NoSuchKey:
                    self.send_response(302)
                    self.send_header("Location", f"{website.site}/_img/{name}")
                    self.end_headers()
                    return
                body = stored["Body"].read()
                self.send_response(200)
                self.send_header("Content-Type", stored["ContentType"])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def served(app: Octavo) -> tuple[str, Any]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers["Content-Type"], response.read()


@pytest.fixture
def website(s3_endpoint, s3_bucket) -> Iterator[Website]:  # noqa: F811
    site = Website(s3_endpoint, s3_bucket, "_img/")
    yield site
    site.close()


def test_direct_links_to_a_website_that_sends_misses_back(
    tmp_path,
    s3_endpoint,  # noqa: F811
    s3_bucket,  # noqa: F811
    website,
):
    config = {
        **QUIET,
        "image_store": "s3",
        "image_s3_bucket": s3_bucket,
        "image_s3_endpoint": s3_endpoint,
        "image_store_url": website.url,
        "image_link_direct": True,
    }
    app = Octavo("links_site", config, root_path=str(make_site(tmp_path)))
    base, server = served(app)
    website.site = base
    try:
        status, _, html = get(base + "/blog/7")
        urls = re.findall(r'src="([^"]+)"', html.decode())
        assert urls and all(url.startswith(website.url + "/") for url in urls)
        for url in urls:  # first visit: every object is missing, so each comes back to /_img/
            status, content_type, body = get(url)
            assert status == 200 and content_type.startswith("image/") and opened(body)
        names = [url[len(website.url) + 1 :] for url in urls]
        s3 = client(s3_endpoint)
        assert {s3.head_object(Bucket=s3_bucket, Key="_img/" + n)["ContentLength"] for n in names}
        for name in names:  # the bucket is emptied under the page
            s3.delete_object(Bucket=s3_bucket, Key="_img/" + name)
        for url in urls:
            status, content_type, body = get(url)
            assert status == 200 and opened(body)
        # /_img/ is where misses come back: it answers with the bytes, never a redirect
        response = app.test_client().get("/_img/" + names[0])
        assert response.status_code == 200 and response.headers["Content-Type"] == "image/jpeg"
    finally:
        server.shutdown()
        images_for(app).close()


def test_redirects_to_the_public_url_only_once_the_object_is_there(
    tmp_path,
    s3_endpoint,  # noqa: F811
    s3_bucket,  # noqa: F811
):
    public = f"{s3_endpoint}/{s3_bucket}/_img"
    config = {
        **QUIET,
        "image_store": "s3",
        "image_s3_bucket": s3_bucket,
        "image_s3_endpoint": s3_endpoint,
        "image_store_url": public,
        "image_s3_acl": "public-read",  # the bucket's own URL: anonymous readers need it
    }
    app = Octavo("links_site", config, root_path=str(make_site(tmp_path)))
    urls = image_urls(cached_page(app))
    test_client = app.test_client()
    for url in urls:
        response = test_client.get(url)
        assert response.status_code == 302 and response.headers["Cache-Control"] == "no-cache"
        assert get(response.headers["Location"])[0] == 200  # the object is there
    s3 = client(s3_endpoint)
    for item in s3.list_objects_v2(Bucket=s3_bucket)["Contents"]:
        s3.delete_object(Bucket=s3_bucket, Key=item["Key"])
    for url in urls:  # after the wipe: rendered again before the redirect
        location = test_client.get(url).headers["Location"]
        assert get(location)[0] == 200
    images_for(app).close()


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"image_link_direct": True}, ["image_link_direct", "image_store_url"]),
        (
            {"image_link_direct": True, "image_store_url": "{endpoint}/bucket/_img"},
            ["image_link_direct", "image_store_url", "S3 API"],
        ),
        (
            {
                "image_link_direct": True,
                "image_store_url": "https://my-bucket.s3.eu-west-3.amazonaws.com/_img",
            },
            ["image_link_direct", "image_store_url", "S3 API"],
        ),
        ({"image_store_timeout": 0}, ["image_store_timeout"]),
    ],
)
def test_configurations_that_could_leave_dead_images_are_refused(tmp_path, extra, named):
    endpoint = "http://127.0.0.1:9"
    values = {k: v.format(endpoint=endpoint) if isinstance(v, str) else v for k, v in extra.items()}
    config = {
        **QUIET,
        "image_store": "s3",
        "image_s3_bucket": "bucket",
        "image_s3_endpoint": endpoint,
        **values,
    }
    with pytest.raises(StartupError) as refused:
        Octavo("links_site", config, root_path=str(make_site(tmp_path)))
    assert all(word in refused.value.message for word in named), refused.value.message


def test_a_bucket_website_or_cdn_url_is_accepted_for_direct_links(tmp_path):
    config = {
        **QUIET,
        "image_store": "s3",
        "image_s3_bucket": "bucket",
        "image_s3_endpoint": "http://127.0.0.1:9",
        "image_link_direct": True,
        "image_store_url": "http://bucket.s3-website.eu-west-3.amazonaws.com/_img",
    }
    app = Octavo("links_site", config, root_path=str(make_site(tmp_path)))
    assert images_for(app).settings.link_direct
    images_for(app).close()


def test_local_store_that_cannot_be_written_still_serves_every_image(tmp_path: Path):
    site = make_site(tmp_path)
    app = Octavo("links_site", QUIET, root_path=str(site))
    html = cached_page(app)
    urls = re.findall(r'src="([^"]+)"', html)
    assert urls and all(url.startswith("/static/_img/") for url in urls)
    (site / "static" / "_img").write_bytes(b"a file where the store's folder should be")
    test_client = app.test_client()
    for url in urls:
        response = test_client.get(url)
        assert response.status_code == 200 and opened(response.data)
    assert test_client.get("/_ready").get_json()["rendition_store"] == "degraded"
    images_for(app).close()


def test_ready_without_an_index_is_503(tmp_path):
    from octavo.web.app import index_startup_deferred

    with index_startup_deferred():
        app = Octavo("links_site", QUIET, root_path=str(make_site(tmp_path)))
    app.index.connect_check()  # the database is there, the index not built yet
    response = app.test_client().get("/_ready")
    assert response.status_code == 503 and response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {
        "ready": False,
        "index": "missing",
        "rendition_store": "ok",
        "page_cache": "off",
    }
    images_for(app).close()
