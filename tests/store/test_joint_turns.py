"""A joint turn (``A & B:``) counts for both speakers, their roles and their cases,
in every matrix, in search and in ``turns --json``, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode import services
from qualcode.cli import cli
from qualcode.core.filters import Filters
from qualcode.errors import InputError
from qualcode.store import open_project

FOCUS = (
    "Moderator: Apa pendapat Bapak Ibu soal antrean?\n\n"
    "Pak RT: Antrean terlalu panjang di loket.\n\n"
    "Bu RW: Biayanya juga tidak jelas.\n\n"
    "Moderator & Pak RT: Kita semua setuju prosedurnya berbelit.\n"
)


def _setup(backend: str, tmp_path: Path) -> str:
    path = tmp_path / "fokus.txt"
    path.write_text(FOCUS, encoding="utf-8")
    project = open_project(backend)
    try:
        report = services.import_transcripts(project, [path], case_per_speaker=True)
        assert not report.errors and report.imported
        doc = project.documents.document("fokus")
        joint = doc.turns[3]
        assert (joint.speaker, joint.speakers, joint.roles) == (
            "Moderator & Pak RT",
            ("Moderator", "Pak RT"),
            ("interviewer", "participant"),
        )
        start = doc.text.index("Kita semua")
        project.codings.apply_coding("fokus", "procedure", start, start + len("Kita semua setuju"))
        start = doc.text.index("Antrean terlalu")
        project.codings.apply_coding("fokus", "time", start, start + len("Antrean terlalu panjang"))
    finally:
        project.close()
    return "fokus"


def test_turns_json_names_both_speakers(backend: str, tmp_path: Path) -> None:
    doc = _setup(backend, tmp_path)
    r = CliRunner().invoke(cli, ["--project", backend, "turns", doc, "--json"])
    assert r.exit_code == 0, r.stderr
    turns = json.loads(r.stdout)
    assert [(t["speaker"], t["speakers"], t["roles"]) for t in turns] == [
        ("Moderator", ["Moderator"], ["interviewer"]),
        ("Pak RT", ["Pak RT"], ["participant"]),
        ("Bu RW", ["Bu RW"], ["participant"]),
        ("Moderator & Pak RT", ["Moderator", "Pak RT"], ["interviewer", "participant"]),
    ]


def test_matrices_count_a_joint_turn_for_both_roles_and_cases(backend: str, tmp_path: Path) -> None:
    doc = _setup(backend, tmp_path)
    project = open_project(backend)
    try:
        only = Filters(documents=(doc,))
        by_role = project.matrices.frequency_table(only, by="speaker").codings
        assert by_role.columns == ("interviewer", "participant")
        cells = dict(zip(by_role.rows, by_role.cells, strict=True))
        assert cells["procedure"] == (1, 1)  # the joint turn: both roles
        assert cells["time"] == (0, 1)
        totals = dict(zip(by_role.rows, by_role.row_total_values or (), strict=True))
        assert totals["procedure"] == 1  # once in the totals

        by_case = project.matrices.frequency_table(only, by="case").codings
        cases = list(by_case.columns)
        assert {"Pak RT", "Bu RW"} <= set(cases)
        procedure = dict(zip(cases, by_case.cells[by_case.rows.index("procedure")], strict=True))
        assert (procedure["Pak RT"], procedure["Bu RW"]) == (1, 0)

        participant = Filters(documents=(doc,), speaker_role=("participant",))
        codes = {s.code for s in project.matrices.segments(participant)}
        assert codes == {"procedure", "time"}
        interviewer = Filters(documents=(doc,), speaker_role=("interviewer",))
        assert {s.code for s in project.matrices.segments(interviewer)} == {"procedure"}

        joint = next(s for s in project.matrices.segments(only) if s.code == "procedure")
        assert (joint.speaker, joint.role, joint.cases) == (
            "Moderator & Pak RT",
            "interviewer; participant",
            ("Pak RT",),
        )
        quotes = project.matrices.quote_matrix(only, by="speaker")
        row = quotes.rows.index("procedure")
        assert [len(cell) for cell in quotes.cells[row]] == [1, 1]
    finally:
        project.close()


def test_search_finds_a_joint_turn_by_either_speaker_or_role(backend: str, tmp_path: Path) -> None:
    doc = _setup(backend, tmp_path)
    project = open_project(backend)
    try:
        for who in ("Pak RT", "Moderator", "participant", "interviewer"):
            hits = services.search(project, "setuju", speaker=who, doc=doc)
            assert [h.turn for h in hits] == [4], who
        assert services.search(project, "setuju", speaker="Bu RW", doc=doc) == []
        kwic = services.search_kwic(project, "setuju", speaker="Pak RT", doc=doc)
        assert [h.turn for h in kwic] == [4]
    finally:
        project.close()


def test_roles_of_a_joint_turn_follow_the_speaker_setting(backend: str, tmp_path: Path) -> None:
    doc = _setup(backend, tmp_path)
    project = open_project(backend)
    try:
        services.set_speakers(project, interviewer_labels=["Pak RT"], doc=doc)
        turns = project.documents.document(doc).turns
        assert [t.roles for t in turns] == [
            ("interviewer",),
            ("interviewer",),
            ("participant",),
            ("interviewer", "interviewer"),
        ]
    finally:
        project.close()


def test_delete_and_undo_a_document_on_both_databases(backend: str, tmp_path: Path) -> None:
    """Deleting takes the sentences out of the search index; undo puts them back."""
    doc = _setup(backend, tmp_path)
    project = open_project(backend)
    try:
        with pytest.raises(InputError, match="has 2 codings"):
            project.document_edits.delete_document(doc)
        gone = project.document_edits.delete_document(doc, force=True)
        assert (gone.codings, gone.cases) == (2, ("Bu RW", "Pak RT"))
        assert doc not in project.documents.document_names()
        assert services.search(project, "setuju") == []
        step = project.history.undo()
        assert step is not None and step.summaries == (f"delete document {doc}",)
        assert [h.turn for h in services.search(project, "setuju", doc=doc)] == [4]
        assert project.documents.document(doc).turns[3].speakers == ("Moderator", "Pak RT")
        assert len(project.codings.codings(doc=doc)) == 2
        project.document_edits.rename_document(doc, "fokus-2")
        assert project.history.undo() is not None
        assert doc in project.documents.document_names()
    finally:
        project.close()


def test_a_merge_does_not_bring_back_a_deleted_document(tmp_path: Path) -> None:
    from qualcode.store.project_merge import read_project

    ours_dir = tmp_path / "ours"
    ours_dir.mkdir()
    ours = str(ours_dir / "qualcode.db")
    theirs = tmp_path / "theirs.db"
    import shutil

    from tests.conftest import CODEBOOK

    shutil.copyfile(CODEBOOK, ours_dir / "codebook.yaml")
    services.init_project(ours, ours_dir / "codebook.yaml").close()
    _setup(ours, tmp_path)

    shutil.copyfile(ours, theirs)
    project = open_project(ours)
    try:
        project.document_edits.delete_document("fokus", force=True)
        report = project.merge.merge_from(read_project(str(theirs)))
        assert project.documents.document_names() == []
        assert "their document 'fokus' was deleted here: not added again" in report.notes
    finally:
        project.close()
