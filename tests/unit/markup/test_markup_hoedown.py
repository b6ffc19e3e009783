"""Hoedown's Markdown dialect, one case per class the differential found.

Each expected output was recorded from Publ 0.8.19 (see ``how`` in
``tests/sites/markup/hoedown_cases.json``); the Markdown-at-scale differential
(bench/markdown_diff.py) is where these classes were found.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.unit.markup.fakes import SITE
from tests.unit.markup.normalise import normalise
from tests.unit.markup.site import markup_of

CASES: list[dict[str, Any]] = json.loads((SITE / "hoedown_cases.json").read_text(encoding="utf-8"))[
    "cases"
]
ANCHORS = {"footnotes_link": "/1", "toc_link": "/1", "code_number_links": "/1"}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["class"])
def test_renders_as_publ(case: dict[str, Any]) -> None:
    markup = markup_of(case["text"], entry_id=1, layout=ANCHORS)
    assert normalise(str(markup.body())) == normalise(case["body"])
    footnotes = f"<ol>{''.join(case['footnotes'])}</ol>" if case["footnotes"] else ""
    assert normalise(str(markup.footnotes())) == normalise(footnotes)
