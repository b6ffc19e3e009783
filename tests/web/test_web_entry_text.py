"""Pages render entry text from the index, never from the content folder (issue 16; item 6
of issue 9): a file gone, changed, broken or named oddly on disk since its last good scan
still serves what was indexed, whole."""

from __future__ import annotations

import logging
import re
import textwrap
import unicodedata
from pathlib import Path

import pytest

from octavo import Octavo
from tests.web.conftest import make_app

ENTRY_TEMPLATE = "TITLE {{ entry.title(markup=False) }}|BODY {{ entry.body }}|MORE {{ entry.more }}"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    for folder in ("content", "templates", "static"):
        (site / folder).mkdir(parents=True)
    (site / "templates" / "entry.html").write_text(ENTRY_TEMPLATE, encoding="utf-8")
    (site / "templates" / "index.html").write_text("INDEX", encoding="utf-8")
    return site


def entry_file(title: str, entry_id: int, body: str, more: str = "") -> str:
    text = f"""\
        Title: {title}
        Date: 2024-01-02 03:04:05+00:00
        Entry-ID: {entry_id}

        {body}
        """
    return textwrap.dedent(text) + (f".....\n{more}\n" if more else "")


def page(app: Octavo, entry_id: int) -> str:
    response = app.test_client().get(f"/{entry_id}")
    if response.status_code in (301, 302):
        response = app.test_client().get(response.headers["Location"])
    assert response.status_code == 200, response.get_data(as_text=True)
    return " ".join(response.get_data(as_text=True).split())


def test_an_entry_whose_file_was_removed_after_the_scan_is_served_from_the_index(
    root: Path,
) -> None:
    path = root / "content" / "gone.md"
    path.write_text(entry_file("Gone", 10, "The *body*.", "The more."), encoding="utf-8")
    app = make_app(root)
    path.unlink()  # no rescan: another instance's index, or a checkout behind it
    assert page(app, 10) == ("TITLE Gone|BODY <p>The <em>body</em>.</p>|MORE <p>The more.</p>")


def test_an_entry_changed_on_disk_but_not_rescanned_serves_the_indexed_text(root: Path) -> None:
    path = root / "content" / "changed.md"
    path.write_text(entry_file("Indexed", 11, "Indexed body."), encoding="utf-8")
    app = make_app(root)
    path.write_text(entry_file("On disk", 11, "Disk body."), encoding="utf-8")
    assert page(app, 11) == "TITLE Indexed|BODY <p>Indexed body.</p>|MORE"


def test_an_nfd_file_name_serves_its_body(root: Path) -> None:
    """macOS writes decomposed names; the index keys files by the composed form."""
    name = unicodedata.normalize("NFD", "café.md")
    assert name != "café.md"
    (root / "content" / name).write_text(entry_file("Café", 12, "Au lait."), encoding="utf-8")
    app = make_app(root)
    assert page(app, 12) == "TITLE Café|BODY <p>Au lait.</p>|MORE"


def test_a_file_name_with_a_backslash_serves_its_body(root: Path) -> None:
    (root / "content" / "back\\slash.md").write_text(
        entry_file("Backslash", 13, "Slashed."), encoding="utf-8"
    )
    app = make_app(root)
    assert page(app, 13) == "TITLE Backslash|BODY <p>Slashed.</p>|MORE"


def test_a_broken_edit_keeps_serving_the_last_good_version(root: Path) -> None:
    path = root / "content" / "edited.md"
    path.write_text(entry_file("Good", 14, "Good body."), encoding="utf-8")
    app = make_app(root)
    assert page(app, 14) == "TITLE Good|BODY <p>Good body.</p>|MORE"
    path.write_text("Title: Broken\nthis is not a header\n\nNew body.\n", encoding="utf-8")
    report = app.keeper.scan_now(wait=10)
    assert report is not None
    assert [(p.path, p.line) for p in report.problems] == [("edited.md", 2)]
    fresh = make_app(root)  # a new worker: nothing memoised
    assert page(fresh, 14) == "TITLE Good|BODY <p>Good body.</p>|MORE"
    path.write_text(entry_file("Fixed", 14, "Fixed body."), encoding="utf-8")
    assert fresh.keeper.scan_now(wait=10) is not None
    assert page(fresh, 14) == "TITLE Fixed|BODY <p>Fixed body.</p>|MORE"


def png(path: Path, size: tuple[int, int]) -> None:
    from PIL import Image

    Image.new("RGB", size, (200, 30, 30)).save(path, "PNG")


def test_an_image_only_the_index_has_keeps_its_rendition_urls(
    root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Another release added the image: pages link its renditions from the index's facts;
    one already in the (shared) store serves, another answers 404 here, said once."""
    png(root / "content" / "kept.png", (40, 30))
    png(root / "content" / "stored.png", (30, 40))
    (root / "content" / "pics.md").write_text(
        entry_file("Pics", 20, "![](kept.png{width=20}) ![](stored.png{width=15})"),
        encoding="utf-8",
    )
    app = make_app(root)
    sources = re.findall(r'<img src="([^"]+)"', page(app, 20))
    assert len(sources) == 2
    assert app.test_client().get(sources[1]).status_code == 200  # now in the store
    (root / "content" / "kept.png").unlink()
    (root / "content" / "stored.png").unlink()
    other = make_app(root, index_scan_on_start=False)  # an instance of an older release
    with caplog.at_level(logging.WARNING):
        assert re.findall(r'<img src="([^"]+)"', page(other, 20)) == sources
        assert re.findall(r'<img src="([^"]+)"', page(other, 20)) == sources
        assert other.test_client().get(sources[0]).status_code == 404
        assert other.test_client().get(sources[0]).status_code == 404
        assert other.test_client().get(sources[1]).status_code == 200
    said = [r.getMessage() for r in caplog.records if "kept.png is indexed" in r.getMessage()]
    assert len(said) == 1, said  # once, however often pages and renditions ask
