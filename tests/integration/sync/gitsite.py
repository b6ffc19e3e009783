"""Real git repositories for the write-back tests: a bare remote and clones of it holding a site."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

#: Identity of commits made by the tests themselves ("a person"), not by Octavo.
PERSON = {
    "GIT_AUTHOR_NAME": "A Person",
    "GIT_AUTHOR_EMAIL": "person@example.com",
    "GIT_COMMITTER_NAME": "A Person",
    "GIT_COMMITTER_EMAIL": "person@example.com",
}

APP = """\
import octavo

app = octavo.Octavo(__name__, {config!r})
"""

TEMPLATES = {
    "entry.html": "<h1>{{ entry.title }}</h1>{{ entry.body }}"
    "{% if entry.Syndication %}<cite>{{ entry.get('Syndication') }}</cite>{% endif %}",
    "index.html": '{% for e in view.entries %}<li><a href="{{ e.link }}">{{ e.title }}</a></li>'
    "{% endfor %}",
}


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run git as a person would, isolated from the machine's global git config."""
    env = {**os.environ, **PERSON, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout.strip()


def write_site(root: Path, config: dict[str, object] | None = None) -> None:
    """A small Octavo site: app.py, a templates folder, content with one entry."""
    settings = {"content_folder": "content", "timezone": "UTC", **(config or {})}
    root.mkdir(parents=True, exist_ok=True)
    (root / "app.py").write_text(APP.format(config=settings))
    (root / "templates").mkdir(parents=True, exist_ok=True)
    for name, text in TEMPLATES.items():
        (root / "templates" / name).write_text(text)
    (root / "content" / "blog").mkdir(parents=True, exist_ok=True)
    (root / "content" / "blog" / "hello.md").write_text(
        textwrap.dedent("""\
            Title: Hello
            Date: 2024-01-01 10:00:00+00:00

            A first entry.
        """)
    )
    (root / ".gitignore").write_text(".octavo/\n__pycache__/\n")


def make_remote(tmp: Path, config: dict[str, object] | None = None) -> Path:
    """A bare repository on branch main holding one commit of the site."""
    remote = tmp / "remote.git"
    git(tmp, "init", "-q", "--bare", "-b", "main", str(remote))
    seed = tmp / "seed"
    git(tmp, "clone", "-q", str(remote), str(seed))
    write_site(seed, config)
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "The site")
    git(seed, "push", "-q", "origin", "HEAD:main")
    return remote


def clone(remote: Path, target: Path, shallow: bool = False) -> Path:
    args = ["clone", "-q", "-b", "main"]
    if shallow:
        args += ["--depth", "1"]
    git(target.parent, *args, f"file://{remote}", str(target))
    return target


def push_change(remote: Path, tmp: Path, relpath: str, text: str, name: str = "other") -> str:
    """Someone else's commit, pushed from their own clone; its commit id."""
    other = tmp / name
    if not other.exists():
        clone(remote, other)
    git(other, "pull", "-q", "--rebase", "origin", "main")
    path = other / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    git(other, "add", relpath)
    git(other, "commit", "-q", "-m", f"Edit {relpath}")
    git(other, "push", "-q", "origin", "HEAD:main")
    return git(other, "rev-parse", "HEAD")


def remote_tip(remote: Path) -> str:
    return git(remote, "rev-parse", "refs/heads/main")


def status(work: Path) -> str:
    return git(work, "status", "--porcelain=v1", "--untracked-files=all")
