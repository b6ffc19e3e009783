"""Run one command and measure its wall time, CPU time and peak memory.

Shared by every benchmark in bench/. Peak memory is taken two ways because
neither alone is right for every engine:

* the kernel's ``ru_maxrss`` from ``wait4`` is exact, but for a process tree it
  is the RSS of the *largest single* process, not the sum;
* sampling ``/proc`` sums the whole tree (a parent plus worker processes), but
  can miss a short spike between samples.

``peak_rss_kib`` is the larger of the two, so a multi-process engine cannot
look smaller than it is and a single-process one is measured exactly.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class RunResult:
    """What one measured command did and cost."""

    cmd: list[str]
    returncode: int
    wall_s: float
    cpu_s: float
    max_rss_kib: int
    tree_peak_kib: int
    log: str
    timed_out: bool = False

    @property
    def peak_rss_kib(self) -> int:
        """Peak memory of the command including its children (see module doc)."""
        return max(self.max_rss_kib, self.tree_peak_kib)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["peak_rss_kib"] = self.peak_rss_kib
        return data


def _children(pid: int) -> list[int]:
    """Direct children of pid, via /proc/PID/task/*/children (no full /proc scan)."""
    kids: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                kids.extend(int(x) for x in fh.read().split())
        except OSError:
            continue
    return kids


def _rss_kib(pid: int) -> int:
    """Resident set size of one process, 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE_KIB
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_kib(root: int) -> int:
    """Summed RSS of a process and all its descendants right now."""
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_kib(pid)
        stack.extend(_children(pid))
    return total


class _Sampler(threading.Thread):
    """Polls the tree's RSS until stopped; cheap enough not to disturb 2 cores."""

    def __init__(self, pid: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, tree_rss_kib(self.pid))
            self.stop.wait(self.interval)


def _kill_group(pid: int, fired: threading.Event) -> None:
    """Stop the process group we started for this one run (on timeout)."""
    fired.set()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def run_measured(
    cmd: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    log_path: Path,
    timeout_s: float = 1800.0,
    sample_interval_s: float = 0.02,
) -> RunResult:
    """Run cmd to completion, output to log_path, and return its measurements.

    The child gets its own session so a timeout can stop exactly its group;
    ``wait4`` is used instead of ``Popen.wait`` because it also returns the
    child's resource usage.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd),
            env=dict(env) if env is not None else None,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        sampler = _Sampler(proc.pid, sample_interval_s)
        sampler.start()
        fired = threading.Event()
        timer = threading.Timer(timeout_s, _kill_group, (proc.pid, fired))
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
        sampler.stop.set()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return RunResult(
        cmd=list(cmd),
        returncode=proc.returncode,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        max_rss_kib=usage.ru_maxrss,
        tree_peak_kib=sampler.peak,
        log=str(log_path),
        timed_out=fired.is_set(),
    )


def log_tail(result: RunResult, lines: int = 15) -> str:
    """Last lines of a run's output, for error messages."""
    try:
        text = Path(result.log).read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
