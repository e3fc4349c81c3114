"""The adjudication screen: two coders side by side, decided with one key each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList, Static

from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.adjudicate import AdjudicateScreen
from qualcode.tui.screens.coding import CodingScreen

FIRST_DOC = "interview_07_ngo_observer"


@pytest.fixture
def two_coders(demo_dir: Path) -> Path:
    for coder, spans in (
        ("ani", [("cost", 40, 90), ("time", 200, 260), ("procedure", 400, 430)]),
        ("budi", [("cost", 50, 100), ("time", 200, 260)]),
    ):
        p = open_project(str(demo_dir), coder=coder)
        for code, s, e in spans:
            p.codings.apply_coding(FIRST_DOC, code, s, e)
        p.team.mark_done(FIRST_DOC)
        p.close()
    return demo_dir


async def test_decide_each_disagreement_with_one_key(
    two_coders: Path, make_app: Callable[[], QualcodeApp]
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        await pilot.press("A")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AdjudicateScreen)
        assert (screen.coder_a, screen.coder_b) == ("ani", "budi")
        status = str(screen.query_one("#status", Static).render())
        assert "1 agreed · 2 disagreements · 2 undecided" in status
        assert screen.query_one("#disagreements", OptionList).option_count == 2
        await pilot.press("b")  # cost: take budi's span; moves on to the next undecided
        await pilot.pause()
        assert screen.query_one("#disagreements", OptionList).highlighted == 1
        await pilot.press("n")  # procedure (only ani coded it): neither
        await pilot.pause()
        assert "0 undecided" in str(screen.query_one("#status", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
    p = open_project(str(two_coders))
    got = {(c.code, c.start, c.end) for c in p.codings.codings(coder="consensus")}
    decisions = [c.decision for c in p.team.compare(FIRST_DOC, "ani", "budi").clusters]
    p.close()
    assert got == {("cost", 50, 100), ("time", 200, 260)}
    assert decisions == ["b", "neither"]


async def test_one_coder_only_is_told(make_app: Callable[[], QualcodeApp], demo_dir: Path) -> None:
    p = open_project(str(demo_dir), coder="ani")
    p.codings.apply_coding(FIRST_DOC, "cost", 0, 10)
    p.close()
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        assert any("needs two coders" in str(n.message) for n in app._notifications)


def test_snapshot_adjudicate_screen(
    snap_compare: Any, two_coders: Path, make_app: Callable[[], QualcodeApp]
) -> None:
    """Two coders side by side: the list of disagreements and both sides in context."""
    assert snap_compare(make_app(), terminal_size=(120, 35), press=["A"])
