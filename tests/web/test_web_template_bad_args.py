"""Bad arguments through the template API (issue 8): every query-backed callable of
the matrix (`matrix.CALLABLES`) with every view argument set to values a template
author may pass by mistake. None may crash inside Octavo (a database error, say): the
page answers as Publ does for a bad query (400, the log naming the template's file and
line) or renders."""

from __future__ import annotations

import logging

import pytest

from tests.web import matrix
from tests.web.conftest import Site

BAD_VALUES = ("None", "'abc'", "-1", "10**30", "{}", "category", "get_entry(503)")


@pytest.mark.parametrize("callable_name", sorted(matrix.CALLABLES))
def test_bad_view_arguments_are_a_bad_query_never_a_crash(
    matrix_site: Site, callable_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    path, template = matrix.CALLABLES[callable_name]
    failures = []
    for key in matrix.SPEC_VALUES:
        for bad in BAD_VALUES:
            source = template.replace("SPEC", f"{key}={bad}")
            caplog.clear()
            with caplog.at_level(logging.WARNING):
                response = matrix_site.probe(path, source)
            status = response.status_code
            if status == 400:
                logged = " ".join(r.getMessage() for r in caplog.records)
                if "/templates/probe-" not in logged or ".txt line 1:" not in logged:
                    failures.append((key, bad, "400 without the template's file and line"))
            elif status != 200:
                failures.append((key, bad, status, caplog.text[-300:]))
    assert not failures, failures


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("date='2021-99'", "invalid date '2021-99'"),
        ("count='abc'", "count must be a whole number"),
        ("before=999999", "no entry 999999"),
        ("order='sideways'", "unknown order 'sideways'"),
    ],
)
def test_the_log_names_the_bad_argument(
    matrix_site: Site, argument: str, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = matrix_site.probe("/", "line one\n{{ get_view(" + argument + ").entries }}")
    assert response.status_code == 400
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert message in logged and " line 2" in logged


def test_entry_types_given_as_objects_are_compared_as_text(matrix_site: Site) -> None:
    """`entry_type=category` used to reach the database as an object (a 500)."""
    for value in ("category", "get_entry(503)", "{}", "10**30"):
        source = "{{ get_view(entry_type_not=" + value + ").entries|length }}"
        assert matrix_site.probe("/", source).status_code == 200, value


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("image(3)", "image(): the path must be text, not 3"),
        ("get_entry(503).image(None)", "image(): the path must be text, not None"),
        ("get_template(7)", "get_template(): the name must be text or a list, not 7"),
        ("get_entry(503).archive(paging=[])", "unknown paging type []"),
        ("get_entry(503).card(count='two')", "card count must be a whole number, not 'two'"),
    ],
)
def test_a_bad_argument_is_a_template_error_naming_it(
    matrix_site: Site, call: str, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    """As in Publ the page is a 500 (the template is broken); the log says what and where."""
    with caplog.at_level(logging.ERROR):
        response = matrix_site.probe("/", "first\n{{ " + call + " }}")
    assert response.status_code == 500
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert message in logged and ".txt line 2:" in logged


def test_header_lookups_take_any_name(matrix_site: Site) -> None:
    text = matrix_site.render("/", "{{ get_entry(503).get(3) }} {{ get_entry(503).get_all(None) }}")
    assert text == "None []"
