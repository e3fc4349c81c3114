"""Exports."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli._base import Context, cli, pass_ctx

# ---------------------------------------------------------------------- export


@cli.group()
def export() -> None:
    """Write matrices for supervisors and theses."""


@export.command("frequency")
@click.option(
    "--by",
    type=click.Choice(["document"]),
    default="document",
    show_default=True,
    help="Columns of the matrix.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "md", "sqlite"]),
    help="Output format (default: from the file suffix).",
)
@click.option("--coder", "coder_", metavar="NAME", help="Only this coder's codings.")
@click.option("--label-lang", type=click.Choice(["id", "en"]), help="Language of the code labels.")
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path), help="The file to write."
)
@pass_ctx
def export_frequency(
    ctx: Context, by: str, fmt: str | None, coder_: str | None, label_lang: str | None, output: Path
) -> None:
    """Code x document matrix of coding counts, with totals."""
    from qualcode import services

    with ctx.open() as project:
        matrix = services.export_frequency(
            project, output, fmt=fmt, by=by, coder=coder_, label_lang=label_lang
        )
    click.echo(
        f"wrote {output}: {len(matrix.rows)} codes x {len(matrix.columns)} documents, {matrix.total()} codings"
    )
