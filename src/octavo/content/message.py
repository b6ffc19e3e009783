"""E-mail style header blocks: ``Name: value`` lines, a blank line, then the payload.

Written by hand rather than with :mod:`email` so that every header keeps the
line it came from, for error messages, and so that malformed headers are
reported instead of silently becoming the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from octavo.content.problems import ContentError

# A header name is printable ASCII without spaces or colons (RFC 5322 ftext).
_HEADER_LINE = re.compile(r"^([\x21-\x39\x3b-\x7e]+):(.*)$")


@dataclass(frozen=True, slots=True)
class Header:
    """One header as written: its name, unfolded value and 1-based line."""

    name: str
    value: str
    line: int


@dataclass
class Message:
    """A parsed file: headers in order, and the payload after the blank line."""

    headers: list[Header] = field(default_factory=list)
    payload: str = ""
    payload_line: int = 1
    _by_name: dict[str, list[Header]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for header in self.headers:
            self._by_name.setdefault(header.name.lower(), []).append(header)

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of a header, matched case-insensitively."""
        found = self._by_name.get(name.lower())
        return found[0].value if found else default

    def get_all(self, name: str) -> list[str]:
        """Every value of a repeatable header, in file order."""
        return [h.value for h in self._by_name.get(name.lower(), ())]

    def find(self, name: str) -> Header | None:
        """The first header of that name, with its line number."""
        found = self._by_name.get(name.lower())
        return found[0] if found else None


def parse_message(path: str, text: str) -> Message:
    """Split text into headers and payload.

    A file whose first line is not a header has no headers at all (its whole
    text is the payload), as with an e-mail parser. A non-header line inside
    the header block is an error naming that line.
    """
    end = text.find("\n\n")
    lines = (text if end < 0 else text[: end + 1]).split("\n")
    if not _HEADER_LINE.match(lines[0]):
        return Message(payload=text.strip("\n"), payload_line=1)
    headers: list[Header] = []
    name, parts, start, offset = "", [""], 0, 0
    for number, line in enumerate(lines, 1):
        if not line.strip():  # a blank (or whitespace-only) line ends the header block
            break
        offset += len(line) + 1
        if line[0] in " \t":
            parts.append(line)
            continue
        match = _HEADER_LINE.match(line)
        if not match:
            raise ContentError(
                path, f"malformed header line {line[:60]!r} (expected 'Name: value')", number
            )
        if name:
            headers.append(Header(name, _unfold(parts), start))
        name, parts, start = match.group(1), [match.group(2)], number
    headers.append(Header(name, _unfold(parts), start))
    blank_end = text.find("\n", offset)
    payload = "" if blank_end < 0 else text[blank_end + 1 :]
    return Message(headers=headers, payload=payload, payload_line=text.count("\n", 0, offset) + 2)


def _unfold(parts: list[str]) -> str:
    """Join a header's continuation lines the way RFC 5322 unfolding does."""
    if len(parts) == 1:
        return parts[0].strip()
    return " ".join(part.strip() for part in parts if part.strip())
