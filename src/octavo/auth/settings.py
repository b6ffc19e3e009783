"""The site's login settings: Publ's ``auth`` dict and the keys around it (§9.1, §11.4)."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class AuthSettings:
    enabled: bool
    authl_config: Mapping[str, Any]
    force_https: bool
    user_list: str
    admin_group: str | None
    ticket_lifetime: float
    token_lifetime: float
    refresh_token_lifetime: float
    log_prune_interval: float
    log_prune_age: float


def auth_settings(values: Mapping[str, Any], root: str, secret_configured: bool) -> AuthSettings:
    """Login is on with a non-empty ``auth`` dict and a configured secret key (a key
    every instance shares, so sessions and tokens outlive restarts); otherwise it is off,
    with a warning saying why when the site asked for it."""
    config = dict(values.get("auth") or {})
    if "AUTH_FORCE_SSL" in config:
        raise ValueError("auth: AUTH_FORCE_SSL is no longer accepted; use AUTH_FORCE_HTTPS")
    enabled = bool(config)
    if enabled and not secret_configured:
        LOG.warning(
            "auth is configured but no secret_key is set (config key 'secret_key' or the "
            "SECRET_KEY environment variable): login is disabled"
        )
        enabled = False
    return AuthSettings(
        enabled=enabled,
        authl_config=config,
        force_https=bool(config.get("AUTH_FORCE_HTTPS")),
        user_list=os.path.normpath(os.path.join(root, os.fspath(values["user_list"]))),
        admin_group=values.get("admin_group") or None,
        ticket_lifetime=float(values["ticket_lifetime"]),
        token_lifetime=float(values["token_lifetime"]),
        refresh_token_lifetime=float(values["refresh_token_lifetime"]),
        log_prune_interval=float(values.get("auth_log_prune_interval") or 0),
        log_prune_age=float(values.get("auth_log_prune_age") or 0),
    )
