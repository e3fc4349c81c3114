"""A :class:`~qualcode.core.tables.Workbook` as an XLSX file (Office Open XML).

One sheet per table, each with a frozen header row and key columns, an autofilter,
column widths that fit, wrapped quote cells and percentages for shares; an
``about`` sheet says which filters made it. Excel refuses a cell over 32,767
characters: such a cell keeps its first part, with a note, and continues on the
``overflow`` sheet in parts. Sheet names stay within Excel's 31 characters and
avoid the characters it forbids. Strings are always strings (a quote that starts
with ``=`` never becomes a formula).

Every XLSX qualcode writes comes from this module: :func:`to_xlsx` for matrices and
quote sheets, :func:`write_grids` for the small laid-out workbooks (the agreement
report, the text-analysis tables). The file is written here, streaming, rather than
with a spreadsheet library: a quote sheet of 100,000 codings is 1.6 million cells;
issue 18 allows a library unless it is more than 1.5 times slower than this writer,
and none that has what these sheets need came within that (xlsxwriter about 10x,
PyExcelerate about 6x, rvgsrust-xlsxwriter about 2x; rustpy-xlsxwriter is as fast
but writes whole tables of records only, with no per-cell formats for total and
title rows): docs/benchmarks.md, "XLSX writers". The XML is the plain SpreadsheetML
subset every reader knows (inline strings, one style sheet, frozen panes, autofilter
with its ``_FilterDatabase`` name, list validation); LibreOffice and openpyxl read
it back in the tests.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from qualcode.core.tables import Cell, Sheet, Workbook
from qualcode.exporters.base import write_atomic

EXCEL_CELL_LIMIT = 32_767
"""The most characters Excel keeps in one cell."""
PART = 32_000
"""How much of an over-long cell stays in place (the rest continues on ``overflow``)."""
SHEET_NAME_LIMIT = 31
REVIEW_CHOICES = ["unreviewed", "approved", "disputed"]

# cellXfs indexes in STYLES; totals are the same + 6 (bold, rule above)
STYLE = {"header": 1, "text": 2, "key": 3, "int": 4, "share": 5, "float": 6, "quote": 7}
TOTAL_OFFSET = 6
# cellXfs indexes of the plain formats of laid-out sheets (:class:`Grid`)
GRID_STYLE = {"plain": 0, "bold": 14, "share": 15, "fixed": 16}

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet {NS}>
<numFmts count="2"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="0.000"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="3"><border><left/><right/><top/><bottom/><diagonal/></border><border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right><top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border><border><left/><right/><top style="thin"><color auto="1"/></top><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="17">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="1" fillId="0" borderId="2" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="0" fontId="1" fillId="0" borderId="2" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="1" fontId="1" fillId="0" borderId="2" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="164" fontId="1" fillId="0" borderId="2" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="165" fontId="1" fillId="0" borderId="2" xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1" applyAlignment="1"><alignment vertical="top"/></xf>
<xf numFmtId="0" fontId="1" fillId="0" borderId="2" xfId="0" applyFont="1" applyBorder="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>
"""


NO_REVIEW_KINDS = frozenset({"theme-review", "scorecard"})
"""Workbooks with no quotes sheet to review (their "about" sheet says nothing of it)."""


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


def column_letter(index: int) -> str:
    """``0`` -> ``A``, ``26`` -> ``AA``."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


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


_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_WORK = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    """Escape markup and replace characters XML 1.0 forbids. Most text needs
    neither: one regular-expression scan (in C) decides."""
    if not _NEEDS_WORK.search(value):
        return value
    if _ILLEGAL_XML.search(value):
        value = _ILLEGAL_XML.sub("\ufffd", value)
    return escape(value)


class _Overflow:
    """Parts of over-long cells, kept for the ``overflow`` sheet."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, str, int, str]] = []

    def clip(self, sheet: str, ref: str, text: str) -> str:
        first = len(self.parts) + 2  # the overflow sheet's row of this cell's part 2
        parts = [text[i : i + PART] for i in range(PART, len(text), PART)]
        for i, part in enumerate(parts, start=2):
            self.parts.append((sheet, ref, i, part))
        return text[:PART] + (
            f"\n[… {len(text) - PART:,} more characters continue on sheet 'overflow', "
            f"rows {first}-{first + len(parts) - 1} (cell {sheet}!{ref})]"
        )


def _rows_xml(
    name: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    kinds: Sequence[str],
    total_row: bool,
    overflow: _Overflow,
) -> Iterator[str]:
    letters = [column_letter(i) for i in range(len(columns))]
    head = STYLE["header"]
    yield (
        '<row r="1">'
        + "".join(
            f'<c r="{letters[i]}1" s="{head}" t="inlineStr"><is><t xml:space="preserve">'
            f"{_text(str(title))}</t></is></c>"
            for i, title in enumerate(columns)
        )
        + "</row>"
    )
    plain = [STYLE[k] for k in kinds]
    bold = [STYLE[k] + TOTAL_OFFSET for k in kinds]
    prefix = [f'<c r="{letter}' for letter in letters]
    last = len(rows) + 1
    buf: list[str] = []
    for r, row in enumerate(rows, start=2):
        styles = bold if total_row and r == last else plain
        rs = str(r)
        parts = [f'<row r="{rs}">']
        for i, value in enumerate(row):
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                if len(value) > EXCEL_CELL_LIMIT:  # type: ignore[arg-type]
                    value = overflow.clip(name, f"{letters[i]}{rs}", value)  # type: ignore[arg-type]
                parts.append(
                    f'{prefix[i]}{rs}" s="{styles[i]}" t="inlineStr"><is><t xml:space="preserve">'
                    f"{value if not _NEEDS_WORK.search(value) else _text(value)}</t></is></c>"  # type: ignore[arg-type]
                )
            elif kind is int:
                parts.append(f'{prefix[i]}{rs}" s="{styles[i]}"><v>{value}</v></c>')
            elif kind is float:
                parts.append(f'{prefix[i]}{rs}" s="{styles[i]}"><v>{value!r}</v></c>')
            elif value is None:
                continue
            elif kind is bool:
                parts.append(
                    f'{prefix[i]}{rs}" s="{styles[i]}" t="b"><v>{int(bool(value))}</v></c>'
                )
            else:
                text = _text(str(value))
                parts.append(
                    f'{prefix[i]}{rs}" s="{styles[i]}" t="inlineStr"><is><t xml:space="preserve">'
                    f"{text}</t></is></c>"
                )
        parts.append("</row>")
        buf.append("".join(parts))
        if len(buf) >= 2000:
            yield "".join(buf)
            buf = []
    if buf:
        yield "".join(buf)


def _sheet_xml(
    name: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    kinds: Sequence[str],
    widths: Sequence[float],
    *,
    key_columns: int,
    total_row: bool,
    selected: bool,
    validate_column: int | None,
    overflow: _Overflow,
) -> Iterator[str]:
    ncols = max(len(columns), 1)
    last_row = len(rows) + 1
    last_col = column_letter(ncols - 1)
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS} {NS_R}>'
    yield f'<dimension ref="A1:{last_col}{last_row}"/>'
    x = min(key_columns, len(columns))
    top_left = f"{column_letter(x)}2"
    pane = "bottomRight" if x else "bottomLeft"
    split = f' xSplit="{x}"' if x else ""
    tab = ' tabSelected="1"' if selected else ""
    yield (
        f'<sheetViews><sheetView workbookViewId="0"{tab}>'
        f'<pane{split} ySplit="1" topLeftCell="{top_left}" activePane="{pane}" state="frozen"/>'
        f'<selection pane="{pane}" activeCell="{top_left}" sqref="{top_left}"/>'
        "</sheetView></sheetViews>"
    )
    yield '<sheetFormatPr defaultRowHeight="15"/>'
    yield (
        "<cols>"
        + "".join(
            f'<col min="{i + 1}" max="{i + 1}" width="{w:.2f}" customWidth="1"/>'
            for i, w in enumerate(widths)
        )
        + "</cols>"
    )
    yield "<sheetData>"
    yield from _rows_xml(name, columns, rows, kinds, total_row, overflow)
    yield "</sheetData>"
    data_last = last_row - 1 if total_row else last_row
    yield f'<autoFilter ref="A1:{last_col}{max(data_last, 1)}"/>'
    if validate_column is not None and rows:
        col = column_letter(validate_column)
        choices = ",".join(REVIEW_CHOICES)
        yield (
            '<dataValidations count="1"><dataValidation type="list" allowBlank="1" '
            'showInputMessage="1" showErrorMessage="1" promptTitle="Review" '
            f'prompt="approved, disputed or unreviewed" sqref="{col}2:{col}{last_row}">'
            f'<formula1>"{choices}"</formula1></dataValidation></dataValidations>'
        )
    yield '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    yield "</worksheet>"


def to_xlsx(book: Workbook, path: Path) -> None:
    """Write ``book`` as an XLSX workbook at ``path`` (atomically)."""

    def write(tmp: Path) -> None:
        taken: set[str] = {"about", "overflow"}
        if book.state is not None:
            taken.add(book.state.name.lower())
        hidden: set[str] = set()
        overflow = _Overflow()
        names: list[str] = []
        ranges: list[str | None] = []
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for index, sheet in enumerate(book.sheets):
                name = sheet_name(sheet.name, taken)
                validate = (
                    sheet.columns.index("review")
                    if "review" in sheet.columns and "guid" in sheet.columns
                    else None
                )
                _stream(
                    z,
                    f"xl/worksheets/sheet{index + 1}.xml",
                    _sheet_xml(
                        name,
                        sheet.columns,
                        sheet.rows,
                        sheet.kinds,
                        [_width(sheet, c) for c in range(len(sheet.columns))],
                        key_columns=sheet.key_columns,
                        total_row=sheet.total_row,
                        selected=index == 0,
                        validate_column=validate,
                        overflow=overflow,
                    ),
                )
                names.append(name)
                data_last = len(sheet.rows) + 1 - (1 if sheet.total_row else 0)
                ranges.append(
                    f"$A$1:${column_letter(max(len(sheet.columns), 1) - 1)}${max(data_last, 1)}"
                )
            about_rows: list[tuple[Cell, ...]] = [(str(k), str(v)) for k, v in book.about]
            about_rows += [("sheets", ", ".join(s.title for s in book.sheets))]
            if book.kind not in NO_REVIEW_KINDS:
                about_rows += [
                    (
                        "review",
                        "fill in the review (approved / disputed) and comment columns of the "
                        "quotes sheet, save, and send it back: 'qualcode review apply "
                        "FILE.xlsx' reads them",
                    ),
                ]
            extra: list[
                tuple[
                    str, Sequence[str], Sequence[tuple[Cell, ...]], Sequence[str], list[float], int
                ]
            ] = [("about", ("setting", "value"), about_rows, ("key", "quote"), [18, 80], 1)]
            if book.state is not None:
                # the review state each row was exported with, hidden: 'review apply'
                # merges what the supervisor changed instead of replaying every row
                st = book.state
                extra.append((st.name, st.columns, st.rows, st.kinds, [38] * len(st.columns), 1))
                hidden.add(st.name)
            for title, columns, rows, kinds, widths, keys in extra:
                index = len(names)
                _stream(
                    z,
                    f"xl/worksheets/sheet{index + 1}.xml",
                    _sheet_xml(
                        title,
                        columns,
                        rows,
                        kinds,
                        widths,
                        key_columns=keys,
                        total_row=False,
                        selected=False,
                        validate_column=None,
                        overflow=overflow,
                    ),
                )
                names.append(title)
                ranges.append(f"$A$1:${column_letter(max(len(columns), 1) - 1)}${len(rows) + 1}")
            if overflow.parts:
                # parts found so far (the overflow sheet itself never overflows: parts fit)
                parts = list(overflow.parts)
                index = len(names)
                _stream(
                    z,
                    f"xl/worksheets/sheet{index + 1}.xml",
                    _sheet_xml(
                        "overflow",
                        ("sheet", "cell", "part", "text"),
                        parts,
                        ("key", "text", "int", "quote"),
                        [14, 14, 6, 100],
                        key_columns=2,
                        total_row=False,
                        selected=False,
                        validate_column=None,
                        overflow=_Overflow(),
                    ),
                )
                names.append("overflow")
                ranges.append(f"$A$1:$D${len(parts) + 1}")
            _package(z, names, ranges, hidden, book.title)

    write_atomic(path, write)


GridCell = Cell | bool | tuple[Cell | bool, str]
"""A cell of a :class:`Grid`: a value, or ``(value, style)`` with a style of
:data:`GRID_STYLE` (``plain``, ``bold``, ``share`` 0.0%, ``fixed`` 0.000)."""


@dataclass(frozen=True)
class Grid:
    """A sheet laid out cell by cell, for the small workbooks that are not
    :class:`~qualcode.core.tables.Workbook` tables (the agreement report, the
    text-analysis tables). ``rows`` start at the sheet's first row; an empty row
    is a blank line. Text stays text; NaN and infinities become Excel's ``#NUM!``
    and ``#DIV/0!`` errors."""

    name: str
    rows: Sequence[Sequence[GridCell]]
    freeze: tuple[int, int] = (0, 0)
    """Rows above and columns left of the frozen panes."""
    widths: dict[int, float] = field(default_factory=dict)
    """Column index -> width in characters."""
    autofilter: bool = False
    """A filter over the first row and every row below it."""
    keep_empty: bool = False
    """Empty strings as empty text cells rather than blank cells."""


def _column_width(width: float) -> float:
    """``width`` characters as Excel stores a column width: the whole pixels of
    ``width`` digits of Calibri 11 (7 px each) plus 5 px of padding, in 1/256ths."""
    pixels = int(width * 7 + 0.5) + 5 if width >= 1 else int(width * 12 + 0.5)
    return int(pixels / 7 * 256) / 256


def _grid_cell(
    ref: str, value: object, style: int, sheet: str, overflow: _Overflow, keep_empty: bool
) -> str:
    if value is None or (value == "" and not keep_empty):
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            error = "#NUM!" if math.isnan(value) else "#DIV/0!"
            return f'<c r="{ref}" s="{style}" t="e"><v>{error}</v></c>'
        return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'
    text = str(value)
    if len(text) > EXCEL_CELL_LIMIT:
        text = overflow.clip(sheet, ref, text)
    return (
        f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
        f"{_text(text)}</t></is></c>"
    )


def _grid_xml(grid: Grid, name: str, selected: bool, overflow: _Overflow) -> Iterator[str]:
    ncols = max((len(row) for row in grid.rows), default=1) or 1
    nrows = max(len(grid.rows), 1)
    last_col = column_letter(ncols - 1)
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS} {NS_R}>'
    yield f'<dimension ref="A1:{last_col}{nrows}"/>'
    tab = ' tabSelected="1"' if selected else ""
    y, x = grid.freeze
    if x or y:
        top_left = f"{column_letter(x)}{y + 1}"
        pane = "bottomRight" if x and y else "bottomLeft" if y else "topRight"
        xs = f' xSplit="{x}"' if x else ""
        ys = f' ySplit="{y}"' if y else ""
        yield (
            f'<sheetViews><sheetView workbookViewId="0"{tab}>'
            f'<pane{xs}{ys} topLeftCell="{top_left}" activePane="{pane}" state="frozen"/>'
            f'<selection pane="{pane}" activeCell="{top_left}" sqref="{top_left}"/>'
            "</sheetView></sheetViews>"
        )
    else:
        yield f'<sheetViews><sheetView workbookViewId="0"{tab}/></sheetViews>'
    yield '<sheetFormatPr defaultRowHeight="15"/>'
    if grid.widths:
        yield (
            "<cols>"
            + "".join(
                f'<col min="{c + 1}" max="{c + 1}" width="{_column_width(w)}" customWidth="1"/>'
                for c, w in sorted(grid.widths.items())
            )
            + "</cols>"
        )
    yield "<sheetData>"
    for r, row in enumerate(grid.rows, start=1):
        cells = []
        for c, cell in enumerate(row):
            value, style = cell if isinstance(cell, tuple) else (cell, "plain")
            cells.append(
                _grid_cell(
                    f"{column_letter(c)}{r}",
                    value,
                    GRID_STYLE[style],
                    name,
                    overflow,
                    grid.keep_empty,
                )
            )
        yield f'<row r="{r}">{"".join(cells)}</row>'
    yield "</sheetData>"
    if grid.autofilter:  # as xlsxwriter did: at least the row below the header
        yield f'<autoFilter ref="A1:{last_col}{max(nrows, 2)}"/>'
    yield '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    yield "</worksheet>"


def write_grids(grids: Sequence[Grid], path: Path, title: str) -> None:
    """Write laid-out sheets as an XLSX workbook at ``path`` (atomically); a cell
    over Excel's limit continues on an ``overflow`` sheet, as in :func:`to_xlsx`."""

    def write(tmp: Path) -> None:
        taken: set[str] = {"overflow"}
        names: list[str] = []
        ranges: list[str | None] = []
        overflow = _Overflow()
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for index, grid in enumerate(grids):
                name = sheet_name(grid.name, taken)
                _stream(
                    z,
                    f"xl/worksheets/sheet{index + 1}.xml",
                    _grid_xml(grid, name, index == 0, overflow),
                )
                names.append(name)
                ncols = max((len(row) for row in grid.rows), default=1) or 1
                last = f"${column_letter(ncols - 1)}${max(len(grid.rows), 2)}"
                ranges.append(f"$A$1:{last}" if grid.autofilter else None)
            if overflow.parts:
                rows: list[list[GridCell]] = [
                    [(sheet, "bold"), ref, part, text] for sheet, ref, part, text in overflow.parts
                ]
                spill = Grid("overflow", [["sheet", "cell", "part", "text"], *rows], (1, 2))
                _stream(
                    z,
                    f"xl/worksheets/sheet{len(names) + 1}.xml",
                    _grid_xml(spill, "overflow", False, _Overflow()),
                )
                names.append("overflow")
                ranges.append(None)
            _package(z, names, ranges, set(), title)

    write_atomic(path, write)


def _package(
    z: zipfile.ZipFile,
    names: Sequence[str],
    ranges: Sequence[str | None],
    hidden: set[str],
    title: str,
) -> None:
    """The parts around the worksheets: content types, relationships, properties,
    the workbook (sheet names, autofilter ranges) and the styles."""
    n = len(names)
    z.writestr("[Content_Types].xml", _content_types(n))
    z.writestr(
        "_rels/.rels",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>",
    )
    z.writestr("docProps/core.xml", _core(title))
    z.writestr(
        "docProps/app.xml",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>qualcode</Application></Properties>",
    )
    z.writestr("xl/workbook.xml", _workbook_xml(names, ranges, hidden))
    z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(n))
    z.writestr("xl/styles.xml", STYLES)


def _stream(z: zipfile.ZipFile, name: str, chunks: Iterator[str]) -> None:
    with z.open(name, "w", force_zip64=True) as fh:
        for chunk in chunks:
            fh.write(chunk.encode("utf-8"))


def _content_types(n: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(n)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        f"{sheets}</Types>"
    )


def _workbook_xml(
    names: Sequence[str], ranges: Sequence[str | None], hidden: set[str] | None = None
) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{i + 1}"'
        + (' state="hidden"' if hidden and name in hidden else "")
        + f' r:id="rId{i + 1}"/>'
        for i, name in enumerate(names)
    )
    defined = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{escape(_quote_sheet(name))}!{ref}</definedName>"
        for i, (name, ref) in enumerate(zip(names, ranges, strict=True))
        if ref is not None
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {NS} {NS_R}>'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f"<sheets>{sheets}</sheets>"
        + (f"<definedNames>{defined}</definedNames>" if defined else "")
        + '<calcPr calcId="0"/></workbook>'
    )


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _workbook_rels(n: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
        for i in range(n)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{rels}"
        f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/></Relationships>'
    )


def _core(title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>qualcode</dc:creator>"
        "</cp:coreProperties>"
    )
