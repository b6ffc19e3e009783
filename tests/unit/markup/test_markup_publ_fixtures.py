"""Octavo's markup against Publ 0.8.19's, recorded from the fixture site.

`tests/sites/markup/generate_expected.py` recorded what Publ renders for every
entry (body, more, footnotes, TOC, summary, title) with several argument sets.
Places where Octavo deliberately differs are in ``differences.json``, each with
its reason (also listed in docs/compatibility/markup.md).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from octavo.markup.arguments import freeze
from octavo.markup.title import render_title
from tests.unit.markup.fakes import SITE
from tests.unit.markup.normalise import normalise
from tests.unit.markup.site import entry_markup, expected, expected_ids, title_of

DIFFERENCES: list[dict[str, Any]] = json.loads(
    (SITE / "differences.json").read_text(encoding="utf-8")
)


def _override(entry_id: int, args: dict[str, Any], field: str) -> dict[str, Any] | None:
    for item in DIFFERENCES:
        if (
            item["entry"] == entry_id
            and item["field"] == field
            and ("args" not in item or freeze(item["args"]) == freeze(args))
        ):
            return item
    return None


TITLE_FORMS: dict[str, dict[str, Any]] = {
    "default": {},
    "plain": {"markup": False},
    "no_smartquotes": {"smartquotes": False},
}


def _recorded(entry_id: int, field: str, publ: Any) -> Any:
    """Publ's recorded output, or Octavo's recorded difference for that field."""
    override = _override(entry_id, {}, field)
    return publ if override is None else override["octavo"]


def _actual(entry_id: int, args: dict[str, Any], field: str) -> str:
    markup = entry_markup(entry_id)
    call = dict(args)
    if field == "toc_depth_1":
        return str(markup.toc(max_depth=1, **call))
    if field == "summary":
        return str(markup.summary(**call))
    return str(getattr(markup, field)(**call))


def _comparisons(entry_id: int) -> list[tuple[str, str, str]]:
    """(label, Publ's output or the recorded difference, Octavo's output) for one entry."""
    record = expected(entry_id)
    rows: list[tuple[str, str, str]] = []
    for render in record["renders"]:
        args = render["args"]
        for field in ("body", "more", "footnotes", "toc", "toc_depth_1", "summary"):
            want = render[field]
            override = _override(entry_id, args, field)
            if override is not None:
                want = override["octavo"]
            rows.append((f"{field}{args}", want, _actual(entry_id, args, field)))
    title = title_of(entry_id)
    for label, kwargs in TITLE_FORMS.items():
        want = _recorded(entry_id, f"title_{label}", record["title"][label])
        rows.append((f"title {label}", want, str(render_title(title, **kwargs))))
    markup = entry_markup(entry_id)
    want = _recorded(entry_id, "summary_plain", record["summary_plain"])
    rows.append(("summary plain", want, str(markup.summary(markup=False))))
    truthy = {
        "body": markup.has_body,
        "more": markup.has_more,
        "footnotes": markup.has_footnotes,
        "toc": markup.has_toc,
    }
    for name, value in record["truthy"].items():
        rows.append(
            (f"truthy {name}", str(_recorded(entry_id, f"truthy_{name}", value)), str(truthy[name]))
        )
    return rows


@pytest.mark.parametrize("entry_id", expected_ids())
def test_entry_matches_publ(entry_id: int) -> None:
    failures = []
    for label, want, got in _comparisons(entry_id):
        if isinstance(want, dict):  # Publ raised; Octavo must have a recorded difference
            failures.append(f"{label}: Publ raised {want}; Octavo gave {got!r}")
        elif normalise(want) != normalise(got):
            failures.append(f"{label}:\n  publ:   {normalise(want)}\n  octavo: {normalise(got)}")
    assert not failures, f"entry {entry_id}:\n" + "\n".join(failures)


def test_differences_are_all_used() -> None:
    """Every recorded difference still names an existing entry and field."""
    ids = set(expected_ids())
    for item in DIFFERENCES:
        assert item["entry"] in ids
        assert item["reason"].strip()
