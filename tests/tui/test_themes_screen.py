"""The themes screen (issue 19 point 2): codes with counts, filter as you type,
marking, one keystroke into a theme / a new theme / a sub-theme, key extracts and
their order, relations added and followed, the theme review, status and definition,
every change one undoable action, messages in the researcher's words."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.picker import ChoiceModal, NodePicker
from qualcode.tui.screens.theme_review import ThemeReviewScreen
from qualcode.tui.screens.themes import CodeList, PassageList, ThemesScreen, ThemeTree
from tests.tui.conftest import Messages
from tests.tui.waits import wait_for

DOC = "interview_07_ngo_observer"


def code_some(demo_dir: Path) -> list[str]:
    """Code sentences 3, 6 and 9 of every document with procedure codes; returns the
    guids of the codings of ``procedure.not_sop``, in document order."""
    project = open_project(str(demo_dir))
    try:
        for name in project.documents.document_names():
            doc = project.documents.document(name)
            for i, code in ((2, "procedure.not_sop"), (5, "procedure.unclear_requirements")):
                s = doc.sentences[i]
                project.codings.apply_coding(name, code, s.start, s.end)
            s = doc.sentences[8]
            project.codings.apply_coding(name, "time.late_letters", s.start, s.end)
        return [c.guid for c in project.codings.codings(code="procedure.not_sop")]
    finally:
        project.close()


async def press(pilot: Pilot[None], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


def highlight_code(screen: ThemesScreen, code: str) -> None:
    codes = screen.query_one(CodeList)
    for i in range(codes.option_count):
        if codes.get_option_at_index(i).id == code:
            codes.highlighted = i
            return
    raise AssertionError(code)


def themes_of(demo_dir: Path) -> list[tuple[str, str | None, tuple[str, ...]]]:
    project = open_project(str(demo_dir))
    try:
        return [(t.id, t.parent, t.codes) for t in project.themes.themes()]
    finally:
        project.close()


def listed_codes(codes: CodeList) -> list[str]:
    """The codes the list shows (its options but the group headings), in order."""
    return [
        str(o.id)
        for o in (codes.get_option_at_index(i) for i in range(codes.option_count))
        if o.id is not None
    ]


async def test_codes_marked_into_a_new_theme_a_sub_theme_and_the_highlighted_theme(
    make_app: Callable[..., QualcodeApp], demo_dir: Path, messages: Messages
) -> None:
    code_some(demo_dir)
    app = make_app()
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await pilot.pause()
        await press(pilot, "E")
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        # every code is listed, in no theme yet, with its passages and documents
        codes = screen.query_one(CodeList)
        assert len(listed_codes(codes)) == 30
        assert str(codes.get_option_at_index(0).prompt) == "In no theme (30)"
        await wait_for(pilot, lambda: screen.people_ready, "the participants")
        highlight_code(screen, "procedure.not_sop")
        line = str(codes.highlighted_option.prompt)  # type: ignore[union-attr]
        assert line.startswith(" ■  Pelayanan tidak sesua")  # cut with …, the counts never
        assert "…" in line
        # 8 passages in 8 documents; one of them said by a participant (the others
        # are the interviewer's words)
        assert line.split()[-3:] == ["8", "8", "1"]
        # mark two, make a theme of them
        await press(pilot, "space")
        highlight_code(screen, "procedure.unclear_requirements")
        await press(pilot, "space", "n", *"Layanan berbelit", "enter")
        assert themes_of(demo_dir) == [
            ("layanan_berbelit", None, ("procedure.not_sop", "procedure.unclear_requirements"))
        ]
        assert messages.notices()[-1] == (
            "made Layanan berbelit, a new theme, of Pelayanan tidak sesuai SOP and "
            "Persyaratan tidak jelas"
        )
        assert screen.marked == []
        assert str(codes.get_option_at_index(0).prompt) == "In no theme (28)"
        # a sub-theme of the highlighted theme, of one marked code
        highlight_code(screen, "time.late_letters")
        await press(pilot, "space", "s", *"Surat lambat", "enter")
        assert themes_of(demo_dir)[1] == (
            "surat_lambat",
            "layanan_berbelit",
            ("time.late_letters",),
        )
        assert messages.notices()[-1] == (
            "made Surat lambat, a sub-theme of Layanan berbelit, of Surat tidak selesai "
            "sesuai waktu SOP"
        )
        # the highlighted code into the highlighted theme (the new sub-theme)
        highlight_code(screen, "procedure")
        await press(pilot, "t")
        assert themes_of(demo_dir)[1][2] == ("time.late_letters", "procedure")
        assert messages.notices()[-1] == "put Prosedur pelayanan into Surat lambat"
        # u takes back exactly that, ctrl+r does it again
        await press(pilot, "u")
        assert themes_of(demo_dir)[1][2] == ("time.late_letters",)
        await press(pilot, "ctrl+r")
        assert themes_of(demo_dir)[1][2] == ("time.late_letters", "procedure")


async def test_filter_as_you_type_and_codes_in_no_theme_apart(
    make_app: Callable[..., QualcodeApp], demo_dir: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await press(pilot, "E")
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        await press(pilot, "slash", *"syarat")
        assert isinstance(app.focused, Input)
        codes = screen.query_one(CodeList)
        shown = [codes.get_option_at_index(i).id for i in range(codes.option_count)]
        # matched as the code picker matches (inside longer words, best first)
        assert shown == [
            None,
            "procedure.clear_requirements",
            "procedure.unclear_requirements",
            "procedure",
        ]
        # letters went to the filter, not to the screen's keys
        assert themes_of(demo_dir) == []
        await press(pilot, "enter")
        assert type(app.focused).__name__ == "CodeList"
        await press(pilot, "slash", "escape")
        assert len(listed_codes(screen.query_one(CodeList))) == 30


async def test_key_extracts_marked_from_the_passages_and_reordered(
    make_app: Callable[..., QualcodeApp], demo_dir: Path, messages: Messages
) -> None:
    guids = code_some(demo_dir)
    project = open_project(str(demo_dir))
    project.themes.add_theme({"id": "Layanan berbelit"}, codes=["procedure.not_sop"])
    project.close()
    app = make_app()
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await pilot.pause()
        await press(pilot, "E", "tab")
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        assert isinstance(app.focused, ThemeTree)
        # the theme's passages are beside it
        passages = screen.query_one(PassageList)
        assert passages.option_count == 8
        await press(pilot, "tab")
        assert type(app.focused).__name__ == "PassageList"
        await press(pilot, "x", "j", "x")
        project = open_project(str(demo_dir))
        (theme,) = project.themes.themes()
        assert [e.coding for e in theme.extracts] == [guids[0], guids[1]]
        first_words = messages.notices()[-1]
        assert first_words.endswith(" is a key extract of Layanan berbelit")
        assert first_words.startswith("«")
        # extracts come first, numbered; K moves the highlighted one up
        assert str(passages.get_option_at_index(1).prompt).startswith("★2 ")
        passages.highlighted = 1
        await press(pilot, "K")
        (theme,) = project.themes.themes()
        assert [e.coding for e in theme.extracts] == [guids[1], guids[0]]
        assert messages.notices()[-1].endswith(" is key extract 1 of Layanan berbelit")
        # x on an extract takes it off again
        await press(pilot, "x")
        (theme,) = project.themes.themes()
        assert [e.coding for e in theme.extracts] == [guids[0]]
        await press(pilot, "u")
        (theme,) = project.themes.themes()
        assert [e.coding for e in theme.extracts] == [guids[1], guids[0]]
        project.close()
        # enter on a passage opens it in the transcript
        passages.highlighted = 0
        passages.focus()
        await press(pilot, "enter")
        assert isinstance(app.screen, CodingScreen)
        assert app.screen.current_doc is not None


async def test_relation_added_listed_and_followed(
    make_app: Callable[..., QualcodeApp], demo_dir: Path, messages: Messages
) -> None:
    code_some(demo_dir)
    project = open_project(str(demo_dir))
    project.themes.add_theme({"id": "Layanan berbelit"}, codes=["procedure.not_sop"])
    project.themes.add_theme({"id": "Surat lambat"}, codes=["time.late_letters"])
    project.close()
    app = make_app()
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await pilot.pause()
        await press(pilot, "E", "tab", "l")
        assert isinstance(app.screen, ChoiceModal)
        await press(pilot, "down", "enter")  # leads to
        assert isinstance(app.screen, NodePicker)
        await press(pilot, *"surat lambat", "enter")
        assert messages.notices()[-1] == "related: Layanan berbelit mengarah ke Surat lambat"
        project = open_project(str(demo_dir))
        (rel,) = project.themes.relations()
        assert (rel.source.name, rel.type, rel.target.name) == (
            "layanan_berbelit",
            "leads_to",
            "surat_lambat",
        )
        project.close()
        await press(pilot, "L")
        assert isinstance(app.screen, ChoiceModal)
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        node = screen.query_one(ThemeTree).cursor_node
        assert node is not None and node.data is not None
        assert (node.data.kind, node.data.key) == ("theme", "surat_lambat")


async def test_status_definition_and_review(
    make_app: Callable[..., QualcodeApp], demo_dir: Path, messages: Messages
) -> None:
    code_some(demo_dir)
    project = open_project(str(demo_dir))
    project.themes.add_theme({"id": "Layanan berbelit"}, codes=["procedure.not_sop"])
    project.close()
    app = make_app()
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        await pilot.pause()
        await press(pilot, "E", "tab", "S", "down", "down", "down", "enter")
        await press(pilot, "enter")  # an empty reason is refused
        assert messages.notices()[-1] == "a theme is discarded with a reason"
        await press(pilot, "S", "down", "enter")
        assert messages.notices()[-1] == "Layanan berbelit is reviewed now"
        await press(pilot, "D", *"Prosedur yang berbelit", "ctrl+s")
        project = open_project(str(demo_dir))
        (theme,) = project.themes.themes()
        assert (theme.status, theme.definition) == ("reviewed", "Prosedur yang berbelit")
        project.close()
        info = str(app.screen.query_one("#themes-info").render())
        assert "reviewed" in info and "Prosedur yang berbelit" in info
        await press(pilot, "v")
        review = app.screen
        assert isinstance(review, ThemeReviewScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        body = str(review.query_one("#theme-review-body").render())
        assert body.startswith(
            "8 passages, 8 documents, 1 participant, 1 case\n"
            "⚠ the whole theme rests on one participant\n"
            "no key extract yet\n"
        )
        assert "Codes with no key extract: Pelayanan tidak sesuai SOP" in body
        assert "Codes in no theme: Prosedur pelayanan, " in body
        await press(pilot, "escape")
        assert isinstance(app.screen, ThemesScreen)


async def test_undo_says_what_it_took_back_in_the_researchers_words(
    make_app: Callable[..., QualcodeApp], demo_dir: Path, messages: Messages
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await pilot.pause()
        await press(pilot, "E", "space", "n", *"Antre lama", "enter")
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        highlight_code(screen, "time.late_letters")
        await press(pilot, "t", "u")
        assert messages.notices()[-1] == (
            "undid: put Surat tidak selesai sesuai waktu SOP into Antre lama"
        )
        await press(pilot, "u")
        assert messages.notices()[-1] == "undid: made the theme Antre lama"
        await press(pilot, "ctrl+r")
        assert messages.notices()[-1] == "redid: made the theme Antre lama"


async def test_reached_from_the_palette_and_its_actions_in_it(
    make_app: Callable[..., QualcodeApp],
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Themes: organise codes into themes while reading their passages" in titles
        await press(pilot, "E")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Make a new theme of the marked codes (asks its name)" in titles
        assert "Review the highlighted theme: passages, documents, participants, gaps" in titles


async def test_many_passages_fill_the_pane_first_and_the_rest_follows(
    make_app: Callable[..., QualcodeApp], demo_dir: Path
) -> None:
    """A code with more passages than the pane shows: the first frame holds those
    that fill the pane, the rest (up to the 150 listed) follow after it; a rest still
    due when the pane shows another code's passages is dropped."""
    from qualcode.tui.screens.themes import PASSAGES_MAX, Focus

    project = open_project(str(demo_dir))
    try:
        for name in project.documents.document_names():
            doc = project.documents.document(name)
            for s in doc.sentences[:30]:
                project.codings.apply_coding(name, "cost", s.start, s.end)
        doc = project.documents.document(project.documents.document_names()[0])
        for s in doc.sentences[:2]:
            project.codings.apply_coding(doc.name, "procedure.not_sop", s.start, s.end)
        total = len(project.codings.codings(code="cost"))
        assert total > PASSAGES_MAX
        cost = [c.guid for c in project.codings.codings(code="cost")][:PASSAGES_MAX]
        not_sop = [c.guid for c in project.codings.codings(code="procedure.not_sop")]
    finally:
        project.close()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await press(pilot, "E")
        screen = app.screen
        assert isinstance(screen, ThemesScreen)
        passages = screen.query_one(PassageList)
        highlight_code(screen, "cost")
        screen._show_passages(Focus("code", "cost"))
        # before the frame: the passages that fill the pane, no more
        first = passages.option_count
        assert 0 < first < 30
        assert passages.highlighted == 0
        await wait_for(pilot, lambda: passages.option_count == PASSAGES_MAX, "the rest")
        assert [passages.get_option_at_index(i).id for i in range(PASSAGES_MAX)] == cost
        assert passages.highlighted == 0
        pane = screen.query_one("#themes-passages-pane")
        assert str(pane.border_subtitle).startswith(f"{total} passages in ")
        # another code before the rest came: its passages only
        screen.shown_for = None
        screen._show_passages(Focus("code", "cost"))
        screen._show_passages(Focus("code", "procedure.not_sop"))
        # a callback after the frame runs after those asked for before it
        probed: list[bool] = []
        screen.call_after_refresh(probed.append, True)
        await wait_for(pilot, lambda: bool(probed), "the frame after")
        assert [passages.get_option_at_index(i).id for i in range(passages.option_count)] == (
            not_sop
        )
