"""The import service: the worker process, cancellation, durability, search upkeep."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from qualcode import services
from qualcode.store import Project, open_project
from tests.conftest import DATA


def _files(folder: Path, n: int) -> list[Path]:
    out = []
    for i in range(n):
        path = folder / f"t{i:02d}.txt"
        path.write_text(
            f"Pewawancara: Berapa lama Ibu mengantre, kali {i}?\n\n"
            f"Narasumber: Saya mengantre {i} jam. Petugasnya datang terlambat.\n",
            encoding="utf-8",
        )
        out.append(path)
    return out


def _content(db: Path) -> list[tuple[object, ...]]:
    con = sqlite3.connect(db)
    try:
        rows: list[tuple[object, ...]] = []
        for table in ("documents", "turns", "sentences"):
            cols = "name, text, lang, chars" if table == "documents" else "*"
            rows += [(table, *r) for r in con.execute(f"SELECT {cols} FROM {table} ORDER BY 1")]
        rows += [
            ("fts", *r)
            for r in con.execute("SELECT rowid, text, lemmas FROM sentence_search ORDER BY rowid")
        ]
        return rows
    finally:
        con.close()


def test_worker_process_gives_the_same_project_as_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _files(tmp_path, 6)
    files.append(DATA / "bad" / "transcripts" / "binary.txt")
    monkeypatch.setattr("qualcode.services.imports.PARALLEL_MIN_FILES", 2)
    dbs = []
    for workers in ("0", "1"):
        monkeypatch.setenv("QUALCODE_IMPORT_WORKERS", workers)
        db = tmp_path / f"w{workers}.db"
        project = services.init_project(str(db), None)
        seen: list[tuple[int, int, str]] = []

        def progress(d: int, t: int, w: str, seen: list[tuple[int, int, str]] = seen) -> None:
            seen.append((d, t, w))

        report = services.import_transcripts(project, files, progress=progress)
        project.close()
        assert len(report.imported) == 6
        assert [e.lines() for e in report.errors] == [
            [
                f"{files[-1]}: is a binary file, not a text transcript "
                "(import .txt, .md and other supported formats)"
            ]
        ]
        assert [d for d, _t, _w in seen] == list(range(1, 8))
        dbs.append(db)
    assert _content(dbs[0]) == _content(dbs[1])


class Stop(services.ImportCancelled):
    pass


@pytest.mark.parametrize("workers", [None, "2"])
def test_a_progress_callback_can_cancel_after_the_current_document(
    tmp_path: Path, empty_project: Project, monkeypatch: pytest.MonkeyPatch, workers: str | None
) -> None:
    files = _files(tmp_path, 5)
    if workers is not None:  # two worker processes, one file per job, jobs in flight
        monkeypatch.setattr("qualcode.services.imports.PARALLEL_MIN_FILES", 2)
        monkeypatch.setattr("qualcode.services.imports.JOB_FILES", 1)
        monkeypatch.setenv("QUALCODE_IMPORT_WORKERS", workers)

    def progress(done: int, total: int, what: str) -> None:
        if done == 2:
            raise Stop

    with pytest.raises(services.ImportCancelled):
        services.import_transcripts(empty_project, files, progress=progress)
    assert empty_project.documents.document_names() == ["t00", "t01"]
    # both stored documents are whole: turns, sentences and search index
    assert [d.sentences for d in empty_project.documents.documents()] == [3, 3]
    assert len(empty_project.search.search("terlambat")) == 2


def test_batch_import_defers_the_disk_sync_then_checkpoints(
    tmp_path: Path, empty_project: Project
) -> None:
    levels: list[int] = []

    def progress(done: int, total: int, what: str) -> None:
        with empty_project.engine.connect() as conn:
            levels.append(conn.exec_driver_sql("PRAGMA synchronous").scalar_one())

    services.import_transcripts(empty_project, _files(tmp_path, 3), progress=progress)
    assert levels == [1, 1, 1]  # NORMAL while the batch runs
    with empty_project.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar_one() == 2  # FULL again
    # the final checkpoint wrote every document into the main file: a copy of it
    # alone, without the write-ahead log, holds them all
    assert empty_project.path is not None
    copy = tmp_path / "main-file-only.db"
    copy.write_bytes(Path(empty_project.path).read_bytes())
    con = sqlite3.connect(copy)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
    con.close()


def test_first_schema_project_is_searchable_after_the_upgrade(tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "old.db"
    shutil.copyfile(DATA / "projects" / "schema-0001.db", path)
    project = open_project(str(path))
    try:
        docs = project.documents.document_names()
        sentences = sum(len(project.documents.document(d).sentences) for d in docs)
        con = sqlite3.connect(path)
        indexed = con.execute("SELECT count(*) FROM sentence_search").fetchone()[0]
        con.close()
        assert indexed == sentences > 0
        first = project.documents.document(docs[0])
        word = first.text[first.sentences[0].start : first.sentences[0].end].split()[0]
        hits = project.search.search(word.strip(".,?!").lower())
        assert any(h.doc == docs[0] and h.sentence == 1 for h in hits)
    finally:
        project.close()


@pytest.mark.parametrize(
    ("env", "cores", "files", "expected"),
    [
        (None, 1, 1000, 0),  # one core: everything in this process
        (None, 2, 1000, 2),  # two cores: two readers, this process writes
        (None, 4, 1000, 3),
        (None, 16, 1000, 4),
        (None, 8, 6, 2),  # no more workers than jobs of JOB_FILES files
        ("0", 8, 1000, 0),
        ("1", 1, 1000, 1),
        ("3", 2, 1000, 3),
        ("99", 2, 1000, 16),
    ],
)
def test_how_many_workers_an_import_uses(
    monkeypatch: pytest.MonkeyPatch, env: str | None, cores: int, files: int, expected: int
) -> None:
    from qualcode.services import imports

    if env is None:
        monkeypatch.delenv("QUALCODE_IMPORT_WORKERS", raising=False)
    else:
        monkeypatch.setenv("QUALCODE_IMPORT_WORKERS", env)
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: set(range(cores)))
    assert imports.import_workers(files) == expected
