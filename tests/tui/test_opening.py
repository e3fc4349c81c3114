"""The workbench's first frame from the light read path (qualcode.tui.opening)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, cast

import pytest

from qualcode.errors import ProjectError
from qualcode.settings import Settings
from qualcode.store import Project, open_project
from qualcode.store.lite import open_lite
from qualcode.tui.app import QualcodeApp
from qualcode.tui.opening import OpeningProject
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.widgets.transcript_view import TranscriptView
from tests.tui.waits import wait_for

DOC = "wawancara_01_pedagang_pasar"


def opening(folder: Path, opened: list[Project], *, fail: bool = False) -> OpeningProject:
    lite = open_lite(str(folder))
    assert lite is not None

    def full() -> Project:
        if fail:
            raise ProjectError("the project is locked by another program")
        project = open_project(str(folder), coder="ana")
        opened.append(project)
        return project

    return OpeningProject(lite, full, coder="ana", where=str(folder), path=str(folder / "x"))


async def test_first_frame_from_the_light_path_then_the_full_project(demo_dir: Path) -> None:
    opened: list[Project] = []
    early = opening(demo_dir, opened)
    handed = cast(Project, early)  # as run() hands it over
    app = QualcodeApp(handed, location=str(demo_dir), settings=Settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        view = screen.query_one(TranscriptView)
        assert view.document is not None and screen.current_doc == view.document.name
        # the full project opens in a thread once the first frame is drawn: once
        await wait_for(pilot, lambda: app.project is not handed, "the full project")
        await pilot.pause()
        assert len(opened) == 1 and app.project is opened[0] and early.opened
        assert screen.project is handed  # it hands every call to the full project
        assert "opening the project" not in str(screen.query_one("#status").render())
        before = len(opened[0].codings.codings(doc=screen.current_doc))
        await pilot.press("1")  # a code key: one coding, through the full project
        await pilot.pause()
        assert len(opened[0].codings.codings(doc=screen.current_doc)) == before + 1
        assert opened[0].window is not None  # this window's undo history
    early.close()


def test_a_write_before_the_full_project_waits_for_it(demo_dir: Path) -> None:
    opened: list[Project] = []
    early = opening(demo_dir, opened)
    assert early.documents.document(DOC).name == DOC  # light: nothing opened
    assert early.workbench.workbench_state() == {}
    assert not opened and not getattr(early, "opened")  # noqa: B009 (no narrowing)
    coding, created = early.codings.apply_coding(DOC, "cost", 10, 60)
    assert created and len(opened) == 1 and early.opened
    # from now on every read is the full project's, and sees the write
    assert [c.guid for c in early.codings.codings(doc=DOC)] == [coding.guid]
    assert early.codebook() == opened[0].codebook()
    early.close()


async def test_a_project_that_cannot_open_closes_the_workbench_saying_why(
    demo_dir: Path,
) -> None:
    early = opening(demo_dir, [], fail=True)
    app = QualcodeApp(cast(Project, early), location=str(demo_dir), settings=Settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: bool(app.exit_message), "the workbench to close")
    assert app.return_code == 1
    assert app.exit_message == "error: the project is locked by another program"


async def test_quitting_while_the_project_opens_keeps_the_place_and_closes_it(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`q` before the full project is open: the workbench waits for it, keeps where
    the coder was and closes it; nothing is lost and no error is shown."""
    lite = open_lite(str(demo_dir))
    assert lite is not None
    opened: list[Project] = []
    asked, go = threading.Event(), threading.Event()

    def full() -> Project:
        asked.set()
        assert go.wait(60)  # held until the workbench is asked to close
        project = open_project(str(demo_dir), coder="ana")
        opened.append(project)
        return project

    early = OpeningProject(lite, full, coder="ana", where=str(demo_dir), path=str(demo_dir / "x"))
    app = QualcodeApp(cast(Project, early), location=str(demo_dir), settings=Settings())
    leave = QualcodeApp.exit

    def exit_now(self: QualcodeApp, *args: Any, **kw: Any) -> None:
        go.set()  # the opening goes on only now: the quit came first
        leave(self, *args, **kw)

    monkeypatch.setattr(QualcodeApp, "exit", exit_now)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, asked.is_set, "the opening thread")
        assert not early.opened
        await pilot.press("j", "j", "j")  # moving needs no project
        view = cast(CodingScreen, app.screen).query_one(TranscriptView)
        assert view.selection is not None and view.document is not None
        place = [view.selection.start, view.selection.end]
        shown = view.document.name
        await pilot.press("q")
    assert app.return_code in (0, None) and not app.exit_message
    assert len(opened) == 1
    again = open_project(str(demo_dir), coder="ana")
    try:
        state = again.workbench.workbench_state()
    finally:
        again.close()
    assert state["doc"] == shown
    assert state["places"][shown]["selection"] == place and place[0] > 0


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_first_frame_needs_no_sqlalchemy(demo_dir: Path, lang: str) -> None:
    """What the workbench imports and reads before its first frame leaves
    SQLAlchemy (and the store's tables) unloaded."""
    probe = (
        "import sys\n"
        "from qualcode.i18n import set_language\n"
        "set_language(sys.argv[2])\n"
        "import qualcode.cli, qualcode.tui.app, qualcode.tui.screens.coding\n"
        "from qualcode.store.lite import open_lite\n"
        "from qualcode.tui.opening import OpeningProject\n"
        "lite = open_lite(sys.argv[1])\n"
        "p = OpeningProject(lite, None, coder='ana', where='', path=None)\n"
        "names = p.documents.document_names()\n"
        "p.documents.document(names[0]); p.codings.codings(doc=names[0])\n"
        "p.codebook(); p.codebook_sync.code_counts(); p.memos.memos('code')\n"
        "p.memos.memos('document', names[0]); p.workbench.workbench_state()\n"
        "bad = [m for m in ('sqlalchemy', 'yaml', 'spacy') if m in sys.modules]\n"
        "print('LOADED', bad) if bad else print('LIGHT')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(demo_dir), lang],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "LIGHT"
