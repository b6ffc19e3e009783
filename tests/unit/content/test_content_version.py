"""The content version: configured, else git HEAD's commit time (read from the .git files),
else the newest file or folder time."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from octavo.content.version import (
    ContentVersion,
    content_version,
    git_head_time,
    origin,
    parse_configured,
)
from octavo.content.walk import walk_content

COMMITTED = 1_700_000_000


def git(repo: Path, *args: str, when: int = COMMITTED) -> str:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(repo),
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.com",
        "GIT_COMMITTER_NAME": "C",
        "GIT_COMMITTER_EMAIL": "c@example.com",
        "GIT_AUTHOR_DATE": f"{when - 500} +0100",
        "GIT_COMMITTER_DATE": f"{when} +0100",
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "content" / "blog").mkdir(parents=True)
    (site / "content" / "blog" / "a.md").write_text("Title: A\n\nA.\n")
    git(site, "init", "-q", "-b", "main")
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", "first")
    return site


def test_configured_versions_are_numbers() -> None:
    assert parse_configured(None) is None
    assert parse_configured("") is None
    assert parse_configured("42") == 42.0
    assert parse_configured(" 1700000000.5 ") == 1700000000.5
    assert parse_configured(7) == 7.0
    for bad in ("abc123", "nan", "inf", "1.2.3"):
        with pytest.raises(ValueError, match=r"content_version must be a number.*OCTAVO_CONTENT"):
            parse_configured(bad)


def test_head_commit_time_from_a_loose_object(repo: Path) -> None:
    sha = git(repo, "rev-parse", "HEAD")
    assert git_head_time(str(repo / "content" / "blog")) == (sha, COMMITTED)


def test_head_commit_time_from_a_pack_and_packed_refs(repo: Path) -> None:
    (repo / "content" / "b.md").write_text("Title: B\n\nB.\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "second", when=COMMITTED + 60)
    git(repo, "gc", "-q", "--aggressive")
    assert not (repo / ".git" / "refs" / "heads" / "main").exists()  # in packed-refs now
    assert not list((repo / ".git" / "objects").glob("??/*"))  # every object packed
    sha = git(repo, "rev-parse", "HEAD")
    assert git_head_time(str(repo / "content")) == (sha, COMMITTED + 60)


def test_head_commit_time_of_a_worktree_and_a_detached_head(repo: Path, tmp_path: Path) -> None:
    first = git(repo, "rev-parse", "HEAD")
    (repo / "content" / "c.md").write_text("Title: C\n\nC.\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "third", when=COMMITTED + 120)
    other = tmp_path / "other"
    git(repo, "worktree", "add", "-q", "--detach", str(other), first)
    assert (other / ".git").is_file()
    assert git_head_time(str(other / "content")) == (first, COMMITTED)
    assert git_head_time(str(repo / "content"))[1] == COMMITTED + 120  # type: ignore[index]


def test_no_repository_or_an_unreadable_one_gives_none(tmp_path: Path) -> None:
    assert git_head_time(str(tmp_path)) is None
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/nowhere\n")
    assert git_head_time(str(tmp_path)) is None


def test_the_rule_prefers_configured_then_git_then_file_times(repo: Path, tmp_path: Path) -> None:
    content = str(repo / "content")
    sha = git(repo, "rev-parse", "HEAD")
    assert content_version(content, 5.0, 10**18) == ContentVersion(
        5.0, "configured content_version"
    )
    assert content_version(content, None, 10**18) == ContentVersion(
        float(COMMITTED), f"git commit {sha[:12]}"
    )
    plain = tmp_path / "plain"
    plain.mkdir()
    assert content_version(str(plain), None, 1_600_000_000_500_000_000) == ContentVersion(
        1_600_000_000.5, "newest file time"
    )


def test_newest_time_counts_folders_so_a_deletion_is_newer(tmp_path: Path) -> None:
    blog = tmp_path / "blog"
    blog.mkdir()
    for name in ("a.md", "b.md"):
        (blog / name).write_text("Title: x\n\nx\n")
        os.utime(blog / name, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    for folder in (blog, tmp_path):
        os.utime(folder, ns=(1_100_000_000_000_000_000, 1_100_000_000_000_000_000))
    assert walk_content(str(tmp_path)).newest_mtime_ns == 1_100_000_000_000_000_000
    (blog / "b.md").unlink()  # the folder's time moves to now
    assert walk_content(str(tmp_path)).newest_mtime_ns > 1_600_000_000_000_000_000


def test_origin_names_the_host_and_the_folder(tmp_path: Path) -> None:
    here = origin(str(tmp_path))
    assert here.endswith(":" + os.path.realpath(tmp_path))
    assert here != origin(str(tmp_path / "elsewhere"))
