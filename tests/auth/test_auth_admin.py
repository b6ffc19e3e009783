"""The admin page (Publ §9.6) and the access log; users and the log outlive a rebuild."""

from __future__ import annotations

import datetime as dt

from octavo.index.accounts import utcnow
from tests.auth.conftest import login, logout
from tests.web.conftest import Site


def test_admin_needs_an_admin(site: Site):
    anonymous = site.get("/_admin")
    assert anonymous.status_code == 401 and 'name="me"' in anonymous.get_data(as_text=True)
    login(site, "test:carol")
    assert site.get("/_admin").status_code == 403


def test_access_log_and_users(site: Site):
    login(site, "test:carol")
    assert site.get("/blog/2-secret-friends-picnic").status_code == 403  # refused, logged
    logout(site)
    login(site, "test:alice")
    assert site.get("/blog/2-secret-friends-picnic").status_code == 200  # allowed, logged
    assert site.get("/blog/1-hello-world").status_code == 200  # public: not logged
    logout(site)
    site.get("/blog/2-secret-friends-picnic")  # anonymous: not logged
    login(site, "test:admin")
    page = site.text("/_admin")
    assert "Secret Friends Picnic" in page
    assert page.count("✓ allowed") == 1 and page.count("✗ refused") == 1
    assert "Hello World" not in page
    for name in ("test:alice", "test:carol", "test:admin"):
        assert name in page
    by_user = site.text("/_admin/user")
    assert by_user.index("test:alice") < by_user.index("test:carol")
    assert "no-store" in site.get("/_admin").headers["Cache-Control"]
    focus = site.text("/_admin?user=test:alice")
    assert 'aria-label="Profile"' in focus and "family" in focus


def test_log_pages(site: Site):
    auth = site.app.authority
    now = utcnow()
    for n in range(5):
        auth.accounts.log_access(
            2, f"test:reader{n}", ["friends"], True, now - dt.timedelta(minutes=n)
        )
    login(site, "test:admin")
    first = site.text("/_admin?count=2")
    assert "test:reader0" in first and "test:reader2" not in first and "offset=2" in first
    last = site.text("/_admin?count=2&offset=4")
    assert "test:reader4" in last and "Older" not in last


def test_users_and_log_survive_a_rebuild(site: Site):
    login(site, "test:alice")
    site.get("/blog/2-secret-friends-picnic")
    site.app.keeper.scanner.rebuild()
    auth = site.app.authority
    assert auth.accounts.user("test:alice") is not None
    records, _ = auth.accounts.access_log(0, 10)
    assert [(r.entry_id, r.identity, r.authorized) for r in records] == [(2, "test:alice", True)]
    login(site, "test:admin")
    assert "Secret Friends Picnic" in site.text("/_admin")  # found again in the new index


def test_pruning_forgets_old_rows(site: Site):
    auth = site.app.authority
    old = utcnow() - dt.timedelta(days=60)
    auth.accounts.record_seen("test:ghost", old)
    auth.accounts.log_access(2, "test:ghost", [], False, old)
    auth.accounts.record_seen("test:alice", utcnow())
    auth._pruned = -1e12  # due now
    auth.prune_if_due()
    assert auth.accounts.user("test:ghost") is None
    assert auth.accounts.user("test:alice") is not None
    assert auth.accounts.access_log(0, 10)[0] == []
