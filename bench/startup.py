"""How long the light commands take, whole process: from spawning ``qualcode`` to
its exit, on the demo project.

    python bench/startup.py [--runs 10] [--quick] [--baseline BIN] [--json]

Each side (this tree's ``qualcode``, and with ``--baseline`` another checkout's)
builds its own demo project once (``qualcode demo --no-open`` in a temporary data
folder, untimed), then every command runs ``--runs`` times, the sides and commands
interleaved run by run, each a fresh process (Python's start, the imports, opening
the project, the query, the printing):

``--help``, ``documents``, ``codings``, ``codebook show``, ``code DOC CODE
--sentence N`` (a new coding each run: one transaction), ``memo show --doc DOC``,
``memo set --doc DOC TEXT`` (a new text each run: one transaction), ``memos``.
A command a side does not have is reported as missing; a run that fails (non-zero
exit other than ``memo show``'s "no memo") stops the benchmark.

The table gives the median and range in seconds. On a shared machine only the
ratio between the sides in one run means much.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DOC = "wawancara_01_pedagang_pasar"
CODE = "time.long_wait"
COMMANDS: dict[str, list[str]] = {
    "--help": ["--help"],
    "documents": ["documents"],
    "codings": ["codings"],
    "codebook show": ["codebook", "show"],
    "code": ["code", DOC, CODE, "--sentence", "{n}"],
    "memo show": ["memo", "show", "--doc", DOC],
    "memo set": ["memo", "set", "--doc", DOC, "note {n}"],
    "memos": ["memos"],
}
NO_MEMO = 1
"""``memo show`` exits 1 when there is no memo on the target: an answer, not a failure."""


def _env(data: Path) -> dict[str, str]:
    return {
        **os.environ,
        "XDG_DATA_HOME": str(data),
        "XDG_CONFIG_HOME": str(data / "config"),
        "QUALCODE_CODER": "bench",
        "QUALCODE_UI_LANG": "en",
    }


def build_demo(binary: str, data: Path) -> Path:
    """The side's demo project (built by its own ``qualcode demo --no-open``)."""
    proc = subprocess.run(
        [binary, "demo", "--no-open"], capture_output=True, text=True, env=_env(data)
    )
    if proc.returncode != 0:
        raise SystemExit(f"{binary} demo failed: {proc.stderr.strip()[-1500:]}")
    return Path(proc.stdout.strip().splitlines()[-1])


def has_command(binary: str, name: str, env: dict[str, str]) -> bool:
    first = COMMANDS[name][0]
    if first.startswith("-"):
        return True
    proc = subprocess.run([binary, first, "--help"], capture_output=True, text=True, env=env)
    return proc.returncode == 0


def time_once(binary: str, project: Path, args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [binary, "--project", str(project), *args], capture_output=True, text=True, env=env
    )
    took = time.perf_counter() - t0
    if proc.returncode != 0 and not (args[0] == "memo" and proc.returncode == NO_MEMO):
        raise SystemExit(f"{binary} {' '.join(args)} failed: {proc.stderr.strip()[-800:]}")
    return took


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    sides = {"qualcode": str(args.qualcode or Path(sys.executable).with_name("qualcode"))}
    if args.baseline:
        sides["baseline"] = args.baseline
    projects: dict[str, Path] = {}
    envs: dict[str, dict[str, str]] = {}
    present: dict[str, list[str]] = {}
    for side, binary in sides.items():
        data = work / side
        envs[side] = _env(data)
        projects[side] = build_demo(binary, data)
        present[side] = [c for c in COMMANDS if has_command(binary, c, envs[side])]
    times: dict[str, dict[str, list[float]]] = {s: {c: [] for c in present[s]} for s in sides}
    for n in range(args.runs):
        for name, argv in COMMANDS.items():
            for side, binary in sides.items():
                if name not in present[side]:
                    continue
                filled = [a.format(n=n + 1) for a in argv]
                times[side][name].append(time_once(binary, projects[side], filled, envs[side]))
    return {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "runs": args.runs,
        "sides": {
            side: {
                "binary": sides[side],
                "commands": {
                    name: {
                        "median_s": statistics.median(v),
                        "min_s": min(v),
                        "max_s": max(v),
                    }
                    for name, v in times[side].items()
                },
                "missing": [c for c in COMMANDS if c not in present[side]],
            }
            for side in sides
        },
    }


def table(report: dict[str, Any]) -> str:
    sides = list(report["sides"])
    lines = [
        f"light commands on the demo project, whole process, {report['runs']} runs each, "
        f"interleaved; {report['machine']}; {report['date']}",
        "",
        "| command | " + " | ".join(f"{s} s median (min-max)" for s in sides) + " |",
        "| --- |" + " --- |" * len(sides),
    ]
    for name in COMMANDS:
        cells = []
        for side in sides:
            got = report["sides"][side]["commands"].get(name)
            cells.append(
                f"{got['median_s']:.3f} ({got['min_s']:.3f}-{got['max_s']:.3f})"
                if got
                else "missing"
            )
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=10, help="runs of each command (default 10)")
    p.add_argument("--quick", action="store_true", help="3 runs")
    p.add_argument("--qualcode", metavar="BIN", help="the qualcode to run (default: this one)")
    p.add_argument("--baseline", metavar="BIN", help="another checkout's qualcode, measured too")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = p.parse_args(argv)
    if args.quick:
        args.runs = 3
    if args.runs < 1:
        p.error("--runs must be at least 1")
    with tempfile.TemporaryDirectory() as tmp:
        report = run(args, Path(tmp))
    print(json.dumps(report, indent=1) if args.json else table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
