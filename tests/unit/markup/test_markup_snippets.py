"""SmartyPants, the two filters and title rendering against Publ's recorded output
(``tests/sites/markup/snippets.json``, made by ``generate_expected.py``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from octavo.markup.filters import first_paragraph, strip_html
from octavo.markup.smartypants import smartypants
from octavo.markup.title import render_title
from tests.unit.markup.fakes import SITE
from tests.unit.markup.normalise import normalise

SNIPPETS: dict[str, list[dict[str, Any]]] = json.loads(
    (SITE / "snippets.json").read_text(encoding="utf-8")
)


# CommonMark: underscores inside words are not emphasis (docs/compatibility/markup.md).
@pytest.mark.parametrize("case", SNIPPETS["smartypants"], ids=lambda c: repr(c["text"])[:40])
def test_smartypants_matches_hoedown(case: dict[str, Any]) -> None:
    assert smartypants(case["text"]) == case["out"]


@pytest.mark.parametrize("case", SNIPPETS["strip_html"], ids=lambda c: repr(c["text"])[:40])
def test_strip_html_matches_publ(case: dict[str, Any]) -> None:
    assert strip_html(case["text"], **case["kwargs"]) == case["out"]


@pytest.mark.parametrize("case", SNIPPETS["first_paragraph"], ids=lambda c: repr(c["text"])[:40])
def test_first_paragraph_matches_publ(case: dict[str, Any]) -> None:
    assert str(first_paragraph(case["text"], **case["kwargs"])) == case["out"]


@pytest.mark.parametrize("case", SNIPPETS["titles"], ids=lambda c: c["text"])
def test_title_matches_publ(case: dict[str, Any]) -> None:
    forms = {
        "markup": {},
        "plain": {"markup": False},
        "no_smartquotes": {"smartquotes": False},
        "plain_no_smartquotes": {"markup": False, "smartquotes": False},
    }
    for form, kwargs in forms.items():
        assert normalise(render_title(case["text"], **kwargs)) == normalise(case[form]), form


def test_plain_title_is_str_and_markup_title_is_markup() -> None:
    assert type(render_title("*x*", markup=False)) is str
    assert render_title("*x*").__html__() == "<em>x</em>"
