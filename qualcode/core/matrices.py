"""Matrices as plain tables, ready for any exporter."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Matrix:
    """A table of counts with labelled rows and columns.

    Attributes:
        title: what the matrix shows.
        row_header: the header of the row-label column (``code``).
        rows: row keys (code ids), in order.
        row_labels: a human label per row (same order as ``rows``).
        columns: column keys (document names, case names, ...), in order.
        cells: counts, ``cells[r][c]`` for row ``r`` and column ``c``.
        filters: a description of what made it (for the "about" sheet).
    """

    title: str
    row_header: str
    rows: tuple[str, ...]
    row_labels: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[int, ...], ...]
    filters: dict[str, str] = field(default_factory=dict)

    def row_totals(self) -> list[int]:
        """The sum of each row."""
        return [sum(r) for r in self.cells]

    def column_totals(self) -> list[int]:
        """The sum of each column."""
        return [sum(r[c] for r in self.cells) for c in range(len(self.columns))]

    def total(self) -> int:
        """The sum of every cell."""
        return sum(self.row_totals())

    def cell(self, row: str, column: str) -> int:
        """The count at (row key, column key)."""
        return self.cells[self.rows.index(row)][self.columns.index(column)]

    def as_rows(self, *, label_column: bool = True) -> list[list[object]]:
        """Header plus data rows, with a total column and a total row."""
        header: list[object] = [self.row_header]
        if label_column:
            header.append("label")
        header += [*self.columns, "total"]
        out: list[list[object]] = [header]
        for key, label, cells in zip(self.rows, self.row_labels, self.cells, strict=True):
            row: list[object] = [key]
            if label_column:
                row.append(label)
            row += [*cells, sum(cells)]
            out.append(row)
        total_row: list[object] = ["total"]
        if label_column:
            total_row.append("")
        total_row += [*self.column_totals(), self.total()]
        out.append(total_row)
        return out
