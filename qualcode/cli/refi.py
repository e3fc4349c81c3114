"""REFI-QDA exchange on the command line: ``export qdpx`` and the REFI part of ``import``.

``codebook export --format qdc`` lives with the codebook commands; ``import`` hands
``.qdc`` / ``.qdpx`` / ``.qde`` files to :func:`import_refi_files`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

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
from qualcode.errors import QualcodeError
from qualcode.i18n import _


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
    one bad or non-standard file refuses them all.
    """
    from qualcode import services
    from qualcode.store import open_project
    from qualcode.store.engine import resolve_location, sqlite_path

    reads = []
    bad = 0
    for path in files:
        try:
            reads.append((path, services.read_refi_file(path, strict=strict, sources=sources)))
        except QualcodeError as exc:
            bad += 1
            for line in exc.lines():
                echo_err(_("error: {line}").format(line=line))
    if bad and (strict or not reads):
        if len(files) > 1:
            echo_err(
                _("nothing imported: {bad} of {n} files refused").format(bad=bad, n=len(files))
            )
        return 1
    url = resolve_location(ctx.project_location)
    db = sqlite_path(url)
    created = db is not None and not db.exists()
    from qualcode.core.history import CLI_WINDOW

    project = open_project(ctx.project_location, create=created, coder=ctx.who(), window=CLI_WINDOW)
    report_upgrade(project)
    imported = 0
    try:
        for path, read in reads:
            try:
                report = services.import_refi(
                    project, path, read=read, backup=backup and not created
                )
            except QualcodeError as exc:
                bad += 1
                for line in exc.lines():
                    echo_err(_("error: {line}").format(line=line))
                continue
            imported += 1
            if report.backup is not None:
                echo_err(_("backup: {backup}").format(backup=report.backup))
            for problem in report.warnings:
                echo_err(_("warning: {format}").format(format=problem.format()))
            for note in report.notes:
                echo_err(_("notice: {path}: {note}").format(path=path, note=note))
            click.echo(
                _("imported {path} into {value}").format(
                    path=path, value=project.path or project.location
                )
            )
            for line in report.lines():
                click.echo(f"  {line}")
            if report.codebook_file:
                click.echo(
                    _("  codebook file updated: {codebook_file}").format(
                        codebook_file=report.codebook_file
                    )
                )
            if not report.changed:
                echo_err(
                    _(
                        "notice: {path}: everything in it is already in the project; nothing changed (no backup kept)"
                    ).format(path=path)
                )
    finally:
        project.close()
        if created and not imported and db is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
    if created and imported:
        echo_err(_("notice: created the project {db}").format(db=db))
    return 1 if bad else 0
