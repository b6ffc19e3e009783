"""What the markup layer knows about the entry being rendered, handed in by the caller."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from octavo.common.protocols import ImageFinder, LinkResolver


@dataclass(frozen=True)
class EntryContext:
    """The entry's identity and its seams to the rest of the site.

    `search_path` is what relative links and images are resolved against (the
    entry's folder, then its category's folder, content-relative); `link` and
    `link_absolute` are the entry's own URL, the default base of its footnote,
    heading and code-line anchors.
    """

    entry_id: int
    search_path: Sequence[str]
    links: LinkResolver
    images: ImageFinder
    link: str
    link_absolute: str

    def own_link(self, absolute: bool) -> str:
        return self.link_absolute if absolute else self.link
