"""The scan: find changed files, parse them, settle identities, write one transaction.

A cold build writes a new table generation and switches readers to it only
when it is complete; an incremental scan touches only what changed.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import StatementError

from octavo.content.category import CategoryRecord
from octavo.content.entry import EntryRecord
from octavo.content.fingerprint import digest
from octavo.content.identity import IdentityClaim, natural_identity, resolve_identities
from octavo.content.image_info import ImageRecord
from octavo.content.parse import Record, parse_file
from octavo.content.paths import file_kind
from octavo.content.problems import ContentError, Problem, Severity
from octavo.content.status import Status
from octavo.content.version import content_version, origin
from octavo.content.walk import FoundFile, WalkResult, walk_content
from octavo.index import changes
from octavo.index.database import IndexDatabase, refused_for_its_data
from octavo.index.release import Release, may_write, record_release, recorded_release, refusal
from octavo.index.rows import Row
from octavo.index.schema import Tables
from octavo.index.stamping import apply_stamps, plan_stamps
from octavo.index.writer import Identity, IndexedEntry, IndexWriter

#: Files read and written together (memory stays flat whatever the site's size).
_PART = 500

#: Called as progress(done, total) while files are read.
Progress = Callable[[int, int], None]


@dataclass
class ScanReport:
    """What one scan did, for the CLI, the logs and the tests."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    rebuilt: bool = False
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    #: Why nothing was written: the index holds newer content (octavo.index.release).
    refused: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        if self.refused:
            return self.refused
        kind = "built" if self.rebuilt else "scanned"
        return (
            f"index {kind} in {self.seconds:.2f}s: {self.added} added, {self.updated} updated, "
            f"{self.removed} removed, {self.unchanged} unchanged, {len(self.problems)} problems"
        )


@dataclass
class Difference:
    """How the files differ from the index: what a scan would write (see Scanner.verify)."""

    indexed: bool = True
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    checked: int = 0

    @property
    def matches(self) -> bool:
        return self.indexed and not (self.added or self.changed or self.removed)

    def lines(self) -> list[str]:
        """One line per difference, for the release log."""
        if not self.indexed:
            return ["no index for this schema version: `octavo reindex` builds it"]
        return (
            [f"not in the index: {path}" for path in self.added]
            + [f"changed since indexed: {path}" for path in self.changed]
            + [f"removed, still in the index: {path}" for path in self.removed]
        )


@dataclass
class _Read:
    """A changed file after reading: a new record, or None when only its stat changed."""

    found: FoundFile
    digest: str
    record: Record | None


def read_stable(found: FoundFile) -> bytes:
    """Read a file, refusing one that vanished or changed since it was listed."""
    try:
        with open(found.fullpath, "rb") as handle:
            data = handle.read()
            stat = os.fstat(handle.fileno())
    except FileNotFoundError:
        raise ContentError(found.relpath, "vanished during the scan") from None
    except OSError as err:
        raise ContentError(found.relpath, f"cannot read: {err.strerror}") from None
    if (stat.st_size, stat.st_mtime_ns) != (found.size, found.mtime_ns) or len(data) != found.size:
        raise ContentError(found.relpath, "changed while being read; it will be read again")
    return data


def _read_part(
    files: list[FoundFile], known_digests: dict[str, str], site_tz: dt.tzinfo
) -> tuple[list[_Read], list[Problem]]:
    """Read and parse some files; one whose bytes hash as before is not re-parsed."""
    reads: list[_Read] = []
    problems: list[Problem] = []
    for found in files:
        try:
            data = read_stable(found)
            hashed = digest(data)
            if known_digests.get(found.relpath) == hashed:
                reads.append(_Read(found, hashed, None))
                continue
            record = parse_file(found.kind, found.relpath, data, site_tz, found.mtime_ns / 1e9)
        except ContentError as err:
            problems.append(err.problem)
            continue
        if isinstance(record, EntryRecord):
            problems += record.warnings
        reads.append(_Read(found, hashed, record))
    return reads, problems


class Scanner:
    """Brings the index up to date with the content folder (one writer at a time)."""

    def __init__(
        self,
        db: IndexDatabase,
        content_root: str,
        site_tz: dt.tzinfo,
        write_back: bool = False,
        progress: Progress | None = None,
        content_version: float | None = None,
    ) -> None:
        self.db = db
        self.root = content_root
        self.site_tz = site_tz
        self.write_back = write_back
        self.progress = progress
        #: A new generation is being built: its scan changes everything for page caches.
        self._building = False
        #: Configured (octavo.content.version); else read from git or the files per scan.
        self.content_version = content_version
        #: Files whose size or mtime differ from the index's record but whose bytes were
        #: found equal (a fresh checkout: this machine's mtimes), by path: (size, mtime,
        #: digest). Later scans skip them while all three still hold, so instances with
        #: their own mtimes neither hash every file again nor rewrite each other's rows.
        self._same_bytes: dict[str, tuple[int, int, str]] = {}

    def update(self, wait: float = 0.0, force: bool = False) -> ScanReport:
        """Scan incrementally, or build the index if there is none yet; write nothing
        when the index holds newer content than this folder, unless forced."""
        with self.db.writing(wait):
            self.db.forget_cached_pointer()
            tables = self.db.tables()
            walk = walk_content(self.root)
            refused = self._claim(walk, force or tables is None)
            if refused:
                return refused
            if tables is None:
                return self._build(walk)
            return self._write_back(tables, self._scan(tables, walk))

    def verify(self) -> Difference:
        """Compare the files with the index without writing: a file whose size or mtime
        differs (every file, on a fresh checkout) is hashed, and parsed only when its bytes
        differ too. The result lists what `update` would write; a file that does not parse
        is a problem, not a difference, since no scan can index it."""
        self.db.forget_cached_pointer()
        tables = self.db.tables()
        if tables is None:
            return Difference(indexed=False)
        walk = walk_content(self.root)
        known = self._known_files(tables)
        present = {found.relpath for found in walk.files}
        result = Difference(removed=[path for path in known if path not in present])
        result.problems += walk.problems
        result.checked = len(walk.files)
        candidates = _stat_changed(walk.files, known, self._same_bytes)
        known_digests = {path: value[2] for path, value in known.items()}
        for start in range(0, len(candidates), _PART):
            reads, problems = _read_part(
                candidates[start : start + _PART], known_digests, self.site_tz
            )
            result.problems += problems
            for read in reads:
                if read.record is None:
                    found = read.found
                    self._same_bytes[found.relpath] = (found.size, found.mtime_ns, read.digest)
                else:
                    path = read.found.relpath
                    (result.changed if path in known else result.added).append(path)
        return result

    def _known_files(self, tables: Tables) -> dict[str, tuple[int, int, str]]:
        """Every indexed file's size, mtime and digest, by path."""
        f = tables.files
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(f.c.path, f.c.size, f.c.mtime_ns, f.c.digest)).all()
        return {path: (size, mtime_ns, hashed) for path, size, mtime_ns, hashed in rows}

    def rebuild(self, wait: float = 0.0, force: bool = False) -> ScanReport:
        """Build a fresh index beside the live one, then switch to it (the same rule)."""
        with self.db.writing(wait):
            walk = walk_content(self.root)
            return self._claim(walk, force) or self._build(walk)

    def _claim(self, walk: WalkResult, force: bool) -> ScanReport | None:
        """Apply the release rule (octavo.index.release; the caller holds the writer
        lock): record this content as the index's, or say why it may not write."""
        version = content_version(self.root, self.content_version, walk.newest_mtime_ns)
        ours = Release(version, origin(self.root))
        with self.db.engine.begin() as conn:
            recorded = recorded_release(conn)
            if recorded is not None and not force and not may_write(ours, recorded):
                return ScanReport(unchanged=len(walk.files), refused=refusal(ours, recorded))
            if recorded != ours:
                record_release(conn, ours)
        return None

    def _build(self, walk: WalkResult) -> ScanReport:
        tables = self.db.create_generation()
        self._building = True
        try:
            report = self._scan(tables, walk)
        finally:
            self._building = False
        report.rebuilt = True
        self.db.analyze(tables)
        self.db.activate(tables)
        with self.db.engine.begin() as conn:  # after the switch: no page keeps the old tables
            changes.record(conn, [changes.SITE])
        self.db.forget_cached_pointer()
        return self._write_back(tables, report)

    def _write_back(self, tables: Tables, report: ScanReport) -> ScanReport:
        """With write-back on, stamp files that lack identity headers, then index them again."""
        if not self.write_back:
            return report
        with self.db.engine.connect() as conn:
            plans = plan_stamps(conn, tables)
        result = apply_stamps(self.root, plans)
        report.problems += [
            Problem(path, f"not stamped: {reason}", severity=Severity.WARNING)
            for path, reason in result.refused
        ]
        if result.written:
            report.problems += self._scan(tables).problems
        return report

    def _scan(self, tables: Tables, walk: WalkResult | None = None) -> ScanReport:
        """Stream changed files into `tables` in one transaction, a few hundred at a time."""
        started = time.perf_counter()
        report = ScanReport()
        walk = walk or walk_content(self.root)
        report.problems += walk.problems
        known = self._known_files(tables)
        present = {found.relpath for found in walk.files}
        removed = [path for path in known if path not in present]
        candidates = _stat_changed(walk.files, known, self._same_bytes)
        report.unchanged = len(walk.files) - len(candidates)
        report.removed = len(removed)
        if candidates or removed:
            with self.db.write_transaction() as conn:
                writer = IndexWriter(conn, tables)
                if self._building:  # nobody reads these tables yet: _build records SITE
                    self._write(writer, candidates, removed, known, report)
                else:
                    self._write_recorded(writer, candidates, removed, known, report)
            self.db.forget_cached_pointer()  # this process sees its own change at once
        report.seconds = time.perf_counter() - started
        return report

    def _write_recorded(
        self,
        writer: IndexWriter,
        candidates: list[FoundFile],
        removed: list[str],
        known: dict[str, tuple[int, int, str]],
        report: ScanReport,
    ) -> None:
        """Write, and record what changed for page caches (index.changes): the changed
        entries' tags as they were and as they are, plus what `_write` reports."""
        conn, tables = writer.conn, writer.t
        entry_paths = [f.relpath for f in candidates if f.kind == "entry"] + removed
        before = changes.entries_at(conn, tables, entry_paths)
        categories = changes.category_set(conn, tables)
        touched = self._write(writer, candidates, removed, known, report)
        if report.changed:
            touched |= before | changes.entries_at(conn, tables, entry_paths)
            if changes.category_set(conn, tables) != categories:
                touched.add(changes.CATSET)
            changes.record(conn, touched)

    def _write(
        self,
        writer: IndexWriter,
        candidates: list[FoundFile],
        removed: list[str],
        known: dict[str, tuple[int, int, str]],
        report: ScanReport,
    ) -> set[str]:
        """Entries are written with their current identities, or their natural ones when
        their claim changed. Only when some value is then held twice, or some entry holds
        something other than its natural identity (it lost a conflict earlier), does the
        resolver settle the whole site and update the rows that must move. Memory stays
        flat however large the site. Returns the change tags (index.changes) beyond the
        entries' own."""
        touched: set[str] = set()
        kinds = {file_kind(path) for path in removed}
        if "category" in kinds:
            touched.add(changes.CATMETA)
        if "image" in kinds:
            touched.add(changes.IMAGES)
        writer.remove_files(removed)
        existing = writer.existing_entries([f.relpath for f in candidates if f.kind == "entry"])
        known_digests = {path: value[2] for path, value in known.items()}
        claims_changed = bool(removed)
        for start in range(0, len(candidates), _PART):
            part = candidates[start : start + _PART]
            reads, problems = _read_part(part, known_digests, self.site_tz)
            report.problems += problems
            identities = {}
            for read in reads:
                if isinstance(read.record, EntryRecord):
                    claim = claim_of(read.record)
                    previous = existing.get(read.record.path)
                    if previous is not None and previous.claim == claim:
                        identities[read.record.path] = (previous.identity, previous.moved)
                    else:
                        identities[read.record.path] = (natural_identity(claim), False)
                        claims_changed = True
            for read in store_isolated(writer, reads, existing, identities, report):
                if isinstance(read.record, CategoryRecord):
                    touched.add(changes.CATMETA)
                elif isinstance(read.record, ImageRecord):
                    touched.add(changes.IMAGES)
                if read.record is not None:
                    report.added += read.found.relpath not in known
                    report.updated += read.found.relpath in known
            if self.progress:
                self.progress(start + len(part), len(candidates))
        if (
            claims_changed
            and writer.identities_unsettled()
            and self._settle_identities(writer, report)
        ):
            touched.add(changes.SITE)
        report.problems += writer.rebuild_derived()
        return touched

    def _settle_identities(self, writer: IndexWriter, report: ScanReport) -> bool:
        """Move entries to their settled identities; True when any moved."""
        indexed = writer.existing_entries()
        settled = resolve_identities(item.claim for item in indexed.values())
        report.problems += settled.problems
        moves = {}
        for path, item in indexed.items():
            identity = (settled.ids[path], settled.uuids[path])
            moved = identity != natural_identity(item.claim)
            if (identity, moved) != (item.identity, item.moved):
                moves[path] = (identity, moved)
        writer.set_identities(moves)
        return bool(moves)


def _stat_changed(
    files: list[FoundFile],
    known: dict[str, tuple[int, int, str]],
    same_bytes: dict[str, tuple[int, int, str]],
) -> list[FoundFile]:
    """Files whose size or mtime differ from the index's record of them (or that it lacks),
    except those this process found byte-identical to it at their current size and mtime."""
    changed = []
    for found in files:
        indexed = known.get(found.relpath)
        stat = (found.size, found.mtime_ns)
        if indexed is None or (
            indexed[:2] != stat and same_bytes.get(found.relpath) != (*stat, indexed[2])
        ):
            changed.append(found)
    return changed


def store_isolated(
    writer: IndexWriter,
    reads: list[_Read],
    existing: dict[str, IndexedEntry],
    identities: dict[str, tuple[Identity, bool]],
    report: ScanReport,
) -> list[_Read]:
    """Write some files in a savepoint, and return those written. When the database
    refuses the part, each file is written again in a savepoint of its own: one file it
    refuses (a value the content checks did not foresee) is reported and skipped, keeps
    its last good version, is read again next scan, and every other file is indexed."""
    try:
        with writer.conn.begin_nested():
            _store(writer, reads, existing, identities)
        return reads
    except StatementError as err:
        if not refused_for_its_data(err):
            raise
    stored = []
    for read in reads:
        try:
            with writer.conn.begin_nested():
                _store(writer, [read], existing, identities)
        except StatementError as err:
            if not refused_for_its_data(err):
                raise
            reason = str(getattr(err, "orig", None) or err).splitlines()[0]
            report.problems.append(
                Problem(read.found.relpath, f"the index database refused it: {reason}")
            )
            continue
        stored.append(read)
    return stored


def _store(
    writer: IndexWriter,
    reads: list[_Read],
    existing: dict[str, IndexedEntry],
    identities: dict[str, tuple[Identity, bool]],
) -> None:
    records = [r.record for r in reads]
    entries = [(r.record, r.digest) for r in reads if isinstance(r.record, EntryRecord)]
    writer.write_entries(entries, existing, identities)
    writer.write_categories([r for r in records if isinstance(r, CategoryRecord)])
    writer.write_images([(r.record, r.digest) for r in reads if isinstance(r.record, ImageRecord)])
    writer.record_files([_file_row(r) for r in reads])


def claim_of(record: EntryRecord) -> IdentityClaim:
    return IdentityClaim(
        record.path, record.explicit_id, record.explicit_uuid, record.status == Status.DRAFT
    )


def _file_row(read: _Read) -> Row:
    found = read.found
    return {
        "path": found.relpath,
        "kind": found.kind,
        "size": found.size,
        "mtime_ns": found.mtime_ns,
        "digest": read.digest,
    }
