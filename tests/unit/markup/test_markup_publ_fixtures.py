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


def _publ_value(item: dict[str, Any]) -> Any:
    """What Publ recorded for the comparison a difference overrides (KeyError if none)."""
    record = expected(item["entry"])
    field = item["field"]
    if field.startswith("title_"):
        return record["title"][field.removeprefix("title_")]
    if field == "summary_plain":
        return record["summary_plain"]
    if field.startswith("truthy_"):
        return str(record["truthy"][field.removeprefix("truthy_")])
    args = freeze(item.get("args", {}))
    [render] = [r for r in record["renders"] if freeze(r["args"]) == args]
    return render[field]


@pytest.mark.parametrize(
    "item", DIFFERENCES, ids=lambda item: f"{item['entry']}-{item['field']}{item.get('args', '')}"
)
def test_each_recorded_difference_is_still_needed(item: dict[str, Any]) -> None:
    """A difference overrides one of Publ's recorded outputs with Octavo's; it must name a
    comparison that exists, give its reason, and still differ from what Publ gives (the
    entry tests check that Octavo gives it), or it is stale and hides nothing."""
    assert item["entry"] in set(expected_ids())
    assert item["reason"].strip()
    try:
        publ = _publ_value(item)
    except (KeyError, ValueError):
        pytest.fail(f"no recorded Publ output for {item['field']} {item.get('args', {})}")
    if isinstance(publ, dict):  # Publ raised: any output of Octavo's differs
        return
    assert normalise(str(publ)) != normalise(str(item["octavo"])), "same as Publ's: stale"
