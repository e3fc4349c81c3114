"""REFI-QDA files through the workbench's import dialog (ctrl+o): the same service as
``qualcode import FILE.qdpx`` (services.read_refi_files + import_refi_reads), in a
worker with a progress bar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualcode import services
from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.widgets.document_list import DocumentList
from tests.tui.conftest import Messages
from tests.tui.waits import settled, wait_for


async def test_a_qdpx_is_imported_from_the_dialog_behind_a_backup(
    make_app: Callable[..., QualcodeApp], demo_dir: Path, matrix_path: Path, messages: Messages
) -> None:
    matrix = open_project(str(matrix_path))
    try:
        services.export_qdpx(matrix, demo_dir / "matrix.qdpx")
    finally:
        matrix.close()
    (demo_dir / "extra.txt").write_text("Pewawancara: Ada?\n\nNarasumber: Ada.\n", "utf-8")
    app = make_app()

    def listed() -> set[str]:
        docs = app.screen.query_one(DocumentList)
        return {str(docs.get_option_at_index(i).id) for i in range(docs.option_count)}

    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await settled(pilot)
        before = listed()
        # REFI-QDA files and transcripts together: refused, nothing imported
        await pilot.press("ctrl+o", *"matrix.qdpx extra.txt", "enter")
        await settled(pilot)
        assert (
            "import REFI-QDA files (.qdpx, .qdc, .qde) on their own, not with transcripts"
            in messages.notices()
        )
        assert listed() == before
        await pilot.press("ctrl+o", *"matrix.qdpx", "enter")
        await settled(pilot)
        await wait_for(pilot, lambda: listed() == before | {"d1", "d2"}, "the two sources")
        imported = [n for n in messages.notices() if n.startswith("imported matrix.qdpx")]
        assert len(imported) == 1
        lines = imported[0].splitlines()
        assert lines[0] == "imported matrix.qdpx"
        assert lines[2] == "sources: 2 in the file, 2 added, 0 matched, 0 skipped"
    backups = sorted(p.name for p in (demo_dir / "backups").iterdir())
    assert len([b for b in backups if b.endswith("-before-import.db")]) == 1
