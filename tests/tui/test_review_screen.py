"""The review screen, driven headless with Pilot and snapshotted."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from qualcode.settings import Settings
from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.review import ReviewScreen
from tests.tui.waits import settled


@pytest.fixture
def review_app(matrix_path: Path) -> Iterator[Callable[[], QualcodeApp]]:
    """Apps on the hand-made matrix project, reviewing as ``dosen``."""
    apps: list[QualcodeApp] = []

    def make() -> QualcodeApp:
        app = QualcodeApp(
            open_project(str(matrix_path), coder="dosen"),
            location=str(matrix_path),
            settings=Settings(),
        )
        apps.append(app)
        return app

    yield make
    for app in apps:
        if app.project is not None:
            app.project.close()


async def test_enter_on_a_count_lists_its_quotes_and_a_dispute_is_recorded(
    review_app: Callable[[], QualcodeApp], matrix_path: Path, matrix_guids: dict[str, str]
) -> None:
    app = review_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settled(pilot)
        await pilot.press("V")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        matrix = screen.query_one("#review-matrix", DataTable)
        # row 2 = time.long_wait, column 1 = d1 (column 0 holds the code)
        matrix.move_cursor(row=1, column=1)
        await pilot.press("enter")
        await settled(pilot)
        assert [s.quote for s in screen.shown] == ["Berapa lama antre?", "Dua jam antre."]
        quotes = screen.query_one("#review-quotes", DataTable)
        assert quotes.has_focus and quotes.row_count == 2
        await pilot.press("A", *"Tepat", "enter")  # approve the first, with a comment
        await settled(pilot)
        await pilot.press("down", "d")
        await settled(pilot)
        assert app.screen.__class__.__name__ == "CommentModal"
        await pilot.press(*"Terlalu sempit", "enter")
        await settled(pilot)
        assert id(app.screen) == id(screen)
        assert [s.review for s in screen.shown] == ["approved", "disputed"]
        await pilot.press("escape", "escape")
        await settled(pilot)
        assert app.screen.__class__.__name__ != "ReviewScreen"
    project = open_project(str(matrix_path))
    try:
        c5 = project.review.coding_by_guid(matrix_guids["c5"])
        c1 = project.review.coding_by_guid(matrix_guids["c1"])
        assert (c5.review, c5.reviewer) == ("approved", "dosen")
        assert [(t.kind, t.text) for t in project.review.review_thread(matrix_guids["c5"])] == [
            ("approved", "Tepat")
        ]
        assert (c1.review, c1.reviewer, c1.coder) == ("disputed", "dosen", "ana")
        assert [(t.kind, t.text) for t in project.review.review_thread(matrix_guids["c1"])] == [
            ("disputed", "Terlalu sempit")
        ]
    finally:
        project.close()


async def test_rollup_and_columns_toggle(review_app: Callable[[], QualcodeApp]) -> None:
    app = review_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settled(pilot)
        await pilot.press("V")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("u")
        await settled(pilot)
        assert screen.freq is not None and screen.freq.codings.rows == (
            "time",
            "cost",
            "facilities",
        )
        await pilot.press("b")
        await settled(pilot)
        assert screen.freq.codings.columns == ("Bu Siti", "Pak Budi")
        matrix = screen.query_one("#review-matrix", DataTable)
        matrix.move_cursor(row=0, column=1)
        await pilot.press("enter")
        await settled(pilot)
        assert len(screen.shown) == screen.freq.codings.cell("time", "Bu Siti") == 4


def test_snapshot_review_screen(snap_compare: Any, review_app: Callable[[], QualcodeApp]) -> None:
    """The matrix with the quotes of one cell listed, one approved."""

    async def run_before(pilot: Any) -> None:
        await settled(pilot)
        await pilot.press("V")
        await settled(pilot)
        pilot.app.screen.query_one("#review-matrix", DataTable).move_cursor(row=3, column=2)
        await pilot.press("enter")
        await settled(pilot)
        await pilot.press("a")
        await settled(pilot)

    assert snap_compare(review_app(), terminal_size=(120, 35), run_before=run_before)


async def test_the_researcher_sees_disputed_codings_and_replies(
    matrix_path: Path, matrix_guids: dict[str, str]
) -> None:
    project = open_project(str(matrix_path), coder="dosen")
    project.review.review_coding(matrix_guids["c4"], "disputed", "Biaya resmi?")
    project.close()
    app = QualcodeApp(
        open_project(str(matrix_path), coder="ana"), location=str(matrix_path), settings=Settings()
    )
    try:
        async with app.run_test(size=(120, 35)) as pilot:
            await settled(pilot)
            await pilot.press("V")
            await settled(pilot)
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            await pilot.press("f")  # disputed only
            await settled(pilot)
            assert screen.freq is not None and screen.freq.codings.total() == 1
            screen.query_one("#review-matrix", DataTable).move_cursor(row=3, column=1)
            await pilot.press("enter")
            await settled(pilot)
            assert [s.comment for s in screen.shown] == ["Biaya resmi?"]
            await pilot.press("m", *"Itu pungli", "enter")
            await settled(pilot)
    finally:
        assert app.project is not None
        app.project.close()
    project = open_project(str(matrix_path))
    try:
        (item,) = project.review.review_queue("awaiting")
        assert item.coding.guid == matrix_guids["c4"]
        assert [(t.author, t.kind) for t in item.thread] == [
            ("dosen", "disputed"),
            ("ana", "reply"),
        ]
    finally:
        project.close()
