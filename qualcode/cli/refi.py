"""REFI-QDA exchange on the command line: ``export qdpx`` and the REFI part of ``import``.

``codebook export --format qdc`` lives with the codebook commands; ``import`` hands
``.qdc`` / ``.qdpx`` / ``.qde`` files to :func:`import_refi_files`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qualcode.cli._base import (
    Context,
    echo_err,
    load_names,
    pass_ctx,
    pseudonyms_option,
    report_upgrade,
)
from qualcode.cli.export import export
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.services.refi_import import RefiFileResult
    from qualcode.store import Project


@export.command("qdpx")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="The .qdpx file to write.",
)
@pseudonyms_option
@pass_ctx
def export_qdpx(ctx: Context, output: Path, pseudonyms: Path | None) -> None:
    """The whole project as a REFI-QDA .qdpx (NVivo, ATLAS.ti, MAXQDA, QualCoder...).

    Users, the code tree, sources (UTF-8 text), every coding with its coder, memos,
    cases and their variables. GUIDs are the project's own, so every export agrees.
    With --pseudonyms every name is replaced, in the sources' texts too, and every
    selection is recomputed for the changed text.
    """
    from qualcode import services

    names = load_names(pseudonyms)
    with ctx.open() as project:
        summary = services.export_qdpx(project, output, pseudonyms=names.names)
    click.echo(summary.line())


def import_refi_files(
    ctx: Context,
    files: Sequence[Path],
    *,
    strict: bool,
    backup: bool = True,
    sources: Path | None = None,
) -> int:
    """Import REFI-QDA files into the project (created when missing); returns the exit code.

    Every file is read and checked before the project is touched; under ``strict``
    one bad or non-standard file refuses them all. The lifecycle (creating the
    project, backups, removing a project the import created when nothing came in)
    is :func:`qualcode.services.import_refi_project`; this prints what it did.
    """
    from qualcode import services
    from qualcode.core.history import CLI_WINDOW

    reads = services.read_refi_files(files, strict=strict, sources=sources)
    for _path, lines in reads.refused:
        for line in lines:
            echo_err(_("error: {line}").format(line=line))
    if reads.nothing_to_import:
        if len(files) > 1:
            echo_err(
                _("nothing imported: {bad} of {n} files refused").format(
                    bad=len(reads.refused), n=len(files)
                )
            )
        return 1
    where: list[str] = []

    def opened(project: Project) -> None:
        report_upgrade(project)
        where.append(str(project.path or project.location))

    run = services.import_refi_project(
        ctx.project_location,
        reads,
        coder=ctx.who(),
        window=CLI_WINDOW,
        backup=backup,
        on_open=opened,
        on_file=lambda result: _print_file(result, where[0]),
    )
    if run.created is not None:
        echo_err(_("notice: created the project {db}").format(db=run.created))
    return 1 if run.refused else 0


def _print_file(result: RefiFileResult, where: str) -> None:
    """What one file's import did (as it finishes)."""
    report, path = result.report, result.path
    if report is None:
        for line in result.errors:
            echo_err(_("error: {line}").format(line=line))
        return
    if report.backup is not None:
        echo_err(_("backup: {backup}").format(backup=report.backup))
    for problem in report.warnings:
        echo_err(_("warning: {format}").format(format=problem.format()))
    for note in report.notes:
        echo_err(_("notice: {path}: {note}").format(path=path, note=note))
    click.echo(_("imported {path} into {value}").format(path=path, value=where))
    for line in report.lines():
        click.echo(f"  {line}")
    if report.codebook_file:
        click.echo(
            _("  codebook file updated: {codebook_file}").format(codebook_file=report.codebook_file)
        )
    if not report.changed:
        echo_err(
            _(
                "notice: {path}: everything in it is already in the project; nothing changed (no backup kept)"
            ).format(path=path)
        )
