"""A feed item as a Publ entry file: headers, then sanitised HTML or escaped Markdown.

Rendering is deterministic (same item, same options: same bytes), so an
unchanged item is recognised by its bytes and a re-run rewrites nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

from octavo.content.message import parse_message
from octavo.content.problems import ContentError
from octavo.content.reader import decode_text
from octavo.content.slugs import slugify
from octavo.sync.clean import clean_html, header_value, text_to_markdown
from octavo.sync.items import FeedItem

#: Namespace of the UUIDs derived from feed item GUIDs (pinned: changing it changes every
#: imported entry's UUID, hence its feed identity).
ITEM_NAMESPACE = uuid.UUID("0c7a5e1d-2f6b-5a94-8e3c-71d4b9a0f2e6")

#: Headers the importer writes itself; a template cannot set them.
GENERATED = ("title", "date", "uuid", "status", "syndication", "tag")


class TemplateError(ValueError):
    """The --template-headers file cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class EntryOptions:
    status: str = "PUBLISHED"
    tags: tuple[str, ...] = ()
    template: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class EntryBody:
    """The item's body made safe, and the file type it needs."""

    text: str
    suffix: str  # ".html" or ".md"


def item_uuid(guid: str) -> str:
    """The stable UUID of a feed item, from its GUID alone."""
    return str(uuid.uuid5(ITEM_NAMESPACE, guid))


def match_key(item: FeedItem) -> str | None:
    """What recognises an item whose GUID changed and that has no link: its title and date
    (None when it has neither: nothing then tells it apart from another)."""
    if not item.title or item.date is None:
        return None
    return hashlib.sha256(f"{item.title}\0{item.date.isoformat()}".encode()).hexdigest()[:32]


def entry_body(item: FeedItem) -> EntryBody:
    if item.html is not None:
        return EntryBody(clean_html(item.html, item.link), ".html")
    return EntryBody(text_to_markdown(item.text or ""), ".md")


def render_entry(
    item: FeedItem, body: str, item_id: str, date: dt.datetime, options: EntryOptions
) -> bytes:
    """The entry file's bytes."""
    headers: list[tuple[str, str]] = []
    title = header_value(item.title)
    if title:
        headers.append(("Title", title))
    headers.append(("Date", date.isoformat(sep=" ", timespec="seconds")))
    headers.append(("UUID", item_id))
    if options.status != "PUBLISHED":
        headers.append(("Status", options.status))
    if item.link:
        headers.append(("Syndication", header_value(item.link, limit=2000)))
    tags = dict.fromkeys(filter(None, (header_value(t, 100) for t in (*item.tags, *options.tags))))
    headers += [("Tag", tag) for tag in tags]
    headers += list(options.template)
    lines = "".join(f"{name}: {value}\n" for name, value in headers)
    return f"{lines}\n{body}\n".encode()


def file_stem(item: FeedItem, date: dt.datetime, item_id: str) -> str:
    """``YYYYMMDD-title-slug``; ``YYYYMMDD-item-<uuid>`` when the title makes no slug."""
    slug = slugify(header_value(item.title), to_lower=True, max_length=60).strip(".-")
    return f"{date:%Y%m%d}-{slug or 'item-' + item_id[:8]}"


def read_template(path: str) -> tuple[tuple[str, str], ...]:
    """The headers of a template file (its body, if any, is ignored)."""
    try:
        with open(path, "rb") as handle:
            message = parse_message(path, decode_text(path, handle.read(), allow_empty=True))
    except OSError as err:
        raise TemplateError(f"{path}: cannot read the template headers ({err.strerror})") from None
    except ContentError as err:
        raise TemplateError(str(err.problem)) from None
    found = []
    for header in message.headers:
        if header.name.lower() in GENERATED:
            raise TemplateError(
                f"{path}:{header.line}: {header.name} is written by the importer itself"
            )
        found.append((header.name, header_value(header.value, limit=2000)))
    return tuple(found)
