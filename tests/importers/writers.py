"""Transcript fixtures written by the real writer libraries of each format.

Every writer puts the same interview (:data:`TURNS`) into a file the way a person
or a transcription service would: Word and OpenDocument with bold speaker names
(no colon), RTF and PDF converted from that Word file by LibreOffice (and PDF also
by fpdf2), HTML with ``<strong>`` labels, WebVTT with voice tags, SubRip with
``Name:`` in the cues.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

TITLE = "Wawancara 3 — Kantor Camat"
TURNS: list[tuple[str, str]] = [
    ("Pewawancara", "Selamat pagi, Bu. Berapa lama Ibu mengantre?"),
    ("Bu Sari", "Lama sekali, kafé di depan sudah tutup. Saya menunggu dua jam."),
    ("Pewawancara", "Apakah ada biaya?"),
    ("Bu Sari", "Ada, Rp. 50.000 tanpa kuitansi. Iya, betul."),
]
EXPECTED_TEXT = f"{TITLE}\n\n" + "\n\n".join(f"{who}: {what}" for who, what in TURNS) + "\n"
"""The text every format must give: paragraphs separated by blank lines, bold
labels written as ``Name:``."""
EXPECTED_TURNS: list[tuple[str | None, str]] = [(None, TITLE), *TURNS]
TIMES_MS = [1_000, 5_500, 12_000, 15_250]


def write_docx(folder: Path) -> Path:
    from docx import Document

    doc = Document()
    doc.core_properties.title = "Wawancara 3"
    doc.add_heading(TITLE, level=1)
    for who, what in TURNS:
        p = doc.add_paragraph()
        p.add_run(who).bold = True
        p.add_run(" " + what)
    path = folder / "wawancara.docx"
    doc.save(str(path))
    return path


def write_docx_table(folder: Path) -> Path:
    """A transcription template: a table of time | speaker | words."""
    from docx import Document

    doc = Document()
    doc.add_paragraph(TITLE)
    table = doc.add_table(rows=0, cols=3)
    for (who, what), ms in zip(TURNS, TIMES_MS, strict=True):
        cells = table.add_row().cells
        cells[0].text = f"00:00:{ms // 1000:02d}"
        cells[1].text = who
        cells[2].text = what
    path = folder / "tabel.docx"
    doc.save(str(path))
    return path


def write_odt(folder: Path) -> Path:
    from odfdo import Document, Header, Paragraph, Span, Style

    doc = Document("text")
    body = doc.body
    body.clear()
    doc.insert_style(Style("text", name="Tebal", bold=True), automatic=True)
    body.append(Header(1, TITLE))
    for who, what in TURNS:
        p = Paragraph("")
        p.append(Span(who, style="Tebal"))
        p.append(" " + what)
        body.append(p)
    path = folder / "wawancara.odt"
    doc.save(str(path))
    return path


def soffice_convert(source: Path, fmt: str, folder: Path) -> Path:
    """Convert with LibreOffice (``soffice``), as a researcher's 'Save as' would."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    assert exe is not None
    profile = folder / "lo-profile"
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    out = folder / (source.stem + "." + fmt)
    assert out.exists(), f"LibreOffice wrote no {fmt}"
    return out


def write_pdf_fpdf(folder: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 8, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    for who, what in TURNS:
        pdf.set_font("DejaVu", "B", 11)
        pdf.write(6, who)
        pdf.set_font("DejaVu", "", 11)
        pdf.write(6, " " + what)
        pdf.ln(6)
        pdf.ln(6)
    path = folder / "wawancara.pdf"
    pdf.output(str(path))
    return path


def write_scanned_pdf(folder: Path) -> Path:
    """A PDF with only a drawing on it: no text layer, as a scan without OCR."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(40, 40, 40)
    for i in range(12):
        pdf.rect(20, 20 + i * 10, 150 - i * 7, 4, style="F")
    path = folder / "scan.pdf"
    pdf.output(str(path))
    return path


def write_html(folder: Path) -> Path:
    import html

    rows = "\n".join(
        f"  <p><strong>{html.escape(who)}</strong> {html.escape(what)}</p>" for who, what in TURNS
    )
    page = (
        '<!DOCTYPE html>\n<html lang="id"><head><meta charset="utf-8">'
        "<title>Wawancara 3</title><style>p { margin: 1em }</style></head>\n"
        f"<body>\n  <h1>{html.escape(TITLE)}</h1>\n{rows}\n"
        "<script>console.log('not text')</script></body></html>\n"
    )
    path = folder / "wawancara.html"
    path.write_text(page, encoding="utf-8")
    return path


def write_vtt(folder: Path) -> Path:
    """WebVTT with voice tags; Bu Sari's answer is cut into two cues."""
    import webvtt

    vtt = webvtt.WebVTT()
    cues: list[tuple[int, int, str]] = [(0, 900, TITLE)]
    for (who, what), ms in zip(TURNS, TIMES_MS, strict=True):
        if who == "Bu Sari" and ". " in what:
            first, second = what.split(". ", 1)
            cues.append((ms, ms + 2000, f"<v {who}>{first}."))
            cues.append((ms + 2000, ms + 4000, f"<v {who}>{second}"))
        else:
            cues.append((ms, ms + 3000, f"<v {who}>{what}"))
    for start, end, text in cues:
        vtt.captions.append(webvtt.Caption(_vtt_time(start), _vtt_time(end), text))
    path = folder / "wawancara.vtt"
    vtt.save(str(path))
    return path


def _vtt_time(ms: int) -> str:
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def write_srt(folder: Path) -> Path:
    import srt

    subs = [srt.Subtitle(1, dt.timedelta(0), dt.timedelta(milliseconds=900), TITLE)]
    for i, ((who, what), ms) in enumerate(zip(TURNS, TIMES_MS, strict=True), start=2):
        subs.append(
            srt.Subtitle(
                i,
                dt.timedelta(milliseconds=ms),
                dt.timedelta(milliseconds=ms + 3000),
                f"{who}: {what}",
            )
        )
    path = folder / "wawancara.srt"
    path.write_text(srt.compose(subs), encoding="utf-8")
    return path


WRITERS: dict[str, Callable[[Path], Path]] = {
    "docx": write_docx,
    "odt": write_odt,
    "pdf-fpdf2": write_pdf_fpdf,
    "html": write_html,
    "vtt": write_vtt,
    "srt": write_srt,
}
