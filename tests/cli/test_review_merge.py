"""Review sheets are merged, not replayed (issue 15, point 1).

A quote sheet records, in a hidden sheet, the review state and comment each row was
exported with; ``review apply`` acts only on what the supervisor changed since, never
undoes a verdict given after the export, reports conflicts, and changes nothing when
applied twice; the same holds for a sheet LibreOffice saved again.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from qualcode.cli import cli
from qualcode.core.tables import REVIEW_STATE
from qualcode.store import open_project
from tests.conftest import dump_db, require


def run(project: Path, *args: str, coder: str = "dosen") -> Result:
    return CliRunner().invoke(
        cli, ["--project", str(project), "--coder", coder, *args], prog_name="qualcode"
    )


def export(project: Path, out: Path, *extra: str) -> Path:
    r = run(project, "export", "quotes", "--by", "document", *extra, "-o", str(out))
    assert r.exit_code == 0, r.output
    return out


def fill(path: Path, rows: dict[str, dict[str, str]], sheet: str = "quotes") -> None:
    """Change cells of the rows whose guid is given, as a supervisor in Excel would."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        guid = str(row[header.index("guid")].value)
        for column, value in rows.get(guid, {}).items():
            row[header.index(column)].value = value
    wb.save(path)


def review(project: Path, guid: str) -> tuple[str, str | None, list[tuple[str, str, str]]]:
    p = open_project(str(project))
    try:
        c = p.review.coding_by_guid(guid)
        return (
            c.review,
            c.reviewer,
            [(t.author, t.kind, t.text) for t in p.review.review_thread(guid)],
        )
    finally:
        p.close()


def test_the_sheet_records_each_rows_state_in_a_hidden_sheet(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    assert run(matrix_path, "review", "dispute", matrix_guids["c4"], "-m", "resmi?").exit_code == 0
    sheet = export(matrix_path, tmp_path / "q.xlsx")
    wb = openpyxl.load_workbook(sheet)
    ws = wb[REVIEW_STATE]
    assert ws.sheet_state == "hidden"
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == (
        "guid",
        "shown_code",
        "code",
        "review",
        "comment",
        "reviewer",
        "reviewed_at",
        "thread",
        "sheet",
    )
    by_guid = {r[0]: r for r in rows[1:]}
    assert set(by_guid) == {matrix_guids[f"c{i}"] for i in range(1, 9)}
    c4 = by_guid[matrix_guids["c4"]]
    assert c4[1:6] == ("cost", "cost", "disputed", "resmi?", "dosen")
    assert c4[7] == 1
    assert len({r[8] for r in rows[1:]}) == 1  # one id for the whole sheet
    # the other formats leave it out
    r = run(matrix_path, "export", "quotes", "-o", str(tmp_path / "q.json"))
    assert r.exit_code == 0 and REVIEW_STATE not in (tmp_path / "q.json").read_text()


def test_an_untouched_row_is_no_verdict_and_a_later_approval_stays(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    """The issue's first finding: a sheet exported before a later approval reset that
    coding to unreviewed."""
    sheet = export(matrix_path, tmp_path / "q.xlsx")
    assert run(matrix_path, "review", "approve", matrix_guids["c1"], coder="ani").exit_code == 0
    fill(sheet, {matrix_guids["c4"]: {"review": "disputed", "comment": "Resmi?"}})
    r = run(matrix_path, "review", "apply", str(sheet))
    assert r.exit_code == 0, r.output
    assert r.stdout == f"{sheet}: applied 1, unchanged 7, conflicts 0, unmatched 0\n"
    assert review(matrix_path, matrix_guids["c1"])[:2] == ("approved", "ani")
    assert review(matrix_path, matrix_guids["c4"]) == (
        "disputed",
        "dosen",
        [("dosen", "disputed", "Resmi?")],
    )


def test_applying_a_sheet_twice_changes_nothing_even_after_a_later_approval(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    """The issue: applying the same sheet twice re-disputed codings approved in between
    and wrote each dispute into the thread twice."""
    sheet = export(matrix_path, tmp_path / "q.xlsx")
    fill(sheet, {matrix_guids["c4"]: {"review": "disputed", "comment": "Resmi?"}})
    assert run(matrix_path, "review", "apply", str(sheet)).exit_code == 0
    r = run(matrix_path, "review", "approve", matrix_guids["c4"], "-m", "ok", coder="ani")
    assert r.exit_code == 0
    before = dump_db(matrix_path)
    r = run(matrix_path, "review", "apply", str(sheet))
    assert r.exit_code == 0, r.output
    assert r.stdout == f"{sheet}: applied 0, unchanged 8, conflicts 0, unmatched 0\n"
    assert dump_db(matrix_path) == before  # no change, no thread entry, no log entry
    review_state, _, thread = review(matrix_path, matrix_guids["c4"])
    assert review_state == "approved"
    assert [k for _, k, _ in thread] == ["disputed", "approved"]


def test_a_coding_reviewed_again_after_the_export_is_a_conflict(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    sheet = export(matrix_path, tmp_path / "q.xlsx")
    assert run(matrix_path, "review", "approve", matrix_guids["c2"], coder="ani").exit_code == 0
    fill(
        sheet,
        {
            matrix_guids["c2"]: {"review": "disputed", "comment": "telat bukan waktu"},
            matrix_guids["c1"]: {"review": "approved"},
        },
    )
    before = review(matrix_path, matrix_guids["c2"])
    r = run(matrix_path, "review", "apply", str(sheet))
    assert r.exit_code == 1
    assert r.stdout == f"{sheet}: applied 1, unchanged 6, conflicts 1, unmatched 0\n"
    (line,) = r.stderr.splitlines()
    assert line.startswith(f"conflict: {sheet}:")
    assert line.endswith(
        "the coding “Petugas datang telat.” (Petugas telat, d1) was reviewed again after the "
        "sheet was exported: the sheet says disputed (dosen), the project says approved "
        "(by ani, 2026-01-15T09:30:00Z); the project's verdict is kept (--overwrite applies "
        "the sheet's)"
    )
    assert matrix_guids["c2"] not in line  # the passage by its first words
    assert review(matrix_path, matrix_guids["c2"]) == before  # never overwritten
    assert review(matrix_path, matrix_guids["c1"])[0] == "approved"  # the rest applied
    r = run(matrix_path, "review", "apply", str(sheet), "--overwrite")
    assert r.exit_code == 0, r.output
    assert r.stdout == f"{sheet}: applied 1, unchanged 7, conflicts 0, unmatched 0\n"
    assert review(matrix_path, matrix_guids["c2"])[:2] == ("disputed", "dosen")


def test_a_revision_after_the_export_is_a_conflict_too(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    g = matrix_guids["c4"]
    assert run(matrix_path, "review", "dispute", g, "-m", "bukan biaya").exit_code == 0
    sheet = export(matrix_path, tmp_path / "q.xlsx")
    r = run(matrix_path, "review", "revise", g, "--code", "time.late", coder="ana")
    assert r.exit_code == 0, r.output
    # the code cell was not touched: the row still says cost, the coding is time.late
    fill(sheet, {g: {"review": "approved"}})
    r = run(matrix_path, "review", "apply", str(sheet))
    assert r.exit_code == 1
    assert r.stderr.strip().endswith(
        "is coded 'time.late' now; the sheet's row was about 'cost' (recoded since the export)"
    )


def test_a_comment_only_row_adds_it_to_the_thread(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    g = matrix_guids["c6"]
    assert run(matrix_path, "review", "dispute", g, "-m", "Konteks?").exit_code == 0
    assert run(matrix_path, "review", "reply", g, "Lihat turn 2", coder="budi").exit_code == 0
    sheet = export(matrix_path, tmp_path / "q.xlsx")
    # the comment cell shows the newest entry; the supervisor writes after it
    fill(sheet, {g: {"comment": "Lihat turn 2\nOke, masuk akal."}})
    r = run(matrix_path, "review", "apply", str(sheet))
    assert r.exit_code == 0, r.output
    assert review(matrix_path, g) == (
        "disputed",
        "dosen",
        [
            ("dosen", "disputed", "Konteks?"),
            ("budi", "reply", "Lihat turn 2"),
            ("dosen", "comment", "Oke, masuk akal."),
        ],
    )


def test_rows_naming_a_code_by_an_alias_or_a_renamed_label_match(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    """The issue: after ``codebook set-id`` every row naming the old id was rejected."""
    sheet = export(matrix_path, tmp_path / "q.xlsx")
    r = run(matrix_path, "codebook", "set-id", "time.long_wait", "time.queue", coder="ana")
    assert r.exit_code == 0, r.output
    r = run(matrix_path, "codebook", "rename", "time.late", "Terlambat", "--lang", "id")
    assert r.exit_code == 0, r.output
    fill(
        sheet,
        {
            matrix_guids["c1"]: {"review": "approved"},  # code cell: time.long_wait, an alias now
            matrix_guids["c5"]: {"review": "approved", "code": "time.queue"},  # the new id typed
            matrix_guids["c2"]: {"review": "disputed", "code": "Terlambat", "comment": "?"},
        },
    )
    r = run(matrix_path, "review", "apply", str(sheet))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == f"{sheet}: applied 3, unchanged 5, conflicts 0, unmatched 0\n"
    for name, verdict in (("c1", "approved"), ("c5", "approved"), ("c2", "disputed")):
        assert review(matrix_path, matrix_guids[name])[0] == verdict


def test_a_sheet_without_recorded_states_is_refused_unless_overwrite(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    sheet = export(matrix_path, tmp_path / "q.xlsx")
    wb = openpyxl.load_workbook(sheet)
    del wb[REVIEW_STATE]  # as an earlier qualcode wrote it
    wb.save(sheet)
    fill(sheet, {matrix_guids["c4"]: {"review": "disputed", "comment": "x"}})
    before = dump_db(matrix_path)
    r = run(matrix_path, "review", "apply", str(sheet))
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr == (
        f"error: {sheet}: the sheet has no recorded review states (it was exported by an "
        "earlier qualcode), so qualcode cannot tell what the supervisor changed; nothing was "
        "changed (export a fresh one with 'qualcode export quotes --format xlsx', or pass "
        "--overwrite to apply every filled-in row as it is)\n"
    )
    assert dump_db(matrix_path) == before
    r = run(matrix_path, "review", "apply", str(sheet), "--overwrite")
    assert r.exit_code == 0, r.output
    assert review(matrix_path, matrix_guids["c4"])[0] == "disputed"


def test_dry_run_prints_what_would_change_and_changes_nothing(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    sheet = export(matrix_path, tmp_path / "q.xlsx")
    fill(sheet, {matrix_guids["c4"]: {"review": "disputed", "comment": "Resmi?"}})
    before = dump_db(matrix_path)
    r = run(matrix_path, "review", "apply", str(sheet), "--dry-run")
    assert r.exit_code == 0, r.output
    (would, summary) = r.stdout.splitlines()
    assert would.startswith(f"would apply: {sheet}:")
    assert would.endswith("disputed the coding “Biaya mahal sekali.” (Biaya, d1): Resmi?")
    assert summary == f"{sheet}: would apply 1, unchanged 7, conflicts 0, unmatched 0"
    assert dump_db(matrix_path) == before


def test_a_review_sheet_is_one_action_of_the_supervisor_and_one_undo(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    sheet = export(matrix_path, tmp_path / "q.xlsx")
    before = dump_db(matrix_path)
    fill(
        sheet,
        {
            matrix_guids["c4"]: {"review": "disputed", "comment": "Resmi?"},
            matrix_guids["c1"]: {"review": "approved"},
        },
    )
    assert run(matrix_path, "review", "apply", str(sheet)).exit_code == 0
    r = run(matrix_path, "undo")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == f"undid: apply reviews from {sheet}\n"
    assert [x for x in dump_db(matrix_path) if 'INSERT INTO "actions"' not in x] == [
        x for x in before if 'INSERT INTO "actions"' not in x
    ]


@pytest.mark.slow
def test_the_same_rules_for_a_sheet_saved_again_by_libreoffice(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    require("soffice")
    sheet = export(matrix_path, tmp_path / "q.xlsx")
    assert run(matrix_path, "review", "approve", matrix_guids["c2"], coder="ani").exit_code == 0
    fill(
        sheet,
        {
            matrix_guids["c4"]: {"review": "disputed", "comment": "Resmi?"},
            matrix_guids["c2"]: {"review": "disputed"},
        },
    )
    resaved = tmp_path / "lo"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(resaved),
            str(sheet),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    again = resaved / "q.xlsx"
    assert again.exists() and again.read_bytes() != sheet.read_bytes()
    wb = openpyxl.load_workbook(again)
    assert wb[REVIEW_STATE].sheet_state == "hidden"  # LibreOffice kept it, hidden
    r = run(matrix_path, "review", "apply", str(again))
    assert r.exit_code == 1  # c2: a conflict
    assert r.stdout == f"{again}: applied 1, unchanged 6, conflicts 1, unmatched 0\n"
    assert review(matrix_path, matrix_guids["c4"])[:2] == ("disputed", "dosen")
    assert review(matrix_path, matrix_guids["c2"])[:2] == ("approved", "ani")
    before = dump_db(matrix_path)
    r = run(matrix_path, "review", "apply", str(again))
    assert r.stdout == f"{again}: applied 0, unchanged 7, conflicts 1, unmatched 0\n"
    assert dump_db(matrix_path) == before
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)


def test_a_coding_with_two_rows_counts_the_row_the_supervisor_changed(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    """A coding of two cases has a row under each; changing one of them is a verdict,
    changing both differently is refused for that coding."""
    sheet = export(matrix_path, tmp_path / "q.xlsx")
    wb = openpyxl.load_workbook(sheet)
    ws = wb["quotes"]
    header = [c.value for c in ws[1]]
    g = header.index("guid")
    row = next(r for r in ws.iter_rows(min_row=2) if r[g].value == matrix_guids["c4"])
    ws.append([c.value for c in row])  # the same coding's second row
    wb.save(sheet)
    twice = tmp_path / "twice.xlsx"
    shutil.copyfile(sheet, twice)
    wb = openpyxl.load_workbook(sheet)
    ws = wb["quotes"]
    last = list(ws.iter_rows(min_row=2))[-1]
    last[header.index("review")].value = "disputed"
    wb.save(sheet)
    r = run(matrix_path, "review", "apply", str(sheet))
    assert r.exit_code == 0, r.output
    assert review(matrix_path, matrix_guids["c4"])[0] == "disputed"
    wb = openpyxl.load_workbook(twice)
    ws = wb["quotes"]
    rows = [x for x in ws.iter_rows(min_row=2) if x[g].value == matrix_guids["c6"]]
    rows[0][header.index("review")].value = "approved"
    copy = [c.value for c in rows[0]]
    copy[header.index("review")] = "disputed"
    ws.append(copy)
    wb.save(twice)
    before = dump_db(matrix_path)
    r = run(matrix_path, "review", "apply", str(twice))
    assert r.exit_code == 1
    assert "appears again with a different review" in r.stderr
    assert dump_db(matrix_path) == before
