"""The whole path, as an operator runs it: ``octavo import-feed --push`` in one checkout,
a fresh clone elsewhere, ``octavo reindex`` there, and the entries served. Also
``octavo stamp --commit`` and ``import-feed --all``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from octavo.index.database import IndexDatabase
from tests.integration.helpers import entries_by_path
from tests.integration.sync.feeds import atom, rss
from tests.integration.sync.gitsite import clone, git, make_remote, remote_tip, status
from tests.integration.sync.server import FeedServer

OCTAVO = str(Path(sys.executable).parent / "octavo")
ITEMS = [
    {
        "id": "urn:test:item-1",
        "link": "http://example.com/posts/1",
        "title": "Imported one",
        "date": "Sat, 04 May 2024 09:30:00 +0200",
        "html": "<p>Body one<script>alert(1)</script>.</p>",
    },
    {
        "id": "urn:test:item-2",
        "link": "http://example.com/posts/2",
        "title": "Imported two",
        "date": "Sun, 05 May 2024 10:00:00 +0000",
        "html": "<p>Body two.</p>",
    },
]


def octavo(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FLASK_APP")}
    return subprocess.run(
        [OCTAVO, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def serve(site: Path, path: str) -> tuple[int, str]:
    """GET a page from the site's app (in its own process: each site has its own app.py)."""
    script = (
        "import runpy; app = runpy.run_path('app.py')['app']\n"
        f"r = app.test_client().get({path!r})\n"
        "print(r.status_code); print(r.get_data(as_text=True))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=site, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    code, _, body = done.stdout.partition("\n")
    return int(code), body


def test_import_commit_push_clone_reindex_serve(feeds: FeedServer, tmp_path: Path):
    remote = make_remote(tmp_path)
    work = clone(remote, tmp_path / "work")
    url = feeds.set("/rss", rss(ITEMS))
    done = octavo(
        "import-feed", url, "--category", "blog/imported", "--tag", "syndicated", "--push", cwd=work
    )
    assert done.returncode == 0, done.stderr
    assert "wrote blog/imported/20240504-imported-one.html (new)" in done.stdout
    assert "imported 2 new, 0 updated" in done.stdout
    assert remote_tip(remote) == git(work, "rev-parse", "HEAD")
    index = IndexDatabase(make_url(f"sqlite:///{work / '.octavo' / 'index.db'}"))
    try:  # the command indexed what it wrote before it returned
        assert "blog/imported/20240505-imported-two.html" in entries_by_path(index)
    finally:
        index.dispose()

    fresh = clone(remote, tmp_path / "fresh")
    assert (fresh / "content/blog/imported/20240505-imported-two.html").exists()
    reindexed = octavo("reindex", cwd=fresh)
    assert reindexed.returncode == 0, reindexed.stderr
    assert "3 added" in reindexed.stdout  # hello.md and the two imported entries
    code, page = serve(fresh, "/blog/imported/")
    assert code == 200 and ">Imported one</a></li>" in page and ">Imported two</a></li>" in page
    link = re.search(r'<a href="([^"]+)">Imported one</a>', page)
    assert link, page
    code, entry = serve(fresh, link.group(1))
    assert code == 200
    assert "<h1>Imported one</h1><p>Body one.</p><cite>http://example.com/posts/1</cite>" in entry


def test_stamp_commit_commits_exactly_the_stamped_files(tmp_path: Path):
    remote = make_remote(tmp_path)
    work = clone(remote, tmp_path / "work")
    (work / "content/blog/undated.md").write_text("Title: Undated\n\nNo headers yet.\n")
    (work / "content/blog/wip.md").write_text("Title: Work in progress\nStatus: DRAFT\n\n...\n")
    git(work, "add", "content/blog/undated.md", "content/blog/wip.md")
    git(work, "commit", "-q", "-m", "Two more entries")
    (work / "scratch.txt").write_text("not for git")
    done = octavo("stamp", "--commit", cwd=work)
    assert done.returncode == 0, done.stderr
    stamped = git(work, "show", "--name-only", "--format=%an|%s", "HEAD").splitlines()
    assert stamped[0] == "Octavo|Stamp identity headers into 2 entries"
    assert sorted(filter(None, stamped[1:])) == ["content/blog/hello.md", "content/blog/undated.md"]
    assert status(work) == "?? scratch.txt"
    text = (work / "content/blog/undated.md").read_text()
    assert text.startswith("Title: Undated\nEntry-ID: ") and "\nUUID: " in text


def test_stamp_commit_takes_file_names_literally(tmp_path: Path):
    remote = make_remote(tmp_path)
    work = clone(remote, tmp_path / "work")
    blog = work / "content/blog"
    stamped = "Entry-ID: {}\nUUID: {}\nDate: 2024-01-0{} 10:00:00+00:00\n"
    uuids = ("1b4e28ba-2fa1-11d2-883f-0016d3cca427", "6fa459ea-ee8a-3ca4-894e-db77e160355e")
    for n, name in enumerate(("hello", "xy"), 1):
        header = stamped.format(n, uuids[n - 1], n)
        (blog / f"{name}.md").write_text(f"Title: {name}\n{header}\nText.\n")
    (blog / "x*.md").write_text("Title: Star\n\nNeeds stamping.\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "entries")
    (blog / "xy.md").write_text((blog / "xy.md").read_text() + "\nStaged, not committed.\n")
    git(work, "add", "content/blog/xy.md")
    done = octavo("stamp", "--commit", cwd=work)
    assert done.returncode == 0, done.stderr
    assert git(work, "show", "--name-only", "--format=", "HEAD") == "content/blog/x*.md"
    assert status(work) == "M  content/blog/xy.md"  # still staged, as the person left it


def test_stamp_commit_refuses_a_file_with_uncommitted_changes(tmp_path: Path):
    remote = make_remote(tmp_path)
    work = clone(remote, tmp_path / "work")
    hello = work / "content/blog/hello.md"
    hello.write_text(hello.read_text() + "\nAn edit not yet committed.\n")
    before = hello.read_bytes()
    done = octavo("stamp", "--commit", cwd=work)
    assert done.returncode == 1
    assert "nothing stamped: not writing: commit or discard these first: " in done.stderr
    assert "content/blog/hello.md (uncommitted changes)" in done.stderr
    assert hello.read_bytes() == before
    assert git(work, "rev-parse", "HEAD") == remote_tip(remote)


def test_import_feed_all_runs_every_configured_feed(feeds: FeedServer, tmp_path: Path):
    rss_url = feeds.set("/rss", rss(ITEMS[:1]))
    atom_url = feeds.set("/atom", atom(ITEMS[1:]), content_type="application/atom+xml")
    remote = make_remote(
        tmp_path,
        {
            "syndicate": [
                {"url": rss_url, "category": "a", "git_commit": True},
                {"url": atom_url, "category": "b", "status": "DRAFT"},
            ],
            "git_author": "Feeds <feeds@example.com>",
        },
    )
    work = clone(remote, tmp_path / "work")
    done = octavo("import-feed", "--all", cwd=work)
    assert done.returncode == 0, done.stderr
    assert git(work, "log", "-1", "--format=%an", "--", "content/a") == "Feeds"
    assert (
        status(work) == "?? content/b/.octavo-import.json\n?? content/b/20240505-imported-two.html"
    )
    assert "Status: DRAFT\n" in (work / "content/b/20240505-imported-two.html").read_text()
    usage = octavo("import-feed", cwd=work)
    assert usage.returncode == 2 and "give a feed URL (with --category), or --all" in usage.stderr
