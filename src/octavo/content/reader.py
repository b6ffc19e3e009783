"""Decode a content file's bytes into text, refusing what is not a UTF-8 text file."""

from __future__ import annotations

from octavo.content.problems import ContentError

_BOM = "\ufeff"


def decode_text(path: str, data: bytes, allow_empty: bool = False) -> str:
    """Return the file's text with newlines normalised to ``\\n``.

    Empty files (unless allowed), binary files (NUL bytes) and invalid UTF-8 raise ContentError
    naming the line, so that one bad file never stops a scan.
    """
    if not data.strip() and not allow_empty:
        raise ContentError(path, "empty file")
    nul = data.find(b"\0")
    if nul >= 0:
        raise ContentError(path, "binary file (contains NUL bytes)", data.count(b"\n", 0, nul) + 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ContentError(path, f"invalid UTF-8 at byte {err.start}", line) from None
    if text.startswith(_BOM):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")
