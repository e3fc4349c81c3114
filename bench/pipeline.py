"""The whole path on a synthetic corpus: import, code, export, and check the counts.

    python bench/synth.py --n 100 --seed 1 --out /tmp/corpus100
    python bench/pipeline.py --corpus /tmp/corpus100 [--json]

The corpus holds ``interview_*.txt``, ``codebook.yaml`` and ``plan.json`` (codings
with character offsets). Every code application goes through the same Project API
the workbench uses, one transaction each. The export phase writes what Taguette's
export menu writes, through ``qualcode export bundle``'s service: the codebook as
``.qdc``, CSV and XLSX; every coded passage as CSV, XLSX and HTML; one CSV per code.
The files are read back and checked: the code x document counts of ``segments.csv``
must equal, cell for cell, the distinct (code, document, start, end) applications of
the plan (the plan repeats a few; an identical coding is stored once), and so must
the counts in ``codebook.csv`` and the rows of each per-code CSV; a mismatch exits
with status 1.

Peak memory is over the whole process tree (this process and the import workers,
summed at the same moment; see ``bench/proctree.py``).

With ``--json`` one line: ``import_s``, ``code_s``, ``export_s``, ``codings``,
``peak_rss_mb`` (the tree's), ``peak_rss_bound_mb`` (the ``ru_maxrss`` bound),
``export_files``, ``export_bytes`` (plus ``documents`` and ``codes``).
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
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.proctree import TreeSampler, upper_bound_mb

BUNDLE_FILES = (
    "codebook.qdc",
    "codebook.csv",
    "codebook.xlsx",
    "segments.csv",
    "segments.xlsx",
    "segments.html",
)
"""What the export phase writes (besides ``codes/<code>.csv``): Taguette's set."""


def peak_rss_mb() -> float:
    """Peak resident memory of this process alone, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def check_bundle(
    folder: Path, plan: dict[str, Any], texts: dict[str, str] | None = None
) -> list[str]:
    """What is wrong with an export bundle against the plan (an empty list: nothing).

    ``texts`` (document name -> text) also checks every exported quote."""
    problems: list[str] = []
    want = expected_counts(plan)
    missing = [n for n in BUNDLE_FILES if not (folder / n).is_file()]
    if missing:
        return [f"the bundle lacks {', '.join(missing)}"]
    with open(folder / "segments.csv", encoding="utf-8-sig", newline="") as fh:
        segments = list(csv.DictReader(fh))
    got: dict[tuple[str, str], int] = {}
    for row in segments:
        key = (row["code"], row["document"])
        got[key] = got.get(key, 0) + 1
    if got != want:
        wrong = sorted(set(got.items()) ^ set(want.items()))[:5]
        problems.append(f"segments.csv counts differ from the plan, e.g. {wrong}")
    if texts is not None:
        bad = sum(
            1
            for r in segments
            if texts[r["document"]][int(r["start"]) : int(r["end"])] != r["quote"]
        )
        if bad:
            problems.append(f"{bad} quotes in segments.csv differ from the planned passages")
    per_code: dict[str, int] = {}
    per_code_docs: dict[str, set[str]] = {}
    for (code, doc), n in want.items():
        per_code[code] = per_code.get(code, 0) + n
        per_code_docs.setdefault(code, set()).add(doc)
    with open(folder / "codebook.csv", encoding="utf-8-sig", newline="") as fh:
        book = {r["code"]: r for r in csv.DictReader(fh)}
    counts = {
        c: (int(r["codings"]), int(r["documents"])) for c, r in book.items() if int(r["codings"])
    }
    if counts != {c: (n, len(per_code_docs[c])) for c, n in per_code.items()}:
        problems.append("codebook.csv counts differ from the plan")
    for code in book:
        path = folder / "codes" / f"{code}.csv"
        if not path.is_file():
            problems.append(f"no per-code CSV for {code}")
            break
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        if len(rows) != per_code.get(code, 0) or any(r["code"] != code for r in rows):
            problems.append(
                f"codes/{code}.csv has {len(rows)} rows, {per_code.get(code, 0)} expected"
            )
            break
    page = (folder / "segments.html").read_text(encoding="utf-8")
    if page.count("<tr>") != len(segments) + 1:
        problems.append("segments.html does not list every coded passage")
    return problems


def bundle_size(folder: Path) -> tuple[int, int]:
    """Files and bytes under ``folder``."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


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
    with TreeSampler() as memory:
        figures = _run(corpus, workdir)
    figures["peak_rss_mb"] = memory.peak_mb
    figures["peak_rss_bound_mb"] = upper_bound_mb(memory.most_processes - 1)
    return figures


def _run(corpus: Path, workdir: Path) -> dict[str, float | int]:
    from qualcode import services
    from qualcode.store import open_project

    plan = json.loads((corpus / "plan.json").read_text(encoding="utf-8"))
    files = sorted(corpus.glob("*.txt"))
    project = services.init_project(
        str(workdir / "qualcode.db"), corpus / "codebook.yaml", coder="bench"
    )
    bundle = workdir / "export"
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

        t0 = time.perf_counter()
        summary = services.export_bundle(project, bundle)
        export_s = time.perf_counter() - t0
    finally:
        project.close()

    # check the exported files, not what is in memory
    texts = {p.stem: p.read_text(encoding="utf-8") for p in files}
    problems = check_bundle(bundle, plan, texts)
    if problems:
        raise SystemExit("; ".join(problems))
    export_files, export_bytes = bundle_size(bundle)
    reopened = open_project(str(workdir / "qualcode.db"))
    stored = len(reopened.codings.codings())
    reopened.close()
    return {
        "documents": len(files),
        "codes": summary.codes,
        "applications": applications,
        "codings": stored,
        "import_s": round(import_s, 3),
        "code_s": round(code_s, 3),
        "export_s": round(export_s, 3),
        "export_files": export_files,
        "export_bytes": export_bytes,
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
        print(
            f"export         {figures['export_s']:>10.2f} s  "
            f"({figures['export_files']} files: codebook .qdc/.csv/.xlsx, coded passages "
            ".csv/.xlsx/.html, one CSV per code)"
        )
        print(
            f"peak memory    {figures['peak_rss_mb']:>10.1f} MB  (process tree, sampled; "
            f"ru_maxrss bound {figures['peak_rss_bound_mb']:.1f} MB)"
        )
        print("counts         match the plan")
    return 0


if __name__ == "__main__":
    sys.exit(main())
