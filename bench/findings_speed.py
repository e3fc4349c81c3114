"""``qualcode findings -o FILE.docx`` of the demo project, end to end.

    python bench/findings_speed.py [--runs 7] [--format docx] [--json]

Builds the demo project (``qualcode demo``'s themes, extracts, relations) in a
temporary data folder, then runs the real command ``qualcode findings -o
chapter.docx`` as a new process several times (Python start-up, imports, opening the
project, reading it, the map drawn and rasterised, the .docx written). Reports the
median wall time and the median CPU time (user + system) of the process, and the
machine's load average while it ran: on a shared machine the wall time grows with
the load, the CPU time does not. Every run must write a chapter that python-docx
reads back with its 13 key extracts, or the bench exits with status 1.

With ``--json`` one line: ``format``, ``runs``, ``median_s``, ``min_s``, ``max_s``,
``median_cpu_s``, ``load_avg``, ``bytes``.
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


def _qualcode() -> list[str]:
    exe = Path(sys.executable).with_name("qualcode")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "qualcode"]


def run(workdir: Path, runs: int, fmt: str) -> dict[str, float | int | str]:
    """Build the demo in ``workdir``, write the chapter ``runs`` times; the figures."""
    env = dict(os.environ, QUALCODE_DATA_DIR=str(workdir / "data"))
    env.setdefault("QUALCODE_CODER", "bench")
    subprocess.run([*_qualcode(), "demo", "--no-open"], env=env, check=True, capture_output=True)
    project = workdir / "data" / "demo" / "qualcode.db"
    out = workdir / f"chapter.{fmt}"
    walls: list[float] = []
    cpus: list[float] = []
    loads: list[float] = []
    for _ in range(runs):
        out.unlink(missing_ok=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(
            [*_qualcode(), "--project", str(project), "findings", "-o", str(out), "--lang", "id"],
            env=env,
            check=True,
            capture_output=True,
        )
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        loads.append(os.getloadavg()[0])
        if fmt == "docx":
            import docx

            paragraphs = docx.Document(str(out)).paragraphs
            quotes = [p for p in paragraphs if p.style is not None and p.style.name == "Quote"]
            if len(quotes) < 13:
                raise SystemExit(f"the chapter holds {len(quotes)} quote paragraphs, not 13+")
    return {
        "format": fmt,
        "runs": runs,
        "median_s": round(statistics.median(walls), 3),
        "min_s": round(min(walls), 3),
        "max_s": round(max(walls), 3),
        "median_cpu_s": round(statistics.median(cpus), 3),
        "load_avg": round(statistics.median(loads), 2),
        "bytes": out.stat().st_size,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="how many runs (default 7)")
    parser.add_argument(
        "--format", dest="fmt", default="docx", choices=["docx", "odt", "md", "html"]
    )
    parser.add_argument("--json", action="store_true", help="one JSON line")
    args = parser.parse_args(argv)
    if args.runs < 1:
        print("error: --runs must be 1 or more", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="qualcode-bench-") as tmp:
        figures = run(Path(tmp), args.runs, args.fmt)
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"findings -o .{figures['format']}  {figures['runs']} runs")
        print(f"median wall        {figures['median_s']:>8.2f} s")
        print(f"min / max wall     {figures['min_s']:>8.2f} / {figures['max_s']:.2f} s")
        print(f"median CPU         {figures['median_cpu_s']:>8.2f} s (user + system)")
        print(f"load average       {figures['load_avg']:>8.2f}")
        print(f"file size          {figures['bytes']:>8,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
