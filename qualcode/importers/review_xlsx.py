"""A supervisor's filled-in XLSX quote sheet in: one entry per row with a verdict or comment.

The sheet is the ``quotes`` sheet of ``qualcode export quotes --format xlsx`` (any
sheet with ``guid``, ``review`` and ``comment`` columns will do). Rows are matched
on the coding's guid; the ``code`` column, when present, is checked against the
coding so that an edited id is caught. A file that is not a workbook, a workbook
without such a sheet, or an unknown review status refuses the whole file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from qualcode.core.model import Review
from qualcode.core.review import ReviewEntryIn, normalize_verdict
from qualcode.errors import InputError

REQUIRED = ("guid", "review", "comment")

MAX_SHEET_BYTES = 200 * 1024 * 1024
"""Largest review workbook read (100,000 quotes are about 15 MB)."""


def _column_letter(index: int) -> str:
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_review_sheet(path: Path) -> tuple[list[ReviewEntryIn], list[str]]:
    """The rows of a reviewed quote sheet.

    Returns:
        The entries (one per distinct guid) and one message per row that cannot be
        used (a blank or repeated guid with a different verdict).

    Raises:
        InputError: not an XLSX workbook, no quote sheet, or an unknown review status.
    """
    import io

    from qualcode.files import read_limited

    if not path.exists():
        raise InputError("no such file", path=path)
    data = read_limited(path, limit=MAX_SHEET_BYTES, what="workbook")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(
            "not an XLSX workbook",
            path=path,
            hint="pass the .xlsx written by 'qualcode export quotes --format xlsx'",
        )
    import openpyxl  # ~200 ms: only when a sheet is read

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(
            f"cannot read the workbook: {exc.__class__.__name__}: {exc}".rstrip(": "),
            path=path,
            hint="save it again as .xlsx (Excel Workbook)",
        ) from None
    try:
        sheet, header = _find_sheet(wb)
        if sheet is None:
            raise InputError(
                "no sheet with guid, review and comment columns",
                path=path,
                hint="pass the .xlsx written by 'qualcode export quotes --format xlsx'",
            )
        col = {name: header.index(name) for name in header if name}
        entries: dict[str, ReviewEntryIn] = {}
        problems: list[str] = []
        conflicted: set[str] = set()
        for r, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            cells = list(values)
            if not any(v not in (None, "") for v in cells):
                continue
            guid = _text(cells, col["guid"])
            verdict_raw = _text(cells, col["review"])
            comment = _text(cells, col["comment"])
            code = _text(cells, col["code"]) if "code" in col else None
            verdict = normalize_verdict(verdict_raw)
            if verdict is None:
                raise InputError(
                    f"unknown review status {verdict_raw!r} (sheet {sheet.title!r})",
                    path=path,
                    line=r,
                    column=col["review"] + 1,
                    hint="use approved, disputed or unreviewed (or leave it blank); nothing was changed",
                )
            if not guid:
                if verdict not in ("", Review.UNREVIEWED.value) or comment:
                    problems.append(
                        f"{path}:{r}: row has a review but no guid (cell {_column_letter(col['guid'])}{r})"
                    )
                continue
            entry = ReviewEntryIn(guid=guid, verdict=verdict, comment=comment, code=code, row=r)
            previous = entries.get(guid)
            if previous is None:
                if guid not in conflicted:
                    entries[guid] = entry
                continue
            if (previous.verdict, previous.comment) != (verdict, comment):
                problems.append(
                    f"{path}:{r}: coding {guid} appears again with a different review "
                    f"(row {previous.row}); neither row was applied"
                )
                conflicted.add(guid)
                del entries[guid]
        return list(entries.values()), problems
    finally:
        wb.close()


def _find_sheet(wb: Any) -> tuple[Any, list[str]]:
    candidates = sorted(wb.worksheets, key=lambda ws: ws.title.lower() != "quotes")
    for ws in candidates:
        first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), None)
        if first is None:
            continue
        header = [str(v).strip().lower() if v is not None else "" for v in first]
        if all(name in header for name in REQUIRED):
            return ws, header
    return None, []


def _text(cells: list[Any], index: int) -> str:
    if index >= len(cells) or cells[index] is None:
        return ""
    return str(cells[index]).strip()
