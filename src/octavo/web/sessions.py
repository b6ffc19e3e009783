"""Session cookies: Flask's signed cookies, without two costs paid on every request.

Flask builds a new signing serializer (deriving its key) for each request, and
re-signs and re-sends a permanent session's cookie on every response, to slide
its expiry. Here the serializer is kept while the secret keys stay the same,
and an unchanged session's cookie is re-sent only once it is an hour old: its
expiry still slides for every reader who comes back, and most responses carry
no ``Set-Cookie``. The cookie itself (format, signature, lifetime) is Flask's.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer

#: How old (seconds) an unchanged permanent session's cookie gets before it is re-sent.
REFRESH_AFTER = 3600


class SignedAt(SecureCookieSession):
    """A session that remembers when its cookie was signed (None: not from a cookie)."""

    signed_at: float | None = None


class SessionCookies(SecureCookieSessionInterface):
    session_class = SignedAt

    def __init__(self) -> None:
        self._serializer: tuple[Any, URLSafeTimedSerializer | None] = (None, None)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached_keys, serializer = self._serializer
        if cached_keys != keys:
            serializer = super().get_signing_serializer(app)
            self._serializer = (keys, serializer)
        return serializer

    def open_session(self, app: Flask, request: Request) -> SignedAt | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed.timestamp()
        return session

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        return signed_at is None or time.time() - signed_at >= REFRESH_AFTER
