"""Feed documents (RSS, Atom, JSON Feed) read into plain items.

RSS and Atom go through feedparser; JSON Feed is plain JSON read here.
Nothing is sanitised yet: that happens when an item becomes an entry file.
"""

from __future__ import annotations

import calendar
import datetime as dt
import email.utils
import hashlib
import io
import json
import xml.sax
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import feedparser

from octavo.markup.filters import strip_html

_JSON_TYPES = ("application/feed+json", "application/json")


class NotAFeed(Exception):
    """The document is not a feed Octavo can read; the message says why."""


@dataclass(frozen=True)
class FeedItem:
    """One item as the feed gives it."""

    guid: str
    link: str | None
    title: str
    date: dt.datetime | None
    tags: tuple[str, ...]
    html: str | None
    text: str | None
    guid_declared: bool = True

    @property
    def size(self) -> int:
        return len((self.html or self.text or "").encode("utf-8", "surrogatepass"))


@dataclass
class ParsedFeed:
    items: list[FeedItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def parse_feed(body: bytes, content_type: str, url: str) -> ParsedFeed:
    """Read a feed document; raise NotAFeed when it is none (or broken XML)."""
    if content_type in _JSON_TYPES or body.lstrip()[:1] == b"{":
        return _json_feed(body, url)
    return _xml_feed(body, content_type, url)


def _xml_feed(body: bytes, content_type: str, url: str) -> ParsedFeed:
    # A stream, never bytes: feedparser would open bytes that look like a path or URL.
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers={
            "content-type": content_type or "application/xml",
            "content-location": url,
        },
        sanitize_html=False,
        resolve_relative_uris=True,
    )
    error = parsed.get("bozo_exception")
    if isinstance(error, xml.sax.SAXException):
        raise NotAFeed(f"{url}: broken XML ({error}); nothing imported")
    if not parsed.get("version"):
        raise NotAFeed(f"{url}: not an RSS, Atom or JSON feed (content type {content_type!r})")
    result = ParsedFeed()
    if error is not None:
        result.warnings.append(f"{url}: {error}")
    for entry in parsed.entries:
        html, text = _xml_content(entry)
        result.items.append(
            _item(
                entry.get("id"),
                entry.get("link"),
                _xml_title(entry),
                _xml_date(entry),
                [tag.get("term") or tag.get("label") for tag in entry.get("tags") or ()],
                html,
                text,
            )
        )
    return result


def _xml_title(entry: Mapping[str, Any]) -> str:
    title = entry.get("title") or ""
    detail = entry.get("title_detail") or {}
    if "html" in (detail.get("type") or ""):
        return str(strip_html(title))
    return str(title)


def _xml_content(entry: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The fullest body the item has: its content, else its summary; HTML or text."""
    for part in entry.get("content") or ():
        return _typed(part.get("type"), part.get("value"))
    if entry.get("summary") is not None:
        detail = entry.get("summary_detail") or {}
        return _typed(detail.get("type"), entry.get("summary"))
    return None, None


def _typed(kind: str | None, value: str | None) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if kind and "html" in kind:
        return value, None
    return None, value


def _xml_date(entry: Mapping[str, Any]) -> dt.datetime | None:
    """The item's date with the offset it was written with (feedparser keeps only UTC)."""
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if raw:
            moment = parse_feed_date(raw)
            if moment is not None:
                return moment
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC)
    return None


def parse_feed_date(raw: str) -> dt.datetime | None:
    """An RFC 822 or RFC 3339 date, keeping its offset; naive values are taken as UTC."""
    text = raw.strip()
    moment: dt.datetime | None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            moment = None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def _json_feed(body: bytes, url: str) -> ParsedFeed:
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as err:
        raise NotAFeed(f"{url}: broken JSON ({err}); nothing imported") from None
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise NotAFeed(f"{url}: JSON without a JSON Feed 'version'; not a feed")
    items = document.get("items")
    if not isinstance(items, list):
        raise NotAFeed(f"{url}: JSON Feed without an 'items' list")
    result = ParsedFeed()
    for position, raw in enumerate(items):
        if not isinstance(raw, dict):
            result.warnings.append(f"{url}: item {position} is not an object; skipped")
            continue
        date_text = raw.get("date_published") or raw.get("date_modified")
        date = parse_feed_date(date_text) if isinstance(date_text, str) else None
        tags = raw.get("tags")
        tags = tags if isinstance(tags, list) else []
        result.items.append(
            _item(
                _text(raw.get("id")),
                _text(raw.get("url")) or _text(raw.get("external_url")),
                _text(raw.get("title")) or "",
                date,
                [_text(tag) for tag in tags],
                _text(raw.get("content_html")),
                _text(raw.get("content_text")) or _text(raw.get("summary")),
            )
        )
    return result


def _text(value: object) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


def _item(
    guid: str | None,
    link: str | None,
    title: str,
    date: dt.datetime | None,
    tags: list[str | None],
    html: str | None,
    text: str | None,
) -> FeedItem:
    """An item whose GUID falls back to its link, then to a hash of what it says."""
    declared = bool(guid and guid.strip())
    if not declared:
        guid = (
            link
            or "sha256:"
            + hashlib.sha256(
                "\0".join([title, date.isoformat() if date else "", html or text or ""]).encode()
            ).hexdigest()
        )
    return FeedItem(
        guid=str(guid).strip(),
        link=link.strip() if link else None,
        title=title,
        date=date,
        tags=tuple(tag for tag in tags if tag),
        html=html if html is not None else None,
        text=text if html is None else None,
        guid_declared=declared,
    )
