"""Undo and redo from the action log: per coder, grouped, across restarts, refusing conflicts."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.core.codebook import Code
from qualcode.errors import ConflictError, QualcodeError
from qualcode.store import Project, open_project
from tests.conftest import hypothesis_examples

DOC = "wawancara_01_pedagang_pasar"


@pytest.fixture
def demo(demo_dir: Path) -> Iterator[Project]:
    """The demo project opened by a coder with no history yet (the demo's codebook
    sync belongs to the coder who built it)."""
    project = open_project(str(demo_dir), coder="nia")
    yield project
    project.close()


def dump(path: Path) -> list[str]:
    """The whole database except the action log (which only ever grows)."""
    con = sqlite3.connect(path)
    try:
        return [
            line
            for line in con.iterdump()
            if not line.startswith(('INSERT INTO "actions"', 'INSERT INTO "coders"'))
        ]
    finally:
        con.close()


def test_undo_and_redo_a_coding(demo: Project, demo_dir: Path) -> None:
    before = dump(demo_dir / "qualcode.db")
    s = demo.documents.document(DOC).sentences[3]
    demo.codings.apply_coding(DOC, "cost", s.start, s.end)
    after = dump(demo_dir / "qualcode.db")
    assert demo.history.can_undo() == f"code {DOC} [{s.start}:{s.end}] with cost"
    step = demo.history.undo()
    assert step is not None and step.kinds == ("code",)
    assert dump(demo_dir / "qualcode.db") == before
    assert demo.history.can_undo() is None
    assert demo.history.undo() is None
    step = demo.history.redo()
    assert step is not None
    assert dump(demo_dir / "qualcode.db") == after
    assert demo.history.redo() is None
    kinds = [a["kind"] for a in demo.log.actions(3)]
    assert kinds == ["redo", "undo", "code"]


def test_history_survives_closing_the_project(demo_dir: Path) -> None:
    project = open_project(str(demo_dir), coder="nia")
    before = dump(demo_dir / "qualcode.db")
    s = project.documents.document(DOC).sentences[0]
    project.codings.apply_coding(DOC, "time", s.start, s.end)
    project.memos.add_memo("document", DOC, "first read")
    project.close()
    project = open_project(str(demo_dir), coder="nia")
    assert project.history.undo() is not None
    assert project.history.undo() is not None
    project.close()
    assert dump(demo_dir / "qualcode.db") == before


def test_a_new_action_clears_redo(demo: Project) -> None:
    s = demo.documents.document(DOC).sentences
    demo.codings.apply_coding(DOC, "cost", s[0].start, s[0].end)
    demo.history.undo()
    assert demo.history.redo() is not None
    demo.history.undo()
    demo.codings.apply_coding(DOC, "time", s[1].start, s[1].end)
    assert demo.history.redo() is None


def test_a_group_is_undone_as_one_step(demo: Project) -> None:
    s = demo.documents.document(DOC).sentences
    demo.codings.apply_coding(DOC, "cost", s[0].start, s[0].end)
    group = str(uuid.uuid4())
    for sent in s[1:6]:
        demo.codings.apply_coding(DOC, "time", sent.start, sent.end, group=group)
    step = demo.history.undo()
    assert step is not None and len(step.seqs) == 5
    assert [c.code for c in demo.codings.codings(doc=DOC)] == ["cost"]
    step = demo.history.redo()
    assert step is not None and len(step.seqs) == 5
    assert len(demo.codings.codings(doc=DOC)) == 6


def test_histories_are_per_coder(demo: Project, demo_dir: Path) -> None:
    s = demo.documents.document(DOC).sentences
    demo.codings.apply_coding(DOC, "cost", s[0].start, s[0].end)
    other = open_project(str(demo_dir), coder="ani")
    other.codings.apply_coding(DOC, "time", s[1].start, s[1].end)
    step = demo.history.undo()  # undoes nia's coding, not ani's
    assert step is not None
    assert [(c.code, c.coder) for c in demo.codings.codings(doc=DOC)] == [("time", "ani")]
    assert other.history.undo() is not None
    assert other.history.undo() is None
    other.close()


def test_an_undo_that_would_clobber_someone_elses_change_is_refused(
    demo: Project, demo_dir: Path
) -> None:
    s = demo.documents.document(DOC).sentences
    coding, _ = demo.codings.apply_coding(DOC, "cost", s[0].start, s[0].end)
    other = open_project(str(demo_dir), coder="ani")
    other.memos.set_coding_memo(coding.guid, "ani's note on tester's coding")
    before = dump(demo_dir / "qualcode.db")
    with pytest.raises(ConflictError, match="cannot undo .* changed since"):
        demo.history.undo()
    assert dump(demo_dir / "qualcode.db") == before
    other.close()


def test_a_barrier_ends_the_history_but_an_import_does_not(demo: Project) -> None:
    s = demo.documents.document(DOC).sentences
    demo.codings.apply_coding(DOC, "cost", s[0].start, s[0].end)
    with demo.write("import", "import another", undoable=False, extra={"document": "x"}):
        pass
    assert demo.history.can_undo() is not None
    with demo.write("reimport", "re-import a document", undoable=False, extra={"barrier": True}):
        pass
    assert demo.history.can_undo() is None
    assert demo.history.undo() is None


def test_codebook_edits_are_undone(demo: Project) -> None:
    before = demo.codebook()
    s = demo.documents.document(DOC).sentences
    demo.codings.apply_coding(DOC, "cost.unofficial_fee", s[0].start, s[0].end)
    demo.codes.add_code(Code(id="cost.broker", label="Calo", parent="cost"))
    demo.codes.merge_code("cost.unofficial_fee", "cost.broker")
    demo.codes.update_code("cost", color="#123456", key="9")
    demo.codes.move_code("time", "procedure")
    demo.codes.change_code_id("competence", "staff")
    for _ in range(5):
        step = demo.history.undo()
        assert step is not None and step.codebook_changed
    assert demo.codebook() == before
    assert [c.code for c in demo.codings.codings(doc=DOC)] == ["cost.unofficial_fee"]
    assert demo.history.undo() is not None
    assert demo.codings.codings(doc=DOC) == []


# ---------------------------------------------------------------------- property


OPS = (
    "code",
    "code-group",
    "uncode",
    "coding-memo",
    "memo-add",
    "memo-edit",
    "memo-delete",
    "rename",
    "recolor",
    "rekey",
    "move",
    "merge",
    "add-code",
    "delete-code",
    "set-id",
)


def _do(project: Project, op: str, n: int, doc_names: list[str]) -> None:
    """One action chosen by ``op`` with parameters derived from ``n``."""
    codes = [c.id for c in project.codebook()]
    doc = doc_names[n % len(doc_names)]
    sents = project.documents.document(doc).sentences
    codings = project.codings.codings()
    memos = project.memos.memos()
    pick = codes[(n // 7) % len(codes)]
    other = codes[(n // 13) % len(codes)]
    try:
        if op == "code":
            a = sents[(n // 3) % len(sents)]
            b = sents[min((n // 3) % len(sents) + n % 3, len(sents) - 1)]
            project.codings.apply_coding(doc, pick, a.start, b.end)
        elif op == "code-group":
            group = str(uuid.UUID(int=n))
            for k in range(3):
                s = sents[(n + k * 5) % len(sents)]
                project.codings.apply_coding(
                    doc, codes[(n + k) % len(codes)], s.start, s.end, group=group
                )
        elif op == "uncode" and codings:
            project.codings.remove_coding(codings[n % len(codings)].guid)
        elif op == "coding-memo" and codings:
            project.memos.set_coding_memo(
                codings[n % len(codings)].guid, f"memo {n}" if n % 4 else None
            )
        elif op == "memo-add":
            if n % 2:
                project.memos.add_memo("document", doc, f"doc memo {n}")
            else:
                project.memos.add_memo("code", pick, f"code memo {n}")
        elif op == "memo-edit" and memos:
            project.memos.update_memo(memos[n % len(memos)].guid, f"edited {n}")
        elif op == "memo-delete" and memos:
            project.memos.delete_memo(memos[n % len(memos)].guid)
        elif op == "rename":
            project.codes.set_label(pick, f"label {n}", lang=("id", "en", None)[n % 3])
        elif op == "recolor":
            project.codes.update_code(pick, color=f"#{n % 0xFFFFFF:06x}")
        elif op == "rekey":
            project.codes.update_code(pick, key=None if n % 3 == 0 else f"z{n % 10}")
        elif op == "move":
            project.codes.move_code(pick, None if n % 4 == 0 else other, position=n % 3)
        elif op == "merge":
            project.codes.merge_code(pick, other)
        elif op == "add-code":
            project.codes.add_code(
                Code(id=f"new.c{n}", label=f"new {n}", parent=None if n % 2 else other)
            )
        elif op == "delete-code":
            project.codes.delete_code(pick)
        elif op == "set-id":
            project.codes.change_code_id(pick, f"renamed.c{n}")
    except QualcodeError:
        pass  # a refused action writes nothing


@settings(
    derandomize=True,
    deadline=None,
    max_examples=hypothesis_examples(25),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    actions=st.lists(
        st.tuples(st.sampled_from(OPS), st.integers(0, 10**6)), min_size=1, max_size=10
    )
)
def test_undo_all_restores_the_start_and_redo_all_the_end(
    _demo_template: Path, actions: list[tuple[str, int]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "qualcode.db"
        shutil.copyfile(_demo_template / "qualcode.db", db)
        start = dump(db)
        project = open_project(str(db), coder="prop")
        names = project.documents.document_names()
        for op, n in actions:
            _do(project, op, n, names)
        project.close()
        end = dump(db)
        project = open_project(str(db), coder="prop")  # the history outlives the session
        undone = 0
        while project.history.undo() is not None:
            undone += 1
            assert undone < 100
        assert dump(db) == start
        while project.history.redo() is not None:
            undone -= 1
        assert undone == 0
        assert dump(db) == end
        project.close()
