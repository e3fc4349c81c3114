"""``export bundle`` against the same files written one export at a time, interleaved.

    python bench/synth.py --n 100 --seed 1 --out /tmp/corpus100
    python bench/export_speed.py --corpus /tmp/corpus100 [--runs 3] [--json]

Builds the project as ``bench/pipeline.py`` does (import, every code application),
then writes Taguette's export set (codebook ``.qdc``, CSV, XLSX; coded passages CSV,
XLSX, HTML; one CSV per code) twice per run, in alternating order: once with
``services.export_bundle`` (the codings read and rendered once, the files synced
together) and once as the single commands write them (``codebook export``, ``export
appendix``, ``export segments`` in three formats and ``export segments --code ID``
per code, in one process). Prints the median and range of wall and CPU seconds of
each, and checks that both wrote the same files (same names; same bytes but for the
XLSX files, whose review-sheet ids differ).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def build(corpus: Path, workdir: Path) -> Any:
    """The project of ``corpus`` with every planned code application."""
    from qualcode import services

    plan = json.loads((corpus / "plan.json").read_text(encoding="utf-8"))
    project = services.init_project(
        str(workdir / "qualcode.db"), corpus / "codebook.yaml", coder="bench"
    )
    services.import_transcripts(project, sorted(corpus.glob("*.txt")), lang="en")
    for c in plan["codings"]:
        for code in c["codes"]:
            project.codings.apply_coding(c["doc"], code, c["start"], c["end"])
    return project


def one_by_one(project: Any, out: Path) -> None:
    """The bundle's files, each through the export that writes it alone."""
    from qualcode import services
    from qualcode.core.filters import Filters

    (out / "codes").mkdir(parents=True)
    services.export_qdc(project, out / "codebook.qdc")
    for fmt in ("csv", "xlsx"):
        services.export_matrix(project, "appendix", out / f"codebook.{fmt}")
    for fmt in ("csv", "xlsx", "html"):
        services.export_matrix(project, "segments", out / f"segments.{fmt}")
    for code in project.codebook():
        services.export_matrix(
            project, "segments", out / "codes" / f"{code.id}.csv", filters=Filters(codes=(code.id,))
        )


def same_files(a: Path, b: Path) -> list[str]:
    """What differs between two bundles (XLSX compared by name only)."""
    names_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    names_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    if names_a != names_b:
        return [f"different files: {sorted(set(names_a) ^ set(names_b))[:3]}"]
    return [
        f"{n} differs"
        for n in names_a
        if n.suffix != ".xlsx" and (a / n).read_bytes() != (b / n).read_bytes()
    ]


def run(corpus: Path, workdir: Path, runs: int) -> dict[str, Any]:
    from qualcode import services

    project = build(corpus, workdir)
    times: dict[str, list[tuple[float, float]]] = {"bundle": [], "one_by_one": []}
    ways = {
        "bundle": lambda out: services.export_bundle(project, out),
        "one_by_one": lambda out: one_by_one(project, out),
    }
    try:
        for i in range(runs):
            order = ("bundle", "one_by_one") if i % 2 == 0 else ("one_by_one", "bundle")
            for name in order:
                out = workdir / name
                shutil.rmtree(out, ignore_errors=True)
                wall, cpu = time.perf_counter(), time.process_time()
                ways[name](out)
                times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    finally:
        project.close()
    figures: dict[str, Any] = {"runs": runs}
    for name, values in times.items():
        walls, cpus = [v[0] for v in values], [v[1] for v in values]
        figures[name] = {
            "wall_s": round(statistics.median(walls), 3),
            "wall_range": [round(min(walls), 3), round(max(walls), 3)],
            "cpu_s": round(statistics.median(cpus), 3),
            "cpu_range": [round(min(cpus), 3), round(max(cpus), 3)],
        }
    figures["files"] = sum(1 for p in (workdir / "bundle").rglob("*") if p.is_file())
    figures["problems"] = same_files(workdir / "bundle", workdir / "one_by_one")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a folder written by synth.py")
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs (default 3)")
    parser.add_argument("--json", action="store_true", help="one JSON line")
    args = parser.parse_args(argv)
    if not (args.corpus / "plan.json").exists():
        print(f"error: {args.corpus} has no plan.json (make one with synth.py)", file=sys.stderr)
        return 2
    os.environ.setdefault("QUALCODE_CODER", "bench")
    with tempfile.TemporaryDirectory(prefix="qualcode-export-") as tmp:
        figures = run(args.corpus, Path(tmp), max(1, args.runs))
    if args.json:
        print(json.dumps(figures))
    else:
        for name in ("bundle", "one_by_one"):
            f = figures[name]
            print(
                f"{name:11s} wall {f['wall_s']:.2f} s ({f['wall_range'][0]:.2f}-{f['wall_range'][1]:.2f})"
                f"  CPU {f['cpu_s']:.2f} s ({f['cpu_range'][0]:.2f}-{f['cpu_range'][1]:.2f})"
            )
        print(f"{figures['files']} files, median of {figures['runs']} interleaved runs")
        for problem in figures["problems"]:
            print(f"CHECK FAILED: {problem}", file=sys.stderr)
    return 1 if figures["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
