"""A :class:`~qualcode.core.tables.Workbook` as an XLSX file (xlsxwriter).

One sheet per table, each with a frozen header row and key columns, an autofilter,
column widths that fit, wrapped quote cells and percentages for shares; an
``about`` sheet says which filters made it. Excel refuses a cell over 32,767
characters: such a cell keeps its first part, with a note, and continues on the
``overflow`` sheet in parts. Sheet names stay within Excel's 31 characters and
avoid the characters it forbids. Strings are never turned into formulas, numbers
or links (a quote that starts with ``=`` stays text).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from qualcode.core.tables import Cell, Sheet, Workbook
from qualcode.exporters.base import write_atomic

EXCEL_CELL_LIMIT = 32_767
"""The most characters Excel keeps in one cell."""
PART = 32_000
"""How much of an over-long cell stays in place (the rest continues on ``overflow``)."""
SHEET_NAME_LIMIT = 31
REVIEW_CHOICES = ["unreviewed", "approved", "disputed"]


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name: no ``[]:*?/\\``, at most 31 characters."""
    clean = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "sheet"
    base = clean[:SHEET_NAME_LIMIT]
    candidate = base
    i = 2
    while candidate.lower() in taken:
        suffix = f"~{i}"
        candidate = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        i += 1
    taken.add(candidate.lower())
    return candidate


def _width(sheet: Sheet, col: int) -> float:
    kind = sheet.kinds[col]
    if kind == "quote":
        return 60
    longest = len(str(sheet.columns[col]))
    for row in sheet.rows[:500]:
        value = row[col]
        if value is None:
            continue
        text = f"{value:.1%}" if kind == "share" and isinstance(value, float) else str(value)
        longest = max(longest, max((len(line) for line in text.split("\n")), default=0))
    if kind in ("int", "share", "float"):
        return min(max(longest + 2, 8), 18)
    return min(max(longest + 2, 8), 45)


def to_xlsx(book: Workbook, path: Path) -> None:
    """Write ``book`` as an XLSX workbook at ``path`` (atomically)."""
    import xlsxwriter  # loads in ~50 ms, only when an XLSX is written

    def write(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "nan_inf_to_errors": True,
                # rows go straight to disk in order: less memory, no shared-string table
                "constant_memory": True,
            },
        )
        header = wb.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        formats: dict[str, Any] = {
            "text": wb.add_format({"valign": "top"}),
            "key": wb.add_format({"valign": "top", "bold": True}),
            "int": wb.add_format({"valign": "top", "num_format": "0"}),
            "share": wb.add_format({"valign": "top", "num_format": "0.0%"}),
            "float": wb.add_format({"valign": "top", "num_format": "0.000"}),
            "quote": wb.add_format({"valign": "top", "text_wrap": True}),
        }
        total_fmt = {
            k: wb.add_format({**props, "bold": True, "top": 1})
            for k, props in (
                ("text", {"valign": "top"}),
                ("key", {"valign": "top"}),
                ("int", {"valign": "top", "num_format": "0"}),
                ("share", {"valign": "top", "num_format": "0.0%"}),
                ("float", {"valign": "top", "num_format": "0.000"}),
                ("quote", {"valign": "top", "text_wrap": True}),
            )
        }
        taken: set[str] = {"about", "overflow"}
        overflow: list[tuple[str, str, int, str]] = []
        for sheet in book.sheets:
            name = sheet_name(sheet.name, taken)
            ws = wb.add_worksheet(name)
            for c, title in enumerate(sheet.columns):
                ws.write_string(0, c, str(title), header)
                ws.set_column(c, c, _width(sheet, c))
            last = len(sheet.rows)
            for r, row in enumerate(sheet.rows, start=1):
                is_total = sheet.total_row and r == last
                for c, value in enumerate(row):
                    kind = sheet.kinds[c]
                    fmt = (total_fmt if is_total else formats)[kind]
                    _write(ws, name, r, c, value, fmt, overflow)
            ws.freeze_panes(1, min(sheet.key_columns, len(sheet.columns)))
            data_last = last - 1 if sheet.total_row else last
            ws.autofilter(0, 0, max(data_last, 0), max(len(sheet.columns) - 1, 0))
            if "review" in sheet.columns and "guid" in sheet.columns and sheet.rows:
                col = sheet.columns.index("review")
                ws.data_validation(
                    1,
                    col,
                    last,
                    col,
                    {
                        "validate": "list",
                        "source": REVIEW_CHOICES,
                        "input_title": "Review",
                        "input_message": "approved, disputed or unreviewed",
                    },
                )
        about = wb.add_worksheet("about")
        about.write_string(0, 0, "setting", header)
        about.write_string(0, 1, "value", header)
        about.set_column(0, 0, 18)
        about.set_column(1, 1, 80, formats["quote"])
        rows = list(book.about) + [
            ("sheets", ", ".join(s.title for s in book.sheets)),
            (
                "review",
                "fill in the review (approved / disputed) and comment columns of the quotes "
                "sheet, save, and send it back: 'qualcode review apply FILE.xlsx' reads them",
            ),
        ]
        for r, (k, v) in enumerate(rows, start=1):
            about.write_string(r, 0, str(k))
            _write(about, "about", r, 1, str(v), formats["quote"], overflow)
        about.freeze_panes(1, 1)
        about.autofilter(0, 0, len(rows), 1)
        if overflow:
            ws = wb.add_worksheet("overflow")
            for c, title in enumerate(("sheet", "cell", "part", "text")):
                ws.write_string(0, c, title, header)
            ws.set_column(0, 1, 14)
            ws.set_column(2, 2, 6)
            ws.set_column(3, 3, 100)
            for r, (sheet_title, cell, part, text) in enumerate(overflow, start=1):
                ws.write_string(r, 0, sheet_title)
                ws.write_string(r, 1, cell)
                ws.write_number(r, 2, part)
                ws.write_string(r, 3, text, formats["quote"])
            ws.freeze_panes(1, 2)
            ws.autofilter(0, 0, len(overflow), 3)
        wb.close()

    write_atomic(path, write)


def _cell_name(row: int, col: int) -> str:
    letters = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def _write(
    ws: Any,
    sheet: str,
    row: int,
    col: int,
    value: Cell,
    fmt: Any,
    overflow: list[tuple[str, str, int, str]],
) -> None:
    if value is None or value == "":
        return  # an empty cell needs no record (the column keeps its format)
    if isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    else:
        text = str(value)
        if len(text) > EXCEL_CELL_LIMIT:
            cell = _cell_name(row, col)
            first = len(overflow) + 2  # the overflow sheet's row of part 2
            parts = [text[i : i + PART] for i in range(PART, len(text), PART)]
            note = (
                f"\n[… {len(text) - PART:,} more characters continue on sheet 'overflow', "
                f"rows {first}-{first + len(parts) - 1} (cell {sheet}!{cell})]"
            )
            for i, part in enumerate(parts, start=2):
                overflow.append((sheet, cell, i, part))
            text = text[:PART] + note
        ws.write_string(row, col, text, fmt)
