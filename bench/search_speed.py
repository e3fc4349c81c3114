"""Search speed on a synthetic corpus: the workbench's search screen (a scan over
sentences that places every hit exactly, ``services.search_kwic``) and ``qualcode
search`` (the FTS5 index, ``services.search``), exact text and lemmas.

    python bench/synth.py --n 300 --words 3000 --seed 1 --out /tmp/c300 --no-plan
    python bench/search_speed.py --corpus /tmp/c300 [--json]

Imports the corpus into a new project in a temporary folder, then times each query
(median of ``--repeat`` runs) and prints hits and seconds per query.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sized
from functools import partial
from pathlib import Path

QUERIES = [("waiting", False), ("wait", True), ("counter", False), ("office", True)]


def timed(fn: Callable[[], Sized], repeat: int) -> tuple[float, int]:
    """Median seconds of ``repeat`` calls, and the size of the last answer."""
    times, n = [], 0
    for _ in range(repeat):
        t = time.perf_counter()
        n = len(fn())
        times.append(time.perf_counter() - t)
    return statistics.median(times), n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    from qualcode import services

    files = sorted(args.corpus.glob("*.txt"))
    if not files:
        print(f"error: no .txt files in {args.corpus}", file=sys.stderr)
        return 2
    out: dict[str, object] = {"documents": len(files)}
    with tempfile.TemporaryDirectory() as tmp:
        project = services.init_project(str(Path(tmp) / "qualcode.db"), None)
        try:
            report = services.import_transcripts(project, files, lang="en")
            assert len(report.imported) == len(files), report.errors
            rows = []
            for query, lemma in QUERIES:
                screen, screen_hits = timed(
                    partial(services.search_kwic, project, query, lemma=lemma),
                    args.repeat,
                )
                fts, fts_hits = timed(
                    partial(services.search, project, query, lemma=lemma, limit=2000),
                    args.repeat,
                )
                rows.append(
                    {
                        "query": query,
                        "lemma": lemma,
                        "screen_s": round(screen, 3),
                        "screen_hits": screen_hits,
                        "fts_s": round(fts, 3),
                        "fts_hits": fts_hits,
                    }
                )
        finally:
            project.close()
    out["queries"] = rows
    if args.json:
        print(json.dumps(out))
    else:
        print(f"{len(files)} documents; hits are capped at 2,000")
        print(f"{'query':<10} {'mode':<6} {'screen s':>9} {'hits':>6} {'FTS s':>7} {'hits':>6}")
        for r in rows:
            mode = "lemma" if r["lemma"] else "exact"
            print(
                f"{r['query']:<10} {mode:<6} {r['screen_s']:>9.3f} {r['screen_hits']:>6} "
                f"{r['fts_s']:>7.3f} {r['fts_hits']:>6}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
