"""The template API (§4) beyond the probe table: page variables, error variables,
unauthorized placeholders, and values whose query order does not matter."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.web.conftest import Site, normalise

VARIABLES = (
    "{{ category.path if category is defined else 'no-category' }}|"
    "{{ view.link() if view is defined else 'no-view' }}|"
    "{{ entry.id if entry is defined and entry else 'no-entry' }}|"
    "{{ template.name }}|{{ 'user' if user else 'anonymous' }}"
)


def test_category_page_variables(fresh_site) -> None:
    site = fresh_site("routes")
    (site.root / "templates" / "vars.txt").write_text(VARIABLES)
    assert site.text("/blog/vars?tag=x") == "blog|/blog/?tag=x|no-entry|vars|anonymous"


def test_entry_page_variables(fresh_site) -> None:
    """`category` is the request's category, which a mount or alias may set."""
    site = fresh_site("routes")
    (site.root / "templates" / "blog" / "entry.html").write_text(VARIABLES)
    assert site.text("/blog/travel/10-A-Trip") == "blog/travel|no-view|10|entry|anonymous"
    assert site.text("/mounted/here") == "blog|no-view|12|entry|anonymous"


def test_error_page_variables(fresh_site) -> None:
    site = fresh_site("routes")
    (site.root / "templates" / "error.html").write_text(
        "{{ error.code }}|{{ exception.type }}|{{ exception.str }}|{{ category.path }}"
    )
    code, kind, text, category = site.get("/nope/").get_data(as_text=True).split("|")
    assert (code, kind) == ("404", "NotFound")
    assert "404" in text
    code, kind, text, category = site.get("/status/30-Draft").get_data(as_text=True).split("|")
    assert (code, kind, category) == ("403", "Forbidden", "status")
    code, kind, text, category = site.get("/boom").get_data(as_text=True).split("|")
    assert (code, kind) == ("500", "ZeroDivisionError")  # the exception that was raised
    assert "division" in text


def test_archive_with_tags(routes: Site) -> None:
    url = routes.render("/", "{{ get_entry(10).archive(tag=['Travel', 'Far Away']) }}")
    parts = urlsplit(url)
    assert parts.path == "/blog/travel/"
    assert parse_qs(parts.query) == {"id": ["10"], "tag": ["travel", "far-away"]}


def test_archive_rejects_an_unknown_paging(routes: Site) -> None:
    response = routes.probe("/", "{{ get_entry(10).archive(paging='fortnight') }}")
    assert response.status_code == 500


def test_unauthorized_placeholder_shows_only_id_uuid_and_dates(views: Site) -> None:
    out = views.render(
        "/",
        "{% set e = get_view(category='filters').unauthorized[0] %}"
        "{{ e.id }}|{{ e.uuid }}|{{ e.date.isoformat() }}|{{ e.last_modified.isoformat() }}|"
        "[{{ e.title }}]|[{{ e.title(always_show=True) }}]|{{ 'body' if e.body else 'no-body' }}|"
        "{{ e.tags|length }}|{{ e.get('Tag') }}|{{ e.get('Auth') }}|{{ e.link() }}|"
        "{{ e.permalink(expand=True) }}|{{ e.private }}",
    )
    assert out == (
        "311|00000000-0000-4000-8000-000000000311|2022-01-08T09:00:00+00:00|"
        "2022-01-08T09:00:00+00:00|[]|[Kilo]|no-body|0|None|None|/311|/311|True"
    )


def test_auth_header_is_never_exposed(views: Site) -> None:
    """Publ hides ``auth`` from attribute access and ``in`` but returns it from
    ``get('Auth', always_show=True)``; Octavo never gives a template the ACL."""
    out = views.render(
        "/",
        "{% set e = get_view(category='filters').unauthorized[0] %}"
        "{{ e.get('Auth', always_show=True) }}|{{ e.get_all('auth', always_show=True)|length }}|"
        "{{ e.auth }}|{{ 'Auth' in e }}",
    )
    assert out == "None|0|None|False"


def test_title_falsy_when_there_is_none(fresh_site) -> None:
    site = fresh_site("views")
    (site.root / "content" / "untitled.md").write_text(
        "Date: 2019-01-01 00:00:00+00:00\nEntry-ID: 2\nUUID: 00000000-0000-4000-8000-000000000002"
        "\n\nNo title here.\n"
    )
    site.rescan()
    out = site.render("/", "[{{ get_entry(2).title }}] {{ 'yes' if get_entry(2).title else 'no' }}")
    assert out == "[] no"
    assert site.get("/2").status_code == 200


def test_entry_more_and_body_called_with_arguments(routes: Site) -> None:
    out = routes.render(
        "/",
        "{% set e = get_entry(1) %}{{ e.body(markup=False)|trim }}|{{ e.more(markup=False)|trim }}|"
        "{{ e.summary(markup=False)|trim }}",
    )
    assert out == "Hello body.|Hello more.|Hello body."


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("get_view(category='log', count=2).entries", "130 129"),
        ("get_view(category='log', count=2).entries()", "130 129"),
        ("get_view(category='log', count=2)", "130 129"),
        ("get_entry(101).category.subcats", "log/sub"),
        ("get_entry(101).category.subcats()", "log/sub"),
        ("get_entry(101).category.subcats(recurse=True)", "log/sub"),
        ("get_entry(101).category.breadcrumb", " log"),
    ],
)
def test_listings_iterate_bare_or_called(views: Site, expression: str, expected: str) -> None:
    out = views.render("/", "{% for x in " + expression + " %}{{ x.id or x.path }} {% endfor %}")
    assert out == normalise(expected)


def test_a_tag_spelt_several_ways_shows_one_chosen_name(fresh_site) -> None:
    """Publ shows whichever spelling it indexed last (it depends on scan order); Octavo
    shows the spelling other than the bare key that most readable entries use, then the
    newest one's, and the same name wherever the tag is listed."""
    site = fresh_site("matrix")
    notes = site.root / "content" / "notes"
    for n, (spelling, date) in enumerate(
        [("CAFÉ CULTURE", "2024-01-01"), ("CAFÉ CULTURE", "2024-01-02"), ("café culture", "")]
    ):
        date_line = f"Date: {date} 09:00:00+00:00\n" if date else "Date: 2025-01-01\n"
        (notes / f"spelt-{n}.md").write_text(f"Title: S{n}\n{date_line}Tag: {spelling}\n\nx\n")
    site.rescan()
    # "Café culture" is written by 4 entries (ant, dog, gnu, ibis), "CAFÉ CULTURE" by 2,
    # and the bare key's spelling ("café culture") never wins over another.
    probe = (
        "{{ view.tags|join }} | {% for t in category.tags(recurse=True) %}"
        "{% if t.count > 3 %}{{ t.name }}={{ t.count }}{% endif %}{% endfor %}"
    )
    assert site.render("/notes/?tag=caf%C3%A9-culture", probe) == "Café culture | Café culture=6"
    for n in (3, 4):
        (notes / f"spelt-{n}.md").write_text(
            f"Title: S{n}\nDate: 2024-01-0{n} 09:00:00+00:00\nTag: CAFÉ CULTURE\n\nx\n"
        )
    site.rescan()
    # Now 4 against 4: the spelling of the newest entry (2024 over ibis's 2023) wins.
    assert site.render("/notes/?tag=caf%C3%A9-culture", probe) == "CAFÉ CULTURE | CAFÉ CULTURE=8"
