"""Every export in every format: golden files on the small fixed project, XLSX structure,
pseudonyms that leave no real name behind."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest

from qualcode import services
from qualcode.core.filters import Filters
from qualcode.core.tables import REVIEW_STATE, Sheet, Workbook
from qualcode.errors import InputError
from qualcode.exporters.xlsx import EXCEL_CELL_LIMIT, sheet_name, to_xlsx
from qualcode.store import Project

KINDS = ("frequency", "quotes", "cooccurrence", "segments", "appendix", "memos", "all")
FORMATS = ("csv", "xlsx", "md", "json", "sqlite", "html")


@pytest.fixture
def reviewed(small_project: Project) -> Iterator[Project]:
    """The small fixed project with cases, an attribute and one disputed coding."""
    small_project.cases.link_case("Ibu A", "wawancara_a")
    small_project.cases.link_case("Participant B", "interview_b", speaker="Participant")
    small_project.cases.set_attributes({"Ibu A": {"gender": "f"}, "Participant B": {"gender": "m"}})
    small_project.review.review_coding(
        "1cbc4432-056b-4605-b3f7-dd97ae664e84", "disputed", "Biaya resmi?", reviewer="dosen"
    )
    yield small_project


def xlsx_text(path: Path) -> str:
    """A readable dump of a workbook: sheets, frozen panes, autofilter, every cell."""
    wb = openpyxl.load_workbook(path)
    out: list[str] = []
    for ws in wb.worksheets:
        state = f" state={ws.sheet_state}" if ws.sheet_state != "visible" else ""
        out.append(
            f"## {ws.title} freeze={ws.freeze_panes} filter={ws.auto_filter.ref} "
            f"dims={ws.dimensions}{state}"
        )
        for i, row in enumerate(ws.iter_rows(values_only=True)):
            cells = ["" if v is None else str(v) for v in row]
            if ws.title == REVIEW_STATE and i:  # the export's id is new every time
                cells[-1] = "<sheet id>"
            out.append(" | ".join(cells))
    return "\n".join(out) + "\n"


def rendered(path: Path, fmt: str) -> str:
    if fmt == "csv":
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        return raw.decode("utf-8-sig")
    if fmt == "xlsx":
        return xlsx_text(path)
    if fmt == "sqlite":
        con = sqlite3.connect(path)
        try:
            return "\n".join(con.iterdump()) + "\n"
        finally:
            con.close()
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_export_matches_its_golden_file(
    reviewed: Project, tmp_path: Path, golden: Callable[[str, str], None], kind: str, fmt: str
) -> None:
    out = tmp_path / f"{kind}.{fmt}"
    if kind == "all" and fmt == "csv":
        with pytest.raises(InputError, match="a CSV file holds one table"):
            services.export_matrix(reviewed, kind, out)
        return
    services.export_matrix(reviewed, kind, out, label_lang="en")
    golden(f"{kind}.{fmt}.txt", rendered(out, fmt))


def test_html_report_matches_golden(
    reviewed: Project, tmp_path: Path, golden: Callable[[str, str], None]
) -> None:
    out = tmp_path / "report.html"
    summary = services.write_report(reviewed, out)
    text = out.read_text(encoding="utf-8")
    golden("report.html", text)
    assert summary.links == text.count('class="count"') > 0
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in text and "<link" not in text and "src=" not in text


def test_json_rows_are_objects_keyed_by_column(reviewed: Project, tmp_path: Path) -> None:
    out = tmp_path / "q.json"
    services.export_matrix(reviewed, "quotes", out, by="document")
    data = json.loads(out.read_text(encoding="utf-8"))
    quotes = next(s for s in data["sheets"] if s["name"] == "quotes")
    disputed = [r for r in quotes["rows"] if r["review"] == "disputed"]
    assert [(r["code"], r["comment"], r["reviewer"]) for r in disputed] == [
        ("cost", "Biaya resmi?", "dosen")
    ]
    assert data["about"]["by"] == "document"


def test_sqlite_views_answer_a_supervisors_questions(reviewed: Project, tmp_path: Path) -> None:
    out = tmp_path / "all.sqlite"
    services.export_matrix(reviewed, "all", out)
    con = sqlite3.connect(out)
    assert con.execute("SELECT code, document, comment FROM v_disputed").fetchall() == [
        ("cost", "wawancara_a", "Biaya resmi?")
    ]
    assert con.execute(
        "SELECT dimension, SUM(codings) FROM v_dimension_frequency GROUP BY dimension ORDER BY 1"
    ).fetchall() == [("cost", 2), ("time", 2)]
    assert con.execute(
        "SELECT count FROM frequency WHERE code='cost' AND \"column\"='interview_b'"
    ).fetchone() == (1,)
    assert con.execute(
        "SELECT \"attr:gender\" FROM codings WHERE document = 'interview_b'"
    ).fetchall() == [
        ("m",),
        ("m",),
    ]
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    assert {"codes", "documents", "cases", "codings", "about", "frequency_wide"} <= names
    con.close()


def test_frequency_filters_and_rollup_reach_the_file(reviewed: Project, tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    services.export_frequency(
        reviewed, out, by="case", filters=Filters(rollup=True, review=("disputed",))
    )
    assert out.read_text(encoding="utf-8-sig").splitlines() == [
        # the fixture already links wawancara_a to a case "ibu_a": the coding is in both
        "code,label,Ibu A,Participant B,ibu_a,total",
        "time,Waktu penyelesaian,0,0,0,0",
        "cost,Biaya pelayanan,1,0,1,1",
        "total,,1,0,1,1",
    ]


def test_xlsx_structure(reviewed: Project, tmp_path: Path) -> None:
    out = tmp_path / "q.xlsx"
    services.export_matrix(reviewed, "quotes", out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["framework", "quotes", "about", "qualcode_review_state"]
    assert wb["qualcode_review_state"].sheet_state == "hidden"
    fw, quotes, about = wb["framework"], wb["quotes"], wb["about"]
    assert fw.freeze_panes == "C2"  # header row and code + label columns
    assert fw.auto_filter.ref == "A1:E4"
    assert fw["C3"].alignment.wrap_text
    assert quotes.freeze_panes == "B2"
    header = [c.value for c in quotes[1]]
    assert header[:2] == ["guid", "code"] and {"review", "comment"} <= set(header)
    validations = quotes.data_validations.dataValidation
    assert validations and '"unreviewed,approved,disputed"' in validations[0].formula1
    assert {r[0].value: r[1].value for r in about.iter_rows(min_row=2)}["by"] == "case"
    assert 60 <= quotes.column_dimensions["K"].width < 62  # the quote column, wrapped


def test_shares_are_percent_cells(reviewed: Project, tmp_path: Path) -> None:
    out = tmp_path / "f.xlsx"
    services.export_matrix(reviewed, "frequency", out)
    ws = openpyxl.load_workbook(out)["frequency_share"]
    assert ws["C3"].number_format == "0.0%"
    assert isinstance(ws["C3"].value, float)


def test_a_quote_over_excels_cell_limit_continues_on_an_overflow_sheet(tmp_path: Path) -> None:
    long_quote = "kata " * 16_000  # 80,000 characters
    sheet = Sheet(
        name="a very long sheet name that Excel would refuse: [quotes]",
        title="Quotes",
        columns=("guid", "quote"),
        rows=(("g1", long_quote), ("g2", "=1+1")),
        kinds=("key", "quote"),
    )
    out = tmp_path / "long.xlsx"
    to_xlsx(Workbook(kind="quotes", title="t", sheets=(sheet,)), out)
    wb = openpyxl.load_workbook(out)
    name = wb.sheetnames[0]
    assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    cell = wb[name]["B2"].value
    assert len(cell) <= EXCEL_CELL_LIMIT
    assert "continue on sheet 'overflow'" in cell
    assert wb[name]["B3"].value == "=1+1"  # a quote is never a formula
    assert wb[name]["B3"].data_type == "s"
    overflow = wb["overflow"]
    parts = [row for row in overflow.iter_rows(min_row=2, values_only=True)]
    assert [p[2] for p in parts] == [2, 3]
    rebuilt = cell.split("\n[…")[0] + "".join(str(p[3]) for p in parts)
    assert rebuilt == long_quote


def test_sheet_names_are_unique_after_truncation() -> None:
    taken: set[str] = set()
    a = sheet_name("x" * 40, taken)
    b = sheet_name("x" * 40, taken)
    assert a != b and len(a) == len(b) == 31


def test_xlsx_is_a_zip_with_no_external_links(reviewed: Project, tmp_path: Path) -> None:
    out = tmp_path / "a.xlsx"
    services.export_matrix(reviewed, "all", out)
    with zipfile.ZipFile(out) as z:
        assert not [n for n in z.namelist() if "externalLink" in n]


# ---------------------------------------------------------------------- pseudonyms

REAL = ("Narasumber", "Participant", "Ibu A", "wawancara_a", "Neng")
NAME_MAP = (
    "real,pseudonym\n"
    "Narasumber,R1\n"
    "Participant,R2\n"
    "Ibu A,Kasus 1\n"
    "wawancara_a,Wawancara 1\n"
    "Neng,[nama]\n"
)


def _all_text(path: Path, fmt: str) -> str:
    if fmt == "xlsx":
        return xlsx_text(path)
    if fmt == "sqlite":
        return rendered(path, fmt)
    return path.read_bytes().decode("utf-8-sig")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "md", "json", "sqlite", "html"])
def test_no_real_name_survives_in_any_format(reviewed: Project, tmp_path: Path, fmt: str) -> None:
    names = tmp_path / "names.csv"
    names.write_text(NAME_MAP, encoding="utf-8")
    reviewed.memos.add_memo("case", "Ibu A", "Ibu A bilang: Neng, dua jam.")
    for kind in KINDS:
        if kind == "all" and fmt == "csv":
            continue
        for by in ("case", "document", "speaker"):
            out = tmp_path / f"{kind}-{by}.{fmt}"
            services.export_matrix(
                reviewed,
                kind,
                out,
                by=by if kind in ("frequency", "quotes") else None,
                pseudonyms=names,
            )
            text = _all_text(out, fmt)
            for real in REAL:  # as written (the role "participant" is no name)
                assert real not in text, (kind, by, real)
    # the project itself is unchanged
    assert "Narasumber" in {t.speaker for t in reviewed.documents.document("wawancara_a").turns}


def test_no_real_name_survives_in_the_report(reviewed: Project, tmp_path: Path) -> None:
    names = tmp_path / "names.yaml"
    names.write_text(
        "".join(
            f'"{line.split(",")[0]}": "{line.split(",")[1]}"\n'
            for line in NAME_MAP.splitlines()[1:]
        ),
        encoding="utf-8",
    )
    for by in ("document", "case", "speaker"):
        out = tmp_path / f"r-{by}.html"
        services.write_report(reviewed, out, by=by, pseudonyms=names)
        text = out.read_text(encoding="utf-8")
        for real in REAL:
            assert real not in text, (by, real)
        assert "Kasus 1" in text or by != "case"


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ("Siti\n", ".csv", "names.csv:1: expected two columns: real name, pseudonym"),
        (
            "- Siti\n",
            ".yaml",
            "names.yaml: a name map must be a mapping of real names to pseudonyms (e.g. 'Siti Aminah: Participant 1')",
        ),
        ("Siti,A\nsiti,B\n", ".csv", "names.csv:2: 'siti' has two pseudonyms (keep one)"),
        ("real,pseudonym\n", ".csv", "names.csv: the name map is empty"),
    ],
    ids=["one-column", "yaml-list", "two-pseudonyms", "empty"],
)
def test_a_bad_name_map_is_one_clear_error(
    reviewed: Project, tmp_path: Path, content: str, suffix: str, message: str
) -> None:
    path = tmp_path / f"names{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        services.export_matrix(reviewed, "frequency", tmp_path / "f.csv", pseudonyms=path)
    assert str(err.value).replace(str(tmp_path) + "/", "") == message
    assert not (tmp_path / "f.csv").exists()


def test_control_characters_and_markup_stay_text(tmp_path: Path) -> None:
    sheet = Sheet(
        name="quotes",
        title="Quotes",
        columns=("guid", "quote"),
        rows=(("g1", "a\x07b <i>&amp;</i> \u2028 kafé 😀"),),
        kinds=("key", "quote"),
    )
    out = tmp_path / "c.xlsx"
    to_xlsx(Workbook(kind="quotes", title="t", sheets=(sheet,)), out)
    assert (
        openpyxl.load_workbook(out)["quotes"]["B2"].value == "a\ufffdb <i>&amp;</i> \u2028 kafé 😀"
    )
