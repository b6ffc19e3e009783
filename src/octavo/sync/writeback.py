"""Committing exactly the files Octavo wrote, and pushing them, or nothing at all.

The commit is built with plumbing in a private index (the person's staging
area is never touched), from the checked-out commit plus the written files.
To push, it is replayed onto the remote branch just fetched: a path the
remote changed meanwhile to something else is a conflict, and the write is
abandoned. Only a fast-forward is ever pushed; a rejection caused by someone
pushing in between is retried on a fresh fetch, any other one aborts. The
checkout moves to the new commit only once everything else has succeeded.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from octavo.sync.files import WrittenFile
from octavo.sync.git import NETWORK_TIMEOUT, Git, GitError
from octavo.sync.settings import GitSettings

#: Pushes retried when someone else pushed between our fetch and our push.
PUSH_ATTEMPTS = 3


class WriteBackError(Exception):
    """The files could not be committed or pushed; nothing was (the message says why)."""


@dataclass
class CommitResult:
    """What happened in git: the commit made (None: nothing to commit), and notes."""

    commit: str | None = None
    pushed: bool = False
    notes: list[str] = field(default_factory=list)


class WriteBack:
    """Git write-back for one batch of files in the repository holding `content_folder`."""

    def __init__(self, content_folder: str, settings: GitSettings, push: bool) -> None:
        try:
            self.git = Git.containing(content_folder)
        except GitError as err:
            raise WriteBackError(str(err)) from None
        self.settings = settings
        self.push = push
        self.base = self.git.rev("HEAD^{commit}")
        if self.base is None:
            raise WriteBackError(f"{self.git.toplevel}: the repository has no commit yet")
        self.branch = settings.branch or self._checked_out_branch()

    def _checked_out_branch(self) -> str | None:
        ref = self.git.run("symbolic-ref", "-q", "HEAD", check=False).stdout.strip()
        if ref.startswith("refs/heads/"):
            return ref.removeprefix("refs/heads/")
        if self.push:
            raise WriteBackError(
                f"{self.git.toplevel}: HEAD is detached; set git_branch to the branch to push to"
            )
        return None

    def relpath(self, fullpath: str) -> str:
        """The repository path of a file (which may not exist yet)."""
        real = os.path.join(os.path.realpath(os.path.dirname(fullpath)), os.path.basename(fullpath))
        rel = os.path.relpath(real, self.git.toplevel)
        if rel == ".." or rel.startswith("../") or os.path.isabs(rel):
            raise WriteBackError(f"{fullpath} is outside the repository {self.git.toplevel}")
        return rel.replace(os.sep, "/")

    def ensure_clean(self, fullpaths: Iterable[str], own_untracked: Iterable[str] = ()) -> None:
        """Refuse, before anything is written, paths with changes git has not committed:
        committing them would commit someone else's work. Untracked files are allowed only
        when listed in `own_untracked` (Octavo wrote them earlier); ignored files never."""
        paths = sorted({self.relpath(p) for p in fullpaths})
        if not paths:
            return
        allowed = {self.relpath(p) for p in own_untracked}
        status = self.git.run(
            "status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all", "--", *paths
        ).stdout
        dirty = []
        for record in filter(None, status.split("\0")):
            code, path = record[:2], record[3:]
            if code == "??" and path in allowed:
                continue
            if path in paths:
                dirty.append(f"{path} ({'untracked' if code == '??' else 'uncommitted changes'})")
        ignored = self.git.run("check-ignore", "-z", "--", *paths, check=False).stdout.split("\0")
        ignored = [path for path in ignored if path]
        dirty += [f"{path} (ignored by git)" for path in ignored]
        if dirty:
            raise WriteBackError(
                "not writing: commit or discard these first: " + ", ".join(sorted(dirty))
            )

    def commit(self, written: Sequence[WrittenFile], message: str) -> CommitResult:
        """Commit the written files (and push them when asked); raise WriteBackError when
        that cannot be done, in which case the repository and the remote are as they were."""
        assert self.base is not None
        changes = self._stage(written)
        result = CommitResult()
        try:
            commit = self._commit_on(self.base, changes, message)
            if commit is None:
                return result
            result.commit = commit
            if self.push:
                result.commit = self._push(commit, changes, message, result)
                result.pushed = True
            else:
                self._move_checkout(commit)
        except GitError as err:
            raise WriteBackError(str(err)) from None
        return result

    def _stage(self, written: Sequence[WrittenFile]) -> dict[str, tuple[str, str]]:
        """Store each file's bytes as a git object: {path: (mode, object)}."""
        paths = [self.relpath(item.fullpath) for item in written]
        try:
            existing = self.git.blobs(self.base or "HEAD", paths)
            objects = self.git.out("hash-object", "-w", "--", *paths).split() if paths else []
        except GitError as err:
            raise WriteBackError(str(err)) from None
        return {
            path: (existing.get(path, ("100644", ""))[0], obj)
            for path, obj in zip(paths, objects, strict=True)
        }

    def _commit_on(
        self, parent: str, changes: dict[str, tuple[str, str]], message: str
    ) -> str | None:
        """A commit of `parent` plus `changes`, or None when that changes nothing."""
        with tempfile.TemporaryDirectory(prefix="octavo-git-") as scratch:
            env = {"GIT_INDEX_FILE": os.path.join(scratch, "index")}
            self.git.run("read-tree", parent, env=env)
            info = "".join(f"{mode} {obj}\t{path}\n" for path, (mode, obj) in changes.items())
            self.git.run("update-index", "--index-info", stdin=info, env=env)
            tree = self.git.out("write-tree", env=env)
        if tree == self.git.rev(f"{parent}^{{tree}}"):
            return None
        author = {
            "GIT_AUTHOR_NAME": self.settings.author_name,
            "GIT_AUTHOR_EMAIL": self.settings.author_email,
            "GIT_COMMITTER_NAME": self.settings.author_name,
            "GIT_COMMITTER_EMAIL": self.settings.author_email,
        }
        return self.git.out(
            "commit-tree", "--no-gpg-sign", tree, "-p", parent, "-F", "-", stdin=message, env=author
        )

    def _push(
        self, commit: str, changes: dict[str, tuple[str, str]], message: str, result: CommitResult
    ) -> str:
        """Replay the commit onto the fetched remote branch and push it; the pushed commit."""
        assert self.base is not None and self.branch is not None
        reason = ""
        for _ in range(PUSH_ATTEMPTS):
            tip = self._fetch()
            target = commit if tip == self.base else self._replay(tip, changes, message)
            if target == tip:
                result.notes.append("the remote already had these changes")
            else:
                reason = self._push_once(target)
                if reason:
                    if self._fetch() != tip:
                        continue  # someone pushed in between: replay on their work
                    raise WriteBackError(f"push to {self.settings.remote} refused: {reason}")
            self._follow_remote(commit, target, tip, result)
            return target
        raise WriteBackError(
            f"push to {self.settings.remote} refused {PUSH_ATTEMPTS} times "
            f"(others kept pushing): {reason}"
        )

    def _fetch(self) -> str:
        remote, branch = self.settings.remote, self.branch
        done = self.git.run(
            "fetch", "--no-tags", "--quiet", remote, f"refs/heads/{branch}",
            check=False, timeout=NETWORK_TIMEOUT,
        )  # fmt: skip
        if done.returncode != 0:
            words = (done.stderr or "").strip().splitlines()
            raise WriteBackError(
                f"cannot fetch {branch} from {remote}: {words[-1] if words else done.returncode}"
            )
        tip = self.git.rev("FETCH_HEAD")
        assert tip is not None
        return tip

    def _replay(self, tip: str, changes: dict[str, tuple[str, str]], message: str) -> str:
        """Our changes on top of the remote's tip; a path the remote changed is a conflict."""
        assert self.base is not None
        paths = sorted(changes)
        ours_before = self.git.blobs(self.base, paths)
        theirs = self.git.blobs(tip, paths)
        conflicts = [
            path for path in paths if theirs.get(path) not in (ours_before.get(path), changes[path])
        ]
        if conflicts:
            raise WriteBackError(
                f"conflict: {', '.join(conflicts)} changed on {self.settings.remote}/"
                f"{self.branch} since this checkout; nothing was committed or pushed"
            )
        return self._commit_on(tip, changes, message) or tip

    def _push_once(self, target: str) -> str:
        """Push `target` as a fast-forward of the branch; the refusal's reason, or ''."""
        done = self.git.run(
            "push", "--porcelain", "--quiet", self.settings.remote,
            f"{target}:refs/heads/{self.branch}",
            check=False, timeout=NETWORK_TIMEOUT,
        )  # fmt: skip
        if done.returncode == 0:
            return ""
        for line in done.stdout.splitlines():
            if line.startswith("!"):
                return line.split("\t")[-1]
        words = (done.stderr or "").strip().splitlines()
        return words[-1] if words else f"exit status {done.returncode}"

    def _move_checkout(self, commit: str) -> None:
        """Advance the checked-out branch to our commit (only if it did not move meanwhile)
        and record the written files as committed in the person's index."""
        assert self.base is not None
        self.git.run("update-ref", "-m", "octavo: write-back", "HEAD", commit, self.base)
        paths = self.git.out(
            "diff-tree", "--no-commit-id", "--name-only", "-r", "-z", self.base, commit
        )
        self.git.run("reset", "-q", commit, "--", *filter(None, paths.split("\0")))

    def _follow_remote(self, commit: str, target: str, tip: str, result: CommitResult) -> None:
        """After a push: the checkout takes our commit, then (when it had nothing of its
        own) moves to what the remote now has, files the remote changed included. Local
        changes in those files stop that last step, with a note; nothing is lost."""
        assert self.base is not None
        try:
            self._move_checkout(commit)
        except GitError as err:
            result.notes.append(f"pushed, but the checkout was not updated: {err}")
            return
        if target == commit:
            return
        if not self.git.is_ancestor(self.base, tip):
            result.notes.append(
                "pushed; this checkout has commits the remote lacks, so it keeps its own "
                "history: run `git pull --rebase` when convenient"
            )
            return
        moved = self.git.run("reset", "-q", "--keep", target, check=False)
        if moved.returncode != 0:
            result.notes.append(
                "pushed; the checkout stays one commit behind the remote because of local "
                "changes in files the remote changed: run `git pull --rebase` when convenient"
            )
