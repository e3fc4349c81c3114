"""The theme review and the dimension scorecard in every export format (golden files),
and the scorecard section of the HTML report."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qualcode import services
from qualcode.services import themes as svc
from qualcode.store import Project, open_project
from tests.exporters.test_matrices import xlsx_text


@pytest.fixture
def analysed(matrix_path: Path, matrix_guids: dict[str, str]) -> Iterator[Project]:
    """The matrix project with valences, themes, a sub-theme, key extracts."""
    p = open_project(str(matrix_path), coder="ana")
    for code, valence in (
        ("time.long_wait", "negative"),
        ("time.late", "negative"),
        ("cost", "mixed"),
        ("facilities.room", "negative"),
    ):
        p.codes.update_code(code, valence=valence)
    p.themes.add_theme({"id": "Menunggu", "en": "Waiting"}, codes=["time.long_wait", "time.late"])
    p.themes.add_theme("Telat", parent="menunggu", codes=["time.late"])
    p.themes.add_theme({"id": "Biaya", "en": "Money"}, codes=["cost", "time.late"])
    p.themes.define_theme("biaya", "What residents pay, official or not.")
    p.themes.add_extracts("menunggu", [matrix_guids["c1"]], translation="Two hours of queueing.")
    p.themes.add_extracts("biaya", [matrix_guids["c6"], matrix_guids["c4"]])
    yield p
    p.close()


def _stable(text: str, guids: dict[str, str]) -> str:
    for name, guid in guids.items():
        text = text.replace(guid, f"<{name}>")
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text)
    return text


def _render(book: object, fmt: str, tmp_path: Path) -> str:
    if fmt == "xlsx":
        out = tmp_path / "t.xlsx"
        svc.write_book(book, fmt, out)  # type: ignore[arg-type]
        return xlsx_text(out)
    text = svc.write_book(book, fmt, None)  # type: ignore[arg-type]
    assert text is not None
    return text


@pytest.mark.parametrize("fmt", ["md", "csv", "xlsx", "json"])
def test_theme_review_golden(
    analysed: Project,
    matrix_guids: dict[str, str],
    tmp_path: Path,
    golden: Callable[[str, str], None],
    fmt: str,
) -> None:
    book = svc.review_book(analysed, by="attribute:gender", lang="en")
    golden(f"theme-review.{fmt}.txt", _stable(_render(book, fmt, tmp_path), matrix_guids))


@pytest.mark.parametrize("fmt", ["md", "csv", "xlsx", "json"])
def test_scorecard_golden(
    analysed: Project,
    matrix_guids: dict[str, str],
    tmp_path: Path,
    golden: Callable[[str, str], None],
    fmt: str,
) -> None:
    book = svc.scorecard_book(analysed, by="attribute:gender")
    golden(f"scorecard.{fmt}.txt", _stable(_render(book, fmt, tmp_path), matrix_guids))


def test_scorecard_exact_values(analysed: Project) -> None:
    card = svc.dimension_scorecard(analysed, by="attribute:gender")
    rows = {(r.dimension, r.group): r for r in card.rows}
    time_f = rows[("time", "f")]
    assert (time_f.negative.usage.passages, time_f.negative.usage.documents) == (3, 1)
    assert time_f.negative.codes == (("time.long_wait", 2), ("time.late", 1))
    assert time_f.unrated.usage.passages == 1  # c3, coded with the dimension itself
    assert time_f.positive.usage.passages == 0
    assert rows[("cost", "m")].mixed.usage.passages == 2
    assert rows[("facilities", "m")].negative.codes == (("facilities.room", 1),)
    assert len(rows[("cost", "f")].extracts) == 1
    assert len(rows[("time", "f")].extracts) == 1


def test_the_html_report_has_the_scorecard_when_codes_carry_valence(
    analysed: Project, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    services.write_report(analysed, out, by="attribute:gender")
    page = out.read_text(encoding="utf-8")
    assert '<a href="#scorecard">Scorecard</a>' in page
    section = page[page.index('<h2 id="scorecard">') : page.index('<h2 id="quotes">')]
    assert "<td>time</td><td>Waktu</td><td>f</td>" in section
    assert "Antre lama (2); Petugas telat (1)" in section
    assert "<blockquote>Dua jam antre.</blockquote>" in section
    assert '<blockquote class="translation">Two hours of queueing.</blockquote>' in section


def test_the_html_report_has_the_thematic_map_as_an_inline_figure(
    analysed: Project, tmp_path: Path
) -> None:
    import xml.etree.ElementTree as ET

    out = tmp_path / "report.html"
    services.write_report(analysed, out, by="attribute:gender")
    page = out.read_text(encoding="utf-8")
    assert '<a href="#map">Thematic map</a>' in page
    figure = page[page.index('<figure class="map">') : page.index("</figure>")]
    svg = figure[figure.index("<svg") : figure.index("</svg>") + len("</svg>")]
    root = ET.fromstring(svg)  # well-formed, inline, no external reference
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Menunggu" in texts and "Telat" in texts and "Biaya" in texts
    assert "<figcaption>Themes (3), sub-themes and their codes (3);" in figure
    assert "href=" not in svg
