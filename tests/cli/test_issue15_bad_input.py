"""Exit codes and messages of issue 15's new commands and options (point 8): bad
input is one clear line on stderr, a non-zero exit, nothing on stdout or written,
and the project unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcode.cli import cli
from tests.conftest import dump_db

DOC = "wawancara_01_pedagang_pasar"


def run(project: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["--project", str(project), "--coder", "nia", *args], prog_name="qualcode"
    )


BAD_NAMES = ("Siti\n", "names.csv:1: expected two columns: real name, pseudonym")


@pytest.mark.parametrize(
    "args",
    [
        ("kwic", "antre", "-o", "{out}.csv"),
        ("words", "-o", "{out}.csv"),
        ("agreement", "--coders", "nia", "tester", "--format", "json", "-o", "{out}.json"),
        ("adjudicate", DOC, "--coders", "nia", "tester"),
        ("export", "qdpx", "-o", "{out}.qdpx"),
        ("export", "segments", "-o", "{out}.csv"),
    ],
    ids=["kwic", "words", "agreement", "adjudicate", "qdpx", "segments"],
)
def test_a_bad_name_map_is_one_line_and_nothing_is_written(
    demo_dir: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    names = tmp_path / "names.csv"
    names.write_text(BAD_NAMES[0], encoding="utf-8")
    out = tmp_path / "out"
    before = dump_db(demo_dir / "qualcode.db")
    r = run(demo_dir, *(a.replace("{out}", str(out)) for a in args), "--pseudonyms", str(names))
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr == f"error: {tmp_path}/{BAD_NAMES[1]}\n"
    assert not list(tmp_path.glob("out*"))
    assert dump_db(demo_dir / "qualcode.db") == before


def test_a_missing_name_map_is_one_line(demo_dir: Path, tmp_path: Path) -> None:
    r = run(demo_dir, "kwic", "antre", "--pseudonyms", str(tmp_path / "nope.csv"))
    assert r.exit_code == 1
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("error: ")
    assert str(tmp_path / "nope.csv") in r.stderr


def test_sources_that_is_not_a_folder_is_one_line(tmp_path: Path) -> None:
    qde = tmp_path / "p.qde"
    qde.write_text('<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>', "utf-8")
    r = run(tmp_path / "p.db", "import", str(qde), "--sources", str(tmp_path / "nowhere"))
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr == (
        f"error: {tmp_path / 'nowhere'}: is not a folder (--sources names the folder of the "
        "sources)\n"
    )
    assert not (tmp_path / "p.db").exists()


@pytest.mark.parametrize("flags", [(), ("--overwrite",), ("--dry-run",)])
def test_review_apply_of_a_file_that_is_no_workbook_changes_nothing(
    demo_dir: Path, tmp_path: Path, flags: tuple[str, ...]
) -> None:
    sheet = tmp_path / "r.xlsx"
    sheet.write_text("guid,review,comment\n", "utf-8")
    before = dump_db(demo_dir / "qualcode.db")
    r = run(demo_dir, "review", "apply", str(sheet), *flags)
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr == (
        f"error: {sheet}: not an XLSX workbook (pass the .xlsx written by 'qualcode export "
        "quotes --format xlsx')\n"
    )
    assert dump_db(demo_dir / "qualcode.db") == before


def test_undo_any_with_nothing_to_undo_says_so_and_exits_0(demo_dir: Path) -> None:
    r = run(demo_dir, "undo", "--any")
    assert (r.exit_code, r.stdout, r.stderr) == (0, "", "nothing to undo\n")
    r = run(demo_dir, "redo", "--any", "-n", "0")
    assert r.exit_code == 2
    assert r.stderr.startswith("error: Invalid value for -n: must be at least 1")
