"""Workbench speed, measured inside the app (not through Pilot's waits).

Builds a temporary project with one long transcript (``--lines`` lines, default
20,000, in speaker turns of two or three sentences) and ``--codings`` codings
(default 5,000, overlapping and nested; one to two sentences of four to nine words
per line, about 70 characters), opens the workbench headless, and measures:

- **open**: from constructing the app to the first frame that shows the document;
- **move**: from posting a key event (``j``, next sentence) to the next frame the
  compositor renders (the frame is also turned into terminal escape sequences, as a
  real terminal would need);
- **apply**: the same for a code key (``1``: one coding committed to the database);
- **memory**: the process's resident memory while paging from the top to the end.

Run: ``.venv/bin/python bench/tui_speed.py [--lines N] [--codings N] [--ui-lang id] [--json]``.
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

WORDS = (
    "saya datang jam delapan loketnya belum buka petugas belum datang antre lama sekali "
    "surat keterangan usaha biaya pelayanan tidak jelas ruang tunggu panas kursinya kurang "
    "pelayanan ramah cepat selesai satu hari kerja sesuai SOP berkas numpuk di meja"
).split()


def rss_mb() -> float:
    """Current resident memory of this process (Linux), in MB."""
    with open("/proc/self/statm", encoding="ascii") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


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
    project.documents.add_document(doc, sentences)
    codes = [c.id for c in project.codebook()]
    made = 0
    while made < codings:
        a = rng.randrange(len(sentences))
        b = min(a + rng.choice((0, 0, 0, 1, 2, 5)), len(sentences) - 1)
        _, new = project.codings.apply_coding(
            "long_interview", rng.choice(codes), sentences[a].start, sentences[b].end
        )
        made += new
    project.close()
    return str(folder / "qualcode.db"), "long_interview"


async def measure(db: str, doc: str, keys: int) -> dict[str, Any]:
    """Open the workbench on ``db`` and time keys to frames."""
    from textual import events

    from qualcode.settings import Settings
    from qualcode.store import open_project
    from qualcode.tui.app import QualcodeApp
    from qualcode.tui.screens.coding import CodingScreen
    from qualcode.tui.widgets.transcript_view import TranscriptView

    frame = asyncio.Event()
    frames: list[float] = []
    ready: list[Any] = [lambda: True]
    """The frame counts only once the key's effect is on it."""
    t0 = time.perf_counter()
    app = QualcodeApp(open_project(db), location=db, settings=Settings())
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is not None:
            # what a terminal would be sent: turn the update into escape sequences
            if hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)
            frames.append(time.perf_counter())
            if ready[0]():
                frame.set()

    app._display = display  # type: ignore[method-assign]
    result: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        # the first frame that shows the document
        while True:
            await frame.wait()
            frame.clear()
            screen = app.screen
            if isinstance(screen, CodingScreen) and screen.query_one(TranscriptView).document:
                break
        result["open_s"] = frames[-1] - t0
        view = app.screen.query_one(TranscriptView)
        result["document_chars"] = len(view.document.text) if view.document else 0
        result["visual_lines"] = len(view._lines)
        result["codings_shown"] = len(view.index)
        await pilot.pause(0.2)

        def moved() -> Any:
            before = view.selection.start if view.selection else None
            return lambda: (view.selection.start if view.selection else None) != before

        def coded() -> Any:
            before = len(view.index)
            return lambda: len(view.index) != before

        async def timed(key: str, char: str, effect: Any) -> float:
            # let every earlier frame (a deferred pane update) pass first
            await pilot.pause(0.08)
            ready[0] = effect()
            frame.clear()
            start = time.perf_counter()
            app.post_message(events.Key(key, char))
            await asyncio.wait_for(frame.wait(), 5)
            ready[0] = lambda: True
            return (time.perf_counter() - start) * 1000

        moves = [await timed("j", "j", moved) for _ in range(keys)]
        applies: list[float] = []
        for _ in range(keys):
            applies.append(await timed("1", "1", coded))
            await timed("j", "j", moved)
        result["move_ms_median"] = statistics.median(moves)
        result["move_ms_p90"] = statistics.quantiles(moves, n=10)[-1]
        result["apply_ms_median"] = statistics.median(applies)
        result["apply_ms_p90"] = statistics.quantiles(applies, n=10)[-1]
        app.clear_notifications()
        await pilot.pause(0.2)
        # memory while paging from the top to the end
        await timed("g", "g", lambda: lambda: True)
        samples = [rss_mb()]
        pages = 0
        last_sentence = view.document.sentences[-1].start if view.document else 0
        while view.selection is not None and view.selection.start < last_sentence:
            frame.clear()
            app.post_message(events.Key("pagedown", ""))
            await pilot.pause()
            pages += 1
            if pages % 100 == 0:
                samples.append(rss_mb())
        samples.append(rss_mb())
        result["pages"] = pages
        result["rss_mb_start"] = samples[0]
        result["rss_mb_end"] = samples[-1]
        result["rss_mb_max"] = max(samples)
        result["rss_mb_growth"] = samples[-1] - samples[0]
    if app.project is not None:
        app.project.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--codings", type=int, default=5_000)
    parser.add_argument("--keys", type=int, default=60, help="key presses timed per kind")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="build the project in DIR once and reuse it on later runs (same sizes)",
    )
    parser.add_argument(
        "--ui-lang",
        choices=["en", "id"],
        default="en",
        help="the interface language the workbench runs in (default en)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("QUALCODE_CODER", "bench")
    try:
        from qualcode.i18n import set_language

        set_language(args.ui_lang)
    except ImportError:  # a qualcode from before the translations: English only
        pass
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        marker = folder / f"built-{args.lines}-{args.codings}.txt"
        if args.keep and marker.exists():
            db, doc = str(folder / "qualcode.db"), marker.read_text(encoding="utf-8")
        else:
            for old in folder.glob("qualcode.db*"):
                old.unlink()
            db, doc = build(folder, args.lines, args.codings)
            marker.write_text(doc, encoding="utf-8")
        build_s = time.perf_counter() - t
        if args.keep:  # measure on a copy: the run applies codes
            import shutil

            shutil.copyfile(db, Path(tmp) / "qualcode.db")
            db = str(Path(tmp) / "qualcode.db")
        figures = asyncio.run(measure(db, doc, args.keys))
    figures = {
        "lines": args.lines,
        "codings": args.codings,
        "ui_lang": args.ui_lang,
        "build_s": build_s,
        **figures,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(
            f"{args.lines} lines, {args.codings} codings "
            f"({figures['document_chars']} characters, {figures['visual_lines']} visual lines)\n"
            f"open to first frame:  {figures['open_s']:.2f} s\n"
            f"move (j) to frame:    median {figures['move_ms_median']:.1f} ms, "
            f"p90 {figures['move_ms_p90']:.1f} ms\n"
            f"apply code to frame:  median {figures['apply_ms_median']:.1f} ms, "
            f"p90 {figures['apply_ms_p90']:.1f} ms\n"
            f"memory paging {figures['pages']} pages top to end: "
            f"{figures['rss_mb_start']:.0f} -> {figures['rss_mb_end']:.0f} MB "
            f"(max {figures['rss_mb_max']:.0f} MB)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
