"""A supervisor's filled-in XLSX quote sheet in: one entry per row, with the state the
row was exported with.

The sheet is the ``quotes`` sheet of ``qualcode export quotes --format xlsx`` (or the
``segments`` sheet of ``export all``; any sheet with ``guid``, ``review`` and
``comment`` columns will do). Every XLSX export of such a sheet also writes a hidden
sheet, ``qualcode_review_state``, holding what each row showed (review, comment,
reviewer, time, the coding's code, the thread's length) and the export's id, so that
``review apply`` merges what the supervisor changed instead of replaying every row.
Rows are matched on the coding's guid; the ``code`` column, when present, is checked
against the coding so that an edited row is caught. A file that is not a workbook, a
workbook without such a sheet, or an unknown review status refuses the whole file.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qualcode.core.model import Review
from qualcode.core.review import ExportedState, ReviewEntryIn, normalize_verdict
from qualcode.core.tables import REVIEW_STATE, REVIEW_STATE_COLUMNS
from qualcode.errors import InputError
from qualcode.i18n import _

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


@dataclass(frozen=True)
class ReviewSheet:
    """A supervisor's sheet as read.

    Attributes:
        entries: one per distinct guid (every row with a guid, changed or not).
        problems: one message per row that cannot be used.
        states: whether the sheet carries the review states it was exported with
            (a sheet exported by an earlier qualcode does not).
        sheet: the export's id.
    """

    entries: list[ReviewEntryIn]
    problems: list[str]
    states: bool
    sheet: str | None = None


def read_review_sheet(path: Path) -> ReviewSheet:
    """The rows of a reviewed quote sheet, with the states they were exported with.

    The states come from the workbook's hidden sheet (``qualcode_review_state``,
    written by every XLSX export of a review sheet since issue 15); a workbook saved
    again by LibreOffice or Excel keeps it.

    Raises:
        InputError: not an XLSX workbook, no quote sheet, or an unknown review status.
    """
    import io

    from qualcode.files import read_limited

    if not path.exists():
        raise InputError(_("no such file"), path=path)
    data = read_limited(path, limit=MAX_SHEET_BYTES, what="workbook")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(
            _("not an XLSX workbook"),
            path=path,
            hint=_("pass the .xlsx written by 'qualcode export quotes --format xlsx'"),
        )
    import openpyxl  # ~200 ms: only when a sheet is read

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(
            f"cannot read the workbook: {exc.__class__.__name__}: {exc}".rstrip(": "),
            path=path,
            hint=_("save it again as .xlsx (Excel Workbook)"),
        ) from None
    try:
        sheet, header = _find_sheet(wb)
        if sheet is None:
            raise InputError(
                _("no sheet with guid, review and comment columns"),
                path=path,
                hint=_("pass the .xlsx written by 'qualcode export quotes --format xlsx'"),
            )
        col = {name: header.index(name) for name in header if name}
        states, sheet_id = _states(wb)
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
            quote = _text(cells, col["quote"]) if "quote" in col else ""
            verdict = normalize_verdict(verdict_raw)
            if verdict is None:
                raise InputError(
                    _("unknown review status {verdict_raw!r} (sheet {sheet.title!r})").format(
                        verdict_raw=verdict_raw, sheet=sheet
                    ),
                    path=path,
                    line=r,
                    column=col["review"] + 1,
                    hint=_(
                        "use approved, disputed or unreviewed (or leave it blank); nothing was changed"
                    ),
                )
            if not guid:
                if verdict not in ("", Review.UNREVIEWED.value) or comment:
                    problems.append(
                        _("{path}:{r}: row has a review but no guid (cell {col}{r})").format(
                            path=path, r=r, col=_column_letter(col["guid"])
                        )
                    )
                continue
            entry = ReviewEntryIn(
                guid=guid,
                verdict=verdict,
                comment=comment,
                code=code,
                row=r,
                exported=states.get(guid),
                sheet=sheet_id,
                quote=quote,
            )
            problem = _add_entry(entries, conflicted, entry, path)
            if problem is not None:
                problems.append(problem)
        return ReviewSheet(list(entries.values()), problems, bool(states), sheet_id)
    finally:
        wb.close()


def _add_entry(
    entries: dict[str, ReviewEntryIn], conflicted: set[str], entry: ReviewEntryIn, path: Path
) -> str | None:
    """Keep one row's entry unless its coding already has one: the changed row wins;
    two changed rows that disagree drop both and give the problem to report."""
    guid = entry.guid
    previous = entries.get(guid)
    if previous is None:
        if guid not in conflicted:
            entries[guid] = entry
        return None
    if (previous.verdict, previous.comment) == (entry.verdict, entry.comment):
        return None
    # a coding of two cases has a row in each: the row the supervisor changed
    # counts, when only one of them was changed
    if not _changed(previous):
        entries[guid] = entry
        return None
    if not _changed(entry):
        return None
    conflicted.add(guid)
    del entries[guid]
    return _(
        "{path}:{r}: coding {guid} appears again with a different review (row {previous.row}); neither row was applied"
    ).format(path=path, r=entry.row, guid=guid, previous=previous)


def _changed(entry: ReviewEntryIn) -> bool:
    """Whether a row says something else than it was exported with (a row without a
    recorded state always counts as changed)."""
    x = entry.exported
    if x is None:
        return True
    verdict = entry.verdict and entry.verdict != x.review
    return bool(verdict or entry.comment.strip() != x.comment.strip())


def _states(wb: Any) -> tuple[dict[str, ExportedState], str | None]:
    """The hidden state sheet: guid -> the state its row was exported with, and the
    sheet's id; empty for a sheet without one."""
    ws = next((w for w in wb.worksheets if w.title.lower() == REVIEW_STATE), None)
    if ws is None:
        return {}, None
    rows = ws.iter_rows(values_only=True)
    first = next(rows, None)
    if first is None:
        return {}, None
    header = [str(v).strip().lower() if v is not None else "" for v in first]
    if not all(c in header for c in REVIEW_STATE_COLUMNS):
        return {}, None
    at = {c: header.index(c) for c in REVIEW_STATE_COLUMNS}
    out: dict[str, ExportedState] = {}
    sheet: str | None = None
    for values in rows:
        cells = list(values)
        guid = _text(cells, at["guid"])
        if not guid:
            continue
        sheet = sheet or _text(cells, at["sheet"]) or None
        try:
            thread = int(float(_text(cells, at["thread"]) or 0))
        except ValueError:
            thread = 0
        out[guid] = ExportedState(
            code=_text(cells, at["code"]),
            shown=_text(cells, at["shown_code"]),
            review=_text(cells, at["review"]) or Review.UNREVIEWED.value,
            comment=_text(cells, at["comment"]),
            reviewer=_text(cells, at["reviewer"]) or None,
            reviewed_at=_text(cells, at["reviewed_at"]) or None,
            thread=thread,
        )
    return out, sheet


def _find_sheet(wb: Any) -> tuple[Any, list[str]]:
    candidates = sorted(
        (ws for ws in wb.worksheets if ws.title.lower() != REVIEW_STATE),
        key=lambda ws: ws.title.lower() != "quotes",
    )
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
