"""``qualcode map``: the thematic map as SVG, DOT or GraphML, now or as it stood."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli._base import Context, cli, pass_ctx
from qualcode.i18n import _, plural


@cli.command("map")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    metavar="FILE",
    required=True,
    help="Write the map to FILE: .svg (a self-contained drawing), .dot (Graphviz) or "
    ".graphml (Gephi, yEd, Cytoscape).",
)
@click.option(
    "--themes",
    metavar="T1,T2",
    help="Only these themes (ids or labels, comma-separated) and their sub-themes.",
)
@click.option(
    "--at",
    "at",
    metavar="DATE",
    help="The map as it stood then (2024-05-31 = the end of that day, or "
    "2024-05-31T14:30; UTC unless a zone is given), rebuilt from the action log.",
)
@click.option(
    "--label-lang", metavar="LANG", help="Label language (default: the codebook's first)."
)
@pass_ctx
def map_command(
    ctx: Context,
    output: Path,
    themes: str | None,
    at: str | None,
    label_lang: str | None,
) -> None:
    """The thematic map: themes, sub-themes, their codes and the relations, laid out
    with no other program (node size by passages, colours from the codebook)."""
    from qualcode.services.thematic_map import map_format, write_map

    map_format(output)  # a bad suffix is refused before the project is opened
    names = [t for t in themes.split(",")] if themes is not None else None
    with ctx.open() as project:
        lang = label_lang
        if lang is None:
            languages = project.codebook().languages
            lang = languages[0] if languages else None
        state, laid = write_map(project, output, themes=names, at=at, lang=lang)
    themes_n = sum(1 for p in laid.placed if p.node.kind == "theme")
    codes_n = sum(1 for p in laid.placed if p.node.kind == "code")
    relations_n = sum(1 for e in laid.data.edges if e.kind == "relation")
    click.echo(
        _("wrote {path}: {themes}, {codes}, {relations}").format(
            path=output,
            themes=plural(themes_n, "{n} theme", "{n} themes"),
            codes=plural(codes_n, "{n} code", "{n} codes"),
            relations=plural(relations_n, "{n} relation", "{n} relations"),
        ),
        err=True,
    )
    if state.at is not None:
        click.echo(
            _("as it stood at {time}, rebuilt from {actions} of the action log").format(
                time=state.at,
                actions=plural(state.actions, "{n} action", "{n} actions"),
            ),
            err=True,
        )
        if state.unlogged:
            click.echo(
                _(
                    "note: {rows} came in by a merge or a REFI-QDA import, which logs no "
                    "row changes; they are dated by when they were made"
                ).format(rows=plural(state.unlogged, "{n} row", "{n} rows")),
                err=True,
            )
    if themes_n == 0:
        click.echo(_("note: the map has no themes yet: 'qualcode theme add' makes one"), err=True)
