"""Resolving an image path the way Publ does (§6.1): static, remote, or a content file."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from octavo.common.protocols import ImageNotFound
from octavo.content.paths import file_kind, search_candidates
from octavo.images.objects import BaseImage, ExternalImage, FailedImage, LocalImage, MissingImage
from octavo.images.sources import SourceTooLarge

if TYPE_CHECKING:
    from octavo.images.service import ImageService


class Finder:
    """Implements the ImageFinder protocol for one site."""

    def __init__(self, service: ImageService) -> None:
        self.service = service

    def find(self, path: str, search_path: Sequence[str]) -> BaseImage:
        """The image at `path`; raises ImageNotFound when there is no such file."""
        service = self.service
        if path.startswith("@"):
            static = path[1:]
            return ExternalImage(
                service, path, lambda absolute: service.urls.static(static, absolute), search_path
            )
        if path.startswith("//") or "://" in path:
            return ExternalImage(service, path, lambda _absolute: path, search_path)
        relpath = self.locate(path, search_path)
        if relpath is None:
            raise ImageNotFound(path)
        try:
            source = service.catalog.describe(relpath)
        except SourceTooLarge as err:
            return FailedImage(service, path, str(err), search_path)
        except FileNotFoundError:
            source = service.catalog.indexed(relpath)  # another release's image
            if source is None:
                raise ImageNotFound(path) from None
        if source is not None:
            return LocalImage(service, source, search_path)
        name = service.assets.name(relpath)
        return ExternalImage(
            service, relpath, lambda absolute: service.urls.asset(name, absolute), search_path
        )

    def get(self, path: str, search_path: Sequence[str]) -> BaseImage:
        """Like find, but a missing file gives a MissingImage (Publ's ``image()`` global)."""
        try:
            return self.find(path, search_path)
        except ImageNotFound:
            return MissingImage(self.service, path, search_path)

    def locate(self, path: str, search_path: Sequence[str]) -> str | None:
        """The content-relative path of an existing file: ``/x`` from the content root,
        otherwise the first folder of `search_path` that has it. Entry and category
        files are not images, and nothing outside the content folder is found. An image
        only the index has (the release that wrote it has files this one lacks) is found
        too."""
        candidates = [
            relpath
            for relpath in search_candidates(path, search_path)
            if file_kind(relpath) not in ("entry", "category")
        ]
        for relpath in candidates:
            full = self.service.catalog.full_path(relpath)
            if full is not None and os.path.isfile(full):
                return relpath
        indexed = self.service.catalog.indexed_paths(candidates)  # another release's image
        return indexed[0] if indexed else None
