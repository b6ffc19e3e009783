"""The recorded fixture site: each entry as Octavo's markup layer sees it."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from octavo.content.entry import split_payload
from octavo.content.message import parse_message
from octavo.markup.context import EntryContext
from octavo.markup.entry import EntryMarkup, EntrySource
from octavo.markup.memo import RenderCache
from tests.unit.markup.fakes import CONTENT, SITE, FakeImages, FakeLinks

EXPECTED = SITE / "expected"


@cache
def links() -> FakeLinks:
    return FakeLinks(FakeImages())


def expected_ids() -> list[int]:
    return sorted(int(p.stem) for p in EXPECTED.glob("*.json"))


def expected(entry_id: int) -> dict[str, Any]:
    return json.loads((EXPECTED / f"{entry_id}.json").read_text(encoding="utf-8"))


def entry_markup(entry_id: int, cache: RenderCache[Any] | None = None) -> EntryMarkup:
    """The entry's markup object, wired to the fakes, as the web layer would build it."""
    record = json.loads((SITE / "site.json").read_text(encoding="utf-8"))["entries"][str(entry_id)]
    path = Path(CONTENT / record["path"])
    message = parse_message(str(path), path.read_text(encoding="utf-8"))
    text = split_payload(message.payload)
    source = EntrySource(
        entry_id=entry_id,
        digest=str(hash(path.read_bytes())),
        body=text.body,
        more=text.more,
        is_markdown=path.suffix == ".md",
        summary=message.get("Summary"),
    )
    context = EntryContext(
        entry_id=entry_id,
        search_path=(os.path.dirname(record["path"]), record["category"]),
        links=links(),
        images=links().images,
        link=record["link"],
        link_absolute=record["link_absolute"],
    )
    return EntryMarkup(source, context, cache=cache)


def title_of(entry_id: int) -> str:
    record = json.loads((SITE / "site.json").read_text(encoding="utf-8"))["entries"][str(entry_id)]
    path = Path(CONTENT / record["path"])
    return parse_message(str(path), path.read_text(encoding="utf-8")).get("Title") or ""


def markup_of(
    body: str,
    more: str = "",
    *,
    is_markdown: bool = True,
    summary: str | None = None,
    layout: dict[str, Any] | None = None,
    cache: RenderCache[Any] | None = None,
    entry_id: int = 7,
) -> EntryMarkup:
    """An entry made up in a test, at the fixture content root, linking to ``/e/7``."""
    source = EntrySource(entry_id, str(hash((body, more))), body, more, is_markdown, summary)
    context = EntryContext(entry_id, ("", ""), links(), links().images, "/e/7", BASE + "e/7")
    return EntryMarkup(source, context, layout=layout, cache=cache)


BASE = "http://example.test/"
