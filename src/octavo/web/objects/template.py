"""The ``template`` template object (Publ §4.5)."""

from __future__ import annotations

import os
import posixpath
from functools import cached_property
from typing import Any

import arrow
import flask

from octavo.web.renditions import images_for
from octavo.web.template_lookup import TemplateFile


class Template:
    """The template being rendered, as templates see it."""

    def __init__(self, found: TemplateFile) -> None:
        self._found = found
        self.name = found.name
        self.filename = found.shown_filename
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

    def image(self, path: str) -> Any:
        """An image found in this template's folder, mapped into the content folder."""
        folder = posixpath.dirname(self.filename)
        return images_for(flask.current_app).image(path, (folder,))

    def __str__(self) -> str:
        return self.name
