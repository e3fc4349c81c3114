"""Workbench speed through a real terminal: the ``qualcode`` binary in tmux.

Builds a temporary project with one long transcript (``--lines`` lines, default
20,000, in speaker turns of one or two sentences) and ``--codings`` codings
(default 5,000, overlapping and nested), then starts the real ``qualcode`` command
in that folder inside tmux on its own socket (``tmux -L NAME``, a fixed 120x40
pane, a fresh settings folder) and measures what a person sees:

- **open** (``--launches`` times, default 10): from spawning the process to the
  first line of the transcript visible in the pane (``capture-pane`` polled about
  every millisecond), the whole start-up included (Python, imports, the project,
  the first frame);
- **open CPU** (the same launches): the processor time the ``qualcode`` process
  had used when its first frame was seen (``/proc/PID/stat``), the steadier figure
  on a shared machine, where the wall time mostly measures waiting for a core;
- **ready** (the same launches): until the status line no longer says the project
  is being opened (the first frame comes from the light read path; the full
  project opens behind it), i.e. every key works at once. A checkout without
  that note is ready when it opens;
- **move**: ``j`` (next sentence) sent with ``send-keys``, until the status line
  shows the next sentence number; the next key is sent as soon as it does (no
  added waits);
- **apply**: ``1`` (the code whose key is 1, one coding committed to the project),
  until the transcript's footer counts one coding more; then ``j`` to the next
  sentence (not timed);
- **rss**: the resident memory of the ``qualcode`` process after the keys.

Each figure is the median, p95 and max over the presses (``--keys`` of each
kind). The pane is read through tmux, so a figure includes a few milliseconds of
tmux's own work (spawning ``capture-pane``): it is an upper bound on the app's.
``--baseline BIN`` measures another checkout's ``qualcode`` too (its own project
built by its own Python), interleaved launch by launch.

Run: ``.venv/bin/python bench/tui_speed.py [--lines N] [--codings N] [--keys N]
[--launches N] [--ui-lang en|id|both] [--baseline BIN] [--quick] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

POLL_S = 0.001
"""Pause between two reads of the pane."""
TIMEOUT_S = 30.0
"""Longest wait for one effect before the run fails."""
SIZE = (120, 40)

WORDS = (
    "saya datang jam delapan loketnya belum buka petugas belum datang antre lama sekali "
    "surat keterangan usaha biaya pelayanan tidak jelas ruang tunggu panas kursinya kurang "
    "pelayanan ramah cepat selesai satu hari kerja sesuai SOP berkas numpuk di meja"
).split()


def _api(project: Any, part: str, name: str) -> Any:
    """``project.PART.NAME``, or ``project.NAME`` on a checkout from before the store's
    named parts (the baseline this bench runs interleaved)."""
    holder = getattr(project, part)
    return getattr(holder, name) if hasattr(holder, name) else getattr(project, name)


def build(folder: Path, lines: int, codings: int, seed: int = 1) -> tuple[str, str]:
    """A project with one transcript of ``lines`` lines and ``codings`` codings."""
    from qualcode import services
    from qualcode.core.model import ImportedDocument, SentenceSpan, TurnSpan

    rng = random.Random(seed)
    codebook = services.default_codebook()
    project = services.init_project(str(folder / "qualcode.db"), codebook)
    parts: list[str] = []
    turns: list[TurnSpan] = []
    sentences: list[SentenceSpan] = []
    pos = 0
    for i in range(lines):
        label = "Pewawancara" if i % 2 == 0 else "Narasumber"
        head = f"{label}: "
        line_sents = []
        for _ in range(rng.randint(1, 2)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(4, 9))]
            line_sents.append(" ".join(words).capitalize() + ".")
        body = " ".join(line_sents)
        start = pos + len(head)
        turns.append(TurnSpan(start, start + len(body), label, pos, None, None))
        s = start
        for sent in line_sents:
            sentences.append(SentenceSpan(s, s + len(sent), i, sent.lower()))
            s += len(sent) + 1
        parts.append(head + body)
        pos += len(head) + len(body) + 1
    text = "\n".join(parts) + "\n"
    doc = ImportedDocument("long_interview", text, tuple(turns), source_format="txt", lang="id")
    _api(project, "documents", "add_document")(doc, sentences)
    codes = [c.id for c in project.codebook()]
    made = 0
    while made < codings:
        a = rng.randrange(len(sentences))
        b = min(a + rng.choice((0, 0, 0, 1, 2, 5)), len(sentences) - 1)
        _, new = _api(project, "codings", "apply_coding")(
            "long_interview", rng.choice(codes), sentences[a].start, sentences[b].end
        )
        made += new
    project.close()
    return str(folder / "qualcode.db"), "long_interview"


# ---------------------------------------------------------------------- the terminal


class Tmux:
    """A tmux server on its own socket, with a fixed pane size."""

    def __init__(self, name: str) -> None:
        if shutil.which("tmux") is None:
            raise SystemExit("tmux is not installed")
        self.name = name
        self.sessions = 0

    def run(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.name, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            check=False,
        ).stdout

    def spawn(self, command: list[str], cwd: Path, env: dict[str, str]) -> str:
        """Start ``command`` in a new 120x40 session; returns the session's name."""
        self.sessions += 1
        session = f"s{self.sessions}"
        exports = " ".join(f"{k}={_quote(v)}" for k, v in env.items())
        line = f"cd {_quote(str(cwd))} && exec env {exports} " + " ".join(map(_quote, command))
        self.run("new-session", "-d", "-s", session, "-x", str(SIZE[0]), "-y", str(SIZE[1]), line)
        return session

    def pane(self, session: str) -> str:
        return self.run("capture-pane", "-p", "-t", session)

    def keys(self, session: str, *keys: str) -> None:
        self.run("send-keys", "-t", session, *keys)

    def pid(self, session: str) -> int | None:
        out = self.run("display-message", "-p", "-t", session, "#{pane_pid}").strip()
        return int(out) if out.isdigit() else None

    def kill(self, session: str) -> None:
        self.run("kill-session", "-t", session)

    def stop(self) -> None:
        self.run("kill-server")


def _quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def wait_for(tmux: Tmux, session: str, seen: Any) -> tuple[float, str]:
    """Poll the pane until ``seen(text)`` is true; the time it was first true."""
    deadline = time.perf_counter() + TIMEOUT_S
    while True:
        text = tmux.pane(session)
        now = time.perf_counter()
        if seen(text):
            return now, text
        if now > deadline:
            raise SystemExit(f"timed out; the pane shows:\n{text}")
        time.sleep(POLL_S)


def rss_mb(pid: int | None) -> float:
    """Resident memory of a process (Linux), in MB."""
    if pid is None:
        return 0.0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1000
    except OSError:
        pass
    return 0.0


SENTENCE = re.compile(r"(?:sentence|kalimat) (\d+)/")
CODINGS = re.compile(r"(\d+) (?:codings|penandaan) · \d+% (?:coded|dikode)")
"""The transcript's footer (the document list's count wraps at 120 columns)."""


def _number(pattern: re.Pattern[str], text: str) -> int | None:
    found = pattern.search(text)
    return int(found.group(1)) if found else None


def first_words(db: str) -> str:
    """The first line's speaker label and first two words: on screen once the
    transcript is."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        text = str(con.execute("SELECT substr(text, 1, 200) FROM documents").fetchone()[0])
    finally:
        con.close()
    return " ".join(text.splitlines()[0].split()[:3])


OPENING = ("opening the project", "membuka proyek")
"""The status line's note while the full project opens behind the first frame."""


def ready(text: str) -> bool:
    """Whether the status line (the pane's first line) is drawn and no longer says
    the project is opening."""
    first = text.split("\n", 1)[0]
    return bool(first.strip()) and not any(note in first for note in OPENING)


def cpu_s(pid: int | None) -> float:
    """Processor time (user and system) a process has used so far (Linux), in s."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def launch(
    tmux: Tmux, command: list[str], folder: Path, env: dict[str, str], marker: str
) -> tuple[float, float, float]:
    """Seconds from spawning ``qualcode`` to the transcript's first line on screen,
    the process's processor time then, and seconds to the workbench ready (the full
    project open)."""
    t0 = time.perf_counter()
    session = tmux.spawn(command, folder, env)
    try:
        seen, _ = wait_for(tmux, session, lambda text: marker in text)
        cpu = cpu_s(tmux.pid(session))
        done, _ = wait_for(tmux, session, lambda text: marker in text and ready(text))
    finally:
        tmux.kill(session)
    return seen - t0, cpu, done - t0


def keys(
    tmux: Tmux, command: list[str], folder: Path, env: dict[str, str], marker: str, n: int
) -> dict[str, Any]:
    """Time ``n`` moves and ``n`` code applications through the terminal."""
    session = tmux.spawn(command, folder, env)
    try:
        _, text = wait_for(
            tmux,
            session,
            lambda t: (
                marker in t
                and _number(SENTENCE, t) is not None
                and bool(_number(CODINGS, t))
                and ready(t)
            ),
        )
        moves: list[float] = []
        applies: list[float] = []

        def move(text: str) -> tuple[float, str]:
            before = _number(SENTENCE, text)
            t0 = time.perf_counter()
            tmux.keys(session, "j")
            seen, text = wait_for(
                tmux, session, lambda t: (_number(SENTENCE, t) or 0) > (before or 0)
            )
            return seen - t0, text

        for _ in range(n):
            took, text = move(text)
            moves.append(took * 1000)
        for _ in range(n):
            before = _number(CODINGS, text) or 0
            t0 = time.perf_counter()
            tmux.keys(session, "1")
            seen, text = wait_for(tmux, session, lambda t, b=before: (_number(CODINGS, t) or 0) > b)
            applies.append((seen - t0) * 1000)
            _, text = move(text)
        rss = rss_mb(tmux.pid(session))
    finally:
        tmux.kill(session)
    return {"moves_ms": moves, "applies_ms": applies, "rss_mb": rss}


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank
    return {
        "median": statistics.median(ordered),
        "p95": p95,
        "max": ordered[-1],
        "min": ordered[0],
    }


# ---------------------------------------------------------------------- the run


def _build_with(python: str, folder: Path, lines: int, codings: int) -> None:
    """Build the project with ``python``'s qualcode (each side writes its own schema)."""
    proc = subprocess.run(
        [python, str(Path(__file__).resolve()), "--build-only", str(folder),
         "--lines", str(lines), "--codings", str(codings)],
        capture_output=True, text=True, env={**os.environ, "QUALCODE_CODER": "bench"},
    )  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"building with {python} failed: {proc.stderr.strip()[-1500:]}")


def _sides(args: argparse.Namespace) -> dict[str, str]:
    own = Path(sys.executable).with_name("qualcode")
    sides = {"qualcode": str(args.qualcode or own)}
    if args.baseline:
        sides["baseline"] = args.baseline
    return sides


def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    sides = _sides(args)
    folders: dict[str, Path] = {}
    build_s: dict[str, float] = {}
    for side, binary in sides.items():
        folder = work / side
        folder.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        _build_with(str(Path(binary).with_name("python")), folder, args.lines, args.codings)
        build_s[side] = time.perf_counter() - t
        folders[side] = folder
    marker = first_words(str(folders["qualcode"] / "qualcode.db"))
    config = work / "config"
    config.mkdir(exist_ok=True)
    base_env = {
        "QUALCODE_CODER": "bench",
        "XDG_CONFIG_HOME": str(config),
        "XDG_DATA_HOME": str(work / "data"),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(work)),
    }
    langs = ["en", "id"] if args.ui_lang == "both" else [args.ui_lang]
    # one row per side and language ("qualcode id"), the languages interleaved too
    runs = {
        (f"{side} {lang}" if len(langs) > 1 else side): (side, lang)
        for side in sides
        for lang in langs
    }
    # each run its own copy of its side's project: the keys code passages, and where
    # a coder left off is kept in the project
    where: dict[str, Path] = {}
    for name, (side, _lang) in runs.items():
        where[name] = folders[side]
        if len(runs) > len(sides):
            where[name] = work / "runs" / name.replace(" ", "-")
            shutil.copytree(folders[side], where[name])
    tmux = Tmux(f"qc-bench-{os.getpid()}")
    results: dict[str, dict[str, Any]] = {
        name: {"open_s": [], "open_cpu_s": [], "ready_s": []} for name in runs
    }
    try:
        tmux.run("new-session", "-d", "-s", "hold", "-x", str(SIZE[0]), "-y", str(SIZE[1]))
        for _ in range(args.launches):
            for name, (side, lang) in runs.items():
                env = {**base_env, "QUALCODE_UI_LANG": lang}
                opened, cpu, done = launch(tmux, [sides[side]], where[name], env, marker)
                results[name]["open_s"].append(opened)
                results[name]["open_cpu_s"].append(cpu)
                results[name]["ready_s"].append(done)
        for name, (side, lang) in runs.items():
            env = {**base_env, "QUALCODE_UI_LANG": lang}
            results[name].update(keys(tmux, [sides[side]], where[name], env, marker, args.keys))
    finally:
        tmux.stop()
    out: dict[str, Any] = {
        "lines": args.lines,
        "codings": args.codings,
        "ui_lang": args.ui_lang,
        "terminal": f"tmux {SIZE[0]}x{SIZE[1]}",
        "launches": args.launches,
        "keys": args.keys,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "sides": {},
    }
    for name, r in results.items():
        side = runs[name][0]
        out["sides"][name] = {
            "binary": sides[side],
            "build_s": build_s[side],
            "open_s": summary(r["open_s"]),
            "open_cpu_s": summary(r["open_cpu_s"]),
            "ready_s": summary(r["ready_s"]),
            "move_ms": summary(r["moves_ms"]),
            "apply_ms": summary(r["applies_ms"]),
            "rss_mb": r["rss_mb"],
            "raw": {
                "open_s": r["open_s"],
                "open_cpu_s": r["open_cpu_s"],
                "ready_s": r["ready_s"],
                "moves_ms": r["moves_ms"],
                "applies_ms": r["applies_ms"],
            },
        }
    return out


def report(figures: dict[str, Any]) -> str:
    lines = [
        f"{figures['lines']} lines, {figures['codings']} codings, {figures['terminal']}, "
        f"ui {figures['ui_lang']}; {figures['launches']} launches, {figures['keys']} keys "
        f"of each kind; {figures['date']}",
        "",
        "| side | open s median (min-max) | open CPU s median | ready s median (min-max) "
        "| move ms median / p95 / max | apply ms median / p95 / max | rss MB |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for side, f in figures["sides"].items():
        o, r, m, a = f["open_s"], f["ready_s"], f["move_ms"], f["apply_ms"]
        lines.append(
            f"| {side} | {o['median']:.2f} ({o['min']:.2f}-{o['max']:.2f}) | "
            f"{f['open_cpu_s']['median']:.2f} | "
            f"{r['median']:.2f} ({r['min']:.2f}-{r['max']:.2f}) | "
            f"{m['median']:.1f} / {m['p95']:.1f} / {m['max']:.1f} | "
            f"{a['median']:.1f} / {a['p95']:.1f} / {a['max']:.1f} | {f['rss_mb']:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--codings", type=int, default=5_000)
    parser.add_argument("--keys", type=int, default=60, help="key presses timed per kind")
    parser.add_argument("--launches", type=int, default=10, help="launches timed (default 10)")
    parser.add_argument(
        "--quick", action="store_true", help="2,000 lines, 500 codings, 3 launches, 10 keys"
    )
    parser.add_argument("--qualcode", metavar="BIN", help="the qualcode to run (default: this one)")
    parser.add_argument(
        "--baseline", metavar="BIN", help="another checkout's qualcode, measured too"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--ui-lang",
        choices=["en", "id", "both"],
        default="en",
        help="the interface language the workbench runs in (default en; both: each "
        "side in English and in Indonesian, interleaved launch by launch)",
    )
    parser.add_argument("--build-only", type=Path, metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build_only:
        build(args.build_only, args.lines, args.codings)
        return 0
    if args.quick:
        args.lines, args.codings, args.launches, args.keys = 2000, 500, 3, 10
    if min(args.lines, args.keys, args.launches) < 1 or args.codings < 1:
        parser.error("--lines, --codings, --keys and --launches must be at least 1")
    with tempfile.TemporaryDirectory() as tmp:
        figures = run(args, Path(tmp))
    if args.json:
        for side in figures["sides"].values():
            side.pop("raw")
        print(json.dumps(figures, indent=2))
    else:
        print(report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
