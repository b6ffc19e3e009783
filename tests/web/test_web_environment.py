"""Twelve-factor configuration: the settings a deployment gives in the environment."""

from __future__ import annotations

import pytest

from octavo.common.environment import from_environment
from octavo.common.logs import JsonFormatter, gunicorn_logconfig, log_settings
from octavo.images.settings import image_settings
from octavo.web.app import StartupError


def test_rendition_store_settings_come_from_the_environment(fresh_site, monkeypatch) -> None:
    monkeypatch.setenv("IMAGE_S3_BUCKET", "renditions")
    monkeypatch.setenv("IMAGE_S3_PREFIX", "site/")
    monkeypatch.setenv("IMAGE_S3_REGION", "eu-west-3")
    monkeypatch.setenv("IMAGE_STORE_URL", "https://cdn.example/site/")
    monkeypatch.setenv("IMAGE_LINK_DIRECT", "yes")
    monkeypatch.setenv("IMAGE_STORE", "")  # empty: unset
    site = fresh_site("routes")
    settings = image_settings(
        site.app.site.values,
        content_folder="c",
        static_folder="s",
        static_url_path="/static",
        work_folder="w",
        secret_key="k",
    )
    assert (settings.store, settings.s3_bucket, settings.s3_prefix, settings.s3_region) == (
        "local",
        "renditions",
        "site/",
        "eu-west-3",
    )
    assert (settings.store_url, settings.link_direct) == ("https://cdn.example/site", True)


def test_a_key_set_in_app_py_wins_over_the_environment(fresh_site, monkeypatch) -> None:
    monkeypatch.setenv("IMAGE_S3_PREFIX", "from-env/")
    site = fresh_site("routes", image_s3_prefix="from-app/")
    assert site.app.site.get("image_s3_prefix") == "from-app/"


def test_trusted_hosts_from_the_environment(fresh_site, monkeypatch) -> None:
    monkeypatch.setenv("TRUSTED_HOSTS", "good.example, .other.example")
    site = fresh_site("routes")
    assert site.app.config["TRUSTED_HOSTS"] == ["good.example", ".other.example"]
    assert site.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert site.get("/", headers={"Host": "good.example"}).status_code == 200
    assert site.get("/", headers={"Host": "www.other.example"}).status_code == 200


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("IMAGE_LINK_DIRECT", "maybe", "$IMAGE_LINK_DIRECT='maybe': expected 1/true/yes/on"),
        ("IMAGE_STORE", "ftp", "image_store must be 'local' or 's3', not 'ftp'"),
        ("LOG_LEVEL", "loud", "$LOG_LEVEL='loud': expected one of debug, info"),
        ("LOG_FORMAT", "xml", "$LOG_FORMAT='xml': expected text or json"),
    ],
)
def test_a_bad_variable_is_a_clear_startup_error(
    fresh_site, monkeypatch, variable, value, message
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(StartupError) as raised:
        fresh_site("routes")
    assert message in str(raised.value)


def test_unset_or_empty_variables_set_nothing() -> None:
    assert from_environment({"IMAGE_STORE": "", "UNRELATED": "x"}) == {}
    assert log_settings({}) == (None, None)
    assert gunicorn_logconfig({"LOG_LEVEL": "debug"}) is None  # gunicorn's own format


def test_json_log_lines_are_one_line_with_the_traceback() -> None:
    import json
    import logging
    import sys

    try:
        raise RuntimeError("boom\nsecond line")
    except RuntimeError:
        record = logging.LogRecord(
            "octavo.x", logging.ERROR, __file__, 1, "failed: %s", ("a",), sys.exc_info()
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert (entry["level"], entry["logger"], entry["message"]) == ("error", "octavo.x", "failed: a")
    assert "RuntimeError: boom\nsecond line" in entry["exception"]
