"""Supervisor review: verdicts with comments, threads, replies, revisions, queues."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.core.review import ReviewEntryIn
from qualcode.errors import ConflictError, InputError, NotFoundError
from qualcode.store import Project, open_project
from tests.conftest import D1, FAKE_NOW, dump_db, span


def test_dispute_records_reviewer_time_and_comment_and_leaves_the_coding_alone(
    matrix_project: Project, matrix_guids: dict[str, str]
) -> None:
    guid = matrix_guids["c4"]
    before = matrix_project.review.coding_by_guid(guid)
    after = matrix_project.review.review_coding(
        guid, "disputed", "Bukan biaya resmi", reviewer="dosen"
    )
    assert (after.review, after.reviewer, after.reviewed_at) == ("disputed", "dosen", FAKE_NOW)
    for field in ("coder", "origin", "status", "anchor", "start", "end", "code", "quote"):
        assert getattr(after, field) == getattr(before, field), field
    (entry,) = matrix_project.review.review_thread(guid)
    assert (entry.author, entry.kind, entry.text, entry.at) == (
        "dosen",
        "disputed",
        "Bukan biaya resmi",
        FAKE_NOW,
    )


def test_the_reviewer_defaults_to_the_projects_coder(
    matrix_path: Path, matrix_guids: dict[str, str]
) -> None:
    project = open_project(str(matrix_path), coder="supervisor")
    try:
        coding = project.review.review_coding(matrix_guids["c1"], "approved")
    finally:
        project.close()
    assert coding.reviewer == "supervisor"


def test_round_trip_dispute_reply_revision_back_to_reviewer_thread_kept(
    matrix_project: Project, matrix_guids: dict[str, str]
) -> None:
    guid = matrix_guids["c1"]
    matrix_project.review.review_coding(guid, "disputed", "Terlalu sempit", reviewer="dosen")
    assert [i.coding.guid for i in matrix_project.review.review_queue("disputed")] == [guid]
    assert matrix_project.review.review_queue("awaiting") == []
    matrix_project.review.reply_review(guid, "Saya perluas ke kalimat berikutnya", author="ana")
    assert [i.coding.guid for i in matrix_project.review.review_queue("awaiting")] == [guid]
    start, end = span(D1, "Dua jam antre. Petugas datang telat.")
    revised = matrix_project.review.revise_coding(guid, end=end, comment="diperluas", author="ana")
    assert (revised.start, revised.end, revised.quote) == (start, end, D1[start:end])
    assert revised.review == "unreviewed"
    assert (revised.coder, revised.origin, revised.status, revised.guid) == (
        "ana",
        "manual",
        "accepted",
        guid,
    )
    assert [i.coding.guid for i in matrix_project.review.review_queue("awaiting")] == [guid]
    assert matrix_project.review.review_queue("disputed") == []
    matrix_project.review.review_coding(guid, "approved", "OK", reviewer="dosen")
    assert matrix_project.review.review_queue("awaiting") == []
    thread = matrix_project.review.review_thread(guid)
    assert [(t.author, t.kind) for t in thread] == [
        ("dosen", "disputed"),
        ("ana", "reply"),
        ("ana", "revision"),
        ("dosen", "approved"),
    ]
    assert thread[2].text.startswith(f"span {start}-") and thread[2].text.endswith(": diperluas")


def test_revising_the_code_keeps_the_thread(
    matrix_project: Project, matrix_guids: dict[str, str]
) -> None:
    guid = matrix_guids["c4"]
    matrix_project.review.review_coding(guid, "disputed", "Ini soal waktu?", reviewer="dosen")
    coding = matrix_project.review.revise_coding(guid, code="time.late", author="ana")
    assert coding.code == "time.late"
    assert [t.kind for t in matrix_project.review.review_thread(guid)] == ["disputed", "revision"]


def test_review_is_one_undoable_action_each(
    matrix_project: Project, matrix_guids: dict[str, str]
) -> None:
    n = len(matrix_project.log.actions())
    matrix_project.review.review_coding(matrix_guids["c1"], "approved", reviewer="dosen")
    matrix_project.review.review_coding(
        matrix_guids["c1"], "approved", reviewer="dosen"
    )  # no change
    actions = matrix_project.log.actions()
    assert len(actions) == n + 1
    assert actions[0]["kind"] == "review"


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda p, g: p.review.review_coding(g["c1"], "maybe"), InputError),
        (lambda p, g: p.review.review_coding("no-such-guid", "approved"), NotFoundError),
        (lambda p, g: p.review.reply_review(g["c1"], "  "), InputError),
        (lambda p, g: p.review.revise_coding(g["c1"]), InputError),
        (lambda p, g: p.review.revise_coding(g["c1"], start=5, end=2), InputError),
        (lambda p, g: p.review.revise_coding(g["c1"], code="nope"), NotFoundError),
        # c5 has the same code; moving c1 onto c5's span would duplicate it
        (
            lambda p, g: p.review.revise_coding(
                g["c1"], start=D1.index("Berapa"), end=D1.index("?") + 1
            ),
            ConflictError,
        ),
    ],
    ids=["verdict", "guid", "empty-reply", "no-change", "bad-span", "bad-code", "duplicate"],
)
def test_bad_review_input_changes_nothing(
    matrix_project: Project, matrix_path: Path, matrix_guids: dict[str, str], call, error
) -> None:
    before = dump_db(matrix_path)
    with pytest.raises(error):
        call(matrix_project, matrix_guids)
    assert dump_db(matrix_path) == before


def test_apply_reviews_reports_unmatched_rows_and_applies_the_rest(
    matrix_project: Project, matrix_guids: dict[str, str]
) -> None:
    entries = [
        ReviewEntryIn(matrix_guids["c1"], "approved", "", code="time.long_wait", row=2),
        ReviewEntryIn(matrix_guids["c4"], "disputed", "resmi?", code="cost", row=3),
        ReviewEntryIn("00000000-dead-beef-0000-000000000000", "approved", "", row=4),
        ReviewEntryIn(matrix_guids["c6"], "approved", "", code="time", row=5),
        ReviewEntryIn(matrix_guids["c7"], "", "", row=6),
    ]
    # rows without recorded states (an earlier qualcode's sheet, --overwrite): as they are
    report = matrix_project.review.apply_reviews(
        entries, reviewer="dosen", source="r.xlsx", overwrite=True
    )
    assert (report.changed, report.unchanged) == (2, 1)
    assert report.unmatched == (
        "r.xlsx:4: no coding with guid '00000000-dead-beef-0000-000000000000': deleted since "
        "the export, or the sheet is from another project",
        "r.xlsx:5: the coding “Tidak ada biaya.” (Biaya, d2) is coded 'cost', the sheet says 'time'",
    )
    again = matrix_project.review.apply_reviews(
        entries[:2], reviewer="dosen", source="r.xlsx", overwrite=True
    )
    assert (again.changed, again.unchanged) == (0, 2)  # applying the same rows twice is harmless
