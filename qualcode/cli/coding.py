"""Coding passages from the command line."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from qualcode.cli._base import INT, Context, cli, clip, fail, pass_ctx, show
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.core.model import Coding

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
    selectors: dict[str, Any] = {
        "start": start,
        "end": end,
        "sentence": sentence,
        "turn": turn,
        "match": match,
        "nth": nth,
        "all_matches": all_matches,
    }
    out: list[Coding] = []
    spans: list[tuple[int, int]] | None = None
    # the light path (sqlite3 alone) first; whatever it leaves, the ordinary one does
    light = ctx.open_lite_write()
    if light is not None:
        with light:
            spans = light.resolve_span(doc, **selectors)
            for s, e in spans or ():
                made = light.code_passage(doc, code, s, e, memo=memo)
                if made is None:
                    break
                out.append(made[0])
                if not as_json:
                    _say_coded(*made, memo)
    if spans is None or len(out) < len(spans):
        from qualcode import services

        with ctx.open() as project:
            if spans is None:
                spans = services.resolve_span(project, doc, **selectors)
            for s, e in spans[len(out) :]:
                coding, created = project.codings.apply_coding(doc, code, s, e, memo=memo)
                out.append(coding)
                if not as_json:
                    _say_coded(coding, created, memo)
    if as_json:
        click.echo(json.dumps([c.to_json() for c in out], ensure_ascii=False, indent=2))


def _say_coded(coding: Coding, created: bool, memo: str | None) -> None:
    if created:
        line = _("coded {doc} [{start}:{end}] {code}: {quote}")
    elif memo:
        line = _("already coded {doc} [{start}:{end}] {code}: {quote}; memo set")
    else:
        line = _("already coded {doc} [{start}:{end}] {code}: {quote}")
    click.echo(
        line.format(
            doc=coding.doc,
            start=coding.start,
            end=coding.end,
            code=coding.code,
            quote=clip(coding.quote),
        )
    )


@cli.command("in-vivo")
@click.argument("doc")
@click.option("--start", type=INT, help="First character (0-based).")
@click.option("--end", type=INT, help="End character (exclusive).")
@click.option("--sentence", type=INT, help="Sentence number (from 1).")
@click.option("--turn", type=INT, help="Turn number (from 1).")
@click.option("--match", metavar="TEXT", help="Exact text in the document.")
@click.option("--nth", type=INT, help="With --match: the K-th occurrence (from 1).")
@click.option("--json", "as_json", is_flag=True, help="Print the code and the coding as JSON.")
@pass_ctx
def in_vivo(
    ctx: Context,
    doc: str,
    start: int | None,
    end: int | None,
    sentence: int | None,
    turn: int | None,
    match: str | None,
    nth: int | None,
    as_json: bool,
) -> None:
    """Code a passage of DOC with a new code named by the participant's own words
    (id invivo.<words>, as the workbench's in-vivo key does); the code and the coding
    are one undo step, and the codebook file is written back."""
    from qualcode import services
    from qualcode.cli._base import echo_err

    with ctx.open() as project:
        ((s, e),) = services.resolve_span(
            project, doc, start=start, end=end, sentence=sentence, turn=turn, match=match, nth=nth
        )
        made = services.create_in_vivo(project, doc, s, e)
    if made.not_written is not None:
        echo_err(
            _(
                "warning: {what} is saved in the project, but the codebook file was not updated: {exc}"
            ).format(what=made.code.id, exc=made.not_written)
        )
    if as_json:
        out = {
            "code": {"id": made.code.id, "label": made.code.label},
            "coding": made.coding.to_json(),
        }
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    click.echo(
        _("coded {doc} [{start}:{end}] with the new code {code} “{label}”").format(
            doc=made.coding.doc, start=s, end=e, code=made.code.id, label=made.code.label
        )
        + (_(" (written to {written})").format(written=made.written) if made.written else "")
    )


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
    status = None if suggested else "accepted"
    lite = None if children else ctx.open_lite()
    if lite is not None:
        with lite:
            rows = lite.codings(doc=doc, code=code_, coder=coder_, status=status)
    else:
        with ctx.open() as project:
            rows = project.codings.codings(
                doc=doc, code=code_, coder=coder_, status=status, include_children=children
            )
    if as_json:
        click.echo(json.dumps([c.to_json() for c in rows], ensure_ascii=False, indent=2))
        return
    for c in rows:
        click.echo(
            f"{show(c.doc)}\t{c.start}\t{c.end}\t{show(c.code)}\t{show(c.coder)}\t{clip(c.quote)}"
        )
