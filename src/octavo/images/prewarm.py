"""``octavo prewarm``: render, ahead of any request, the renditions a site links to.

References come from every indexed entry (Markdown images and HTML ``<img>``,
with the site's ``layout`` and the literal arguments templates pass to
``entry.body``/``entry.more``) and from literal ``image('…')`` calls in
templates. Each rendition is written atomically and skipped when present, so
an interrupted run loses nothing and a rerun picks up where it stopped.
"""

from __future__ import annotations

import ast
import concurrent.futures
import contextlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from octavo.common.arguments import prefix_normalize
from octavo.common.protocols import ImageArgError, ImageNotFound
from octavo.images.args import parse_args
from octavo.images.objects import LocalImage, fullsize_args, hidpi_args
from octavo.images.pipeline import RenderError
from octavo.images.plan import RenditionPlan
from octavo.images.references import ImageRef, entry_refs
from octavo.images.renderer import Produced
from octavo.images.service import ImageService
from octavo.images.sources import Source
from octavo.index.queries import SITE

_BODY_CALL = re.compile(r"\.(?:body|more)\s*\((?P<args>[^()]*)\)")
_IMAGE_CALL = re.compile(
    r"""\bimage\(\s*(?P<q>['"])(?P<path>[^'"]+)(?P=q)\s*\)"""
    r"(?:\s*\.\s*(?P<method>get_img_tag|get_css_background|get_img_attrs|get_rendition))?"
    r"(?:\s*\((?P<args>[^()]*)\))?"
)
Progress = Callable[[int, int], None]


@dataclass
class PrewarmReport:
    total: int = 0
    rendered: int = 0
    present: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Wanted:
    """Renditions to have, by name (each name once, whoever refers to it)."""

    plans: dict[str, tuple[Source, RenditionPlan]] = field(default_factory=dict)
    problems: dict[tuple[str, str], None] = field(default_factory=dict)  # ordered set

    def add(
        self, service: ImageService, image: LocalImage, args: Mapping[str, Any], scale: int
    ) -> None:
        plan = service.plan(image.source, parse_args(args), scale)
        self.plans[service.namer.name(plan)] = (image.source, plan)


def collect(service: ImageService, template_folder: str | None) -> Wanted:
    """Every rendition the site's entries and templates refer to."""
    wanted = Wanted()
    templates = list(_template_texts(template_folder))
    body_args = _unique(
        [{}] + [_literal_args(m["args"]) for _, t in templates for m in _BODY_CALL.finditer(t)]
    )
    layout = dict(service.settings.layout)
    for relpath, search_path, ref in _content_refs(service):
        for extra in body_args:
            _want_ref(service, wanted, relpath, search_path, ref, {**layout, **extra})
    for relpath, text in templates:
        search_path = [os.path.dirname(relpath), ""]
        for match in _IMAGE_CALL.finditer(text):
            args = _literal_args(match["args"] or "")
            _want_call(service, wanted, match["path"], search_path, match["method"], args)
    return wanted


def render_missing(
    service: ImageService, wanted: Wanted, progress: Progress | None = None
) -> PrewarmReport:
    """Render what the store lacks, in the service's worker pool."""
    report = PrewarmReport(total=len(wanted.plans), failed=list(wanted.problems))
    futures: dict[concurrent.futures.Future[Produced], str] = {}
    for name, (source, plan) in wanted.plans.items():
        if service.store.exists(name):
            report.present += 1
        else:
            futures[service.renderer.submit(source, plan)] = name
    done = report.present
    try:
        for future in concurrent.futures.as_completed(futures):
            try:
                produced = future.result()
            except (RenderError, OSError) as err:
                report.failed.append((futures[future], str(err)))
            else:
                if not produced.stored:
                    unstored = f"not stored: {service.store.where} is unavailable"
                    report.failed.append((futures[future], unstored))
                elif produced.rendered:
                    report.rendered += 1
                else:
                    report.present += 1
            done += 1
            if progress:
                progress(done, report.total)
    finally:
        for future in futures:
            future.cancel()
    return report


def _content_refs(service: ImageService) -> Iterator[tuple[str, list[str], ImageRef]]:
    index = service.catalog.index
    if index is None:
        return
    with index.reading(SITE) as reader:  # the texts the pages render (not the files)
        for file_path, category, text in reader.entry_texts() if reader else ():
            search_path = [os.path.dirname(file_path), category]
            is_markdown = file_path.lower().endswith(".md")
            for ref in entry_refs(f"{text.body}\n\n{text.more}", is_markdown):
                yield file_path, search_path, ref


def _want_ref(
    service: ImageService,
    wanted: Wanted,
    relpath: str,
    search_path: list[str],
    ref: ImageRef,
    base: Mapping[str, Any],
) -> None:
    image = _local(service, wanted, ref.path, search_path, relpath)
    if image is None:
        return
    args = prefix_normalize({**base, **ref.args})
    try:
        if ref.thumbnail:
            _want_pair(service, wanted, image, args)
        link = args.get("link")
        if link is True or (link is None and args.get("gallery_id")):
            wanted.add(service, image, fullsize_args(args), 1)
    except ImageArgError as err:
        wanted.problems[(f"{relpath}: {ref.path}", str(err))] = None


def _want_call(
    service: ImageService,
    wanted: Wanted,
    path: str,
    search_path: list[str],
    method: str | None,
    args: dict[str, Any],
) -> None:
    image = _local(service, wanted, path, search_path, "templates")
    if image is None:
        return
    try:
        if method in ("get_img_tag", "get_css_background", "get_img_attrs"):
            _want_pair(service, wanted, image, prefix_normalize(args))
        else:
            wanted.add(service, image, args, int(args.pop("output_scale", 1) or 1))
    except ImageArgError as err:
        wanted.problems[(f"templates: {path}", str(err))] = None


def _want_pair(
    service: ImageService, wanted: Wanted, image: LocalImage, args: Mapping[str, Any]
) -> None:
    for scale, scaled_args in hidpi_args(args):
        wanted.add(service, image, scaled_args, scale)


def _local(
    service: ImageService, wanted: Wanted, path: str, search_path: list[str], where: str
) -> LocalImage | None:
    try:
        image = service.finder.find(path, search_path)
    except ImageNotFound:
        wanted.problems[(f"{where}: {path}", "image not found")] = None
        return None
    return image if isinstance(image, LocalImage) else None


def _template_texts(folder: str | None) -> Iterator[tuple[str, str]]:
    if not folder or not os.path.isdir(folder):
        return
    for root, _dirs, files in os.walk(folder):
        for filename in files:
            full = os.path.join(root, filename)
            try:
                with open(full, encoding="utf-8") as fh:
                    yield os.path.relpath(full, folder).replace(os.sep, "/"), fh.read()
            except (OSError, UnicodeDecodeError):
                continue


def _literal_args(text: str) -> dict[str, Any]:
    """The keyword arguments of a template call that are literals (others, such as
    template variables, cannot be known ahead of a request and are left out)."""
    try:
        call = ast.parse(f"f({text})", mode="eval").body
    except SyntaxError:
        return {}
    found = {}
    for keyword in getattr(call, "keywords", []):
        with contextlib.suppress(ValueError, TypeError, SyntaxError, RecursionError):
            if keyword.arg:
                found[keyword.arg] = ast.literal_eval(keyword.value)
    return found


def _unique(dicts: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for item in dicts:
        seen.setdefault(repr(sorted(item.items(), key=lambda kv: kv[0])), item)
    return list(seen.values())
