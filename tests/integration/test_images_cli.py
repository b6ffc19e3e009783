"""``octavo prewarm`` and ``octavo renditions`` on a site with entries and templates."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from octavo.cli import main
from tests.unit.images.synthetic import quadrants, write

APP = """
import octavo
app = octavo.Octavo(__name__, {
    "index_enable_watchdog": False, "index_rescan_interval": 0, "secret_key": "k",
    "layout": {"max_width": 600},
})
"""
ENTRY = """Title: Gallery
Entry-ID: 7

![Trip{gallery_id="trip",count=2}](one.jpg{200} | two.jpg | three.jpg "Three")

<img src="two.jpg{crop=(0,0,100,100)}" width="50">

![](missing.jpg)
"""
TEMPLATE = """<header>{{ image('banner.jpg').get_img_tag(width=300) }}</header>
{{ entry.body(width=320) }}
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    sizes = {"one": (800, 600), "two": (700, 500), "three": (600, 400), "banner": (900, 300)}
    for name, size in sizes.items():
        write(tmp_path / "content" / "trips" / f"{name}.jpg", quadrants(*size), "JPEG")
    (tmp_path / "content" / "trips" / "gallery.md").write_text(ENTRY)
    (tmp_path / "templates" / "trips").mkdir(parents=True)
    (tmp_path / "templates" / "trips" / "entry.html").write_text(TEMPLATE)
    (tmp_path / "app.py").write_text(APP)
    return tmp_path


def octavo_cli(site: Path, *args: str) -> str:
    sys.modules.pop("app", None)  # each test's site has its own app.py
    result = CliRunner().invoke(main, ["--app", str(site / "app.py"), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_prewarm_renders_what_pages_link_and_is_safe_to_rerun(site):
    octavo_cli(site, "reindex", "--quiet")
    output = octavo_cli(site, "prewarm")
    # one{200}: 1x+2x (its own width beats the template's); two: 1x+2x under the layout's
    # max_width and again under the template's width=320; three (hidden by count): none;
    # full-size lightbox links: 3; the HTML <img>: 1x+2x; the template's banner: 1x+2x.
    # two's 2x under max_width is its full size: the same plan, so the same file.
    assert "missing.jpg" in output
    files = list((site / "static" / "_img").rglob("*.jpg"))
    assert len(files) == 2 + 4 + 3 + 2 + 2 - 1
    assert "12 renditions: 12 rendered, 0 already stored, 1 problems" in output
    again = octavo_cli(site, "prewarm")
    assert "12 renditions: 0 rendered, 12 already stored" in again
    report = octavo_cli(site, "renditions")
    assert report.startswith(f"{len(files)} renditions, ")


def test_renditions_expire_by_size(site):
    octavo_cli(site, "reindex", "--quiet")
    octavo_cli(site, "prewarm", "--quiet", "--jobs", "2")
    app_text = (
        (site / "app.py")
        .read_text()
        .replace('"secret_key": "k",', '"secret_key": "k", "image_cache_size": 1,')
    )
    (site / "app.py").write_text(app_text)
    output = octavo_cli(site, "renditions", "--expire")
    assert "removed" in output and output.strip().endswith("in " + str(site / "static" / "_img"))
    assert "\n0 renditions, 0 bytes" in "\n" + output.splitlines()[-1]
