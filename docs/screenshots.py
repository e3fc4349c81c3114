"""Write the README's screenshots (SVG) into docs/, one per screen.

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

SHOTS: list[tuple[str, tuple[int, int], list[str]]] = [
    ("coding-screen", (120, 35), ["j", "1", "J", "2", "J", "3", "w", "4", "W", "5", "j", "j"]),
    ("coding-80x24", (80, 24), ["j", "1", "J", "2", "J", "3", "w", "4", "W", "5"]),
    ("picker", (120, 35), ["c", *"antre"]),
    ("search", (120, 35), ["slash", *"antre", "enter", "@wait", "space", "down", "space"]),
    ("retrieval", (120, 35), ["2", "j", "j", "2", "R", *"Waktu penyelesaian", "enter"]),
    ("help", (120, 35), ["question_mark"]),
    ("memo", (100, 30), ["2", "m", *"Waited two hours."]),
]


async def shoot(db: str, name: str, size: tuple[int, int], keys: list[str]) -> None:
    from qualcode.settings import Settings
    from qualcode.store import open_project
    from qualcode.tui.app import QualcodeApp

    app = QualcodeApp(open_project(db), location=db, settings=Settings())
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in keys:
            if key == "@wait":
                await app.workers.wait_for_complete()
                await pilot.pause()
            else:
                await pilot.press(key)
        await pilot.pause(0.3)
        (DOCS / f"{name}.svg").write_text(app.export_screenshot(title="qualcode"), encoding="utf-8")
    if app.project is not None:
        app.project.close()


def main() -> int:
    import shutil

    os.environ.update(QUALCODE_CODER="researcher", QUALCODE_FAKE_NOW="2026-01-15T09:30:00Z")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["QUALCODE_DATA_DIR"] = tmp
        os.environ["QUALCODE_CONFIG_DIR"] = tmp
        from qualcode import services

        db = services.build_demo()
        pristine = Path(tmp) / "pristine.db"
        shutil.copyfile(db, pristine)
        for name, size, keys in SHOTS:
            shutil.copyfile(pristine, db)
            asyncio.run(shoot(str(db), name, size, keys))
            print(f"wrote docs/{name}.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
