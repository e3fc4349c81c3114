"""Supervisor review from the command line: verdicts, threads, queues, and the offline
XLSX round trip (``review apply``)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from qualcode.cli._base import INT, Context, cli, clip, echo_err, pass_ctx, show
from qualcode.i18n import _


@cli.group()
def review() -> None:
    """Approve or dispute codings, answer disputes, and apply a reviewed XLSX.

    The reviewer is the --coder name (or the settings' coder).
    """


@review.command("apply")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--overwrite",
    is_flag=True,
    help="Apply rows whose coding was reviewed again after the export too (the sheet's "
    "verdict wins), and a sheet exported without review states.",
)
@click.option("--dry-run", is_flag=True, help="Print what would change; change nothing.")
@pass_ctx
def review_apply(ctx: Context, file: Path, overwrite: bool, dry_run: bool) -> None:
    """Merge a supervisor's XLSX quote sheet (review and comment columns) back in.

    The sheet is merged, not replayed: only rows the supervisor changed since the
    export act (the workbook's hidden sheet keeps what each row showed). A coding
    reviewed again after the export is a conflict, reported with both verdicts and
    who made them, and keeps the project's verdict (--overwrite applies the
    sheet's). Applying a sheet twice changes nothing. Rows naming a code by an alias
    or a renamed label match. A sheet without recorded states (an earlier qualcode's)
    is refused unless --overwrite. Prints applied N, unchanged N, conflicts N,
    unmatched N; exit status 1 when conflicts or unmatched rows are more than 0.
    """
    from qualcode import services

    with ctx.open() as project:
        result = services.apply_review_file(
            project, file, reviewer=ctx.coder, overwrite=overwrite, dry_run=dry_run
        )
    a = result.applied
    if dry_run:
        for line in a.applied:
            click.echo(_("would apply: {line}").format(line=line))
    for line in (*result.problems, *a.unmatched):
        echo_err(_("error: {line}").format(line=line))
    for line in a.conflicts:
        echo_err(_("conflict: {line}").format(line=line))
    click.echo(f"{file}: {result.summary()}")
    if result.failed:
        raise SystemExit(1)


def _verdict(ctx: Context, guid: str, verdict: str, comment: str) -> None:
    with ctx.open() as project:
        coding = project.review.review_coding(guid, verdict, comment, reviewer=ctx.coder)
    click.echo(
        _("{guid} {review} by {reviewer}: {code} “{quote}”").format(
            guid=coding.guid,
            review=coding.review,
            reviewer=coding.reviewer,
            code=coding.code,
            quote=clip(coding.quote, 50),
        )
    )


@review.command("approve")
@click.argument("guid")
@click.option("--comment", "-m", default="", help="Why.")
@pass_ctx
def review_approve(ctx: Context, guid: str, comment: str) -> None:
    """Approve one coding."""
    _verdict(ctx, guid, "approved", comment)


@review.command("dispute")
@click.argument("guid")
@click.option("--comment", "-m", required=True, help="What is wrong (the researcher sees it).")
@pass_ctx
def review_dispute(ctx: Context, guid: str, comment: str) -> None:
    """Dispute one coding, with a comment."""
    _verdict(ctx, guid, "disputed", comment)


@review.command("reset")
@click.argument("guid")
@click.option("--comment", "-m", default="", help="Why.")
@pass_ctx
def review_reset(ctx: Context, guid: str, comment: str) -> None:
    """Withdraw a verdict (back to unreviewed)."""
    _verdict(ctx, guid, "unreviewed", comment)


@review.command("reply")
@click.argument("guid")
@click.argument("text")
@pass_ctx
def review_reply(ctx: Context, guid: str, text: str) -> None:
    """Answer a dispute (the coding goes back to the reviewer's queue)."""
    with ctx.open() as project:
        entry = project.review.reply_review(guid, text, author=ctx.coder)
    click.echo(_("{guid}: reply by {author}").format(guid=guid, author=show(entry.author)))


@review.command("revise")
@click.argument("guid")
@click.option("--start", type=INT, help="New start offset.")
@click.option("--end", type=INT, help="New end offset.")
@click.option("--code", "code", metavar="ID", help="New code.")
@click.option("--comment", "-m", default="", help="What was changed and why.")
@pass_ctx
def review_revise(
    ctx: Context, guid: str, start: int | None, end: int | None, code: str | None, comment: str
) -> None:
    """Change a disputed coding's span or code; it goes back to the reviewer."""
    with ctx.open() as project:
        coding = project.review.revise_coding(
            guid, start=start, end=end, code=code, comment=comment, author=ctx.coder
        )
    click.echo(
        _("{guid}: now {code} [{start}:{end}] “{quote}”, {review}").format(
            guid=guid,
            code=coding.code,
            start=coding.start,
            end=coding.end,
            quote=clip(coding.quote, 50),
            review=coding.review,
        )
    )


@review.command("queue")
@click.option(
    "--awaiting",
    "queue",
    flag_value="awaiting",
    help="Answered disputes, back with the reviewer.",
)
@click.option(
    "--disputed", "queue", flag_value="disputed", default=True, help="Disputed codings (default)."
)
@click.option("--json", "as_json", is_flag=True, help="A JSON list.")
@pass_ctx
def review_queue(ctx: Context, queue: str, as_json: bool) -> None:
    """Codings waiting for the researcher (disputed) or the reviewer (--awaiting)."""
    with ctx.open() as project:
        items = project.review.review_queue(queue)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        **item.coding.to_json(),
                        "reviewer": item.coding.reviewer,
                        "reviewed_at": item.coding.reviewed_at,
                        "thread": [
                            {"author": t.author, "at": t.at, "kind": t.kind, "text": t.text}
                            for t in item.thread
                        ],
                    }
                    for item in items
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not items:
        click.echo(_("no {queue} codings").format(queue=queue))
        return
    for item in items:
        c = item.coding
        click.echo(
            f"{c.guid}  {show(c.doc)} [{c.start}:{c.end}] {show(c.code)}  “{clip(c.quote, 50)}”"
        )
        for t in item.thread:
            click.echo(f"    {t.at} {show(t.author)} {show(t.kind)}: {show(t.text)}")


@review.command("thread")
@click.argument("guid")
@pass_ctx
def review_thread(ctx: Context, guid: str) -> None:
    """Every verdict, comment, reply and revision on one coding."""
    with ctx.open() as project:
        coding = project.review.coding_by_guid(guid)
        thread = project.review.review_thread(guid)
    click.echo(f"{coding.guid} {show(coding.code)} {coding.review}: “{clip(coding.quote, 60)}”")
    for t in thread:
        click.echo(f"  {t.at} {show(t.author)} {show(t.kind)}: {show(t.text)}")
