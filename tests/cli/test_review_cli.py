"""The offline review round trip: export quotes to XLSX, a supervisor fills in review and
comment, ``qualcode review apply`` reads them back; bad files give one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from qualcode.cli import cli
from qualcode.store import open_project
from tests.conftest import dump_db


def run(project: Path, *args: str, coder: str = "dosen") -> Result:
    return CliRunner().invoke(
        cli, ["--project", str(project), "--coder", coder, *args], prog_name="qualcode"
    )


def test_a_guid_twice_with_different_reviews_applies_neither(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    sheet = tmp_path / "review.xlsx"
    export_quotes(matrix_path, sheet)
    fill(
        sheet,
        {matrix_guids["c4"]: ("disputed", "x")},
        edit_guid=(matrix_guids["c4"], matrix_guids["c7"]),
    )
    before = dump_db(matrix_path)
    result = run(matrix_path, "review", "apply", str(sheet))
    assert result.exit_code == 1
    # c7's own row is untouched, so the changed row counts, and its code gives it away
    assert result.stderr.strip().endswith("is coded 'facilities.room', the sheet says 'cost'")
    assert dump_db(matrix_path) == before


def export_quotes(project: Path, out: Path) -> None:
    result = run(project, "export", "quotes", "--by", "document", "-o", str(out))
    assert result.exit_code == 0, result.output


def fill(
    path: Path, rows: dict[str, tuple[str, str]], *, edit_guid: tuple[str, str] | None = None
) -> None:
    """Fill in review and comment for the quote rows whose guid is given, as Excel would."""
    wb = openpyxl.load_workbook(path)
    ws = wb["quotes"]
    header = [c.value for c in ws[1]]
    g, r, c = header.index("guid"), header.index("review"), header.index("comment")
    for row in ws.iter_rows(min_row=2):
        guid = str(row[g].value)
        if edit_guid and guid == edit_guid[0]:
            row[g].value = edit_guid[1]
        if guid in rows:
            row[r].value, row[c].value = rows[guid]
    wb.save(path)


def test_round_trip_applies_verdicts_and_comments(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    sheet = tmp_path / "review.xlsx"
    export_quotes(matrix_path, sheet)
    fill(
        sheet,
        {
            matrix_guids["c1"]: ("approved", ""),
            matrix_guids["c4"]: ("disputed", "Ini biaya resmi atau pungli?"),
            matrix_guids["c6"]: ("", "Perlu konteks"),
        },
    )
    result = run(matrix_path, "review", "apply", str(sheet))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{sheet}: applied 3, unchanged 5, conflicts 0, unmatched 0\n"
    project = open_project(str(matrix_path))
    try:
        c4 = project.review.coding_by_guid(matrix_guids["c4"])
        assert (c4.review, c4.reviewer) == ("disputed", "dosen")
        assert project.review.coding_by_guid(matrix_guids["c1"]).review == "approved"
        assert [t.text for t in project.review.review_thread(matrix_guids["c6"])] == [
            "Perlu konteks"
        ]
    finally:
        project.close()
    # the status and comments appear in the next export
    again = tmp_path / "again.xlsx"
    export_quotes(matrix_path, again)
    ws = openpyxl.load_workbook(again)["quotes"]
    header = [c.value for c in ws[1]]
    rows = {r[header.index("guid")]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    c4_row = rows[matrix_guids["c4"]]
    assert c4_row[header.index("review")] == "disputed"
    assert c4_row[header.index("comment")] == "Ini biaya resmi atau pungli?"
    assert c4_row[header.index("reviewer")] == "dosen"
    # applying the same file twice changes nothing
    before = dump_db(matrix_path)
    result = run(matrix_path, "review", "apply", str(sheet))
    assert result.stdout == f"{sheet}: applied 0, unchanged 8, conflicts 0, unmatched 0\n"
    assert dump_db(matrix_path) == before  # no thread entry either


def test_edited_ids_are_reported_one_line_each_and_the_rest_applied(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    sheet = tmp_path / "review.xlsx"
    export_quotes(matrix_path, sheet)
    fill(
        sheet,
        {matrix_guids["c1"]: ("approved", ""), matrix_guids["c2"]: ("disputed", "?")},
        edit_guid=(matrix_guids["c2"], "not-a-guid"),
    )
    result = run(matrix_path, "review", "apply", str(sheet))
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {sheet}:")
    assert line.endswith(
        "no coding with guid 'not-a-guid' (“Petugas datang telat.”): deleted since the "
        "export, or the sheet is from another project"
    )
    project = open_project(str(matrix_path))
    try:
        assert project.review.coding_by_guid(matrix_guids["c1"]).review == "approved"
        assert project.review.coding_by_guid(matrix_guids["c2"]).review == "unreviewed"
    finally:
        project.close()


def test_a_guid_moved_to_another_codings_row_is_caught_by_its_code(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    sheet = tmp_path / "review.xlsx"
    result = run(matrix_path, "export", "quotes", "--code", "cost", "-o", str(sheet))
    assert result.exit_code == 0, result.output
    # the row of c4 (cost) now carries c7's guid (facilities.room, not in this sheet)
    fill(
        sheet,
        {matrix_guids["c4"]: ("disputed", "x")},
        edit_guid=(matrix_guids["c4"], matrix_guids["c7"]),
    )
    result = run(matrix_path, "review", "apply", str(sheet))
    assert result.exit_code == 1
    assert result.stderr.strip().endswith(
        "the coding “Ruang tunggu panas.” (Ruang, d2) is coded 'facilities.room', "
        "the sheet says 'cost'"
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: p.write_text("guid,review,comment\n", encoding="utf-8"),
            "{file}: not an XLSX workbook (pass the .xlsx written by 'qualcode export quotes --format xlsx')",
        ),
        (
            lambda p: _workbook(p, [["code", "count"], ["cost", 3]]),
            "{file}: no sheet with guid, review and comment columns (pass the .xlsx written by 'qualcode export quotes --format xlsx')",
        ),
        (
            None,
            "{file}:3:13: unknown review status 'maybe' (sheet 'quotes') (use approved, disputed or unreviewed (or leave it blank); nothing was changed)",
        ),
        (
            lambda p: p.write_bytes(b"PK\x03\x04 broken zip"),
            "{file}: not an XLSX workbook (pass the .xlsx written by 'qualcode export quotes --format xlsx')",
        ),
        (lambda p: None, "{file}: no such file"),
    ],
    ids=["csv-renamed", "wrong-workbook", "unknown-status", "broken-zip", "missing"],
)
def test_an_unusable_file_is_one_line_and_changes_nothing(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path, make, message: str
) -> None:
    sheet = tmp_path / "review.xlsx"
    if make is None:
        export_quotes(matrix_path, sheet)
        fill(sheet, {matrix_guids["c1"]: ("approved", ""), matrix_guids["c5"]: ("maybe", "")})
    else:
        make(sheet)
    before = dump_db(matrix_path)
    result = run(matrix_path, "review", "apply", str(sheet))
    assert result.exit_code == 1
    assert result.stderr == "error: " + message.format(file=sheet) + "\n"
    assert dump_db(matrix_path) == before


def _workbook(path: Path, rows: list[list[object]]) -> None:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)  # type: ignore[union-attr]
    wb.save(path)


def test_researcher_side_queue_reply_revise_thread(
    matrix_path: Path, matrix_guids: dict[str, str]
) -> None:
    guid = matrix_guids["c4"]
    assert run(matrix_path, "review", "dispute", guid, "-m", "Bukan biaya").exit_code == 0
    queue = run(matrix_path, "review", "queue", "--json", coder="ana")
    items = json.loads(queue.stdout)
    assert [(i["guid"], i["review"], i["thread"][0]["text"]) for i in items] == [
        (guid, "disputed", "Bukan biaya")
    ]
    assert run(matrix_path, "review", "reply", guid, "Itu pungli", coder="ana").exit_code == 0
    result = run(
        matrix_path, "review", "revise", guid, "--code", "time.late", "-m", "ok", coder="ana"
    )
    assert result.exit_code == 0, result.output
    awaiting = run(matrix_path, "review", "queue", "--awaiting")
    assert guid in awaiting.stdout
    thread = run(matrix_path, "review", "thread", guid)
    kinds = [line.split()[2] for line in thread.stdout.splitlines()[1:]]
    assert kinds == ["disputed:", "reply:", "revision:"]
    bad = run(matrix_path, "review", "dispute", guid)
    assert bad.exit_code == 2 and bad.stderr.startswith("error: Missing option '--comment'")


def test_the_whole_workbook_works_too_its_segment_sheet_is_the_review_sheet(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    book = tmp_path / "all.xlsx"
    assert run(matrix_path, "export", "all", "-o", str(book)).exit_code == 0
    wb = openpyxl.load_workbook(book)
    assert "quotes" not in wb.sheetnames and "segments" in wb.sheetnames
    ws = wb["segments"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[header.index("guid")].value == matrix_guids["c7"]:
            row[header.index("review")].value = "disputed"
            row[header.index("comment")].value = "Ruang tunggu: sarana?"
    wb.save(book)
    result = run(matrix_path, "review", "apply", str(book))
    assert result.exit_code == 0, result.output
    project = open_project(str(matrix_path))
    try:
        assert project.review.coding_by_guid(matrix_guids["c7"]).review == "disputed"
    finally:
        project.close()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["export", "frequency", "--code", "nope", "-o", "{tmp}/f.csv"],
            1,
            "error: unknown code 'nope' ('qualcode codebook show' lists the codes)\n",
        ),
        (
            ["export", "quotes", "--by", "attribute:age", "-o", "{tmp}/q.xlsx"],
            1,
            "error: no case attribute named 'age' (known: gender, occupation)\n",
        ),
        (
            ["export", "segments", "--case", "Nobody", "-o", "{tmp}/s.json"],
            1,
            "error: no case named 'Nobody' ('qualcode cases' lists them)\n",
        ),
        (
            ["report", "--by", "colour", "-o", "{tmp}/r.html"],
            2,
            "error: Invalid value for '--by': 'colour': use document, case, speaker or attribute:NAME (see 'qualcode report --help')\n",
        ),
        (
            ["export", "all", "-o", "{tmp}/a.csv"],
            1,
            "error: a CSV file holds one table (export 'all' as xlsx, sqlite, json or md)\n",
        ),
    ],
    ids=["unknown-code", "unknown-attribute", "unknown-case", "bad-by", "all-as-csv"],
)
def test_bad_export_arguments_are_one_line(
    matrix_path: Path, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    before = dump_db(matrix_path)
    result = run(matrix_path, *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert (result.exit_code, result.stderr) == (code, message)
    assert dump_db(matrix_path) == before
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".csv", ".xlsx", ".json", ".html")]


def test_export_filters_and_pseudonyms_from_the_command_line(
    matrix_path: Path, tmp_path: Path
) -> None:
    names = tmp_path / "names.csv"
    names.write_text("Bu Siti,Peserta 1\nPak Budi,Peserta 2\n", encoding="utf-8")
    out = tmp_path / "f.csv"
    result = run(
        matrix_path,
        "export",
        "frequency",
        "--by",
        "case",
        "--rollup",
        "--speaker-role",
        "participant",
        "--pseudonyms",
        str(names),
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out}: 3 codes x 2 cases, 7 codings\n"
    assert out.read_text(encoding="utf-8-sig").splitlines() == [
        "code,label,Peserta 1,Peserta 2,total",
        "time,Waktu,3,0,3",
        "cost,Biaya,1,2,3",
        "facilities,Sarana,0,1,1",
        "total,,4,3,7",
    ]
