"""``qualcode findings``: the first draft of the findings chapter."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli._base import Context, cli, echo_err, load_names, pass_ctx, show
from qualcode.i18n import _, plural


@cli.command("findings")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="The chapter: FILE.docx, FILE.odt, FILE.md or FILE.html (format from the suffix).",
)
@click.option(
    "--lang",
    type=click.Choice(["id", "en"], case_sensitive=False),
    help="Language of headings, captions and table heads (default: the interface language).",
)
@click.option(
    "--pseudonyms",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Name map (YAML or CSV: real name -> pseudonym): no real name is left anywhere "
    "in the file, its properties included.",
)
@click.option(
    "--by",
    type=click.Choice(["themes", "dimensions"]),
    default="themes",
    show_default=True,
    help="A section per theme, or per dimension (top-level code) with negative and "
    "positive passages.",
)
@click.option("--memos", is_flag=True, help="Include the themes' memos.")
@pass_ctx
def findings(
    ctx: Context,
    output: Path,
    lang: str | None,
    pseudonyms: Path | None,
    by: str,
    memos: bool,
) -> None:
    """Write the first draft of the findings chapter: per theme (or dimension) its
    name, definition, sub-themes, a prevalence table, key extracts as block quotes
    with who said them and where (and their translations), optionally memos; the
    thematic map as a figure; the dimension scorecard; the codebook as an appendix."""
    from qualcode.services.findings import output_format, write_findings

    output_format(output)
    names = load_names(pseudonyms)
    with ctx.open() as project:
        result = write_findings(
            project, output, lang=lang and lang.lower(), by=by, memos=memos, names=names
        )
    if result.attribute:
        echo_err(
            _("informant groups: the case attribute {name!r}").format(name=show(result.attribute))
        )
    for path in result.files:
        click.echo(
            _("wrote {path} ({quotes})").format(
                path=show(path),
                quotes=plural(result.quotes, "{n} key extract", "{n} key extracts"),
            )
            if path == result.path
            else _("wrote {path} (the thematic map)").format(path=show(path))
        )
