"""Import speed and peak memory on a synthetic corpus: the issue's 1,000 x 3,000 words.

    python bench/import_speed.py --n 1000 --words 3000 --seed 1 [--json]
    python bench/import_speed.py --corpus /tmp/c1000 [--limit N] [--workers N] [--json]
    python bench/import_speed.py --n 1000 --compare /work/wt/baseline --runs 3

Imports every ``*.txt`` of the corpus (``--corpus``, or one ``bench/synth.py`` makes
with ``--n``/``--words``/``--seed`` into a cached folder under the temporary
directory) into a new project through ``services.import_transcripts``, the path
``qualcode import`` takes: read, speaker turns, language detection, sentences and
lemmas, store, search index; one transaction per document. Reports the wall time,
documents per second, words, the CPU time of the process and its workers, and the
peak resident memory of the whole process tree at one moment (sampled from
``/proc`` every 10 ms: this process and all its workers summed per sample; see
``bench/proctree.py``), with an upper bound from ``getrusage``. The clock starts
after start-up (qualcode imported, the lemma tables loaded), as a server's import is
timed after the server started; the worker processes start inside it (they are
part of the import). Batches of 40 files or more read and split sentences in worker
processes while the main process writes (``--workers N`` or
``QUALCODE_IMPORT_WORKERS``; 0 for one process). Also checks that every document,
turn and sentence arrived and that the search index answers. Exit status 1 when the
targets (``--max-seconds``, ``--max-mb``) are missed.

``--compare DIR`` runs this benchmark and the one of another checkout (``DIR`` with
its own ``.venv``, e.g. the commit before this work) ``--runs`` times each,
interleaved (A B, B A, A B, ...), each in its own process whose process tree is
sampled from outside the same way, and prints the median and range of each side and
the ratio of the medians. On a machine shared with other work, only such
interleaved ratios mean much.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.proctree import TreeSampler, upper_bound_mb  # noqa: E402


def cpu_seconds() -> float:
    """User and system CPU time of this process and its finished workers."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def warm_up() -> None:
    """Start-up, before the clock: qualcode's modules and the lemma tables."""
    from qualcode import services  # noqa: F401
    from qualcode.nlp.segment import lemmatizer
    from qualcode.store.search import index_document  # noqa: F401

    for lang in ("en", "id"):
        lemmatizer(lang)


def run(files: list[Path], workdir: Path) -> dict[str, float | int]:
    """Import ``files`` into a new project in ``workdir``; the figures."""
    from qualcode import services
    from qualcode.services.imports import PARALLEL_MIN_FILES, import_workers

    words = sum(len(f.read_text(encoding="utf-8").split()) for f in files)
    warm_up()
    workers = import_workers(len(files)) if len(files) >= PARALLEL_MIN_FILES else 0
    project = services.init_project(str(workdir / "qualcode.db"), None, coder="bench")
    try:
        with TreeSampler() as tree:
            t0 = time.perf_counter()
            c0 = cpu_seconds()
            report = services.import_transcripts(project, files)
            seconds = time.perf_counter() - t0
            cpu = cpu_seconds() - c0
        if report.errors:
            raise SystemExit(f"import failed: {report.errors[0]}")
        docs = project.documents.documents()
        hits = services.search(project, "officer", limit=5)
    finally:
        project.close()
    if len(docs) != len(files) or any(d.turns == 0 or d.sentences == 0 for d in docs):
        raise SystemExit("a document arrived without turns or sentences")
    if not hits:
        raise SystemExit("the search index does not answer")
    return {
        "documents": len(files),
        "words": words,
        "turns": sum(d.turns for d in docs),
        "sentences": sum(d.sentences for d in docs),
        "import_s": round(seconds, 2),
        "cpu_s": round(cpu, 2),
        "docs_per_s": round(len(files) / seconds, 1),
        "workers": workers,
        "peak_rss_mb": round(tree.peak_mb, 1),
        "peak_processes": tree.most_processes,
        "peak_bound_mb": round(upper_bound_mb(tree.most_processes - 1), 1),
        "cpus": os.cpu_count() or 0,
        "load": round(os.getloadavg()[0], 1),
    }


def synth_corpus(n: int, words: int, seed: int) -> Path:
    """The corpus ``bench/synth.py`` makes with these numbers, written once into a
    folder under the temporary directory and reused."""
    out = Path(tempfile.gettempdir()) / f"qualcode-bench-corpus-n{n}-w{words}-s{seed}"
    if len(list(out.glob("*.txt"))) != n:
        subprocess.run(
            [sys.executable, str(BENCH / "synth.py"), "--n", str(n), "--words", str(words)]
            + ["--seed", str(seed), "--out", str(out), "--no-plan"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out


def _one(python: str, script: Path, args: list[str], cwd: Path) -> dict[str, float]:
    """One run of a checkout's benchmark in its own process; its figures, with the
    process tree's peak sampled from here (``tree_peak_mb``)."""
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(
            [python, str(script), *args, "--json"], cwd=cwd, stdout=out, stderr=subprocess.PIPE
        )
        with TreeSampler(proc.pid) as tree:
            _, err = proc.communicate()
        out.seek(0)
        text = out.read()
    if proc.returncode not in (0, 1) or not text.strip():
        raise SystemExit(f"error: {script} failed: {err.decode(errors='replace')[-500:]}")
    figures: dict[str, float] = json.loads(text.strip().splitlines()[-1])
    figures["tree_peak_mb"] = round(tree.peak_mb, 1)
    return figures


def compare(other: Path, runs: int, corpus: Path, limit: int | None) -> dict[str, object]:
    """Interleaved runs of this checkout and ``other``; medians, ranges, ratio."""
    python = other / ".venv" / "bin" / "python"
    if not python.exists():
        raise SystemExit(f"error: {python} not found (the other checkout needs its own .venv)")
    args = ["--corpus", str(corpus), "--max-seconds", "100000", "--max-mb", "100000"]
    if limit:
        args += ["--limit", str(limit)]
    sides = {
        "this": (sys.executable, ROOT / "bench" / "import_speed.py", ROOT),
        "other": (str(python), other / "bench" / "import_speed.py", other),
    }
    results: dict[str, list[dict[str, float]]] = {"this": [], "other": []}
    for i in range(runs):
        order = ("this", "other") if i % 2 == 0 else ("other", "this")
        for side in order:
            figures = _one(*sides[side][:2], args, sides[side][2])
            results[side].append(figures)
            print(f"run {i + 1} {side:5}  {json.dumps(figures)}", file=sys.stderr)

    def summary(side: str) -> dict[str, object]:
        rows = results[side]
        out: dict[str, object] = {}
        for key in ("import_s", "cpu_s", "tree_peak_mb"):
            values = [float(r[key]) for r in rows]
            out[key] = {
                "median": round(statistics.median(values), 2),
                "min": min(values),
                "max": max(values),
            }
        out["sentences"] = rows[0]["sentences"]
        return out

    this, base = summary("this"), summary("other")
    t_this = this["import_s"]["median"]  # type: ignore[index]
    t_base = base["import_s"]["median"]  # type: ignore[index]
    c_this = this["cpu_s"]["median"]  # type: ignore[index]
    c_base = base["cpu_s"]["median"]  # type: ignore[index]
    return {
        "corpus": str(corpus),
        "documents": results["this"][0]["documents"],
        "runs": runs,
        "this": this,
        "other": {"checkout": str(other), **base},
        "speedup": round(t_base / t_this, 2) if t_this else None,
        # on a machine shared with other work the wall times follow the neighbours;
        # the CPU time of every process is the steadier figure
        "cpu_ratio": round(c_base / c_this, 2) if c_this else None,
        "same_counts": all(
            r["sentences"] == results["this"][0]["sentences"]
            and r["turns"] == results["this"][0]["turns"]
            for r in results["this"] + results["other"]
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="a folder of .txt transcripts")
    parser.add_argument("--n", type=int, default=1000, help="without --corpus: synth.py's --n")
    parser.add_argument("--words", type=int, default=3000, help="synth.py's --words")
    parser.add_argument("--seed", type=int, default=1, help="synth.py's --seed")
    parser.add_argument("--limit", type=int, help="only the first N files")
    parser.add_argument("--workers", type=int, help="worker processes (QUALCODE_IMPORT_WORKERS)")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="target (default 60)")
    parser.add_argument("--max-mb", type=float, default=1024.0, help="target (default 1024)")
    parser.add_argument("--compare", type=Path, help="another checkout to run interleaved")
    parser.add_argument("--runs", type=int, default=3, help="with --compare: runs of each")
    parser.add_argument("--json", action="store_true", help="one JSON line")
    args = parser.parse_args(argv)
    corpus = args.corpus or synth_corpus(args.n, args.words, args.seed)
    files = sorted(corpus.glob("*.txt"))[: args.limit]
    if not files:
        print(f"error: {corpus} holds no .txt files (make them with synth.py)", file=sys.stderr)
        return 2
    if args.workers is not None:
        os.environ["QUALCODE_IMPORT_WORKERS"] = str(args.workers)
    os.environ.setdefault("QUALCODE_CODER", "bench")
    if args.compare is not None:
        result = compare(args.compare.resolve(), args.runs, corpus, args.limit)
        print(json.dumps(result) if args.json else json.dumps(result, indent=2))
        return 0
    with tempfile.TemporaryDirectory(prefix="qualcode-import-") as tmp:
        figures = run(files, Path(tmp))
    ok = figures["import_s"] <= args.max_seconds and figures["peak_rss_mb"] <= args.max_mb
    if args.json:
        print(json.dumps({**figures, "targets_met": ok}))
    else:
        print(f"documents      {figures['documents']:>10}")
        print(f"words          {figures['words']:>10,}")
        print(f"turns          {figures['turns']:>10,}")
        print(f"sentences      {figures['sentences']:>10,}")
        print(
            f"import         {figures['import_s']:>10.2f} s  ({figures['docs_per_s']} documents/s)"
        )
        print(f"cpu time       {figures['cpu_s']:>10.2f} s  (all processes)")
        print(f"workers        {figures['workers']:>10}")
        print(
            f"peak memory    {figures['peak_rss_mb']:>10.1f} MB  (process tree at one moment; "
            f"at most {figures['peak_bound_mb']} MB)"
        )
        print(
            f"targets        {'met' if ok else 'MISSED'} (<= {args.max_seconds} s, <= {args.max_mb} MB)"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
