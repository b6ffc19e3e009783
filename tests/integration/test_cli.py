"""The ``octavo`` command, run as a user runs it: a real process on a real site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OCTAVO = [str(Path(sys.executable).parent / "octavo")]  # the installed console script


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FLASK_APP")}
    environment.update(env or {})
    return subprocess.run(
        [*OCTAVO, *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the bundled example site (never the original: stamp writes files)."""
    target = tmp_path / "blog"
    shutil.copytree(
        REPO / "examples" / "blog",
        target,
        ignore=shutil.ignore_patterns(".octavo", "*.db*", "__pycache__"),
    )
    return target


def test_reindex_with_app_path_and_default_app(site, tmp_path):
    result = run("--app", str(site / "app.py"), "reindex", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "index built" in result.stdout and "added" in result.stdout
    assert (site / ".octavo" / "index.db").exists()
    again = run("reindex", cwd=site)  # ./app.py found by default
    assert again.returncode == 0, again.stderr
    assert "0 added, 0 updated, 0 removed" in again.stdout
    fresh = run("reindex", "--fresh", cwd=site)
    assert "index built" in fresh.stdout


def test_missing_app_is_a_usage_error(tmp_path):
    result = run("reindex", cwd=tmp_path)
    assert result.returncode == 2 and "no app.py" in result.stderr


def test_unreachable_database_is_a_clear_error_without_traceback(site):
    result = run(
        "reindex",
        cwd=site,
        env={
            "DATABASE_URL": "postgresql://nobody:pw@127.0.0.1:1/none",
            "DATABASE_START_WAIT": "1.2",
        },
    )
    assert result.returncode == 1
    # tried again with back-off (0.5 s, then the 0.7 s left), then the reason, once
    assert result.stderr.count("trying again in") == 2, result.stderr
    assert result.stderr.count("Error: cannot use the index database") == 1
    assert "Traceback" not in result.stderr and "pw" not in result.stderr


def test_check_reports_problems_and_leaves_the_index_alone(site):
    clean = run("check", cwd=site)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "0 problems" in clean.stdout
    (site / "content" / "broken.md").write_text("Title: b\nStatus: maybe\n\nx\n")
    broken = run("check", cwd=site)
    assert broken.returncode == 1
    assert "broken.md:2: error: unknown status 'maybe'" in broken.stdout
    assert not (site / ".octavo" / "index.db").exists()  # no index was made or touched


def test_stamp_dry_run_then_stamp(site):
    content = site / "content"
    before = {p: p.read_bytes() for p in content.rglob("*.md")}
    dry = run("stamp", "--dry-run", cwd=site)
    assert dry.returncode == 0, dry.stderr
    planned = [line for line in dry.stdout.splitlines() if line.startswith("would stamp")]
    assert planned, dry.stdout
    assert {p: p.read_bytes() for p in content.rglob("*.md")} == before
    assert not any(
        "DRAFT" in before[content / line.split()[2].rstrip(":")].decode() for line in planned
    )

    done = run("stamp", cwd=site)
    assert done.returncode == 0, done.stderr
    changed = {p for p in before if p.read_bytes() != before[p]}
    assert {str(p.relative_to(content)) for p in changed} == {
        line.split()[2].rstrip(":") for line in planned
    }
    for path in changed:  # only headers were added: the body is byte-identical
        assert path.read_bytes().split(b"\n\n", 1)[1] == before[path].split(b"\n\n", 1)[1]
    assert "0 would be stamped" in run("stamp", "--dry-run", cwd=site).stdout.replace("files ", "")


def test_reindex_check_is_a_release_gate(site):
    no_index = run("reindex", "--check", cwd=site)
    assert no_index.returncode == 1
    assert "no index for this schema version" in no_index.stdout
    assert run("reindex", "--quiet", cwd=site).returncode == 0
    matches = run("reindex", "--check", cwd=site)
    assert matches.returncode == 0, matches.stdout + matches.stderr
    assert "the index matches the files" in matches.stdout
    (site / "content" / "late.md").write_text("Title: Late\n\nA late addition.\n")
    differs = run("reindex", "--check", cwd=site)
    assert differs.returncode == 1
    assert differs.stdout == "not in the index: late.md\n"
    assert "run `octavo reindex`" in differs.stderr
    assert run("reindex", "--check", "--fresh", cwd=site).returncode == 2


def test_search_prints_what_an_anonymous_reader_finds(site):
    assert run("reindex", "--quiet", cwd=site).returncode == 0
    found = run("search", "river bridge", cwd=site)
    assert found.returncode == 0, found.stderr
    assert found.stdout.splitlines() == ["301\tblog/travel/river-at-dawn.md\tThe river at dawn"]
    assert "1 of 1 matching entries" in found.stderr
    private = run("search", "testing builds", cwd=site)
    assert private.stdout == ""
    admin = run("search", "--all", "testing builds", cwd=site)
    assert admin.stdout.startswith("206\tblog/for-friends.md\t")
    assert run("search", '"((NEAR*', cwd=site).returncode == 0
