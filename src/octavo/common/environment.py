"""Configuration keys a deployment gives in the environment (twelve-factor style).

A platform sets environment variables, not Python dicts: each variable here
fills a configuration key the site's ``app.py`` leaves unset (a key set there
wins). DATABASE_URL, SECRET_KEY and SITE_URL are read where their keys are
settled (``octavo.index.urls``, ``octavo.config``); PORT and WEB_CONCURRENCY are
gunicorn's own. docs/deploying.md has the whole table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def _text(value: str) -> str:
    return value


def _flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("expected 1/true/yes/on or 0/false/no/off")


def _seconds(value: str) -> float:
    seconds = float(value)
    if seconds < 0:
        raise ValueError("expected a number of seconds, 0 or more")
    return seconds


def _words(value: str) -> list[str]:
    return [word for word in value.replace(",", " ").split() if word]


#: Variable name → (configuration key, parser). The rendition store's credentials are
#: not keys: boto3 reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
VARIABLES: dict[str, tuple[str, Callable[[str], Any]]] = {
    "DATABASE_START_WAIT": ("database_start_wait", _seconds),
    "INDEX_COLD_BUILD": ("index_cold_build", _text),
    "IMAGE_STORE": ("image_store", _text),
    "IMAGE_S3_BUCKET": ("image_s3_bucket", _text),
    "IMAGE_S3_PREFIX": ("image_s3_prefix", _text),
    "IMAGE_S3_ENDPOINT": ("image_s3_endpoint", _text),
    "IMAGE_S3_REGION": ("image_s3_region", _text),
    "IMAGE_S3_ACL": ("image_s3_acl", _text),
    "IMAGE_STORE_URL": ("image_store_url", _text),
    "IMAGE_LINK_DIRECT": ("image_link_direct", _flag),
    "TRUSTED_HOSTS": ("trusted_hosts", _words),
}


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The configuration keys the environment sets (empty variables are unset); a value
    its key cannot take is a ValueError naming the variable."""
    found: dict[str, Any] = {}
    for name, (key, parse) in VARIABLES.items():
        raw = environ.get(name)
        if raw is None or raw == "":
            continue
        try:
            found[key] = parse(raw)
        except ValueError as err:
            raise ValueError(f"${name}={raw!r}: {err}") from None
    return found
