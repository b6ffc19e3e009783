"""Building HTML tags with Publ's attribute rules, so attribute output matches byte for byte."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup

Attrs = Mapping[str, Any] | Iterable[tuple[str, Any]]


def escape_attr(value: Any) -> str:
    """Escape an attribute value; Markup values are already safe and go in as they are."""
    if isinstance(value, Markup):
        return str(value)
    return html.escape(str(value), quote=False).replace('"', "&#34;")


def make_tag(name: str, attrs: Attrs | None = None, start_end: bool = False) -> str:
    """``<name a="v" …>``: a False value drops the attribute, None writes it bare."""
    pairs = list(attrs.items() if isinstance(attrs, Mapping) else (attrs or ()))
    parts = [f"<{name}"]
    for key, value in pairs:
        if value is False:
            continue
        parts.append(f" {key}" if value is None else f' {key}="{escape_attr(value)}"')
    if start_end:
        parts.append(" /" if pairs else "/")
    parts.append(">")
    return "".join(parts)


def error_span(message: str) -> str:
    """An error shown in place of what could not be rendered; `message` is HTML."""
    return f'<span class="error">{message}</span>'


def image_not_found(path: str) -> str:
    """The error shown in place of an image whose file does not exist."""
    hint = " (Did you forget a <code>|</code>?)" if " " in path else ""
    return error_span(f"Image not found: <code>{html.escape(path)}</code>{hint}")
