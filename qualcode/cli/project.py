"""Projects, import, and listing documents."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from qualcode.cli._base import Context, cli, echo_err, pass_ctx

# ---------------------------------------------------------------------- projects


@cli.command()
@click.option(
    "--codebook", type=click.Path(path_type=Path), help="A YAML codebook to link to the project."
)
@pass_ctx
def init(ctx: Context, codebook: Path | None) -> None:
    """Create a project (./qualcode.db or --project) and link a codebook."""
    from qualcode import services

    project = services.init_project(ctx.project_location, codebook, coder=ctx.coder)
    try:
        codes = len(project.codebook())
        click.echo(
            f"created {project.where}"
            + (f" with {codes} codes from {codebook}" if codebook else "")
        )
    finally:
        project.close()


@cli.command()
@click.option("--rebuild", is_flag=True, help="Throw the demo project away and build it again.")
@click.option(
    "--no-open", is_flag=True, help="Build it, print where it is, do not open the workbench."
)
def demo(rebuild: bool, no_open: bool) -> None:
    """Build (once) and open the demo project: the shipped codebook and transcripts."""
    from qualcode import services

    def progress(done: int, total: int, what: str) -> None:
        echo_err(f"building the demo project: {done}/{total} {what}")

    db = services.build_demo(rebuild=rebuild, progress=progress)
    if no_open:
        click.echo(str(db))
        return
    from qualcode.tui.app import run

    run(str(db))


# ---------------------------------------------------------------------- import


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--case", metavar="NAME", help="The case these documents belong to.")
@click.option(
    "--lang", type=click.Choice(["id", "en"]), help="Language of the text (default: detected)."
)
@click.option(
    "--strict", is_flag=True, help="All or nothing: any bad file refuses the whole batch."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@pass_ctx
def import_(
    ctx: Context,
    files: Sequence[Path],
    case: str | None,
    lang: str | None,
    strict: bool,
    quiet: bool,
) -> None:
    """Import transcripts (.txt, .md), or REFI-QDA files (.qdc, .qdpx, .qde).

    A file whose text is already in the project is skipped with a notice. With
    several files, a bad one is listed and the others are imported (exit 1).
    REFI-QDA files import codes, sources, codings, memos, cases, variables and
    users into the project (created when missing), with a warning for each
    difference from the standard; --strict refuses them instead.
    """
    from qualcode import services
    from qualcode.importers.refi_qda import is_refi

    refi_files = [f for f in files if is_refi(f)]
    if refi_files:
        from qualcode.cli.refi import import_refi_files

        code = import_refi_files(ctx, refi_files, strict=strict)
        files = [f for f in files if not is_refi(f)]
        if not files or code:
            sys.exit(code)

    with ctx.open() as project:
        bar = _progress_bar(len(files), quiet)
        report = services.import_transcripts(
            project,
            list(files),
            case=case,
            lang=lang,
            strict=strict,
            progress=bar.update if bar else None,
        )
        if bar:
            bar.finish()
        for r in report.results:
            click.echo(r.message)
            for notice in r.notices:
                echo_err(f"notice: {notice}")
        for err in report.errors:
            for line in err.lines():
                echo_err(f"error: {line}")
        if report.errors:
            if len(files) == 1:
                sys.exit(1)
            if strict:
                echo_err(
                    f"nothing imported: {len(report.errors)} of {len(files)} files are bad (--strict)"
                )
            else:
                echo_err(
                    f"{len(report.imported)} imported, {len(report.skipped)} skipped, {len(report.errors)} failed"
                )
            sys.exit(1)


class _ProgressBar:
    """A one-line progress bar on stderr (only on a terminal)."""

    def __init__(self, total: int) -> None:
        self.total = total

    def update(self, done: int, total: int, what: str) -> None:
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {what[:40]:<40}"
        )
        sys.stderr.flush()

    def finish(self) -> None:
        sys.stderr.write("\r" + " " * 80 + "\r")
        sys.stderr.flush()


def _progress_bar(total: int, quiet: bool) -> _ProgressBar | None:
    if quiet or total < 2 or not sys.stderr.isatty():
        return None
    return _ProgressBar(total)


# ---------------------------------------------------------------------- documents


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON list of objects.")
@pass_ctx
def documents(ctx: Context, as_json: bool) -> None:
    """List the documents with their turns, sentences, codings and coded share."""
    with ctx.open() as project:
        docs = project.documents()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "name": d.name,
                        "guid": d.guid,
                        "lang": d.lang,
                        "chars": d.chars,
                        "turns": d.turns,
                        "sentences": d.sentences,
                        "codings": d.codings,
                        "coded_share": round(d.coded_share, 4),
                        "format": d.source_format,
                        "case": d.case,
                    }
                    for d in docs
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    width = max([len(d.name) for d in docs] + [8])
    click.echo(f"{'document':<{width}}  lang  turns  sentences  codings  coded")
    for d in docs:
        click.echo(
            f"{d.name:<{width}}  {d.lang or '-':<4}  {d.turns:>5}  {d.sentences:>9}  {d.codings:>7}  {d.coded_share:>5.0%}"
        )


@cli.command()
@click.argument("doc")
@click.option("--json", "as_json", is_flag=True, help="One JSON list of objects.")
@pass_ctx
def turns(ctx: Context, doc: str, as_json: bool) -> None:
    """List the speaker turns found in DOC, numbered from 1."""
    with ctx.open() as project:
        document = project.document(doc)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "turn": t.number,
                        "speaker": t.speaker,
                        "role": t.role,
                        "start": t.start,
                        "end": t.end,
                        "timestamp_ms": t.timestamp_ms,
                        "text": document.text[t.start : t.end],
                    }
                    for t in document.turns
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for t in document.turns:
        content = document.text[t.start : t.end].replace("\n", " ")
        if len(content) > 70:
            content = content[:69] + "…"
        click.echo(f"{t.number:>4}  {t.speaker or '-':<16.16} {t.role or '-':<11} {content}")


@cli.command()
@click.argument("doc")
@click.option("--json", "as_json", is_flag=True, help="One JSON list of objects.")
@pass_ctx
def sentences(ctx: Context, doc: str, as_json: bool) -> None:
    """List the sentences of DOC, numbered from 1, with their turn."""
    with ctx.open() as project:
        document = project.document(doc)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "sentence": s.number,
                        "turn": s.turn,
                        "start": s.start,
                        "end": s.end,
                        "text": document.text[s.start : s.end],
                    }
                    for s in document.sentences
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for s in document.sentences:
        content = document.text[s.start : s.end].replace("\n", " ")
        click.echo(f"{s.number:>5}  t{s.turn or 0:<4} {content}")


# ---------------------------------------------------------------------- log


@cli.command()
@click.option("-n", "limit", type=int, default=20, show_default=True, help="How many entries.")
@pass_ctx
def log(ctx: Context, limit: int) -> None:
    """Show the newest entries of the action log."""
    with ctx.open() as project:
        for a in project.actions(limit):
            click.echo(
                f"{a['seq']:>6}  {a['at']}  {a['coder']:<12.12}  {a['kind']:<14} {a['summary']}"
            )
