"""Names of non-image content files served at ``/_file/<name>`` (Publ §6.8).

``<signature>/<content path>``: the path makes the name reversible without any
table, and the signature means only files a page linked can be fetched, not
any file of the content folder (drafts, say).
"""

from __future__ import annotations

from octavo.images.signing import Signer


class AssetNames:
    def __init__(self, secret_key: str) -> None:
        self._signer = Signer(secret_key, "asset", length=10)

    def name(self, relpath: str) -> str:
        return f"{self._signer.sign(relpath)}/{relpath}"

    def relpath(self, name: str) -> str | None:
        """The content path a name stands for, or None when it was not issued here."""
        signature, _, relpath = name.partition("/")
        if not relpath or not self._signer.valid(relpath, signature):
            return None
        return relpath
