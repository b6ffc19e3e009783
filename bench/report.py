"""The JSON document every benchmark writes into bench/results/."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from publ_env import PUBL_VERSION


def result_document(
    benchmark: str,
    started: str,
    measured_on: dict[str, Any],
    args: argparse.Namespace,
    corpora: dict[Any, Any],
    rows: Any,
    **details: Any,
) -> dict[str, Any]:
    """Common fields first (what ran, where, with which options), then the benchmark's own."""
    return {
        "benchmark": benchmark,
        "started": started,
        "finished": dt.datetime.now().isoformat(timespec="seconds"),
        "publ_pinned": PUBL_VERSION,
        **measured_on,
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "corpora": corpora,
        "summary": rows,
        **details,
    }
