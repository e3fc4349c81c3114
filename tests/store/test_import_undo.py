"""A transcript import is one undoable action per document, and one step per batch:
``qualcode undo`` removes what it added (document, turns, sentences, search entries,
case links, the cases and front-matter attributes it created) and ``qualcode redo``
puts back exactly those rows; someone else's work on the document refuses the undo,
the person's own goes into the undo and comes back with redo. SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from qualcode.cli import cli
from qualcode.errors import StepRefused
from qualcode.store import Project, open_project
from qualcode.store.base import TABLES

A_TEXT = (
    "---\nparticipant: Budi\ndistrict: Cilandak\n---\n\n"
    "Interviewer: How long did you wait at the kelurahan office?\n\n"
    "Budi: I waited three hours for the zebrafish stamp. Then I went home.\n"
)
B_TEXT = (
    "Interviewer: And the letter from the RT?\n\n"
    "Siti: Two days, and a quokka fee nobody wrote down.\n"
)

SKIP = {"actions", "coders", "settings"}
"""Tables an import or an undo writes besides the rows it adds (the log only grows;
the search-pending list is a setting)."""


def run(location: str, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["--project", location, *args], catch_exceptions=False, prog_name="qualcode"
    )


def contents(location: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the log, in key order: equal contents, equal project."""
    project = open_project(location)
    try:
        out: dict[str, list[tuple[Any, ...]]] = {}
        with project.engine.connect() as conn:
            for name, table in TABLES.items():
                if name in SKIP:
                    continue
                order = list(table.primary_key.columns) or list(table.columns)
                out[name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
        return out
    finally:
        project.close()


def hits(location: str, word: str) -> list[str]:
    project = open_project(location)
    try:
        return [h.doc for h in project.search.search(word)]
    finally:
        project.close()


def files(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "in" / "budi_kelurahan.md", tmp_path / "in" / "siti_rt.txt"
    a.parent.mkdir(parents=True, exist_ok=True)
    a.write_text(A_TEXT, encoding="utf-8")
    b.write_text(B_TEXT, encoding="utf-8")
    return a, b


def test_one_undo_takes_back_a_batch_import_and_redo_brings_it_back(
    backend: str, tmp_path: Path
) -> None:
    a, b = files(tmp_path)
    before = contents(backend)
    r = run(backend, "import", str(a), str(b))
    assert r.exit_code == 0, r.stderr
    imported = contents(backend)
    assert len(imported["documents"]) == len(before["documents"]) + 2
    assert (
        len(imported["cases"]) == len(before["cases"]) + 1
    )  # budi_kelurahan, from its front matter
    assert len(imported["attributes"]) == len(before["attributes"]) + 2
    assert hits(backend, "zebrafish") == ["budi_kelurahan"]
    assert hits(backend, "quokka") == ["siti_rt"]

    r = run(backend, "undo")
    assert r.exit_code == 0, r.stderr
    assert (
        r.stdout == "undid the import of budi_kelurahan and siti_rt: both documents are removed\n"
    )
    assert contents(backend) == before
    assert hits(backend, "zebrafish") == [] and hits(backend, "quokka") == []

    r = run(backend, "redo")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "redid the import of budi_kelurahan and siti_rt: both documents are back\n"
    assert contents(backend) == imported
    assert hits(backend, "zebrafish") == ["budi_kelurahan"]

    # the step can be taken again, both ways
    assert run(backend, "undo").stdout.startswith("undid the import of budi_kelurahan and siti_rt")
    assert contents(backend) == before
    assert run(backend, "redo").exit_code == 0
    assert contents(backend) == imported


def test_undo_after_an_import_takes_back_the_import_not_the_action_before(
    backend: str, tmp_path: Path
) -> None:
    a, _ = files(tmp_path)
    r = run(backend, "code", "wawancara_01_pedagang_pasar", "cost", "--sentence", "5")
    assert r.exit_code == 0, r.stderr
    codings = contents(backend)["codings"]
    assert run(backend, "import", str(a)).exit_code == 0
    r = run(backend, "undo")
    assert r.stdout == "undid the import of budi_kelurahan: the document is removed\n"
    assert contents(backend)["codings"] == codings  # the coding before it stays
    r = run(backend, "undo")
    assert r.stdout.startswith("undid: code wawancara_01_pedagang_pasar [")


def _other(backend: str, request: pytest.FixtureRequest, name: str) -> Project:
    """The project opened by another coder (on PostgreSQL a role of their own)."""
    if backend.startswith("postgresql"):
        from tests.pg import ROLE_PASSWORD, PgDatabase

        db: PgDatabase = request.getfixturevalue("pg_db")
        role = db.role(name)
        owner = open_project(backend)
        try:
            owner.team.add_coder(role, password=ROLE_PASSWORD)
        finally:
            owner.close()
        return open_project(db.url_as(role))
    return open_project(backend, coder=name)


def test_undo_of_an_import_is_refused_when_someone_else_coded_the_document(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    a, _ = files(tmp_path)
    assert run(backend, "import", str(a)).exit_code == 0
    other = _other(backend, request, "rina")
    try:
        s = other.documents.document("budi_kelurahan").sentences[1]
        other.codings.apply_coding("budi_kelurahan", "cost", s.start, s.end)
        who = other.coder
    finally:
        other.close()
    before = contents(backend)
    r = CliRunner().invoke(cli, ["--project", backend, "undo"], prog_name="qualcode")
    assert r.exit_code != 0
    assert r.stderr == (
        "error: cannot undo the import of 'budi_kelurahan': others have worked on it since "
        f"(1 coding by {who}); nothing was changed (an undo never removes someone else's "
        "work: ask them to remove it, or delete the document with 'qualcode documents "
        "delete budi_kelurahan --force' (undoable))\n"
    )
    assert contents(backend) == before
    project = open_project(backend)
    try:
        project.window = "cli"
        with pytest.raises(StepRefused):
            project.history.undo()
    finally:
        project.close()


def test_the_persons_own_codings_go_with_the_undo_and_come_back_with_redo(
    backend: str, tmp_path: Path
) -> None:
    a, _ = files(tmp_path)
    assert run(backend, "import", str(a)).exit_code == 0
    imported = contents(backend)
    # the same person codes it in a workbench window: not the command line's history
    project = open_project(backend)
    try:
        project.window = "tui:tester@host:1"
        s = project.documents.document("budi_kelurahan").sentences[1]
        project.codings.apply_coding("budi_kelurahan", "cost", s.start, s.end)
        project.memos.add_memo("document", "budi_kelurahan", "long wait, no receipt")
    finally:
        project.close()
    coded = contents(backend)
    r = run(backend, "undo")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == (
        "undid the import of budi_kelurahan: the document is removed; 1 of your codings "
        "and 1 of your memos on it went too ('qualcode redo' brings them back)\n"
    )
    after = contents(backend)
    assert after["codings"] == imported["codings"]  # the one on budi_kelurahan went
    assert after["memos"] == imported["memos"]
    assert len(after["documents"]) == len(imported["documents"]) - 1
    r = run(backend, "redo")
    assert r.stdout == (
        "redid the import of budi_kelurahan: the document is back; 1 of your codings "
        "and 1 of your memos on it came back\n"
    )
    assert contents(backend) == coded
    # the workbench window's own history still holds: its undo takes the memo back
    project = open_project(backend)
    try:
        project.window = "tui:tester@host:1"
        step = project.history.undo()
        assert step is not None and step.kinds == ("memo.add",)
    finally:
        project.close()


def test_a_case_the_import_created_stays_when_another_document_uses_it_now(
    backend: str, tmp_path: Path
) -> None:
    a, _ = files(tmp_path)
    assert run(backend, "import", str(a), "--case", "Budi").exit_code == 0
    project = open_project(backend)
    try:
        project.window = "tui:tester@host:1"
        project.cases.link_case("Budi", "interview_07_ngo_observer")
    finally:
        project.close()
    r = run(backend, "undo")
    assert r.stdout == (
        "undid the import of budi_kelurahan: the document is removed; case 'Budi' stays "
        "(other documents or attributes use it now)\n"
    )
    project = open_project(backend)
    try:
        assert "Budi" in [c.name for c in project.cases.cases()]
        assert "budi_kelurahan" not in project.documents.document_names()
    finally:
        project.close()


def test_front_matter_written_into_an_existing_case_is_put_back_as_it_was(
    backend: str, tmp_path: Path
) -> None:
    project = open_project(backend)
    try:
        project.window = "tui:tester@host:1"
        project.cases.set_attributes({"Budi": {"participant": None}}, create=True)
    finally:
        project.close()
    a, _ = files(tmp_path)
    before = contents(backend)
    assert run(backend, "import", str(a), "--case", "Budi").exit_code == 0
    project = open_project(backend)
    try:
        assert project.cases.case("Budi").attributes == {
            "participant": "Budi",
            "district": "Cilandak",
        }
    finally:
        project.close()
    r = run(backend, "undo")
    assert r.stdout == "undid the import of budi_kelurahan: the document is removed\n"
    assert contents(backend) == before  # participant empty again, district gone
