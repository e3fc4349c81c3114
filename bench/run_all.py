"""Every benchmark, on a corpus made here, into one JSON summary (``make bench``).

    python bench/run_all.py [--tiny] [--out FILE] [--only NAME ...] [--workdir DIR]

The corpus comes from ``bench/synth.py`` (deterministic: seed 1 gives the corpus
whose digests docs/benchmarks.md lists), so nothing outside the repository is
needed. Each benchmark runs in its own interpreter (its peak memory is its own, and
one that fails does not stop the others) with ``--json``; its one JSON line goes
into the summary under its name (``{"figures": ..., "exit": ..., "wall_s": ...}``;
a benchmark that checks a target of its own and misses it exits 1 and is listed under
``missed_targets``), or ``{"error": ...}`` with the end of its output when it gave
no figures.

``--tiny`` runs everything on a few small documents: the smoke test in the test suite
(``tests/test_bench_run_all.py``) runs it so that every benchmark keeps working; its
figures mean nothing. The full run takes about half an hour on a 2-core machine.

The summary goes to ``bench/results/YYYY-MM-DDTHHMMSS-full.json`` (or ``-tiny``;
``bench/results/`` is git-ignored) or to ``--out``. Exit status 0 when every
benchmark gave its figures (missed targets are reported, not failures: on a shared
machine a target says little), 1 when any gave none.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"


@dataclass(frozen=True)
class Sizes:
    """The corpus and the size arguments of one mode."""

    docs: int
    words: int
    search_docs: int
    matrix: tuple[int, int, int]  # documents, codes, codings
    merge_codes: int
    tokens: int
    large_mb: tuple[float, ...]
    procs: int
    concurrent_n: int
    tui: tuple[int, int, int]  # lines, codings, keys
    xlsx_rows: int
    repeat: int


FULL = Sizes(
    docs=100,
    words=3000,
    search_docs=300,
    matrix=(1000, 200, 100_000),
    merge_codes=2000,
    tokens=1_000_000,
    large_mb=(5.0, 50.0),
    procs=4,
    concurrent_n=500,
    tui=(20_000, 5_000, 60),
    xlsx_rows=100_000,
    repeat=3,
)
TINY = Sizes(
    docs=3,
    words=300,
    search_docs=3,
    matrix=(20, 10, 200),
    merge_codes=40,
    tokens=2_000,
    large_mb=(0.05,),
    procs=2,
    concurrent_n=10,
    tui=(200, 20, 3),
    xlsx_rows=200,
    repeat=1,
)

Args = Callable[[Sizes, Path, Path], list[str]]
"""(sizes, corpus with a plan, search corpus) -> the benchmark's arguments."""

BENCHMARKS: dict[str, tuple[str, Args]] = {
    "pipeline": ("pipeline.py", lambda s, c, sc: ["--corpus", str(c)]),
    "export": ("export_speed.py", lambda s, c, sc: ["--corpus", str(c), "--runs", str(s.repeat)]),
    "import": ("import_speed.py", lambda s, c, sc: ["--corpus", str(c)]),
    "refi": ("refi.py", lambda s, c, sc: ["--corpus", str(c)]),
    "search": (
        "search_speed.py",
        lambda s, c, sc: ["--corpus", str(sc), "--repeat", str(s.repeat)],
    ),
    "matrices": (
        "matrices.py",
        lambda s, c, sc: [
            "--docs",
            str(s.matrix[0]),
            "--codes",
            str(s.matrix[1]),
            "--codings",
            str(s.matrix[2]),
        ],
    ),
    "codebook_merge": (
        "codebook_merge.py",
        lambda s, c, sc: ["--codes", str(s.merge_codes), "--repeat", str(s.repeat)],
    ),
    "autocode": ("autocode_speed.py", lambda s, c, sc: ["--tokens", str(s.tokens)]),
    "large_import": ("large_import.py", lambda s, c, sc: ["--mb", *map(str, s.large_mb)]),
    "concurrency": (
        "concurrency.py",
        lambda s, c, sc: [
            "--backend",
            "sqlite",
            "--procs",
            str(s.procs),
            "--n",
            str(s.concurrent_n),
        ],
    ),
    "tui": (
        "tui_speed.py",
        lambda s, c, sc: [
            "--lines",
            str(s.tui[0]),
            "--codings",
            str(s.tui[1]),
            "--keys",
            str(s.tui[2]),
            "--launches",
            "10" if s.tui[2] >= 10 else "2",
        ],
    ),
    "xlsx": (
        "xlsx_writers.py",
        lambda s, c, sc: ["--rows", str(s.xlsx_rows), "--repeat", str(s.repeat)],
    ),
    "peers": (
        "peers.py",
        lambda s, c, sc: [
            "--n",
            str(s.docs),
            "--words",
            str(s.words),
            "--runs",
            str(s.repeat),
            "--no-peer",
        ],  # fmt: skip
    ),
}
"""name -> (script in bench/, its arguments). Each prints one JSON line with --json."""


def make_corpus(out: Path, docs: int, words: int, plan: bool = True) -> dict[str, object]:
    """Write a synthetic corpus with ``bench/synth.py`` (seed 1); its summary."""
    cmd = [sys.executable, str(BENCH / "synth.py"), "--n", str(docs), "--words", str(words)]
    cmd += ["--seed", "1", "--out", str(out)] + ([] if plan else ["--no-plan"])
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    summary: dict[str, object] = json.loads(done.stdout)
    return summary


def run_one(script: str, args: list[str], timeout: float) -> dict[str, object]:
    """One benchmark in its own interpreter: its JSON line, or what went wrong."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, str(BENCH / script), *args, "--json"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"no result after {timeout:.0f} s"}
    wall = round(time.perf_counter() - started, 3)
    figures = last_json(done.stdout)
    if figures is None:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        return {"error": f"exit {done.returncode}, no JSON", "output": tail, "wall_s": wall}
    result: dict[str, object] = {"figures": figures, "exit": done.returncode, "wall_s": wall}
    if done.returncode != 0:  # it ran, but missed a target it checks itself
        result["missed"] = (done.stderr or "").strip().splitlines()[-3:]
    return result


def last_json(output: str) -> object | None:
    """The last JSON value in a benchmark's output (one line, or indented over several)."""
    decoder = json.JSONDecoder()
    starts = [0] + [i + 1 for i, ch in enumerate(output) if ch == "\n"]
    for start in reversed(starts):
        if output[start : start + 1] in ("{", "["):
            try:
                value: object = decoder.raw_decode(output[start:])[0]
            except json.JSONDecodeError:
                continue
            return value
    return None


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "commit": commit or None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a few small documents (smoke test)")
    parser.add_argument("--out", type=Path, help="the summary file (default bench/results/...)")
    parser.add_argument(
        "--only", nargs="+", choices=sorted(BENCHMARKS), help="run only these benchmarks"
    )
    parser.add_argument("--workdir", type=Path, help="where the corpus goes (default: temporary)")
    parser.add_argument(
        "--timeout", type=float, default=3600.0, help="seconds one benchmark may take"
    )
    args = parser.parse_args(argv)
    sizes = TINY if args.tiny else FULL
    mode = "tiny" if args.tiny else "full"
    names = args.only or list(BENCHMARKS)
    stamp = time.strftime("%Y-%m-%dT%H%M%S")
    out = args.out or RESULTS / f"{stamp}-{mode}.json"

    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        work = args.workdir or Path(tmp)
        corpus, search_corpus = work / "corpus", work / "search-corpus"
        summary: dict[str, object] = {
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "mode": mode,
            "machine": machine(),
            "corpus": make_corpus(corpus, sizes.docs, sizes.words),
            "search_corpus": make_corpus(search_corpus, sizes.search_docs, sizes.words, False),
        }
        results: dict[str, dict[str, object]] = {}
        for name in names:
            script, make_args = BENCHMARKS[name]
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            results[name] = run_one(script, make_args(sizes, corpus, search_corpus), args.timeout)
            if "error" in results[name]:
                print(f"bench: {name} failed: {results[name]}", file=sys.stderr)
            elif "missed" in results[name]:
                print(
                    f"bench: {name} missed its target: {results[name]['missed']}", file=sys.stderr
                )
        summary["results"] = results
        summary["failed"] = sorted(n for n, r in results.items() if "error" in r)
        summary["missed_targets"] = sorted(n for n, r in results.items() if "missed" in r)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"bench: summary in {out}", file=sys.stderr)
    return 1 if summary["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
