"""Login and logout through Authl (Publ §9.1): ``/_login``, ``/_cb/<provider>``, ``/_ct``
and ``/_logout``, rendered with the site's ``login``/``logout`` templates or the
built-in ones.

Octavo drives Authl's providers itself rather than through ``authl.flask``, to
keep three promises: the page a login returns to is always on this site (an open
redirect in ``redir`` is refused), a provider that fails (the mail server is down,
an identity page cannot be fetched) gives a message on the login page rather than
a 500, and the session is written only once a login is verified.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import smtplib
import urllib.parse
from typing import Any

import flask
from authl import disposition
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.wrappers import Response

from octavo.auth.authority import Authority
from octavo.auth.tickets import send_ticket
from octavo.web.render import no_store, render_page
from octavo.web.visitor import SESSION_KEY, active_user, authority, secure_url_for

LOG = logging.getLogger(__name__)
_PREFILL = "octavo.login.me"


def safe_destination(redir: str | None) -> str:
    """The path on this site that `redir` names; anything that would leave the site
    (``//host``, ``\\host``, a scheme, control characters) becomes the home page."""
    path = "/" + (redir or "").replace("\\", "/").lstrip("/")
    parts = urllib.parse.urlsplit(path)
    if parts.scheme or parts.netloc or any(ord(c) < 32 or ord(c) == 127 for c in path):
        return "/"
    return path


def _auth() -> Authority:
    found = authority()
    if found is None:
        raise NotFound("Login is not configured")
    return found


def login_endpoint(redir: str = "") -> Response:
    auth = _auth()
    destination = safe_destination(redir)
    me = (flask.request.form.get("me") or flask.request.args.get("me") or "").strip()
    if not me:
        if redir and active_user():
            return flask.redirect(destination)
        return login_form(destination)
    problem = _identity_problem(me)
    if problem:
        return login_form(destination, error=problem, status=400, id_url=me)
    flask.session[_PREFILL] = me
    try:
        handler, hid, id_url = auth.authl.get_handler_for_url(me)
    except Exception as err:  # a provider's discovery failed: say so, keep serving
        LOG.warning("login for %r: identity lookup failed: %s", me, err)
        handler, hid, id_url = None, "", ""
    if handler is None:
        return login_form(
            destination,
            error=f"No way to log in as {me} was found: check the address.",
            status=400,
            id_url=me,
        )
    callback = secure_url_for("login_callback", hid=hid, _external=True)
    try:
        outcome = handler.initiate_auth(id_url, callback, destination)
    except (OSError, smtplib.SMTPException) as err:
        LOG.error("login for %s via %s failed: %s", me, handler.service_name, err)
        return login_form(
            destination,
            error=(
                f"Could not start the {handler.service_name} login: "
                "the server it needs is not answering. Please try again later."
            ),
            status=503,
            id_url=me,
        )
    return _follow(auth, outcome)


def callback_endpoint(hid: str) -> Response:
    auth = _auth()
    handler = auth.authl.get_handler_by_id(hid)
    if handler is None:
        raise NotFound("No such login provider")
    try:
        outcome = handler.check_callback(
            flask.request.base_url, flask.request.args, flask.request.form
        )
    except (OSError, smtplib.SMTPException) as err:
        LOG.error("login callback via %s failed: %s", handler.service_name, err)
        outcome = disposition.Error(f"{handler.service_name} is not answering", "")
    return _follow(auth, outcome)


def tester_endpoint() -> Response:
    """``/_ct?url=…``: which provider would log this address in (Authl's URL tester)."""
    auth = _auth()
    url = flask.request.args.get("url", "").strip()
    found: Any = None
    if url and not _identity_problem(url):
        try:
            handler, _, canonical = auth.authl.get_handler_for_url(url)
        except Exception:
            handler = None
        if handler is not None:
            found = {"name": handler.service_name, "url": canonical}
    response = flask.make_response(json.dumps(found))
    response.headers["Content-Type"] = "application/json"
    return no_store(response)


def logout_endpoint(redir: str = "") -> Response:
    """GET asks for confirmation (the site's ``logout`` template); POST logs out."""
    if flask.request.method == "POST":
        flask.session.pop(SESSION_KEY, None)
        return flask.redirect(safe_destination(redir))
    found = flask.current_app.templates.find("", "logout")  # type: ignore[attr-defined]
    assert found is not None  # a built-in exists
    return no_store(render_page(found, redir=safe_destination(redir)))


def login_form(
    destination: str, error: str | None = None, status: int = 200, id_url: str | None = None
) -> Response:
    """The site's ``login`` template (root only), or the built-in one."""
    auth = _auth()
    found = flask.current_app.templates.find("", "login")  # type: ignore[attr-defined]
    assert found is not None  # a built-in exists
    variables = {
        "login_url": secure_url_for("login", redir=destination.lstrip("/") or None),
        "test_url": secure_url_for("login_tester", _external=True),
        "auth": auth.authl,
        "id_url": id_url if id_url is not None else flask.session.get(_PREFILL, ""),
        "error": error,
        "redir": destination,
    }
    return no_store(render_page(found, status=status, **variables))


def _follow(auth: Authority, outcome: disposition.Disposition) -> Response:
    if isinstance(outcome, disposition.Redirect):
        return no_store(flask.redirect(outcome.url))
    if isinstance(outcome, disposition.Verified):
        return _logged_in(auth, outcome)
    if isinstance(outcome, disposition.Notify):
        return _builtin_page("_login_notify", cdata=outcome.cdata)
    if isinstance(outcome, disposition.NeedsPost):
        return _builtin_page(
            "_login_post", url=outcome.url, message=outcome.message, data=outcome.data
        )
    if isinstance(outcome, disposition.Error):
        return login_form(safe_destination(outcome.redir), error=outcome.message, status=400)
    raise HTTPException(f"unknown login outcome {outcome!r}")


def _logged_in(auth: Authority, verified: disposition.Verified) -> Response:
    identity = auth.register_login(verified.identity, verified.profile or {})
    flask.session.pop(_PREFILL, None)
    flask.session.permanent = True
    flask.session[SESSION_KEY] = identity
    LOG.info("login: %s", identity)
    endpoint = (verified.profile or {}).get("endpoints", {}).get("ticket_endpoint")
    if endpoint:
        send_ticket(
            auth.signer,
            identity,
            flask.request.url_root,
            endpoint,
            auth.settings.ticket_lifetime,
        )
    return no_store(flask.redirect(safe_destination(verified.redir)))


def _builtin_page(name: str, **variables: Any) -> Response:
    found = flask.current_app.templates.find("", name)  # type: ignore[attr-defined]
    assert found is not None
    return no_store(render_page(found, **variables))


def _identity_problem(me: str) -> str | None:
    """Why `me` cannot name anyone (it must be a web address, an e-mail address or an
    identity in a provider's own scheme such as ``test:``), or None."""
    bad = f"{me[:80]!r} is not a web address or an e-mail address."
    if len(me) > 500 or any(c.isspace() or not c.isprintable() for c in me):
        return bad
    if _SCHEME_URL.match(me):
        url = me
    elif _OTHER_SCHEME.match(me) or "@" in me:
        return None  # mailto:, test:, acct:, an address: the provider checks it
    else:
        url = "https://" + me
    try:
        host = urllib.parse.urlsplit(url).hostname
    except ValueError:
        return bad
    if not host or not ("." in host or host == "localhost" or _is_ip(host)):
        return bad
    return None


_SCHEME_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_OTHER_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+-]*:(?![0-9]+(/|$))")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def unauthorized_response() -> Response:
    """A 401 with login on: the login page (over https when it is forced), so the
    visitor can log in and come back to the page they asked for."""
    auth = _auth()
    request = flask.request
    if auth.settings.force_https and request.scheme != "https":
        secure = urllib.parse.urlsplit(request.url)._replace(scheme="https")
        return flask.redirect(urllib.parse.urlunsplit(secure))
    destination = safe_destination(request.full_path.rstrip("?"))
    error = flask.g.get("octavo_token_error")
    return login_form(destination, error=error, status=401)


def register_login_routes(app: flask.Flask) -> None:
    add = app.add_url_rule
    for suffix in ("", "/", "/<path:redir>"):
        add(f"/_login{suffix}", "login", login_endpoint, methods=["GET", "POST"])
        add(f"/_logout{suffix}", "logout", logout_endpoint, methods=["GET", "POST"])
    add("/_cb/<hid>", "login_callback", callback_endpoint, methods=["GET", "POST"])
    add("/_ct", "login_tester", tester_endpoint)
