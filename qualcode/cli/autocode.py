"""Auto-coding: run the rules, review the suggestions, evaluate, import codings."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qualcode.cli._base import Context, cli, clip, echo_err, fail, pass_ctx, show
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.core.autocode import CodeScore, Evaluation
    from qualcode.core.model import Progress


def _split(values: Sequence[str]) -> list[str] | None:
    """``--codes a,b --codes c`` -> ``[a, b, c]`` (``None`` when not given)."""
    out = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return out or None


def _progress_printer() -> Progress | None:
    """A progress callback that draws on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        return None

    def progress(done: int, total: int, what: str) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {clip(what, 30):30}"
        )
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return progress


_codes_option = click.option(
    "--codes",
    multiple=True,
    metavar="CODE[,CODE]",
    help="Only these codes and their sub-codes (repeat or separate with commas).",
)
_docs_option = click.option(
    "--docs",
    multiple=True,
    metavar="DOC[,DOC]",
    help="Only these documents (repeat or separate with commas).",
)


@cli.group(invoke_without_command=True)
@_codes_option
@_docs_option
@click.option("--dry-run", is_flag=True, help="Match and report; store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the suggestions as JSON.")
@click.pass_context
def autocode(
    click_ctx: click.Context,
    codes: tuple[str, ...],
    docs: tuple[str, ...],
    dry_run: bool,
    as_json: bool,
) -> None:
    """Suggest codings with the codebook's rules; a coder then reviews them.

    Suggestions are codings with status 'suggested' by coder 'rules', all of one
    run in one batch (one undo step). Accept or reject them with 'qualcode
    suggestions' or in the workbench (key a). A rejected suggestion is never
    suggested again.
    """
    if click_ctx.invoked_subcommand is not None:
        return
    from qualcode import services

    ctx: Context = click_ctx.obj
    with ctx.open() as project:
        report = services.autocode(
            project,
            codes=_split(codes),
            docs=_split(docs),
            dry_run=dry_run,
            progress=_progress_printer(),
        )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "batch": report.batch,
                    "dry_run": dry_run,
                    "documents": report.documents,
                    "suggestions": [
                        {
                            "doc": s.doc,
                            "code": s.code,
                            "start": s.start,
                            "end": s.end,
                            "unit": s.unit,
                            "number": s.number,
                            "evidence": list(s.evidence),
                        }
                        for s in report.suggestions
                    ],
                    "stored": report.stored.created if report.stored else 0,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    counts = report.per_code()
    for code, n in sorted(counts.items()):
        click.echo(f"{code}\t{n}")
    total = len(report.suggestions)
    if dry_run:
        click.echo(
            _("dry run: {total} suggestions in {documents} documents (nothing stored)").format(
                total=total, documents=report.documents
            )
        )
        return
    stored = report.stored
    assert stored is not None
    skipped = []
    if stored.existing:
        skipped.append(_("{existing} already suggested").format(existing=stored.existing))
    if stored.rejected:
        skipped.append(_("{rejected} rejected before").format(rejected=stored.rejected))
    if stored.coded:
        skipped.append(_("{coded} already coded").format(coded=stored.coded))
    click.echo(
        _("{created} new suggestions in {documents} documents").format(
            created=stored.created, documents=report.documents
        )
        + (f" ({', '.join(skipped)})" if skipped else "")
        + (_(", batch {batch}").format(batch=stored.batch) if stored.batch else "")
    )


def _fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def _score_line(s: CodeScore, label: str) -> str:
    return (
        f"{label:<40} {s.gold:>5} {s.predicted:>5} {s.tp:>5} "
        f"{_fmt(s.precision):>6} {_fmt(s.recall):>6} {_fmt(s.f1):>6}"
    )


def _print_evaluation(ev: Evaluation, who: str, examples: bool) -> None:
    click.echo(
        _(
            "rules vs {who}: {documents} documents, {sentences} sentences (unit: sentence; a dimension includes its sub-codes)"
        ).format(who=who, documents=ev.documents, sentences=ev.sentences)
    )
    click.echo(
        f"{'code':<40} {'gold':>5} {'rules':>5} {'both':>5} {'prec':>6} {'recall':>6} {'F1':>6}"
    )
    for s in ev.scores:
        label = ("  " * s.depth + s.code) + ("" if s.has_rules else _(" (no rules)"))
        click.echo(_score_line(s, label))
    click.echo(_score_line(ev.overall, _("all dimensions (micro)")))
    if not examples:
        return
    for s in ev.scores:
        if not s.misses and not s.false_alarms:
            continue
        click.echo(f"\n{s.code}")
        for e in s.misses:
            click.echo(
                _("  missed  {doc}#{sentence}: {text}").format(
                    doc=e.doc, sentence=e.sentence, text=clip(e.text, 90)
                )
            )
        for e in s.false_alarms:
            click.echo(
                _("  extra   {doc}#{sentence}: {text}").format(
                    doc=e.doc, sentence=e.sentence, text=clip(e.text, 90)
                )
            )


@autocode.command("evaluate")
@click.option(
    "--gold",
    type=click.Path(path_type=Path),
    help="A codings file (YAML, JSON, CSV) to compare with, e.g. transcripts/gold/codings.yaml.",
)
@click.option(
    "--coder", "coder_", metavar="NAME", help="Compare with this coder's codings in the project."
)
@_codes_option
@_docs_option
@click.option(
    "--examples", default=3, show_default=True, help="Misses and false alarms shown per code."
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_ctx
def autocode_evaluate(
    ctx: Context,
    gold: Path | None,
    coder_: str | None,
    codes: tuple[str, ...],
    docs: tuple[str, ...],
    examples: int,
    as_json: bool,
) -> None:
    """Precision, recall and F1 of the rules against a coder, per code.

    The reference is a codings file (--gold), a coder's codings (--coder), or,
    with neither, your own codings. The unit is the sentence: a coding covers every sentence it overlaps, and a
    dimension's row counts its sub-codes as the dimension. Only documents the
    reference coder coded are compared (or --docs). Nothing is stored.
    """
    from qualcode import services

    with ctx.open() as project:
        ev, who = services.evaluate_rules(
            project,
            gold=gold,
            # neither given: compare with your own codings
            coder=coder_ if (coder_ or gold) else project.coder,
            codes=_split(codes),
            docs=_split(docs),
            examples=max(examples, 0),
        )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "reference": who,
                    "unit": "sentence",
                    "documents": ev.documents,
                    "sentences": ev.sentences,
                    "codes": [s.to_json() for s in ev.scores],
                    "overall": ev.overall.to_json(),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    _print_evaluation(ev, who, examples > 0)


# ---------------------------------------------------------------------- review


@cli.group(invoke_without_command=True)
@click.option("--doc", help="Only this document.")
@click.option("--code", "code_", metavar="CODE", help="Only this code (and its sub-codes).")
@click.option("--json", "as_json", is_flag=True, help="A JSON list (the codings schema).")
@click.pass_context
def suggestions(
    click_ctx: click.Context, doc: str | None, code_: str | None, as_json: bool
) -> None:
    """List pending auto-code suggestions (or accept / reject them)."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx: Context = click_ctx.obj
    with ctx.open() as project:
        rows = project.suggestions.suggestions(doc=doc, code=code_)
    if as_json:
        click.echo(json.dumps([c.to_json() for c in rows], ensure_ascii=False, indent=2))
        return
    for c in rows:
        click.echo(f"{c.guid}\t{show(c.doc)}\t{c.start}\t{c.end}\t{show(c.code)}\t{clip(c.quote)}")
    echo_err(_("{n} pending suggestion(s)").format(n=len(rows)))


@suggestions.command("accept")
@click.argument("guids", nargs=-1)
@click.option("--code", "code_", metavar="CODE", help="Accept every pending suggestion of CODE.")
@click.option("--doc", help="With --code: only in this document.")
@click.option("--children", is_flag=True, help="With --code: its sub-codes' suggestions too.")
@pass_ctx
def suggestions_accept(
    ctx: Context, guids: tuple[str, ...], code_: str | None, doc: str | None, children: bool
) -> None:
    """Accept suggestions (by guid, or all of --code): they become your codings."""
    from qualcode import services

    if bool(guids) == bool(code_):
        fail(_("name suggestions by guid or pass --code CODE (not both)"))
    with ctx.open() as project:
        if code_:
            done = services.accept_all(project, code_, doc=doc, include_children=children)
        else:
            done = project.suggestions.accept_suggestions(list(guids))
    for c in done:
        click.echo(
            _("accepted {doc} [{start}:{end}] {code}: {quote}").format(
                doc=show(c.doc), start=c.start, end=c.end, code=show(c.code), quote=clip(c.quote)
            )
        )
    if not done:
        echo_err(_("nothing to accept"))


@suggestions.command("reject")
@click.argument("guids", nargs=-1, required=True)
@pass_ctx
def suggestions_reject(ctx: Context, guids: tuple[str, ...]) -> None:
    """Reject suggestions by guid: they are removed and never suggested again."""
    with ctx.open() as project:
        done = project.suggestions.reject_suggestions(list(guids))
    for c in done:
        click.echo(
            _("rejected {doc} [{start}:{end}] {code}: {quote}").format(
                doc=show(c.doc), start=c.start, end=c.end, code=show(c.code), quote=clip(c.quote)
            )
        )


# ---------------------------------------------------------------------- import


@cli.command("import-codings")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--coder", "coder_", metavar="NAME", help="Whose codings (default: the file's 'coder')."
)
@pass_ctx
def import_codings(ctx: Context, file: Path, coder_: str | None) -> None:
    """Import codings (YAML, JSON, CSV) anchored by their quotes, e.g. a gold standard.

    Every quote must occur in its document; a bad entry is reported and nothing
    is imported. Identical codings already there are skipped.
    """
    from qualcode import services

    with ctx.open() as project:
        stored = services.import_codings(project, file, coder=coder_)
    click.echo(
        _("imported {created} codings from {file}").format(created=stored.created, file=file)
        + (
            _(" ({existing} already there)").format(existing=stored.existing)
            if stored.existing
            else ""
        )
    )
