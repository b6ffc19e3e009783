"""Feed documents for the tests, written out by hand in each format (never by the code under test).

An item is a dict: ``id``, ``link``, ``title``, ``date`` (the raw date text the format
uses), ``html`` or ``text``, ``tags``; any key may be missing.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

Item = dict[str, Any]


def rss(items: list[Item], title: str = "A feed") -> bytes:
    parts = []
    for item in items:
        fields = []
        if "title" in item:
            fields.append(f"<title>{escape(item['title'])}</title>")
        if "link" in item:
            fields.append(f"<link>{escape(item['link'])}</link>")
        if "id" in item:
            fields.append(f'<guid isPermaLink="false">{escape(item["id"])}</guid>')
        if "date" in item:
            fields.append(f"<pubDate>{item['date']}</pubDate>")
        for tag in item.get("tags", ()):
            fields.append(f"<category>{escape(tag)}</category>")
        if "html" in item:
            fields.append(f"<description>{escape(item['html'])}</description>")
        parts.append("<item>" + "".join(fields) + "</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.com/</link>"
        "<description>d</description>" + "".join(parts) + "</channel></rss>"
    ).encode()


def atom(items: list[Item], title: str = "A feed") -> bytes:
    parts = []
    for item in items:
        fields = []
        if "id" in item:
            fields.append(f"<id>{escape(item['id'])}</id>")
        fields.append(f"<title>{escape(item.get('title', ''))}</title>")
        if "link" in item:
            fields.append(f'<link rel="alternate" href="{escape(item["link"])}"/>')
        if "date" in item:
            fields.append(f"<published>{item['date']}</published><updated>{item['date']}</updated>")
        for tag in item.get("tags", ()):
            fields.append(f'<category term="{escape(tag)}"/>')
        if "html" in item:
            fields.append(f'<content type="html">{escape(item["html"])}</content>')
        elif "text" in item:
            fields.append(f'<content type="text">{escape(item["text"])}</content>')
        parts.append("<entry>" + "".join(fields) + "</entry>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test:feed</id>"
        "<updated>2024-01-01T00:00:00Z</updated>" + "".join(parts) + "</feed>"
    ).encode()


def json_feed(items: list[Item], title: str = "A feed") -> bytes:
    document: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "items": [],
    }
    for item in items:
        entry: dict[str, Any] = {}
        for ours, theirs in (
            ("id", "id"),
            ("link", "url"),
            ("title", "title"),
            ("date", "date_published"),
            ("html", "content_html"),
            ("text", "content_text"),
            ("tags", "tags"),
        ):
            if ours in item:
                entry[theirs] = item[ours]
        document["items"].append(entry)
    return json.dumps(document).encode()
