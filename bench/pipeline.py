"""The whole path on a synthetic corpus: import, code, export, and check the counts.

    python bench/synth.py --n 100 --seed 1 --out /tmp/corpus100
    python bench/pipeline.py --corpus /tmp/corpus100 [--json]

The corpus holds ``interview_*.txt``, ``codebook.yaml`` and ``plan.json`` (codings
with character offsets). Every code application goes through the same Project API
the workbench uses, one transaction each. The exported frequency matrix must equal,
cell for cell, the number of distinct (code, document, start, end) applications in
the plan (the plan repeats a few; an identical coding is stored once); a mismatch
exits with status 1.

With ``--json`` one line: ``import_s``, ``code_s``, ``export_s``, ``codings``,
``peak_rss_mb`` (plus ``documents`` and ``codes``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def expected_counts(plan: dict[str, object]) -> dict[tuple[str, str], int]:
    """(code, document) -> distinct applications in the plan."""
    seen: set[tuple[str, str, int, int]] = set()
    for c in plan["codings"]:  # type: ignore[attr-defined]
        for code in c["codes"]:
            seen.add((code, c["doc"], c["start"], c["end"]))
    counts: dict[tuple[str, str], int] = {}
    for code, doc, _s, _e in seen:
        counts[(code, doc)] = counts.get((code, doc), 0) + 1
    return counts


def run(corpus: Path, workdir: Path) -> dict[str, float | int]:
    """Run the three phases in ``workdir``; returns the figures (raises on a wrong count)."""
    from qualcode import services
    from qualcode.store import open_project

    plan = json.loads((corpus / "plan.json").read_text(encoding="utf-8"))
    files = sorted(corpus.glob("*.txt"))
    project = services.init_project(
        str(workdir / "qualcode.db"), corpus / "codebook.yaml", coder="bench"
    )
    try:
        t0 = time.perf_counter()
        report = services.import_transcripts(project, files, lang="en")
        import_s = time.perf_counter() - t0
        if report.errors:
            raise SystemExit(f"import failed: {report.errors[0]}")

        t0 = time.perf_counter()
        applications = 0
        for c in plan["codings"]:
            for code in c["codes"]:
                project.codings.apply_coding(c["doc"], code, c["start"], c["end"])
                applications += 1
        code_s = time.perf_counter() - t0

        out = workdir / "frequency.csv"
        t0 = time.perf_counter()
        matrix = services.export_frequency(project, out)
        export_s = time.perf_counter() - t0
    finally:
        project.close()

    # check the exported file, not the in-memory matrix
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    docs = header[2:-1]
    got: dict[tuple[str, str], int] = {}
    for row in rows[1:-1]:
        for doc, value in zip(docs, row[2:-1], strict=True):
            if int(value):
                got[(row[0], doc)] = int(value)
    want = expected_counts(plan)
    if got != want:
        wrong = sorted(set(got.items()) ^ set(want.items()))[:5]
        raise SystemExit(f"exported counts differ from the plan, e.g. {wrong}")
    reopened = open_project(str(workdir / "qualcode.db"))
    stored = len(reopened.codings.codings())
    reopened.close()
    return {
        "documents": len(files),
        "codes": len(matrix.rows),
        "applications": applications,
        "codings": stored,
        "import_s": round(import_s, 3),
        "code_s": round(code_s, 3),
        "export_s": round(export_s, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a folder written by synth.py")
    parser.add_argument("--json", action="store_true", help="one JSON line")
    args = parser.parse_args(argv)
    if not (args.corpus / "plan.json").exists():
        print(f"error: {args.corpus} has no plan.json (make one with synth.py)", file=sys.stderr)
        return 2
    os.environ.setdefault("QUALCODE_CODER", "bench")
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        figures = run(args.corpus, Path(tmp))
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"documents      {figures['documents']:>10}")
        print(f"applications   {figures['applications']:>10}")
        print(f"codings stored {figures['codings']:>10}")
        print(f"import         {figures['import_s']:>10.2f} s")
        print(f"code           {figures['code_s']:>10.2f} s  (one transaction per application)")
        print(f"export         {figures['export_s']:>10.2f} s")
        print(f"peak memory    {figures['peak_rss_mb']:>10.1f} MB")
        print("counts         match the plan")
    return 0


if __name__ == "__main__":
    sys.exit(main())
