"""Rendition settings: Publ's image keys plus Octavo's, read from the site configuration.

The web layer merges IMAGE_DEFAULTS into the site's defaults; everything here is
plain data, so the images package never needs Flask to know how it is configured.
"""

from __future__ import annotations

import os
import urllib.parse
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
    # site's /_img/<name> (a CDN with the site as origin, or a bucket website whose 404s
    # redirect there); refused for a bucket's S3 API URL. None: yes for the local store
    # (its static URL renders misses), no for S3 (pages link /_img/<name>).
    "image_link_direct": None,
    "image_s3_bucket": None,
    "image_s3_prefix": "_img/",
    # S3-compatible endpoint (MinIO, R2, SeaweedFS...); None means AWS itself.
    "image_s3_endpoint": None,
    "image_s3_region": None,
    # Canned ACL for uploaded renditions ("public-read" when image_store_url is the bucket
    # itself without a bucket policy); None sends none, so the bucket's policy decides.
    "image_s3_acl": None,
    # Seconds to connect to, and to wait for an answer from, the rendition store. A store
    # slower than this is skipped: the request renders and serves the rendition itself.
    "image_store_timeout": 2.0,
    # Longest wait between two tries of an unavailable store (the wait doubles from 1 s).
    "image_store_retry": 30.0,
    # Bytes of renditions each process keeps in memory while the store is unavailable.
    "image_spill_size": 64 * 1024 * 1024,
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
    # Total size of the store in bytes; the least recently used renditions (S3: the
    # least recently written) beyond it are removed by the cleanup. None: no limit.
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
    s3_acl: str | None
    store_timeout: float
    store_retry: float
    spill_size: int
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
    store_url = _strip_slash(merged["image_store_url"])
    link_direct = merged["image_link_direct"]
    if link_direct is None:
        link_direct = store == "local"
    elif link_direct and store == "s3":
        _check_direct_links(store_url, merged["image_s3_endpoint"])
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
        store_url=store_url,
        link_direct=bool(link_direct),
        s3_bucket=merged["image_s3_bucket"],
        s3_prefix=str(merged["image_s3_prefix"] or ""),
        s3_endpoint=merged["image_s3_endpoint"],
        s3_region=merged["image_s3_region"],
        s3_acl=merged["image_s3_acl"] or None,
        store_timeout=_positive(merged, "image_store_timeout"),
        store_retry=_positive(merged, "image_store_retry"),
        spill_size=int(merged["image_spill_size"] or 0),
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


def _check_direct_links(store_url: str | None, endpoint: str | None) -> None:
    """Refuse direct links to a bucket that cannot send a miss back to the site."""
    if not store_url:
        raise ValueError(
            "image_link_direct with image_store 's3' needs image_store_url (the CDN or "
            "bucket website URL pages link to); without it pages link /_img/"
        )
    host = urllib.parse.urlsplit(store_url).hostname or ""
    api = (endpoint and store_url.startswith(endpoint.rstrip("/"))) or (
        host.endswith(".amazonaws.com") and "s3-website" not in host
    )
    if api:
        raise ValueError(
            f"image_link_direct with image_store_url {store_url!r}, the bucket's S3 API: "
            "a rendition removed from the bucket (a wipe, expiry) would be a dead image in "
            "every page that links it, because the S3 API cannot send a miss back to the "
            "site. Leave image_link_direct unset (pages link /_img/, which redirects to "
            "image_store_url once the object is there), or point image_store_url at a CDN "
            "or bucket website whose misses reach /_img/<name> (docs/renditions.md)"
        )


def _positive(values: Mapping[str, Any], key: str) -> float:
    value = float(values[key])
    if value <= 0:
        raise ValueError(f"{key} must be a positive number of seconds, not {values[key]!r}")
    return value


def _strip_slash(url: str | None) -> str | None:
    return url.rstrip("/") if url else None


def _optional_float(value: Any) -> float | None:
    return float(value) if value else None
