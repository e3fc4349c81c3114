"""Real programs open what we write: LibreOffice reads every sheet of the XLSX (cells,
frozen panes, autofilter), headless Chromium renders the HTML report with no console
errors and with every count linked to exactly that many quotes."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import column_index_from_string, range_boundaries

from qualcode import services
from qualcode.store import Project
from tests.conftest import require

pytestmark = pytest.mark.external

HERE = Path(__file__).parent
SYSTEM_PYTHON = "/usr/bin/python3"


@pytest.fixture
def reviewed(small_project: Project) -> Project:
    small_project.cases.link_case("Ibu A", "wawancara_a")
    small_project.cases.link_case("Participant B", "interview_b", speaker="Participant")
    small_project.cases.set_attributes({"Ibu A": {"gender": "f"}, "Participant B": {"gender": "m"}})
    small_project.review.review_coding(
        "1cbc4432-056b-4605-b3f7-dd97ae664e84", "disputed", "Biaya resmi?", reviewer="dosen"
    )
    return small_project


def _ours(path: Path) -> dict[str, list[list[str]]]:
    """Every sheet as LibreOffice's CSV filter would write it (numbers as shown)."""
    wb = openpyxl.load_workbook(path)
    out: dict[str, list[list[str]]] = {}
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            values = []
            for cell in row:
                v = cell.value
                if v is None:
                    values.append("")
                elif isinstance(v, int | float) and cell.number_format == "0.0%":
                    values.append(f"{v * 100:.1f}%")
                elif isinstance(v, int | float) and cell.number_format == "0.000":
                    values.append(f"{v:.3f}")
                elif isinstance(v, bool):
                    values.append("TRUE" if v else "FALSE")
                else:
                    values.append(str(v))
            rows.append(values)
        out[ws.title] = rows
    return out


@pytest.mark.slow
def test_libreoffice_reads_every_sheet_cell_for_cell(reviewed: Project, tmp_path: Path) -> None:
    require("soffice")
    book = tmp_path / "all.xlsx"
    services.export_matrix(reviewed, "all", book)
    out = tmp_path / "csv"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            # 44 = comma, 34 = quote, 76 = UTF-8, formatted as shown, -1 = every sheet
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
            "--outdir",
            str(out),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    ours = _ours(book)
    assert len(ours) >= 10
    for sheet, rows in ours.items():
        converted = out / f"all-{sheet}.csv"
        assert converted.exists(), f"LibreOffice wrote no sheet {sheet!r}"
        with open(converted, encoding="utf-8", newline="") as fh:
            theirs = [r for r in csv.reader(fh)]
        width = max(len(r) for r in rows)
        assert [r + [""] * (width - len(r)) for r in theirs] == [
            r + [""] * (width - len(r)) for r in rows
        ], sheet
    quotes = {r[0]: r for r in csv.reader(open(out / "all-segments.csv", encoding="utf-8"))}
    row = quotes["1cbc4432-056b-4605-b3f7-dd97ae664e84"]
    assert "disputed" in row and "Biaya resmi?" in row


@pytest.mark.slow
def test_libreoffice_sees_frozen_panes_and_autofilter_on_every_sheet(
    reviewed: Project, tmp_path: Path
) -> None:
    require("soffice")
    uno = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    if uno.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("python3-uno is required in CI (.ci/run installs it)")
        pytest.skip("LibreOffice's Python (python3-uno) is not installed")
    book = tmp_path / "q.xlsx"
    services.export_matrix(reviewed, "all", book)
    result = subprocess.run(
        [SYSTEM_PYTHON, str(HERE / "lo_inspect.py"), str(book), str(tmp_path / "profile")],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
    )
    assert result.returncode == 0, result.stderr + result.stdout
    sheets = {s["name"]: s for s in json.loads(result.stdout)}
    wb = openpyxl.load_workbook(book)
    assert list(sheets) == wb.sheetnames
    for ws in wb.worksheets:
        seen = sheets[ws.title]
        # what we wrote (openpyxl) and what LibreOffice shows must agree
        assert seen["frozen"], ws.title
        assert ws.freeze_panes is not None, ws.title
        col = column_index_from_string(re.sub(r"\d", "", ws.freeze_panes))
        assert (seen["split_column"], seen["split_row"]) == (col - 1, 1), ws.title
        ref = ws.auto_filter.ref
        assert ref, ws.title
        (c1, r1, c2, r2) = (int(v or 0) for v in range_boundaries(ref))
        assert seen["autofilter"] == [c1 - 1, r1 - 1, c2 - 1, r2 - 1], ws.title
        assert seen["cells"][0] == [str(c.value) for c in ws[1]], ws.title
    assert sheets["framework"]["split_column"] == 2  # code and label stay in view
    # LibreOffice saving it again as XLSX keeps the autofilter (and openpyxl reads it back)
    again = tmp_path / "again"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile2'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(again),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = openpyxl.load_workbook(again / "q.xlsx")
    assert resaved["segments"].auto_filter.ref == wb["segments"].auto_filter.ref


# ---------------------------------------------------------------------- Chromium

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--enable-logging=stderr",
    "--v=0",
]


def chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium") or "chromium"
    return subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def console_messages(stderr: str) -> list[str]:
    """Console output Chromium logs (``INFO:CONSOLE`` lines): errors, warnings, logs."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, int]] = []
        self.quotes: dict[str, int] = {}
        self._stack: list[str] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("class") == "count":
            self._href = a.get("href")
        if tag == "div" and (a.get("class") or "").split()[:1] == ["cell"] and a.get("id"):
            self._stack.append(str(a["id"]))
            self.quotes[str(a["id"])] = 0
        elif tag == "div":
            self._stack.append("")
        if tag == "li" and "quote" in (a.get("class") or "").split():
            for target in self._stack:
                if target:
                    self.quotes[target] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._stack:
            self._stack.pop()
        if tag == "a":
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._href is not None and data.strip():
            self.links.append((self._href.lstrip("#"), int(data)))


@pytest.mark.slow
def test_chromium_renders_the_report_with_no_console_errors_and_linked_counts(
    reviewed: Project, tmp_path: Path
) -> None:
    require("chromium")
    page = tmp_path / "report.html"
    for by in ("document", "case"):
        services.write_report(reviewed, page, by=by)
        result = chromium(page, tmp_path / f"profile-{by}", "--dump-dom")
        assert result.returncode == 0, result.stderr[-2000:]
        assert console_messages(result.stderr) == []
        dom = result.stdout
        # the inline script ran in Chromium and found every count equal to its quotes
        body = re.search(r"<body[^>]*>", dom)
        assert body is not None
        assert 'data-links-ok="yes"' in body.group(0), body.group(0)
        n_links = int(re.search(r'data-links="(\d+)"', body.group(0)).group(1))  # type: ignore[union-attr]
        parser = _Links()
        parser.feed(dom)
        assert len(parser.links) == n_links > 0
        for target, count in parser.links:
            assert parser.quotes.get(target) == count, target
    shot = tmp_path / "shot.png"
    result = chromium(
        page, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1200,1600"
    )
    assert shot.exists() and shot.stat().st_size > 10_000
    pdf = tmp_path / "report.pdf"
    result = chromium(
        page, tmp_path / "profile-pdf", f"--print-to-pdf={pdf}", "--no-pdf-header-footer"
    )
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), result.stderr[-2000:]


@pytest.mark.slow
def test_the_chromium_check_does_catch_a_console_error_and_a_wrong_count(tmp_path: Path) -> None:
    """The detector itself: a page whose count does not match its quotes is flagged."""
    require("chromium")
    from qualcode.exporters.html import SCRIPT

    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><body><a class="count" href="#x">2</a>'
        '<div class="cell" id="x"><ol><li class="quote">only one</li></ol></div>'
        f"<script>{SCRIPT}</script></body></html>",
        encoding="utf-8",
    )
    result = chromium(page, tmp_path / "profile", "--dump-dom")
    assert 'data-links-ok="no"' in result.stdout
    messages = console_messages(result.stderr)
    assert len(messages) == 1 and "count 2 links to 1 quotes" in messages[0]
