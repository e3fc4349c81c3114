"""Exports (matrices, quotes, codebook appendix, memos) and the HTML report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from qualcode.cli._base import Context, cli, pass_ctx
from qualcode.i18n import N_, _

if TYPE_CHECKING:
    from qualcode.core.filters import Filters

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ["csv", "xlsx", "md", "json", "sqlite", "html"]


def _check_by(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from qualcode.core.filters import parse_by

    if value is None:
        return None
    try:
        parse_by(value)
    except ValueError:
        raise click.BadParameter(
            _("{value!r}: use document, case, speaker or attribute:NAME").format(value=value)
        ) from None
    return value


def filter_options(func: F) -> F:
    """The filters every matrix, the report and the review screen share."""
    options = [
        click.option(
            "--coder",
            "coders",
            multiple=True,
            metavar="NAME",
            help="Only this coder's codings (repeatable).",
        ),
        click.option(
            "--status",
            "statuses",
            multiple=True,
            type=click.Choice(["accepted", "suggested", "all"]),
            help="Coding status (repeatable; default accepted).",
        ),
        click.option(
            "--review",
            "reviews",
            multiple=True,
            type=click.Choice(["unreviewed", "approved", "disputed"]),
            help="Only codings in this review state (repeatable).",
        ),
        click.option(
            "--code",
            "codes",
            multiple=True,
            metavar="ID",
            help="Only this code and its sub-codes (repeatable).",
        ),
        click.option(
            "--doc", "docs", multiple=True, metavar="NAME", help="Only this document (repeatable)."
        ),
        click.option(
            "--case", "cases", multiple=True, metavar="NAME", help="Only this case (repeatable)."
        ),
        click.option(
            "--speaker-role",
            "roles",
            multiple=True,
            type=click.Choice(["interviewer", "participant"]),
            help="Only codings in turns of this role (repeatable).",
        ),
        click.option(
            "--rollup", is_flag=True, help="Count sub-codes under their top-level dimension."
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def make_filters(
    coders: tuple[str, ...],
    statuses: tuple[str, ...],
    reviews: tuple[str, ...],
    codes: tuple[str, ...],
    docs: tuple[str, ...],
    cases: tuple[str, ...],
    roles: tuple[str, ...],
    rollup: bool,
) -> Filters:
    """A :class:`Filters` from the shared options."""
    from qualcode.core.filters import Filters

    status: tuple[str, ...] = ("accepted",)
    if statuses:
        status = () if "all" in statuses else tuple(dict.fromkeys(statuses))
    return Filters(
        coders=tuple(dict.fromkeys(coders)),
        status=status,
        review=tuple(dict.fromkeys(reviews)),
        codes=tuple(dict.fromkeys(codes)),
        documents=tuple(dict.fromkeys(docs)),
        cases=tuple(dict.fromkeys(cases)),
        speaker_role=tuple(dict.fromkeys(roles)),
        rollup=rollup,
    )


def output_options(func: F) -> F:
    """``--format``, ``-o``, ``--label-lang`` and ``--pseudonyms``."""
    options = [
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            help="Output format (default: from the file suffix).",
        ),
        click.option(
            "--label-lang",
            type=click.Choice(["id", "en"]),
            help="Language of the code labels (default: the codebook's first).",
        ),
        click.option(
            "--pseudonyms",
            type=click.Path(path_type=Path),
            metavar="FILE",
            help="Name map (YAML or CSV: real name -> pseudonym) applied to everything written.",
        ),
        click.option(
            "-o",
            "--output",
            required=True,
            type=click.Path(path_type=Path),
            help="The file to write.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def by_option(default: str | None, help_text: str) -> Callable[[F], F]:
    """``--by document|case|speaker|attribute:NAME``."""
    return click.option(
        "--by",
        default=default,
        callback=_check_by,
        metavar="document|case|speaker|attribute:NAME",
        show_default=default is not None,
        help=help_text,
    )


# ---------------------------------------------------------------------- export


@cli.group()
def export() -> None:
    """Write matrices, quotes and the codebook appendix for supervisors and theses.

    Formats: csv (UTF-8 with BOM; the main table), xlsx (every table, frozen
    headers, autofilter, an 'about' sheet), md, json, sqlite (every table plus
    the codes, documents, cases and codings behind them, with views), html (every
    table in one page). 'bundle' writes the codebook and the coded passages in
    several formats at once.
    """


def _run(ctx: Context, kind: str, output: Path, **kw: Any) -> None:
    from qualcode import services

    with ctx.open() as project:
        book = services.export_matrix(project, kind, output, **kw)
    main = book.sheets[0]
    rows = len(main.rows) - (1 if main.total_row else 0)
    click.echo(
        _("wrote {output}: {title}, {rows} rows ({n} tables)").format(
            output=output, title=main.title, rows=rows, n=len(book.sheets)
        )
    )


@export.command("frequency")
@by_option("document", "Columns of the matrix.")
@click.option(
    "--measure",
    type=click.Choice(["codings", "documents", "cases", "share"]),
    default="codings",
    show_default=True,
    help="What the first table (the CSV) counts; xlsx/json/sqlite hold all four.",
)
@filter_options
@output_options
@pass_ctx
def export_frequency(
    ctx: Context,
    /,
    by: str,
    measure: str,
    fmt: str | None,
    label_lang: str | None,
    pseudonyms: Path | None,
    output: Path,
    **filters: Any,
) -> None:
    """Code x document (case, speaker role, attribute) matrix: codings, documents,
    cases and share of text coded, with totals."""
    from qualcode import services

    with ctx.open() as project:
        matrix = services.export_frequency(
            project,
            output,
            fmt=fmt,
            by=by,
            label_lang=label_lang,
            filters=make_filters(**filters),
            measure=measure,
            pseudonyms=pseudonyms,
        )
    click.echo(
        _("wrote {output}: {n} codes x {n2} {plural}, {total} codings").format(
            output=output,
            n=len(matrix.rows),
            n2=len(matrix.columns),
            plural=_plural(by),
            total=matrix.total(),
        )
    )


def _plural(by: str) -> str:
    if by.startswith("attribute:"):
        return "values"
    return {"document": "documents", "case": "cases", "speaker": "roles"}.get(by, by)


@export.command("quotes")
@by_option(None, "Columns: case (default when the project has cases) or document, ...")
@filter_options
@output_options
@pass_ctx
def export_quotes(
    ctx: Context,
    /,
    by: str | None,
    fmt: str | None,
    label_lang: str | None,
    pseudonyms: Path | None,
    output: Path,
    **filters: Any,
) -> None:
    """Framework matrix: code x case cells holding the quotes, plus one row per quote
    with review and comment columns (fill them in, then 'qualcode review apply')."""
    _run(
        ctx,
        "quotes",
        output,
        fmt=fmt,
        by=by,
        label_lang=label_lang,
        filters=make_filters(**filters),
        pseudonyms=pseudonyms,
    )


def _simple(kind: str, doc: str) -> None:
    @export.command(kind, help=doc)
    @by_option(
        None, "Accepted for symmetry with the other exports; rows here are codes or codings."
    )
    @filter_options
    @output_options
    @pass_ctx
    def command(
        ctx: Context,
        /,
        by: str | None,
        fmt: str | None,
        label_lang: str | None,
        pseudonyms: Path | None,
        output: Path,
        **filters: Any,
    ) -> None:
        _run(
            ctx,
            kind,
            output,
            fmt=fmt,
            label_lang=label_lang,
            filters=make_filters(**filters),
            pseudonyms=pseudonyms,
        )


_simple(
    "cooccurrence",
    N_(
        "Code x code: overlapping codings, same sentence, same turn; c-coefficient / Jaccard and the conditional share of each code given the other."
    ),
)
_simple(
    "segments",
    N_(
        "One row per coding: document, case and attributes, speaker, code path, labels, coder, origin, review and memo."
    ),
)
_simple(
    "appendix",
    N_(
        "The codebook as a thesis appendix (definitions, criteria, examples, counts) and all memos."
    ),
)
_simple("memos", N_("Every memo: project, documents, codes, cases and codings."))


@export.command("all")
@by_option(None, "Columns of the matrices.")
@filter_options
@output_options
@pass_ctx
def export_all(
    ctx: Context,
    /,
    by: str | None,
    fmt: str | None,
    label_lang: str | None,
    pseudonyms: Path | None,
    output: Path,
    **filters: Any,
) -> None:
    """Every matrix in one workbook (xlsx, sqlite, json or md)."""
    _run(
        ctx,
        "all",
        output,
        fmt=fmt,
        by=by,
        label_lang=label_lang,
        filters=make_filters(**filters),
        pseudonyms=pseudonyms,
    )


@export.command("bundle")
@filter_options
@click.option(
    "--label-lang",
    type=click.Choice(["id", "en"]),
    help="Language of the code labels (default: the codebook's first).",
)
@click.option(
    "--pseudonyms",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Name map (YAML or CSV: real name -> pseudonym) applied to everything written.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    metavar="FOLDER",
    help="The folder to write into (created when missing).",
)
@pass_ctx
def export_bundle(
    ctx: Context,
    /,
    label_lang: str | None,
    pseudonyms: Path | None,
    output: Path,
    **filters: Any,
) -> None:
    """The codebook and every coded passage, in one folder: codebook.qdc, .csv and
    .xlsx; segments.csv, .xlsx and .html; one CSV per code under codes/."""
    from qualcode import services
    from qualcode.i18n import plural

    with ctx.open() as project:
        summary = services.export_bundle(
            project,
            output,
            filters=make_filters(**filters),
            label_lang=label_lang,
            pseudonyms=pseudonyms,
        )
    click.echo(
        _("wrote {output}: {files}, {codings}, {codes}").format(
            output=output,
            files=plural(len(summary.files), "{n} file", "{n} files"),
            codings=plural(summary.codings, "{n} coded passage", "{n} coded passages"),
            codes=plural(summary.codes, "{n} per-code CSV", "{n} per-code CSVs"),
        )
    )


# ---------------------------------------------------------------------- report


@cli.command("report")
@by_option("document", "Columns of the matrices.")
@filter_options
@click.option("--label-lang", type=click.Choice(["id", "en"]), help="Language of the code labels.")
@click.option(
    "--pseudonyms",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Name map (YAML or CSV: real name -> pseudonym).",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="The .html file to write.",
)
@pass_ctx
def report(
    ctx: Context,
    /,
    by: str,
    label_lang: str | None,
    pseudonyms: Path | None,
    output: Path,
    **filters: Any,
) -> None:
    """One self-contained HTML file: overview per dimension, heat-map tables,
    co-occurrence, and every count a link to its quotes. Prints to PDF."""
    from qualcode import services

    with ctx.open() as project:
        summary = services.write_report(
            project,
            output,
            filters=make_filters(**filters),
            by=by,
            label_lang=label_lang,
            pseudonyms=pseudonyms,
        )
    click.echo(
        _(
            "wrote {output}: {codings} codings, {codes} codes x {columns} {plural}, {links} counts linked to their quotes"
        ).format(
            output=output,
            codings=summary.codings,
            codes=summary.codes,
            columns=summary.columns,
            plural=_plural(by),
            links=summary.links,
        )
    )
