"""Several coders writing one project at the same time, measured.

    python bench/concurrency.py --backend sqlite [--procs 4] [--n 500] [--json]
    python bench/concurrency.py --backend postgresql [--url URL] [--json]

Each of ``--procs`` processes (real processes, the Project API, no Textual) opens
the project as its own coder, waits at a barrier, then applies ``--n`` codings with
distinct spans, one transaction each. Afterwards the project must hold exactly
``procs x n`` codings with no duplicate (guid or document/code/span/coder); the
script exits 1 otherwise. Then the same-span race: every process applies the
*same* 50 codings as the same coder; exactly 50 must exist, each reported as
created by exactly one process. Then the lost-update race: two processes edit one
code with the same expected version; exactly one must win and the other get a
ConflictError.

On PostgreSQL without ``--url`` a throwaway cluster is started (the server
binaries must be installed), and each coder is a real database role.

``--json`` prints one line: ``backend``, ``procs``, ``n``, ``codings``,
``seconds``, ``codings_per_s``, ``same_span_created``, ``lost_update``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DOC = "bench_doc"
TEXT = ("Narasumber: Saya antre dua jam di loket, lalu petugas datang terlambat. " * 60).strip()


def make_project(location: str) -> None:
    """A project with a small codebook and one document of ~4,000 characters."""
    from qualcode.core.codebook import Code, Codebook
    from qualcode.core.model import ImportedDocument, SentenceSpan, TurnSpan
    from qualcode.store import open_project

    project = open_project(location, create=True)
    try:
        project.codebook_sync.sync_codebook(
            Codebook(
                codes=(Code("time", "Waktu"), Code("cost", "Biaya"), Code("competence", "Petugas")),
                languages=("id",),
            )
        )
        project.documents.add_document(
            ImportedDocument(DOC, TEXT, (TurnSpan(12, len(TEXT), "Narasumber", 0),)),
            [SentenceSpan(0, len(TEXT), 0)],
        )
    finally:
        project.close()


def code_worker(location: str, coder: str, index: int, n: int, barrier: Any, out: Any) -> None:
    """Apply ``n`` codings with distinct spans after the barrier; report timing."""
    from qualcode.store import open_project

    project = open_project(location, coder=coder)
    errors: list[str] = []
    created = 0
    try:
        project.codings.codings(doc=DOC)  # connect before the start line
        barrier.wait()
        started = time.time()
        t0 = time.perf_counter()
        for i in range(n):
            try:
                _, new = project.codings.apply_coding(DOC, "time", i, i + 1 + index)
                created += new
            except Exception as exc:  # reported, counted as a failure by the caller
                errors.append(f"{type(exc).__name__}: {exc}")
        elapsed = time.perf_counter() - t0
    finally:
        project.close()
    out.put(
        {
            "coder": project.coder,
            "created": created,
            "seconds": elapsed,
            "started": started,
            "ended": started + elapsed,
            "errors": errors,
        }
    )


def same_span_worker(location: str, spans: int, barrier: Any, out: Any) -> None:
    """Apply the same ``spans`` codings as every other worker (same coder)."""
    from qualcode.store import open_project

    project = open_project(location, coder="shared")
    created: list[int] = []
    errors: list[str] = []
    try:
        project.codings.codings(doc=DOC)
        barrier.wait()
        for i in range(spans):
            try:
                _, new = project.codings.apply_coding(DOC, "cost", 1000 + i, 1010 + i)
                if new:
                    created.append(i)
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        project.close()
    out.put({"created": created, "errors": errors})


def edit_worker(location: str, label: str, version: int, barrier: Any, out: Any) -> None:
    """Edit the code ``competence`` expecting ``version``; report won or the error."""
    from qualcode.errors import ConflictError
    from qualcode.store import open_project

    project = open_project(location, coder=label)
    try:
        project.codebook()
        barrier.wait()
        try:
            project.codes.update_code(
                "competence", expected_version=version, description=f"by {label} at {version}"
            )
            out.put({"label": label, "won": True, "error": None})
        except ConflictError as exc:
            out.put({"label": label, "won": False, "error": str(exc)})
    finally:
        project.close()


def _spawn(target: Any, args_list: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    # fork where there is one: the workers open their own engines after the fork
    methods = multiprocessing.get_all_start_methods()
    ctx: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    barrier = ctx.Barrier(len(args_list))
    out = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*a, barrier, out)) for a in args_list]
    for p in procs:
        p.start()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return results


def run_codings(
    locations: list[str], coders: list[str], n: int
) -> tuple[list[dict[str, Any]], float]:
    """``len(locations)`` processes x ``n`` codings; returns their reports and the wall
    time from the barrier's release to the last process's end."""
    results = _spawn(
        code_worker,
        [(loc, coder, i, n) for i, (loc, coder) in enumerate(zip(locations, coders, strict=True))],
    )
    wall = max(r["ended"] for r in results) - min(r["started"] for r in results)
    return results, wall


def run_same_span(location: str, procs: int, spans: int = 50) -> list[dict[str, Any]]:
    """``procs`` processes applying the same ``spans`` codings."""
    return _spawn(same_span_worker, [(location, spans)] * procs)


def code_version(project: Any, code_id: str) -> int:
    """A code's stored version number (what ``update_code(expected_version=...)``
    compares with)."""
    from sqlalchemy import select

    from qualcode.store.base import T_CODES

    with project.read() as conn:
        return int(conn.execute(select(T_CODES.c.version).where(T_CODES.c.id == code_id)).one()[0])


def run_lost_update(location: str, version: int) -> list[dict[str, Any]]:
    """Two processes editing one code with the same expected version."""
    return _spawn(edit_worker, [(location, "one", version), (location, "two", version)])


def check(location: str) -> dict[str, int]:
    """Counts of codings, distinct guids and distinct document/code/span/coder."""
    from qualcode.store import open_project

    project = open_project(location)
    try:
        rows = project.codings.codings(doc=DOC, status=None)
    finally:
        project.close()
    return {
        "rows": len(rows),
        "guids": len({c.guid for c in rows}),
        "identities": len({(c.doc, c.code, c.start, c.end, c.coder) for c in rows}),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--url", help="An empty PostgreSQL database owned by a CREATEROLE role.")
    parser.add_argument("--procs", type=int, default=4)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    cluster = None
    tmp = tempfile.TemporaryDirectory(prefix="qualcode-bench-")
    try:
        coders = [f"coder{i + 1}" for i in range(args.procs)]
        if args.backend == "sqlite":
            location = str(Path(tmp.name) / "qualcode.db")
            make_project(location)
            locations = [location] * args.procs
        else:
            location, locations, cluster = _postgres(args.url, coders)
        results, wall = run_codings(locations, coders, args.n)
        counts = check(location)
        errors = [e for r in results for e in r["errors"]]
        same = run_same_span(location, args.procs)
        created = sorted(i for r in same for i in r["created"])
        from qualcode.store import open_project

        p = open_project(location)
        version = code_version(p, "competence")
        p.close()
        edits = run_lost_update(location, version)
        winners = [e for e in edits if e["won"]]
        expected = args.procs * args.n
        ok = (
            counts == {"rows": expected, "guids": expected, "identities": expected}
            and not errors
            and created == list(range(50))
            and len(winners) == 1
        )
        report = {
            "backend": args.backend,
            "procs": args.procs,
            "n": args.n,
            "codings": counts["rows"],
            "seconds": round(wall, 2),
            "codings_per_s": round(counts["rows"] / wall, 1),
            "per_process_s": [round(r["seconds"], 2) for r in results],
            "same_span_created": len(created),
            "lost_update": "one winner" if len(winners) == 1 else f"{len(winners)} winners",
            "errors": errors[:5],
            "loser_message": next((e["error"] for e in edits if not e["won"]), None),
        }
        if args.json:
            print(json.dumps(report))
        else:
            for k, v in report.items():
                print(f"{k}: {v}")
        return 0 if ok else 1
    finally:
        if cluster is not None:
            cluster.stop()
        tmp.cleanup()


def _postgres(url: str | None, coders: list[str]) -> tuple[str, list[str], Any]:
    """The owner's URL, one URL per coder (their own roles), and a cluster to stop."""
    cluster = None
    if url is None:
        import psycopg

        from tests import pgcluster

        bindir = pgcluster.find_bindir()
        if bindir is None:
            sys.exit("PostgreSQL server binaries not found: pass --url")
        cluster = pgcluster.start(bindir)
        with psycopg.connect(cluster.superuser_url(), autocommit=True) as conn:
            conn.execute("CREATE ROLE bench_owner LOGIN CREATEROLE PASSWORD 'bench'")
            conn.execute("CREATE DATABASE bench OWNER bench_owner")
        url = cluster.url("bench", "bench_owner", "bench")
    make_project(url)
    from sqlalchemy.engine import make_url

    from qualcode.store import open_project

    owner = open_project(url)
    try:
        for name in coders:
            owner.team.add_coder(name, password="bench")
    finally:
        owner.close()
    base = make_url(url)
    urls = [
        base.set(username=name, password="bench").render_as_string(hide_password=False)
        for name in coders
    ]
    return url, urls, cluster


if __name__ == "__main__":
    sys.exit(main())
