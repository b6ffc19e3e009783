"""Rendition settings: Publ's image keys plus Octavo's, read from the site configuration.

The web layer merges IMAGE_DEFAULTS into the site's defaults; everything here is
plain data, so the images package never needs Flask to know how it is configured.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Keys Octavo adds for renditions, with their defaults (Publ's own image keys,
#: ``image_output_subdir``, ``image_cache_age``, ``image_cache_interval`` and
#: ``image_render_threads``, keep their Publ meaning and defaults).
IMAGE_DEFAULTS: dict[str, Any] = {
    # Where renditions live: "local" (a folder under the static folder) or "s3".
    "image_store": "local",
    # Base URL pages use for stored renditions. Local default: static_url_path/subdir;
    # S3 default: none (renditions are served through the site's /_img/ route).
    "image_store_url": None,
    # Link pages straight to image_store_url? Only safe when a miss there reaches the
    # site's /_img/<name> (the site itself, a CDN with the site as origin, or an S3
    # website redirect rule). None: yes for the local store, no for S3.
    "image_link_direct": None,
    "image_s3_bucket": None,
    "image_s3_prefix": "_img/",
    # S3-compatible endpoint (MinIO, R2, SeaweedFS...); None means AWS itself.
    "image_s3_endpoint": None,
    "image_s3_region": None,
    # Largest source image rendered (width x height); larger ones are refused.
    "image_max_source_pixels": 64_000_000,
    # Longest side of any rendition; larger requests are scaled down to fit.
    "image_max_size": 8192,
    # JPEG shrink-on-load: decode at 1/2, 1/4 or 1/8 scale when that keeps at least this
    # fraction of the rendition's width and height (the rest is resampled up). 1.0 never
    # resamples up; 0.9 makes a 3000 px photo's 1600 px rendition decode at 1500 px,
    # about twice as fast and in a quarter of the memory, with no visible difference.
    "image_draft_tolerance": 0.9,
    # Seconds a request waits for its rendition before answering 503.
    "image_render_timeout": 60,
    # Total size of the local store in bytes; the least recently used renditions
    # beyond it are removed by the cleanup. None: no limit.
    "image_cache_size": None,
}


@dataclass(frozen=True)
class ImageSettings:
    """The settled rendition configuration of one site."""

    content_folder: str
    static_folder: str
    static_url_path: str
    output_subdir: str
    lock_folder: str
    secret_key: str
    store: str
    store_url: str | None
    link_direct: bool
    s3_bucket: str | None
    s3_prefix: str
    s3_endpoint: str | None
    s3_region: str | None
    max_source_pixels: int
    max_size: int
    draft_tolerance: float
    render_threads: int
    render_timeout: float
    cache_age: float | None
    cache_interval: float | None
    cache_size: int | None
    layout: Mapping[str, Any]

    @property
    def local_folder(self) -> str:
        """The local store's folder."""
        return os.path.join(self.static_folder, self.output_subdir)


def image_settings(
    values: Mapping[str, Any],
    *,
    content_folder: str,
    static_folder: str,
    static_url_path: str,
    work_folder: str,
    secret_key: str,
) -> ImageSettings:
    """Read the settings from a site's merged configuration values.

    `work_folder` is a private folder of the site (its index folder) for lock files.
    """
    merged = {**IMAGE_DEFAULTS, **values}
    store = str(merged["image_store"] or "local").lower()
    if store not in ("local", "s3"):
        raise ValueError(f"image_store must be 'local' or 's3', not {store!r}")
    if store == "s3" and not merged["image_s3_bucket"]:
        raise ValueError("image_store 's3' needs image_s3_bucket")
    link_direct = merged["image_link_direct"]
    if link_direct is None:
        link_direct = store == "local"
    subdir = str(merged.get("image_output_subdir") or "_img").strip("/")
    threads = merged.get("image_render_threads") or os.cpu_count() or 1
    return ImageSettings(
        content_folder=content_folder,
        static_folder=static_folder,
        static_url_path=static_url_path,
        output_subdir=subdir,
        lock_folder=os.path.join(work_folder, "render-locks"),
        secret_key=secret_key,
        store=store,
        store_url=_strip_slash(merged["image_store_url"]),
        link_direct=bool(link_direct) and (store == "local" or bool(merged["image_store_url"])),
        s3_bucket=merged["image_s3_bucket"],
        s3_prefix=str(merged["image_s3_prefix"] or ""),
        s3_endpoint=merged["image_s3_endpoint"],
        s3_region=merged["image_s3_region"],
        max_source_pixels=int(merged["image_max_source_pixels"]),
        max_size=int(merged["image_max_size"]),
        draft_tolerance=min(1.0, max(0.5, float(merged["image_draft_tolerance"]))),
        render_threads=max(1, int(threads)),
        render_timeout=float(merged["image_render_timeout"]),
        cache_age=_optional_float(merged.get("image_cache_age")),
        cache_interval=_optional_float(merged.get("image_cache_interval")),
        cache_size=int(merged["image_cache_size"]) if merged["image_cache_size"] else None,
        layout=dict(merged.get("layout") or {}),
    )


def _strip_slash(url: str | None) -> str | None:
    return url.rstrip("/") if url else None


def _optional_float(value: Any) -> float | None:
    return float(value) if value else None
