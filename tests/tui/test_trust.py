"""Search to coding, and the small things that make trust: the cursor in the
query, the unit of coded hits, rename from the end of the old label, a detail box
that follows every edit, whole labels after the ; prefix, empty unticked boxes,
and messages in the researcher's words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input, OptionList, Static

from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.modals import TextPrompt
from qualcode.tui.screens.picker import ChoiceModal, CodePicker
from qualcode.tui.screens.search import SearchScreen
from qualcode.tui.widgets.code_tree import CodeTree
from qualcode.tui.widgets.tick_list import TickList
from qualcode.tui.widgets.transcript_view import TranscriptView
from tests.tui.conftest import Messages
from tests.tui.waits import settled, wait_for

FIRST_DOC = "interview_07_ngo_observer"


async def focus_code(app: QualcodeApp, pilot: object, code_id: str) -> CodeTree:
    tree = app.screen.query_one(CodeTree)
    tree.focus()
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and node.data == code_id:
            tree.move_cursor(node)
            break
    await pilot.pause()  # type: ignore[attr-defined]
    assert tree.highlighted_code == code_id
    return tree


def info(app: QualcodeApp) -> str:
    return str(app.screen.query_one("#code-info", Static).render())


# ---------------------------------------------------------------------- search


async def test_slash_with_a_selected_word_keeps_the_cursor_in_the_query(
    make_app: Callable[..., QualcodeApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("o", *"petani", "enter", "w")  # a word selected: "Punten"
        await pilot.pause()
        await pilot.press("slash")
        await app.workers.wait_for_complete()
        await pilot.pause()
        search = app.screen
        assert isinstance(search, SearchScreen)
        box = search.query_one(Input)
        assert box.value == "Punten" and search.hits  # searched at once
        assert box.has_focus and box.cursor_position == len("Punten")
        assert box.selection.is_empty  # nothing selected: typing adds to the query
        await pilot.press(*" Pak")  # goes to the query, not to the list's keys
        assert box.value == "Punten Pak"
        assert not search.marked  # "a" (in "Pak") did not mark every hit
        await pilot.press(*["backspace"] * 4, "enter")  # enter moves to the hits
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert search.query_one(OptionList).has_focus
        await pilot.press("slash")  # and / comes back to the query
        assert box.has_focus


async def test_hits_are_coded_as_the_unit_asked_once_and_remembered(
    make_app: Callable[..., QualcodeApp], demo_dir: Path, messages: Messages
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"antre", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        search = app.screen
        assert isinstance(search, SearchScreen)
        summary = search.query_one("#search-summary", Static)
        assert "c code marked (asks: its sentence, its turn or the hit)" in str(summary.render())
        first = search.hits[0]
        await pilot.press("c")
        choice = app.screen
        assert isinstance(choice, ChoiceModal)
        assert [key for key, _ in choice.items] == ["sentence", "turn", "hit"]
        await pilot.press("down", "down", "enter")  # the hit only
        assert isinstance(app.screen, CodePicker)
        await pilot.press(*"antrean", "enter")
        await pilot.pause()
        assert "c code marked as the hit only (u: change)" in str(summary.render())
        # asked once: the next c goes to the picker at once
        await pilot.press("down", "c")
        assert isinstance(app.screen, CodePicker)
        await pilot.press("escape")
        await pilot.press("u", "up", "enter")  # u changes it: from the hit up to the turn
        await pilot.pause()
        assert "c code marked as its turn (u: change)" in str(summary.render())
        await pilot.press("up", "c", *"biaya pelayanan", "enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen) and app.screen.search_unit == "turn"
    project = open_project(str(demo_dir))
    try:
        codings = sorted(project.codings.codings(), key=lambda c: c.code)
        turn = project.documents.document(first.doc).turns[first.turn - 1]  # type: ignore[operator]
    finally:
        project.close()
    assert [(c.code, c.start, c.end) for c in codings] == [
        ("cost", turn.start, turn.end),
        ("time.long_wait", first.start, first.end),
    ]
    assert messages.notices() == [
        "coded 1 hit with Antrean dan waktu tunggu lama (one undo step)",
        "coded 1 turn with Biaya pelayanan (one undo step)",
    ]
    # the unit is kept with the coder's place in the project
    again = make_app()
    async with again.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, CodingScreen) and again.screen.search_unit == "turn"


# ---------------------------------------------------------------------- codebook


async def test_rename_starts_at_the_end_of_the_old_label(
    make_app: Callable[..., QualcodeApp], demo_dir: Path, messages: Messages
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await pilot.pause()
        await focus_code(app, pilot, "cost")
        await pilot.press("e")
        prompt = app.screen
        assert isinstance(prompt, TextPrompt)
        box = prompt.query_one(Input)
        assert box.value == "Biaya pelayanan"
        assert box.cursor_position == len("Biaya pelayanan") and box.selection.is_empty
        await pilot.press(*" resmi", "enter")
        await pilot.pause()
        assert info(app).startswith("Biaya pelayanan resmi\nService cost\n")  # followed
    project = open_project(str(demo_dir))
    assert project.codebook()["cost"].label_in("id") == "Biaya pelayanan resmi"
    project.close()
    assert messages.notices() == ["renamed Biaya pelayanan to Biaya pelayanan resmi"]


async def test_the_detail_box_follows_merge_move_and_delete(
    make_app: Callable[..., QualcodeApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("semicolon", "3", "a")  # a coding of cost.unofficial_fee
        await settled(pilot)
        await focus_code(app, pilot, "cost.unofficial_fee")
        assert info(app).startswith("Pungutan tidak resmi\n")
        await pilot.press("M", *"biaya jelas", "enter")  # merge into cost.clear_cost
        await settled(pilot)
        tree = app.screen.query_one(CodeTree)
        await wait_for(pilot, lambda: tree.highlighted_code == "cost.clear_cost", "the merge")
        assert info(app).startswith("Biaya jelas dan terbuka\nClear and published cost\n")
        assert "1 coding in 1 document" in info(app)  # its coding followed
        await focus_code(app, pilot, "time.on_time")
        await pilot.press("p", *"prosedur pelayanan", "enter")  # move under procedure
        await pilot.pause()
        assert tree.highlighted_code == "time.on_time"
        assert info(app).startswith("Selesai tepat waktu\n")
        await focus_code(app, pilot, "time.short_wait")
        await pilot.press("d")
        await pilot.pause()
        assert "time.short_wait" not in app.screen.query_one(CodeTree).codebook  # type: ignore[operator]
        assert not info(app).startswith("Waktu tunggu singkat")  # not the deleted one
        assert info(app) == "" or info(app).split("\n")[0] in {
            c.label_in("id")
            for c in app.screen.codebook  # type: ignore[attr-defined]
        }


# ---------------------------------------------------------------------- the ; prefix


async def test_prefix_candidates_show_whole_labels(
    make_app: Callable[..., QualcodeApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("semicolon", "2")
        await pilot.pause()
        screen = app.screen
        assert screen.has_class("-prefix")
        hint = str(screen.query_one("#prefix-hint-text", Static).render())
        assert hint == (
            "2 Waktu penyelesaian   2a Surat tidak selesai sesuai waktu SOP   "
            "2b Selesai tepat waktu   2c Antrean dan waktu tunggu lama   "
            "2d Waktu tunggu singkat"
        )
        assert screen.query_one("#prefix-hint").display
        await pilot.press("a")  # completes 2a
        await pilot.pause()
        assert not screen.has_class("-prefix")
        assert not screen.query_one("#prefix-hint").display
        view = screen.query_one(TranscriptView)
        assert [c.code for c in view.codings_at_selection()] == ["time.late_letters"]


# ---------------------------------------------------------------------- words


async def test_undo_and_status_speak_the_researchers_words(
    make_app: Callable[..., QualcodeApp], messages: Messages
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await pilot.pause()
        await pilot.press("j", "semicolon", "2", "c", "u", "ctrl+r")
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        position = view.position_text()
        assert position == "sentence 2/121 · turn 1/36 Interviewer · 9 words"
        assert "[" not in position  # no offsets
    assert messages.notices() == [
        "undid: coded «Is it all right if I record the…» with Antrean dan waktu tunggu lama",
        "redid: coded «Is it all right if I record the…» with Antrean dan waktu tunggu lama",
    ]


# ---------------------------------------------------------------------- boxes


async def test_unticked_boxes_are_empty_in_every_theme(tmp_path: Path) -> None:
    from textual.app import App, ComposeResult

    class Boxes(App[None]):
        def compose(self) -> ComposeResult:
            yield TickList[str](("ticked", "a", True), ("unticked", "b", False))

    for theme in ("textual-dark", "textual-light", "nord", "gruvbox"):
        app = Boxes()
        async with app.run_test(size=(40, 6)) as pilot:
            app.theme = theme
            await pilot.pause()
            boxes = app.query_one(TickList)
            lines = ["".join(s.text for s in boxes.render_line(y)) for y in range(2)]
            assert lines[0].startswith("▐X▌ ticked"), theme
            assert lines[1].startswith("▐ ▌ unticked"), theme
