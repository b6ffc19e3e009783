"""The admin page (Publ §9.6): recent users, a user's profile, and the access log of
private entries, grouped by entry, user or outcome and paginated."""

from __future__ import annotations

import datetime as dt
from typing import Any

import flask
from werkzeug.exceptions import BadRequest, Forbidden, NotFound, Unauthorized
from werkzeug.wrappers import Response

from octavo.auth.authority import Authority
from octavo.auth.user import User
from octavo.index.accounts import LOG_ORDERS, utcnow
from octavo.web.context import request_index
from octavo.web.render import no_store, render_page
from octavo.web.visitor import active_user, authority

#: `by` in the URL → the access log's order.
_GROUPINGS = {None: "date", "entry": "entry", "user": "user", "authorized": "authorized"}


def admin_endpoint(by: str | None = None) -> Response:
    auth = authority()
    if auth is None:
        raise NotFound("Login is not configured")
    user = active_user()
    if not user:
        raise Unauthorized()
    if not user.is_admin:
        raise Forbidden("Only administrators may see this page")
    if by not in _GROUPINGS:
        raise NotFound(f"No such grouping '{by}'")
    order = _GROUPINGS[by]
    assert order in LOG_ORDERS
    days = _int_arg("days", 7, 0, 36500)
    count = _int_arg("count", 50, 1, 1000)
    offset = _int_arg("offset", 0, 0, 10**9)
    since = utcnow() - dt.timedelta(days=days) if days else None
    users = [
        (User(r.identity, "session", None, auth, r), auth.local_time(r.last_seen))
        for r in auth.accounts.users(since)
    ]
    ix = request_index()
    records, remain = auth.accounts.access_log(offset, count, order)
    rows = ix.reader.entries_by_id({record.entry_id for record in records})
    log = [_log_entry(auth, record, rows.get(record.entry_id)) for record in records]
    focus = flask.request.args.get("user")
    found = flask.current_app.templates.find("", "_admin")  # type: ignore[attr-defined]
    assert found is not None  # a built-in exists
    return no_store(
        render_page(
            found,
            users=users,
            log=log,
            count=count,
            offset=offset,
            days=days,
            remain=remain,
            by=by,
            focus_user=auth.user(focus, "session") if focus else None,
        )
    )


class LogEntry:
    """One row of the access log as templates see it (Publ's LogEntry fields)."""

    def __init__(self, date: Any, entry: Any, user: User, user_groups: set[str], authorized: bool):
        self.date = date
        self.entry = entry
        self.user = user
        self.user_groups = user_groups
        self.authorized = authorized


def _log_entry(auth: Authority, record: Any, row: Any) -> LogEntry:
    from octavo.web.objects.entry import load_entry  # entry → links → entry: import late

    entry = load_entry(request_index(), row) if row is not None else None
    groups = {g for g in record.user_groups.split(",") if g}
    return LogEntry(
        auth.local_time(record.date),
        entry,
        auth.user(record.identity, "session"),
        groups,
        record.authorized,
    )


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    value = flask.request.args.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(f"'{name}' must be a whole number") from None
    return min(max(number, low), high)


def register_admin_routes(app: flask.Flask) -> None:
    for rule in ("/_admin", "/_admin/", "/_admin/<by>"):
        app.add_url_rule(rule, "admin", admin_endpoint)
