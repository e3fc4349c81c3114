"""Coding passages from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from qualcode.cli._base import INT, Context, cli, clip, fail, pass_ctx, show
from qualcode.i18n import _

# ---------------------------------------------------------------------- coding


def _selector_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for decorator in reversed(
        [
            click.option("--start", type=INT, help="First character (0-based)."),
            click.option("--end", type=INT, help="End character (exclusive)."),
            click.option("--sentence", type=INT, help="Sentence number (from 1)."),
            click.option("--turn", type=INT, help="Turn number (from 1)."),
            click.option("--match", metavar="TEXT", help="Exact text in the document."),
            click.option("--nth", type=INT, help="With --match: the K-th occurrence (from 1)."),
            click.option(
                "--all", "all_matches", is_flag=True, help="With --match: every occurrence."
            ),
        ]
    ):
        fn = decorator(fn)
    return fn


@cli.command()
@click.argument("doc")
@click.argument("code")
@_selector_options
@click.option(
    "--memo", help="A memo on the coding (on an identical coding already there: its memo)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the coding(s) as JSON.")
@pass_ctx
def code(
    ctx: Context,
    doc: str,
    code: str,
    start: int | None,
    end: int | None,
    sentence: int | None,
    turn: int | None,
    match: str | None,
    nth: int | None,
    all_matches: bool,
    memo: str | None,
    as_json: bool,
) -> None:
    """Code a passage of DOC with CODE (an id or alias)."""
    from qualcode import services

    with ctx.open() as project:
        spans = services.resolve_span(
            project,
            doc,
            start=start,
            end=end,
            sentence=sentence,
            turn=turn,
            match=match,
            nth=nth,
            all_matches=all_matches,
        )
        out = []
        for s, e in spans:
            coding, created = project.codings.apply_coding(doc, code, s, e, memo=memo)
            out.append(coding)
            if not as_json:
                verb = "coded" if created else _("already coded")
                note = _("; memo set") if memo and not created else ""
                click.echo(
                    f"{verb} {coding.doc} [{coding.start}:{coding.end}] {coding.code}: "
                    f"{clip(coding.quote)}{note}"
                )
        if as_json:
            click.echo(json.dumps([c.to_json() for c in out], ensure_ascii=False, indent=2))


@cli.command()
@click.argument("doc")
@click.argument("code", required=False)
@_selector_options
@click.option(
    "--overlapping",
    is_flag=True,
    help="Remove every coding that overlaps the passage, not only exact ones.",
)
@pass_ctx
def uncode(
    ctx: Context,
    doc: str,
    code: str | None,
    start: int | None,
    end: int | None,
    sentence: int | None,
    turn: int | None,
    match: str | None,
    nth: int | None,
    all_matches: bool,
    overlapping: bool,
) -> None:
    """Remove your codings of a passage of DOC (of CODE only, when given)."""
    from qualcode import services

    with ctx.open() as project:
        spans = services.resolve_span(
            project,
            doc,
            start=start,
            end=end,
            sentence=sentence,
            turn=turn,
            match=match,
            nth=nth,
            all_matches=all_matches,
        )
        removed = []
        for s, e in spans:
            removed += project.codings.remove_codings(doc, s, e, code=code, exact=not overlapping)
        if not removed:
            fail(
                _("no coding of yours to remove in {doc!r} at ").format(doc=doc)
                + ", ".join(f"[{s}:{e}]" for s, e in spans)
            )
        for c in removed:
            click.echo(
                _("removed {doc} [{start}:{end}] {code}").format(
                    doc=show(c.doc), start=c.start, end=c.end, code=show(c.code)
                )
            )


@cli.command()
@click.option("--doc", help="Only this document.")
@click.option("--code", "code_", metavar="CODE", help="Only this code.")
@click.option("--coder", "coder_", metavar="NAME", help="Only this coder.")
@click.option("--children", is_flag=True, help="With --code: include its sub-codes.")
@click.option("--suggested", is_flag=True, help="Include auto-code suggestions.")
@click.option("--json", "as_json", is_flag=True, help="A JSON list (schema in docs/cli.md).")
@pass_ctx
def codings(
    ctx: Context,
    doc: str | None,
    code_: str | None,
    coder_: str | None,
    children: bool,
    suggested: bool,
    as_json: bool,
) -> None:
    """List codings, in document and text order."""
    with ctx.open() as project:
        rows = project.codings.codings(
            doc=doc,
            code=code_,
            coder=coder_,
            status=None if suggested else "accepted",
            include_children=children,
        )
    if as_json:
        click.echo(json.dumps([c.to_json() for c in rows], ensure_ascii=False, indent=2))
        return
    for c in rows:
        click.echo(
            f"{show(c.doc)}\t{c.start}\t{c.end}\t{show(c.code)}\t{show(c.coder)}\t{clip(c.quote)}"
        )
