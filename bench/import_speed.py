"""Import speed and peak memory on a synthetic corpus: the issue's 1,000 x 3,000 words.

    python bench/synth.py --n 1000 --words 3000 --seed 1 --out /tmp/c1000 --no-plan
    python bench/import_speed.py --corpus /tmp/c1000 [--limit N] [--json]

Imports every ``*.txt`` of the corpus into a new project through
``services.import_transcripts`` (the path ``qualcode import`` takes: read, speaker
turns, language detection, spaCy sentences and lemmas, store, search index), one
transaction per document, and reports the wall time, documents per second, words,
the CPU time and the peak resident memory of the process and its worker. Batches
of 40 files or more read and split sentences in one worker process while the
main process writes (``QUALCODE_IMPORT_WORKERS=0`` to compare without). Also checks that every document, turn and
sentence arrived and that the search index answers. Exit status 1 when the targets
(``--max-seconds``, ``--max-mb``) are missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def peak_rss_mb() -> float:
    """Peak resident memory of this process plus the largest of its worker processes,
    in MiB (Linux reports KiB): an upper bound of what the import held at once."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def cpu_seconds() -> float:
    """User and system CPU time of this process and its finished workers."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run(files: list[Path], workdir: Path) -> dict[str, float | int]:
    """Import ``files`` into a new project in ``workdir``; the figures."""
    from qualcode import services

    words = sum(len(f.read_text(encoding="utf-8").split()) for f in files)
    project = services.init_project(str(workdir / "qualcode.db"), None, coder="bench")
    try:
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
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "cpus": os.cpu_count() or 0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a folder of .txt transcripts")
    parser.add_argument("--limit", type=int, help="only the first N files")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="target (default 60)")
    parser.add_argument("--max-mb", type=float, default=1024.0, help="target (default 1024)")
    parser.add_argument("--json", action="store_true", help="one JSON line")
    args = parser.parse_args(argv)
    files = sorted(args.corpus.glob("*.txt"))[: args.limit]
    if not files:
        print(
            f"error: {args.corpus} holds no .txt files (make them with synth.py)", file=sys.stderr
        )
        return 2
    os.environ.setdefault("QUALCODE_CODER", "bench")
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
        print(f"cpu time       {figures['cpu_s']:>10.2f} s  (both processes)")
        print(f"peak memory    {figures['peak_rss_mb']:>10.1f} MB  (both processes)")
        print(
            f"targets        {'met' if ok else 'MISSED'} (<= {args.max_seconds} s, <= {args.max_mb} MB)"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
