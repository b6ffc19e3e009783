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

from octavo.content.category import CategoryRecord
from octavo.content.entry import EntryRecord
from octavo.content.fingerprint import digest
from octavo.content.identity import Identities, IdentityClaim, resolve_identities
from octavo.content.image_info import ImageRecord
from octavo.content.parse import Record, parse_file
from octavo.content.problems import ContentError, Problem, Severity
from octavo.content.status import Status
from octavo.content.walk import FoundFile, walk_content
from octavo.index.database import IndexDatabase
from octavo.index.rows import Row
from octavo.index.schema import Tables
from octavo.index.stamping import apply_stamps, plan_stamps
from octavo.index.writer import IndexWriter

#: Files read between two progress reports.
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

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        kind = "built" if self.rebuilt else "scanned"
        return (
            f"index {kind} in {self.seconds:.2f}s: {self.added} added, {self.updated} updated, "
            f"{self.removed} removed, {self.unchanged} unchanged, {len(self.problems)} problems"
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
    ) -> None:
        self.db = db
        self.root = content_root
        self.site_tz = site_tz
        self.write_back = write_back
        self.progress = progress

    def update(self, wait: float = 0.0) -> ScanReport:
        """Scan incrementally, or build the index if there is none yet."""
        with self.db.writing(wait):
            self.db.forget_cached_pointer()
            tables = self.db.tables()
            if tables is None:
                return self._build()
            return self._write_back(tables, self._scan(tables))

    def rebuild(self, wait: float = 0.0) -> ScanReport:
        """Build a fresh index beside the live one, then switch to it."""
        with self.db.writing(wait):
            return self._build()

    def _build(self) -> ScanReport:
        tables = self.db.create_generation()
        report = self._scan(tables)
        report.rebuilt = True
        self.db.activate(tables)
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

    def _scan(self, tables: Tables) -> ScanReport:
        started = time.perf_counter()
        report = ScanReport()
        walk = walk_content(self.root)
        report.problems += walk.problems
        with self.db.engine.connect() as conn:
            f = tables.files
            known = {
                row.path: (row.size, row.mtime_ns, row.digest)
                for row in conn.execute(
                    f.select().with_only_columns(f.c.path, f.c.size, f.c.mtime_ns, f.c.digest)
                )
            }
        present = {found.relpath for found in walk.files}
        removed = [path for path in known if path not in present]
        candidates = [
            found
            for found in walk.files
            if known.get(found.relpath, (None, None))[:2] != (found.size, found.mtime_ns)
        ]
        reads = self._read_all(candidates, known, report)
        report.unchanged = len(walk.files) - len(candidates)
        report.removed = len(removed)
        if reads or removed:
            with self.db.engine.begin() as conn:
                self._write(IndexWriter(conn, tables), reads, removed, known, report)
        report.seconds = time.perf_counter() - started
        return report

    def _read_all(
        self,
        candidates: list[FoundFile],
        known: dict[str, tuple[int, int, str]],
        report: ScanReport,
    ) -> list[_Read]:
        """Read and parse changed files, reporting progress as it goes.

        Parsing stays in this process: handing records back from worker
        processes cost more (pickling) than the parsing it would share out.
        """
        known_digests = {path: value[2] for path, value in known.items()}
        reads: list[_Read] = []
        for start in range(0, len(candidates), _PART):
            part_reads, problems = _read_part(
                candidates[start : start + _PART], known_digests, self.site_tz
            )
            reads += part_reads
            report.problems += problems
            if self.progress:
                self.progress(min(start + _PART, len(candidates)), len(candidates))
        for read in reads:
            if read.record is None:
                continue
            if read.found.relpath in known:
                report.updated += 1
            else:
                report.added += 1
        return reads

    def _write(
        self,
        writer: IndexWriter,
        reads: list[_Read],
        removed: list[str],
        known: dict[str, tuple[int, int, str]],
        report: ScanReport,
    ) -> None:
        entries = [r.record for r in reads if isinstance(r.record, EntryRecord)]
        categories = [r.record for r in reads if isinstance(r.record, CategoryRecord)]
        images = [(r.record, r.digest) for r in reads if isinstance(r.record, ImageRecord)]
        writer.remove_files(removed)
        if entries or removed:
            existing = writer.existing_claims()
            identities = self._identities(existing, entries, report)
            writer.write_entries(entries, existing, identities)
        writer.write_categories(categories)
        writer.write_images(images)
        writer.record_files([_file_row(r) for r in reads])
        report.problems += writer.rebuild_derived()

    def _identities(
        self,
        existing: dict[str, tuple[int, IdentityClaim, int, str]],
        entries: list[EntryRecord],
        report: ScanReport,
    ) -> Identities:
        claims = {path: item[1] for path, item in existing.items()}
        for record in entries:
            claims[record.path] = claim_of(record)
        identities = resolve_identities(claims.values())
        report.problems += identities.problems
        return identities


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
