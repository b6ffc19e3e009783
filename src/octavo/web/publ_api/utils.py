"""``publ.utils``: the helpers of Publ's utility module that site code calls."""

from __future__ import annotations

from octavo.web.login_links import auth_link
from octavo.web.urls import static_url

__all__ = ["auth_link", "static_url"]
