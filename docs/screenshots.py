"""Write the documentation's screenshots (SVG) into docs/, one per screen.

Run: ``.venv/bin/python docs/screenshots.py`` (builds the demo project in a temporary
folder with a fixed clock and coder, so the pictures are reproducible).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent

RICH = "@rich"
"""Shots marked with it run on the demo with the gold codings (coder ``gold``), the
rules' suggestions, and the time and cost suggestions accepted by ``researcher``."""

SHOTS: list[tuple[str, tuple[int, int], list[str]]] = [
    ("first-run", (110, 36), []),
    ("coding-screen", (120, 35), ["j", "1", "J", "2", "J", "3", "w", "4", "W", "5", "j", "j"]),
    ("coding-80x24", (80, 24), ["j", "1", "J", "2", "J", "3", "w", "4", "W", "5"]),
    ("picker", (120, 35), ["c", *"antre"]),
    ("search", (120, 35), ["slash", *"antre", "enter", "@wait", "space", "down", "space"]),
    ("retrieval", (120, 35), ["2", "j", "j", "2", "R", *"Waktu penyelesaian", "enter"]),
    ("help", (120, 35), ["question_mark"]),
    ("memo", (100, 30), ["2", "m", *"Waited two hours."]),
    ("case-info", (110, 32), ["a"]),
    ("review", (120, 35), [RICH, "V", "down", "down", "right", "enter", "@wait"]),
    ("suggestions", (120, 35), [RICH, "S", "j", "j"]),
    ("text-analysis", (120, 35), [RICH, "T", "@wait"]),
    ("kwic", (120, 35), [RICH, "T", "k", *"tunggu", "enter", "@wait"]),
    ("adjudicate", (120, 35), [RICH, "A", "@wait", "j"]),
    ("import", (110, 30), ["ctrl+o", *"interviews/*.txt"]),
]


async def shoot(db: str | None, name: str, size: tuple[int, int], keys: list[str]) -> None:
    from qualcode.settings import Settings
    from qualcode.store import open_project
    from qualcode.tui.app import QualcodeApp

    if db is None:  # the first run, in a folder without a project
        app = QualcodeApp(None, location=str(Path.cwd() / "qualcode.db"), settings=Settings())
    else:
        app = QualcodeApp(open_project(db), location=db, settings=Settings())
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in keys:
            if key == RICH:
                continue
            if key == "@wait":
                await app.workers.wait_for_complete()
                await pilot.pause()
            else:
                await pilot.press(key)
        await pilot.pause(0.3)
        (DOCS / f"{name}.svg").write_text(app.export_screenshot(title="qualcode"), encoding="utf-8")
    if app.project is not None:
        app.project.close()


def enrich(db: Path) -> None:
    """Codings by two coders and pending suggestions, for the team and review shots."""
    from qualcode import services
    from qualcode.store import open_project

    project = open_project(str(db), coder="researcher")
    try:
        services.import_codings(
            project, services.resource_dir("transcripts") / "gold" / "codings.yaml"
        )
        services.autocode(project)
        for code in ("time", "cost"):
            services.accept_all(project, code, coder="researcher", include_children=True)
    finally:
        project.close()


def main() -> int:
    import shutil

    os.environ.update(QUALCODE_CODER="researcher", QUALCODE_FAKE_NOW="2026-01-15T09:30:00Z")
    only = set(sys.argv[1:])
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["QUALCODE_DATA_DIR"] = tmp
        os.environ["QUALCODE_CONFIG_DIR"] = tmp
        from qualcode import services

        db = services.build_demo()
        pristine = Path(tmp) / "pristine.db"
        rich = Path(tmp) / "rich.db"
        shutil.copyfile(db, pristine)
        shutil.copyfile(db, rich)
        enrich(rich)
        # the folder a researcher starts in: two interviews and a README
        fieldwork = Path(tmp) / "fieldwork"
        (fieldwork / "interviews").mkdir(parents=True)
        for src in sorted(services.resource_dir("transcripts").glob("wawancara_0[12]*.txt")):
            shutil.copyfile(src, fieldwork / "interviews" / src.name)
        (fieldwork / "README.md").write_text("# Fieldwork notes\n", encoding="utf-8")
        home = Path.cwd()
        for name, size, keys in SHOTS:
            if only and name not in only:
                continue
            os.chdir(fieldwork)
            try:
                if name == "first-run":
                    asyncio.run(shoot(None, name, size, keys))
                else:
                    shutil.copyfile(rich if RICH in keys else pristine, db)
                    asyncio.run(shoot(str(db), name, size, keys))
            finally:
                os.chdir(home)
            print(f"wrote docs/{name}.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
