"""The case-info modal: the open document's case and attributes."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.case_info import CaseInfoModal
from qualcode.tui.screens.coding import CodingScreen

FIRST_DOC = "interview_07_ngo_observer"


def _screen_text(app: QualcodeApp) -> str:
    """The characters on the screen (from the SVG screenshot), spaces normalized."""
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


async def test_a_shows_the_case_and_its_attributes(
    make_app: Callable[[], QualcodeApp], demo_dir: Path
) -> None:
    project = open_project(str(demo_dir))
    project.cases.link_case("P07", FIRST_DOC)
    project.cases.set_attributes({"P07": {"occupation": "observer", "kelurahan": "Sukamaju"}})
    project.close()
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, CaseInfoModal)
        text = _screen_text(app)
        for word in ("P07", "occupation", "observer", "kelurahan", "Sukamaju"):
            assert word in text, word
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)


async def test_a_document_without_a_case_says_how_to_make_one(
    make_app: Callable[[], QualcodeApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, CaseInfoModal)
        assert "belongs to no case" in _screen_text(app)
