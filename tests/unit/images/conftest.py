"""An ImageService on a temporary content folder, with URL builders that need no Flask."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from octavo.images.service import ImageService
from octavo.images.settings import image_settings


class FakeUrls:
    """SiteUrls with fixed prefixes, so tests can read names back out of URLs."""

    def static(self, path: str, absolute: bool) -> str:
        return ("http://site" if absolute else "") + "/static/" + path

    def rendition(self, name: str, absolute: bool) -> str:
        return ("http://site" if absolute else "") + "/_img/" + name

    def asset(self, name: str, absolute: bool) -> str:
        return ("http://site" if absolute else "") + "/_file/" + name

    def chit(self, absolute: bool) -> str:
        return ("http://site" if absolute else "") + "/_"

    def absolutize(self, url: str) -> str:
        return "http://site/page/" + url if not url.startswith("/") else "http://site" + url


def make_service(root: Path, **config: object) -> ImageService:
    settings = image_settings(
        config,
        content_folder=str(root / "content"),
        static_folder=str(root / "static"),
        static_url_path="/static",
        work_folder=str(root / ".octavo"),
        secret_key="test-secret",
    )
    return ImageService(settings, None, FakeUrls())


@pytest.fixture
def service(tmp_path: Path) -> Iterator[ImageService]:
    (tmp_path / "content").mkdir()
    svc = make_service(tmp_path)
    yield svc
    svc.close()
