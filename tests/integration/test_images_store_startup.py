"""A misconfigured rendition store stops start-up with one line naming the setting; an
unreachable one does not (it is a fault the site rides out, rendering images itself)."""

from __future__ import annotations

from pathlib import Path

import pytest

from octavo import Octavo
from octavo.web.app import StartupError
from octavo.web.renditions import images_for
from tests.integration.s3servers import free_port
from tests.integration.test_images_s3server import s3_bucket, s3_endpoint  # noqa: F401

QUIET = {"index_enable_watchdog": False, "index_rescan_interval": 0}


@pytest.fixture
def site(tmp_path: Path, write) -> Path:
    write("hello.md", "Title: Hello\nEntry-ID: 1\n\nHi.\n")
    (tmp_path / "templates").mkdir()
    return tmp_path


def s3_app(site: Path, **config: object) -> Octavo:
    return Octavo("store_site", {**QUIET, "image_store": "s3", **config}, root_path=str(site))


def test_a_bucket_that_does_not_exist_names_the_setting(site, s3_endpoint):  # noqa: F811
    with pytest.raises(StartupError) as raised:
        s3_app(site, image_s3_bucket="no-such-bucket", image_s3_endpoint=s3_endpoint)
    assert str(raised.value) == (
        f"image_s3_bucket: there is no bucket 'no-such-bucket' at {s3_endpoint}"
    )


def test_missing_credentials_name_the_variables(site, s3_endpoint, s3_bucket, monkeypatch):  # noqa: F811
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(site / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(site / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setattr("boto3.DEFAULT_SESSION", None)  # it keeps the credentials it found
    with pytest.raises(StartupError, match="set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"):
        s3_app(site, image_s3_bucket=s3_bucket, image_s3_endpoint=s3_endpoint)


def test_a_working_bucket_and_an_unreachable_store_both_start(site, s3_endpoint, s3_bucket):  # noqa: F811
    app = s3_app(site, image_s3_bucket=s3_bucket, image_s3_endpoint=s3_endpoint)
    assert app.test_client().get("/_ready").get_json()["rendition_store"] == "ok"
    images_for(app).close()
    down = s3_app(
        site,
        image_s3_bucket=s3_bucket,
        image_s3_endpoint=f"http://127.0.0.1:{free_port()}",
        image_store_timeout=0.5,
        index_folder=".octavo-down",
    )
    assert down.test_client().get("/_ready").status_code == 200  # ready, images rendered here
    images_for(down).close()
