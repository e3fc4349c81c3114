"""The coding screen's document list and switcher read every document's codings and
coded share in a worker (issue 18 point 5: no call that can take more than 50 ms on
the interface thread; with 10,000 codings the read took 169 ms).

The list, refilled after an undo, an import or an edit, shows the fresh counts when
the worker's read comes, and drops a read a newer one overtook; the switcher (``o``)
opens with the documents the list shows and reads them again, and a switcher closed
before they come drops them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from textual.widgets import OptionList

from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.screens.documents import DocumentSwitcher
from qualcode.tui.widgets.document_list import DocumentList, progress
from tests.tui.waits import settled, wait_for

FIRST = "interview_07_ngo_observer"


async def test_the_switcher_reads_the_documents_in_a_worker_and_shows_the_fresh_counts(
    make_app: Callable[[], QualcodeApp], monkeypatch: Any
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settled(pilot)
        project = app.project
        coding = app.screen
        assert project is not None and isinstance(coding, CodingScreen)
        before = {d.name: d.codings for d in project.documents.documents()}
        # a passage coded behind the coding screen's back: the list it shows (and
        # opens the switcher with) does not know
        text = project.documents.document(FIRST).text
        start = text.index("Good morning")
        project.codings.apply_coding(FIRST, "time", start, start + len("Good morning"))
        read = project.documents.documents
        threads: list[int] = []

        def counted() -> Any:
            threads.append(threading.get_ident())
            return read()

        monkeypatch.setattr(project.documents, "documents", counted)
        interface = threading.get_ident()
        await pilot.press("o")
        switcher = app.screen
        assert isinstance(switcher, DocumentSwitcher)
        await settled(pilot)
        # read once, and not on the interface thread
        assert len(threads) == 1 and threads[0] != interface
        fresh = {d.name: d for d in read()}
        assert fresh[FIRST].codings == before[FIRST] + 1
        options = switcher.query_one(OptionList)
        prompts = {
            options.get_option_at_index(i).id: str(options.get_option_at_index(i).prompt)
            for i in range(options.option_count)
        }
        assert set(prompts) == set(fresh)
        expected = progress(fresh[FIRST].codings, fresh[FIRST].coded_share)
        assert prompts[FIRST].endswith(expected)
        # what was typed stays typed when the fresh documents come
        await pilot.press(*"guru")
        await settled(pilot)
        assert options.option_count == 1
        assert options.get_option_at_index(0).id == "wawancara_06_guru"


async def test_a_switcher_closed_before_the_documents_come_drops_them(
    make_app: Callable[[], QualcodeApp], monkeypatch: Any
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settled(pilot)
        project = app.project
        assert project is not None
        read = project.documents.documents
        go = threading.Event()
        asked = threading.Event()

        def slow() -> Any:
            asked.set()
            go.wait(30)
            return read()

        monkeypatch.setattr(project.documents, "documents", slow)
        await pilot.press("o")
        switcher = app.screen
        assert isinstance(switcher, DocumentSwitcher)
        opened_with = switcher.documents
        await wait_for(pilot, asked.is_set, "the worker to ask for the documents")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, CodingScreen), "the switcher closed")
        go.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
        # the late documents went nowhere: the closed switcher kept what it had
        assert not switcher.is_attached and switcher.documents is opened_with


def _prompts(app: QualcodeApp) -> dict[str, str]:
    docs = app.screen.query_one(DocumentList)
    return {
        str(docs.get_option_at_index(i).id): str(docs.get_option_at_index(i).prompt)
        for i in range(docs.option_count)
    }


async def test_the_list_after_an_undo_is_read_in_a_worker_and_shows_the_fresh_counts(
    make_app: Callable[[], QualcodeApp], monkeypatch: Any
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settled(pilot)
        project = app.project
        assert project is not None
        await pilot.press("t", "1")  # one coding
        await settled(pilot)
        assert _prompts(app)[FIRST].endswith("\n1 coding · 1% coded")
        read = project.documents.documents
        threads: list[int] = []

        def counted() -> Any:
            threads.append(threading.get_ident())
            return read()

        monkeypatch.setattr(project.documents, "documents", counted)
        interface = threading.get_ident()
        await pilot.press("u")  # undone: the screen reloads
        await settled(pilot)
        assert threads and interface not in threads
        fresh = {d.name: d for d in read()}
        assert fresh[FIRST].codings == 0
        assert _prompts(app)[FIRST].endswith("\n" + progress(0, 0.0))
        assert set(_prompts(app)) == set(fresh)


async def test_a_read_overtaken_by_a_newer_one_is_dropped(
    make_app: Callable[[], QualcodeApp], monkeypatch: Any
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settled(pilot)
        project = app.project
        screen = app.screen
        assert project is not None and isinstance(screen, CodingScreen)
        await pilot.press("t", "1")
        await settled(pilot)
        read = project.documents.documents
        go = threading.Event()
        first = threading.Event()

        def late_first() -> Any:
            if not first.is_set():
                first.set()  # the read after the undo: it answers last
                got = read()
                go.wait(30)
                return got
            return read()

        monkeypatch.setattr(project.documents, "documents", late_first)
        await pilot.press("u")  # the coding undone: its read is held back
        await wait_for(pilot, first.is_set, "the read after the undo")
        await pilot.press("ctrl+r")  # redone: a newer read, answered at once
        await wait_for(pilot, lambda: _prompts(app)[FIRST].endswith("\n1 coding · 1% coded"))
        go.set()  # the older read (no coding) comes now
        await settled(pilot)
        assert _prompts(app)[FIRST].endswith("\n1 coding · 1% coded")
