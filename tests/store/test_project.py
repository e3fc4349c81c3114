"""The Project API: one transaction per action, plain dataclasses out."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from qualcode.core.model import Coding
from qualcode.errors import InputError, NotFoundError, ProjectError
from qualcode.store import Project, open_project
from tests.conftest import codebook_from_text, dump_db

DOC = "wawancara_01_pedagang_pasar"


def test_sqlite_is_in_wal_mode_with_foreign_keys(demo: Project) -> None:
    with demo.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_apply_coding_returns_a_plain_dataclass_and_stores_the_quote(demo: Project) -> None:
    doc = demo.documents.document(DOC)
    s = doc.sentences[4]
    coding, created = demo.codings.apply_coding(DOC, "time.long_wait", s.start, s.end)
    assert created
    assert type(coding) is Coding
    assert coding.quote == doc.text[s.start : s.end]
    assert (coding.origin, coding.status, coding.review, coding.anchor) == (
        "manual",
        "accepted",
        "unreviewed",
        "exact",
    )
    assert coding.coder == "tester"
    assert coding.created == "2026-01-15T09:30:00Z"
    assert demo.codings.codings(doc=DOC) == [coding]


def test_identical_coding_is_stored_once(demo: Project) -> None:
    first, created = demo.codings.apply_coding(DOC, "cost", 10, 20)
    again, created_again = demo.codings.apply_coding(DOC, "cost", 10, 20)
    assert created and not created_again
    assert again.guid == first.guid
    assert len(demo.codings.codings()) == 1
    # another coder's identical span is a separate coding
    demo.codings.apply_coding(DOC, "cost", 10, 20, coder="budi")
    assert len(demo.codings.codings()) == 2


def test_overlapping_and_nested_codings_coexist(demo: Project) -> None:
    demo.codings.apply_coding(DOC, "time", 0, 100)
    demo.codings.apply_coding(DOC, "time.long_wait", 20, 60)
    demo.codings.apply_coding(DOC, "cost", 50, 120)
    assert [(c.code, c.start) for c in demo.codings.codings(doc=DOC)] == [
        ("time", 0),
        ("time.long_wait", 20),
        ("cost", 50),
    ]


@pytest.mark.parametrize(
    ("start", "end"),
    [(-1, 5), (5, 5), (10, 2), (0, 10**7)],
    ids=["negative", "empty", "reversed", "past-end"],
)
def test_bad_spans_are_refused_and_nothing_changes(demo: Project, start: int, end: int) -> None:
    before = dump_db(Path(demo.path or ""))
    with pytest.raises(InputError, match="outside"):
        demo.codings.apply_coding(DOC, "cost", start, end)
    assert dump_db(Path(demo.path or "")) == before


def test_unknown_document_and_code(demo: Project) -> None:
    with pytest.raises(NotFoundError, match="no document named 'nope'"):
        demo.codings.apply_coding("nope", "cost", 0, 5)
    with pytest.raises(NotFoundError, match="unknown code 'nope'"):
        demo.codings.apply_coding(DOC, "nope", 0, 5)


def test_remove_leaves_a_tombstone_and_logs_every_action(demo: Project) -> None:
    coding, _ = demo.codings.apply_coding(DOC, "cost", 10, 20)
    removed = demo.codings.remove_codings(DOC, 10, 20)
    assert [c.guid for c in removed] == [coding.guid]
    assert demo.codings.codings() == []
    con = sqlite3.connect(demo.path or "")
    assert con.execute("SELECT guid, kind FROM tombstones").fetchall() == [(coding.guid, "coding")]
    kinds = [k for (k,) in con.execute("SELECT kind FROM actions ORDER BY seq")]
    assert kinds[-2:] == ["code", "uncode"]
    con.close()


def test_sync_refuses_to_drop_a_code_with_codings(demo: Project, demo_dir: Path) -> None:
    demo.codings.apply_coding(DOC, "cost.unofficial_fee", 10, 20)
    before = dump_db(demo_dir / "qualcode.db")
    smaller = codebook_from_text("version: 1\ncodes:\n  - {id: cost, label: Cost}\n")
    with pytest.raises(InputError) as err:
        demo.codebook_sync.sync_codebook(smaller, "small.yaml")
    assert "cost.unofficial_fee (1 coding)" in str(err.value)
    assert dump_db(demo_dir / "qualcode.db") == before


def test_sync_follows_an_alias_so_a_renamed_code_keeps_its_codings(demo: Project) -> None:
    demo.codings.apply_coding(DOC, "cost.unofficial_fee", 10, 20)
    cb = demo.codebook()
    renamed_text = "version: 1\ncodes:\n" + "".join(
        f"  - {{id: {c.id if c.id != 'cost.unofficial_fee' else 'cost.pungli'}, label: X"
        + (", aliases: [cost.unofficial_fee]" if c.id == "cost.unofficial_fee" else "")
        + (f", parent: {c.parent}" if c.parent else "")
        + "}\n"
        for c in cb
    )
    report = demo.codebook_sync.sync_codebook(codebook_from_text(renamed_text))
    assert report.removed == ()
    assert [c.code for c in demo.codings.codings()] == ["cost.pungli"]
    assert demo.codings.codings(code="cost.unofficial_fee")[0].code == "cost.pungli"


def test_sync_adds_updates_and_removes_unused_codes(demo: Project) -> None:
    report = demo.codebook_sync.sync_codebook(
        codebook_from_text(
            "version: 1\ncodes:\n  - {id: cost, label: Biaya}\n  - {id: new.code, label: New}\n"
        )
    )
    assert report.added == ("new.code",)
    assert report.updated == ("cost",)
    assert len(report.removed) == 29
    assert [c.id for c in demo.codebook()] == ["cost", "new.code"]


def test_frequency_matrix_counts_by_code_and_document(demo: Project) -> None:
    demo.codings.apply_coding(DOC, "cost", 10, 20)
    demo.codings.apply_coding(DOC, "cost", 30, 40)
    demo.codings.apply_coding("wawancara_06_guru", "cost", 10, 20)
    demo.codings.apply_coding(DOC, "time", 10, 20)
    m = demo.matrices.frequency()
    assert m.rows[0] == "procedure"
    assert m.cell("cost", DOC) == 2
    assert m.cell("cost", "wawancara_06_guru") == 1
    assert m.cell("time", DOC) == 1
    assert m.total() == 4
    assert m.columns == tuple(sorted(demo.documents.document_names()))


def test_documents_summary(demo: Project) -> None:
    doc = demo.documents.document(DOC)
    demo.codings.apply_coding(DOC, "cost", 0, 100)
    demo.codings.apply_coding(DOC, "time", 50, 150)
    summary = {d.name: d for d in demo.documents.documents()}[DOC]
    assert summary.codings == 2
    assert summary.coded_chars == 150
    assert summary.turns == len(doc.turns)
    assert summary.sentences == len(doc.sentences)


def test_missing_project_and_non_project_files(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no project at"):
        open_project(str(tmp_path / "none.db"))
    junk = tmp_path / "junk.db"
    junk.write_text("hello, not a database")
    with pytest.raises(ProjectError, match="is not a qualcode project"):
        open_project(str(junk))
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.close()
    with pytest.raises(ProjectError, match="holds other tables"):
        open_project(str(other))


def test_folder_location_means_qualcode_db_inside(tmp_path: Path) -> None:
    project = open_project(str(tmp_path), create=True)
    assert project.path == str(tmp_path / "qualcode.db")
    project.close()
