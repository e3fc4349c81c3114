"""Plain tables (a header and rows) as CSV or XLSX: word frequencies, KWIC lines.

CSV is UTF-8 with a BOM so that Excel reads Indonesian text; XLSX (qualcode's
own writer, :mod:`qualcode.exporters.xlsx`) has a bold frozen header row, an autofilter and column widths
fitted to the content. Both are written atomically.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from qualcode.errors import InputError
from qualcode.exporters.base import atomic_text
from qualcode.exporters.csvsafe import safe_rows
from qualcode.i18n import _

TABLE_FORMATS = ("csv", "xlsx")


def table_format(path: Path, fmt: str | None) -> str:
    """``fmt`` or the format named by ``path``'s suffix.

    Raises:
        InputError: when neither says ``csv`` or ``xlsx``.
    """
    chosen = fmt or {".csv": "csv", ".xlsx": "xlsx"}.get(path.suffix.lower())
    if chosen not in TABLE_FORMATS:
        raise InputError(
            (
                _("cannot tell the format of {path.name!r}").format(path=path)
                if fmt is None
                else _("unknown format {fmt!r}").format(fmt=fmt)
            ),
            hint=_("use --format csv or --format xlsx (or a .csv / .xlsx file name)"),
        )
    return chosen


def to_csv(header: Sequence[str], rows: Sequence[Sequence[object]], path: Path) -> None:
    """UTF-8 with a BOM (Excel), one header row."""
    with atomic_text(path, encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerows(safe_rows([header, *rows]))


def to_xlsx(
    header: Sequence[str], rows: Sequence[Sequence[object]], path: Path, *, sheet: str = "table"
) -> None:
    """One sheet: bold frozen header, autofilter, fitted column widths."""
    from qualcode.exporters.xlsx import Grid, GridCell, write_grids

    widths = [len(str(h)) for h in header]
    cells: list[list[GridCell]] = [[(str(h), "bold") for h in header]]
    for row in rows:
        line: list[GridCell] = []
        for c, value in enumerate(row):
            if isinstance(value, bool) or value is None:
                line.append("" if value is None else str(value))
            elif isinstance(value, int | float):
                line.append(value)
            else:
                line.append(str(value))
            widths[c] = max(widths[c], min(len(str(value)), 60))
        cells.append(line)
    write_grids(
        [
            Grid(
                sheet[:31] or "table",
                cells,
                freeze=(1, 0),
                widths={c: float(w + 2) for c, w in enumerate(widths)},
                autofilter=bool(header),
                keep_empty=True,
            )
        ],
        path,
        sheet,
    )


def write_table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    path: Path,
    fmt: str | None = None,
    *,
    sheet: str = "table",
) -> str:
    """Write a table as CSV or XLSX; returns the format used."""
    chosen = table_format(path, fmt)
    if chosen == "csv":
        to_csv(header, rows, path)
    else:
        to_xlsx(header, rows, path, sheet=sheet)
    return chosen
