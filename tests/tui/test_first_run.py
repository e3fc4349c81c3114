"""The first run: ``qualcode`` in a folder without a project makes one."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList, SelectionList, Static

from qualcode import services
from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.first_run import DEMO, FirstRunScreen
from tests.conftest import demo_files
from tests.tui.waits import wait_for

BAD_CODEBOOK = """\
version: 1
codes:
  - id: procedure
    label: Procedure
  - id: procedure
    label: Again
"""


@pytest.fixture
def fieldwork(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A researcher's folder: two interviews in a sub-folder and a README."""
    folder = tmp_path / "fieldwork"
    (folder / "interviews").mkdir(parents=True)
    for src in demo_files()[:2]:
        shutil.copyfile(src, folder / "interviews" / src.name)
    (folder / "README.md").write_text("# Notes on the fieldwork\n", encoding="utf-8")
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "skip.txt").write_text("Not a transcript.\n", encoding="utf-8")
    monkeypatch.chdir(folder)
    return folder


def make(folder: Path) -> QualcodeApp:
    return QualcodeApp(None, location=str(folder / "qualcode.db"), coder="tester")


async def test_lists_codebooks_and_transcripts_with_sensible_ticks(fieldwork: Path) -> None:
    app = make(fieldwork)
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FirstRunScreen)
        options = screen.query_one("#first-run-codebooks", OptionList)
        first = str(options.get_option_at_index(0).prompt)
        assert "Kepmenpan 63" in first and "30 codes" in first
        assert "No codebook yet" in str(
            options.get_option_at_index(options.option_count - 1).prompt
        )
        sl = screen.query_one("#first-run-transcripts", SelectionList)
        ticked = set(sl.selected)
        interviews = {str(fieldwork / "interviews" / p.name) for p in demo_files()[:2]}
        assert ticked == interviews  # README.md is offered but not ticked; the demo neither
        values = {sl.get_option_at_index(i).value for i in range(sl.option_count)}
        assert str(fieldwork / "README.md") in values and DEMO in values
        assert not any(".hidden" in str(v) for v in values)
        await pilot.press("q")


async def test_create_with_the_shipped_codebook_opens_the_coding_screen(fieldwork: Path) -> None:
    app = make(fieldwork)
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CodingScreen))
        assert app.project is not None
        assert len(app.screen_stack) == 2  # the coding screen took the first run's place
        await pilot.press("2")  # the codebook's keys work at once: code a sentence
        await pilot.pause()
        await pilot.press("q")
    project = open_project(str(fieldwork / "qualcode.db"))
    try:
        assert sorted(d.name for d in project.documents.documents()) == sorted(
            p.stem for p in demo_files()[:2]
        )
        assert len(project.codebook()) == 30
        linked = Path(project.get_setting("codebook_path"))
        # the shipped codebook is copied beside the project: edits never touch the installation
        assert linked == (fieldwork / "kepmenpan-63.yaml").resolve()
        assert linked.read_bytes() == services.default_codebook().read_bytes()
        assert [(c.code, c.coder) for c in project.codings.codings()] == [("time", "tester")]
    finally:
        project.close()


async def test_a_bad_codebook_is_one_line_and_nothing_is_written(fieldwork: Path) -> None:
    (fieldwork / "codebook.yaml").write_text(BAD_CODEBOOK, encoding="utf-8")
    before = sorted(p.name for p in fieldwork.iterdir())
    app = make(fieldwork)
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        await pilot.press("down")  # the codebook found in the folder
        assert app.screen.chosen_codebook() == fieldwork / "codebook.yaml"  # type: ignore[attr-defined]
        await pilot.press("c")
        status = app.screen.query_one("#first-run-status", Static)
        await wait_for(pilot, lambda: "error" in str(status.render()))
        text = str(status.render())
        assert "codebook.yaml:5" in text and "duplicate code id 'procedure'" in text
        assert "\n" not in text.strip()
        assert isinstance(app.screen, FirstRunScreen)
        await pilot.press("q")
    assert sorted(p.name for p in fieldwork.iterdir()) == before


async def test_no_codebook_and_the_demo_interviews_in_an_empty_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make(tmp_path)
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        sl = app.screen.query_one("#first-run-transcripts", SelectionList)
        assert list(sl.selected) == [DEMO]  # nothing found here: the demo is offered ticked
        await pilot.press("end")  # "No codebook yet"
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, CodingScreen))
        await pilot.press("q")
    project = open_project(str(tmp_path / "qualcode.db"))
    try:
        assert len(project.documents.documents()) == len(demo_files())
        assert len(project.codebook()) == 0
        assert project.get_setting("codebook_path") is None
    finally:
        project.close()


async def test_d_opens_the_demo_project(fieldwork: Path) -> None:
    app = make(fieldwork)
    async with app.run_test(size=(110, 40)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, CodingScreen))
        assert app.project is not None
        assert (
            Path(app.project.where).resolve()
            == (services.demo_location() / "qualcode.db").resolve()
        )
        await pilot.press("q")
    assert not (fieldwork / "qualcode.db").exists()


def test_snapshot_first_run(snap_compare: Any, fieldwork: Path) -> None:
    assert snap_compare(make(fieldwork), terminal_size=(110, 36))
