"""The import ledger: which file each feed item became, and the bytes it was written with.

One small JSON file per category folder (``.octavo-import.json``), kept in git
beside the entries. It is what lets a re-run update an item in place, leave
alone a file a person edited (its bytes no longer match) or deleted (it is
listed but gone), and never import an item twice, on any machine.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass

LEDGER_NAME = ".octavo-import.json"
_VERSION = 1


class LedgerError(Exception):
    """The ledger cannot be read; importing into its folder would duplicate entries."""


@dataclass(frozen=True)
class LedgerRecord:
    """One imported item: its file (in the ledger's folder) and what was written."""

    file: str
    digest: str
    uuid: str
    date: str
    feed: str
    link: str | None = None
    match: str | None = None


class Ledger:
    def __init__(self, folder: str, records: dict[str, LedgerRecord]) -> None:
        self.folder = folder
        self.records = records

    @property
    def path(self) -> str:
        return os.path.join(self.folder, LEDGER_NAME)

    @classmethod
    def load(cls, folder: str) -> Ledger:
        path = os.path.join(folder, LEDGER_NAME)
        try:
            with open(path, encoding="utf-8") as handle:
                document = json.load(handle)
        except FileNotFoundError:
            return cls(folder, {})
        except (OSError, ValueError) as err:
            raise LedgerError(f"{path}: cannot read the import ledger ({err})") from None
        try:
            if document.get("version") != _VERSION:
                raise ValueError(f"unknown version {document.get('version')!r}")
            records = {
                str(guid): LedgerRecord(**fields) for guid, fields in document["items"].items()
            }
        except (AttributeError, KeyError, TypeError, ValueError) as err:
            raise LedgerError(f"{path}: not an import ledger Octavo can read ({err})") from None
        for guid, record in records.items():
            if not is_plain_name(record.file):
                raise LedgerError(f"{path}: item {guid!r} names a file outside its folder")
        return cls(folder, records)

    def find(self, guid: str) -> LedgerRecord | None:
        return self.records.get(guid)

    def files(self) -> set[str]:
        return {record.file for record in self.records.values()}

    def serialized(self) -> bytes:
        """Sorted and indented, so the same ledger always has the same bytes (and diffs)."""
        document = {
            "version": _VERSION,
            "items": {guid: asdict(record) for guid, record in sorted(self.records.items())},
        }
        return (json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def is_plain_name(name: str) -> bool:
    """A file name that stays in its folder: no separators, no parent, not hidden."""
    return (
        bool(name)
        and "/" not in name
        and "\\" not in name
        and "\0" not in name
        and not name.startswith(".")
        and len(name.encode("utf-8")) <= 200
    )
