"""The coding screen, driven headless with Pilot and snapshotted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import events

from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.widgets.transcript_view import TranscriptView, wrap_offsets
from tests.tui.waits import settled

FIRST_DOC = "interview_07_ngo_observer"


async def test_code_a_sentence_with_its_key_and_find_it_in_the_database(
    make_app: Callable[[], QualcodeApp], demo_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        view = screen.query_one(TranscriptView)
        await pilot.press("j", "j")  # third sentence
        sel = view.selection
        assert sel is not None
        await pilot.press("2")  # key "2": time (completion time)
        await pilot.pause()
    project = open_project(str(demo_dir))
    codings = project.codings.codings(doc=FIRST_DOC)
    project.close()
    assert [(c.code, c.start, c.end, c.coder) for c in codings] == [
        ("time", sel.start, sel.end, "tester")
    ]


async def test_prefix_key_applies_a_sub_code_and_extend_selects_two_sentences(
    make_app: Callable[[], QualcodeApp], demo_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        doc = view.document
        assert doc is not None
        await pilot.press("j", "shift+down", "semicolon", "6", "b")
        await pilot.pause()
    project = open_project(str(demo_dir))
    (coding,) = project.codings.codings(doc=FIRST_DOC)
    project.close()
    assert coding.code == "competence.friendly_helpful"
    assert (coding.start, coding.end) == (doc.sentences[1].start, doc.sentences[2].end)


async def test_keys_typed_in_a_burst_are_handled_in_order(
    make_app: Callable[[], QualcodeApp], demo_dir: Path
) -> None:
    """Over SSH keys arrive in bursts; each must act on the selection of its moment."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        doc = app.screen.query_one(TranscriptView).document
        assert doc is not None
        for key, char in [
            ("j", "j"),
            ("j", "j"),
            ("J", "J"),
            ("2", "2"),
            ("semicolon", ";"),
            ("6", "6"),
            ("b", "b"),
            ("j", "j"),
            ("3", "3"),
        ]:
            app.post_message(events.Key(key, char))
        await settled(pilot)
    project = open_project(str(demo_dir))
    got = [(c.code, c.start, c.end) for c in project.codings.codings(doc=FIRST_DOC)]
    project.close()
    s = doc.sentences
    assert sorted(got) == sorted(
        [
            ("time", s[2].start, s[3].end),
            ("competence.friendly_helpful", s[2].start, s[3].end),
            ("cost", s[4].start, s[4].end),
        ]
    )


async def test_turn_selection_picker_and_removal(
    make_app: Callable[[], QualcodeApp], demo_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        doc = view.document
        assert doc is not None
        await pilot.press("right_square_bracket", "t")
        turn = doc.turns[1]
        assert view.selection is not None
        assert (view.selection.start, view.selection.end) == (turn.start, turn.end)
        await pilot.press("c")
        await pilot.press(*"biaya")
        await pilot.press("enter")
        await pilot.pause()
        project = open_project(str(demo_dir))
        assert [(c.code, c.start, c.end) for c in project.codings.codings(doc=FIRST_DOC)] == [
            ("cost", turn.start, turn.end)
        ]
        await pilot.press("x")
        await pilot.pause()
        assert project.codings.codings(doc=FIRST_DOC) == []
        project.close()


async def test_switching_documents(make_app: Callable[[], QualcodeApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        await pilot.press("shift+tab")  # focus the document list
        await pilot.press("down")
        await pilot.pause()
        assert screen.current_doc == "interview_08_kasi_pelayanan"


def test_wrap_offsets_cover_every_character_but_newlines() -> None:
    text = "Pewawancara: satu dua tiga empat lima enam tujuh delapan sembilan sepuluh\n\nNarasumber: ya"
    lines = wrap_offsets(text, 20)
    covered = "".join(text[s:e] for s, e in lines)
    assert covered.replace(" ", "") == text.replace("\n", "").replace(" ", "")
    assert all(e - s <= 20 for s, e in lines)
