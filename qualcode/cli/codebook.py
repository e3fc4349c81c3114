"""The codebook commands."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from qualcode.cli._base import INT, Context, cli, echo_err, fail, pass_ctx
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.store import Project

# ---------------------------------------------------------------------- codebook


@cli.group()
def codebook() -> None:
    """Validate, load, show and edit the codebook; diff and merge codebook files.

    Edits change the project (one undoable action each) and are written back to
    the linked YAML file with its comments and order kept. diff, merge (with -o)
    and merge-driver work on YAML files, for teams and for git.
    """


@codebook.command("validate")
@click.argument("file", type=click.Path(path_type=Path))
def codebook_validate(file: Path) -> None:
    """Check a YAML codebook: one line per problem, FILE:LINE:COL."""
    from qualcode.importers.codebook_yaml import check_codebook

    problems = check_codebook(file)
    if problems:
        for p in problems:
            echo_err(_("error: {format}").format(format=p.format()))
        sys.exit(1)
    from qualcode import services

    cb = services.load_codebook(file)
    top = len(cb.children(None))
    click.echo(
        _("{file}: valid, {n} codes ({top} top-level)").format(file=file, n=len(cb), top=top)
    )


@codebook.command("sync")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--no-backup", is_flag=True, help="Do not back the project up first.")
@pass_ctx
def codebook_sync(ctx: Context, file: Path | None, no_backup: bool) -> None:
    """Load FILE (or the project's linked codebook) into the project.

    Refuses to drop a code that still has codings. The project is backed up into
    backups/ first; the copy is kept when the sync changed something.
    """
    from qualcode import services

    with ctx.open() as project:
        report = services.sync_codebook(project, file, backup=not no_backup)
    if report.backup is not None:
        echo_err(_("backup: {backup}").format(backup=report.backup))
    click.echo(_("codebook synced: {summary}").format(summary=report.summary()))


@codebook.command("show")
@click.option("--json", "as_json", is_flag=True, help="The codes as a JSON list.")
@click.option("--lang", type=click.Choice(["id", "en"]), help="Label language.")
@pass_ctx
def codebook_show(ctx: Context, as_json: bool, lang: str | None) -> None:
    """Print the project's codebook as a tree with keys and counts."""
    lite = ctx.open_lite()
    if lite is not None:
        with lite:
            cb, counts = lite.codebook(), lite.code_counts()
    else:
        with ctx.open() as project:
            cb, counts = project.codebook(), project.codebook_sync.code_counts()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "label": c.label,
                        "parent": c.parent,
                        "key": c.key,
                        "color": cb.color_of(c.id),
                        "aliases": list(c.aliases),
                        "codings": counts[c.id].codings if c.id in counts else 0,
                    }
                    for c in cb
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    lang = lang or (cb.languages[0] if cb.languages else None)
    for c in cb:
        indent = "  " * cb.depth(c.id)
        key = f"[{c.key}]" if c.key else ""
        n = counts[c.id].codings if c.id in counts else 0
        click.echo(f"{indent}{c.id} {key} {c.label_in(lang)} ({n})")


# ---------------------------------------------------------------------- edits


def _edited(ctx: Context, what: str, edit: Callable[[Project], object]) -> None:
    """Run one codebook edit, write the YAML back, and say what happened."""
    from qualcode import services
    from qualcode.core.codebook_merge import FoldedCode

    with ctx.open() as project:
        done = services.edit_codebook(project, lambda: edit(project))
    result, written = done.result, done.written
    if done.not_written is not None:
        echo_err(
            _(
                "warning: {what} is saved in the project, but the codebook file was not updated: {exc}"
            ).format(what=what, exc=done.not_written)
        )
    click.echo(what + (_(" (written to {written})").format(written=written) if written else ""))
    if isinstance(result, FoldedCode):  # a code merge: what came along, what did not
        if result.carried:
            click.echo(_("  carried over: ") + ", ".join(result.carried))
        for line in result.not_carried:
            click.echo(f"  {line}")


@codebook.command("add")
@click.argument("code_id", metavar="ID")
@click.option(
    "--label", required=True, help="The label (plain), or the default-language label with --lang."
)
@click.option("--lang", help="Language of --label (id, en, ...).")
@click.option("--parent", help="Parent code.")
@click.option("--key", help="Key sequence (1-3 letters/digits).")
@click.option("--color", help="#RRGGBB.")
@click.option("--description", default="", help="The definition.")
@pass_ctx
def codebook_add(
    ctx: Context,
    code_id: str,
    label: str,
    lang: str | None,
    parent: str | None,
    key: str | None,
    color: str | None,
    description: str,
) -> None:
    """Add a code."""
    from qualcode.core.codebook import Code

    code = Code(
        id=code_id,
        label={lang: label} if lang else label,
        parent=parent,
        key=key,
        color=color,
        description=description,
    )
    _edited(ctx, f"added {code_id}", lambda p: p.codes.add_code(code))


@codebook.command("rename")
@click.argument("code")
@click.argument("label")
@click.option("--lang", help="Change only this language's label (id, en).")
@pass_ctx
def codebook_rename(ctx: Context, code: str, label: str, lang: str | None) -> None:
    """Give CODE a new LABEL (its id stays; use set-id to change the id)."""
    _edited(ctx, f"renamed {code}", lambda p: p.codes.set_label(code, label, lang=lang))


@codebook.command("recolor")
@click.argument("code")
@click.argument("color")
@pass_ctx
def codebook_recolor(ctx: Context, code: str, color: str) -> None:
    """Give CODE a new COLOR (#RRGGBB)."""
    _edited(ctx, f"recoloured {code}", lambda p: p.codes.update_code(code, color=color))


@codebook.command("rekey")
@click.argument("code")
@click.argument("key")
@pass_ctx
def codebook_rekey(ctx: Context, code: str, key: str) -> None:
    """Give CODE a new KEY ('-' removes it)."""
    _edited(
        ctx, f"rekeyed {code}", lambda p: p.codes.update_code(code, key=None if key == "-" else key)
    )


@codebook.command("describe")
@click.argument("code")
@click.option("--description", help="The definition.")
@click.option("--inclusion", help="When to use the code.")
@click.option("--exclusion", help="When not to use it.")
@pass_ctx
def codebook_describe(
    ctx: Context, code: str, description: str | None, inclusion: str | None, exclusion: str | None
) -> None:
    """Change CODE's definition, inclusion or exclusion criteria."""
    fields: dict[str, Any] = {
        k: v
        for k, v in (
            ("description", description),
            ("inclusion", inclusion),
            ("exclusion", exclusion),
        )
        if v is not None
    }
    if not fields:
        fail(_("give --description, --inclusion or --exclusion"))
    _edited(ctx, f"described {code}", lambda p: p.codes.update_code(code, **fields))


@codebook.command("move")
@click.argument("code")
@click.option("--parent", help="The new parent code.")
@click.option("--top", is_flag=True, help="Make it a top-level code.")
@click.option("--position", type=INT, help="Place among its new siblings (0 first; default last).")
@pass_ctx
def codebook_move(
    ctx: Context, code: str, parent: str | None, top: bool, position: int | None
) -> None:
    """Move CODE (with its sub-codes) under another parent; its id stays."""
    if bool(parent) == top:
        fail(_("give exactly one of --parent CODE or --top"))
    _edited(
        ctx,
        _("moved {code} under {value}").format(code=code, value=parent or "the top level"),
        lambda p: p.codes.move_code(code, parent, position=position),
    )


@codebook.command("merge-code")
@click.argument("source")
@click.argument("target")
@pass_ctx
def codebook_merge_code(ctx: Context, source: str, target: str) -> None:
    """Merge code SOURCE into TARGET: codings, sub-codes and memos follow; SOURCE's id
    becomes an alias of TARGET."""
    _edited(
        ctx,
        _("merged {source} into {target}").format(source=source, target=target),
        lambda p: p.codes.merge_code(source, target),
    )


# `codebook merge` (files or codes) lives in cli/codebook_merge.py


@codebook.command("set-id")
@click.argument("old")
@click.argument("new")
@pass_ctx
def codebook_set_id(ctx: Context, old: str, new: str) -> None:
    """Change a code's id from OLD to NEW; OLD stays as an alias."""
    _edited(
        ctx,
        _("changed id {old} to {new}").format(old=old, new=new),
        lambda p: p.codes.change_code_id(old, new),
    )


@codebook.command("delete")
@click.argument("code")
@pass_ctx
def codebook_delete(ctx: Context, code: str) -> None:
    """Delete a code without codings or sub-codes (a coded code is merged instead)."""
    _edited(ctx, f"deleted {code}", lambda p: p.codes.delete_code(code))


@codebook.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "qdc"]),
    help="yaml (qualcode's codebook file) or qdc (REFI-QDA) [default: from the suffix].",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="The file to write (.yaml or .qdc).",
)
@pass_ctx
def codebook_export(ctx: Context, fmt: str | None, output: Path) -> None:
    """Write the project's codebook to a new YAML file or a REFI-QDA .qdc."""
    from qualcode import services

    if fmt is None:
        suffix = output.suffix.lower()
        if suffix == ".qdc":
            fmt = "qdc"
        elif suffix in (".yaml", ".yml"):
            fmt = "yaml"
        else:
            fail(
                _("cannot tell the format from {name!r} (pass --format yaml|qdc)").format(
                    name=output.name
                )
            )
    with ctx.open() as project:
        if fmt == "qdc":
            summary = services.export_qdc(project, output)
            click.echo(summary.line())
            return
        services.export_codebook(project, output)
    click.echo(_("wrote {output}").format(output=output))
