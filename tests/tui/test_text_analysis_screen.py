"""Word frequencies and KWIC in the workbench, driven with Pilot."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import DataTable, TabbedContent

from qualcode import services
from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.text_analysis import TOP_PER_GROUP, TextAnalysisScreen
from tests.tui.waits import settled


async def test_words_by_grouping_kwic_and_export(
    make_app: Callable[[], QualcodeApp], demo_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settled(pilot)
        await pilot.press("T")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, TextAnalysisScreen)
        words = screen.query_one("#words-table", DataTable)
        assert words.row_count == TOP_PER_GROUP  # one group: the corpus
        await pilot.press("b")  # by document
        await settled(pilot)
        assert screen.by == "document"
        assert words.row_count == 8 * TOP_PER_GROUP
        assert words.get_row_at(0)[0] == "interview_07_ngo_observer"
        await pilot.press("e")
        await settled(pilot)
        exported = demo_dir / "exports" / "words-by-document.csv"
        with exported.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == ["document", "rank", "word", "count", "per_1000_words"]
        assert len(rows) > 8 * TOP_PER_GROUP  # the export holds every word, not only the top
        await pilot.press("k")  # the KWIC tab, its term field focused
        await settled(pilot)
        assert screen.query_one(TabbedContent).active == "tab-kwic"
        await pilot.press(*"tunggu", "enter")
        await settled(pilot)
        kwic = screen.query_one("#kwic-table", DataTable)
        project = open_project(str(demo_dir))
        expected = services.keyword_in_context(project, "tunggu", lemma=True)
        exact = services.keyword_in_context(project, "tunggu")
        project.close()
        assert kwic.row_count == len(expected) > len(exact)
        assert {str(kwic.get_row_at(i)[2]).lower() for i in range(kwic.row_count)} >= {
            "menunggu",
            "nunggu",
        }
        await pilot.press("l")  # exact words now
        await settled(pilot)
        assert kwic.row_count == len(exact)
        await pilot.press("E")
        await settled(pilot)
        assert (demo_dir / "exports" / "kwic-tunggu.xlsx").stat().st_size > 0
        await pilot.press("escape")
        await settled(pilot)
        assert not isinstance(app.screen, TextAnalysisScreen)


def test_snapshot_words_by_speaker(snap_compare: Any, make_app: Callable[[], QualcodeApp]) -> None:
    """Word frequencies by speaker role: participants and interviewers side by side
    (counted in a worker: the picture is taken once the last count is shown)."""

    async def run_before(pilot: Any) -> None:
        await pilot.press("T", "b", "b", "b", "b")
        await settled(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 35), run_before=run_before)
