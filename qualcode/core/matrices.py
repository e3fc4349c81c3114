"""Matrices as plain tables, ready for any exporter.

The store computes them in SQL (:mod:`qualcode.store.matrices`) and returns these
dataclasses; :mod:`qualcode.core.tables` flattens them into sheets; exporters render
sheets. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Number = int | float
"""A matrix cell: a count, or a share between 0 and 1."""


@dataclass(frozen=True)
class Matrix:
    """A table of numbers with labelled rows and columns.

    Counts add up, so their totals are sums. Measures that do not add up (distinct
    documents or cases, the share of text coded) carry their own totals.

    Attributes:
        title: what the matrix shows.
        row_header: the header of the row-label column (``code``).
        rows: row keys (code ids), in order.
        row_labels: a human label per row (same order as ``rows``).
        columns: column keys (document names, case names, ...), in order.
        cells: ``cells[r][c]`` for row ``r`` and column ``c``.
        filters: a description of what made it (for the "about" sheet).
        row_total_values: each row's total when it is not the sum of its cells.
        column_total_values: each column's total when it is not a sum.
        grand_total_value: the grand total when it is not a sum.
    """

    title: str
    row_header: str
    rows: tuple[str, ...]
    row_labels: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Number, ...], ...]
    filters: dict[str, str] = field(default_factory=dict)
    row_total_values: tuple[Number, ...] | None = None
    column_total_values: tuple[Number, ...] | None = None
    grand_total_value: Number | None = None

    def row_totals(self) -> list[Number]:
        """The total of each row."""
        if self.row_total_values is not None:
            return list(self.row_total_values)
        return [sum(r) for r in self.cells]

    def column_totals(self) -> list[Number]:
        """The total of each column."""
        if self.column_total_values is not None:
            return list(self.column_total_values)
        return [sum(r[c] for r in self.cells) for c in range(len(self.columns))]

    def total(self) -> Number:
        """The grand total."""
        if self.grand_total_value is not None:
            return self.grand_total_value
        return sum(self.row_totals())

    def cell(self, row: str, column: str) -> Number:
        """The value at (row key, column key)."""
        return self.cells[self.rows.index(row)][self.columns.index(column)]

    def as_rows(self, *, label_column: bool = True) -> list[list[object]]:
        """Header plus data rows, with a total column and a total row."""
        header: list[object] = [self.row_header]
        if label_column:
            header.append("label")
        header += [*self.columns, "total"]
        out: list[list[object]] = [header]
        for key, label, cells, total in zip(
            self.rows, self.row_labels, self.cells, self.row_totals(), strict=True
        ):
            row: list[object] = [key]
            if label_column:
                row.append(label)
            row += [*cells, total]
            out.append(row)
        total_row: list[object] = ["total"]
        if label_column:
            total_row.append("")
        total_row += [*self.column_totals(), self.total()]
        out.append(total_row)
        return out


MEASURES = ("codings", "documents", "cases", "share")
"""What a frequency matrix can count."""


@dataclass(frozen=True)
class Frequency:
    """Code frequency by one grouping, in four measures.

    Attributes:
        by: ``document``, ``case``, ``speaker`` or ``attribute:NAME``.
        codings: number of codings per cell.
        documents: number of distinct documents per cell.
        cases: number of distinct cases per cell.
        share: share of the column's text covered by the code's codings (0..1).
        reviews: per row, its codings that are (unreviewed, approved, disputed);
            empty unless asked for.
    """

    by: str
    codings: Matrix
    documents: Matrix
    cases: Matrix
    share: Matrix
    reviews: tuple[tuple[int, int, int], ...] = ()

    def measure(self, name: str) -> Matrix:
        """The matrix of one measure (``codings``, ``documents``, ``cases``, ``share``)."""
        return {
            "codings": self.codings,
            "documents": self.documents,
            "cases": self.cases,
            "share": self.share,
        }[name]


@dataclass(frozen=True)
class Segment:
    """One coding with everything a supervisor needs to judge it.

    Attributes:
        guid: the coding's stable identifier (the key ``review apply`` matches on).
        doc: document name.
        code: the code id.
        unit: the code it is counted under (its top-level dimension when rolled up).
        path: code ids from the top level down to ``code``.
        label: the code's label in the chosen language.
        labels: every translation of the label (language -> text).
        start: first character.
        end: end, exclusive.
        turn: the number of the turn holding ``start`` (``None`` when outside turns).
        speaker: that turn's speaker label.
        role: that turn's role (interviewer / participant).
        sentence: the number of the sentence holding ``start``.
        cases: the cases the coding belongs to (by document, or by speaker).
        attributes: the attributes of those cases (name -> value, ``; ``-joined
            when the cases differ).
        coder: who coded it.
        created: when.
        origin: manual / rules / import.
        status: suggested / accepted.
        anchor: exact / moved / needs-review.
        review: unreviewed / approved / disputed.
        reviewer: who reviewed it last.
        reviewed_at: when.
        comment: the newest entry of its review thread.
        thread: number of entries in its review thread.
        memo: the coding's memo.
        quote: the coded text.
    """

    guid: str
    doc: str
    code: str
    unit: str
    path: tuple[str, ...]
    label: str
    labels: dict[str, str]
    start: int
    end: int
    turn: int | None
    speaker: str | None
    role: str | None
    sentence: int | None
    cases: tuple[str, ...]
    attributes: dict[str, str]
    coder: str
    created: str
    origin: str
    status: str
    anchor: str
    review: str
    reviewer: str | None
    reviewed_at: str | None
    comment: str
    thread: int
    memo: str | None
    quote: str

    def place(self) -> str:
        """Where the quote is: ``doc, Speaker, turn 3, 49-63``."""
        parts = [self.doc]
        if self.speaker:
            parts.append(self.speaker)
        if self.turn is not None:
            parts.append(f"turn {self.turn}")
        parts.append(f"{self.start}-{self.end}")
        return ", ".join(parts)


@dataclass(frozen=True)
class QuoteMatrix:
    """A framework matrix: code x case (or document) cells holding quotes.

    Attributes:
        by: what the columns are.
        rows: code ids (dimensions when rolled up), codebook order.
        row_labels: their labels.
        columns: column keys.
        cells: ``cells[r][c]``: the segments of that code in that column, text order.
        filters: what made it.
    """

    by: str
    rows: tuple[str, ...]
    row_labels: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[tuple[Segment, ...], ...], ...]
    filters: dict[str, str] = field(default_factory=dict)

    def count(self, row: str, column: str) -> int:
        """Number of quotes in a cell."""
        return len(self.cells[self.rows.index(row)][self.columns.index(column)])

    def segments(self) -> list[Segment]:
        """Every segment once, in row then column order."""
        seen: set[tuple[str, str]] = set()
        out: list[Segment] = []
        for row in self.cells:
            for cell in row:
                for s in cell:
                    if (s.guid, s.unit) not in seen:
                        seen.add((s.guid, s.unit))
                        out.append(s)
        return out


COOCCURRENCE_MODES = ("overlap", "sentence", "turn")
"""How two codes co-occur: overlapping codings, the same sentence, the same turn."""


@dataclass(frozen=True)
class Cooccurrence:
    """Code x code co-occurrence in three modes.

    ``overlap`` counts pairs of overlapping codings (two codings of different codes
    whose spans share at least one character); ``n`` per code is its number of
    codings; the c-coefficient is ATLAS.ti's ``n12 / (n1 + n2 - n12)`` and the
    conditional share of B given A is the share of A's codings that overlap a
    coding of B. ``sentence`` and ``turn`` count units (sentences, turns) touched by
    codings of both codes; ``n`` is the number of units touched by each code, so the
    coefficient is the exact Jaccard index of the two sets of units and the
    conditional share is ``n12 / n1``.

    Attributes:
        codes: code ids (dimensions when rolled up).
        labels: their labels.
        n: mode -> per-code total (codings, or units).
        counts: mode -> ``counts[i][j]``: co-occurrences of codes i and j
            (the diagonal is ``n``).
        jaccard: mode -> the c-coefficient / Jaccard index (``None`` when undefined).
        conditional: mode -> ``conditional[i][j]``: share of code i's codings (or
            units) that co-occur with code j (``None`` when code i has none).
        filters: what made it.
    """

    codes: tuple[str, ...]
    labels: tuple[str, ...]
    n: dict[str, tuple[int, ...]]
    counts: dict[str, tuple[tuple[int, ...], ...]]
    jaccard: dict[str, tuple[tuple[float | None, ...], ...]]
    conditional: dict[str, tuple[tuple[float | None, ...], ...]]
    filters: dict[str, str] = field(default_factory=dict)

    def count(self, mode: str, a: str, b: str) -> int:
        """The co-occurrences of ``a`` and ``b`` in ``mode``."""
        return self.counts[mode][self.codes.index(a)][self.codes.index(b)]


def jaccard(n12: int, n1: int, n2: int) -> float | None:
    """``n12 / (n1 + n2 - n12)``; ``None`` when the denominator is not positive."""
    denominator = n1 + n2 - n12
    return n12 / denominator if denominator > 0 else None


@dataclass(frozen=True)
class AppendixRow:
    """One code of the codebook appendix with its counts.

    Attributes:
        code: id.
        path: ids from the top level down.
        depth: 0 for a dimension.
        labels: language -> label.
        description: definition.
        inclusion: when to use it.
        exclusion: when not to.
        examples: example passages from the codebook.
        codings: number of codings (filters applied).
        documents: distinct documents.
        cases: distinct cases.
        quotes: the first few coded passages, as further examples.
    """

    code: str
    path: tuple[str, ...]
    depth: int
    labels: dict[str, str]
    description: str
    inclusion: str
    exclusion: str
    examples: tuple[str, ...]
    codings: int
    documents: int
    cases: int
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class MemoRow:
    """A memo as listed in the appendix: project, document, code, case or coding memo.

    Attributes:
        kind: ``project``, ``document``, ``code``, ``case`` or ``coding``.
        target: what it is about (document, code id, case, or the coding's place).
        author: who wrote it.
        created: when.
        updated: last change.
        title: short title.
        text: the memo.
        guid: the memo's (or the coding's) guid.
    """

    kind: str
    target: str
    author: str
    created: str
    updated: str
    title: str
    text: str
    guid: str
