"""Running the git command line in the repository that holds the content folder.

The git CLI is used rather than a library: it is what put the checkout there
(shallow or not), it reads the operator's credentials, SSH keys and config as
they are, and its plumbing commands make each step explicit and checkable.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence

#: Network commands (fetch, push) give up after this many seconds.
NETWORK_TIMEOUT = 120.0
#: Local commands give up after this many seconds.
LOCAL_TIMEOUT = 60.0


#: Commands that may run the operator's hooks, which keep git's usual pathspecs.
_RUNS_HOOKS = frozenset({"push", "fetch"})


class GitError(Exception):
    """A git command failed; the message has its own words."""


class Git:
    """One repository's work tree; every command runs at its top level."""

    def __init__(self, toplevel: str) -> None:
        self.toplevel = toplevel

    @classmethod
    def containing(cls, folder: str) -> Git:
        """The repository whose work tree holds `folder`."""
        if shutil.which("git") is None:
            raise GitError("git is not installed (the git command is needed to commit)")
        probe = cls(folder)
        toplevel = probe.run("rev-parse", "--show-toplevel", check=False)
        if toplevel.returncode != 0:
            raise GitError(f"{folder} is not inside a git work tree")
        return cls(os.path.realpath(toplevel.stdout.strip()))

    def run(
        self,
        *args: str,
        stdin: str | None = None,
        env: Mapping[str, str] | None = None,
        check: bool = True,
        timeout: float = LOCAL_TIMEOUT,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``git ARGS``; raise GitError on failure unless told not to check."""
        full_env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", **(env or {})}
        if args[0] not in _RUNS_HOOKS:
            # File names are names, never patterns: `x*.md` must not also mean `xy.md`.
            full_env["GIT_LITERAL_PATHSPECS"] = "1"
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=self.toplevel,
                input=stdin,
                stdin=None if stdin is not None else subprocess.DEVNULL,
                capture_output=True,
                text=True,
                env=full_env,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            raise GitError(f"git {args[0]} did not finish within {timeout:g}s") from None
        if check and done.returncode != 0:
            raise GitError(f"git {args[0]} failed: {_last_words(done)}")
        return done

    def out(self, *args: str, **kwargs: object) -> str:
        """A command's output, stripped."""
        return self.run(*args, **kwargs).stdout.strip()  # type: ignore[arg-type]

    def rev(self, name: str) -> str | None:
        """The object a name resolves to, or None."""
        done = self.run("rev-parse", "--verify", "--quiet", name, check=False)
        return done.stdout.strip() or None if done.returncode == 0 else None

    def blobs(self, commit: str, paths: Sequence[str]) -> dict[str, tuple[str, str]]:
        """(mode, object) of each path that exists in `commit`."""
        if not paths:
            return {}
        listing = self.run("ls-tree", "-z", commit, "--", *paths).stdout
        found = {}
        for record in filter(None, listing.split("\0")):
            meta, _, path = record.partition("\t")
            mode, _kind, obj = meta.split(" ")
            found[path] = (mode, obj)
        return found

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.run("merge-base", "--is-ancestor", older, newer, check=False).returncode == 0


def _last_words(done: subprocess.CompletedProcess[str]) -> str:
    text = (done.stderr or done.stdout).strip().splitlines()
    return " / ".join(line.strip() for line in text[-3:]) or f"exit status {done.returncode}"
