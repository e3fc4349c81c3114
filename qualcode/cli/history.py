"""Undo and redo from the command line (the same history as the workbench)."""

from __future__ import annotations

import click

from qualcode.cli._base import INT, Context, cli, echo_err, pass_ctx
from qualcode.i18n import _

# ---------------------------------------------------------------------- history

_ANY = click.option(
    "--any",
    "anywhere",
    is_flag=True,
    help="Your newest action made anywhere (a workbench window too), not only on the command line.",
)


@cli.command()
@click.option("-n", "steps", type=INT, default=1, show_default=True, help="How many steps.")
@_ANY
@pass_ctx
def undo(ctx: Context, steps: int, anywhere: bool) -> None:
    """Undo your newest action made on the command line (a batch is one step).

    A batch (an import of transcripts, an auto-code run, an import of codings, an
    attributes import, a review sheet, a codebook merge, move or rename) is one
    action of the person who ran it, whatever coder its rows carry. A workbench window undoes its own actions with u;
    --any takes your newest action wherever it was made. A project merge (or a
    re-import) ends the history: its backup is its undo. A step whose rows were
    changed since by someone else is refused, and nothing is written.
    """
    _run(ctx, "undo", steps, anywhere)


@cli.command()
@click.option("-n", "steps", type=INT, default=1, show_default=True, help="How many steps.")
@_ANY
@pass_ctx
def redo(ctx: Context, steps: int, anywhere: bool) -> None:
    """Redo your newest undone action (a new action clears what can be redone)."""
    _run(ctx, "redo", steps, anywhere)


def _run(ctx: Context, action: str, steps: int, anywhere: bool) -> None:
    from qualcode import services
    from qualcode.services.history import nothing_left

    if steps < 1:
        raise click.BadParameter(_("must be at least 1"), param_hint="-n")
    run = services.undo if action == "undo" else services.redo
    with ctx.open() as project:
        done = 0
        for _step in range(steps):
            step = run(project, anywhere=anywhere)
            if step is None:
                break
            click.echo(step.describe())
            done += 1
        if done == 0:
            echo_err(nothing_left(project, action, anywhere=anywhere))
