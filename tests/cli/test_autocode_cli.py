"""Auto-coding, review, evaluation, import and text analysis from the command line."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from qualcode.cli import cli
from tests.conftest import ROOT, dump_db

GOLD = ROOT / "transcripts" / "gold" / "codings.yaml"
DOC = "wawancara_01_pedagang_pasar"


def run(*args: str, project: Path | None = None) -> Result:
    argv = (["--project", str(project)] if project else []) + list(args)
    return CliRunner().invoke(cli, argv, catch_exceptions=False, prog_name="qualcode")


def test_dry_run_stores_nothing_and_a_run_stores_a_batch(demo_dir: Path) -> None:
    db = demo_dir / "qualcode.db"
    before = dump_db(db)
    r = run("autocode", "--dry-run", "--codes", "cost", project=demo_dir)
    assert r.exit_code == 0
    assert r.stdout.splitlines()[-1].startswith("dry run: ")
    assert {line.split("\t")[0] for line in r.stdout.splitlines()[:-1]} <= {
        "cost",
        "cost.unofficial_fee",
        "cost.free_as_promised",
        "cost.unclear_cost",
        "cost.clear_cost",
    }
    assert dump_db(db) == before
    r = run("autocode", "--json", "--docs", DOC, project=demo_dir)
    out = json.loads(r.stdout)
    assert out["documents"] == 1 and out["stored"] == len(out["suggestions"]) > 20
    assert {s["doc"] for s in out["suggestions"]} == {DOC}
    assert {"doc", "code", "start", "end", "unit", "number", "evidence"} <= set(
        out["suggestions"][0]
    )
    r = run("autocode", "--docs", DOC, project=demo_dir)
    assert r.stdout.splitlines()[-1] == (
        f"0 new suggestions in 1 documents ({out['stored']} already suggested)"
    )
    listed = run("suggestions", "--json", project=demo_dir)
    rows = json.loads(listed.stdout)
    assert len(rows) == out["stored"]
    assert {(r["status"], r["coder"], r["origin"]) for r in rows} == {
        ("suggested", "rules", "rules")
    }
    # suggestions are not codings until accepted
    assert run("codings", project=demo_dir).stdout == ""


def test_accept_and_reject_by_guid_and_by_code(demo_dir: Path) -> None:
    run("autocode", "--docs", DOC, project=demo_dir)
    rows = json.loads(run("suggestions", "--json", project=demo_dir).stdout)
    first, second = rows[0]["guid"], rows[1]["guid"]
    r = run("suggestions", "accept", first, project=demo_dir)
    assert r.exit_code == 0 and r.stdout.startswith("accepted ")
    r = run("suggestions", "reject", second, project=demo_dir)
    assert r.exit_code == 0 and r.stdout.startswith("rejected ")
    r = run("suggestions", "reject", second, project=demo_dir)
    assert r.exit_code == 1
    assert r.stderr == f"error: no coding with guid {second!r}\n"
    code = next(r["code"] for r in rows[2:])
    n = sum(1 for r in rows[2:] if r["code"] == code)
    r = run("suggestions", "accept", "--code", code, project=demo_dir)
    assert len(r.stdout.splitlines()) == n
    codings = json.loads(run("codings", "--json", project=demo_dir).stdout)
    assert len(codings) == n + 1
    assert {(c["coder"], c["origin"]) for c in codings} == {("tester", "rules")}
    r = run("suggestions", "accept", project=demo_dir)
    assert r.exit_code == 1
    assert r.stderr == "error: name suggestions by guid or pass --code CODE (not both)\n"


def test_evaluate_against_the_gold_file_prints_the_figures(demo_dir: Path) -> None:
    r = run("autocode", "evaluate", "--gold", str(GOLD), "--examples", "1", project=demo_dir)
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0] == (
        "rules vs gold: 8 documents, 1170 sentences (unit: sentence; a dimension includes its sub-codes)"
    )
    assert lines[1].split() == ["code", "gold", "rules", "both", "prec", "recall", "F1"]
    end = next(i for i, line in enumerate(lines) if line.startswith("all dimensions (micro)"))
    rows = {line.split()[0]: line.split() for line in lines[2:end] if not line.startswith(" ")}
    assert set(rows) >= {"procedure", "time", "cost", "product", "facilities", "competence"}
    assert "  missed  " in r.stdout and "  extra   " in r.stdout
    as_json = json.loads(
        run("autocode", "evaluate", "--gold", str(GOLD), "--json", project=demo_dir).stdout
    )
    by_code = {c["code"]: c for c in as_json["codes"]}
    for dim, row in rows.items():
        if dim in by_code:
            assert float(row[4]) == pytest.approx(by_code[dim]["precision"], abs=0.005)


def test_import_codings_then_evaluate_against_the_coder(demo_dir: Path) -> None:
    r = run("import-codings", str(GOLD), project=demo_dir)
    assert r.stdout == f"imported 320 codings from {GOLD}\n"
    r = run("import-codings", str(GOLD), project=demo_dir)
    assert r.stdout == f"imported 0 codings from {GOLD} (320 already there)\n"
    from_file = json.loads(
        run("autocode", "evaluate", "--gold", str(GOLD), "--json", project=demo_dir).stdout
    )
    from_coder = json.loads(
        run("autocode", "evaluate", "--coder", "gold", "--json", project=demo_dir).stdout
    )
    assert from_file["codes"] == from_coder["codes"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["autocode", "--codes", "nope"], "error: unknown code 'nope' (", id="unknown-code"
        ),
        pytest.param(
            ["autocode", "--docs", "nope"], "error: no document named 'nope' (", id="unknown-doc"
        ),
        pytest.param(
            ["autocode", "evaluate"],
            "error: 'tester' has no codings to compare with (pass --gold FILE or --coder NAME",
            id="no-reference",
        ),
        pytest.param(
            ["import-codings", "missing.yaml"], "error: missing.yaml: file not found", id="no-file"
        ),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    demo_dir: Path, args: list[str], message: str
) -> None:
    before = dump_db(demo_dir / "qualcode.db")
    r = run(*args, project=demo_dir)
    assert r.exit_code == 1
    assert r.stderr.startswith(message) and len(r.stderr.splitlines()) == 1
    assert dump_db(demo_dir / "qualcode.db") == before


def test_a_gold_file_with_a_wrong_quote_imports_nothing(demo_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "gold.yaml"
    bad.write_text(
        "coder: gold\ncodings:\n"
        f'  - {{doc: {DOC}, code: cost, quote: "Saya kasih dua puluh ribu."}}\n'
        f'  - {{doc: {DOC}, code: cost, quote: "Saya kasih seratus ribu."}}\n',
        encoding="utf-8",
    )
    before = dump_db(demo_dir / "qualcode.db")
    r = run("import-codings", str(bad), project=demo_dir)
    assert r.exit_code == 1
    assert r.stderr == (
        f"error: {bad}:4:5: the quote 'Saya kasih seratus ribu.' is not in '{DOC}' "
        "(the quote must be the exact text of the document)\n"
    )
    assert dump_db(demo_dir / "qualcode.db") == before


def test_words_by_speaker_and_exports(demo_dir: Path, tmp_path: Path) -> None:
    r = run("words", "--by", "speaker", "--top", "3", project=demo_dir)
    lines = r.stdout.splitlines()
    assert lines[0] == "speaker\trank\tword\tcount\tper_1000_words"
    assert [line.split("\t")[:2] for line in lines[1:]] == [
        ["participant", "1"],
        ["participant", "2"],
        ["participant", "3"],
        ["interviewer", "1"],
        ["interviewer", "2"],
        ["interviewer", "3"],
    ]
    words = {line.split("\t")[2] for line in lines[1:]}
    assert not words & {"yang", "dan", "nggak", "the", "and"}  # stop words are gone
    out = tmp_path / "words.csv"
    r = run("words", "--by", "document", "-o", str(out), project=demo_dir)
    assert r.stdout.startswith(f"wrote {out} (csv): ")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["document", "rank", "word", "count", "per_1000_words"]
    assert len({r[0] for r in rows[1:]}) == 8
    xlsx = tmp_path / "words.xlsx"
    run("words", "--by", "code", "-o", str(xlsx), project=demo_dir)
    with zipfile.ZipFile(xlsx) as z:
        assert "xl/worksheets/sheet1.xml" in z.namelist()
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    assert [c.value for c in sheet[1]][-1] == "per_1000_words"


def test_kwic_exact_and_by_lemma(demo_dir: Path, tmp_path: Path) -> None:
    r = run("kwic", "antre", "--width", "20", project=demo_dir)
    exact = r.stdout.splitlines()
    assert all("[antre]" in line.lower() for line in exact)
    r = run("kwic", "antre", "--lemma", "--width", "20", project=demo_dir)
    lemma = r.stdout.splitlines()
    assert len(lemma) > len(exact)
    assert any("[mengantre]" in line.lower() for line in lemma)
    assert r.stderr == f"{len(lemma)} occurrence(s) of 'antre'\n"
    out = tmp_path / "k.csv"
    run("kwic", "uang rokok", "-o", str(out), "--width", "15", project=demo_dir)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["keyword"].lower() for r in rows] == ["uang rokok"] * len(rows)
    assert all(len(r["left"]) <= 15 and len(r["right"]) <= 15 for r in rows)
    doc_text = json.loads(run("sentences", rows[0]["doc"], "--json", project=demo_dir).stdout)
    assert any(r["keyword"] in s["text"] for s in doc_text for r in rows[:1])
    r = run("kwic", "antre", "--width", "0", project=demo_dir)
    assert r.exit_code == 1 and r.stderr == "error: width 0 is too small (use --width 1 or more)\n"


def test_autocode_without_patterns_and_words_never_load_spacy(demo_dir: Path) -> None:
    probe = (
        "import sys\nfrom qualcode.cli import cli\n"
        "for argv in (['autocode', '--dry-run'], ['words', '--top', '1'], ['kwic', 'antre', '--lemma']):\n"
        f"    try:\n        cli.main(['--project', {str(demo_dir)!r}, *argv], prog_name='qualcode')\n"
        "    except SystemExit as e:\n        assert not e.code, e.code\n"
        "print('SPACY' if 'spacy' in sys.modules else 'NO-SPACY')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ),
    )
    assert out.stdout.strip().splitlines()[-1] == "NO-SPACY"


def test_a_gold_file_for_more_documents_than_the_project_holds(tmp_path: Path) -> None:
    from tests.conftest import CODEBOOK

    db = tmp_path / "qualcode.db"
    run("init", "--codebook", str(CODEBOOK), project=db)
    run("import", str(ROOT / "transcripts" / "wawancara_03_petani.txt"), project=db)
    r = run("autocode", "evaluate", "--gold", str(GOLD), "--examples", "0", project=db)
    assert r.exit_code == 0
    assert r.stdout.startswith("rules vs gold: 1 documents, ")
    before = dump_db(db)
    r = run("import-codings", str(GOLD), project=db)
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert len(lines) == 7  # one per missing document, not one per coding
    assert lines[0].startswith(
        f"error: {GOLD}:33:5: no document named 'wawancara_01_pedagang_pasar' in the project "
        "(and 40 more codings of it)"
    )
    assert dump_db(db) == before
