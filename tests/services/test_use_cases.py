"""The use cases both front ends call (issue 18 point 5): codebook edit then write-back,
in-vivo codes, the adjudication pair, the REFI-QDA import lifecycle."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qualcode import services
from qualcode.core.codebook import Code, parse_codebook
from qualcode.errors import InputError
from qualcode.services.codebook import INVIVO_MAX, in_vivo_code, in_vivo_words, slug
from qualcode.store import Project, open_project
from tests.conftest import CODEBOOK, D1, D2, span

# ---------------------------------------------------------------------- write-back


@pytest.fixture
def linked(tmp_path: Path) -> Project:
    """A project linked to a copy of the shipped codebook."""
    shutil.copyfile(CODEBOOK, tmp_path / "codebook.yaml")
    return services.init_project(str(tmp_path / "qualcode.db"), tmp_path / "codebook.yaml")


def test_an_edit_is_written_back_into_the_linked_file(linked: Project, tmp_path: Path) -> None:
    try:
        edit = services.edit_codebook(
            linked,
            lambda: linked.codes.add_code(Code(id="cost.broker", label="Calo", parent="cost")),
        )
        assert edit.written == (tmp_path / "codebook.yaml").resolve()
        assert edit.not_written is None
        text = (tmp_path / "codebook.yaml").read_text(encoding="utf-8")
        assert text.count("id: cost.broker") == 1
        assert "label: Calo" in text
        assert linked.codebook().get("cost.broker") is not None
    finally:
        linked.close()


def test_a_file_that_cannot_be_written_keeps_the_edit_and_says_why(
    linked: Project, tmp_path: Path
) -> None:
    try:
        (tmp_path / "codebook.yaml").unlink()
        (tmp_path / "codebook.yaml").mkdir()  # a folder where the file was
        edit = services.edit_codebook(linked, lambda: linked.codes.set_label("cost", "Ongkos"))
        assert edit.written is None
        assert edit.not_written is not None and "codebook.yaml" in edit.not_written
        assert linked.codebook().get("cost").label_in(None) == "Ongkos"  # type: ignore[union-attr]
    finally:
        linked.close()


def test_a_refused_edit_changes_nothing_and_writes_nothing(linked: Project, tmp_path: Path) -> None:
    before = (tmp_path / "codebook.yaml").read_text(encoding="utf-8")
    try:
        with pytest.raises(InputError):
            services.edit_codebook(
                linked, lambda: linked.codes.add_code(Code(id="cost", label="x"))
            )
        assert (tmp_path / "codebook.yaml").read_text(encoding="utf-8") == before
    finally:
        linked.close()


# ---------------------------------------------------------------------- in vivo


def test_in_vivo_words_ids_and_labels() -> None:
    assert in_vivo_words(" “Nunggu dua\n jam!” ") == "Nunggu dua jam"
    assert slug("Nunggu dua jam!") == "nunggu_dua_jam"
    assert slug("Ça coûte très cher") == "ca_coute_tres_cher"
    assert slug("!!!") == "code"
    cb = parse_codebook(
        {
            "version": 1,
            "codes": [
                {"id": "invivo", "label": "In vivo"},
                {"id": "invivo.nunggu_dua_jam", "label": "Nunggu dua jam", "parent": "invivo"},
                {"id": "invivo.nunggu_dua_jam_2", "label": "Nunggu dua jam", "parent": "invivo"},
            ],
        }
    )
    code = in_vivo_code(cb, "Nunggu dua jam!")
    assert (code.id, code.label) == ("invivo.nunggu_dua_jam_3", "Nunggu dua jam")
    long = "kata " * 30
    cut = in_vivo_code(cb, long)
    assert cut.label == ("kata " * 12)[: INVIVO_MAX - 1] + "…"
    assert len(cut.label) == INVIVO_MAX
    with pytest.raises(InputError, match="select some words first"):
        in_vivo_code(cb, " ?! ")


def test_create_in_vivo_is_one_code_one_coding_one_undo_step(matrix_project: Project) -> None:
    start, end = span(D1, "Petugas datang telat.")
    made = services.create_in_vivo(matrix_project, "d1", start, end)
    assert made.code.id == "invivo.petugas_datang_telat"
    assert made.code.label == "Petugas datang telat"
    assert (made.coding.doc, made.coding.code, made.coding.start, made.coding.end) == (
        "d1",
        "invivo.petugas_datang_telat",
        start,
        end,
    )
    assert made.created and made.written is None and made.not_written is None
    assert [c.code for c in matrix_project.codings.codings(code="invivo.petugas_datang_telat")] == [
        "invivo.petugas_datang_telat"
    ]
    n = len(matrix_project.codings.codings(doc="d1"))
    again = services.create_in_vivo(matrix_project, "d1", start, end)
    assert len(matrix_project.codings.codings(doc="d1")) == n + 1
    assert again.code.id == "invivo.petugas_datang_telat_2"
    step = services.undo(matrix_project)
    assert step is not None
    assert matrix_project.codebook().get("invivo.petugas_datang_telat_2") is None
    assert len(matrix_project.codings.codings(doc="d1")) == n
    assert matrix_project.codebook().get("invivo.petugas_datang_telat") is not None


def test_create_in_vivo_refuses_punctuation_and_places_outside_the_text(
    matrix_project: Project,
) -> None:
    before = len(matrix_project.codebook())
    q = D1.index("?")
    with pytest.raises(InputError, match="select some words first"):
        services.create_in_vivo(matrix_project, "d1", q, q + 1)
    with pytest.raises(InputError, match=r"\[0:9999\] is not in d1"):
        services.create_in_vivo(matrix_project, "d1", 0, 9999)
    assert len(matrix_project.codebook()) == before


# ---------------------------------------------------------------------- adjudication


def test_the_pair_is_the_two_coders_with_most_codings(matrix_project: Project) -> None:
    # d2: ana 2 accepted codings, budi 1 (the rules' suggestion does not count)
    assert services.adjudication_pair(matrix_project, "d2") == ("ana", "budi")
    # d1: only ana
    assert services.adjudication_pair(matrix_project, "d1") is None
    s, e = span(D2, "Ruang tunggu panas.")
    for coder in ("cici", "consensus"):
        matrix_project.codings.apply_coding("d2", "facilities.room", s, e, coder=coder)
    s, e = span(D2, "Tidak ada biaya.")
    matrix_project.codings.apply_coding("d2", "cost", s, e, coder="consensus")
    # budi and cici tie at 1: by name; the consensus coder (2 codings) never counts
    assert services.adjudication_pair(matrix_project, "d2") == ("ana", "budi")
    # another consensus coder: "consensus" is an ordinary coder then (2 codings, tied
    # with ana, before cici by count) and budi is left out
    assert services.adjudication_pair(matrix_project, "d2", consensus="budi") == (
        "ana",
        "consensus",
    )


# ---------------------------------------------------------------------- REFI-QDA


@pytest.fixture
def qdpx(matrix_project: Project, tmp_path: Path) -> Path:
    out = tmp_path / "matrix.qdpx"
    services.export_qdpx(matrix_project, out)
    return out


def test_an_import_creates_the_project_and_says_so(qdpx: Path, tmp_path: Path) -> None:
    target = tmp_path / "new" / "qualcode.db"
    target.parent.mkdir()
    reads = services.read_refi_files([qdpx])
    assert not reads.nothing_to_import and reads.refused == []
    opened: list[str] = []
    seen: list[str] = []
    run = services.import_refi_project(
        str(target),
        reads,
        coder="tester",
        on_open=lambda p: opened.append(p.coder),
        on_file=lambda r: seen.append(r.path.name),
    )
    assert (run.created, run.imported, run.refused) == (target, 1, 0)
    assert opened == ["tester"] and seen == ["matrix.qdpx"]
    report = run.results[0].report
    assert report is not None and report.backup is None  # a new project is not backed up
    project = open_project(str(target))
    try:
        assert sorted(d.name for d in project.documents.documents()) == ["d1", "d2"]
    finally:
        project.close()


def test_an_import_that_brings_nothing_leaves_no_project_behind(tmp_path: Path) -> None:
    broken = tmp_path / "broken.qdpx"
    broken.write_bytes(b"not a zip at all")
    reads = services.read_refi_files([broken])
    assert reads.nothing_to_import
    assert [p for p, _lines in reads.refused] == [broken]
    assert reads.refused[0][1]  # at least one error line
    # a file that reads but whose import is refused: the new project is removed
    bad = services.read_refi_files([broken], strict=False)
    target = tmp_path / "none" / "qualcode.db"
    target.parent.mkdir()
    run = services.import_refi_project(str(target), bad, coder="tester")
    assert (run.created, run.imported, run.refused) == (None, 0, 1)
    assert sorted(p.name for p in target.parent.iterdir()) == []


def test_an_import_into_an_existing_project_backs_it_up_first(
    qdpx: Path, tmp_path: Path, linked: Project
) -> None:
    location = str(linked.path)
    linked.close()
    run = services.import_refi_project(
        location, services.read_refi_files([qdpx]), coder="tester", backup=True
    )
    assert (run.created, run.imported, run.refused) == (None, 1, 0)
    report = run.results[0].report
    assert report is not None and report.backup is not None and report.backup.exists()
    assert report.backup.parent.name == "backups"
