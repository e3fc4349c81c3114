"""One SVG snapshot per screen (fixed size, clock, coder and project copy)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from qualcode.settings import Settings
from qualcode.tui.app import QualcodeApp
from tests.tui.waits import wait_for

NESTED = ["j", "1", "J", "2", "J", "3", "w", "4", "W", "5"]
"""Five nested and overlapping codings on one line."""


def keys(*pressed: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Wait until the side panes are filled (right after the first frame), then type."""

    async def run(pilot: Pilot[None]) -> None:
        await pilot.pause()
        await pilot.pause()
        await pilot.press(*pressed)
        await pilot.pause()

    return run


def test_coding_screen(snap_compare: Any, make_app: Callable[..., QualcodeApp]) -> None:
    """The coding screen at 120x35: documents, stripes, tinted passages, codebook."""
    assert snap_compare(make_app(), terminal_size=(120, 35), run_before=keys(*NESTED, "j", "j"))


def test_coding_screen_80x24_overlaps(
    snap_compare: Any, make_app: Callable[..., QualcodeApp]
) -> None:
    """At 80x24 a line carries five overlapping/nested codings, each in its own lane."""
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=keys(*NESTED))


def test_code_picker(snap_compare: Any, make_app: Callable[..., QualcodeApp]) -> None:
    """The fuzzy picker shows the definition of the highlighted code."""
    assert snap_compare(make_app(), terminal_size=(120, 35), run_before=keys("c", *"antre"))


def test_light_theme(snap_compare: Any, make_app: Callable[..., QualcodeApp]) -> None:
    """The light theme."""
    app = make_app(Settings(theme="textual-light"))
    assert snap_compare(app, terminal_size=(100, 30), run_before=keys("j", "3", "j"))


def test_search_screen(snap_compare: Any, make_app: Callable[..., QualcodeApp]) -> None:
    """Search hits as keyword-in-context lines, two of them marked."""

    async def run(pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"antre", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("space", "down", "space")

    assert snap_compare(make_app(), terminal_size=(120, 35), run_before=run)


def test_retrieval_screen(snap_compare: Any, make_app: Callable[..., QualcodeApp]) -> None:
    """Every passage of a code with context and coder."""
    assert snap_compare(
        make_app(),
        terminal_size=(120, 35),
        run_before=keys("2", "j", "j", "2", "R", *"Waktu penyelesaian", "enter"),
    )


def test_help_screen(snap_compare: Any, make_app: Callable[..., QualcodeApp]) -> None:
    """Every key, with its binding id."""
    assert snap_compare(make_app(), terminal_size=(120, 35), run_before=keys("question_mark"))


def test_memo_editor(snap_compare: Any, make_app: Callable[..., QualcodeApp]) -> None:
    """The memo editor on a coding."""
    assert snap_compare(
        make_app(), terminal_size=(100, 30), run_before=keys("2", "m", *"Waited two hours.")
    )


def test_codebook_edit_prompt(snap_compare: Any, make_app: Callable[..., QualcodeApp]) -> None:
    """Renaming a code from the codebook pane."""
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=keys("tab", "down", "e"))


def test_new_code_form(snap_compare: Any, make_app: Callable[..., QualcodeApp]) -> None:
    """Adding a sub-code from the codebook pane."""
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=keys("tab", "a", *"broker"))


def test_removal_list(snap_compare: Any, make_app: Callable[..., QualcodeApp]) -> None:
    """Several codings on a span: the list to remove one."""
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=keys("1", "2", "3", "x"))


def test_import_dialog(snap_compare: Any, make_app: Callable[..., QualcodeApp]) -> None:
    """Import asks for files or patterns."""
    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=keys("ctrl+o"))


def test_progress_modal(snap_compare: Any, make_app: Callable[..., QualcodeApp]) -> None:
    """Long work: a progress bar and Cancel (a job that waits, so the frame is stable)."""
    import threading

    from qualcode.tui.screens.jobs import JobModal

    gate = threading.Event()

    def job(progress: Any, cancelled: threading.Event) -> None:
        progress(3, 8, "wawancara_03_petani")
        gate.wait(10)

    async def run(pilot: Pilot[None]) -> None:
        modal = JobModal("Importing 8 files", job)
        pilot.app.push_screen(modal)
        await wait_for(pilot, lambda: bool(modal.steps), "the first step")
        await pilot.pause()

    try:
        assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run)
    finally:
        gate.set()
