"""What one code application costs: wall time with the default durability, CPU time
with ``synchronous=NORMAL``, next to a raw one-row write transaction in the same run.

    python bench/coding_speed.py [--n 100] [--rounds 3] [--quick] [--baseline PYTHON]
                                 [--no-pg] [--json]

The synthetic corpus and coding plan come from ``bench/synth.py`` (``--n``
interviews, 20 planned passages each carrying one to three codes). Each side (this
tree, and with ``--baseline`` another checkout's Python, e.g.
``/work/wt/baseline/.venv/bin/python``) builds its project once (``init`` with the
codebook, ``import`` of the ``.txt`` transcripts: untimed), then every round, in a
child process of that side's Python, on a fresh copy of it:

* **wall (FULL)**: every code application of the plan through
  ``Project.apply_coding`` (the call the command line and the workbench make), one
  transaction and one action-log entry each, as a project runs by default (SQLite in
  WAL with ``synchronous=FULL``: each commit waits for the disk);
* **CPU (NORMAL)**: the same applications on another fresh copy with
  ``synchronous=NORMAL`` (the disk is not waited for), CPU seconds of the process
  (user + system) per application;
* **raw**: ``BEGIN IMMEDIATE; INSERT one row; COMMIT`` with Python's ``sqlite3`` on a
  WAL file, as many times: wall with FULL, CPU with NORMAL.

On PostgreSQL (a throwaway cluster from ``tests/pgcluster.py`` with ``fsync`` on,
unless ``--no-pg``) the same as the owner role, each round on a database copied
from the side's template (``CREATE DATABASE ... TEMPLATE``): wall with
``synchronous_commit=on``, CPU with ``synchronous_commit=off``, the client's CPU and
the server's (every backend of the cluster, read from ``/proc``) given apart; raw is
one ``INSERT`` and ``COMMIT`` over psycopg.

Sides and rounds are interleaved (round 1 of each side, then round 2, ...): on a
shared machine only the ratios within one run mean much. The table gives the median
and range over the rounds. Every application is checked: the number of codings and
action-log entries stored must equal the applications made (else exit 1).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve()
RAW_MIN = 2000
"""Raw transactions timed at least (per mode), whatever the number of applications."""


# ---------------------------------------------------------------------- the child


def _api(project: Any, part: str, name: str) -> Any:
    """``project.PART.NAME``, or ``project.NAME`` on a checkout from before the store's
    named parts (the baseline this bench runs interleaved)."""
    holder = getattr(project, part)
    return getattr(holder, name) if hasattr(holder, name) else getattr(project, name)


def _load_synth() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synth", ROOT / "bench" / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synth", module)
    spec.loader.exec_module(module)
    return module


def applications(plan: list[dict[str, Any]]) -> list[tuple[str, str, int, int]]:
    """Every (document, code, start, end) of the plan, in order."""
    return [(c["doc"], code, c["start"], c["end"]) for c in plan for code in c["codes"]]


def _cpu() -> float:
    return time.process_time()  # user + system, nanosecond clock (os.times counts ticks)


def _server_cpu(pidfile: str | None) -> float:
    """CPU seconds of a PostgreSQL cluster: the postmaster with its reaped children,
    and every backend alive now (``/proc``, Linux)."""
    if not pidfile:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    master = int(Path(pidfile).read_text().split()[0])
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        if pid == master:
            total += sum(int(x) for x in fields[11:15])
        elif ppid == master:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def _apply_all(project: Any, apps: list[tuple[str, str, int, int]]) -> None:
    for doc, code, start, end in apps:
        _api(project, "codings", "apply_coding")(doc, code, start, end)


def _count(project: Any) -> tuple[int, int]:
    from sqlalchemy import text

    with project.engine.connect() as conn:
        codings = conn.execute(text("SELECT count(*) FROM codings")).scalar()
        actions = conn.execute(text("SELECT count(*) FROM actions WHERE kind = 'code'")).scalar()
    return int(codings or 0), int(actions or 0)


def child_build(spec: dict[str, Any]) -> dict[str, Any]:
    """Make the side's template project: the codebook, the imported transcripts."""
    from qualcode import services

    folder = Path(spec["corpus"])
    files = sorted(folder.glob("*.txt"))
    project = services.init_project(spec["target"], folder / "codebook.yaml", coder="bench")
    try:
        report = services.import_transcripts(project, files, lang="en")
        if report.errors:
            raise SystemExit(f"import failed: {report.errors[0]}")
    finally:
        project.close()
    return {"documents": len(files)}


def _open(location: str, durable: bool) -> Any:
    from sqlalchemy import event

    from qualcode.store import open_project

    project = open_project(location, coder="bench")
    if durable:
        return project
    engine = project.engine
    if engine.dialect.name == "sqlite":

        def relaxed(con: Any, _record: Any) -> None:
            con.execute("PRAGMA synchronous=NORMAL")

    else:

        def relaxed(con: Any, _record: Any) -> None:
            with con.cursor() as cur:
                cur.execute("SET synchronous_commit TO off")
            con.commit()

    event.listen(engine, "connect", relaxed)
    engine.dispose()
    return project


def child_measure(spec: dict[str, Any]) -> dict[str, Any]:
    """One round of one side: qualcode FULL wall, NORMAL CPU; raw the same."""
    plan = json.loads((Path(spec["corpus"]) / "plan.json").read_text(encoding="utf-8"))
    apps = applications(plan["codings"])
    if spec.get("limit"):
        apps = apps[: spec["limit"]]
    out: dict[str, Any] = {"applications": len(apps)}
    pidfile = spec.get("pidfile")
    for mode, location in (("full", spec["full"]), ("normal", spec["normal"])):
        project = _open(location, durable=mode == "full")
        try:
            project.codebook()  # connection and caches warm, as in a running workbench
            w0, c0, s0 = time.perf_counter(), _cpu(), _server_cpu(pidfile)
            _apply_all(project, apps)
            w1, c1, s1 = time.perf_counter(), _cpu(), _server_cpu(pidfile)
            stored = _count(project)
        finally:
            project.close()
        distinct = len(set(apps))  # an identical coding is stored once
        if stored != (distinct, distinct):
            raise SystemExit(
                f"{mode}: {stored[0]} codings and {stored[1]} actions stored for "
                f"{distinct} distinct applications"
            )
        n = len(apps)
        out[mode] = {"wall": (w1 - w0) / n, "cpu": (c1 - c0) / n, "server_cpu": (s1 - s0) / n}
    # the raw transaction is cheap: more of them, for a steadier figure per transaction
    raw_n = max(len(apps), RAW_MIN)
    out["raw"] = (
        _raw_sqlite(spec["raw"], raw_n) if spec["backend"] == "sqlite" else _raw_pg(spec, raw_n)
    )
    return out


def _raw_sqlite(folder: str, n: int) -> dict[str, Any]:
    import sqlite3

    result: dict[str, Any] = {}
    for mode in ("full", "normal"):
        path = Path(folder) / f"raw-{mode}.db"
        path.unlink(missing_ok=True)
        con = sqlite3.connect(path, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute(f"PRAGMA synchronous={mode.upper()}")
        con.execute("CREATE TABLE t (pk INTEGER PRIMARY KEY, guid TEXT, n INTEGER)")
        w0, c0 = time.perf_counter(), _cpu()
        for i in range(n):
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO t (guid, n) VALUES (?, ?)", (f"g{i}", i))
            con.execute("COMMIT")
        w1, c1 = time.perf_counter(), _cpu()
        con.close()
        result[mode] = {"wall": (w1 - w0) / n, "cpu": (c1 - c0) / n, "server_cpu": 0.0}
    return result


def _raw_pg(spec: dict[str, Any], n: int) -> dict[str, Any]:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(spec["full"]).set(drivername="postgresql").render_as_string(hide_password=False)
    result: dict[str, Any] = {}
    with psycopg.connect(url) as con:
        con.execute("CREATE TABLE raw_t (pk serial PRIMARY KEY, guid text, n integer)")
        con.commit()
        for mode in ("full", "normal"):
            con.execute(f"SET synchronous_commit TO {'on' if mode == 'full' else 'off'}")
            con.commit()
            w0, c0, s0 = time.perf_counter(), _cpu(), _server_cpu(spec.get("pidfile"))
            for i in range(n):
                con.execute("INSERT INTO raw_t (guid, n) VALUES (%s, %s)", (f"g{i}", i))
                con.commit()
            w1, c1, s1 = time.perf_counter(), _cpu(), _server_cpu(spec.get("pidfile"))
            result[mode] = {
                "wall": (w1 - w0) / n,
                "cpu": (c1 - c0) / n,
                "server_cpu": (s1 - s0) / n,
            }
    return result


# ---------------------------------------------------------------------- the parent


def _run_child(python: str, action: str, spec: dict[str, Any]) -> dict[str, Any]:
    proc = subprocess.run(
        [python, str(HERE), "--child", action, json.dumps(spec)],
        capture_output=True,
        text=True,
        cwd=spec.get("cwd"),
    )
    if proc.returncode != 0:
        raise SystemExit(
            f"{python} {action} failed: {(proc.stderr or proc.stdout).strip()[-2000:]}"
        )
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


class Pg:
    """A throwaway cluster (fsync on) and a superuser connection to copy templates."""

    def __init__(self) -> None:
        sys.path.insert(0, str(ROOT))
        from tests import pgcluster

        bindir = pgcluster.find_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL server binaries not found")
        self.cluster = pgcluster.start(bindir, durable=True)
        self.pidfile = str(self.cluster.base / "data" / "postmaster.pid")
        self.admin("CREATE ROLE bench_owner LOGIN CREATEROLE CREATEDB PASSWORD 'bench'")
        self.copies = 0

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.cluster.superuser_url(), autocommit=True) as conn:
            conn.execute(sql)

    def database(self, name: str, template: str | None = None) -> str:
        like = f" TEMPLATE {template}" if template else ""
        self.admin(f"CREATE DATABASE {name} OWNER bench_owner{like}")
        return self.cluster.url(name, "bench_owner", "bench")

    def copy(self, template: str) -> str:
        self.copies += 1
        return self.database(f"{template}_r{self.copies}", template)

    def stop(self) -> None:
        self.cluster.stop()


def run(args: argparse.Namespace) -> dict[str, Any]:
    synth = _load_synth()
    work = Path(tempfile.mkdtemp(prefix="qualcode-coding-"))
    try:
        corpus = work / "corpus"
        summary = synth.write_corpus(str(corpus), args.n, args.words, 1, 30, 20, 3, False, True)
        sides = {"qualcode": sys.executable}
        if args.baseline:
            sides["baseline"] = args.baseline
        backends = ["sqlite"] + ([] if args.no_pg else ["postgresql"])
        pg: Pg | None = None
        if "postgresql" in backends:
            try:
                pg = Pg()
            except Exception as exc:  # noqa: BLE001 - the SQLite figures still count
                print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
                backends.remove("postgresql")
        try:
            templates: dict[tuple[str, str], str] = {}
            for side, python in sides.items():
                for backend in backends:
                    if backend == "sqlite":
                        target = str(work / f"{side}-template.db")
                    else:
                        assert pg is not None
                        target = pg.database(f"tpl_{side}")
                    _run_child(python, "build", {"corpus": str(corpus), "target": target})
                    templates[(side, backend)] = target if backend == "sqlite" else f"tpl_{side}"
            rounds: dict[tuple[str, str], list[dict[str, Any]]] = {k: [] for k in templates}
            for r in range(args.rounds):
                for (side, backend), template in templates.items():
                    spec: dict[str, Any] = {
                        "corpus": str(corpus),
                        "backend": backend,
                        "limit": args.limit,
                        "raw": str(work),
                    }
                    if backend == "sqlite":
                        for mode in ("full", "normal"):
                            copy = work / f"{side}-r{r}-{mode}.db"
                            shutil.copyfile(template, copy)
                            spec[mode] = str(copy)
                    else:
                        assert pg is not None
                        spec["full"], spec["normal"] = pg.copy(template), pg.copy(template)
                        spec["pidfile"] = pg.pidfile
                    rounds[(side, backend)].append(_run_child(sides[side], "measure", spec))
        finally:
            if pg is not None:
                pg.stop()
        return {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
            "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "corpus": summary,
            "rounds": args.rounds,
            "results": [
                {"side": side, "backend": backend, "rounds": runs}
                for (side, backend), runs in rounds.items()
            ],
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def per_application(runs: list[dict[str, Any]], part: str, mode: str, key: str) -> list[float]:
    """Microseconds per application (or raw transaction), one figure per round."""
    return [(r[part][mode] if part != "qualcode" else r[mode])[key] * 1e6 for r in runs]


def _cell(values: list[float]) -> str:
    med = statistics.median(values)
    return f"{med:.0f} ({min(values):.0f}-{max(values):.0f})"


def table(report: dict[str, Any]) -> str:
    """The figures as a Markdown table (microseconds per application)."""
    lines = [
        f"coding: {report['corpus']['documents']} interviews, "
        f"{report['results'][0]['rounds'][0]['applications']} code applications, "
        f"{report['rounds']} interleaved rounds; {report['machine']}; {report['date']}",
        "",
        "| side | backend | what | wall FULL us | CPU NORMAL us | server CPU us | CPU / raw CPU |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for res in report["results"]:
        runs = res["rounds"]
        for what in ("qualcode", "raw"):
            wall = per_application(runs, what, "full", "wall")
            cpu = per_application(runs, what, "normal", "cpu")
            server = per_application(runs, what, "normal", "server_cpu")
            raw_cpu = per_application(runs, "raw", "normal", "cpu")
            ratio = statistics.median(c / max(r, 1e-9) for c, r in zip(cpu, raw_cpu, strict=True))
            lines.append(
                f"| {res['side']} | {res['backend']} | "
                f"{'apply_coding' if what == 'qualcode' else 'raw one-row txn'} | {_cell(wall)} | "
                f"{_cell(cpu)} | {_cell(server) if res['backend'] != 'sqlite' else '-'} | "
                f"{ratio:.1f}x |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=100, help="interviews (default 100)")
    p.add_argument("--words", type=int, default=3000, help="words per interview")
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    p.add_argument("--limit", type=int, default=0, help="only the first N applications")
    p.add_argument("--quick", action="store_true", help="5 interviews, 1 round, no PostgreSQL")
    p.add_argument("--baseline", metavar="PYTHON", help="another checkout's Python, measured too")
    p.add_argument("--no-pg", action="store_true", help="leave PostgreSQL out")
    p.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    p.add_argument("--child", nargs=2, metavar=("ACTION", "SPEC"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        action, spec = args.child[0], json.loads(args.child[1])
        result = child_build(spec) if action == "build" else child_measure(spec)
        print(json.dumps(result))
        return 0
    if args.quick:
        args.n, args.words, args.rounds, args.no_pg = 5, 600, 1, True
    if args.n < 1 or args.rounds < 1:
        p.error("--n and --rounds must be at least 1")
    report = run(args)
    print(json.dumps(report, indent=1) if args.json else table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
