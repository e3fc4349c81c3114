"""Thematic map speed: the map screen opened (``P``) and the map written as SVG, on a
project of ``--themes`` themes (default 30), ``--codes`` codes (200) and ``--codings``
codings (10,000), with ``--relations`` relations (20) between themes and codes.

- **open**: from posting the key event on the coding screen to the first frame on which
  the map screen shows its nodes (turned into terminal escape sequences, as a real
  terminal needs), at 80x24 (one theme at a time) and 200x50 (the whole map);
- **svg**: reading the map from the project, laying it out and writing the SVG, the
  work of ``qualcode map -o map.svg`` after start-up.

The project is built by ``bench/themes_speed.py``'s builder. Run:
``.venv/bin/python bench/map_speed.py [--codes N] [--codings N] [--themes N] [--json]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.themes_speed import build


def relate(db: str, relations: int, seed: int = 2) -> None:
    """``relations`` relations between random themes and codes."""
    from qualcode.store import open_project

    rng = random.Random(seed)
    project = open_project(db)
    try:
        themes = [t.id for t in project.themes.themes()]
        codes = [c.id for c in project.codebook()]
        types = ["leads_to", "contradicts", "is_associated_with", "refines"]
        made = 0
        while made < relations:
            a = f"theme:{rng.choice(themes)}" if made % 2 else f"code:{rng.choice(codes)}"
            b = f"theme:{rng.choice(themes)}"
            if a == b:
                continue
            project.themes.add_relation(a, b, types[made % len(types)])
            made += 1
    finally:
        project.close()


def svg_times(db: str, runs: int) -> tuple[list[float], int, int]:
    """Milliseconds to read, lay out and render the map as SVG; the nodes and the SVG's
    size of the last run."""
    from qualcode.core.thematic_map import layout
    from qualcode.services.thematic_map import map_state, render_map
    from qualcode.store import open_project

    project = open_project(db)
    out: list[float] = []
    nodes = size = 0
    try:
        for _ in range(runs):
            t = time.perf_counter()
            laid = layout(map_state(project).data)
            svg = render_map(laid, "svg")
            out.append((time.perf_counter() - t) * 1000)
            nodes, size = len(laid.placed), len(svg)
    finally:
        project.close()
    return out, nodes, size


async def open_times(db: str, runs: int, size: tuple[int, int]) -> list[float]:
    """Milliseconds from ``P`` to the map screen drawn."""
    from textual import events

    from qualcode.settings import Settings
    from qualcode.store import open_project
    from qualcode.tui.app import QualcodeApp
    from qualcode.tui.screens.coding import CodingScreen
    from qualcode.tui.screens.thematic_map import MapScreen

    frame = asyncio.Event()
    app = QualcodeApp(open_project(db), location=db, settings=Settings())
    original = app._display
    waiting = [False]

    def drawn() -> bool:
        screen = app.screen
        return isinstance(screen, MapScreen) and screen.is_mounted and bool(screen.spots)

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is not None and waiting[0]:
            if hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)
            if drawn():
                frame.set()

    app._display = display  # type: ignore[method-assign]
    out: list[float] = []

    def on_coding() -> bool:
        now: Any = app.screen
        return isinstance(now, CodingScreen)

    async with app.run_test(size=size) as pilot:
        while not isinstance(app.screen, CodingScreen):
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        for _ in range(runs):
            await pilot.pause(0.08)
            frame.clear()
            waiting[0] = True
            start = time.perf_counter()
            app.post_message(events.Key("P", "P"))
            await asyncio.wait_for(frame.wait(), 20)
            out.append((time.perf_counter() - start) * 1000)
            waiting[0] = False
            await pilot.press("escape")
            while not on_coding():
                await pilot.pause(0.05)
    if app.project is not None:
        app.project.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=200)
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--codings", type=int, default=10_000)
    parser.add_argument("--themes", type=int, default=30)
    parser.add_argument("--relations", type=int, default=20)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("QUALCODE_CODER", "bench")
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        db = build(Path(tmp), args.codes, args.documents, args.codings, args.themes)
        relate(db, args.relations)
        build_s = time.perf_counter() - t
        svg, nodes, svg_bytes = svg_times(db, args.runs)
        narrow = asyncio.run(open_times(db, args.runs, (80, 24)))
        wide = asyncio.run(open_times(db, args.runs, (200, 50)))
    figures = {
        "codes": args.codes,
        "documents": args.documents,
        "codings": args.codings,
        "themes": args.themes,
        "relations": args.relations,
        "build_s": build_s,
        "nodes": nodes,
        "svg_bytes": svg_bytes,
        "svg_ms_median": statistics.median(svg),
        "open_80x24_ms_median": statistics.median(narrow),
        "open_80x24_ms_max": max(narrow),
        "open_200x50_ms_median": statistics.median(wide),
        "open_200x50_ms_max": max(wide),
        "runs": args.runs,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(
            f"{args.themes} themes, {args.codes} codes, {args.codings} codings, "
            f"{args.relations} relations ({nodes} nodes on the map)\n"
            f"P to the map drawn at 80x24:  median {figures['open_80x24_ms_median']:.0f} ms, "
            f"max {figures['open_80x24_ms_max']:.0f} ms ({args.runs} runs)\n"
            f"P to the map drawn at 200x50: median {figures['open_200x50_ms_median']:.0f} ms, "
            f"max {figures['open_200x50_ms_max']:.0f} ms\n"
            f"read, lay out, render SVG:    median {figures['svg_ms_median']:.0f} ms "
            f"({svg_bytes} bytes)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
