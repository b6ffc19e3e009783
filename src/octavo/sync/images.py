"""Downloading an entry's images beside it (``--download-images``), size-capped.

Image URLs come from someone else's content, so a download is made only from
the feed's own host or from hosts whose every address is public: a feed cannot
point the server at its own private network. Only JPEG, PNG, GIF and WebP bytes
are kept; anything else leaves the remote URL in place, with a warning.
"""

from __future__ import annotations

import hashlib
import html
import ipaddress
import os
import re
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from octavo.sync.fetch import FetchError, fetch

_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')
_SIGNATURES = (
    (b"\xff\xd8\xff", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
)


@dataclass
class LocalImages:
    """The HTML with downloaded images pointing at their files, and the files to write."""

    html: str
    files: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes
    warnings: list[str] = field(default_factory=list)


def image_suffix(data: bytes) -> str | None:
    """The file suffix the bytes' own signature calls for, or None if not an image."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    for signature, suffix in _SIGNATURES:
        if data.startswith(signature):
            return suffix
    return None


def download_images(
    html_text: str, folder: str, stem: str, feed_url: str, timeout: float, max_bytes: int
) -> LocalImages:
    """Fetch each ``<img src>`` of sanitised HTML into `folder` as ``<stem>-<hash><suffix>``.

    A file already there (an earlier run) is reused, not fetched again.
    """
    result = LocalImages(html_text)
    local: dict[str, str] = {}
    for url in dict.fromkeys(html.unescape(m.group(2)) for m in _IMG_SRC.finditer(html_text)):
        name = _download(url, folder, stem, feed_url, timeout, max_bytes, result)
        if name:
            local[url] = name

    def replace(match: re.Match[str]) -> str:
        name = local.get(html.unescape(match.group(2)))
        return f"{match.group(1)}{html.escape(name)}{match.group(3)}" if name else match.group(0)

    result.html = _IMG_SRC.sub(replace, html_text)
    return result


def _download(
    url: str,
    folder: str,
    stem: str,
    feed_url: str,
    timeout: float,
    max_bytes: int,
    result: LocalImages,
) -> str | None:
    key = hashlib.sha256(url.encode()).hexdigest()[:10]
    for known in (".jpg", ".png", ".gif", ".webp"):
        if os.path.exists(os.path.join(folder, f"{stem}-{key}{known}")):
            return f"{stem}-{key}{known}"
    refusal = _refuse_host(url, feed_url)
    if refusal:
        result.warnings.append(f"image {url}: {refusal}; left as a remote link")
        return None
    try:
        data = fetch(url, timeout, max_bytes, accept="image/*").body or b""
    except FetchError as err:
        result.warnings.append(f"image not downloaded: {err}; left as a remote link")
        return None
    suffix = image_suffix(data)
    if suffix is None:
        result.warnings.append(f"image {url}: not a JPEG, PNG, GIF or WebP; left as a remote link")
        return None
    name = f"{stem}-{key}{suffix}"
    result.files[name] = data
    return name


def _refuse_host(url: str, feed_url: str) -> str | None:
    """Why an image URL may not be fetched, or None when it may."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an http(s) URL"
    if parts.hostname == urlsplit(feed_url).hostname:
        return None
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(parts.hostname, None)}
    except (OSError, UnicodeError) as err:
        return f"cannot resolve its host ({err})"
    for address in addresses:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            return f"its host {parts.hostname} has a non-public address ({address})"
    return None
