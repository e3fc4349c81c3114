"""Text analysis: word frequencies and keyword in context."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from qualcode.cli._base import (
    INT,
    Context,
    WholeNumber,
    cli,
    echo_err,
    load_names,
    pass_ctx,
    pseudonyms_option,
)
from qualcode.core.text_analysis import GROUPINGS
from qualcode.i18n import _


def _split(values: Sequence[str]) -> list[str] | None:
    out = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return out or None


@cli.command()
@click.option(
    "--by",
    type=click.Choice(GROUPINGS),
    default="corpus",
    show_default=True,
    help="Count per document, case, code (its coded text) or speaker role.",
)
@click.option(
    "--top", type=WholeNumber(minimum=1), help="Only the N most frequent words per group."
)
@click.option("--docs", multiple=True, metavar="DOC[,DOC]", help="Only these documents.")
@click.option("--keep-stop-words", is_flag=True, help="Count stop words too.")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx"]), help="Output format (default: from -o)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write a CSV or XLSX file (default: print).",
)
@pseudonyms_option
@pass_ctx
def words(
    ctx: Context,
    by: str,
    top: int | None,
    docs: tuple[str, ...],
    keep_stop_words: bool,
    fmt: str | None,
    output: Path | None,
    pseudonyms: Path | None,
) -> None:
    """Word frequencies: lemmas, with spaCy's Indonesian and English stop words removed."""
    from qualcode import services

    names = load_names(pseudonyms)
    with ctx.open() as project:
        freq = services.word_frequencies(
            project,
            by=by,
            docs=_split(docs),
            remove_stop_words=not keep_stop_words,
            names=names,
        )
    if output is None:
        if fmt is not None:
            from qualcode.errors import InputError

            raise InputError(_("--format needs -o FILE"))
        header, rows = freq.table(top)
        click.echo("\t".join(header))
        for row in rows:
            click.echo("\t".join(str(v) for v in row))
        return
    used = services.export_words(freq, output, fmt=fmt, top=top)
    n = len(freq.top(top))
    click.echo(
        _("wrote {output} ({used}): {n} rows, {n2} group(s) by {by}").format(
            output=output, used=used, n=n, n2=len(freq.counts), by=by
        )
    )


@cli.command()
@click.argument("term")
@click.option(
    "--width", default=40, show_default=True, type=INT, help="Characters of context each side."
)
@click.option(
    "--lemma", is_flag=True, help="Match on lemmas (tunggu finds menunggu, ditunggu, nungguin)."
)
@click.option("--docs", multiple=True, metavar="DOC[,DOC]", help="Only these documents.")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx"]), help="Output format (default: from -o)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write a CSV or XLSX file (default: print).",
)
@pseudonyms_option
@pass_ctx
def kwic(
    ctx: Context,
    term: str,
    width: int,
    lemma: bool,
    docs: tuple[str, ...],
    fmt: str | None,
    output: Path | None,
    pseudonyms: Path | None,
) -> None:
    """Keyword in context: every occurrence of TERM with its surroundings."""
    from qualcode import services

    names = load_names(pseudonyms)
    with ctx.open() as project:
        lines = services.keyword_in_context(
            project, term, width=width, lemma=lemma, docs=_split(docs), names=names
        )
    if output is None:
        if fmt is not None:
            from qualcode.errors import InputError

            raise InputError(_("--format needs -o FILE"))
        for k in lines:
            click.echo(f"{k.doc}#{k.sentence}\t{k.left:>{width}}[{k.keyword}]{k.right}")
        echo_err(_("{n} occurrence(s) of {text!r}").format(n=len(lines), text=names.text(term)))
        return
    used = services.export_kwic(lines, output, fmt=fmt, term=names.text(term))
    click.echo(
        _("wrote {output} ({used}): {n} occurrence(s) of {text!r}").format(
            output=output, used=used, n=len(lines), text=names.text(term)
        )
    )
