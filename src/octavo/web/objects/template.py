"""The ``template`` template object (Publ §4.5)."""

from __future__ import annotations

import os
from functools import cached_property

import arrow

from octavo.web.template_lookup import TemplateFile


class Template:
    """The template being rendered, as templates see it."""

    def __init__(self, found: TemplateFile) -> None:
        self._found = found
        self.name = found.name
        self.filename = found.filename
        self.file_path = found.file_path
        self.mime_type = found.mime_type

    @cached_property
    def mtime(self) -> float:
        return os.stat(self.file_path).st_mtime

    @property
    def last_modified(self) -> arrow.Arrow:
        return arrow.get(self.mtime)

    @cached_property
    def content(self) -> str | None:
        """The source of a built-in template (site templates are not exposed)."""
        if not self._found.builtin:
            return None
        with open(self.file_path, encoding="utf-8") as handle:
            return handle.read()

    def __str__(self) -> str:
        return self.name
