"""``publ.image``: an image by path for site code (a favicon route, say), with the same
renditions, URLs and errors as the template ``image()``."""

from __future__ import annotations

import os
from collections.abc import Sequence

import flask

from octavo.images.objects import BaseImage
from octavo.web.renditions import images_for

__all__ = ["BaseImage", "get_image"]


def get_image(path: str, search_path: str | Sequence[str]) -> BaseImage:
    """Publ's ``get_image``: `search_path` names folders as Publ takes them (paths on
    disk, usually inside the content folder: ``'content'``, ``config.content_folder``)
    or as entries give them (``entry.search_path``, relative to the content folder).
    A missing file gives an image whose renditions raise, as in Publ."""
    folders = [search_path] if isinstance(search_path, str) else list(search_path)
    app = flask.current_app
    content = app.site.content_folder  # type: ignore[attr-defined]
    roots = (os.getcwd(), app.root_path)
    relative = [_content_relative(str(f), content, roots) for f in folders]
    return images_for(app).image(path, tuple(r for r in relative if r is not None))


def _content_relative(folder: str, content: str, roots: Sequence[str]) -> str | None:
    """`folder` relative to the content folder: a content-relative folder as given, or a
    folder on disk inside the content folder (absolute, or relative to the working
    directory or the site root). None for a folder outside it (never searched)."""
    if not os.path.isabs(folder) and os.path.isdir(os.path.join(content, folder)):
        return folder.strip("/")
    candidates = [folder] if os.path.isabs(folder) else [os.path.join(r, folder) for r in roots]
    for candidate in candidates:
        full = os.path.normpath(candidate)
        if os.path.isdir(full):
            inside = os.path.relpath(full, content)
            if inside == ".":
                return ""
            return None if inside.startswith("..") else inside.replace(os.sep, "/")
    return None if os.path.isabs(folder) else folder.strip("/")
