"""Spreadsheet-safe CSV cells (OWASP's "CSV injection").

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is read by Excel and LibreOffice as a formula: a quote from an interview, a code
label or a memo written ``=HYPERLINK("http://...","click")`` would run when a
supervisor opens the export. Every CSV writer of qualcode passes its cells through
:func:`safe_cell`, which puts a single quote before such text (OWASP's advice: the
spreadsheet then shows the text, the quote hidden). Numbers are left alone — a
negative kappa stays ``-0.25`` — and so is text that is only a number (``-12``,
``+3.5``), which a spreadsheet reads as that number, not as a formula.

For analysis scripts that want the exact text, ``QUALCODE_RAW_CSV=1`` (or
``raw_csv: true`` in ``settings.yaml``) turns this off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet read a cell as a formula."""

_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|\d*[.,]\d+)(?:[eE][+-]?\d+)?%?\Z")


def safe_cell(value: object, *, raw: bool = False) -> object:
    """The value to write into a CSV cell: formula-like text neutralised with a
    leading ``'``; numbers, empty cells and plain-number text unchanged."""
    if raw or not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def safe_rows(
    rows: Iterable[Sequence[object]], *, raw: bool | None = None
) -> Iterable[list[object]]:
    """Every row with :func:`safe_cell` applied (``raw=None``: from the settings)."""
    if raw is None:
        from qualcode.settings import raw_csv

        raw = raw_csv()
    if raw:
        for row in rows:
            yield list(row)
        return
    starts = frozenset(FORMULA_START)
    for row in rows:
        # most cells are numbers, empty or plain text: only a formula-like start needs a look
        yield [safe_cell(v) if isinstance(v, str) and v and v[0] in starts else v for v in row]
