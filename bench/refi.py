"""REFI-QDA export and import on a synthetic corpus, with the round trip checked.

    python bench/synth.py --n 100 --seed 1 --out /tmp/corpus100
    python bench/refi.py --corpus /tmp/corpus100 [--json]

Builds the project as ``bench/pipeline.py`` does (import, every coding through the
Project API), then times ``export qdpx`` of the whole project, the validation-free
read of that file, and its import into a new project. The import must give back every
coding (same GUID, passage, code and coder); a difference exits with status 1.

With ``--json`` one line: ``export_s``, ``read_s``, ``import_s``, ``qdpx_bytes``,
``codings``, ``documents``, ``peak_rss_mb``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.pipeline import peak_rss_mb
from bench.pipeline import run as build


def run(corpus: Path, workdir: Path) -> dict[str, float | int]:
    """Build, export, read, import; returns the figures (raises on a lost coding)."""
    from qualcode import services
    from qualcode.importers.refi_qda import read_refi
    from qualcode.store import open_project

    build(corpus, workdir)
    project = open_project(str(workdir / "qualcode.db"))
    out = workdir / "bench.qdpx"
    try:
        t0 = time.perf_counter()
        summary = services.export_qdpx(project, out)
        export_s = time.perf_counter() - t0
        original = {
            (c.guid, c.doc, c.code, c.start, c.end, c.coder, c.quote)
            for c in project.codings.codings()
        }
    finally:
        project.close()
    t0 = time.perf_counter()
    read = read_refi(out)
    read_s = time.perf_counter() - t0
    copy = open_project(str(workdir / "copy.db"), create=True, coder="bench")
    try:
        t0 = time.perf_counter()
        services.import_refi(copy, out, read=read)
        import_s = time.perf_counter() - t0
        again = {
            (c.guid, c.doc, c.code, c.start, c.end, c.coder, c.quote)
            for c in copy.codings.codings()
        }
    finally:
        copy.close()
    if again != original:
        raise SystemExit(f"the round trip lost {len(original - again)} codings")
    return {
        "documents": summary.counts["sources"],
        "codings": summary.counts["codings"],
        "qdpx_bytes": out.stat().st_size,
        "export_s": round(export_s, 3),
        "read_s": round(read_s, 3),
        "import_s": round(import_s, 3),
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
        print(f"documents          {figures['documents']:>10}")
        print(f"codings            {figures['codings']:>10}")
        print(f"qdpx size          {figures['qdpx_bytes']:>10,} bytes")
        print(f"export qdpx        {figures['export_s']:>10.2f} s")
        print(f"read qdpx          {figures['read_s']:>10.2f} s")
        print(f"import (with nlp)  {figures['import_s']:>10.2f} s")
        print(f"peak memory        {figures['peak_rss_mb']:>10.1f} MB")
        print("round trip         every coding back, same GUID, passage, code and coder")
    return 0


if __name__ == "__main__":
    sys.exit(main())
