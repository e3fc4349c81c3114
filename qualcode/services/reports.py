"""Matrices, reports and supervisor review: the use cases behind ``export``, ``report``
and ``review``.

Each export computes its matrix in the store under one :class:`Filters`, applies
the name map (pseudonyms) to every string that leaves the project, flattens the
result into a :class:`~qualcode.core.tables.Workbook`, and hands it to an exporter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.core import tables
from qualcode.core.filters import Filters
from qualcode.core.matrices import MEASURES, Matrix
from qualcode.core.pseudonyms import Pseudonymizer
from qualcode.errors import InputError
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.core.tables import Sheet, Workbook
    from qualcode.store import Project
    from qualcode.store.review import ApplyReport

EXPORT_KINDS = ("frequency", "quotes", "cooccurrence", "segments", "appendix", "memos", "all")
"""What ``qualcode export`` writes."""
FORMATS = ("csv", "xlsx", "md", "json", "sqlite", "html")
"""Output formats."""
SUFFIXES = {
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
    ".db": "sqlite",
    ".html": "html",
    ".htm": "html",
}


def format_for(output: Path, fmt: str | None) -> str:
    """The format asked for, or the one the file's suffix names.

    Raises:
        InputError: when neither says.
    """
    if fmt:
        if fmt not in FORMATS:
            raise InputError(
                _("unknown format {fmt!r}").format(fmt=fmt),
                hint=_("use {FORMATS}").format(FORMATS=", ".join(FORMATS)),
            )
        return fmt
    found = SUFFIXES.get(output.suffix.lower())
    if found is None:
        raise InputError(
            _("cannot tell the format from {output.name!r}").format(output=output),
            hint=_("pass --format {FORMATS}").format(FORMATS="|".join(FORMATS)),
        )
    return found


def load_pseudonyms(path: Path | None) -> Pseudonymizer:
    """The name map at ``path`` (an empty one for ``None``)."""
    if path is None:
        return Pseudonymizer({})
    from qualcode.importers.pseudonyms import read_pseudonyms

    return Pseudonymizer(read_pseudonyms(path))


def names_from(pseudonyms: Path | Mapping[str, str] | None) -> Pseudonymizer:
    """The name map of a file, or of a mapping given directly (empty for ``None``)."""
    if isinstance(pseudonyms, Mapping):
        return Pseudonymizer(pseudonyms)
    return load_pseudonyms(pseudonyms)


PSEUDONYM_FILES = ("pseudonyms.csv", "pseudonyms.yaml", "pseudonyms.yml", "pseudonyms.tsv")
"""The name map the workbench applies to its own exports, found beside the project."""


def project_pseudonyms(project: Project) -> Path | None:
    """The project's name map: ``pseudonyms.csv`` (or ``.yaml``, ``.yml``, ``.tsv``) in
    the project's folder (on PostgreSQL, the folder the workbench runs in), or
    ``None``. The workbench applies it to every export it writes."""
    folder = Path(project.path).parent if project.path else Path.cwd()
    for name in PSEUDONYM_FILES:
        if (folder / name).is_file():
            return folder / name
    return None


def _languages(project: Project) -> list[str]:
    return list(project.codebook().languages)


def default_by(project: Project, kind: str) -> str:
    """``document`` for frequency; ``case`` for quotes when the project has cases."""
    if kind == "quotes" and project.cases.cases():
        return "case"
    return "document"


def build_workbook(
    project: Project,
    kind: str,
    *,
    filters: Filters | None = None,
    by: str | None = None,
    label_lang: str | None = None,
    measure: str = "codings",
    names: Pseudonymizer | None = None,
    sheet_id: str | None = None,
) -> Workbook:
    """Compute one export's matrices and flatten them into sheets.

    Args:
        project: the open project.
        kind: one of :data:`EXPORT_KINDS`.
        filters: which codings count.
        by: columns (``document``, ``case``, ``speaker``, ``attribute:NAME``).
        label_lang: the language of code labels.
        measure: for ``frequency``, the measure of the first sheet (what CSV holds).
        names: pseudonyms applied to every string.
        sheet_id: give a review sheet (quotes, segments, all) its hidden review state
            under this id (an XLSX export: ``review apply`` merges it).
    """
    filters = filters or Filters()
    names = names or Pseudonymizer({})
    if kind not in EXPORT_KINDS:
        raise InputError(
            _("unknown export {kind!r}").format(kind=kind),
            hint=_("use {EXPORT_KINDS}").format(EXPORT_KINDS=", ".join(EXPORT_KINDS)),
        )
    if measure not in MEASURES:
        raise InputError(
            _("unknown measure {measure!r}").format(measure=measure),
            hint=_("use {MEASURES}").format(MEASURES=", ".join(MEASURES)),
        )
    langs = _languages(project)
    if kind == "frequency":
        freq = names.apply(
            project.matrices.frequency_table(
                filters, by=by or "document", label_lang=label_lang, reviews=True
            )
        )
        return tables.frequency_workbook(freq, measure=measure)
    if kind == "quotes":
        qm = names.apply(
            project.matrices.quote_matrix(
                filters, by=by or default_by(project, "quotes"), label_lang=label_lang
            )
        )
        return tables.quotes_workbook(qm, sheet_id=sheet_id)
    if kind == "cooccurrence":
        return tables.cooccurrence_workbook(
            names.apply(project.matrices.cooccurrence(filters, label_lang=label_lang))
        )
    if kind == "segments":
        segments = names.apply(project.matrices.segments(filters, label_lang=label_lang))
        return tables.segments_workbook(
            segments,
            [names.text(a) for a in project.matrices.attribute_names()],
            langs,
            filters.describe(),
            sheet_id=sheet_id,
        )
    if kind == "appendix":
        return tables.appendix_workbook(
            names.apply(project.matrices.appendix(filters, label_lang=label_lang)),
            names.apply(project.matrices.memo_rows(filters)),
            langs,
            filters.describe(),
        )
    if kind == "memos":
        return tables.memos_workbook(
            names.apply(project.matrices.memo_rows(filters)), filters.describe()
        )
    books = [
        build_workbook(
            project,
            k,
            filters=filters,
            by=by,
            label_lang=label_lang,
            measure=measure,
            names=names,
            sheet_id=sheet_id if k == "segments" else None,
        )
        for k in ("frequency", "quotes", "cooccurrence", "segments", "appendix")
    ]
    # the segment table (one row per coding, with guid, code, review and comment) is
    # the review sheet of the whole workbook; the quote list would repeat it
    quotes = books[1]
    books[1] = dataclasses.replace(
        quotes, sheets=tuple(s for s in quotes.sheets if s.name != "quotes")
    )
    return tables.combine("all", "Matrices, quotes and codebook", books)


def support_sheets(
    project: Project,
    filters: Filters,
    *,
    label_lang: str | None = None,
    names: Pseudonymizer | None = None,
) -> list[Sheet]:
    """The data behind the matrices, for the SQLite export: codes, documents, cases, codings."""
    from qualcode.core.tables import Sheet

    names = names or Pseudonymizer({})
    langs = _languages(project)
    codes = tables.appendix_sheet(
        names.apply(project.matrices.appendix(filters, examples=0, label_lang=label_lang)), langs
    )
    docs = project.documents.documents()
    documents = Sheet(
        name="documents",
        title="Documents",
        columns=(
            "document",
            "lang",
            "chars",
            "turns",
            "sentences",
            "codings",
            "coded_share",
            "case",
        ),
        rows=tuple(
            (
                names.text(d.name),
                d.lang,
                d.chars,
                d.turns,
                d.sentences,
                d.codings,
                round(d.coded_share, 6),
                names.text(d.case) if d.case else None,
            )
            for d in docs
        ),
        kinds=("key", "text", "int", "int", "int", "int", "share", "text"),
    )
    attrs = project.matrices.attribute_names()
    case_list = project.cases.cases()
    cases = Sheet(
        name="cases",
        title="Cases and their attributes",
        columns=("case", "description", "sources", *attrs),
        rows=tuple(
            (
                names.text(c.name),
                names.text(c.description),
                "; ".join(
                    names.text(s.doc) + (f" / {names.text(s.speaker)}" if s.speaker else "")
                    for s in c.sources
                ),
                *(names.text(c.attributes.get(a) or "") or None for a in attrs),
            )
            for c in case_list
        ),
        kinds=("key", "text", "text", *(["text"] * len(attrs))),
    )
    segments = tables.segments_sheet(
        names.apply(project.matrices.segments(filters, label_lang=label_lang)),
        [names.text(a) for a in attrs],
        langs,
    )
    return [
        dataclasses.replace(codes, name="codes"),
        documents,
        cases,
        dataclasses.replace(segments, name="codings"),
    ]


def write_workbook(
    book: Workbook,
    output: Path,
    fmt: str,
    *,
    support: list[Sheet] | None = None,
    sheets: int | None = None,
) -> None:
    """Render ``book`` to ``output`` in ``fmt``."""
    from qualcode.exporters import sheets as render

    if fmt == "csv":
        render.to_csv(book, output)
    elif fmt == "md":
        render.to_md(book, output, sheets=sheets)
    elif fmt == "json":
        render.to_json(book, output)
    elif fmt == "html":
        render.to_html(book, output)
    elif fmt == "sqlite":
        from qualcode.exporters.base import write_atomic
        from qualcode.store.export_db import write_export_db

        write_atomic(output, lambda tmp: write_export_db(book, tmp, support=support or ()))
    elif fmt == "xlsx":
        from qualcode.exporters.xlsx import to_xlsx

        to_xlsx(book, output)
    else:  # pragma: no cover - format_for checked it
        raise InputError(_("unknown format {fmt!r}").format(fmt=fmt))


def export_matrix(
    project: Project,
    kind: str,
    output: Path,
    *,
    fmt: str | None = None,
    filters: Filters | None = None,
    by: str | None = None,
    label_lang: str | None = None,
    measure: str = "codings",
    pseudonyms: Path | Mapping[str, str] | None = None,
) -> Workbook:
    """Compute one export and write it to ``output``.

    Args:
        project: the open project.
        kind: ``frequency``, ``quotes``, ``cooccurrence``, ``segments``, ``appendix``,
            ``memos`` or ``all``.
        output: the file to write (atomically).
        fmt: ``csv``, ``xlsx``, ``md``, ``json``, ``sqlite`` or ``html`` (default: from
            the suffix).
        filters: which codings count.
        by: columns of the matrix.
        label_lang: the language of code labels.
        measure: the frequency measure of the first sheet.
        pseudonyms: a name-map file, or the map itself.

    Returns:
        The workbook written.
    """
    fmt = format_for(output, fmt)
    filters = filters or Filters()
    names = (
        Pseudonymizer(pseudonyms)
        if isinstance(pseudonyms, Mapping)
        else load_pseudonyms(pseudonyms)
    )
    if fmt == "csv" and kind == "all":
        raise InputError(
            _("a CSV file holds one table"), hint=_("export 'all' as xlsx, sqlite, json or md")
        )
    from qualcode.clock import new_guid

    book = build_workbook(
        project,
        kind,
        filters=filters,
        by=by,
        label_lang=label_lang,
        measure=measure,
        names=names,
        sheet_id=new_guid() if fmt == "xlsx" else None,
    )
    support: list[Sheet] | None = None
    if fmt == "sqlite":
        support = support_sheets(project, filters, label_lang=label_lang, names=names)
        if kind == "segments":
            book = dataclasses.replace(
                book, sheets=(dataclasses.replace(book.sheets[0], name="codings"),)
            )
            support = [s for s in support if s.name != "codings"]
    # Markdown of a frequency export keeps to the chosen measure (the skeleton's output)
    sheets = 1 if kind == "frequency" else None
    write_workbook(book, output, fmt, support=support, sheets=sheets)
    return book


def export_frequency(
    project: Project,
    output: Path,
    *,
    fmt: str | None = None,
    by: str = "document",
    coder: str | None = None,
    label_lang: str | None = None,
    filters: Filters | None = None,
    measure: str = "codings",
    pseudonyms: Path | Mapping[str, str] | None = None,
) -> Matrix:
    """Compute the code frequency matrix and write it to ``output``; returns its counts."""
    if filters is None:
        filters = Filters(coders=(coder,) if coder else ())
    export_matrix(
        project,
        "frequency",
        output,
        fmt=fmt,
        filters=filters,
        by=by,
        label_lang=label_lang,
        measure=measure,
        pseudonyms=pseudonyms,
    )
    freq = project.matrices.frequency_table(filters, by=by, label_lang=label_lang)
    return freq.codings


# ---------------------------------------------------------------------- report


@dataclass(frozen=True)
class ReportSummary:
    """What ``qualcode report`` wrote."""

    path: Path
    codings: int
    codes: int
    columns: int
    links: int


def _map_figure(project: Project, names: Pseudonymizer, lang: str | None) -> tuple[str, str]:
    """The thematic map for the report: documents and passages on it pseudonymized."""
    from qualcode.core.thematic_map import layout
    from qualcode.exporters.thematic_map import render_svg
    from qualcode.services.thematic_map import map_state

    data = map_state(project, lang=lang).data
    data = dataclasses.replace(
        data,
        nodes=tuple(
            dataclasses.replace(n, label=names.text(n.label))
            if n.kind in ("document", "passage")
            else n
            for n in data.nodes
        ),
    )
    themes = sum(1 for n in data.nodes if n.kind == "theme")
    codes = sum(1 for n in data.nodes if n.kind == "code")
    from qualcode.i18n import _

    caption = _(
        "Themes ({themes}), sub-themes and their codes ({codes}); a circle's area grows "
        "with its passages; coloured lines are the relations, dashed when undirected; "
        "a dashed ring marks a candidate theme."
    ).format(themes=themes, codes=codes)
    return render_svg(layout(data)), caption


def write_report(
    project: Project,
    output: Path,
    *,
    filters: Filters | None = None,
    by: str = "document",
    label_lang: str | None = None,
    pseudonyms: Path | Mapping[str, str] | None = None,
) -> ReportSummary:
    """Write the self-contained HTML report (no network, prints to PDF)."""
    from qualcode.exporters.html import ReportData, write_html

    filters = filters or Filters()
    names = (
        Pseudonymizer(pseudonyms)
        if isinstance(pseudonyms, Mapping)
        else load_pseudonyms(pseudonyms)
    )
    base = dataclasses.replace(filters, rollup=False)
    rolled = dataclasses.replace(filters, rollup=True)
    data = ReportData(
        title=names.text(project.codebook().name or "qualcode report"),
        codebook=project.codebook(),
        label_lang=label_lang,
        by=by,
        about=tuple(({"by": by} | filters.describe()).items()),
        frequency=names.apply(project.matrices.frequency_table(base, by=by, label_lang=label_lang)),
        dimensions=names.apply(
            project.matrices.frequency_table(rolled, by=by, label_lang=label_lang, reviews=True)
        ),
        quotes=names.apply(project.matrices.quote_matrix(base, by=by, label_lang=label_lang)),
        dimension_quotes=names.apply(
            project.matrices.quote_matrix(rolled, by=by, label_lang=label_lang)
        ),
        cooccurrence=names.apply(project.matrices.cooccurrence(base, label_lang=label_lang)),
        pairs={},
    )
    pairs = {}
    co = data.cooccurrence
    every = project.matrices.overlapping_pairs(base)
    for i, a in enumerate(co.codes):
        for j, b in enumerate(co.codes):
            if j > i and co.counts["overlap"][i][j]:
                pairs[(a, b)] = tuple(names.apply(every.get((a, b), [])))
    data = dataclasses.replace(data, pairs=pairs)
    if any(c.valence for c in data.codebook.codes):
        # the dimension scorecard, by informant group when the columns are an attribute
        from qualcode.services.themes import scorecard_book

        book = scorecard_book(
            project, by=by if by.startswith("attribute:") else None, lang=label_lang
        )
        sheets = tuple(
            dataclasses.replace(
                sheet,
                rows=tuple(
                    tuple(names.text(v) if isinstance(v, str) else v for v in row)
                    for row in sheet.rows
                ),
            )
            for sheet in book.sheets
        )
        data = dataclasses.replace(data, scorecard=dataclasses.replace(book, sheets=sheets))
    if project.themes.themes().themes:
        svg, caption = _map_figure(project, names, label_lang)
        data = dataclasses.replace(data, thematic_map=svg, map_caption=caption)
    links = write_html(data, output)
    return ReportSummary(
        output,
        int(data.frequency.codings.total()),
        len(data.frequency.codings.rows),
        len(data.frequency.codings.columns),
        links,
    )


# ---------------------------------------------------------------------- review


@dataclass(frozen=True)
class ReviewFileReport:
    """What ``review apply`` did: the store's report plus rows the reader could not use."""

    applied: ApplyReport
    problems: tuple[str, ...]

    @property
    def unmatched(self) -> int:
        """Rows that matched no coding (or the wrong one), or could not be read."""
        return len(self.problems) + len(self.applied.unmatched)

    @property
    def failed(self) -> bool:
        """True when any row conflicted or could not be matched."""
        return bool(self.unmatched or self.applied.conflicts)

    def summary(self) -> str:
        """``applied N, unchanged N, conflicts N, unmatched N``."""
        a = self.applied
        line = (
            _(
                "would apply {changed}, unchanged {unchanged}, conflicts {conflicts}, unmatched {unmatched}"
            )
            if a.dry_run
            else _(
                "applied {changed}, unchanged {unchanged}, conflicts {conflicts}, unmatched {unmatched}"
            )
        )
        return line.format(
            changed=a.changed,
            unchanged=a.unchanged,
            conflicts=len(a.conflicts),
            unmatched=self.unmatched,
        )


def apply_review_file(
    project: Project,
    path: Path,
    *,
    reviewer: str | None = None,
    overwrite: bool = False,
    dry_run: bool = False,
) -> ReviewFileReport:
    """Read a supervisor's XLSX quote sheet and merge its verdicts and comments.

    Only rows the supervisor changed since the export act (the sheet's hidden state
    says what each row showed); a coding reviewed again since is a conflict and
    keeps its verdict unless ``overwrite``. Rows that match no coding are reported
    (one line each) and the rest applied.

    Args:
        project: the open project.
        path: the workbook.
        reviewer: whose verdicts (default: the project's coder).
        overwrite: apply conflicting rows too, and a sheet without recorded states.
        dry_run: say what would change; change nothing.

    Raises:
        InputError: not a workbook, no quote sheet, an unknown status, or (without
            ``overwrite``) a sheet without recorded states; nothing is changed.
    """
    from qualcode.importers.review_xlsx import read_review_sheet

    sheet = read_review_sheet(path)
    if not sheet.states and not overwrite:
        raise InputError(
            _(
                "the sheet has no recorded review states (it was exported by an earlier qualcode), so qualcode cannot tell what the supervisor changed; nothing was changed"
            ),
            path=path,
            hint=_(
                "export a fresh one with 'qualcode export quotes --format xlsx', or pass --overwrite to apply every filled-in row as it is"
            ),
        )
    report = project.review.apply_reviews(
        sheet.entries,
        reviewer=reviewer,
        source=str(path),
        overwrite=overwrite,
        dry_run=dry_run,
    )
    return ReviewFileReport(report, tuple(sheet.problems))
