"""Fixture sites served by Octavo, and helpers to request pages and render probe templates.

Each site under tests/sites/web/ is copied once per session to a temporary folder
(probe templates are written into the copy) and served by one app; tests that
change files make their own copy with `fresh_site`.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from octavo import Octavo
from tests.web import cases

SITES = Path(__file__).resolve().parents[1] / "sites" / "web"
EXAMPLE_BLOG = Path(__file__).resolve().parents[2] / "examples" / "blog"

QUIET = {"index_enable_watchdog": False, "index_rescan_interval": 0}


def copy_site(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    (target / "static").mkdir(exist_ok=True)
    return target


def make_app(root: Path, name: str = "fixture", **config: Any) -> Octavo:
    """An Octavo app over a site folder (content/, templates/, static/), index built."""
    settings: dict[str, Any] = {
        **QUIET,
        "content_folder": str(root / "content"),
        "template_folder": str(root / "templates"),
        "static_folder": str(root / "static"),
        "timezone": "UTC",
        "database_url": f"sqlite:///{root / 'index.db'}",
        **config,
    }
    return Octavo(name, settings, root_path=str(root))


class Site:
    """A served fixture site: its folder, app and test client."""

    def __init__(self, root: Path, app: Octavo) -> None:
        self.root = root
        self.app = app
        self.client: FlaskClient = app.test_client()

    def rescan(self) -> None:
        """Index the content folder's changes now."""
        report = self.app.keeper.scan_now(wait=10)
        assert report is not None and report.changed

    def get(self, path: str, accept: str | None = None, **kwargs: Any) -> TestResponse:
        headers = kwargs.pop("headers", {})
        if accept is not None:
            headers["Accept"] = accept
        return self.client.get(path, headers=headers, **kwargs)

    def text(self, path: str, **kwargs: Any) -> str:
        response = self.get(path, **kwargs)
        assert response.status_code == 200, (path, response.status_code, response.get_data())
        return response.get_data(as_text=True)

    def probe(self, path: str, template: str) -> TestResponse:
        """Render a template source at a category URL (path ends in '/', may carry a query)."""
        name = "probe-" + hashlib.sha1(template.encode("utf-8")).hexdigest()[:12]
        target = self.root / "templates" / f"{name}.txt"
        if not target.exists():
            target.write_text(template, encoding="utf-8")
        base, _, query = path.partition("?")
        return self.get(base + name + (f"?{query}" if query else ""))

    def render(self, path: str, template: str) -> str:
        """The normalised output of a probe that must succeed."""
        response = self.probe(path, template)
        text = response.get_data(as_text=True)
        assert response.status_code == 200, (path, template, response.status_code, text)
        return normalise(text)


def normalise(text: str) -> str:
    return " ".join(text.split())


def _served(
    factory: pytest.TempPathFactory, source: Path, name: str, **config: Any
) -> tuple[Path, Octavo]:
    root = copy_site(source, factory.mktemp(name) / name)
    return root, make_app(root, name, **config)


@pytest.fixture(scope="session")
def routes(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root, app = _served(tmp_path_factory, SITES / "routes", "routes", **cases.SITE_CONFIG["routes"])
    cases.register_regex_aliases(app)
    return Site(root, app)


@pytest.fixture(scope="session")
def views(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root, app = _served(tmp_path_factory, SITES / "views", "views")
    return Site(root, app)


@pytest.fixture(scope="session")
def blog(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The example site, with its own configuration (Europe/Paris)."""
    root, app = _served(
        tmp_path_factory, EXAMPLE_BLOG, "blog", timezone="Europe/Paris", search_index="search"
    )
    return Site(root, app)


@pytest.fixture(scope="session")
def matrix_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root, app = _served(tmp_path_factory, SITES / "matrix", "matrix")
    return Site(root, app)


@pytest.fixture(scope="session")
def sites(routes: Site, views: Site, blog: Site, matrix_site: Site) -> dict[str, Site]:
    return {"routes": routes, "views": views, "blog": blog, "matrix": matrix_site}


@pytest.fixture
def fresh_site(tmp_path: Path) -> Callable[..., Site]:
    """fresh_site('routes', **config): a private copy of a fixture site, served."""

    def build(name: str, **config: Any) -> Site:
        source = EXAMPLE_BLOG if name == "blog" else SITES / name
        root = copy_site(source, tmp_path / name)
        settings = {**cases.SITE_CONFIG.get(name, {}), **config}
        return Site(root, make_app(root, name, **settings))

    return build
