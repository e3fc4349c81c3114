"""Selection: by character, word, sentence and turn; visual mode; mouse drag."""

from __future__ import annotations

from collections.abc import Callable

from textual.events import MouseMove

from qualcode.tui.app import QualcodeApp
from qualcode.tui.widgets.transcript_view import GUTTER, TranscriptView
from tests.tui.conftest import Messages

FIRST_DOC = "interview_07_ngo_observer"


def in_visual(view: TranscriptView) -> bool:
    return bool(view.visual)


def picked(view: TranscriptView) -> str:
    assert view.document is not None and view.selection is not None
    return view.document.text[view.selection.start : view.selection.end]


async def test_moving_by_word_character_sentence_and_turn(
    make_app: Callable[..., QualcodeApp], messages: Messages
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        doc = view.document
        assert doc is not None
        assert picked(view) == "Good morning, and thanks for making time for this."
        await pilot.press("w")  # from a sentence: its first word
        assert picked(view) == "Good"
        await pilot.press("w", "w")
        assert picked(view) == "and"
        await pilot.press("b")
        assert picked(view) == "morning"
        await pilot.press("W", "W")  # extend by words
        assert picked(view) == "morning, and thanks"
        await pilot.press("B")  # shrink again
        assert picked(view) == "morning, and"
        await pilot.press("l")  # from a longer selection: its first character
        assert picked(view) == "m"
        await pilot.press("l", "l", "L", "L")
        assert picked(view) == "rni"
        await pilot.press("h")  # from a longer selection: its last character
        assert picked(view) == "i"
        await pilot.press("h")
        assert picked(view) == "n"
        await pilot.press("j")
        assert picked(view) == doc.text[doc.sentences[1].start : doc.sentences[1].end]
        await pilot.press("t")
        turn = doc.turns[0]
        assert view.selection is not None
        assert (view.selection.start, view.selection.end) == (turn.start, turn.end)
        await pilot.press("right_square_bracket")
        assert view.selection.start == doc.turns[1].start
        await pilot.press("left_square_bracket")
        assert view.selection.start == doc.turns[0].start
        await pilot.pause()
    changes = messages.of(TranscriptView.SelectionChanged)
    assert changes, "moving posts SelectionChanged"
    last = changes[-1]
    assert isinstance(last, TranscriptView.SelectionChanged)
    assert (last.start, last.end) == (doc.turns[0].start, doc.sentences[0].end)


async def test_visual_mode_extends_every_move(make_app: Callable[..., QualcodeApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        doc = view.document
        assert doc is not None
        s = doc.sentences
        await pilot.press("j", "v", "j", "j")
        assert in_visual(view)
        assert view.selection is not None
        assert (view.selection.start, view.selection.end) == (s[1].start, s[3].end)
        await pilot.press("k")
        assert (view.selection.start, view.selection.end) == (s[1].start, s[2].end)
        await pilot.press("k", "k")  # past the anchor: extends upwards
        assert (view.selection.start, view.selection.end) == (s[0].start, s[1].end)
        await pilot.press("escape")
        assert not in_visual(view)
        sel = view.selection
        assert (sel.start, sel.end) == (s[1].start, s[1].end)


async def test_mouse_drag_selects_characters_and_a_click_a_word(
    make_app: Callable[..., QualcodeApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        assert view.document is not None
        region = view.content_region
        dx, dy = region.x - view.region.x, region.y - view.region.y
        line = view._lines[0]
        text = view.document.text
        col = text.index("morning", line[0]) - line[0]
        await pilot.mouse_down(view, offset=(dx + GUTTER + col, dy))
        await pilot._post_mouse_events(
            [MouseMove], view, offset=(dx + GUTTER + col + 3, dy), button=1
        )
        await pilot.mouse_up(view, offset=(dx + GUTTER + col + 3, dy))
        assert picked(view) == "morn"
        col2 = text.index("thanks", line[0]) - line[0]
        await pilot.click(view, offset=(dx + GUTTER + col2 + 2, dy))
        assert picked(view) == "thanks"
