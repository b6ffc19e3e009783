"""What each feed's server said last time (ETag, Last-Modified), for conditional GETs.

Kept on this machine only, in the index folder: losing it costs one full
fetch, and keeping it out of git keeps polling from making commits.
"""

from __future__ import annotations

import json
import os

from octavo.content.atomic import replace_atomically
from octavo.sync.fetch import Validators


class FetchState:
    def __init__(self, index_folder: str) -> None:
        self.path = os.path.join(index_folder, "feed-validators.json")

    def _load(self) -> dict[str, dict[str, str | None]]:
        try:
            with open(self.path, encoding="utf-8") as handle:
                document = json.load(handle)
        except (OSError, ValueError):
            return {}
        return document if isinstance(document, dict) else {}

    def get(self, key: str) -> Validators:
        saved = self._load().get(key) or {}
        return Validators(saved.get("etag"), saved.get("last_modified"))

    def put(self, key: str, validators: Validators) -> None:
        document = self._load()
        document[key] = {"etag": validators.etag, "last_modified": validators.last_modified}
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        replace_atomically(self.path, json.dumps(document, indent=1, sort_keys=True).encode())
