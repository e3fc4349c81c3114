"""The thematic map in the workbench (issue 20, point 1): P from the coding screen,
the themes screen and the palette; at 80x24 one theme and its neighbours at a time
(tab for the next), the whole map on a wide screen; arrows and hjkl move between
nodes; enter opens a node's passages in the retrieval view; snapshots at four sizes;
the real binary reaches it at 80x24 in tmux."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.retrieval import RetrievalScreen
from qualcode.tui.screens.thematic_map import MapCanvas, MapScreen
from tests.tui.test_snapshots_sizes import SIZES, ids, settle
from tests.tui.test_themes_screen import code_some
from tests.tui.test_tmux import Tmux, tmux, workbench  # noqa: F401  (fixture)
from tests.tui.waits import settled, wait_for


def analyse(demo_dir: Path) -> None:
    """Codings, two themes (one with a sub-theme) and a relation between them."""
    code_some(demo_dir)
    project = open_project(str(demo_dir))
    try:
        project.themes.add_theme(
            {"id": "Prosedur berbelit", "en": "Winding procedures"},
            codes=["procedure.not_sop", "procedure.unclear_requirements"],
        )
        project.themes.add_theme(
            "Surat terlambat", parent="prosedur_berbelit", codes=["time.late_letters"]
        )
        project.themes.add_theme("Biaya", codes=["cost"])
        project.themes.add_relation("theme:biaya", "theme:prosedur_berbelit", "leads_to")
    finally:
        project.close()


@pytest.fixture
def analysed_app(demo_dir: Path, make_app: Callable[..., QualcodeApp]) -> QualcodeApp:
    analyse(demo_dir)
    return make_app()


def _map(pilot: Pilot[None]) -> MapScreen:
    screen = pilot.app.screen
    assert isinstance(screen, MapScreen)
    return screen


async def test_one_theme_at_a_time_at_80x24(analysed_app: QualcodeApp) -> None:
    async with analysed_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settled(pilot)  # the map is read in a worker
        m = _map(pilot)
        assert not m.wide
        assert m.focus_key == "theme:prosedur_berbelit"
        shown = {s.key for s in m.spots}
        assert shown == {
            "theme:prosedur_berbelit",
            "code:procedure.not_sop",
            "code:procedure.unclear_requirements",
            "theme:surat_terlambat",
            "code:time.late_letters",
            "theme:biaya",  # the neighbour, by its relation
        }
        # down the tree: the sub-theme, its code, then the theme's own codes
        await pilot.press("j")
        assert m.focus_key == "theme:surat_terlambat"
        await pilot.press("j")
        assert m.focus_key == "code:time.late_letters"
        await pilot.press("j")
        assert m.focus_key == "code:procedure.not_sop"
        await pilot.press("down")
        assert m.focus_key == "code:procedure.unclear_requirements"
        await pilot.press("k")
        assert m.focus_key == "code:procedure.not_sop"
        # tab: the next theme, alone
        await pilot.press("tab")
        assert m.focus_key == "theme:biaya"
        assert {s.key for s in m.spots} == {"theme:biaya", "code:cost", "theme:prosedur_berbelit"}
        # enter on the neighbour goes to that theme
        await pilot.press("j", "j")
        assert m.focus_key == "theme:prosedur_berbelit"
        await pilot.press("enter")
        assert m.current == 0 and isinstance(pilot.app.screen, MapScreen)
        assert "code:procedure.not_sop" in {s.key for s in m.spots}


async def test_the_map_is_read_in_a_worker_and_drawn_when_it_comes(
    analysed_app: QualcodeApp, monkeypatch: Any
) -> None:
    """Issue 18 point 5: reading the map (every theme's codes, passages, documents and
    relations) is off the interface thread; the screen shows that it draws, keys
    pressed meanwhile do nothing, and the map is drawn when it comes."""
    import threading

    from qualcode.services import thematic_map

    read = thematic_map.map_state
    threads: list[int] = []
    go = threading.Event()

    def held(*args: Any, **kw: Any) -> Any:
        threads.append(threading.get_ident())
        go.wait(30)
        return read(*args, **kw)

    monkeypatch.setattr(thematic_map, "map_state", held)
    async with analysed_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await wait_for(pilot, lambda: bool(threads), "the worker to read the map")
        m = _map(pilot)
        assert m.data is None and not m.spots
        assert "drawing the map" in str(m.query_one("#map-title", Static).content)
        await pilot.press("j", "tab", "enter")  # nothing to act on yet: nothing breaks
        assert isinstance(pilot.app.screen, MapScreen)
        go.set()
        await settled(pilot)
        assert threads and threading.get_ident() not in threads
        m = _map(pilot)
        assert m.data is not None and m.focus_key == "theme:prosedur_berbelit"
        assert "theme:biaya" in {s.key for s in m.spots}


async def test_enter_opens_the_passages_of_a_code_and_of_a_theme(
    analysed_app: QualcodeApp,
) -> None:
    async with analysed_app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settled(pilot)  # the map is read in a worker
        await pilot.press("enter")  # the theme: its codes' and sub-theme's passages
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, RetrievalScreen)
        assert screen.codes == (
            "procedure.not_sop",
            "procedure.unclear_requirements",
            "time.late_letters",
        )
        assert len(screen._passages) == 24
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("j", "j", "j", "enter")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, RetrievalScreen)
        assert screen.code_id == "procedure.not_sop" and screen.codes is None
        assert len(screen._passages) == 8  # one per document
        # enter on a passage goes to it in the coding screen
        await pilot.press("enter")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "CodingScreen"


async def test_the_whole_map_on_a_wide_screen_and_hjkl(analysed_app: QualcodeApp) -> None:
    async with analysed_app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settled(pilot)  # the map is read in a worker
        m = _map(pilot)
        assert m.wide
        keys = {s.key for s in m.spots}
        assert {"theme:prosedur_berbelit", "theme:biaya", "code:cost"} <= keys
        await pilot.press("l")  # the panel to the right
        assert m.focus_key == "theme:biaya"
        await pilot.press("h")
        assert m.focus_key == "theme:prosedur_berbelit"
        await pilot.press("tab")
        assert m.focus_key == "theme:biaya"


async def test_from_the_themes_screen_and_the_palette(analysed_app: QualcodeApp) -> None:
    async with analysed_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "ThemesScreen"
        await pilot.press("P")
        await settled(pilot)  # the map is read in a worker
        assert type(pilot.app.screen).__name__ == "MapScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "ThemesScreen"
        await pilot.press("escape")
        await pilot.pause()
        commands = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert any(t.startswith("The thematic map") for t in commands), commands


async def test_no_themes_says_what_to_do(make_app: Callable[..., QualcodeApp]) -> None:
    async with make_app().run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settled(pilot)  # the map is read in a worker
        m = _map(pilot)
        text = m.query_one(MapCanvas).plain
        assert "No themes yet" in text
        await pilot.press("j", "enter", "tab")  # nothing to move to, nothing breaks


@pytest.mark.parametrize("size", SIZES, ids=ids)
def test_map_snapshots(
    snap_compare: Any, demo_dir: Path, make_app: Callable[..., QualcodeApp], size: tuple[int, int]
) -> None:
    """The map at 80x24, 100x30, 120x40 and 200x50, a code highlighted."""
    analyse(demo_dir)

    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("P")
        await settled(pilot)  # the map is read in a worker
        await pilot.press("j", "j", "j")
        await settled(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run)


def test_the_real_binary_reaches_the_map_at_80x24(demo_dir: Path, tmux: Tmux) -> None:  # noqa: F811
    """In tmux at 80x24: P opens the map on the first theme, tab the next, enter a
    code's passages, escape back to the map and to coding."""
    analyse(demo_dir)
    tmux.start(workbench(demo_dir), width=80, height=24)
    tmux.wait_for("sentence 1/")
    tmux.keys("P")
    screen = tmux.wait_for("theme 1 of 2: tab for the next")
    assert "● Prosedur berbelit (24)" in screen
    assert "│  └─ ■ Surat tidak selesai sesuai waktu SOP (8)" in screen
    assert "← mengarah ke ● Biaya (0)" in screen
    tmux.keys("Tab")
    tmux.wait_for("theme 2 of 2")
    tmux.keys("p")
    tmux.wait_for("theme 1 of 2")
    tmux.keys("j", "j", "j", "Enter")
    tmux.wait_for("8 passages in 8 documents")
    tmux.keys("Escape")
    tmux.wait_for("theme 1 of 2")
    tmux.keys("Escape")
    tmux.wait_for("sentence 1/")
    tmux.keys("q")
    tmux.wait_gone()
