"""Identities as strings that compare equal when they name the same person."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Any


def canonical_identity(identity: str) -> str:
    """Host lower-cased and an empty path made `/` (`https://Example.com` and
    `https://example.com/` are one person); other schemes are kept as they are."""
    parsed = urllib.parse.urlparse(identity.strip())
    if not parsed.netloc:
        return identity.strip()
    return urllib.parse.urlunparse(
        parsed._replace(netloc=parsed.netloc.casefold(), path=parsed.path or "/")
    )


def humanize(identity: str, profile: Mapping[str, Any]) -> str:
    """The profile URL (or the identity) without ``http(s)://``; other schemes are kept."""
    url = str(profile.get("profile_url") or identity)
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme in ("http", "https"):
        return parsed.netloc + parsed.path
    return url
