"""The review matrix at 80 columns: the code column stays, labels are short, the
counts show, and the line above names the highlighted cell in full."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from qualcode.settings import Settings
from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.review import ReviewScreen, clip, short_names
from tests.tui.waits import settled


def test_short_names_keep_what_tells_columns_apart() -> None:
    names = [
        "wawancara_01_pedagang_pasar",
        "wawancara_02_petugas_loket",
        "interview_07_ngo_observer",
        "interview_08_kasi_pelayanan",
        "guru",
    ]
    assert short_names(names) == [
        "01 pedagang pasar",
        "02 petugas loket",
        "07 ngo observer",
        "08 kasi pelayanan",
        "guru",
    ]
    assert short_names(["Pak Budi", "Pak Joko", "Bu Siti"]) == ["Budi", "Joko", "Bu Siti"]
    assert short_names(["same", "same"]) == ["same", "same"]  # nothing left: the name
    assert clip("Surat tidak selesai sesuai waktu SOP", 12) == "Surat tidak…"
    assert clip("Ruang", 12) == "Ruang"


async def test_the_matrix_at_80_columns(demo_dir: Path) -> None:
    project = open_project(str(demo_dir))
    for name in project.documents.document_names():
        s = project.documents.document(name).sentences[1]
        project.codings.apply_coding(name, "time.late_letters", s.start, s.end)
    project.close()
    app = QualcodeApp(open_project(str(demo_dir)), location=str(demo_dir), settings=Settings())
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settled(pilot)
            await pilot.press("V")
            await settled(pilot)
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            matrix = screen.query_one("#review-matrix", DataTable)
            assert matrix.fixed_columns == 1  # the code column stays while counts scroll
            headers = [str(c.label) for c in matrix.columns.values()]
            assert headers[:4] == ["code", "07 ngo obse…", "08 kasi pel…", "01 pedagang…"]
            row = matrix.get_row_index("time.late_letters")
            cells = [str(c) for c in matrix.get_row_at(row)]
            assert cells[0] == "2a Surat tidak selesa…"  # key and label, cut
            assert cells[1:9] == ["1"] * 8 and cells[-1] == "8"
            # three document columns and their counts fit beside the code column
            assert (
                matrix.columns[matrix.ordered_columns[3].key].width
                + sum(c.get_render_width(matrix) for c in matrix.ordered_columns[:3])
                < 80
            )
            matrix.move_cursor(row=row, column=3)
            await settled(pilot)
            detail = str(screen.query_one("#review-detail", Static).render())
            assert detail == (
                "Surat tidak selesai sesuai waktu SOP × wawancara_01_pedagang_pasar: "
                "1 coding (enter lists it)"
            )
            await pilot.press("enter")
            await settled(pilot)
            quotes = screen.query_one("#review-quotes", DataTable)
            assert quotes.border_title == (
                "Surat tidak selesai sesuai waktu SOP × wawancara_01_pedagang_pasar: 1 quote"
            )
            where = str(quotes.get_row_at(0)[3])
            assert where.startswith("wawancara_01_pedagang_pasar, ") and "turn" in where
            assert "-" not in where.split(", ")[-1]  # no offsets
    finally:
        assert app.project is not None
        app.project.close()
