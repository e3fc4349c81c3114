"""Projects, import, and listing documents."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from qualcode.cli._base import INT, Context, cli, echo_err, pass_ctx, show

# ---------------------------------------------------------------------- projects


@cli.command()
@click.option(
    "--codebook",
    type=click.Path(path_type=Path),
    help="A YAML codebook to link to the project, or the name of a shipped one "
    "(kepmenpan-63; copied beside the project).",
)
@pass_ctx
def init(ctx: Context, codebook: Path | None) -> None:
    """Create a project (./qualcode.db or --project) and link a codebook."""
    from qualcode import services

    project = services.init_project(ctx.project_location, codebook, coder=ctx.coder)
    try:
        codes = len(project.codebook())
        linked = project.get_setting("codebook_path")
        copied = (
            f" (a copy of the shipped codebook: {linked})"
            if linked and codebook is not None and Path(linked) != codebook.resolve()
            else ""
        )
        click.echo(
            f"created {project.where}"
            + (f" with {codes} codes from {codebook}{copied}" if codebook else "")
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
    "--case-pattern",
    metavar="REGEX",
    help="Name each document's case from its file name: the first group (or whole match) "
    "of REGEX, e.g. 'wawancara_(\\d+)'.",
)
@click.option(
    "--case-per-speaker",
    is_flag=True,
    help="Focus groups: every speaker who is not the interviewer is a case.",
)
@click.option(
    "--lang", type=click.Choice(["id", "en"]), help="Language of the text (default: detected)."
)
@click.option(
    "--encoding",
    metavar="NAME",
    help="Decode text files with this encoding (default: UTF-8, else detected and reported).",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Each file replaces the document of the same name; codings are re-anchored. "
    "The project is backed up into backups/ first.",
)
@click.option(
    "--interviewer-label",
    "interviewer_labels",
    multiple=True,
    metavar="LABEL",
    help="A speaker label that is the interviewer (saved in the project's speaker setting).",
)
@click.option(
    "--participant-label",
    "participant_labels",
    multiple=True,
    metavar="LABEL",
    help="A speaker label that is a participant (saved in the project's speaker setting).",
)
@click.option(
    "--strict", is_flag=True, help="All or nothing: any bad file refuses the whole batch."
)
@click.option(
    "--no-backup",
    is_flag=True,
    help="No copy into backups/ before --replace or a REFI-QDA import into the project.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object with every outcome.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@pass_ctx
def import_(
    ctx: Context,
    files: Sequence[Path],
    case: str | None,
    case_pattern: str | None,
    case_per_speaker: bool,
    lang: str | None,
    encoding: str | None,
    replace: bool,
    interviewer_labels: Sequence[str],
    participant_labels: Sequence[str],
    strict: bool,
    no_backup: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Import transcripts (.txt .md .docx .odt .rtf .pdf .vtt .srt .html), or
    REFI-QDA files (.qdc, .qdpx, .qde).

    A file whose text is already in the project is skipped with a notice. With
    several files, a bad one is listed and the others are imported (exit 1).
    With --replace, a corrected transcript replaces the document of the same name
    and every coding is re-anchored: exact, moved, or needs-review.
    REFI-QDA files import codes, sources, codings, memos, cases, variables and
    users into the project (created when missing), with a warning for each
    difference from the standard; --strict refuses them instead.
    """
    from qualcode import services
    from qualcode.importers.refi_qda import is_refi

    refi_files = [f for f in files if is_refi(f)]
    if refi_files:
        from qualcode.cli.refi import import_refi_files

        code = import_refi_files(ctx, refi_files, strict=strict, backup=not no_backup)
        files = [f for f in files if not is_refi(f)]
        if not files or code:
            sys.exit(code)

    with ctx.open() as project:
        bar = _progress_bar(len(files), quiet or as_json)
        try:
            report = services.import_transcripts(
                project,
                list(files),
                case=case,
                case_pattern=case_pattern,
                case_per_speaker=case_per_speaker,
                lang=lang,
                encoding=encoding,
                strict=strict,
                replace=replace,
                backup=not no_backup,
                interviewer_labels=interviewer_labels,
                participant_labels=participant_labels,
                progress=bar.update if bar else None,
            )
        finally:
            if bar:
                bar.finish()
        if as_json:
            click.echo(json.dumps(_report_json(report), ensure_ascii=False, indent=2))
        else:
            for r in report.results:
                click.echo(r.message)
            for rep in report.replaced:
                if rep.unchanged:
                    click.echo(f"{rep.doc}: the text is unchanged, nothing to do")
                else:
                    click.echo(
                        f"{rep.doc}: replaced ({rep.turns} turns, {rep.sentences} sentences); "
                        f"codings: {rep.exact} exact, {rep.moved} moved, "
                        f"{rep.needs_review} needs-review"
                    )
            if report.backup is not None:
                echo_err(f"backup: {report.backup}")
        for r in report.results:
            for notice in r.notices:
                echo_err(f"notice: {notice}")
        for notice in report.notices:
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
            elif replace:
                echo_err(f"{len(report.replaced)} replaced, {len(report.errors)} failed")
            else:
                echo_err(
                    f"{len(report.imported)} imported, {len(report.skipped)} skipped, {len(report.errors)} failed"
                )
            sys.exit(1)


def _report_json(report: object) -> dict[str, object]:
    from qualcode.services import ImportReport

    assert isinstance(report, ImportReport)
    return {
        "imported": [
            {"name": r.name, "turns": r.turns, "sentences": r.sentences, "notices": list(r.notices)}
            for r in report.imported
        ],
        "skipped": [{"name": r.name, "message": r.message} for r in report.skipped],
        "replaced": [
            {
                "name": r.doc,
                "unchanged": r.unchanged,
                "exact": r.exact,
                "moved": r.moved,
                "needs_review": r.needs_review,
                "turns": r.turns,
                "sentences": r.sentences,
            }
            for r in report.replaced
        ],
        "backup": str(report.backup) if report.backup else None,
        "errors": [line for e in report.errors for line in e.lines()],
        "notices": list(report.notices),
    }


class _ProgressBar:
    """A one-line progress bar on stderr (only on a terminal): done/total, rate, ETA."""

    def __init__(self, total: int) -> None:
        import time

        self.total = total
        self.started = time.monotonic()

    def update(self, done: int, total: int, what: str) -> None:
        import time

        width = 30
        filled = int(width * done / max(total, 1))
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = f"{(total - done) / rate:4.0f}s left" if rate > 0 and done < total else ""
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {rate:5.1f}/s "
            f"{eta:>10} {what[:30]:<30}"
        )
        sys.stderr.flush()

    def finish(self) -> None:
        sys.stderr.write("\r" + " " * 100 + "\r")
        sys.stderr.flush()


def _progress_bar(total: int, quiet: bool) -> _ProgressBar | None:
    """A bar for a batch of files on a terminal; ``QUALCODE_PROGRESS=1`` forces it
    (scripts, tests), ``--quiet`` hides it."""
    import os

    forced = os.environ.get("QUALCODE_PROGRESS") == "1"
    if quiet or total < 2 or not (forced or sys.stderr.isatty()):
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
    width = max([len(show(d.name)) for d in docs] + [8])
    click.echo(f"{'document':<{width}}  lang  turns  sentences  codings  coded")
    for d in docs:
        click.echo(
            f"{show(d.name):<{width}}  {d.lang or '-':<4}  {d.turns:>5}  {d.sentences:>9}  {d.codings:>7}  {d.coded_share:>5.0%}"
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
        click.echo(f"{t.number:>4}  {show(t.speaker or '-'):<16.16} {t.role or '-':<11} {content}")


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
@click.option("-n", "limit", type=INT, default=20, show_default=True, help="How many entries.")
@pass_ctx
def log(ctx: Context, limit: int) -> None:
    """Show the newest entries of the action log."""
    with ctx.open() as project:
        for a in project.actions(limit):
            click.echo(
                f"{a['seq']:>6}  {a['at']}  {show(a['coder']):<12.12}  {a['kind']:<14} "
                f"{show(a['summary'])}"
            )
