"""Projects, import, and listing documents."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qualcode.cli._base import INT, Context, cli, echo_err, pass_ctx, show
from qualcode.i18n import _, plural

if TYPE_CHECKING:
    from qualcode.core.model import ImportResult
    from qualcode.services import ImportReport

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

    project = services.init_project(ctx.project_location, codebook, coder=ctx.who())
    try:
        codes = len(project.codebook())
        linked = project.get_setting("codebook_path")
        copied = (
            _(" (a copy of the shipped codebook: {linked})").format(linked=linked)
            if linked and codebook is not None and Path(linked) != codebook.resolve()
            else ""
        )
        click.echo(
            _("created {where}").format(where=project.where)
            + (
                _(" with {codes} codes from {codebook}{copied}").format(
                    codes=codes, codebook=codebook, copied=copied
                )
                if codebook
                else ""
            )
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
        echo_err(
            _("building the demo project: {done}/{total} {what}").format(
                done=done, total=total, what=what
            )
        )

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
    "--lang",
    metavar="CODE",
    help="Language of the text, any ISO 639 code (id, en, ms, fr, es, de, nl, pt, jv, ...; "
    "default: detected among id, ms, en, fr, es, de, nl, pt).",
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
@click.option(
    "--sources",
    "sources",
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="REFI-QDA: the folder holding the source files of a bare .qde (looked for in "
    "sources/ and Sources/ beside it first).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Read every file and print its speakers, roles, language and warnings (with "
    "--replace, where the codings would go); write nothing.",
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
    sources: Path | None,
    dry_run: bool,
    as_json: bool,
    quiet: bool,
) -> None:
    """Import transcripts (.txt .md .docx .odt .rtf .pdf .vtt .srt .html), or
    REFI-QDA files (.qdc, .qdpx, .qde).

    A file whose text is already in the project is skipped with a notice. With
    several files, a bad one is listed and the others are imported (exit 1).
    With --replace, a corrected transcript replaces the document of the same name
    and every coding is re-anchored: exact, moved, or needs-review.
    Each document's summary lists every speaker with role and turns, the language,
    and every guess; paragraphs that look like speaker labels but were not taken
    as one are named by line (warning: ...). --dry-run prints the same and writes
    nothing.
    REFI-QDA files import codes, sources, codings, memos, cases, variables and
    users into the project (created when missing), with a warning for each
    difference from the standard; --strict refuses a file only for what the
    REFI-QDA schema or its rules refuse (a file that validates passes).
    """
    from qualcode import services
    from qualcode.importers.refi_qda import is_refi

    refi_files = [f for f in files if is_refi(f)]
    if sources is not None and not refi_files:
        raise click.UsageError(_("--sources is for REFI-QDA files (.qde, .qdpx)"))
    if refi_files and dry_run:
        echo_err(_("error: --dry-run reads transcripts only, not REFI-QDA files"))
        sys.exit(2)
    if refi_files:
        from qualcode.cli.refi import import_refi_files

        code = import_refi_files(
            ctx, refi_files, strict=strict, backup=not no_backup, sources=sources
        )
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
                dry_run=dry_run,
            )
        finally:
            if bar:
                bar.finish()
        if as_json:
            click.echo(json.dumps(_report_json(report), ensure_ascii=False, indent=2))
        else:
            _echo_import_report(report, dry_run)
        _echo_import_messages(report, dry_run)
        if report.errors:
            _exit_on_import_errors(report, len(files), strict=strict, replace=replace)


def _echo_import_report(report: ImportReport, dry_run: bool) -> None:
    """Each document's line and summary, each replaced document, the backup."""
    for r in report.results:
        click.echo(r.message)
        for line in summary_lines(r):
            click.echo(f"  {line}")
    verb = _("would be replaced") if dry_run else "replaced"
    for rep in report.replaced:
        if rep.unchanged:
            click.echo(_("{doc}: the text is unchanged, nothing to do").format(doc=rep.doc))
        else:
            click.echo(
                _(
                    "{doc}: {verb} ({turns} turns, {sentences} sentences); codings: {exact} exact, {moved} moved, {needs_review} needs-review"
                ).format(
                    doc=rep.doc,
                    verb=verb,
                    turns=rep.turns,
                    sentences=rep.sentences,
                    exact=rep.exact,
                    moved=rep.moved,
                    needs_review=rep.needs_review,
                )
            )
    if report.backup is not None:
        echo_err(_("backup: {backup}").format(backup=report.backup))


def _echo_import_messages(report: ImportReport, dry_run: bool) -> None:
    """Notices, warnings and errors, on standard error."""
    for r in report.results:
        for notice in r.notices:
            echo_err(_("notice: {notice}").format(notice=notice))
        for warning in r.warnings:
            echo_err(_("warning: {name}: {warning}").format(name=r.name, warning=warning))
    if dry_run:
        echo_err(_("dry run: nothing was written"))
    for notice in report.notices:
        echo_err(_("notice: {notice}").format(notice=notice))
    for err in report.errors:
        for line in err.lines():
            echo_err(_("error: {line}").format(line=line))


def _exit_on_import_errors(
    report: ImportReport, n_files: int, *, strict: bool, replace: bool
) -> None:
    """Exit 1 after an import with bad files, saying what became of the others."""
    if n_files == 1:
        sys.exit(1)
    if strict:
        echo_err(
            _("nothing imported: {n} of {n2} files are bad (--strict)").format(
                n=len(report.errors), n2=n_files
            )
        )
    elif replace:
        echo_err(
            _("{n} replaced, {n2} failed").format(n=len(report.replaced), n2=len(report.errors))
        )
    else:
        echo_err(
            _("{n} imported, {n2} skipped, {n3} failed").format(
                n=len(report.imported), n2=len(report.skipped), n3=len(report.errors)
            )
        )
    sys.exit(1)


def summary_lines(r: ImportResult) -> list[str]:
    """The lines under an imported document: speakers and roles, language, case."""
    from qualcode.core.lang import name_of
    from qualcode.importers.speakers import describe_speakers

    if r.status == "skipped":
        return []
    lines = [f"speakers: {describe_speakers(r.speakers)}"]
    if r.lang:
        lines.append(
            _("language: {name_of}, {value}").format(
                name_of=name_of(r.lang), value=r.lang_how or "given"
            )
        )
    if r.case and r.attributes:
        lines.append(
            _("front matter -> case {case!r}: {join}").format(
                case=r.case, join=", ".join(r.attributes)
            )
        )
    return lines


def _result_json(r: ImportResult) -> dict[str, object]:
    return {
        "name": r.name,
        "turns": r.turns,
        "sentences": r.sentences,
        "notices": list(r.notices),
        "speakers": [
            {"name": s.name, "role": s.role, "how": s.how, "turns": s.turns, "forms": list(s.forms)}
            for s in r.speakers
        ],
        "lang": r.lang,
        "lang_how": r.lang_how,
        "warnings": list(r.warnings),
        "case": r.case,
        "attributes": list(r.attributes),
    }


def _report_json(report: object) -> dict[str, object]:
    from qualcode.services import ImportReport

    assert isinstance(report, ImportReport)
    return {
        "imported": [_result_json(r) for r in report.imported],
        "would_import": [_result_json(r) for r in report.previewed],
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
        eta = (
            _("{value:4.0f}s left").format(value=(total - done) / rate)
            if rate > 0 and done < total
            else ""
        )
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


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON list of objects.")
@click.pass_context
def documents(click_ctx: click.Context, as_json: bool) -> None:
    """List the documents with their turns, sentences, codings and coded share.

    The subcommands rename, delete and segment documents again.
    """
    if click_ctx.invoked_subcommand is not None:
        return
    ctx = click_ctx.find_object(Context)
    assert ctx is not None
    lite = ctx.open_lite()
    if lite is not None:
        with lite:
            docs = lite.documents()
    else:
        with ctx.open() as project:
            docs = project.documents.documents()
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


@documents.command("rename")
@click.argument("old")
@click.argument("new")
@pass_ctx
def documents_rename(ctx: Context, old: str, new: str) -> None:
    """Rename document OLD to NEW (undo with 'qualcode undo')."""
    from qualcode import services

    with ctx.open() as project:
        services.rename_document(project, old, new)
    click.echo(_("renamed {old!r} to {new!r}").format(old=old, new=new))


@documents.command("delete")
@click.argument("doc")
@click.option(
    "--force", is_flag=True, help="Delete it even though it has codings (they can be undone)."
)
@pass_ctx
def documents_delete(ctx: Context, doc: str, force: bool) -> None:
    """Delete DOC with its turns, sentences, codings and memos.

    Everything removed goes into the action log: 'qualcode undo' brings the document
    back with its codings and memos. A document with codings needs --force.
    """
    from qualcode import services

    with ctx.open() as project:
        gone = services.delete_document(project, doc, force=force)
    what = _("{codings} and {memos}").format(
        codings=plural(gone.codings, "{n} coding", "{n} codings"),
        memos=plural(gone.memos, "{n} memo", "{n} memos"),
    )
    click.echo(
        plural(
            len(gone.cases),
            "deleted {doc!r} with {what}; it was part of case {cases} (kept); "
            "'qualcode undo' restores it",
            "deleted {doc!r} with {what}; it was part of the cases {cases} (kept); "
            "'qualcode undo' restores it",
            doc=doc,
            what=what,
            cases=", ".join(gone.cases),
        )
        if gone.cases
        else _("deleted {doc!r} with {what}; 'qualcode undo' restores it").format(
            doc=doc, what=what
        )
    )


@documents.command("refresh")
@click.argument("docs", nargs=-1, metavar="[DOC]...")
@click.option(
    "--lang",
    metavar="CODE",
    help="Set this language on them (default: keep each document's language).",
)
@click.option("--dry-run", is_flag=True, help="Say what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="One JSON list of objects.")
@pass_ctx
def documents_refresh(
    ctx: Context, docs: Sequence[str], lang: str | None, dry_run: bool, as_json: bool
) -> None:
    """Segment documents again under the current rules (every document by default).

    Each stored text is read again: front matter and Markdown markup leave the
    text, speakers, roles, sentences and lemmas are found again. Every coding is
    kept; when the text changes, codings are re-anchored as 'import --replace'
    does (exact, moved, needs-review). Prints what moved for each document.
    """
    from qualcode import services
    from qualcode.importers.speakers import describe_speakers

    with ctx.open() as project:
        results = services.refresh_documents(project, list(docs), lang=lang, dry_run=dry_run)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "name": r.name,
                        "changed": r.changed,
                        "text_changed": r.text_changed,
                        "removed_chars": r.removed_chars,
                        "turns": [r.turns_before, r.turns],
                        "sentences": [r.sentences_before, r.sentences],
                        "speakers": [
                            {"name": s.name, "role": s.role, "how": s.how, "turns": s.turns}
                            for s in r.speakers
                        ],
                        "codings": (
                            {
                                "exact": r.report.exact,
                                "moved": r.report.moved,
                                "needs_review": r.report.needs_review,
                            }
                            if r.report
                            else None
                        ),
                        "lang": r.lang,
                        "detected": r.detected,
                        "warnings": list(r.warnings),
                        "notices": list(r.notices),
                    }
                    for r in results
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    verb = _("would change") if dry_run else "refreshed"
    for r in results:
        if not r.changed:
            click.echo(_("{name}: unchanged").format(name=r.name))
            continue
        parts = [
            _("turns {turns_before} -> {turns}").format(turns_before=r.turns_before, turns=r.turns),
            _("sentences {sentences_before} -> {sentences}").format(
                sentences_before=r.sentences_before, sentences=r.sentences
            ),
        ]
        if r.text_changed:
            parts.append(
                _("text {removed_chars:,} characters shorter (front matter, markup)").format(
                    removed_chars=r.removed_chars
                )
            )
        if r.report is not None:
            parts.append(
                _("codings: {exact} exact, {moved} moved, {needs_review} needs-review").format(
                    exact=r.report.exact, moved=r.report.moved, needs_review=r.report.needs_review
                )
            )
        click.echo(f"{r.name}: {verb}: " + "; ".join(parts))
        click.echo(
            _("  speakers: {describe_speakers}").format(
                describe_speakers=describe_speakers(r.speakers)
            )
        )
        before = ", ".join(f"{w} ({role or '-'}, {n})" for w, role, n in r.speakers_before)
        click.echo(_("  before:   {value}").format(value=before or "no speakers"))
        if r.detected:
            click.echo(
                _(
                    "  language: kept {lang}; the text now reads as {detected} (set it with --lang {detected})"
                ).format(lang=r.lang, detected=r.detected)
            )
        for notice in r.notices:
            echo_err(_("notice: {name}: {notice}").format(name=r.name, notice=notice))
        for warning in r.warnings:
            echo_err(_("warning: {name}: {warning}").format(name=r.name, warning=warning))
    if dry_run:
        echo_err(_("dry run: nothing was written"))


@cli.command()
@click.argument("doc")
@click.option("--json", "as_json", is_flag=True, help="One JSON list of objects.")
@pass_ctx
def turns(ctx: Context, doc: str, as_json: bool) -> None:
    """List the speaker turns found in DOC, numbered from 1.

    With --json, each turn's "speakers" lists everyone who speaks in it (both
    speakers of a joint turn such as "Gita & Kiki") and "roles" their roles.
    """
    with ctx.open() as project:
        document = project.documents.document(doc)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "turn": t.number,
                        "speaker": t.speaker,
                        "role": t.role,
                        "speakers": list(t.speakers),
                        "roles": list(t.roles),
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
        document = project.documents.document(doc)
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
        for a in project.log.actions(limit):
            click.echo(
                f"{a['seq']:>6}  {a['at']}  {show(a['coder']):<12.12}  {a['kind']:<14} "
                f"{show(a['summary'])}"
            )
