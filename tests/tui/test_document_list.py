"""The workbench's document list renames, deletes (with undo) and links documents to
cases, through the same services as the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.widgets.document_list import DocumentList
from tests.tui.conftest import Messages
from tests.tui.waits import settled

FIRST = "interview_07_ngo_observer"


def _on_list(screen: CodingScreen) -> bool:
    """Whether the document list has the focus."""
    return isinstance(screen.focused, DocumentList)


async def test_rename_delete_undo_and_link_from_the_document_list(
    make_app: Callable[[], QualcodeApp], demo_dir: Path, messages: Messages
) -> None:
    setup = open_project(str(demo_dir))
    try:
        doc = setup.documents.document(FIRST)
        start = doc.text.index("Good morning")
        setup.codings.apply_coding(FIRST, "time", start, start + len("Good morning"))
    finally:
        setup.close()
    app = make_app()
    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        project = app.project
        assert project is not None
        await pilot.press("shift+tab")  # the document list
        assert _on_list(screen)
        # rename: n, a new name, enter
        await pilot.press("n", "ctrl+a", "ctrl+k", *"observer", "enter")
        await pilot.pause()
        assert screen.current_doc == "observer"
        assert "renamed interview_07_ngo_observer to observer (u undoes)" in messages.notices()
        # delete: d asks first; n keeps it
        if not _on_list(screen):
            await pilot.press("shift+tab")
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert "observer" in project.documents.document_names()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "observer" not in project.documents.document_names()
        assert "deleted observer with 1 codings and 0 memos (u undoes)" in messages.notices()
        # undo brings it back, with its coding
        await pilot.press("u")
        await settled(pilot)  # the list's counts are read in a worker
        assert "observer" in project.documents.document_names()
        assert [c.quote for c in project.codings.codings(doc="observer")] == ["Good morning"]
        # link to a case: l, the case's name
        if not _on_list(screen):
            await pilot.press("shift+tab")
        option = screen.query_one(DocumentList)
        option.highlighted = next(
            i for i in range(option.option_count) if option.get_option_at_index(i).id == "observer"
        )
        await pilot.press("l", "ctrl+a", "ctrl+k", *"Observer NGO", "enter")
        await pilot.pause()
        cases = {c.name: [s.doc for s in c.sources] for c in project.cases.cases()}
        assert "observer" in cases["Observer NGO"]
