"""A :class:`~qualcode.core.tables.Workbook` as a SQLite database (``export ...
--format sqlite``): every sheet as a table (matrices in long and wide form),
``about`` with the filters, the data behind the matrices (codes, documents, cases,
codings) and views a supervisor can query with ``sqlite3`` and no setup.

The tables and columns are named after the workbook's sheets and columns, so their
statements are built by :mod:`qualcode.store.ddl`, which quotes every name.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from qualcode.core.tables import Sheet, Workbook
from qualcode.store import ddl

SQL_TYPES = {"int": "INTEGER", "share": "REAL", "float": "REAL"}


def _table_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name) or "sheet"


def _unique_columns(columns: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out: list[str] = []
    for c in columns:
        key = c.lower()
        if key in seen:
            seen[key] += 1
            c = f"{c}_{seen[key]}"
        else:
            seen[key] = 1
        out.append(c)
    return out


def _plain_table(con: sqlite3.Connection, sheet: Sheet, name: str) -> None:
    cols = _unique_columns(sheet.columns)
    types = [SQL_TYPES.get(k, "TEXT") for k in sheet.kinds]
    con.execute(ddl.export_plain_table(name, list(zip(cols, types, strict=True))))
    con.executemany(
        ddl.export_insert(name, len(cols) + 1),
        [(i, *row) for i, row in enumerate(sheet.rows, start=1)],
    )


def _matrix_tables(con: sqlite3.Connection, sheet: Sheet, name: str) -> None:
    """A matrix sheet in long form (``code, label, column, count``) and wide form."""
    value_type = SQL_TYPES.get(sheet.kinds[-1], "TEXT")
    con.execute(ddl.export_long_table(name, value_type))
    body = sheet.rows[:-1] if sheet.total_row else sheet.rows
    matrix_columns = sheet.columns[2:-1] if sheet.total_row else sheet.columns[2:]
    con.executemany(
        ddl.export_insert(name, 4),
        [
            (row[0], row[1], col, value)
            for row in body
            for col, value in zip(matrix_columns, row[2 : 2 + len(matrix_columns)], strict=True)
        ],
    )
    wide = name + "_wide"
    con.execute(ddl.export_wide_table(wide, list(matrix_columns), value_type, sheet.total_row))
    width = len(matrix_columns) + 3 + (1 if sheet.total_row else 0)
    con.executemany(
        ddl.export_insert(wide, width), [(i, *row) for i, row in enumerate(body, start=1)]
    )


def write_export_db(book: Workbook, path: Path, *, support: Sequence[Sheet] = ()) -> None:
    """Write ``book`` (and the ``support`` sheets: codes, documents, cases, codings)
    as a new SQLite database at ``path`` (a file that does not exist yet: the caller
    writes it beside the target and moves it into place)."""
    con = sqlite3.connect(path)
    try:
        names: set[str] = set()
        for sheet in (*book.sheets, *support):
            name = _table_name(sheet.name)
            if name in names:
                continue
            names.add(name)
            if sheet.matrix:
                _matrix_tables(con, sheet, name)
            else:
                _plain_table(con, sheet, name)
        con.execute("CREATE TABLE about (key TEXT PRIMARY KEY, value TEXT)")
        con.executemany("INSERT INTO about VALUES (?, ?)", list(dict(book.about).items()))
        if "codings" in names:
            for statement in ddl.EXPORT_VIEWS.values():
                con.execute(statement)
        con.commit()
    finally:
        con.close()
