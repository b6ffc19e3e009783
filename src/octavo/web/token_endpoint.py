"""``/_tokens`` (Publ §9.5): the IndieAuth token endpoint — ticket and refresh-token
grants, sending a ticket (TicketAuth), and bearer-token introspection."""

from __future__ import annotations

import json
from typing import Any

import flask
from authl.handlers import indieauth
from werkzeug.exceptions import BadRequest, NotFound, Unauthorized
from werkzeug.wrappers import Response

from octavo.auth.authority import Authority
from octavo.auth.identity import canonical_identity
from octavo.auth.tickets import find_ticket_endpoint, send_ticket
from octavo.auth.tokens import TokenInvalid, TokenKind
from octavo.index.accounts import utcnow
from octavo.web.render import no_store
from octavo.web.visitor import active_user, authority


def tokens_endpoint() -> Response:
    auth = authority()
    if auth is None:
        raise NotFound("Login is not configured")
    form, args = flask.request.form, flask.request.args
    if "grant_type" in form:
        kind = {"ticket": TokenKind.TICKET, "refresh_token": TokenKind.REFRESH}.get(
            form["grant_type"]
        )
        if kind is None:
            raise BadRequest("Unknown grant type")
        if kind.value not in form:
            raise BadRequest(f"Missing {kind.value}")
        return _redeem(auth, form[kind.value], kind)
    if "action" in form:
        if form["action"] == "ticket" and form.get("subject"):
            return _ticket_request(auth, form["subject"], form.get("scope") or None)
        raise BadRequest("Unknown action")
    if "Authorization" in flask.request.headers:
        user = active_user()  # 401/400 for a bad header
        claims: dict[str, Any] = {"me": user.identity}
        if user.scope:
            claims["scope"] = user.scope
        return _json(claims)
    if args.get("me"):
        return _ticket_request(auth, args["me"], args.get("scope") or None)
    raise BadRequest("Nothing to do: see the IndieAuth token endpoint specification")


def _redeem(auth: Authority, token: str, kind: TokenKind) -> Response:
    try:
        grant = auth.signer.parse(token, kind)
    except TokenInvalid as err:
        raise Unauthorized(str(err)) from None
    settings = auth.settings
    body: dict[str, Any] = {
        "access_token": auth.signer.issue(grant.identity, settings.token_lifetime, grant.scope),
        "token_type": "Bearer",
        "me": grant.identity,
        "expires_in": int(settings.token_lifetime),
        "refresh_token": auth.signer.issue(
            grant.identity, settings.refresh_token_lifetime, grant.scope, TokenKind.REFRESH
        ),
    }
    if grant.scope:
        body["scope"] = grant.scope
    profile = _profile(grant.identity)
    auth.accounts.record_token(grant.identity, profile, utcnow())
    return _json(body)


def _profile(identity: str) -> dict[str, Any] | None:
    """The identity page's h-card, when it is a web page that can be read."""
    if not identity.startswith(("http://", "https://")):
        return None
    try:
        return indieauth.get_profile(identity) or None
    except Exception:
        return None


def _ticket_request(auth: Authority, subject: str, scope: str | None) -> Response:
    endpoint, me = find_ticket_endpoint(canonical_identity(subject))
    if not endpoint:
        raise BadRequest("Could not find a ticket endpoint for that identity")
    send_ticket(
        auth.signer, me, flask.request.url_root, endpoint, auth.settings.ticket_lifetime, scope
    )
    response = flask.make_response("Ticket sent", 202)
    return no_store(response)


def _json(body: dict[str, Any]) -> Response:
    response = flask.make_response(json.dumps(body))
    response.headers["Content-Type"] = "application/json"
    return no_store(response)


def register_token_routes(app: flask.Flask) -> None:
    app.add_url_rule("/_tokens", "tokens", tokens_endpoint, methods=["GET", "POST"])
