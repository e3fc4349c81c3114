"""Undo and redo from the command line (the same history as the workbench)."""

from __future__ import annotations

import click

from qualcode.cli._base import INT, Context, cli, echo_err, pass_ctx

# ---------------------------------------------------------------------- history


@cli.command()
@click.option("-n", "steps", type=INT, default=1, show_default=True, help="How many steps.")
@pass_ctx
def undo(ctx: Context, steps: int) -> None:
    """Undo your newest action (an auto-code batch is one step).

    Works across sessions: the history is the project's action log. A step whose
    rows were changed since by someone else is refused, and nothing is written.
    """
    _run(ctx, "undo", steps)


@cli.command()
@click.option("-n", "steps", type=INT, default=1, show_default=True, help="How many steps.")
@pass_ctx
def redo(ctx: Context, steps: int) -> None:
    """Redo your newest undone action (a new action clears what can be redone)."""
    _run(ctx, "redo", steps)


def _run(ctx: Context, action: str, steps: int) -> None:
    from qualcode import services

    if steps < 1:
        raise click.BadParameter("must be at least 1", param_hint="-n")
    run = services.undo if action == "undo" else services.redo
    with ctx.open() as project:
        done = 0
        for _ in range(steps):
            step = run(project)
            if step is None:
                break
            click.echo(step.describe())
            done += 1
    if done == 0:
        echo_err(f"nothing to {action}")
