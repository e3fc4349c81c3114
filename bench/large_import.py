"""One large transcript: import time, peak memory, and how long another coder waits.

    python bench/large_import.py --mb 5 50 [--json] [--no-wait]

For each size, a transcript of that many megabytes (synthetic interview turns,
English-like words, deterministic) is written and imported into a new project in a
fresh process (``qualcode import``'s path: read, speaker turns, language, spaCy
sentences and lemmas, store, search index), which reports the wall time and its peak
resident memory. Targets: 5 MB under 30 s; 50 MB under 5 minutes and 2 GB (or
refused before reading: the default size limit is 50 MiB, so 50,000,000 bytes are
read).

Unless ``--no-wait``, the same import runs again while a second process — another
coder — codes one passage after another into the same project (each coding its own
transaction, ``busy_timeout`` as usual), and the time each coding took from start to
commit is recorded: the goal is that none waits more than 1 s.

Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "the officer said that we had to wait for the letter at the counter because the "
    "head of the office was away and nobody could sign it so I came back the next day "
    "with a photocopy of my identity card and the family card and paid five thousand "
    "for the stamp although there was no receipt and the queue was long"
).split()


def write_transcript(path: Path, megabytes: float, seed: int = 1) -> int:
    """A synthetic interview of about ``megabytes`` MB (10**6 bytes); its size."""
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    size = 0
    turn = 0
    with path.open("w", encoding="utf-8") as fh:
        while size < target:
            who = "Interviewer" if turn % 2 == 0 else "Participant"
            sentences = []
            for _ in range(rng.randint(1, 8)):
                n = rng.randint(5, 25)
                words = [rng.choice(WORDS) for _ in range(n)]
                words[0] = words[0].capitalize()
                sentences.append(" ".join(words) + rng.choice([".", ".", "?", "!"]))
            line = f"{who}: {' '.join(sentences)}\n\n"
            if size + len(line) > target:
                line = line[: max(0, target - size - 2)] + ".\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
            turn += 1
    return path.stat().st_size


def _import(folder: str, transcript: str, out: Any) -> None:
    import resource

    os.environ.setdefault("QUALCODE_CODER", "importer")
    from qualcode import services
    from qualcode.store import open_project

    project = open_project(str(Path(folder) / "qualcode.db"))
    t0 = time.perf_counter()
    report = services.import_transcripts(project, [Path(transcript)])
    seconds = time.perf_counter() - t0
    sentences = report.imported[0].sentences if report.imported else 0
    hits = len(services.search(project, "officer", limit=3))
    project.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put(
        {
            "seconds": round(seconds, 2),
            "peak_mb": round(peak, 1),
            "sentences": sentences,
            "errors": [str(e) for e in report.errors],
            "search_hits": hits,
        }
    )


def _new_project(folder: Path) -> str:
    from qualcode import services
    from qualcode.core.codebook import Code

    project = services.init_project(str(folder / "qualcode.db"), None, coder="bench")
    project.codes.add_code(Code("bench", "Bench"))
    seed = folder / "seed.txt"
    seed.write_text(
        "Interviewer: Berapa lama antre?\n\nParticipant: Dua jam antre. Petugas datang telat.\n",
        encoding="utf-8",
    )
    services.import_transcripts(project, [seed])
    project.close()
    return "seed"


def measure(megabytes: float, wait: bool) -> dict[str, object]:
    """Import one transcript of ``megabytes`` MB (twice when ``wait``: alone, then with a
    second coder coding meanwhile)."""
    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="qualcode-large-") as tmp:
        folder = Path(tmp)
        transcript = folder / f"large_{megabytes:g}mb.txt"
        size = write_transcript(transcript, megabytes)
        result: dict[str, object] = {"megabytes": megabytes, "bytes": size}
        proj = folder / "alone"
        proj.mkdir()
        _new_project(proj)
        queue = ctx.Queue()
        child = ctx.Process(target=_import, args=(str(proj), str(transcript), queue))
        child.start()
        alone = queue.get()
        child.join()
        result["alone"] = alone
        if wait:
            busy = folder / "busy"
            busy.mkdir()
            doc = _new_project(busy)
            queue = ctx.Queue()
            child = ctx.Process(target=_import, args=(str(busy), str(transcript), queue))
            from qualcode.store import open_project

            coder = open_project(str(busy / "qualcode.db"), coder="second-coder")
            text_len = len(coder.documents.document(doc).text)
            waits: list[float] = []
            child.start()
            n = 0
            while child.is_alive():
                start = n % (text_len - 5)
                t0 = time.perf_counter()
                coder.codings.apply_coding(doc, "bench", start, start + 3)
                waits.append(time.perf_counter() - t0)
                n += 1
                time.sleep(0.02)
            busy_result = queue.get()
            child.join()
            coder.close()
            result["with_second_coder"] = busy_result
            result["codings_meanwhile"] = len(waits)
            result["wait_max_s"] = round(max(waits), 3) if waits else None
            result["wait_p95_s"] = (
                round(statistics.quantiles(waits, n=20)[-1], 3) if len(waits) >= 20 else None
            )
            result["wait_median_s"] = round(statistics.median(waits), 3) if waits else None
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[5.0, 50.0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-wait", action="store_true", help="skip the second coder")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    results = [measure(mb, not args.no_wait) for mb in args.mb]
    failed = False
    for r in results:
        alone = r["alone"]
        assert isinstance(alone, dict)
        mb = float(r["megabytes"])  # type: ignore[arg-type]
        limit_s = 30 if mb <= 5 else 300
        if alone["errors"] or alone["seconds"] > limit_s or alone["peak_mb"] > 2048:
            failed = True
        if r.get("wait_max_s") is not None and float(r["wait_max_s"]) > 1.0:  # type: ignore[arg-type]
            failed = True
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for r in results:
            alone = r["alone"]
            assert isinstance(alone, dict)
            line = (
                f"{r['megabytes']:g} MB ({r['bytes']:,} bytes, {alone['sentences']:,} sentences): "
                f"import {alone['seconds']} s, peak {alone['peak_mb']} MB"
            )
            if "wait_max_s" in r:
                line += (
                    f"; another coder's {r['codings_meanwhile']} codings meanwhile waited "
                    f"at most {r['wait_max_s']} s (median {r['wait_median_s']} s, "
                    f"95th percentile {r['wait_p95_s']} s)"
                )
            print(line)
    uname = os.uname()
    print(
        f"# {uname.machine}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"load {os.getloadavg()[0]:.1f}",
        file=sys.stderr,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
