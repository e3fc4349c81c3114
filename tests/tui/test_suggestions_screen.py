"""Reviewing auto-code suggestions in the workbench, driven with Pilot."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import ProgressBar

from qualcode import services
from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.suggestions import SuggestionsScreen
from tests.tui.waits import wait_for


def _autocode(demo_dir: Path) -> int:
    project = open_project(str(demo_dir))
    try:
        report = services.autocode(project)
        assert report.stored is not None
        return report.stored.created
    finally:
        project.close()


async def test_accept_reject_and_accept_all_of_a_code(
    make_app: Callable[[], QualcodeApp], demo_dir: Path
) -> None:
    created = _autocode(demo_dir)
    assert created > 50
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("S")  # open the review screen
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SuggestionsScreen)
        first = screen.current
        assert first is not None
        await pilot.press("a")  # accept
        await pilot.pause()
        second = screen.current
        assert second is not None and second.guid != first.guid
        await pilot.press("r")  # reject
        await pilot.pause()
        third = screen.current
        assert third is not None
        same_code = [c.guid for c in screen.pending if c.code == third.code]
        await pilot.press("A")  # accept every pending suggestion of that code
        await pilot.pause()
        assert all(c.code != third.code for c in screen.pending)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
    project = open_project(str(demo_dir))
    try:
        accepted = project.codings.coding(first.guid)
        assert (accepted.status, accepted.coder, accepted.origin) == ("accepted", "tester", "rules")
        with pytest.raises(Exception, match="no coding"):
            project.codings.coding(second.guid)
        for guid in same_code:
            assert project.codings.coding(guid).status == "accepted"
        pending = project.suggestions.suggestions()
        assert len(pending) == created - 2 - len(same_code)
        # the rejected one is not suggested again
        again = services.autocode(project)
        assert again.stored is not None and again.stored.rejected == 1
        assert all(
            (c.doc, c.code, c.start, c.end) != (second.doc, second.code, second.start, second.end)
            for c in project.suggestions.suggestions()
        )
    finally:
        project.close()


async def test_run_the_rules_from_the_screen(
    make_app: Callable[[], QualcodeApp], demo_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("S")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SuggestionsScreen)
        assert screen.current is None
        seen: list[tuple[int, int, bool]] = []
        original = screen._progress

        def spy(done: int, total: int, what: str) -> None:
            original(done, total, what)
            seen.append((done, total, screen.query_one(ProgressBar).display))

        screen._progress = spy  # type: ignore[method-assign]
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not screen.query_one(ProgressBar).display
        # the bar was shown and advanced document by document
        assert seen[-1] == (8, 8, True) and [d for d, _, _ in seen] == list(range(1, 9))
        shown = len(screen.pending)
    project = open_project(str(demo_dir))
    try:
        assert shown == len(project.suggestions.suggestions()) > 50
    finally:
        project.close()


async def test_cancel_a_run_stores_nothing(
    make_app: Callable[[], QualcodeApp], demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualcode.nlp import autocode as nlp_autocode

    slow = nlp_autocode.RuleSet.match

    release = threading.Event()

    def slow_match(self: Any, doc: Any) -> Any:
        release.wait(60)  # the run is still going when escape is pressed
        return slow(self, doc)

    monkeypatch.setattr(nlp_autocode.RuleSet, "match", slow_match)
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("S", "u")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, SuggestionsScreen)
                and app.screen.query_one(ProgressBar).display
            ),
            "the run to start",
        )
        screen = app.screen
        assert isinstance(screen, SuggestionsScreen)
        await pilot.press("escape")  # cancels the run, stays on the screen
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SuggestionsScreen)
        assert not screen.query_one(ProgressBar).display
    project = open_project(str(demo_dir))
    try:
        assert project.suggestions.suggestions() == []
    finally:
        project.close()


def test_snapshot_suggestion_review(
    snap_compare: Any, make_app: Callable[[], QualcodeApp], demo_dir: Path
) -> None:
    """A suggestion in its context, with the code's definition and what matched."""
    _autocode(demo_dir)
    assert snap_compare(make_app(), terminal_size=(120, 35), press=["S", "j", "j"])
