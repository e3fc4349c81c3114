"""The Project API and the CLI behave the same on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcode.cli import cli
from qualcode.errors import ConflictError, InputError
from qualcode.store import open_project
from tests.conftest import TRANSCRIPTS, code_version, codebook_from_text

DOC = "wawancara_01_pedagang_pasar"
EN = "interview_07_ngo_observer"


def run(location: str, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["--project", location, *args], catch_exceptions=False, prog_name="qualcode"
    )


def _coder(location: str) -> str:
    project = open_project(location)
    try:
        return project.coder
    finally:
        project.close()


def test_code_uncode_and_codings(backend: str) -> None:
    r = run(backend, "code", DOC, "time.long_wait", "--sentence", "5")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith(f"coded {DOC} [")
    again = run(backend, "code", DOC, "time.long_wait", "--sentence", "5")
    assert again.stdout.startswith("already coded")
    r = run(backend, "code", DOC, "cost", "--match", "uang", "--nth", "1", "--memo", "fee")
    assert r.exit_code == 0, r.stderr
    rows = json.loads(run(backend, "codings", "--json").stdout)
    me = _coder(backend)  # 'tester' on SQLite, the connected role on PostgreSQL
    assert sorted((c["code"], c["coder"]) for c in rows) == [
        ("cost", me),
        ("time.long_wait", me),
    ]
    assert next(c for c in rows if c["code"] == "cost")["memo"] == "fee"
    r = run(backend, "uncode", DOC, "cost", "--match", "uang", "--nth", "1")
    assert r.stdout.startswith(f"removed {DOC} [")
    assert [c["code"] for c in json.loads(run(backend, "codings", "--json").stdout)] == [
        "time.long_wait"
    ]


def test_identical_coding_stored_once_and_tombstone_on_removal(backend: str) -> None:
    project = open_project(backend)
    try:
        first, created = project.codings.apply_coding(DOC, "cost", 10, 20)
        again, created_again = project.codings.apply_coding(DOC, "cost", 10, 20)
        assert created and not created_again and first.guid == again.guid
        project.codings.remove_coding(first.guid)
        assert project.codings.codings() == []
        kinds = [a["kind"] for a in project.log.actions()]
        assert kinds[:2] == ["uncode", "code"]
    finally:
        project.close()


def test_codebook_sync_and_edits(backend: str, tmp_path: Path) -> None:
    project = open_project(backend)
    try:
        project.codings.apply_coding(DOC, "cost.unofficial_fee", 10, 20)
        v = code_version(project, "cost")
        project.codes.update_code(
            "cost", expected_version=v, description="Biaya resmi dan tidak resmi"
        )
        with pytest.raises(ConflictError, match="changed by someone else"):
            project.codes.update_code("cost", expected_version=v, description="stale edit")
        project.codes.set_label("cost", "Cost of service", lang="en")
        project.codes.move_code("cost.unofficial_fee", "procedure")
        project.codes.change_code_id("cost.unofficial_fee", "procedure.pungli")
        assert project.codings.codings()[0].code == "procedure.pungli"
        project.codes.merge_code("procedure.pungli", "procedure")
        assert project.codings.codings()[0].code == "procedure"
        cb = project.codebook()
        assert cb["cost"].description == "Biaya resmi dan tidak resmi"
        assert cb.get("cost.unofficial_fee") is not None  # alias resolves
        smaller = codebook_from_text("version: 1\ncodes:\n  - {id: cost, label: Biaya}\n")
        with pytest.raises(InputError, match="procedure"):
            project.codebook_sync.sync_codebook(smaller, "small.yaml")
    finally:
        project.close()


def test_export_frequency(backend: str, tmp_path: Path) -> None:
    run(backend, "code", DOC, "cost", "--start", "10", "--end", "20")
    run(backend, "code", EN, "cost", "--start", "10", "--end", "20")
    run(backend, "code", EN, "time", "--start", "30", "--end", "40")
    out = tmp_path / "freq.csv"
    r = run(backend, "export", "frequency", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == f"wrote {out}: 30 codes x 2 documents, 3 codings\n"
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == f"code,label,{EN},{DOC},total"
    assert "cost,Biaya pelayanan,1,1,2" in lines


def test_memos_and_cases(backend: str) -> None:
    project = open_project(backend)
    try:
        memo = project.memos.add_memo("document", DOC, "Pedagang menunggu lama.", title="kesan")
        project.memos.update_memo(memo.guid, "Pedagang menunggu sangat lama.")
        project.memos.add_memo("code", "cost", "Watch for pungli.")
        assert [m.text for m in project.memos.memos("document", DOC)] == [
            "Pedagang menunggu sangat lama."
        ]
        project.memos.delete_memo(memo.guid)
        assert [m.kind for m in project.memos.memos()] == ["code"]
        project.cases.link_case("P01", DOC)
        project.cases.set_attribute("P01", "occupation", "trader")
        project.cases.set_attributes({"P01": {"kelurahan": "Sukamaju"}})
        case = project.cases.case("P01")
        assert case.attributes == {"kelurahan": "Sukamaju", "occupation": "trader"}
        assert [s.doc for s in case.sources] == [DOC]
    finally:
        project.close()


def test_import_and_documents(backend: str) -> None:
    r = run(backend, "import", str(TRANSCRIPTS / "wawancara_03_petani.txt"))
    assert r.exit_code == 0, r.stderr
    assert "imported as 'wawancara_03_petani'" in r.stdout
    r = run(backend, "import", str(TRANSCRIPTS / "wawancara_03_petani.txt"))
    assert "already in the project" in r.stdout
    docs = json.loads(run(backend, "documents", "--json").stdout)
    assert [d["name"] for d in docs] == [EN, DOC, "wawancara_03_petani"]
    assert all(d["sentences"] > 10 for d in docs)


def test_done_marks_and_agreement(backend: str) -> None:
    for coder, span in (("ani", (0, 120)), ("budi", (40, 160))):
        project = open_project(backend, coder=coder)
        try:
            if project.dialect == "postgresql":
                # the owner records for both (roles are tested in test_postgres.py)
                project.codings.apply_coding(DOC, "cost", *span, coder=coder)
                project.team.mark_done(DOC, coder=coder)
            else:
                project.codings.apply_coding(DOC, "cost", *span)
                project.team.mark_done(DOC)
        finally:
            project.close()
    project = open_project(backend)
    try:
        report = project.team.agreement(["ani", "budi"], unit="char")
        chars = project.documents.document(DOC).text
        assert report.documents == (DOC,)
        row = report.codes[0]
        assert row.code == "cost" and row.units == len(chars)
        assert row.coded == (120, 120)
        assert abs((row.percent or 0) - (len(chars) - 80) / len(chars)) < 1e-12
    finally:
        project.close()


@pytest.mark.parametrize(
    "args",
    [
        ["export", "frequency", "--by", "speaker", "--rollup", "-o", "{tmp}/f.json"],
        ["export", "frequency", "--by", "case", "-o", "{tmp}/fc.csv"],
        ["export", "quotes", "-o", "{tmp}/q.xlsx"],
        ["export", "cooccurrence", "-o", "{tmp}/c.csv"],
        ["export", "segments", "--speaker-role", "participant", "-o", "{tmp}/s.csv"],
        ["export", "appendix", "-o", "{tmp}/a.md"],
        ["export", "memos", "-o", "{tmp}/m.csv"],
        ["export", "all", "-o", "{tmp}/all.sqlite"],
        ["report", "-o", "{tmp}/r.html"],
    ],
    ids=[
        "frequency-speaker",
        "frequency-case",
        "quotes",
        "cooccurrence",
        "segments",
        "appendix",
        "memos",
        "all",
        "report",
    ],
)
def test_every_matrix_export_runs(backend: str, tmp_path: Path, args: list[str]) -> None:
    """The matrix SQL (temporary tables, casts, recursive roll-up) runs on both databases."""
    run(backend, "code", DOC, "cost", "--sentence", "5")
    run(backend, "code", DOC, "time.long_wait", "--sentence", "5")
    run(backend, "code", EN, "time.long_wait", "--turn", "2")
    project = open_project(backend)
    try:
        project.cases.link_case("P01", DOC)
        project.memos.add_memo("code", "cost", "Watch for pungli.")
    finally:
        project.close()
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    r = run(backend, *argv)
    assert r.exit_code == 0, r.stderr
    assert Path(argv[-1]).stat().st_size > 0
