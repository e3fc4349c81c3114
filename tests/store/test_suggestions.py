"""Suggestions in the store: one batch per run, accept, reject, undo, bulk import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from qualcode import services
from qualcode.core.autocode import Suggestion
from qualcode.errors import InputError, NotFoundError
from qualcode.store import Project
from qualcode.store.base import T_ACTIONS
from tests.conftest import dump_db

DOC = "wawancara_01_pedagang_pasar"


def _sentence_suggestions(project: Project, n: int, code: str = "time") -> list[Suggestion]:
    doc = project.documents.document(DOC)
    return [
        Suggestion(DOC, code, s.start, s.end, "sentence", s.number, ("antre",))
        for s in doc.sentences[:n]
    ]


def _last_action(project: Project) -> dict[str, object]:
    with project.read() as conn:
        row = conn.execute(select(T_ACTIONS).order_by(T_ACTIONS.c.seq.desc())).mappings().first()
    assert row is not None
    return dict(row)


def test_a_run_is_one_action_grouped_by_its_batch(demo: Project) -> None:
    stored = demo.suggestions.add_suggestions(_sentence_suggestions(demo, 5))
    assert stored.created == 5 and stored.batch is not None
    action = _last_action(demo)
    # the run is the action of the person who ran it; its rows are coder "rules"
    assert (action["kind"], action["coder"], action["group_guid"]) == (
        "autocode",
        "tester",
        stored.batch,
    )
    changes = json.loads(str(action["payload"]))["changes"]
    assert [c["op"] for c in changes] == ["insert"] * 5
    assert {c["row"]["run_by"] for c in changes} == {"tester"}
    pending = demo.suggestions.suggestions()
    assert len(pending) == 5
    assert {(c.status, c.coder, c.origin) for c in pending} == {("suggested", "rules", "rules")}
    assert {c.guid for c in pending} == {c["row"]["guid"] for c in changes}
    # suggestions are not codings yet: counts and the frequency matrix leave them out
    assert demo.codings.codings() == []
    assert demo.matrices.frequency().total() == 0


def test_undoing_the_run_restores_the_project_exactly(demo: Project) -> None:
    path = Path(demo.path or "")

    def without_log(lines: list[str]) -> list[str]:
        return [line for line in lines if not line.startswith('INSERT INTO "actions"')]

    before = without_log(dump_db(path))
    report = services.autocode(demo)
    assert report.stored is not None and report.stored.created > 300
    action = _last_action(demo)
    changes = json.loads(str(action["payload"]))["changes"]
    assert len(changes) == report.stored.created
    step = demo.history.undo()
    assert step is not None and step.kinds == ("autocode",)
    assert without_log(dump_db(path)) == before


def test_skipped_when_already_there_rejected_or_coded(demo: Project) -> None:
    first = demo.suggestions.add_suggestions(_sentence_suggestions(demo, 3))
    assert first.created == 3
    again = demo.suggestions.add_suggestions(_sentence_suggestions(demo, 4))
    assert (again.created, again.existing) == (1, 3)
    s1, s2, s3, s4 = demo.suggestions.suggestions()
    demo.suggestions.reject_suggestions([s1.guid])
    demo.suggestions.accept_suggestions([s2.guid])
    # a coder coded sentence 5 with time.long_wait (not time): still suggested
    doc = demo.documents.document(DOC)
    demo.codings.apply_coding(DOC, "time", doc.sentences[4].start + 2, doc.sentences[4].end)
    third = demo.suggestions.add_suggestions(_sentence_suggestions(demo, 5))
    # s1 rejected, s2 accepted (coded), s3, s4 already suggested, sentence 5 coded
    assert (third.created, third.existing, third.rejected, third.coded) == (0, 2, 1, 2)


def test_accept_makes_it_the_coders_coding_and_keeps_the_origin(demo: Project) -> None:
    demo.suggestions.add_suggestions(_sentence_suggestions(demo, 2))
    s1, s2 = demo.suggestions.suggestions()
    (accepted,) = demo.suggestions.accept_suggestions([s1.guid], coder="ani")
    assert (accepted.guid, accepted.status, accepted.coder, accepted.origin) == (
        s1.guid,
        "accepted",
        "ani",
        "rules",
    )
    assert demo.codings.coding(s1.guid).coder == "ani"
    assert [c.guid for c in demo.codings.codings(coder="ani")] == [s1.guid]
    assert _last_action(demo)["coder"] == "tester"  # who accepted, on ani's behalf
    # the coder already has the identical coding: the suggestion folds into it
    mine, _ = demo.codings.apply_coding(DOC, "time", s2.start, s2.end, coder="ani")
    (kept,) = demo.suggestions.accept_suggestions([s2.guid], coder="ani")
    assert kept.guid == mine.guid
    assert demo.suggestions.suggestions() == []
    with pytest.raises(NotFoundError):
        demo.codings.coding(s2.guid)


def test_reject_removes_remembers_and_leaves_a_tombstone(demo: Project) -> None:
    demo.suggestions.add_suggestions(_sentence_suggestions(demo, 1))
    (s,) = demo.suggestions.suggestions()
    demo.suggestions.reject_suggestions([s.guid])
    assert demo.suggestions.suggestions() == []
    with demo.read() as conn:
        tomb = conn.execute(
            text("SELECT kind FROM tombstones WHERE guid = :g"), {"g": s.guid}
        ).scalar()
    assert tomb == "coding"
    assert demo.suggestions.add_suggestions(_sentence_suggestions(demo, 1)).rejected == 1


@pytest.mark.parametrize("action", ["accept_suggestions", "reject_suggestions"])
def test_reviewing_something_that_is_not_a_pending_suggestion_changes_nothing(
    demo: Project, action: str
) -> None:
    demo.suggestions.add_suggestions(_sentence_suggestions(demo, 1))
    (s,) = demo.suggestions.suggestions()
    coding, _ = demo.codings.apply_coding(DOC, "cost", 0, 5)
    path = Path(demo.path or "")
    before = dump_db(path)
    with pytest.raises(InputError, match="not a pending suggestion"):
        getattr(demo.suggestions, action)([s.guid, coding.guid])
    with pytest.raises(NotFoundError):
        getattr(demo.suggestions, action)(["no-such-guid"])
    assert dump_db(path) == before


def test_bulk_import_skips_identical_and_refuses_unknown_documents(demo: Project) -> None:
    doc = demo.documents.document(DOC)
    rows = [(DOC, "cost", s.start, s.end, None) for s in doc.sentences[:3]]
    assert demo.suggestions.import_codings(rows, coder="gold").created == 3
    assert demo.suggestions.import_codings(rows, coder="gold").existing == 3
    assert {(c.coder, c.origin, c.status) for c in demo.codings.codings(coder="gold")} == {
        ("gold", "import", "accepted")
    }
    path = Path(demo.path or "")
    before = dump_db(path)
    with pytest.raises(NotFoundError, match="no document named 'nope'"):
        demo.suggestions.import_codings([*rows, ("nope", "cost", 0, 1, None)], coder="gold")
    with pytest.raises(InputError, match="outside"):
        demo.suggestions.import_codings([(DOC, "cost", 5, 5, None)], coder="gold")
    assert dump_db(path) == before


def test_documents_full_reads_what_document_reads(demo: Project) -> None:
    every = demo.suggestions.documents_full()
    assert [d.name for d in every] == demo.documents.document_names()
    for d in every:
        assert d == demo.documents.document(d.name)
    with pytest.raises(NotFoundError):
        demo.suggestions.documents_full(["nope"])
