"""Retrieval of a code's passages, the code filter, and the search screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import OptionList

from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.picker import ChoiceModal
from qualcode.tui.screens.retrieval import RetrievalScreen
from qualcode.tui.screens.search import SearchScreen
from qualcode.tui.widgets.transcript_view import TranscriptView
from tests.tui.conftest import Messages

DOC = "wawancara_01_pedagang_pasar"
OTHER = "wawancara_02_petugas_loket"


def seed(demo_dir: Path) -> list[tuple[str, int, int]]:
    project = open_project(str(demo_dir), coder="ani")
    spans = []
    for doc, k in ((DOC, 5), (OTHER, 7)):
        s = project.documents.document(doc).sentences[k]
        project.codings.apply_coding(doc, "time.long_wait", s.start, s.end)
        spans.append((doc, s.start, s.end))
    s = project.documents.document(DOC).sentences[2]
    project.codings.apply_coding(DOC, "cost", s.start, s.end)
    project.close()
    return spans


async def test_retrieval_lists_passages_across_documents_and_jumps(
    make_app: Callable[..., QualcodeApp], demo_dir: Path
) -> None:
    spans = seed(demo_dir)
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("R", *"long wait", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RetrievalScreen)
        options = screen.query_one(OptionList)
        assert options.option_count == 2
        first = str(options.get_option_at_index(0).prompt)
        assert DOC in first and "ani" in first
        await pilot.press("down", "enter")
        await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        view = coding.query_one(TranscriptView)
        assert coding.current_doc == OTHER
        assert view.selection is not None
        assert (OTHER, view.selection.start, view.selection.end) == spans[1]


async def test_filter_shows_one_codes_codings(
    make_app: Callable[..., QualcodeApp], demo_dir: Path
) -> None:
    seed(demo_dir)
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        screen.current_doc = DOC
        screen.reload()
        await pilot.pause()
        view = screen.query_one(TranscriptView)
        assert len(view.index) == 2
        await pilot.press("f", *"Waktu penyelesaian", "enter")  # time and its sub-codes
        await pilot.pause()
        assert view.only_codes is not None and "time.long_wait" in view.only_codes
        await pilot.press("g", "n")  # the next coded passage of the filter
        assert view.selection is not None
        shown = {c.code for c in view.codings_at_selection()}
        assert shown == {"time.long_wait"}
        assert "filter: Waktu penyelesaian" in str(screen.query_one("#status").render())
        await pilot.press("f")
        assert view.only_codes is None


async def test_search_jumps_to_a_hit_and_codes_marked_hits_in_one_step(
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
        n = len(search.hits)
        assert n >= 3
        assert all(h.match.lower() == "antre" for h in search.hits)
        line = str(search.query_one(OptionList).get_option_at_index(0).prompt)
        assert search.hits[0].left[-10:] in line and "antre" in line
        await pilot.press("space", "down", "space", "c")
        # the first time, the unit is asked: the sentence is offered first
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("enter", *"antrean", "enter")
        await pilot.pause()
        marked = search.hits[:2]
        project = open_project(str(demo_dir))
        got = sorted((c.doc, c.start, c.end, c.code) for c in project.codings.codings())
        sentences = set()
        for h in marked:
            s = project.documents.document(h.doc).sentences[h.sentence - 1]
            assert s.start <= h.start < h.end <= s.end
            sentences.add((h.doc, s.start, s.end, "time.long_wait"))
        assert got == sorted(sentences)
        await pilot.press("ctrl+l")  # lemma search finds inflected forms too
        await app.workers.wait_for_complete()
        await pilot.pause()
        # whole words whose lemma is antre, not substrings
        assert any(h.match.lower() == "mengantre" for h in search.hits)
        assert all(h.match.isalpha() for h in search.hits)
        hit = search.hits[2]
        await pilot.press("down", "down", "enter")  # jump: the hit becomes the selection
        await pilot.pause()
        coding = app.screen
        assert isinstance(coding, CodingScreen)
        view = coding.query_one(TranscriptView)
        assert coding.current_doc == hit.doc
        assert view.selection is not None
        assert (view.selection.start, view.selection.end) == (hit.start, hit.end)
        await pilot.press("u")  # one undo takes the whole batch back
        await pilot.pause()
        assert project.codings.codings() == []
        project.close()
    assert messages.notices()[0] == (
        "coded 2 sentences with Antrean dan waktu tunggu lama (one undo step)"
    )
