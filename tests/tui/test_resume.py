"""Reopening a project returns each coder to the document, scroll position,
selection and filter they left; the state lives in the project, per coder."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from qualcode.settings import Settings
from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.widgets.transcript_view import TranscriptView

THIRD_DOC = "wawancara_01_pedagang_pasar"


def app_for(folder: Path, coder: str) -> QualcodeApp:
    return QualcodeApp(
        open_project(str(folder), coder=coder), location=str(folder), settings=Settings()
    )


async def test_reopening_returns_to_the_document_place_and_filter(
    demo_dir: Path, tmp_path: Path
) -> None:
    app = app_for(demo_dir, "ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("o", *"pedagang", "enter")  # the switcher
        await pilot.pause()
        await pilot.press(*"j" * 40, "J")
        await pilot.press("f", *"antrean", "enter")  # filter: a code
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen) and screen.current_doc == THIRD_DOC
        view = screen.query_one(TranscriptView)
        assert view.selection is not None
        left = (view.selection.start, view.selection.end)
        top = view.top_offset()
        assert top > 0 and screen.filter_code == "time.long_wait"
    # someone else opens it meanwhile: their own place, not ana's
    other = app_for(demo_dir, "budi")
    async with other.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = other.screen
        assert isinstance(screen, CodingScreen)
        assert screen.current_doc == "interview_07_ngo_observer"
        assert screen.filter_code is None
    # the project goes to another machine (another folder), ana opens it there
    moved = tmp_path / "elsewhere"
    shutil.copytree(demo_dir, moved)
    again = app_for(moved, "ana")
    async with again.run_test(size=(120, 40)) as pilot:  # another terminal size too
        await pilot.pause()
        await pilot.pause()
        screen = again.screen
        assert isinstance(screen, CodingScreen)
        assert screen.current_doc == THIRD_DOC
        assert screen.filter_code == "time.long_wait"
        view = screen.query_one(TranscriptView)
        assert view.selection is not None
        assert (view.selection.start, view.selection.end) == left
        # the same text at the top, whatever the width
        first_shown = view.top_offset()
        assert view.line_of(first_shown) == view.line_of(top)
        assert "filter: Antrean dan waktu tunggu lama" in str(screen.query_one("#status").render())


async def test_switching_documents_returns_to_each_ones_place(
    make_app: Callable[..., QualcodeApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "j")
        view = app.screen.query_one(TranscriptView)
        assert view.selection is not None
        here = (view.selection.start, view.selection.end)
        await pilot.press("o", *"petani", "enter")
        await pilot.pause()
        await pilot.press("o", *"ngo", "enter")
        await pilot.pause()
        assert (view.selection.start, view.selection.end) == here
