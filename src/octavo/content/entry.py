"""Entry files (``.md``, ``.htm``, ``.html``) parsed into plain records."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field

from octavo.content.aliases import Alias, AliasKind, parse_alias
from octavo.content.dates import EntryDate, from_timestamp, parse_date
from octavo.content.limits import NAME, PATH, check_aliases, check_headers, check_value
from octavo.content.message import Message, parse_message
from octavo.content.paths import category_of, normalize_category
from octavo.content.problems import ContentError, Problem, Severity
from octavo.content.reader import decode_text
from octavo.content.references import file_references
from octavo.content.slugs import slugify, tag_key
from octavo.content.status import Status, parse_status
from octavo.content.titles import plain_title

# The cut between `body` and `more`: the first line made of exactly five dots.
_CUT = re.compile(r"^\.\.\.\.\.$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class TagRef:
    """A tag as one entry declares it."""

    key: str
    name: str
    hidden: bool


@dataclass(frozen=True)
class EntryText:
    """The two halves of an entry's payload, split at the ``.....`` line."""

    body: str
    more: str


NO_TEXT = EntryText("", "")


@dataclass
class EntryRecord:
    """Everything the index keeps about one entry file, its text included (pages render
    from the index, so any instance can serve any indexed entry)."""

    path: str
    category: str
    status: Status
    date: EntryDate
    date_is_fallback: bool
    last_modified: EntryDate
    explicit_id: int | None
    explicit_uuid: str | None
    title: str
    sort_title: str
    slug_text: str
    entry_type: str
    redirect_url: str | None
    entry_template: str | None
    summary: str | None
    content_type: str | None
    canonical_path: str | None
    auth: str | None
    aliases: list[Alias] = field(default_factory=list)
    tags: list[TagRef] = field(default_factory=list)
    attach: list[str] = field(default_factory=list)
    #: Local files the entry refers to, as written (octavo.content.references).
    references: list[str] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    #: The payload (source markup): the index keeps it (pages render from the index, never
    #: from the file) and derives the full-text search from it.
    text: EntryText = NO_TEXT


def split_payload(payload: str) -> EntryText:
    """Split at the first line of exactly five dots; both halves are stripped."""
    match = _CUT.search(payload)
    if not match:
        return EntryText(payload.strip(), "")
    return EntryText(payload[: match.start()].strip(), payload[match.end() :].strip())


def parse_entry(path: str, data: bytes, site_tz: dt.tzinfo, file_mtime: float) -> EntryRecord:
    """Parse an entry file's bytes; raise ContentError when it cannot be indexed."""
    message = parse_message(path, decode_text(path, data))
    return _EntryParser(path, message, site_tz, file_mtime).record()


class _EntryParser:
    """Reads headers one concern at a time, collecting warnings as it goes."""

    def __init__(self, path: str, message: Message, site_tz: dt.tzinfo, mtime: float) -> None:
        self.path = path
        self.message = message
        self.site_tz = site_tz
        self.mtime = mtime
        self.warnings: list[Problem] = []

    def warn(self, header: str, message: str) -> None:
        found = self.message.find(header)
        line = found.line if found else None
        self.warnings.append(Problem(self.path, message, line, Severity.WARNING))

    def fail(self, header: str, message: str) -> ContentError:
        found = self.message.find(header)
        return ContentError(self.path, message, found.line if found else None)

    def record(self) -> EntryRecord:
        get = self.message.get
        status = self.status()
        date, date_is_fallback = self.date()
        title = get("Title", "") or ""
        slug_source = get("Slug-Text")
        canonical = self.message.get_all("Path-Canonical")
        self.check_limits()
        return EntryRecord(
            path=self.path,
            category=normalize_category(get("Category") or category_of(self.path)),
            status=status,
            date=date,
            date_is_fallback=date_is_fallback,
            last_modified=self.last_modified(date),
            explicit_id=self.explicit_id(),
            explicit_uuid=self.explicit_uuid(),
            title=title,
            sort_title=get("Sort-Title") or title,
            slug_text=slugify(plain_title(title) if slug_source is None else slug_source),
            entry_type=get("Entry-Type", "") or "",
            redirect_url=get("Redirect-To") or None,
            entry_template=get("Entry-Template") or None,
            summary=get("Summary"),
            content_type=get("Content-Type") or None,
            canonical_path=self.canonical_path(canonical),
            auth=self.auth(),
            aliases=self.aliases(canonical),
            tags=self.tags(),
            attach=[v for v in self.message.get_all("Attach") if v],
            references=file_references(self.message.payload, self.message.headers),
            headers=[(h.name, h.value) for h in self.message.headers],
            warnings=self.warnings,
            text=split_payload(self.message.payload),
        )

    def check_limits(self) -> None:
        """Values the index could not store are errors naming their header's line."""
        limits = {
            "Category": PATH,
            "Entry-Type": NAME,
            "Entry-Template": NAME,
            "Content-Type": NAME,
        }
        check_headers(self.path, self.message, limits)
        for header in self.message.headers:
            if header.name.lower() in ("tag", "hidden-tag"):
                name = header.value.strip()
                check_value(self.path, "tag", name, NAME, header.line)
                check_value(self.path, "tag key", tag_key(name), NAME, header.line)
        auth = self.message.find("Auth")
        if auth is not None:
            for token in auth.value.split():
                check_value(self.path, "Auth principal", token.removeprefix("!"), NAME, auth.line)
        check_aliases(self.path, self.message, ("Path-Alias", "Path-Mount", "Path-Canonical"))

    def status(self) -> Status:
        value = self.message.get("Status")
        if value is None:
            return Status.SCHEDULED
        try:
            return parse_status(value)
        except ValueError as err:
            raise self.fail("Status", str(err)) from None

    def date(self) -> tuple[EntryDate, bool]:
        value = self.message.get("Date")
        if value is None or not value.strip():
            return from_timestamp(self.mtime, self.site_tz), True
        try:
            return parse_date(value, self.site_tz), False
        except ValueError as err:
            raise self.fail("Date", str(err)) from None

    def last_modified(self, date: EntryDate) -> EntryDate:
        value = self.message.get("Last-Modified")
        if not value:
            return date
        try:
            return parse_date(value, self.site_tz)
        except ValueError as err:
            self.warn("Last-Modified", f"{err}; using the entry's Date instead")
            return date

    def explicit_id(self) -> int | None:
        value = self.message.get("Entry-ID")
        if value is None:
            return None
        try:
            number = int(value.strip())
        except ValueError:
            number = 0
        if number < 1 or number >= 2**63:
            self.warn("Entry-ID", f"Entry-ID {value.strip()!r} is not a positive integer; ignored")
            return None
        return number

    def explicit_uuid(self) -> str | None:
        value = self.message.get("UUID")
        if value is None:
            return None
        try:
            return str(uuid.UUID(value.strip()))
        except ValueError:
            self.warn("UUID", f"UUID {value.strip()!r} is not a valid UUID; ignored")
            return None

    def auth(self) -> str | None:
        value = self.message.get("Auth")
        if value is None:
            return None
        return " ".join(value.split()) or None

    def canonical_path(self, values: list[str]) -> str | None:
        first = parse_alias(values[0], AliasKind.MOUNT) if values else None
        return first.path if first else None

    def aliases(self, canonical: list[str]) -> list[Alias]:
        found: list[Alias] = []
        sources = [
            (AliasKind.REDIRECT, self.message.get_all("Path-Alias")),
            (AliasKind.MOUNT, self.message.get_all("Path-Mount")),
            (AliasKind.MOUNT, canonical),
        ]
        for kind, values in sources:
            found.extend(alias for v in values if (alias := parse_alias(v, kind)))
        return found

    def tags(self) -> list[TagRef]:
        """Visible tags win over hidden ones with the same key; duplicates collapse."""
        chosen: dict[str, TagRef] = {}
        for header in self.message.headers:
            hidden = header.name.lower() == "hidden-tag"
            if not hidden and header.name.lower() != "tag":
                continue
            name = header.value.strip()
            key = tag_key(name)
            if not key:
                continue
            existing = chosen.get(key)
            if existing is None or (existing.hidden and not hidden):
                chosen[key] = TagRef(key, name, hidden)
        return list(chosen.values())
