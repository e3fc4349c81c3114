"""Undo and redo messages read from the action log, in the researcher's words."""

from __future__ import annotations

from qualcode import services
from qualcode.core.codebook import Code
from qualcode.store import Project
from tests.conftest import D1, span


def undo_line(project: Project, lang: str = "id") -> str:
    step = services.undo(project)
    assert step is not None
    return services.describe(project, step, lang)


def test_every_workbench_action_reads_back_in_words(matrix_project: Project) -> None:
    p = matrix_project
    start, end = span(D1, "Biaya mahal sekali.")
    coding, _ = p.codings.apply_coding("d1", "time.late", start, end)
    assert services.describe_pending(p, "undo", "id") == (
        "coded «Biaya mahal sekali.» with Petugas telat"
    )
    assert services.describe_pending(p, "undo", "en") == (
        "coded «Biaya mahal sekali.» with Officer late"
    )
    p.memos.set_coding_memo(coding.guid, "later")
    p.codings.remove_coding(coding.guid)
    p.memos.add_memo("document", "d1", "note")
    p.codes.set_label("cost", "Ongkos", lang="id")
    p.codes.add_code(Code(id="cost.broker", label={"id": "Calo", "en": "Broker"}, parent="cost"))
    p.codes.merge_code("cost.broker", "cost")
    p.codes.move_code("facilities.room", "time")
    assert [undo_line(p) for _ in range(8)] == [
        "undid: moved Ruang under Waktu",
        "undid: merged Calo into Ongkos",
        "undid: added the code Calo",
        "undid: renamed the code Biaya",
        "undid: memo on the document d1",
        "undid: removed Petugas telat from «Biaya mahal sekali.»",
        "undid: memo on Petugas telat at «Biaya mahal sekali.»",
        "undid: coded «Biaya mahal sekali.» with Petugas telat",
    ]
    step = services.redo(p)
    assert step is not None
    assert (
        services.describe(p, step, "en") == "redid: coded «Biaya mahal sekali.» with Officer late"
    )


def test_a_deleted_code_is_named_by_the_label_it_had(matrix_project: Project) -> None:
    p = matrix_project
    p.codes.add_code(Code(id="cost.broker", label={"id": "Calo", "en": "Broker"}, parent="cost"))
    p.codes.delete_code("cost.broker")
    assert services.describe_pending(p, "undo", "en") == "deleted the code Broker"
    assert undo_line(p, "en") == "undid: deleted the code Broker"
    assert undo_line(p, "en") == "undid: added the code Broker"  # gone again: its old label


def test_a_batch_is_one_line(matrix_project: Project) -> None:
    p = matrix_project
    group = "batch-1"
    for needle in ("Dua jam antre.", "Petugas datang telat."):
        p.codings.apply_coding("d1", "cost", *span(D1, needle), group=group)
    assert undo_line(p) == "undid: coded 2 passages with Biaya"
    assert services.describe_pending(p, "undo") != ""


def test_nothing_pending(matrix_project: Project) -> None:
    assert services.describe_pending(matrix_project, "redo") == ""
