"""Coding stripes and applying codes: keys, picker, recent codes, in vivo, removal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.widgets import OptionList

from qualcode.core.model import Coding
from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.picker import ChoiceModal, CodePicker
from qualcode.tui.widgets.code_tree import CodeTree
from qualcode.tui.widgets.transcript_view import LANES, CodingIndex, TranscriptView
from tests.conftest import hypothesis_examples
from tests.tui.conftest import Messages

FIRST_DOC = "interview_07_ngo_observer"


def coding(guid: str, start: int, end: int, code: str = "c") -> Coding:
    return Coding(guid, "d", code, start, end, "tester", "", "")


@settings(derandomize=True, deadline=None, max_examples=hypothesis_examples(200))
@given(
    spans=st.lists(
        st.tuples(st.integers(0, 5000), st.integers(1, 3000)).map(lambda t: (t[0], t[0] + t[1])),
        max_size=40,
    )
)
def test_overlapping_codings_never_share_a_lane(spans: list[tuple[int, int]]) -> None:
    index = CodingIndex(coding(str(i), a, b) for i, (a, b) in enumerate(spans))
    extra = CodingIndex(())
    for i, (a, b) in enumerate(spans):
        extra.add(coding(str(i), a, b))
    for idx in (index, extra):
        for c in idx.codings.values():
            for o in idx.overlapping(c.start, c.end):
                if o.guid != c.guid:
                    assert idx.lanes[o.guid] != idx.lanes[c.guid]


async def test_four_nested_codings_show_four_stripes_and_labels(
    make_app: Callable[..., QualcodeApp], messages: Messages
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await pilot.pause()
        view = app.screen.query_one(TranscriptView)
        await pilot.press("j", "1", "J", "2", "J", "3", "w", "4", "W", "5")
        await pilot.pause()
        assert view.selection is not None
        line = view.line_of(view.selection.start)
        here = view.codings_on_line(line)
        assert len(here) == 5
        assert len({view.index.lanes[c.guid] for c in here}) == 5
        strip = view.render_line(line - view.scroll_offset.y)
        gutter = "".join(seg.text for seg in strip)[:LANES]
        assert sum(ch in "▍▛" for ch in gutter) == 5
        position, at_cursor = str(app.screen.query_one("#at-cursor").render()).split("\n")
        assert "coded with Sarana dan prasarana" in position
        assert at_cursor.startswith("5 here:")
        for label in ("Prosedur", "Waktu", "Biaya", "Produk", "Sarana"):
            assert label in at_cursor
    applied = messages.of(CodingScreen.CodingApplied)
    assert len(applied) == 5
    assert [m.coding.code for m in applied if isinstance(m, CodingScreen.CodingApplied)] == [
        "procedure",
        "time",
        "cost",
        "product",
        "facilities",
    ]


async def test_picker_lists_recent_codes_first_and_shows_the_definition(
    make_app: Callable[..., QualcodeApp], demo_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("3", "j", "semicolon", "6", "b", "j", "r")  # r repeats 6b
        await pilot.press("c")
        picker = app.screen
        assert isinstance(picker, CodePicker)
        options = picker.query_one("#picker-list", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(2)]
        assert ids == ["competence.friendly_helpful", "cost"]
        definition = str(picker.query_one("#picker-definition").render())
        assert "Petugas ramah" in definition or "friendly" in definition.lower()
        await pilot.press(*"waktu tunggu lama", "enter")
        await pilot.pause()
    project = open_project(str(demo_dir))
    got = [c.code for c in project.codings.codings(doc=FIRST_DOC)]
    project.close()
    assert sorted(got) == sorted(
        ["cost", "competence.friendly_helpful", "competence.friendly_helpful", "time.long_wait"]
    )


async def test_in_vivo_code_from_the_selected_words(
    make_app: Callable[..., QualcodeApp], demo_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "j", "w", "W", "W", "i")  # "Yes, of course"
        await pilot.pause()
        tree = app.screen.query_one(CodeTree)
        assert tree.codebook is not None and "invivo.yes_of_course" in tree.codebook
    project = open_project(str(demo_dir))
    cb = project.codebook()
    (c,) = project.codings.codings(doc=FIRST_DOC)
    project.close()
    assert cb["invivo.yes_of_course"].label == "Yes, of course"
    assert (c.code, c.quote) == ("invivo.yes_of_course", "Yes, of course")
    assert "invivo.yes_of_course" in (demo_dir / "kepmenpan-63.yaml").read_text(encoding="utf-8")


async def test_several_codes_on_a_span_are_listed_and_one_is_removed(
    make_app: Callable[..., QualcodeApp], demo_dir: Path, messages: Messages
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35), message_hook=messages.append) as pilot:
        await pilot.pause()
        await pilot.press("j", "1", "2", "3", "x")
        modal = app.screen
        assert isinstance(modal, ChoiceModal)
        assert [key for key, _ in modal.items] and len(modal.items) == 3
        # each coding by its label, coder and first words: no offsets, no guid
        assert [str(label) for _, label in modal.items] == [
            f"■ {name}  tester  «Is it all right if I record the…»"
            for name in ("Biaya pelayanan", "Prosedur pelayanan", "Waktu penyelesaian")
        ]
        await pilot.press("down", "enter")
        await pilot.pause()
    project = open_project(str(demo_dir))
    left = sorted(c.code for c in project.codings.codings(doc=FIRST_DOC))
    project.close()
    assert left == ["cost", "time"]  # the list is cost, procedure, time: the second went
    assert messages.notices() == [
        "removed Prosedur pelayanan from «Is it all right if I record the…»"
    ]
