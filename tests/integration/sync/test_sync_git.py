"""Git write-back against a real bare repository as the remote."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest

from octavo.sync.importer import FeedImport, ImportReport
from octavo.sync.settings import GitSettings, feed_spec
from octavo.sync.state import FetchState
from tests.integration.sync.feeds import rss
from tests.integration.sync.gitsite import clone, git, make_remote, push_change, remote_tip, status
from tests.integration.sync.server import FeedServer

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
AUTHOR = GitSettings(author_name="Feed Robot", author_email="robot@example.com")
ITEM = {
    "id": "urn:test:item-1",
    "link": "http://example.com/posts/1",
    "title": "First post",
    "date": "Sat, 04 May 2024 09:30:00 +0200",
    "html": "<p>Hello.</p>",
}
ENTRY = "content/blog/feed/20240504-first-post.html"
LEDGER = "content/blog/feed/.octavo-import.json"


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    return make_remote(tmp_path)


@pytest.fixture
def work(remote: Path, tmp_path: Path) -> Path:
    return clone(remote, tmp_path / "work")


def run_import(
    work: Path, url: str, *, commit: bool = True, push: bool = False, git_settings=AUTHOR
) -> ImportReport:
    spec = feed_spec({"url": url, "category": "blog/feed"}, str(work))
    state = FetchState(str(work / ".octavo"))
    job = FeedImport(str(work / "content"), spec, state, git_settings, now=NOW)
    return job.run(commit=commit, push=push)


def committed_files(repo: Path, rev: str = "HEAD") -> list[str]:
    return git(repo, "show", "--name-only", "--format=", rev).splitlines()


def test_commit_holds_exactly_the_written_files(feeds: FeedServer, work: Path):
    # A person's work in progress: a modified file, a staged file, an untracked file.
    (work / "content" / "blog" / "hello.md").write_text("Title: Hello\n\nUnsaved edit.\n")
    (work / "content" / "staged.md").write_text("Title: Staged\n\nx\n")
    git(work, "add", "content/staged.md")
    (work / "notes.txt").write_text("scratch")
    before = status(work)
    report = run_import(work, feeds.set("/rss", rss([ITEM])))
    assert report.error is None and report.commit and report.commit.commit
    assert git(work, "rev-parse", "HEAD") == report.commit.commit
    assert sorted(committed_files(work)) == sorted([ENTRY, LEDGER])
    assert git(work, "log", "-1", "--format=%an <%ae>|%cn <%ce>") == (
        "Feed Robot <robot@example.com>|Feed Robot <robot@example.com>"
    )
    message = git(work, "log", "-1", "--format=%B")
    assert message.startswith("Import 1 new and 0 updated entries into blog/feed\n")
    assert f"  {ENTRY[len('content/') :]}" in message
    assert status(work) == before  # the person's changes are exactly as they were
    assert git(work, "diff", "--cached", "--name-only") == "content/staged.md"


def test_push_then_someone_elses_push_is_rebased_onto(feeds: FeedServer, remote, work, tmp_path):
    url = feeds.set("/rss", rss([ITEM]))
    report = run_import(work, url, push=True)
    assert report.error is None and report.commit and report.commit.pushed
    assert remote_tip(remote) == git(work, "rev-parse", "HEAD")
    theirs = push_change(remote, tmp_path, "content/blog/other.md", "Title: Other\n\nHi.\n")
    feeds.set("/rss", rss([ITEM, {**ITEM, "id": "urn:test:item-2", "link": "http://e/2",
                                  "title": "Second"}]))  # fmt: skip
    report = run_import(work, url, push=True)
    assert report.error is None and report.commit and report.commit.pushed
    tip = remote_tip(remote)
    assert git(remote, "rev-parse", f"{tip}^") == theirs  # replayed on their commit
    assert sorted(committed_files(remote, tip)) == sorted(
        ["content/blog/feed/20240504-second.html", LEDGER]
    )
    assert git(work, "rev-parse", "HEAD") == tip  # the checkout followed, their file included
    assert (work / "content" / "blog" / "other.md").exists()
    assert status(work) == ""


def test_a_conflict_aborts_and_leaves_everything_as_it_was(
    feeds: FeedServer, remote, work, tmp_path
):
    url = feeds.set("/rss", rss([ITEM]))
    run_import(work, url, push=True)
    theirs = push_change(remote, tmp_path, ENTRY, "Title: Rewritten elsewhere\n\nTheirs.\n")
    feeds.set("/rss", rss([{**ITEM, "html": "<p>Changed at the source.</p>"}]))
    head, tree = git(work, "rev-parse", "HEAD"), snapshot(work)
    report = run_import(work, url, push=True)
    assert report.error and "conflict: " + ENTRY in report.error
    assert "nothing was committed or pushed" in report.error
    assert snapshot(work) == tree and git(work, "rev-parse", "HEAD") == head
    assert status(work) == ""
    assert remote_tip(remote) == theirs


def test_a_rejected_push_aborts_cleanly(feeds: FeedServer, remote, work):
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are closed today' >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    head, tree, tip = git(work, "rev-parse", "HEAD"), snapshot(work), remote_tip(remote)
    report = run_import(work, feeds.set("/rss", rss([ITEM])), push=True)
    assert report.error and "push to origin refused" in report.error
    assert snapshot(work) == tree and git(work, "rev-parse", "HEAD") == head
    assert not (work / "content" / "blog" / "feed").exists()  # nor the folder made for it
    assert remote_tip(remote) == tip and status(work) == ""
    # The next run (hook gone) imports the item as new: the failed run left no trace.
    hook.unlink()
    again = run_import(work, feeds.url("/rss"), push=True)
    assert again.count("new") == 1 and again.commit and again.commit.pushed


def test_a_push_raced_by_another_is_retried_on_a_fresh_fetch(feeds, remote, work, tmp_path):
    racer = clone(remote, tmp_path / "racer")
    hook = work / ".git" / "hooks" / "pre-push"
    hook.write_text(
        "#!/bin/sh\n"
        f"if [ ! -e '{tmp_path}/raced' ]; then touch '{tmp_path}/raced'\n"
        f"  cd '{racer}' && echo 'Title: Race' > content/race.md && git add content/race.md\n"
        "  git -c user.name=R -c user.email=r@e commit -qm race && git push -q origin HEAD:main\n"
        "fi\n"
    )
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    report = run_import(work, feeds.set("/rss", rss([ITEM])), push=True)
    assert report.error is None and report.commit and report.commit.pushed
    assert (tmp_path / "raced").exists()
    tip = remote_tip(remote)
    assert git(remote, "log", "-1", "--format=%s", f"{tip}^") == "race"
    assert sorted(committed_files(remote, tip)) == sorted([ENTRY, LEDGER])


def test_uncommitted_changes_in_a_path_to_write_abort_before_writing(feeds, work):
    url = feeds.set("/rss", rss([ITEM]))
    run_import(work, url)
    ledger = work / LEDGER
    ledger.write_text(ledger.read_text() + "\n")  # still a valid ledger, but not committed
    feeds.set("/rss", rss([{**ITEM, "html": "<p>New text.</p>"}]))
    tree, head = snapshot(work), git(work, "rev-parse", "HEAD")
    report = run_import(work, url)
    assert report.error == (
        f"not writing: commit or discard these first: {LEDGER} (uncommitted changes)"
    )
    assert snapshot(work) == tree and git(work, "rev-parse", "HEAD") == head


def test_works_on_a_shallow_clone(feeds, remote, tmp_path):
    for n in range(3):
        push_change(remote, tmp_path, f"content/blog/old-{n}.md", f"Title: Old {n}\n\nx\n")
    shallow = clone(remote, tmp_path / "shallow", shallow=True)
    assert git(shallow, "rev-parse", "--is-shallow-repository") == "true"
    theirs = push_change(remote, tmp_path, "content/blog/newer.md", "Title: Newer\n\nx\n")
    report = run_import(shallow, feeds.set("/rss", rss([ITEM])), push=True)
    assert report.error is None and report.commit and report.commit.pushed
    assert git(remote, "rev-parse", "refs/heads/main^") == theirs
    assert git(shallow, "rev-parse", "HEAD") == remote_tip(remote)


def test_errors_before_writing_anything(feeds, tmp_path, work):
    plain = tmp_path / "plain"
    (plain / "content").mkdir(parents=True)
    report = run_import(plain, feeds.set("/rss", rss([ITEM])))
    assert report.error and "is not inside a git work tree" in report.error
    assert not (plain / "content" / "blog").exists()
    git(work, "checkout", "-q", "--detach")
    detached = run_import(work, feeds.url("/rss"), push=True)
    assert detached.error and "HEAD is detached; set git_branch" in detached.error
    assert not (work / ENTRY).exists()
    elsewhere = GitSettings(remote="nowhere", branch="main")
    missing = run_import(work, feeds.url("/rss"), push=True, git_settings=elsewhere)
    assert missing.error and "cannot fetch main from nowhere" in missing.error
    assert not (work / ENTRY).exists() and status(work) == ""


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the work tree (not .git) with its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }
