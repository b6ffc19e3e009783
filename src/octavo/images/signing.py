"""Short HMAC signatures with the site's secret key, one key per purpose."""

from __future__ import annotations

import hashlib
import hmac
import re

_HEX = re.compile(r"[0-9a-f]+")


class Signer:
    """Signs text for one purpose, so a signature made for one use is void for another."""

    def __init__(self, secret_key: str, purpose: str, length: int = 16) -> None:
        self._key = hashlib.sha256(f"octavo-{purpose}\0{secret_key}".encode()).digest()
        self.length = length

    def sign(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()[: self.length]

    def valid(self, text: str, signature: str) -> bool:
        """Whether `signature` is this signer's for `text`; anything not shaped like one
        (any length, any character, from a URL) is simply not."""
        if len(signature) != self.length or not _HEX.fullmatch(signature):
            return False
        return hmac.compare_digest(self.sign(text).encode("ascii"), signature.encode("ascii"))
