"""Progress in the document list, help, command palette, remapped keys, themes,
and long work in workers (import, export, cancel)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from qualcode.core.model import Progress
from qualcode.settings import Settings
from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.keymap import binding_ids, key_table
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.help import HelpScreen
from qualcode.tui.screens.jobs import JobModal, JobResult, expand_paths
from qualcode.tui.widgets.document_list import DocumentList
from tests.conftest import TRANSCRIPTS
from tests.tui.waits import settled, wait_for

FIRST_DOC = "interview_07_ngo_observer"


async def test_document_list_shows_codings_and_coded_share(
    make_app: Callable[..., QualcodeApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("t", "1")
        await pilot.pause()
        docs = app.screen.query_one(DocumentList)
        prompt = str(docs.get_option_at_index(0).prompt)
        # the whole name (it wraps in a narrow pane), then the progress, singular
        assert prompt == "interview_07_ngo_observer\n1 coding · 1% coded"
        await pilot.press("2")
        await settled(pilot)  # the counts follow a frame later
        assert str(docs.get_option_at_index(0).prompt).endswith("\n2 codings · 1% coded")


async def test_help_lists_every_binding_id(make_app: Callable[..., QualcodeApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        text = str(help_screen.query_one("#help-table").render())
        for row in key_table():
            assert row.id in text, row.id
        await pilot.press("escape")
        assert isinstance(app.screen, CodingScreen)
    ids = binding_ids()
    assert len(ids) == len(set(ids)), "binding ids are unique"


async def test_remapped_keys_from_the_settings(
    make_app: Callable[..., QualcodeApp], demo_dir: Path
) -> None:
    app = make_app(Settings(keymap={"undo": "z", "next-sentence": "down,s"}))
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("s", "3")
        await pilot.pause()
        project = open_project(str(demo_dir))
        (c,) = project.codings.codings(doc=FIRST_DOC)
        doc = project.documents.document(FIRST_DOC)
        assert (c.start, c.end) == (doc.sentences[1].start, doc.sentences[1].end)
        await pilot.press("u")  # u is no longer undo
        await pilot.pause()
        assert len(project.codings.codings(doc=FIRST_DOC)) == 1
        await pilot.press("z")
        await pilot.pause()
        assert project.codings.codings(doc=FIRST_DOC) == []
        project.close()
        await pilot.press("question_mark")
        text = str(app.screen.query_one("#help-table").render())
        assert "z " in text


async def test_command_palette_runs_any_action(
    make_app: Callable[..., QualcodeApp], demo_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in (
            "Undo your last action",
            "Select the turn",
            "Merge the code into another; its codings follow",
            "Switch between the dark and the light theme",
        ):
            assert wanted in titles
        await pilot.press("2", "ctrl+p")
        await pilot.press(*"undo your last")
        await wait_for(pilot, lambda: palette_ready(app), "the palette to find the command")
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: not isinstance(app.screen, CommandPalette), "the palette to close"
        )
        await settled(pilot)
        project = open_project(str(demo_dir))
        assert project.codings.codings(doc=FIRST_DOC) == []
        project.close()


async def test_light_and_dark_themes(make_app: Callable[..., QualcodeApp]) -> None:
    app = make_app(Settings(theme="textual-light"))
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-dark"


async def test_import_runs_in_a_worker_with_progress(
    make_app: Callable[..., QualcodeApp], demo_dir: Path, tmp_path: Path
) -> None:
    for i in range(3):
        (demo_dir / f"new_{i}.txt").write_text(
            f"Pewawancara: Pertanyaan {i}?\n\nNarasumber: Jawaban nomor {i}, antre lama.\n",
            encoding="utf-8",
        )
    modals: list[JobModal[object]] = []
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        original = app.push_screen

        def spy(screen: object, *args: object, **kw: object) -> object:
            if isinstance(screen, JobModal):
                modals.append(screen)
            return original(screen, *args, **kw)

        app.push_screen = spy  # type: ignore[method-assign]
        await pilot.press("ctrl+o", *"new_*.txt", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        (modal,) = modals
        await wait_for(pilot, lambda: len(modal.steps) == 3, "the three steps")
        assert [s[:2] for s in modal.steps] == [(1, 3), (2, 3), (3, 3)]
        assert isinstance(app.screen, CodingScreen)
        await settled(pilot)  # the document list's counts are read in a worker
        names = [
            app.screen.query_one(DocumentList).get_option_at_index(i).id
            for i in range(app.screen.query_one(DocumentList).option_count)
        ]
        assert {"new_0", "new_1", "new_2"} <= set(names)


async def test_u_undoes_an_import_made_from_this_window_and_ctrl_r_redoes_it(
    make_app: Callable[..., QualcodeApp], demo_dir: Path, messages: object
) -> None:
    from tests.tui.conftest import Messages

    assert isinstance(messages, Messages)
    for i in range(2):
        (demo_dir / f"new_{i}.txt").write_text(
            f"Pewawancara: Pertanyaan {i}?\n\nNarasumber: Jawaban nomor {i}, antre lama.\n",
            encoding="utf-8",
        )
    app = make_app()

    def listed() -> set[str]:
        docs = app.screen.query_one(DocumentList)
        return {str(docs.get_option_at_index(i).id) for i in range(docs.option_count)}

    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await pilot.pause()
        before = listed()
        await pilot.press("ctrl+o", *"new_*.txt", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await settled(pilot)
        assert listed() == before | {"new_0", "new_1"}
        await pilot.press("u")
        await settled(pilot)  # the list's counts are read in a worker
        assert listed() == before
        assert "undid the import of new_0 and new_1: both documents are removed" in (
            messages.notices()
        )
        await pilot.press("ctrl+r")
        await settled(pilot)
        assert listed() == before | {"new_0", "new_1"}
        assert "redid the import of new_0 and new_1: both documents are back" in (
            messages.notices()
        )
    project = open_project(str(demo_dir))
    try:
        assert {"new_0", "new_1"} <= set(project.documents.document_names())
    finally:
        project.close()


async def test_a_job_can_be_cancelled_between_steps(make_app: Callable[..., QualcodeApp]) -> None:
    gate = threading.Event()
    done: list[int] = []

    def job(progress: Progress, cancelled: threading.Event) -> int:
        for i in range(1, 6):
            done.append(i)
            progress(i, 5, f"step {i}")
            gate.wait(5)
            gate.clear()
        return len(done)

    results: list[JobResult[int] | None] = []
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        app.push_screen(JobModal("Counting", job), results.append)
        await wait_for(pilot, lambda: done == [1], "the first step")
        gate.set()
        await wait_for(pilot, lambda: done == [1, 2], "the second step")
        await pilot.press("escape")
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert results and results[0] is not None and results[0].cancelled
    assert len(done) < 5


async def test_import_cancelled_after_the_current_document(
    empty_project: object, tmp_path: Path
) -> None:
    from qualcode import services
    from qualcode.tui.screens.jobs import Cancelled

    files = sorted(TRANSCRIPTS.glob("wawancara_0[1-4]*.txt"))
    seen: list[str] = []

    def progress(done: int, total: int, what: str) -> None:
        seen.append(what)
        if done == 2:
            raise Cancelled

    try:
        services.import_transcripts(empty_project, files, progress=progress)  # type: ignore[arg-type]
    except Cancelled:
        pass
    assert len(empty_project.documents.documents()) == 2  # type: ignore[attr-defined]


async def test_export_in_a_worker(make_app: Callable[..., QualcodeApp], demo_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        box = app.screen.query_one(Input)
        box.value = "out/freq.md"
        await pilot.press("enter")
        await settled(pilot)
    out = demo_dir / "out" / "freq.md"
    assert out.exists() and "Code frequency by document" in out.read_text(encoding="utf-8")


def test_expand_paths(tmp_path: Path) -> None:
    import pytest

    from qualcode.errors import InputError

    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b c.txt").write_text("x")
    assert expand_paths("*.txt", tmp_path) == [tmp_path / "a.txt", tmp_path / "b c.txt"]
    assert expand_paths("'b c.txt' a.txt", tmp_path) == [tmp_path / "b c.txt", tmp_path / "a.txt"]
    with pytest.raises(InputError, match="matches no file"):
        expand_paths("nope*.docx", tmp_path)


async def test_unknown_keymap_ids_are_reported(
    make_app: Callable[..., QualcodeApp], messages: object
) -> None:
    from tests.tui.conftest import Messages

    assert isinstance(messages, Messages)
    app = make_app(Settings(keymap={"undo": "z", "no-such-binding": "y"}))
    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await pilot.pause()
    assert any("unknown binding ids: no-such-binding" in n for n in messages.notices())


def palette_ready(app: QualcodeApp) -> bool:
    """The command palette is open and has found at least one command."""
    screen = app.screen
    return isinstance(screen, CommandPalette) and screen.query_one(CommandList).option_count > 0
