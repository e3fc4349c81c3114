"""An import holds the write lock only for its inserts: another coder's coding
commits while the import does its language work, and between the short
transactions that index a large document for search."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from qualcode import services
from qualcode.store import Project, open_project
from qualcode.store.search import SEARCH_PENDING

DOC = "wawancara_01_pedagang_pasar"


def _transcript(folder: Path, sentences: int = 400) -> Path:
    path = folder / "interview_big.txt"
    turns = []
    for i in range(sentences // 4):
        turns.append(
            f"Pewawancara: Pertanyaan nomor {i}, berapa lama Ibu antre?\n\n"
            f"Narasumber: Saya antre {i} jam. Petugas datang telat. Biaya mahal sekali.\n\n"
        )
    path.write_text("".join(turns), encoding="utf-8")
    return path


def test_a_coding_commits_while_an_import_does_its_language_work(
    demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import qualcode.nlp.segment as seg

    started, proceed = threading.Event(), threading.Event()
    original = seg.segment

    def slow_segment(*args: Any, **kw: Any) -> Any:
        started.set()
        assert proceed.wait(30), "the test never let the import go on"
        return original(*args, **kw)

    monkeypatch.setattr(seg, "segment", slow_segment)
    source = _transcript(tmp_path)
    importer = open_project(str(demo_dir))
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["report"] = services.import_transcripts(importer, [source])
        except BaseException as exc:  # pragma: no cover - shown by the assertion below
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert started.wait(30)
        coder = open_project(str(demo_dir), coder="budi")
        try:
            t0 = time.perf_counter()
            coding, created = coder.codings.apply_coding(DOC, "cost", 10, 20)
            waited = time.perf_counter() - t0
        finally:
            coder.close()
        assert created
        assert waited < 1.0, f"the coding waited {waited:.2f} s for the import's language work"
    finally:
        proceed.set()
        thread.join(60)
        importer.close()
    assert "error" not in outcome, outcome.get("error")
    assert [r.name for r in outcome["report"].imported] == ["interview_big"]
    with open_project(str(demo_dir)) as p:
        assert [c.guid for c in p.codings.codings(coder="budi")] == [coding.guid]


def test_a_coding_commits_between_the_transactions_that_index_a_document(
    demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search entries of a new document follow in short transactions; another
    coder's coding gets in between two of them."""
    from qualcode.nlp.segment import segment
    from qualcode.services.imports import prepare_document

    project = open_project(str(demo_dir))
    doc = prepare_document(_transcript(tmp_path))
    project.documents.add_document(doc, segment(doc.text, doc.turns, doc.lang or "id"), index=False)
    assert project.get_setting(SEARCH_PENDING)
    import qualcode.store.search as search

    chunks: list[int] = []
    gate, go = threading.Event(), threading.Event()
    original = search.index_missing

    def one_chunk(*args: Any, **kw: Any) -> tuple[int, int]:
        added, last = original(*args, **kw)
        chunks.append(added)
        return added, last

    real_sleep = time.sleep

    def pause(seconds: float) -> None:  # between two index transactions
        if len(chunks) == 1:
            gate.set()
            assert go.wait(30)
        real_sleep(seconds)

    monkeypatch.setattr(search, "index_missing", one_chunk)
    monkeypatch.setattr(search, "_pause", pause)
    thread = threading.Thread(target=lambda: project.search.index_pending(chunk=20))
    thread.start()
    try:
        assert gate.wait(30)
        coder = open_project(str(demo_dir), coder="budi")
        try:
            t0 = time.perf_counter()
            coder.codings.apply_coding(DOC, "cost", 10, 20)
            assert time.perf_counter() - t0 < 1.0
            # the document is whole but only partly searchable until its index is done
            assert "interview_big" in coder.documents.document_names()
        finally:
            coder.close()
    finally:
        go.set()
        thread.join(60)
    assert chunks[:5] == [20] * 5 and sum(chunks) == 400
    assert project.get_setting(SEARCH_PENDING) == {}
    assert len(services.search(project, "telat", doc="interview_big")) == 100
    project.close()


def test_opening_the_project_finishes_an_index_a_kill_cut_off(
    demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualcode.nlp.segment import segment
    from qualcode.services.imports import prepare_document

    project: Project = open_project(str(demo_dir))
    doc = prepare_document(_transcript(tmp_path))
    # the document's transaction committed, then the process was killed: no index yet
    project.documents.add_document(doc, segment(doc.text, doc.turns, doc.lang or "id"), index=False)
    assert services.search(project, "telat", doc="interview_big") == []
    logged = len(project.log.actions())
    project.close()
    # opened at once, its importer may still be at work: left alone
    with open_project(str(demo_dir)) as soon:
        assert list(soon.get_setting(SEARCH_PENDING).values())
    monkeypatch.setattr("qualcode.store.project.STALE_INDEXING_S", 0.0)
    again = open_project(str(demo_dir))
    try:
        assert again.get_setting(SEARCH_PENDING) == {}
        assert len(services.search(again, "telat", doc="interview_big")) == 100
        # indexing is part of the import's action: no log entry, nothing to undo
        assert len(again.log.actions()) == logged
        assert again.log.actions(1)[0]["kind"] == "import"
    finally:
        again.close()
