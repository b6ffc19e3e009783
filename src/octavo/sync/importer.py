"""One run of one feed: fetch, decide item by item, write, and (when asked) commit and push.

Each item is new (a file is written), changed (its file is rewritten in
place), unchanged, or left alone with the reason reported: edited or deleted
by a person since it was imported, too large, a duplicate GUID, a name that
would leave the folder. A run that fails part-way takes its writes back.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Literal

from octavo.content.fingerprint import digest
from octavo.content.message import parse_message
from octavo.content.paths import ENTRY_SUFFIXES
from octavo.content.problems import ContentError
from octavo.content.reader import decode_text
from octavo.sync.entryfile import (
    EntryOptions,
    TemplateError,
    entry_body,
    file_stem,
    item_uuid,
    match_key,
    read_template,
    render_entry,
)
from octavo.sync.fetch import FetchError, fetch
from octavo.sync.files import read_or_none, take_back, write_all
from octavo.sync.images import download_images
from octavo.sync.items import FeedItem, NotAFeed, parse_feed
from octavo.sync.ledger import LEDGER_NAME, Ledger, LedgerError, LedgerRecord, is_plain_name
from octavo.sync.settings import FeedSpec, GitSettings
from octavo.sync.state import FetchState
from octavo.sync.writeback import CommitResult, WriteBack, WriteBackError

#: An item dated further ahead than this is taken as wrongly dated.
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/feed+json, "
    "application/xml;q=0.9, */*;q=0.5"
)

Action = Literal["new", "update", "unchanged", "skip"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one item; `where` is its file (content-relative) or its GUID."""

    action: Action
    where: str
    reason: str = ""


@dataclass
class ImportReport:
    url: str
    category: str
    dry_run: bool = False
    not_modified: bool = False
    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # content-relative paths
    commit: CommitResult | None = None
    error: str | None = None

    def count(self, action: Action) -> int:
        return sum(1 for outcome in self.outcomes if outcome.action == action)

    def summary(self) -> str:
        if self.error:
            return f"{self.url}: not imported: {self.error}"
        if self.not_modified:
            return f"{self.url}: not modified since the last import"
        verb = "would import" if self.dry_run else "imported"
        text = (
            f"{self.url} -> {self.category or '.'}: {verb} {self.count('new')} new, "
            f"{self.count('update')} updated; {self.count('unchanged')} unchanged, "
            f"{self.count('skip')} left alone"
        )
        if self.commit and self.commit.commit:
            text += f"; committed {self.commit.commit[:12]}"
            text += " and pushed" if self.commit.pushed else ""
        return text


@dataclass
class _Plan:
    """Files to write (content-relative path -> bytes) and the ledger after the run."""

    files: dict[str, bytes] = field(default_factory=dict)
    own_untracked: list[str] = field(default_factory=list)


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0]


class FeedImport:
    """Imports one feed into its category folder."""

    def __init__(
        self,
        content_folder: str,
        spec: FeedSpec,
        state: FetchState,
        git: GitSettings,
        now: dt.datetime | None = None,
    ) -> None:
        self.content = content_folder
        self.spec = spec
        self.state = state
        self.git = git
        self.now = now or dt.datetime.now(dt.UTC)
        self.folder = os.path.join(content_folder, spec.category)
        self.report = ImportReport(spec.url, spec.category)

    def run(self, dry_run: bool = False, commit: bool = False, push: bool = False) -> ImportReport:
        report = self.report
        report.dry_run = dry_run
        try:
            options = self._options()
            ledger = Ledger.load(self.folder)
            validators = self.state.get(self.spec.key)
            fetched = fetch(
                self.spec.url, self.spec.timeout, self.spec.max_bytes, validators, _ACCEPT
            )
            if fetched.body is None:
                report.not_modified = True
                return report
            parsed = parse_feed(fetched.body, fetched.content_type, fetched.url)
        except (FetchError, NotAFeed, LedgerError, TemplateError, NotADirectoryError) as err:
            report.error = str(err)
            return report
        report.warnings += parsed.warnings
        plan = self._plan(parsed.items, ledger, options)
        if dry_run:
            return report
        if plan.files and not self._write(plan, commit, push):
            return report
        self.state.put(self.spec.key, fetched.validators)
        return report

    def _options(self) -> EntryOptions:
        if os.path.exists(self.folder) and not os.path.isdir(self.folder):
            raise NotADirectoryError(f"{self.folder} is not a folder")
        template = read_template(self.spec.template_headers) if self.spec.template_headers else ()
        return EntryOptions(self.spec.status, self.spec.tags, template)

    # -- deciding ---------------------------------------------------------------------------

    def _plan(self, items: list[FeedItem], ledger: Ledger, options: EntryOptions) -> _Plan:
        plan = _Plan()
        current = {item.guid for item in items}
        seen: set[str] = set()
        taken = {_stem(name).lower() for name in (*self._listing(), *ledger.files())}
        declared: dict[str, str] | None = None
        for item in items:
            if item.guid in seen:
                self._skip(item.guid, "duplicate GUID in the feed; only its first item is imported")
                continue
            seen.add(item.guid)
            if item.size > self.spec.item_max_bytes:
                self._skip(
                    item.guid,
                    f"{item.size} bytes of content is over the {self.spec.item_max_bytes}-byte "
                    "limit (item_max_bytes); not imported",
                )
                continue
            guid, record = self._match(item, ledger, current)
            if record is not None:
                self._plan_update(item, guid, record, ledger, options, plan)
                continue
            if declared is None:
                declared = self._declared_uuids(ledger)
            self._plan_new(item, ledger, options, plan, taken, declared)
        if plan.files:
            plan.files[self._rel(LEDGER_NAME)] = ledger.serialized()
            plan.own_untracked.append(self._rel(LEDGER_NAME))
        return plan

    def _match(
        self, item: FeedItem, ledger: Ledger, current: set[str]
    ) -> tuple[str, LedgerRecord | None]:
        """The ledger record of an item: by GUID, else (when its GUID changed) by link, else
        by title and date, among this feed's records whose GUID the feed no longer has."""
        record = ledger.find(item.guid)
        if record is not None:
            return item.guid, record
        key = match_key(item)
        for guid, candidate in ledger.records.items():
            if guid in current or candidate.feed != self.spec.url:
                continue
            by_link = item.link is not None and candidate.link == item.link
            if by_link or (key is not None and candidate.match == key):
                how = "link" if by_link else "title and date"
                self.report.warnings.append(
                    f"{self.spec.url}: item id changed from {guid!r} to {item.guid!r} (same "
                    f"{how}); treated as the same item, {self._rel(candidate.file)}"
                )
                return guid, candidate
        return item.guid, None

    def _plan_update(
        self,
        item: FeedItem,
        guid: str,
        record: LedgerRecord,
        ledger: Ledger,
        options: EntryOptions,
        plan: _Plan,
    ) -> None:
        rel = self._rel(record.file)
        fullpath = os.path.join(self.folder, record.file)
        if os.path.islink(fullpath):
            self._skip(rel, "is a symbolic link; not updated")
            return
        on_disk = read_or_none(fullpath)
        if on_disk is None:
            self._skip(rel, "deleted or moved after import; not imported again", quiet=True)
            return
        if digest(on_disk) != record.digest:
            self._skip(
                rel, "edited after import; left as it is (the feed's changes are not applied)"
            )
            return
        body = entry_body(item)
        if not record.file.endswith(body.suffix):
            self._skip(rel, f"the item is now {body.suffix[1:]}, its file is not; not updated")
            return
        date = self._date(item, record.date)
        text = self._localize(body.text, _stem(record.file), body.suffix, plan)
        data = render_entry(item, text, record.uuid, date, options)
        if digest(data) == record.digest:
            self.report.outcomes.append(Outcome("unchanged", rel))
            return
        plan.files[rel] = data
        plan.own_untracked.append(rel)
        ledger.records[guid] = LedgerRecord(
            record.file,
            digest(data),
            record.uuid,
            date.isoformat(),
            self.spec.url,
            item.link,
            match_key(item),
        )
        self.report.outcomes.append(Outcome("update", rel))

    def _plan_new(
        self,
        item: FeedItem,
        ledger: Ledger,
        options: EntryOptions,
        plan: _Plan,
        taken: set[str],
        declared: dict[str, str],
    ) -> None:
        item_id = item_uuid(item.guid)
        if item_id in declared:
            self._skip(
                item.guid,
                f"{self._rel(declared[item_id])} already has this item's UUID but the import "
                "ledger does not list it; not imported twice",
            )
            return
        body = entry_body(item)
        date = self._date(item, None)
        name = self._free_name(file_stem(item, date, item_id), body.suffix, taken)
        if name is None:
            self._skip(item.guid, "no file name inside the category folder can be made from it")
            return
        text = self._localize(body.text, _stem(name), body.suffix, plan)
        data = render_entry(item, text, item_id, date, options)
        plan.files[self._rel(name)] = data
        ledger.records[item.guid] = LedgerRecord(
            name, digest(data), item_id, date.isoformat(), self.spec.url, item.link, match_key(item)
        )
        self.report.outcomes.append(Outcome("new", self._rel(name)))

    def _date(self, item: FeedItem, recorded: str | None) -> dt.datetime:
        """The item's own date, unless it has none or it lies in the future: then the date
        it was first imported with (kept from run to run), else now."""
        fallback = dt.datetime.fromisoformat(recorded) if recorded else self.now
        if item.date is None:
            return fallback
        if item.date - self.now > FUTURE_TOLERANCE:
            self.report.warnings.append(
                f"{self.spec.url}: item {item.guid!r} is dated in the future "
                f"({item.date.isoformat()}); dated {fallback.isoformat()} instead"
            )
            return fallback
        return item.date

    def _free_name(self, stem: str, suffix: str, taken: set[str]) -> str | None:
        """A name no file in the folder has, whatever its suffix (images beside an entry
        are named after its stem)."""
        for attempt in range(1, 100):
            candidate = stem if attempt == 1 else f"{stem}-{attempt}"
            if not is_plain_name(candidate + suffix):
                return None
            if candidate.lower() not in taken:
                taken.add(candidate.lower())
                return candidate + suffix
        return None

    def _localize(self, body: str, stem: str, suffix: str, plan: _Plan) -> str:
        """Download the body's images beside the entry when asked (HTML bodies only)."""
        if not self.spec.download_images or suffix != ".html":
            return body
        local = download_images(
            body, self.folder, stem, self.spec.url, self.spec.timeout, self.spec.image_max_bytes
        )
        self.report.warnings += local.warnings
        for name, data in local.files.items():
            plan.files[self._rel(name)] = data
        return local.html

    def _declared_uuids(self, ledger: Ledger) -> dict[str, str]:
        """UUIDs declared by entry files in the folder that the ledger does not know."""
        known = ledger.files()
        found = {}
        for name in self._listing():
            if name in known or not name.lower().endswith(ENTRY_SUFFIXES):
                continue
            data = read_or_none(os.path.join(self.folder, name)) or b""
            try:
                value = parse_message(name, decode_text(name, data, allow_empty=True)).get("UUID")
            except ContentError:
                continue
            if value:
                found[value.strip().lower()] = name
        return found

    def _listing(self) -> list[str]:
        try:
            return os.listdir(self.folder)
        except FileNotFoundError:
            return []

    def _rel(self, name: str) -> str:
        return f"{self.spec.category}/{name}" if self.spec.category else name

    def _skip(self, where: str, reason: str, quiet: bool = False) -> None:
        self.report.outcomes.append(Outcome("skip", where, reason))
        if not quiet:
            self.report.warnings.append(f"{self.spec.url}: {where}: {reason}")

    # -- writing ----------------------------------------------------------------------------

    def _write(self, plan: _Plan, commit: bool, push: bool) -> bool:
        """Write the planned files, then commit/push them; False (with the reason in the
        report, and nothing left written) when that fails."""
        full = {rel: os.path.join(self.content, rel) for rel in plan.files}
        writeback = None
        try:
            if commit or push:
                writeback = WriteBack(self.content, self.git, push)
                writeback.ensure_clean(full.values(), [full[rel] for rel in plan.own_untracked])
            written = write_all((full[rel], data) for rel, data in plan.files.items())
        except (WriteBackError, OSError) as err:
            self.report.error = str(err)
            return False
        if writeback is not None:
            try:
                self.report.commit = writeback.commit(written, self._message(plan))
            except WriteBackError as err:
                left = take_back(written)
                self.report.error = "; ".join([str(err), *left])
                return False
        self.report.written = list(plan.files)
        return True

    def _message(self, plan: _Plan) -> str:
        new, updated = self.report.count("new"), self.report.count("update")
        lines = "\n".join(f"  {rel}" for rel in plan.files)
        return (
            f"Import {new} new and {updated} updated entries into {self.spec.category or '/'}\n\n"
            f"From the feed {self.spec.url} (octavo import-feed). Files written:\n\n{lines}\n"
        )
