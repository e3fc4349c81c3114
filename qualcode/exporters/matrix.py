"""A :class:`~qualcode.core.matrices.Matrix` as CSV, Markdown or SQLite."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

from qualcode.core.matrices import Matrix
from qualcode.errors import InputError
from qualcode.exporters.base import atomic_text, write_atomic

FORMATS = ("csv", "md", "sqlite")


def to_csv(matrix: Matrix, path: Path) -> None:
    """UTF-8 with a BOM, so Excel reads Indonesian text correctly."""
    with atomic_text(path, encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerows(matrix.as_rows())


def _md_cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def to_markdown(matrix: Matrix) -> str:
    """A GitHub-flavoured Markdown table with a title line."""
    rows = matrix.as_rows()
    header, body = rows[0], rows[1:]
    numeric = [isinstance(v, int) for v in body[0]] if body else [False] * len(header)
    lines = [f"# {matrix.title}", ""]
    if matrix.filters:
        lines += [", ".join(f"{k}: {v}" for k, v in matrix.filters.items()), ""]
    lines.append("| " + " | ".join(_md_cell(h) for h in header) + " |")
    lines.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    for row in body:
        cells = [_md_cell(v) for v in row]
        if row is body[-1]:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def to_md(matrix: Matrix, path: Path) -> None:
    """Write :func:`to_markdown` to ``path``."""
    with atomic_text(path) as fh:
        fh.write(to_markdown(matrix))


def to_sqlite(matrix: Matrix, path: Path, *, table: str = "frequency") -> None:
    """A SQLite file a supervisor can query with ``sqlite3``.

    Two tables: ``<table>`` in long form (``code, label, column, count``; one row per
    cell, zeros included) and ``<table>_wide`` with one column per document, plus
    ``about`` with the filters.
    """

    def write(tmp: Path) -> None:
        con = sqlite3.connect(tmp)
        try:
            con.execute(
                f'CREATE TABLE "{table}" (code TEXT NOT NULL, label TEXT, "column" TEXT NOT NULL, '
                'count INTEGER NOT NULL, PRIMARY KEY (code, "column"))'
            )
            con.executemany(
                f'INSERT INTO "{table}" VALUES (?, ?, ?, ?)',
                [
                    (code, label, col, n)
                    for code, label, cells in zip(
                        matrix.rows, matrix.row_labels, matrix.cells, strict=True
                    )
                    for col, n in zip(matrix.columns, cells, strict=True)
                ],
            )
            cols = ", ".join(f'"{c.replace(chr(34), chr(34) * 2)}" INTEGER' for c in matrix.columns)
            con.execute(
                f'CREATE TABLE "{table}_wide" (position INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, '
                f"label TEXT{', ' + cols if cols else ''}, total INTEGER)"
            )
            placeholders = ", ".join("?" for _ in range(len(matrix.columns) + 4))
            con.executemany(
                f'INSERT INTO "{table}_wide" VALUES ({placeholders})',
                [
                    (i, code, label, *cells, sum(cells))
                    for i, (code, label, cells) in enumerate(
                        zip(matrix.rows, matrix.row_labels, matrix.cells, strict=True), start=1
                    )
                ],
            )
            con.execute("CREATE TABLE about (key TEXT PRIMARY KEY, value TEXT)")
            con.executemany(
                "INSERT INTO about VALUES (?, ?)",
                [("title", matrix.title), *matrix.filters.items()],
            )
            con.commit()
        finally:
            con.close()

    write_atomic(path, write)


def write_matrix(matrix: Matrix, path: Path, fmt: str) -> None:
    """Write ``matrix`` to ``path`` in ``fmt`` (``csv``, ``md``, ``sqlite``)."""
    writers = {"csv": to_csv, "md": to_md, "sqlite": to_sqlite}
    if fmt not in writers:
        raise InputError(f"unknown format {fmt!r}", hint="use " + ", ".join(FORMATS))
    writers[fmt](matrix, path)


def format_from_suffix(path: Path) -> str | None:
    """``csv`` / ``md`` / ``sqlite`` from the output file's suffix, if recognisable."""
    return {
        ".csv": "csv",
        ".md": "md",
        ".markdown": "md",
        ".sqlite": "sqlite",
        ".db": "sqlite",
        ".sqlite3": "sqlite",
    }.get(path.suffix.lower())
