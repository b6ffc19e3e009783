"""A site's own app.py (Publ §11.2) runs with ``import octavo as publ``: the fixture
tests/sites/apppy/app.py uses Publ's Python API as real sites do, and every part is
checked through the pages it serves."""

from __future__ import annotations

import importlib.util
import itertools
import sys
from pathlib import Path

import pytest

import octavo
from tests.web.conftest import copy_site

APPPY = Path(__file__).resolve().parents[1] / "sites" / "apppy"
_names = itertools.count()


def load_app(root: Path) -> octavo.Octavo:
    """Import the site's app.py as a server would, from its own folder."""
    name = f"apppy_site_{next(_names)}"
    spec = importlib.util.spec_from_file_location(name, root / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    app = module.app
    assert isinstance(app, octavo.Octavo)
    return app


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> octavo.Octavo:
    return load_app(copy_site(APPPY, tmp_path_factory.mktemp("apppy") / "site"))


@pytest.fixture
def login_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> octavo.Octavo:
    monkeypatch.setenv("SITE_LOGIN", "1")
    return load_app(copy_site(APPPY, tmp_path / "site"))


def test_publ_names_are_octavos() -> None:
    assert octavo.Publ is octavo.Octavo
    assert octavo.entry.get_entry_by_id is octavo.web.template_api.get_entry


def test_category_and_entry_pages_use_the_sites_filter_and_globals(app: octavo.Octavo) -> None:
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert "<title>The App Site</title>" in home
    assert "<h1>THE APP SITE!</h1>" in home and "&copy; 2026" in home
    page = client.get("/blog/101-Hello-world")
    assert page.status_code == 200
    assert "<h1>HELLO, WORLD!</h1>" in page.get_data(as_text=True)


def test_regex_aliases_redirect(app: octavo.Octavo) -> None:
    client = app.test_client()
    daily = client.get("/d/20240102.html")
    assert (daily.status_code, daily.location) == (301, "/blog/?date=20240102")
    old = client.get("/weblog/101-Hello-world")
    assert (old.status_code, old.location) == (302, "/blog/101-Hello-world")


@pytest.mark.parametrize(
    ("path", "body"),
    [("/about", "CUSTOM ABOUT guest"), ("/about?x=1", "CUSTOM ABOUT guest")],
)
def test_the_sites_static_routes_win_over_category_routes(
    app: octavo.Octavo, path: str, body: str
) -> None:
    """`/about` is also the category template about.html: the site's route wins."""
    response = app.test_client().get(path)
    assert (response.status_code, response.get_data(as_text=True)) == (200, body)


def test_a_route_under_a_category_uses_get_view(app: octavo.Octavo) -> None:
    response = app.test_client().get("/blog/latest")
    assert (response.status_code, response.location) == (302, "/blog/102-Second-post")


def test_entry_lookup_and_isinstance(app: octavo.Octavo) -> None:
    client = app.test_client()
    found = client.get("/api/entry/101", headers={"X-Forwarded-Proto": "https"})
    assert found.get_json() == {
        "id": 101,
        "title": "Hello, world",
        "link": "https://localhost/blog/101-Hello-world",
        "tags": ["News", "Café culture"],
    }
    assert client.get("/api/entry/999").status_code == 404
    assert client.get("/api/entry/201").status_code == 404  # private: not for a guest


def test_proxy_fix_sets_the_host_and_scheme_of_absolute_links(app: octavo.Octavo) -> None:
    response = app.test_client().get(
        "/api/entry/102",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "blog.example.org"},
    )
    assert response.get_json()["link"] == "https://blog.example.org/blog/102-Second-post"


def test_image_rendition_for_a_favicon_route(app: octavo.Octavo) -> None:
    client = app.test_client()
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    rendition = client.get(response.location)
    assert rendition.status_code == 200
    assert rendition.headers["Content-Type"] == "image/png"


def test_get_image_takes_search_paths_as_publ_and_as_entries_give_them(
    app: octavo.Octavo,
) -> None:
    content = app.site.content_folder
    with app.test_request_context("/"):
        for search in ([content + "/images"], "images", ("", "images"), [content]):
            path = "logo.png" if search != [content] else "images/logo.png"
            image = octavo.image.get_image(path, search)
            assert image.get_rendition(width=16)[1] == (16, 12), search
        missing = octavo.image.get_image("logo.png", "/etc")  # outside the content folder
        with pytest.raises(LookupError, match=r"logo\.png"):
            missing.get_rendition()


def test_config_utils_and_hooks(app: octavo.Octavo) -> None:
    response = app.test_client().get("/api/site?x=1")
    assert response.get_json() == {
        "content": "content",
        "timezone": "America/Los_Angeles",
        "cache": "NullCache",
        "login": "/_login/api/site%3Fx=1",
        "login_to_blog": "/_login/blog/",
    }
    assert response.headers["X-Reader"] == "guest"


def test_a_before_request_hook_sees_bots(app: octavo.Octavo) -> None:
    bot = {"User-Agent": "ExampleBot/1.0 (+https://bot.example/)"}
    client = app.test_client()
    assert client.get("/members/", headers=bot).status_code == 403
    assert client.get("/blog/", headers=bot).status_code == 200


def test_tokens_need_login_and_say_so(app: octavo.Octavo) -> None:
    with app.test_request_context("/"), pytest.raises(RuntimeError, match="login is not"):
        octavo.tokens.get_token("https://reader.example/", 60)


def test_tokens_and_the_reader_with_login_on(login_app: octavo.Octavo) -> None:
    client = login_app.test_client()
    token = client.get("/api/token?me=https://friend.example/").get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    about = client.get("/about", headers=bearer)
    assert about.get_data(as_text=True) == "CUSTOM ABOUT friend.example/"
    secret = client.get("/api/entry/201", headers=bearer)
    assert secret.status_code == 200 and secret.get_json()["title"] == "Members only"


def test_unsupported_publ_api_says_so() -> None:
    with pytest.raises(AttributeError, match="PonyORM"):
        octavo.model  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        octavo.nonsense  # noqa: B018


def test_deprecated_factory_still_makes_the_app(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = copy_site(APPPY, tmp_path / "site")
    app = octavo.publ(
        "legacy",
        {
            "content_folder": str(root / "content"),
            "template_folder": str(root / "templates"),
            "database_url": f"sqlite:///{root / 'index.db'}",
            "index_enable_watchdog": False,
        },
    )
    assert isinstance(app, octavo.Octavo)
    assert "deprecated" in caplog.text
