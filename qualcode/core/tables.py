"""Matrices flattened into sheets: the one shape every exporter renders.

A :class:`Sheet` is a header and rows of plain values, with hints for a
spreadsheet (which columns are keys to freeze, which hold long quotes to wrap,
whether the last row is a total). A :class:`Workbook` is the sheets of one export
plus the filters that made it. CSV writes the first sheet; Markdown, JSON, XLSX
and SQLite write them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from qualcode.core.matrices import (
    COOCCURRENCE_MODES,
    AppendixRow,
    Cooccurrence,
    Frequency,
    Matrix,
    MemoRow,
    QuoteMatrix,
    Segment,
)

Cell = str | int | float | None
"""One value of a sheet."""

KINDS = ("text", "int", "share", "float", "quote", "key")
"""Column kinds: how a spreadsheet formats a column."""


@dataclass(frozen=True)
class Sheet:
    """One table of an export.

    Attributes:
        name: short machine name (the SQLite table, the XLSX sheet; at most 31 chars).
        title: what it shows, in words.
        columns: the header.
        rows: the values, each as long as ``columns``.
        kinds: one of :data:`KINDS` per column.
        key_columns: leading columns that identify a row (frozen in a spreadsheet).
        total_row: whether the last row is a total.
        matrix: the columns after the key columns are matrix columns (documents,
            cases, codes) rather than fields; SQLite also gets it in long form.
    """

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    kinds: tuple[str, ...]
    key_columns: int = 1
    total_row: bool = False
    matrix: bool = False

    def column(self, name: str) -> list[Cell]:
        """Every value of one column."""
        i = self.columns.index(name)
        return [r[i] for r in self.rows]


@dataclass(frozen=True)
class Workbook:
    """The sheets of one export and what made them.

    Attributes:
        kind: ``frequency``, ``quotes``, ``cooccurrence``, ``segments``, ``appendix``,
            ``memos`` or ``all``.
        title: a title for the whole.
        sheets: the sheets, the main one first.
        about: filters and settings, in order (the "about" sheet).
        state: the hidden review state of a review sheet (XLSX only).
    """

    kind: str
    title: str
    sheets: tuple[Sheet, ...]
    about: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    state: Sheet | None = None
    """The review sheet's rows as exported (:func:`review_state`): written into an
    XLSX as a hidden sheet so that ``review apply`` merges the supervisor's changes
    instead of replaying every row; the other formats leave it out."""

    def sheet(self, name: str) -> Sheet:
        """The sheet called ``name``."""
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)


def _about(
    title: str, filters: dict[str, str], extra: Sequence[tuple[str, str]] = ()
) -> tuple[tuple[str, str], ...]:
    return (("title", title), *extra, *filters.items())


# ---------------------------------------------------------------------- frequency

MEASURE_TITLES = {
    "codings": "Codings",
    "documents": "Documents",
    "cases": "Cases",
    "share": "Share of text coded",
}


def matrix_sheet(matrix: Matrix, name: str, *, share: bool = False) -> Sheet:
    """A matrix with its label column, total column and total row."""
    rows = matrix.as_rows()
    header = tuple(str(h) for h in rows[0])
    body = tuple(tuple(_cell(v) for v in r) for r in rows[1:])
    number = "share" if share else "int"
    kinds = ("key", "text", *([number] * (len(header) - 2)))
    return Sheet(
        name=name,
        title=matrix.title,
        columns=header,
        rows=body,
        kinds=kinds,
        key_columns=2,
        total_row=True,
        matrix=True,
    )


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


def summary_sheet(freq: Frequency) -> Sheet:
    """Per code: codings, documents, cases and share of all text coded."""
    rows: list[tuple[Cell, ...]] = []
    reviews = list(freq.reviews)
    totals = (
        freq.codings.row_totals(),
        freq.documents.row_totals(),
        freq.cases.row_totals(),
        freq.share.row_totals(),
    )
    for i, (code, label) in enumerate(zip(freq.codings.rows, freq.codings.row_labels, strict=True)):
        row: tuple[Cell, ...] = (
            code,
            label,
            totals[0][i],
            totals[1][i],
            totals[2][i],
            totals[3][i],
        )
        rows.append(row + (tuple(reviews[i]) if reviews else ()))
    grand: tuple[Cell, ...] = (
        "total",
        "",
        freq.codings.total(),
        freq.documents.total(),
        freq.cases.total(),
        freq.share.total(),
    )
    if reviews:
        grand += tuple(sum(r[j] for r in reviews) for j in range(3))
    rows.append(grand)
    review_columns = ("unreviewed", "approved", "disputed") if reviews else ()
    return Sheet(
        name="summary",
        title="Codings, documents, cases and share of text coded per code"
        + (", with their review state" if reviews else ""),
        columns=("code", "label", "codings", "documents", "cases", "share", *review_columns),
        rows=tuple(rows),
        kinds=("key", "text", "int", "int", "int", "share", *(["int"] * len(review_columns))),
        key_columns=2,
        total_row=True,
    )


def frequency_workbook(freq: Frequency, *, measure: str = "codings") -> Workbook:
    """The chosen measure first (what CSV writes), then the others and a summary."""
    order = [measure] + [m for m in MEASURE_TITLES if m != measure]
    sheets = [
        matrix_sheet(
            freq.measure(m), "frequency" if m == "codings" else f"frequency_{m}", share=m == "share"
        )
        for m in order
    ]
    sheets.append(summary_sheet(freq))
    return Workbook(
        kind="frequency",
        title=freq.codings.title,
        sheets=tuple(sheets),
        about=_about(freq.codings.title, freq.codings.filters, (("measure", measure),)),
    )


# ---------------------------------------------------------------------- quotes


def quote_text(seg: Segment) -> str:
    """A quote with where it comes from: ``"text" (doc, Speaker, turn 3, 49-63)``."""
    return f"\u201c{seg.quote}\u201d ({seg.place()})"


SEGMENT_QUOTE_COLUMNS = (
    "guid",
    "code",
    "label",
    "column",
    "document",
    "speaker",
    "role",
    "turn",
    "start",
    "end",
    "quote",
    "coder",
    "review",
    "comment",
    "reviewer",
    "reviewed_at",
)
"""The quote list's header; ``review`` and ``comment`` are what a supervisor fills in."""


REVIEW_STATE = "qualcode_review_state"
"""The hidden sheet of an exported review sheet: each row as it was exported."""
REVIEW_STATE_COLUMNS = (
    "guid",
    "shown_code",
    "code",
    "review",
    "comment",
    "reviewer",
    "reviewed_at",
    "thread",
    "sheet",
)
"""Its header: the row's guid, what its code column showed, the coding's own code,
review, comment, reviewer and time, the number of thread entries, the sheet's id."""


def review_state(rows: Sequence[tuple[Segment, str]], sheet: str) -> Sheet:
    """The state a review sheet's rows were exported with: ``(segment, shown code)``
    per row; ``sheet`` is the export's id (the same on every row)."""
    body = tuple(
        (
            s.guid,
            shown,
            s.code,
            s.review,
            s.comment,
            s.reviewer,
            s.reviewed_at,
            s.thread,
            sheet,
        )
        for s, shown in rows
    )
    return Sheet(
        name=REVIEW_STATE,
        title="The review state each row was exported with (used by 'qualcode review apply')",
        columns=REVIEW_STATE_COLUMNS,
        rows=body,
        kinds=("key", "text", "text", "text", "text", "text", "text", "int", "text"),
    )


def quotes_workbook(qm: QuoteMatrix, *, sheet_id: str | None = None) -> Workbook:
    """The framework matrix (cells of quotes), then one row per quote for review
    (with its hidden review state when ``sheet_id`` is given)."""
    title = f"Quotes by code and {qm.by}"
    framework_rows: list[tuple[Cell, ...]] = []
    for code, label, cells in zip(qm.rows, qm.row_labels, qm.cells, strict=True):
        framework_rows.append(
            (code, label, *("\n\n".join(quote_text(s) for s in cell) for cell in cells))
        )
    framework = Sheet(
        name="framework",
        title=title,
        columns=("code", "label", *qm.columns),
        rows=tuple(framework_rows),
        kinds=("key", "text", *(["quote"] * len(qm.columns))),
        key_columns=2,
    )
    quote_rows: list[tuple[Cell, ...]] = []
    state_rows: list[tuple[Segment, str]] = []
    for code, label, cells in zip(qm.rows, qm.row_labels, qm.cells, strict=True):
        for column, cell in zip(qm.columns, cells, strict=True):
            for s in cell:
                state_rows.append((s, code))
                quote_rows.append(
                    (
                        s.guid,
                        code,
                        label,
                        column,
                        s.doc,
                        s.speaker,
                        s.role,
                        s.turn,
                        s.start,
                        s.end,
                        s.quote,
                        s.coder,
                        s.review,
                        s.comment,
                        s.reviewer,
                        s.reviewed_at,
                    )
                )
    quotes = Sheet(
        name="quotes",
        title="Quotes for review (fill in review and comment)",
        columns=SEGMENT_QUOTE_COLUMNS,
        rows=tuple(quote_rows),
        kinds=(
            "key",
            "text",
            "text",
            "text",
            "text",
            "text",
            "text",
            "int",
            "int",
            "int",
            "quote",
            "text",
            "text",
            "quote",
            "text",
            "text",
        ),
        key_columns=1,
    )
    return Workbook(
        kind="quotes",
        title=title,
        sheets=(framework, quotes),
        about=_about(title, qm.filters),
        state=review_state(state_rows, sheet_id) if sheet_id else None,
    )


# ---------------------------------------------------------------------- co-occurrence


def cooccurrence_workbook(co: Cooccurrence) -> Workbook:
    """Counts per mode, the c-coefficient / Jaccard index and conditional shares."""
    title = "Code co-occurrence"
    sheets: list[Sheet] = []
    header = ("code", "label", *co.codes)
    for mode in COOCCURRENCE_MODES:
        unit = "codings" if mode == "overlap" else f"{mode}s"
        sheets.append(
            Sheet(
                name=f"cooccurrence_{mode}",
                title=f"Co-occurrence ({mode}): the diagonal is the {unit} of each code",
                columns=header,
                rows=tuple(
                    (c, label, *counts)
                    for c, label, counts in zip(co.codes, co.labels, co.counts[mode], strict=True)
                ),
                kinds=("key", "text", *(["int"] * len(co.codes))),
                key_columns=2,
                matrix=True,
            )
        )
    pairs: list[tuple[Cell, ...]] = []
    for i, a in enumerate(co.codes):
        for j, b in enumerate(co.codes):
            if j <= i:
                continue
            row: list[Cell] = [a, b]
            any_count = False
            for mode in COOCCURRENCE_MODES:
                n12 = co.counts[mode][i][j]
                any_count |= n12 > 0
                row += [
                    n12,
                    co.n[mode][i],
                    co.n[mode][j],
                    co.jaccard[mode][i][j],
                    co.conditional[mode][i][j],
                    co.conditional[mode][j][i],
                ]
            if any_count:
                pairs.append(tuple(row))
    pair_cols: list[str] = ["code_a", "code_b"]
    pair_kinds: list[str] = ["key", "key"]
    for mode in COOCCURRENCE_MODES:
        pair_cols += [
            f"{mode}_n12",
            f"{mode}_n_a",
            f"{mode}_n_b",
            f"{mode}_c" if mode == "overlap" else f"{mode}_jaccard",
            f"{mode}_b_given_a",
            f"{mode}_a_given_b",
        ]
        pair_kinds += ["int", "int", "int", "float", "share", "share"]
    sheets.insert(
        0,
        Sheet(
            name="cooccurrence",
            title="Co-occurring code pairs: counts, c-coefficient / Jaccard, conditional shares",
            columns=tuple(pair_cols),
            rows=tuple(pairs),
            kinds=tuple(pair_kinds),
            key_columns=2,
        ),
    )
    return Workbook(
        kind="cooccurrence", title=title, sheets=tuple(sheets), about=_about(title, co.filters)
    )


# ---------------------------------------------------------------------- segments

SEGMENT_COLUMNS = (
    "guid",
    "document",
    "cases",
    "speaker",
    "role",
    "turn",
    "sentence",
    "start",
    "end",
    "code",
    "unit",
    "dimension",
    "code_path",
)


def segments_sheet(
    segments: Sequence[Segment], attributes: Sequence[str], languages: Sequence[str]
) -> Sheet:
    """One row per coding: where, who, which code (path and labels), state and memo."""
    langs = list(languages) or ["label"]
    columns = (
        *SEGMENT_COLUMNS,
        *(f"label_{lang}" if languages else "label" for lang in langs),
        *(f"attr:{a}" for a in attributes),
        "coder",
        "created",
        "origin",
        "status",
        "anchor",
        "review",
        "reviewer",
        "reviewed_at",
        "comment",
        "thread",
        "memo",
        "quote",
    )
    rows: list[tuple[Cell, ...]] = []
    for s in segments:
        labels = [
            s.labels.get(lang, s.labels.get("*", next(iter(s.labels.values()), "")))
            for lang in langs
        ]
        rows.append(
            (
                s.guid,
                s.doc,
                "; ".join(s.cases),
                s.speaker,
                s.role,
                s.turn,
                s.sentence,
                s.start,
                s.end,
                s.code,
                s.unit,
                s.path[0] if s.path else s.code,
                " > ".join(s.path),
                *labels,
                *(s.attributes.get(a) for a in attributes),
                s.coder,
                s.created,
                s.origin,
                s.status,
                s.anchor,
                s.review,
                s.reviewer,
                s.reviewed_at,
                s.comment,
                s.thread,
                s.memo,
                s.quote,
            )
        )
    kinds = ["text"] * len(columns)
    kinds[0] = "key"
    for name in ("turn", "sentence", "start", "end", "thread"):
        kinds[columns.index(name)] = "int"
    for name in ("quote", "comment", "memo"):
        kinds[columns.index(name)] = "quote"
    return Sheet(
        name="segments",
        title="Coded segments",
        columns=tuple(columns),
        rows=tuple(rows),
        kinds=tuple(kinds),
        key_columns=1,
    )


def segments_workbook(
    segments: Sequence[Segment],
    attributes: Sequence[str],
    languages: Sequence[str],
    filters: dict[str, str],
    *,
    sheet_id: str | None = None,
) -> Workbook:
    """The flat coded-segment table (a review sheet too: with its hidden review
    state when ``sheet_id`` is given)."""
    sheet = segments_sheet(segments, attributes, languages)
    return Workbook(
        kind="segments",
        title=sheet.title,
        sheets=(sheet,),
        about=_about(sheet.title, filters),
        state=review_state([(s, s.code) for s in segments], sheet_id) if sheet_id else None,
    )


# ---------------------------------------------------------------------- appendix


def appendix_sheet(rows: Sequence[AppendixRow], languages: Sequence[str]) -> Sheet:
    """The codebook as an appendix: definitions, criteria, examples and counts."""
    langs = list(languages) or ["*"]
    columns = (
        "code",
        "code_path",
        "depth",
        *(f"label_{lang}" if lang != "*" else "label" for lang in langs),
        "description",
        "inclusion",
        "exclusion",
        "examples",
        "codings",
        "documents",
        "cases",
        "coded_examples",
    )
    body: list[tuple[Cell, ...]] = []
    for r in rows:
        labels = [r.labels.get(lang, r.labels.get("*", "")) for lang in langs]
        body.append(
            (
                r.code,
                " > ".join(r.path),
                r.depth,
                *labels,
                r.description,
                r.inclusion,
                r.exclusion,
                "\n".join(r.examples),
                r.codings,
                r.documents,
                r.cases,
                "\n".join(r.quotes),
            )
        )
    kinds = ["text"] * len(columns)
    kinds[0] = "key"
    kinds[2] = "int"
    for name in ("description", "inclusion", "exclusion", "examples", "coded_examples"):
        kinds[columns.index(name)] = "quote"
    for name in ("codings", "documents", "cases"):
        kinds[columns.index(name)] = "int"
    return Sheet(
        name="codebook",
        title="Codebook",
        columns=columns,
        rows=tuple(body),
        kinds=tuple(kinds),
        key_columns=1,
    )


def memos_sheet(memos: Sequence[MemoRow]) -> Sheet:
    """Every memo: on the project, documents, codes, cases and codings."""
    return Sheet(
        name="memos",
        title="Memos",
        columns=("kind", "target", "title", "text", "author", "created", "updated", "guid"),
        rows=tuple(
            (m.kind, m.target, m.title, m.text, m.author, m.created, m.updated, m.guid)
            for m in memos
        ),
        kinds=("key", "text", "text", "quote", "text", "text", "text", "text"),
        key_columns=2,
    )


def appendix_workbook(
    rows: Sequence[AppendixRow],
    memos: Sequence[MemoRow],
    languages: Sequence[str],
    filters: dict[str, str],
    *,
    title: str = "Codebook appendix",
) -> Workbook:
    """The codebook appendix and the memos."""
    return Workbook(
        kind="appendix",
        title=title,
        sheets=(appendix_sheet(rows, languages), memos_sheet(memos)),
        about=_about(title, filters),
    )


def memos_workbook(memos: Sequence[MemoRow], filters: dict[str, str]) -> Workbook:
    """All memos."""
    return Workbook(
        kind="memos", title="Memos", sheets=(memos_sheet(memos),), about=_about("Memos", filters)
    )


def combine(kind: str, title: str, books: Sequence[Workbook]) -> Workbook:
    """One workbook holding the sheets of several (names kept unique)."""
    seen: set[str] = set()
    sheets: list[Sheet] = []
    for book in books:
        for s in book.sheets:
            if s.name in seen:
                continue
            seen.add(s.name)
            sheets.append(s)
    about = books[0].about if books else ()
    states = [b.state for b in books if b.state is not None]
    return Workbook(
        kind=kind,
        title=title,
        sheets=tuple(sheets),
        about=(("title", title),) + tuple((k, v) for k, v in about if k != "title"),
        state=states[-1] if states else None,
    )
