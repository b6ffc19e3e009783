"""Error handling (§2.4): error templates found by the category walk, the built-in
page as the last resort, and a template that raises."""

from __future__ import annotations

import html
import logging

import pytest

from tests.web.conftest import Site, normalise


@pytest.mark.parametrize(
    ("path", "status", "template", "category"),
    [
        ("/nope/", 404, "ROOT-ERROR", None),
        ("/status/30-Draft", 403, "ROOT-ERROR", "status"),
        ("/status/32-Gone", 410, "ROOT-ERROR", "status"),
        ("/status/33-Illegal", 451, "ROOT-ERROR", "status"),
        ("/status/34-Teapot", 418, "ROOT-ERROR", "status"),
        ("/blog/no-such-view", 404, "ROOT-ERROR", "blog"),
        ("/?date=garbage", 400, "ROOT-ERROR", "(root)"),
        ("/entry", 403, "ROOT-ERROR", "(root)"),
        ("/private/50-Secret", 401, "ROOT-ERROR", "private"),
        # a code-specific template, then <code//100*100>, then error, in each folder
        ("/strict/72-Strict-Draft", 403, "STRICT-403", None),
        ("/strict/73-Strict-Gone", 410, "STRICT-4XX", None),
        ("/strict/no-such-view", 404, "STRICT-4XX", None),
        ("/strict/inner/no-such-view", 404, "INNER-404", None),
        ("/strict/inner/74-Inner-Draft", 403, "STRICT-403", None),
        ("/strict/inner/?date=bad", 400, "STRICT-4XX", None),
        ("/strict/inner/missing/", 404, "INNER-404", None),
    ],
)
def test_error_templates_are_found_by_the_category_walk(
    routes: Site, path: str, status: int, template: str, category: str | None
) -> None:
    response = routes.get(path)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    text = normalise(response.get_data(as_text=True))
    assert text.startswith(f"{template} {status}")
    if category is not None:
        assert text.endswith(f"category={category}")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/nope/", "404 Not Found"),
        ("/blog/no-such-view", "404 Not Found"),
        ("/status/30-Draft", "403 Forbidden"),
        ("/entry", "403 Forbidden"),
        ("/status/32-Gone", "410 Gone"),
        ("/?date=garbage", "400 Bad Request"),
        ("/feed", "406 Not Acceptable"),
        ("/boom", "500 Internal Server Error"),
    ],
)
def test_error_message_is_the_status_name(routes: Site, path: str, message: str) -> None:
    """Publ gives error templates ``error.message`` = the HTTP status name."""
    accept = "image/png" if message.startswith("406") else None
    text = normalise(routes.get(path, accept=accept).get_data(as_text=True))
    assert text.startswith(f"ROOT-ERROR {message} category=")


@pytest.mark.parametrize(
    ("path", "status"),
    [("/nope/", 404), ("/log/?date=bad", 400), ("/entry", 403), ("/log/no-view", 404)],
)
def test_built_in_error_page_when_the_site_has_none(views: Site, path: str, status: int) -> None:
    response = views.get(path)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "<html" in text and str(status) in text


@pytest.mark.parametrize(
    ("path", "title", "description"),
    [
        ("/xyzzy", "404 Not Found", "404 Not Found: No such view 'xyzzy'"),
        ("/log/no-view", "404 Not Found", "404 Not Found: No such view 'no-view'"),
        ("/12345", "404 Not Found", "404 Not Found: No such entry"),
        ("/log/?date=bad", "400 Bad Request", "400 Bad Request: Invalid date"),
    ],
)
def test_built_in_error_page_describes_the_error_as_publ_does(
    views: Site, path: str, title: str, description: str
) -> None:
    """Publ's built-in page: the status as title, its name as heading, then the description."""
    response = views.get(path)
    text = html.unescape(normalise(response.get_data(as_text=True)))
    assert f"<title>{title}</title>" in text
    assert f"<h1>{title.split(' ', 1)[1]}</h1>" in text
    assert f"<p>{description}</p>" in text


def test_template_error_gives_the_500_page_and_a_log_line(
    routes: Site, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = routes.get("/boom")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert normalise(text).startswith("ROOT-ERROR 500")
    assert "ZeroDivisionError" not in text and "Traceback" not in text
    records = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert records, "no error was logged"
    message = "\n".join(r.getMessage() for r in records)
    assert "boom.html" in message
    assert "line 3" in message


def test_template_error_on_an_entry_page(fresh_site, caplog: pytest.LogCaptureFixture) -> None:
    site = fresh_site("routes")
    (site.root / "templates" / "blog" / "entry.html").write_text(
        "first line\n{{ entry.id }}\n{{ entry.id // 0 }}\n"
    )
    with caplog.at_level(logging.ERROR):
        response = site.get("/blog/11-A-Post")
    assert response.status_code == 500
    assert normalise(response.get_data(as_text=True)).startswith("ROOT-ERROR 500")
    message = "\n".join(r.getMessage() for r in caplog.records)
    assert "blog/entry.html" in message and "line 3" in message


def test_a_failing_error_template_still_answers_with_the_status(fresh_site) -> None:
    site = fresh_site("routes")
    (site.root / "templates" / "error.html").write_text("{{ 1 // 0 }}")
    response = site.get("/nope/")
    assert response.status_code == 404
    assert "404" in response.get_data(as_text=True)
    response = site.get("/boom")
    assert response.status_code == 500


def test_unknown_view_spec_in_a_template_is_a_500_not_a_crash(
    routes: Site, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = routes.probe("/", "{{ get_view(no_such_key=1).entries }}")
    assert response.status_code == 500
    assert "no_such_key" in caplog.text


def test_error_pages_are_never_cached(routes: Site) -> None:
    for path in ("/nope/", "/status/30-Draft", "/boom"):
        response = routes.get(path)
        assert "ETag" not in response.headers
        assert "public" not in response.headers.get("Cache-Control", "")
