"""The site's ``syndicate`` feed list and ``git_*`` keys, checked and settled.

A bad feed entry is reported (naming its position and key) and left out;
the other feeds and the site carry on.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

#: Statuses an imported entry may be given.
IMPORT_STATUSES = ("PUBLISHED", "DRAFT", "HIDDEN")

_AUTHOR = re.compile(r"^\s*([^<>\n]+?)\s*<([^<>\s]+@[^<>\s]*|[^<>\s]+)>\s*$")


class SettingsError(ValueError):
    """A syndication or git setting is unusable; the message names it."""


@dataclass(frozen=True)
class FeedSpec:
    """One feed to import, and how (the CLI options and the config keys alike)."""

    url: str
    category: str
    interval: float = 3600.0
    status: str = "PUBLISHED"
    tags: tuple[str, ...] = ()
    template_headers: str | None = None
    download_images: bool = False
    image_max_bytes: int = 5 * 1024 * 1024
    max_bytes: int = 20 * 1024 * 1024
    item_max_bytes: int = 1024 * 1024
    timeout: float = 20.0
    jitter: float = 0.1
    git_commit: bool = False
    git_push: bool = False

    @property
    def key(self) -> str:
        """What identifies this feed's schedule and fetch state."""
        return f"{self.category}\0{self.url}"


@dataclass(frozen=True)
class GitSettings:
    """Whom commits are by, and where pushes go (None: the checked-out branch)."""

    author_name: str = "Octavo"
    author_email: str = "octavo@localhost"
    remote: str = "origin"
    branch: str | None = None


@dataclass(frozen=True)
class SyncSettings:
    feeds: tuple[FeedSpec, ...] = ()
    git: GitSettings = field(default_factory=GitSettings)


def sync_settings(values: Mapping[str, Any], root: str) -> SyncSettings:
    """Read ``syndicate`` and the ``git_*`` keys; raise SettingsError naming a bad one (a
    configuration mistake stops the site at start-up, like any other)."""
    listed = values.get("syndicate") or []
    if not isinstance(listed, Sequence) or isinstance(listed, str):
        raise SettingsError("config key 'syndicate' must be a list of feeds")
    feeds = []
    for position, raw in enumerate(listed):
        try:
            feeds.append(feed_spec(raw, root))
        except SettingsError as err:
            raise SettingsError(f"config key 'syndicate', feed {position + 1}: {err}") from None
    keys = [feed.key for feed in feeds]
    if len(set(keys)) != len(keys):
        raise SettingsError("config key 'syndicate' lists the same feed and category twice")
    return SyncSettings(tuple(feeds), git_settings(values))


def git_settings(values: Mapping[str, Any]) -> GitSettings:
    author = str(values.get("git_author") or "Octavo <octavo@localhost>")
    match = _AUTHOR.match(author)
    if not match:
        raise SettingsError(
            f"config key 'git_author' must look like 'Name <email>', not {author!r}"
        )
    branch = values.get("git_branch")
    return GitSettings(
        author_name=match.group(1),
        author_email=match.group(2),
        remote=str(values.get("git_remote") or "origin"),
        branch=str(branch) if branch else None,
    )


_FEED_KEYS = {
    "url",
    "category",
    "interval",
    "status",
    "tags",
    "template_headers",
    "download_images",
    "image_max_bytes",
    "max_bytes",
    "item_max_bytes",
    "timeout",
    "jitter",
    "git_commit",
    "git_push",
}


def feed_spec(raw: object, root: str) -> FeedSpec:
    """One feed from a config mapping (or from the CLI's options, given as one)."""
    if not isinstance(raw, Mapping):
        raise SettingsError("each feed must be a mapping with at least 'url' and 'category'")
    unknown = sorted(set(raw) - _FEED_KEYS)
    if unknown:
        raise SettingsError(f"unknown keys {', '.join(map(repr, unknown))}")
    status = str(raw.get("status") or "PUBLISHED").upper()
    if status not in IMPORT_STATUSES:
        raise SettingsError(f"'status' must be one of {', '.join(IMPORT_STATUSES)}, not {status!r}")
    tags = raw.get("tags") or ()
    if isinstance(tags, str):
        tags = (tags,)
    template = raw.get("template_headers")
    return FeedSpec(
        url=feed_url(raw.get("url")),
        category=category_path(raw.get("category")),
        interval=_number(raw, "interval", 3600.0, minimum=60.0),
        status=status,
        tags=tuple(str(tag) for tag in tags),
        template_headers=os.path.join(root, str(template)) if template else None,
        download_images=bool(raw.get("download_images", False)),
        image_max_bytes=int(_number(raw, "image_max_bytes", 5 * 1024 * 1024, minimum=1)),
        max_bytes=int(_number(raw, "max_bytes", 20 * 1024 * 1024, minimum=1)),
        item_max_bytes=int(_number(raw, "item_max_bytes", 1024 * 1024, minimum=1)),
        timeout=_number(raw, "timeout", 20.0, minimum=0.1),
        jitter=_number(raw, "jitter", 0.1, minimum=0.0),
        git_commit=bool(raw.get("git_commit", False)) or bool(raw.get("git_push", False)),
        git_push=bool(raw.get("git_push", False)),
    )


def feed_url(value: object) -> str:
    url = str(value or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"'url' must be an http or https URL, not {url!r}")
    return url


def category_path(value: object) -> str:
    """A category folder inside the content folder (``/photos/`` is ``photos``), refusing
    any way out of it."""
    if value is None:
        raise SettingsError("'category' is required (use '/' for the content folder itself)")
    text = str(value).replace("\\", "/").strip()
    if re.match(r"^[A-Za-z]:", text):
        raise SettingsError(f"'category' must be a folder of the content folder, not {text!r}")
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if any(part == ".." or "\0" in part or part.startswith(".") for part in parts):
        raise SettingsError(f"'category' {text!r} leaves the content folder or names a dot folder")
    return posixpath.join(*parts) if parts else ""


def _number(raw: Mapping[str, Any], key: str, default: float, minimum: float) -> float:
    value = raw.get(key, default)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SettingsError(f"'{key}' must be a number, not {value!r}") from None
    if number < minimum:
        raise SettingsError(f"'{key}' must be at least {minimum:g}, not {number:g}")
    return number
