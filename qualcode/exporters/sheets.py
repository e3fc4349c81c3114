"""A :class:`~qualcode.core.tables.Workbook` as CSV, Markdown, HTML or JSON.

CSV holds the workbook's first sheet (UTF-8 with a BOM, so Excel reads Indonesian
text); Markdown, HTML and JSON hold every sheet. (The SQLite export, whose tables are
named after the sheets, is written by :mod:`qualcode.store.export_db`: statements that
name things are built in :mod:`qualcode.store.ddl` only.)
"""

from __future__ import annotations

import csv
import io
import json
from html import escape
from pathlib import Path
from typing import Any

from qualcode.core.tables import Cell, Sheet, Workbook
from qualcode.exporters.base import atomic_text
from qualcode.exporters.csvsafe import safe_rows

# ---------------------------------------------------------------------- CSV


def to_csv(book: Workbook, path: Path) -> None:
    """The first sheet, UTF-8 with a BOM and CRLF line ends (as Excel writes them)."""
    header, lines = csv_lines(book.sheets[0])
    write_csv_text(path, header + "".join(lines))


def csv_lines(sheet: Sheet) -> tuple[str, list[str]]:
    """The sheet as CSV text, rendered once: the header line and each row's line(s)
    (a quoted cell may hold line breaks), every cell spreadsheet-safe. A file holding
    some of the rows joins the header and those rows' text."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    rows = safe_rows(
        [sheet.columns, *(["" if v is None else v for v in row] for row in sheet.rows)]
    )
    sizes = [writer.writerow(row) for row in rows]
    text = buf.getvalue()
    lines: list[str] = []
    at = sizes[0]
    for size in sizes[1:]:
        lines.append(text[at : at + size])
        at += size
    return text[: sizes[0]], lines


def write_csv_text(path: Path, text: str) -> None:
    """Write CSV text from :func:`csv_lines` as a CSV file (UTF-8 with a BOM)."""
    with atomic_text(path, encoding="utf-8-sig", newline="") as fh:
        fh.write(text)


# ---------------------------------------------------------------------- Markdown


def _md_cell(value: Cell, kind: str = "text") -> str:
    if value is None:
        return ""
    if kind == "share" and isinstance(value, int | float):
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def sheet_markdown(sheet: Sheet, *, heading: str = "#") -> list[str]:
    """One sheet as a GitHub-flavoured Markdown table with a heading."""
    numeric = [k in ("int", "share", "float") for k in sheet.kinds]
    lines = [f"{heading} {sheet.title}", ""]
    lines.append("| " + " | ".join(_md_cell(h) for h in sheet.columns) + " |")
    lines.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    for i, row in enumerate(sheet.rows):
        cells = [_md_cell(v, k) for v, k in zip(row, sheet.kinds, strict=True)]
        if sheet.total_row and i == len(sheet.rows) - 1:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def _about_line(book: Workbook) -> str:
    return ", ".join(f"{k}: {v}" for k, v in book.about if k not in ("title", "measure"))


def framework_markdown(book: Workbook) -> list[str]:
    """The quote matrix as headings (code, then column) and block quotes."""
    sheet = book.sheets[0]
    quotes = book.sheet("quotes") if any(s.name == "quotes" for s in book.sheets) else None
    lines = [f"# {book.title}", "", _about_line(book), ""]
    if quotes is None:
        return lines + sheet_markdown(sheet, heading="##")
    cols = {c: i for i, c in enumerate(quotes.columns)}
    groups: dict[tuple[str, str], list[tuple[Cell, ...]]] = {}
    for row in quotes.rows:
        groups.setdefault((str(row[cols["code"]]), str(row[cols["column"]])), []).append(row)
    for row in sheet.rows:
        code, label = str(row[0]), str(row[1])
        lines += [f"## {code} — {label}", ""]
        any_quote = False
        for column in sheet.columns[2:]:
            items = groups.get((code, column), [])
            if not items:
                continue
            any_quote = True
            lines += [f"### {column} ({len(items)})", ""]
            for q in items:
                where = ", ".join(
                    str(q[cols[k]]) for k in ("document", "speaker") if q[cols[k]] not in (None, "")
                )
                turn = q[cols["turn"]]
                pos = f"{q[cols['start']]}-{q[cols['end']]}"
                place = f"{where}, turn {turn}, {pos}" if turn is not None else f"{where}, {pos}"
                text = str(q[cols["quote"]]).replace("\n", " ")
                review = q[cols["review"]]
                note = f" — {review}" if review and review != "unreviewed" else ""
                comment = q[cols["comment"]]
                if comment:
                    note += f": {str(comment).replace(chr(10), ' ')}"
                lines += [f"> {text}", ">", f"> — {place}{note}", ""]
        if not any_quote:
            lines += ["(no quotes)", ""]
    return lines


def to_markdown(book: Workbook, *, sheets: int | None = None) -> str:
    """Every sheet (or the first ``sheets``) as Markdown; quotes as block quotes."""
    if book.kind == "quotes":
        return "\n".join(framework_markdown(book)).rstrip("\n") + "\n"
    chosen = book.sheets[:sheets] if sheets else book.sheets
    if len(chosen) == 1:
        lines = [f"# {chosen[0].title}", ""]
        about = _about_line(book)
        if about:
            lines += [about, ""]
        lines += sheet_markdown(chosen[0])[2:]
    else:
        lines = [f"# {book.title}", ""]
        about = _about_line(book)
        if about:
            lines += [about, ""]
        for sheet in chosen:
            lines += sheet_markdown(sheet, heading="##")
    return "\n".join(lines).rstrip("\n") + "\n"


def to_md(book: Workbook, path: Path, *, sheets: int | None = None) -> None:
    """Write :func:`to_markdown` to ``path``."""
    with atomic_text(path) as fh:
        fh.write(to_markdown(book, sheets=sheets))


# ---------------------------------------------------------------------- HTML

_HTML_STYLE = (
    "body{font-family:sans-serif;margin:1.5em;color:#222}"
    "table{border-collapse:collapse;margin-bottom:2em}"
    "th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left}"
    "th{background:#eef2f7;position:sticky;top:0}td.n{text-align:right}"
    "tr.total td{font-weight:bold}td{white-space:pre-wrap}"
)


def _html_cell(value: Cell, kind: str) -> str:
    if type(value) is str:  # most cells: test it first
        return "<td>" + escape(value.replace("\r", ""), quote=False) + "</td>"
    if value is None:
        return "<td></td>"
    if kind == "share" and isinstance(value, int | float):
        return f'<td class="n">{value:.1%}</td>'
    if isinstance(value, float):
        return f'<td class="n">{value:.3f}</td>'
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<td class="n">{value}</td>'
    return f"<td>{escape(str(value).replace(chr(13), ''), quote=False)}</td>"


def sheet_html(sheet: Sheet) -> list[str]:
    """One sheet as an HTML table under an ``h2`` heading (every value escaped)."""
    lines = [f"<h2>{escape(sheet.title, quote=False)}</h2>", "<table>"]
    lines.append(
        "<thead><tr>"
        + "".join(f"<th>{escape(c, quote=False)}</th>" for c in sheet.columns)
        + "</tr></thead><tbody>"
    )
    last = len(sheet.rows) - 1
    for i, row in enumerate(sheet.rows):
        total = ' class="total"' if sheet.total_row and i == last else ""
        cells = "".join(_html_cell(v, k) for v, k in zip(row, sheet.kinds, strict=True))
        lines.append(f"<tr{total}>{cells}</tr>")
    lines.append("</tbody></table>")
    return lines


def to_html_text(book: Workbook) -> str:
    """Every sheet as a table in one self-contained HTML page (no script, no link)."""
    lines = [
        '<!DOCTYPE html><html><head><meta charset="utf-8">',
        f"<title>{escape(book.title, quote=False)}</title><style>{_HTML_STYLE}</style>",
        "</head><body>",
        f"<h1>{escape(book.title, quote=False)}</h1>",
    ]
    about = _about_line(book)
    if about:
        lines.append(f"<p>{escape(about, quote=False)}</p>")
    for sheet in book.sheets:
        lines += sheet_html(sheet)
    lines.append("</body></html>")
    return "\n".join(lines) + "\n"


def to_html(book: Workbook, path: Path) -> None:
    """Write :func:`to_html_text` to ``path`` (UTF-8)."""
    with atomic_text(path) as fh:
        fh.write(to_html_text(book))


# ---------------------------------------------------------------------- JSON


def to_json_data(book: Workbook) -> dict[str, Any]:
    """The workbook as plain data: ``kind``, ``title``, ``about``, ``sheets``.

    Each sheet is ``{name, title, columns, rows}`` with every row an object keyed by
    column name.
    """
    return {
        "kind": book.kind,
        "title": book.title,
        "about": dict(book.about),
        "sheets": [
            {
                "name": s.name,
                "title": s.title,
                "columns": list(s.columns),
                "rows": [dict(zip(s.columns, row, strict=True)) for row in s.rows],
            }
            for s in book.sheets
        ],
    }


def to_json(book: Workbook, path: Path) -> None:
    """Write :func:`to_json_data` as UTF-8 JSON (two-space indent)."""
    with atomic_text(path) as fh:
        json.dump(to_json_data(book), fh, ensure_ascii=False, indent=2)
        fh.write("\n")
