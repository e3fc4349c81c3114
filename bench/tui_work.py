"""What the workbench computes for one key, on a large project: which calls must run
in a worker (issue 18 point 5: every call that can take more than 50 ms).

Builds a temporary project with ``--codings`` codings (default 10,000) over
``--documents`` transcripts and 200 codes (bench/themes_speed.py's builder), then times
each call the screens make, ``--runs`` times, and prints the median and the maximum in
milliseconds, and whether the screen runs it in a worker.

Run: ``.venv/bin/python bench/tui_work.py [--quick] [--json]`` (``--quick``: 2,000
codings, 3 runs).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CALLS: dict[str, tuple[str, bool]] = {
    "review: frequency table + quote matrix": ("after every verdict, toggle, comment", True),
    "coding: code counts": ("after every coding (one coalesced frame later)", True),
    "coding: documents": ("document list after an import or edit", False),
    "text analysis: word frequencies": ("opening the words tab, regrouping", True),
    "adjudicate: compare two coders": ("opening adjudication, each decision", False),
}
"""Each measured call: when the workbench makes it, and whether it runs in a worker."""


def measure(project: Any, runs: int) -> dict[str, dict[str, Any]]:
    from qualcode import services
    from qualcode.core.filters import Filters

    doc = project.documents.documents()[0].name
    calls: dict[str, Callable[[], object]] = {
        "review: frequency table + quote matrix": lambda: (
            project.matrices.frequency_table(Filters(), by="document"),
            project.matrices.quote_matrix(Filters(), by="document"),
        ),
        "coding: code counts": project.codebook_sync.code_counts,
        "coding: documents": project.documents.documents,
        "text analysis: word frequencies": lambda: services.word_frequencies(
            project, by="document"
        ),
        "adjudicate: compare two coders": lambda: project.team.compare(doc, "bench", "other"),
    }
    out = {}
    for name, call in calls.items():
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            call()
            times.append((time.perf_counter() - t) * 1000)
        out[name] = {
            "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--codings", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2,000 codings, 3 runs")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.codings, args.runs = 2_000, 3
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.themes_speed import build
    from qualcode.store import open_project

    with tempfile.TemporaryDirectory() as folder:
        db = build(Path(folder), 200, args.documents, args.codings, 0)
        project = open_project(db, coder="bench")
        try:
            result = measure(project, args.runs)
        finally:
            project.close()
    if args.json:
        for name, t in result.items():
            t["worker"] = CALLS[name][1]
        print(json.dumps({"codings": args.codings, "calls": result}, indent=2))
        return 0
    print(f"{args.codings} codings, {args.runs} runs (ms)")
    for name, t in result.items():
        when, worker = CALLS[name]
        where = "worker" if worker else "UI thread"
        print(f"{name:42} {t['median_ms']:8.1f} {t['max_ms']:8.1f}  {where}: {when}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
