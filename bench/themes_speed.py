"""Themes screen speed: from the key press (``E`` on the coding screen) to the themes
screen drawn, measured inside the app as ``bench/tui_speed.py`` measures keys.

Builds a temporary project with ``--codes`` codes (default 200: top-level codes with
sub-codes under them), ``--documents`` transcripts and ``--codings`` codings (default
10,000, spread over the codes and documents), and ``--themes`` themes (default 30: a
third of them sub-themes; each with several member codes and key extracts, a few
codes in no theme), then opens the workbench headless and times, ``--runs`` times:

- **open**: from posting the key event to the first frame on which the themes screen
  shows its code list, its theme tree and the passages of the highlighted code (the
  frame is also turned into terminal escape sequences, as a real terminal needs);
- **move**: the next code highlighted (``j``) to the frame showing its passages;
- **into**: a code put into a theme (``space`` then ``t``: one action) to its frame.

The times run to the frame on which the effect shows being handed to the terminal.
Each figure also says how long the interface thread was busy (its processor time,
steadier than the clock on a shared machine) and how much of an opening was Python's
garbage collector.

``--compare DIR`` builds the project once and measures this checkout and another
(e.g. ``/work/main``; its own ``.venv`` when it has one) turn about, ``--rounds``
rounds of ``--runs`` openings each, each side in its own process: on a machine shared
with other work only such interleaved figures compare.

Run: ``.venv/bin/python bench/themes_speed.py [--codes N] [--codings N] [--themes N]
[--runs N | --quick] [--json] [--compare DIR [--rounds N]]``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

WORDS = (
    "saya datang jam delapan loketnya belum buka petugas belum datang antre lama sekali "
    "surat keterangan usaha biaya pelayanan tidak jelas ruang tunggu panas kursinya kurang "
    "pelayanan ramah cepat selesai satu hari kerja sesuai SOP berkas numpuk di meja"
).split()


def codebook_yaml(codes: int) -> str:
    """A codebook of ``codes`` codes: top-level codes with nine sub-codes each."""
    lines = ["version: 1", "name: bench", "languages: [id, en]", "codes:"]
    made = 0
    top = 0
    while made < codes:
        top += 1
        lines += [
            f"  - id: d{top}",
            f"    label: {{id: Dimensi {top} pelayanan, en: Service dimension {top}}}",
        ]
        made += 1
        children = min(9, codes - made)
        if children:
            lines.append("    children:")
        for k in range(children):
            lines += [
                f"      - id: d{top}.c{k}",
                f"        label: {{id: Temuan {top}-{k} {WORDS[(top + k) % len(WORDS)]} "
                f"{WORDS[(top * 3 + k) % len(WORDS)]}, en: Finding {top}-{k}}}",
            ]
            made += 1
    return "\n".join(lines) + "\n"


def build(
    folder: Path, codes: int, documents: int, codings: int, themes: int, seed: int = 1
) -> str:
    """The project; returns its path."""
    from qualcode import services
    from qualcode.core.model import ImportedDocument, SentenceSpan, TurnSpan
    from qualcode.store.bulk import deferred_sync

    rng = random.Random(seed)
    (folder / "bench.yaml").write_text(codebook_yaml(codes), encoding="utf-8")
    db = str(folder / "qualcode.db")
    project = services.init_project(db, folder / "bench.yaml")
    per_doc = codings // documents + 1
    spans: list[tuple[str, int, int]] = []
    with deferred_sync(project):
        for d in range(documents):
            parts: list[str] = []
            turns: list[TurnSpan] = []
            sentences: list[SentenceSpan] = []
            pos = 0
            for i in range(per_doc // 2 + 20):
                label = "Pewawancara" if i % 2 == 0 else f"Narasumber {d}"
                head = f"{label}: "
                words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
                body = " ".join(words).capitalize() + "."
                start = pos + len(head)
                role = "interviewer" if i % 2 == 0 else "participant"
                turns.append(TurnSpan(start, start + len(body), label, pos, role, None))
                sentences.append(SentenceSpan(start, start + len(body), i, body.lower()))
                parts.append(head + body)
                pos += len(head) + len(body) + 1
            name = f"wawancara_{d:02d}"
            doc = ImportedDocument(
                name, "\n".join(parts) + "\n", tuple(turns), source_format="txt", lang="id"
            )
            project.documents.add_document(doc, sentences, index=False)
            answers = [s for s in sentences if (s.turn_index or 0) % 2 == 1]
            spans += [(name, s.start, s.end) for s in answers]
        ids = [c.id for c in project.codebook()]
        rows: set[tuple[str, str, int, int, str | None]] = set()
        while len(rows) < codings:
            doc_name, start, end = rng.choice(spans)
            rows.add((doc_name, rng.choice(ids), start, end, None))
        project.suggestions.import_codings(sorted(rows), coder=project.coder)
    make_themes(project, themes, rng)
    project.close()
    return db


def make_themes(project: Any, themes: int, rng: random.Random) -> None:
    """``themes`` themes, a third of them sub-themes, each with member codes and key
    extracts; about one code in ten stays in no theme."""
    from qualcode.services import themes as svc

    ids = [c.id for c in project.codebook()]
    free = set(rng.sample(ids, len(ids) // 10))
    usable = [i for i in ids if i not in free]
    made: list[str] = []
    for n in range(themes):
        members = rng.sample(usable, min(len(usable), rng.randint(4, 10)))
        parent = made[rng.randrange(len(made))] if made and n % 3 == 2 else None
        theme = svc.new_theme(
            project, f"Tema {n} {rng.choice(WORDS)} {rng.choice(WORDS)}", members, parent=parent
        )
        made.append(theme.id)
        codings = project.codings.codings(code=members[0])[:3]
        if codings:
            project.themes.add_extracts(theme.id, [c.guid for c in codings])


async def measure(db: str, runs: int) -> dict[str, Any]:
    """Open the workbench on ``db``; time ``E`` to the themes screen drawn."""
    from textual import events

    from qualcode.settings import Settings
    from qualcode.store import open_project
    from qualcode.tui.app import QualcodeApp
    from qualcode.tui.screens.coding import CodingScreen
    from qualcode.tui.screens.themes import CodeList, PassageList, ThemesScreen, ThemeTree

    frame = asyncio.Event()
    ready: list[Any] = [lambda: True]
    painted: list[float] = [0.0]
    """When the frame that showed the effect was handed to the terminal."""
    app = QualcodeApp(open_project(db), location=db, settings=Settings())
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is not None:
            if hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)
            if not frame.is_set() and ready[0]():
                painted[0] = time.perf_counter()
                frame.set()

    app._display = display  # type: ignore[method-assign]

    def drawn() -> bool:
        screen = app.screen
        if not isinstance(screen, ThemesScreen) or not screen.is_mounted:
            return False
        codes = screen.query_one(CodeList)
        tree = screen.query_one(ThemeTree)
        passages = screen.query_one(PassageList)
        return bool(codes.option_count and tree.root.children and passages.option_count)

    collecting: list[float] = [0.0, 0.0]
    """Time in the garbage collector so far, and when the running collection began."""

    def collector(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collecting[1] = time.perf_counter()
        else:
            collecting[0] += time.perf_counter() - collecting[1]

    gc.callbacks.append(collector)
    result: dict[str, Any] = {}
    opens: list[float] = []
    opens_gc: list[float] = []
    cpu: list[float] = []
    gcs: list[float] = []
    opens_cpu: list[float] = []
    moves: list[float] = []
    intos: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while not isinstance(app.screen, CodingScreen):
            await pilot.pause(0.05)
        await pilot.pause(0.5)

        async def timed(key: str, char: str | None, effect: Any) -> float:
            await pilot.pause(0.08)
            ready[0] = effect
            frame.clear()
            start = time.perf_counter()
            on_cpu = time.thread_time()
            in_gc = collecting[0]
            app.post_message(events.Key(key, char))
            await asyncio.wait_for(frame.wait(), 10)
            ready[0] = lambda: True
            cpu.append((time.thread_time() - on_cpu) * 1000)
            gcs.append((collecting[0] - in_gc) * 1000)
            # to the frame written, not to this coroutine's next turn (the loop may run
            # other callbacks first: they come after what the researcher sees)
            return (painted[0] - start) * 1000

        def themes_screen() -> ThemesScreen:
            screen: Any = app.screen
            assert isinstance(screen, ThemesScreen)
            return screen

        def on_coding() -> bool:
            now: Any = app.screen
            return isinstance(now, CodingScreen)

        def moved(before: object) -> Any:
            return lambda: themes_screen().shown_for != before

        def acted(before: int) -> Any:
            return lambda: app.project is not None and len(app.project.log.actions()) > before

        for _ in range(runs):
            opens.append(await timed("E", "E", drawn))
            opens_cpu.append(cpu[-1])
            opens_gc.append(gcs[-1])
            screen = themes_screen()
            codes = screen.query_one(CodeList)
            result["codes_listed"] = sum(
                codes.get_option_at_index(i).id is not None for i in range(codes.option_count)
            )
            result["themes_listed"] = len(screen.themes)
            for _ in range(5):
                moves.append(await timed("j", "j", moved(screen.shown_for)))
            await pilot.press("escape")
            while not on_coding():
                await pilot.pause(0.05)
        await pilot.press("E")
        await pilot.pause(0.5)
        screen = themes_screen()
        screen.query_one(ThemeTree).cursor_line = 0
        for _ in range(min(runs, 10)):
            await pilot.press("j", "space")
            actions = len(app.project.log.actions()) if app.project is not None else 0
            intos.append(await timed("t", "t", acted(actions)))
    result["open_ms_median"] = statistics.median(opens)
    result["open_ms_max"] = max(opens)
    # the interface thread's own processor time over the same interval: on a machine
    # shared with other work it varies far less than the time on the clock (which is
    # the figure the target is about)
    result["open_cpu_ms_median"] = statistics.median(opens_cpu)
    # the part of it spent in Python's garbage collector (a full collection walks
    # every object alive)
    result["open_gc_ms_median"] = statistics.median(opens_gc)
    result["open_gc_ms_max"] = max(opens_gc)
    result["move_ms_median"] = statistics.median(moves)
    result["into_ms_median"] = statistics.median(intos) if intos else 0.0
    result["runs"] = runs
    gc.callbacks.remove(collector)
    if app.project is not None:
        app.project.close()
    return result


def _one_side(python: str, root: Path, db: str, runs: int) -> dict[str, Any]:
    """This script on ``db`` in its own process, importing qualcode from ``root``."""
    env = {**os.environ, "PYTHONPATH": str(root), "QUALCODE_CODER": "bench"}
    script = Path(__file__).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        # a copy each time: the run changes the project (codes put into themes)
        copy = shutil.copy(db, Path(tmp) / "qualcode.db")
        out = subprocess.run(
            [python, str(script), "--project", str(copy), "--runs", str(runs), "--json"],
            env=env,
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    if out.returncode:
        raise SystemExit(f"error: the run in {root} failed:\n{out.stderr[-2000:]}")
    figures: dict[str, Any] = json.loads(out.stdout)
    return figures


def compare(other: Path, db: str, rounds: int, runs: int) -> dict[str, Any]:
    """This checkout and ``other`` measured turn about on one project (A B, B A, ...):
    on a machine shared with other work only such interleaved figures compare."""
    root = Path(__file__).resolve().parent.parent
    python = other / ".venv" / "bin" / "python"
    sides = {
        "this": (sys.executable, root),
        # the other checkout's own interpreter when it has one (else this one, with
        # the other's package first on the path)
        "other": (str(python) if python.exists() else sys.executable, other),
    }
    got: dict[str, list[dict[str, Any]]] = {"this": [], "other": []}
    for i in range(rounds):
        for side in ("this", "other") if i % 2 == 0 else ("other", "this"):
            figures = _one_side(*sides[side], db, runs)
            got[side].append(figures)
            print(
                f"round {i + 1} {side:5} open median {figures['open_ms_median']:.0f} ms, "
                f"max {figures['open_ms_max']:.0f} ms, thread busy "
                f"{figures['open_cpu_ms_median']:.0f} ms, in gc "
                f"{figures['open_gc_ms_median']:.0f} ms",
                file=sys.stderr,
            )
    keys = ("open_ms_median", "open_ms_max", "open_cpu_ms_median", "open_gc_ms_median")

    def summary(side: str) -> dict[str, float]:
        return {k: statistics.median(r[k] for r in got[side]) for k in keys}

    this, base = summary("this"), summary("other")
    return {
        "rounds": rounds,
        "runs_per_round": runs,
        "this": this,
        "other": {"checkout": str(other), **base},
        "ratio": {k: round(this[k] / base[k], 2) if base[k] else None for k in keys},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=200)
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--codings", type=int, default=10_000)
    parser.add_argument("--themes", type=int, default=30)
    parser.add_argument("--runs", type=int, default=10, help="times the screen is opened")
    parser.add_argument("--quick", action="store_true", help="3 openings instead of 10")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="DIR",
        help="another checkout (e.g. /work/main) measured turn about with this one",
    )
    parser.add_argument(
        "--rounds", type=int, default=4, help="with --compare: rounds of --runs openings each"
    )
    parser.add_argument("--project", help=argparse.SUPPRESS)  # measure this project as it is
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = min(args.runs, 3)
        args.rounds = min(args.rounds, 2)
    os.environ.setdefault("QUALCODE_CODER", "bench")
    if args.project:
        print(json.dumps(asyncio.run(measure(args.project, args.runs))))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        db = build(Path(tmp), args.codes, args.documents, args.codings, args.themes)
        build_s = time.perf_counter() - t
        if args.compare is not None:
            result = compare(args.compare.resolve(), db, args.rounds, args.runs)
            print(json.dumps(result, indent=2))
            return 0
        figures = asyncio.run(measure(db, args.runs))
    figures = {
        "codes": args.codes,
        "documents": args.documents,
        "codings": args.codings,
        "themes": args.themes,
        "build_s": build_s,
        **figures,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(
            f"{args.codes} codes, {args.codings} codings in {args.documents} documents, "
            f"{args.themes} themes\n"
            f"E to the themes screen drawn: median {figures['open_ms_median']:.0f} ms, "
            f"max {figures['open_ms_max']:.0f} ms ({args.runs} runs; "
            f"interface thread busy: median {figures['open_cpu_ms_median']:.0f} ms, "
            f"of it in the garbage collector {figures['open_gc_ms_median']:.0f} ms)\n"
            f"next code with its passages:  median {figures['move_ms_median']:.1f} ms\n"
            f"code into a theme (t):        median {figures['into_ms_median']:.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
