"""The long run of the fuzzers that CI runs briefly (issue 9).

Runs tests/web/test_web_fuzz_urls.py, tests/web/test_web_fuzz_renditions.py and
tests/web/test_web_fuzz_content.py (content files) with many more examples than CI
does, then reports, per property: examples tried (passing, failing, invalid), time,
what the examples exercised (Hypothesis events), and every failure found with the
seed that replays it. Octavo only: there is nothing of Publ's to compare a fuzzer with.

    python3 bench/fuzz.py                      # 3,000 examples per property
    python3 bench/fuzz.py --examples 20000 --seed 1234
    python3 bench/fuzz.py --only content       # one fuzzer (a part of its file name)

The report is Markdown on stdout, also saved as bench/results/fuzz-<timestamp>.md
(with the full pytest output beside it). Exit status 1 if any property failed.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = [
    "tests/web/test_web_fuzz_urls.py",
    "tests/web/test_web_fuzz_renditions.py",
    "tests/web/test_web_fuzz_content.py",
]
_HEADER = re.compile(r"^(tests/\S+::\S+):$")
_COUNTS = re.compile(r"- (\d+) passing, (\d+) failing, and (\d+) invalid test cases")
_PHASE = re.compile(r"- during (\w+) phase \(([\d.]+) seconds\)")
_EVENT = re.compile(r"\* ([\d.]+)%, (.+)$")
_FAILURE = re.compile(r"(?:AssertionError|Error): (.+)$")


def parse(output: str) -> list[dict[str, object]]:
    """One record per property from pytest's --hypothesis-show-statistics output."""
    records: list[dict[str, object]] = []
    current: dict[str, object] | None = None
    for line in output.splitlines():
        stripped = line.strip()
        if header := _HEADER.match(stripped):
            current = {"test": header[1], "counts": [0, 0, 0], "seconds": 0.0, "events": []}
            records.append(current)
        elif current is not None and (counts := _COUNTS.search(stripped)):
            total = current["counts"]
            assert isinstance(total, list)
            for i, value in enumerate(counts.groups()):
                total[i] += int(value)
        elif current is not None and (phase := _PHASE.search(stripped)):
            current["seconds"] = float(current["seconds"]) + float(phase[2])  # type: ignore[arg-type]
        elif current is not None and (event := _EVENT.search(stripped)):
            events = current["events"]
            assert isinstance(events, list)
            events.append(f"{event[2]} ({event[1]}%)")
    return records


def failures(output: str) -> list[str]:
    """The distinct failure messages pytest printed."""
    found = []
    for line in output.splitlines():
        if line.lstrip().startswith(("E ", "| ")) and (match := _FAILURE.search(line)):
            message = match[1].strip()[:300]
            if message not in found:
                found.append(message)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=3000, help="examples per property")
    parser.add_argument("--seed", type=int, default=None, help="replay a run's seed")
    parser.add_argument("--only", default="", help="run the fuzzers whose file names hold this")
    options = parser.parse_args()
    seed = options.seed if options.seed is not None else random.randrange(2**32)
    env = {
        **os.environ,
        "OCTAVO_FUZZ_EXAMPLES": str(options.examples),
        "OCTAVO_FUZZ_SEED": str(seed),
        "OCTAVO_TEST_BACKENDS": os.environ.get("OCTAVO_TEST_BACKENDS", "sqlite"),
    }
    command = [
        str(ROOT / ".venv" / "bin" / "pytest"),
        *[test for test in TESTS if options.only in test],
        "-q",
        "-p",
        "no:cacheprovider",
        "--hypothesis-show-statistics",
    ]
    start = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.monotonic() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    output = result.stdout + result.stderr

    lines = [
        f"# Fuzz run: {options.examples} examples per property, seed {seed}",
        "",
        f"Wall time {wall:.0f} s; peak RSS of the test process {peak_mb:.0f} MB; "
        f"pytest exit status {result.returncode}.",
        "",
        "| property | passing | failing | invalid | seconds | what the examples exercised |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for record in parse(output):
        passing, failing, invalid = record["counts"]  # type: ignore[misc]
        events = "; ".join(record["events"][:8]) or "—"  # type: ignore[index]
        name = str(record["test"]).split("::", 1)[1]
        lines.append(
            f"| `{name}` | {passing} | {failing} | {invalid} | {record['seconds']:.0f} | {events} |"
        )
    found = failures(output)
    lines += ["", f"Failures found: {len(found)}" + (":" if found else ".")]
    lines += [f"- {message}" for message in found]
    report = "\n".join(lines) + "\n"
    print(report)
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (results / f"fuzz-{stamp}.md").write_text(report, encoding="utf-8")
    (results / f"fuzz-{stamp}.log").write_text(output, encoding="utf-8")
    return 0 if result.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
