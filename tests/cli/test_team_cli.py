"""Team commands from the command line: exact output, formats, bad input."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from qualcode.cli import cli
from tests.conftest import dump_db

DOC = "wawancara_01_pedagang_pasar"
GURU = "wawancara_06_guru"


def run(project: Path, *args: str, coder: str | None = None) -> Result:
    argv = ["--project", str(project)] + (["--coder", coder] if coder else []) + list(args)
    return CliRunner().invoke(cli, argv, catch_exceptions=False, prog_name="qualcode")


@pytest.fixture
def coded(demo_dir: Path) -> Path:
    """ani and budi coded two documents and marked them done."""
    for coder, spans in (
        ("ani", [(DOC, "cost", 0, 40), (DOC, "time", 100, 150), (GURU, "cost", 0, 20)]),
        ("budi", [(DOC, "cost", 10, 40), (DOC, "time", 100, 150), (GURU, "time", 5, 25)]),
    ):
        for doc, code, s, e in spans:
            r = run(demo_dir, "code", doc, code, "--start", str(s), "--end", str(e), coder=coder)
            assert r.exit_code == 0, r.stderr
        r = run(demo_dir, "done", DOC, GURU, coder=coder)
        assert r.stdout == f"{DOC}: done for {coder}\n{GURU}: done for {coder}\n"
    return demo_dir


def test_agreement_table(coded: Path) -> None:
    r = run(coded, "agreement", "--coders", "ani", "budi")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "Agreement of ani and budi: unit char, 2 documents"
    assert re.match(r"code\s+units\s+agree\s+kappa\s+alpha\s+ani\s+budi$", lines[2])
    assert lines[3].split()[0] == "time" and lines[4].split()[0] == "cost"
    assert lines[5].startswith("overall (pooled)")
    assert "3 disagreements (+ coded, - not coded, ? not done)" in lines
    assert lines[lines.index("3 disagreements (+ coded, - not coded, ? not done)") + 1 :] == [
        f"{'doc':<27}  {'unit':>5}  {'start':>6}  {'end':>6}  code   ani  budi  quote",
        f"{DOC:<27}  {'':>5}  {0:>6}  {10:>6}  cost     +     -  Pewawancar",
        f"{GURU:<27}  {'':>5}  {0:>6}  {20:>6}  cost     +     -  Pewawancara: Selamat",
        f"{GURU:<27}  {'':>5}  {5:>6}  {25:>6}  time     -     +  ancara: Selamat sore",
    ]
    # ani coded cost on 40 + 20 characters, budi on 30; time: 50 vs 50 + 20
    assert lines[3].split()[-2:] == ["50", "70"]
    assert lines[4].split()[-2:] == ["60", "30"]


def test_agreement_json_schema_and_numbers(coded: Path) -> None:
    r = run(coded, "agreement", "--coders", "ani", "budi", "--format", "json", "--unit", "sentence")
    data = json.loads(r.stdout)
    assert set(data) == {
        "coders",
        "unit",
        "documents",
        "codes",
        "overall",
        "disagreements",
        "about",
    }
    assert data["coders"] == ["ani", "budi"] and data["unit"] == "sentence"
    assert data["documents"] == [DOC, GURU]
    assert set(data["codes"][0]) == {
        "code",
        "units",
        "percent_agreement",
        "cohen_kappa",
        "krippendorff_alpha",
        "coded",
    }
    assert data["overall"]["code"] == "overall"
    d = data["disagreements"][0]
    assert set(d) == {"doc", "code", "unit", "start", "end", "values", "quote"}
    assert d["values"] in ({"ani": True, "budi": False}, {"ani": False, "budi": True})


def test_agreement_csv_has_a_bom_and_a_disagreements_file(coded: Path, tmp_path: Path) -> None:
    out = tmp_path / "agreement.csv"
    r = run(
        coded,
        "agreement",
        "--coders",
        "ani,budi",
        "--format",
        "csv",
        "-o",
        str(out),
        "--codes",
        "cost",
        "time",
    )
    assert r.stdout == f"wrote {out}\n"
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == [
        "code",
        "units",
        "percent_agreement",
        "cohen_kappa",
        "krippendorff_alpha",
        "coded_by_ani",
        "coded_by_budi",
    ]
    assert [r[0] for r in rows[1:]] == ["cost", "time", "overall"]
    side = list(
        csv.reader(
            (tmp_path / "agreement-disagreements.csv").read_text(encoding="utf-8-sig").splitlines()
        )
    )
    assert side[0] == ["doc", "unit", "start", "end", "code", "ani", "budi", "quote"]
    assert len(side) == 4


def test_agreement_xlsx_has_three_sheets(coded: Path, tmp_path: Path) -> None:
    out = tmp_path / "agreement.xlsx"
    r = run(coded, "agreement", "--coders", "ani", "budi", "--format", "xlsx", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    with zipfile.ZipFile(out) as z:
        workbook = z.read("xl/workbook.xml").decode()
    assert re.findall(r'<sheet name="([^"]+)"', workbook) == ["Agreement", "Disagreements", "About"]
    book = openpyxl.load_workbook(out)
    strings = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert any(isinstance(v, str) and "Krippendorff's alpha" in v for v in strings)
    assert "krippendorff_alpha" in strings
    assert book["Agreement"]["C4"].number_format == "0.0%"
    assert book["Agreement"]["D4"].number_format == "0.000"
    assert book["Agreement"]["A1"].font.b and book["Agreement"].freeze_panes == "B4"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--coders", "ani"], "error: agreement needs two coders or more (--coders A B [C...])\n"),
        (
            ["--coders", "ani", "zed"],
            "error: no coder named 'zed' in this project (known: ani, budi)\n",
        ),
        (
            ["--coders", "ani", "budi", "--format", "xlsx"],
            "error: an xlsx report needs a file (add -o FILE.xlsx)\n",
        ),
        (
            ["--coders", "ani", "budi", "--codes", "nope"],
            "error: unknown code 'nope' ('qualcode codebook show' lists the codes)\n",
        ),
    ],
    ids=["one-coder", "unknown-coder", "xlsx-no-file", "unknown-code"],
)
def test_agreement_bad_input(coded: Path, args: list[str], message: str) -> None:
    before = dump_db(coded / "qualcode.db")
    r = run(coded, "agreement", *args)
    assert r.exit_code == 1
    assert r.stderr == message
    assert dump_db(coded / "qualcode.db") == before


def test_agreement_without_done_documents(demo_dir: Path) -> None:
    run(demo_dir, "code", DOC, "cost", "--start", "0", "--end", "5", coder="ani")
    run(demo_dir, "code", DOC, "cost", "--start", "0", "--end", "5", coder="budi")
    r = run(demo_dir, "agreement", "--coders", "ani", "budi")
    assert r.stderr == (
        "error: no document is marked done by two of ani, budi "
        "(each coder runs 'qualcode done DOC', or pass --include-unfinished)\n"
    )
    r = run(
        demo_dir,
        "agreement",
        "--coders",
        "ani",
        "budi",
        "--include-unfinished",
        "--unit",
        "document",
    )
    assert r.exit_code == 0
    assert "8 documents" in r.stdout.splitlines()[0]


def test_adjudicate_lists_decides_and_builds_the_consensus(coded: Path) -> None:
    r = run(coded, "adjudicate", DOC, "--coders", "ani", "budi", coder="sri")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines() == [
        f"{DOC}: ani (a) vs budi (b) -> consensus: 1 agreed, 1 disagreements, 1 undecided",
        "  1  cost  [0:40]  decision: -",
        "       a: [0:40] Pewawancara: Assalamualaikum, Bu. Selama",
        "       b: [10:40] a: Assalamualaikum, Bu. Selama",
    ]
    r = run(coded, "adjudicate", DOC, "--coders", "ani", "budi", "--decide", "1=b", coder="sri")
    assert r.stdout.splitlines()[0].endswith("1 agreed, 1 disagreements, 0 undecided")
    assert r.stdout.splitlines()[-1] == "consensus consensus: 2 codings"
    rows = json.loads(run(coded, "codings", "--coder", "consensus", "--json").stdout)
    assert [(c["code"], c["start"], c["end"]) for c in rows] == [
        ("cost", 10, 40),
        ("time", 100, 150),
    ]
    r = run(
        coded,
        "adjudicate",
        GURU,
        "--coders",
        "ani",
        "budi",
        "--all",
        "both",
        "--as",
        "team1",
        "--json",
    )
    data = json.loads(r.stdout)
    assert data["consensus"] == "team1"
    assert [d["decision"] for d in data["disagreements"]] == ["both", "both"]
    r = run(coded, "adjudicate", DOC, "--coders", "ani", "budi", "--decide", "9=a")
    assert r.exit_code == 1
    assert r.stderr == f"error: there is no disagreement 9 in {DOC!r} (1 in all)\n"
    r = run(coded, "adjudicate", DOC, "--coders", "ani", "--decide", "1=a")
    assert r.stderr == "error: adjudication compares exactly two coders: --coders A B\n"


def test_done_undo_and_team_commands_on_sqlite(demo_dir: Path) -> None:
    r = run(demo_dir, "done", DOC, coder="ani")
    assert r.stdout == f"{DOC}: done for ani\n"
    r = run(demo_dir, "done", DOC, "--undo", coder="ani")
    assert r.stdout == f"{DOC}: not done for ani\n"
    r = run(demo_dir, "done", "nope", coder="ani")
    assert (
        r.exit_code == 1
        and r.stderr == "error: no document named 'nope' ('qualcode documents' lists them)\n"
    )
    r = run(demo_dir, "team", "add-coder", "sri", "--supervisor")
    assert r.stdout == "added supervisor sri (a SQLite project does not enforce roles)\n"
    run(demo_dir, "code", DOC, "cost", "--start", "0", "--end", "5", coder="ani")
    r = run(demo_dir, "team", "list")
    assert r.stdout.splitlines() == [
        f"{'ani':<20} {'coder':<10} {1:>6} codings  {0:>3} done",
        f"{'sri':<20} {'supervisor':<10} {0:>6} codings  {0:>3} done",
    ]
    r = run(demo_dir, "team", "blind", "on")
    assert r.stdout == "blind coding on\n"
    r = run(demo_dir, "codings", coder="budi")
    assert r.stdout == ""  # budi sees only budi's codings
    r = run(demo_dir, "codings", coder="sri")
    assert len(r.stdout.splitlines()) == 1
    r = run(demo_dir, "--blind", "codings", coder="sri")
    assert r.stdout == ""


def test_backup_and_restore(demo_dir: Path, tmp_path: Path) -> None:
    db = demo_dir / "qualcode.db"
    before = dump_db(db)
    r = run(demo_dir, "backup")
    assert r.exit_code == 0, r.stderr
    path = Path(r.stdout.removeprefix("backed up to ").strip())
    assert path.parent == demo_dir / "backups" and path.suffix == ".db"
    assert dump_db(path) == before
    run(demo_dir, "code", DOC, "cost", "--start", "0", "--end", "5")
    assert dump_db(db) != before
    r = run(demo_dir, "restore", str(path))
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith(f"restored {db} from {path} (the state before is in ")
    assert dump_db(db) == before
    out = tmp_path / "mine.db"
    r = run(demo_dir, "backup", "-o", str(out))
    assert r.stdout == f"backed up to {out}\n"
    junk = tmp_path / "junk.db"
    junk.write_text("nope")
    r = run(demo_dir, "restore", str(junk))
    assert r.exit_code == 1
    assert r.stderr == f"error: {junk}: not a qualcode backup (not a SQLite file)\n"
    assert dump_db(db) == before
    r = run(demo_dir, "backup", "-o", str(tmp_path / "no" / "such" / "x.db"))
    assert r.stderr.startswith("error: ") and "does not exist" in r.stderr


@pytest.mark.parametrize("source", ["option", "environment", "settings"])
def test_every_coding_and_action_carries_its_coder(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    import os

    monkeypatch.delenv("QUALCODE_CODER")
    args = ["--project", str(demo_dir)]
    if source == "option":
        args += ["--coder", "sari"]
    elif source == "environment":
        monkeypatch.setenv("QUALCODE_CODER", "sari")
    else:
        config = Path(os.environ["QUALCODE_CONFIG_DIR"])
        config.mkdir(parents=True, exist_ok=True)
        (config / "settings.yaml").write_text("coder: sari\n", encoding="utf-8")
    r = CliRunner().invoke(
        cli, [*args, "code", DOC, "cost", "--start", "0", "--end", "9"], prog_name="qualcode"
    )
    assert r.exit_code == 0, r.stderr
    rows = json.loads(
        CliRunner().invoke(cli, [*args, "codings", "--json"], prog_name="qualcode").stdout
    )
    assert [c["coder"] for c in rows] == ["sari"]
    log = CliRunner().invoke(cli, [*args, "log", "-n", "1"], prog_name="qualcode").stdout
    assert "sari" in log and "code" in log
