"""``publ.user``: the reader of the current request, for hooks and routes."""

from __future__ import annotations

from octavo.auth.user import BotUser, User
from octavo.web.visitor import active_user as get_active

__all__ = ["BotUser", "User", "get_active"]
