"""Memos from the command line: on a coding, a document, a code, a case or the project.

The workbench and these commands read and write the same memos: a coding's memo
lives on the coding; the others are each person's own memo on the target (the one
the workbench's memo editor shows). Every change is one undoable action.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from qualcode.cli._base import Context, cli, clip, fail, pass_ctx
from qualcode.errors import InputError
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.core.model import Coding, Memo
    from qualcode.store import Project
    from qualcode.store.lite_write import LiteWriter

KINDS = ("coding", "document", "code", "case", "theme", "project")


def _target_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for decorator in reversed(
        [
            click.option("--coding", "coding", metavar="GUID", help="A coding (its guid)."),
            click.option("--doc", "doc", metavar="DOC", help="A document (its name)."),
            click.option("--code", "code", metavar="CODE", help="A code (id or alias)."),
            click.option("--case", "case", metavar="CASE", help="A case (its name)."),
            click.option("--theme", "theme", metavar="THEME", help="A theme (id or label)."),
            click.option("--project", "whole", is_flag=True, help="The project as a whole."),
        ]
    ):
        fn = decorator(fn)
    return fn


def _target(
    coding: str | None,
    doc: str | None,
    code: str | None,
    case: str | None,
    whole: bool,
    theme: str | None = None,
) -> tuple[str, str | None]:
    given = [
        (k, v)
        for k, v in (
            ("coding", coding),
            ("document", doc),
            ("code", code),
            ("case", case),
            ("theme", theme),
            ("project", "" if whole else None),
        )
        if v is not None
    ]
    if len(given) != 1:
        raise click.UsageError(
            _(
                "name exactly one of --coding GUID, --doc DOC, --code CODE, --case CASE, "
                "--theme THEME, --project"
            )
        )
    kind, value = given[0]
    return kind, (value or None)


def _what(project: Project, kind: str, target: str | None) -> str:
    """The target in the researcher's words: a document by name, a code by label, a
    passage by its first words."""
    if kind == "project":
        return _("the project")
    if kind == "document":
        return _("the document {target}").format(target=target)
    if kind == "case":
        return _("the case {target}").format(target=target)
    if kind == "theme":
        found = project.themes.theme(target or "")
        return _("the theme {label} ({id})").format(label=repr(found.label_in(None)), id=found.id)
    if kind == "code":
        code = project.codebook().get(target or "")
        if code is None:
            raise InputError(
                _("unknown code {target!r}").format(target=target),
                hint=_("'qualcode codebook show' lists the codes"),
            )
        return _("the code {label_in!r} ({id})").format(label_in=code.label_in(None), id=code.id)
    c = project.review.coding_by_guid(target or "")
    return _("the coding of {code} in {doc} “{quote}”").format(
        code=c.code, doc=c.doc, quote=clip(c.quote, 40)
    )


def _text(text: str) -> str:
    if text == "-":
        return sys.stdin.read()
    return text


@cli.group()
def memo() -> None:
    """Read and write one memo: on a coding, a document, a code, a case or the project.

    Name the target with exactly one of --coding GUID, --doc DOC, --code CODE,
    --case CASE, --theme THEME or --project. A memo keeps its author; on a document, a code, a case
    or the project each person has their own memo (the one the workbench's memo
    editor opens), a coding has one memo. Every change is one action ('qualcode
    undo' takes it back).
    """


@memo.command("show")
@_target_options
@click.option("--json", "as_json", is_flag=True, help="A JSON list (schema as 'memos --json').")
@pass_ctx
def memo_show(
    ctx: Context,
    coding: str | None,
    doc: str | None,
    code: str | None,
    case: str | None,
    whole: bool,
    theme: str | None,
    as_json: bool,
) -> None:
    """Show the memos on the target (every author's); exit status 1 when there is none."""
    kind, target = _target(coding, doc, code, case, whole, theme)
    shown = _lite_show(ctx, kind, target)
    if shown is not None:
        what, entries = shown
    else:
        with ctx.open() as project:
            what = _what(project, kind, target)
            entries = _entries(project, kind, target)
    if as_json:
        click.echo(json.dumps(entries, ensure_ascii=False, indent=2))
    else:
        for e in entries:
            click.echo(f"{e['author']}, {e['updated']}:")
            for line in str(e["text"]).splitlines() or [""]:
                click.echo(f"  {line}")
    if not entries:
        fail(_("no memo on {what}").format(what=what))


@memo.command("set")
@_target_options
@click.argument("text")
@pass_ctx
def memo_set(
    ctx: Context,
    coding: str | None,
    doc: str | None,
    code: str | None,
    case: str | None,
    whole: bool,
    theme: str | None,
    text: str,
) -> None:
    """Set your memo on the target to TEXT ('-' reads it from standard input)."""
    _write(ctx, _target(coding, doc, code, case, whole, theme), _text(text), append=False)


@memo.command("append")
@_target_options
@click.argument("text")
@pass_ctx
def memo_append(
    ctx: Context,
    coding: str | None,
    doc: str | None,
    code: str | None,
    case: str | None,
    whole: bool,
    theme: str | None,
    text: str,
) -> None:
    """Add TEXT as a new paragraph to your memo on the target ('-': standard input)."""
    _write(ctx, _target(coding, doc, code, case, whole, theme), _text(text), append=True)


@memo.command("clear")
@_target_options
@pass_ctx
def memo_clear(
    ctx: Context,
    coding: str | None,
    doc: str | None,
    code: str | None,
    case: str | None,
    whole: bool,
    theme: str | None,
) -> None:
    """Delete your memo on the target (a coding's memo: the coding's); exit status 1
    when there is none."""
    kind, target = _target(coding, doc, code, case, whole, theme)
    cleared = _lite_clear(ctx, kind, target)
    if cleared is not None:
        what, gone = cleared
        if not gone:
            fail(_("no memo of yours on {what}").format(what=what))
        click.echo(_("memo cleared on {what}").format(what=what))
        return
    with ctx.open() as project:
        what = _what(project, kind, target)
        if kind == "coding":
            assert target is not None
            if not project.review.coding_by_guid(target).memo:
                fail(_("no memo on {what}").format(what=what))
            project.memos.set_coding_memo(target, None)
        elif project.memos.clear_memo(kind, target) is None:
            fail(_("no memo of yours on {what}").format(what=what))
    click.echo(_("memo cleared on {what}").format(what=what))


def _write(ctx: Context, where: tuple[str, str | None], text: str, *, append: bool) -> None:
    kind, target = where
    if not text.strip():
        raise InputError(
            _("the memo text is empty"), hint=_("to remove a memo, use 'qualcode memo clear'")
        )
    what = _lite_write(ctx, kind, target, text, append=append)
    if what is None:
        with ctx.open() as project:
            what = _what(project, kind, target)
            if kind == "coding":
                assert target is not None
                project.memos.set_coding_memo(target, text, append=append)
            else:
                project.memos.write_memo(kind, target, text, append=append)
    click.echo(_("memo {value} on {what}").format(value="appended" if append else "set", what=what))


def _entries(project: Project, kind: str | None, target: str | None) -> list[dict[str, Any]]:
    """Memos as JSON objects: ``guid, kind, target, author, created, updated, title, text``
    (a coding's memo also ``doc``, ``code``, ``quote``; its guid is the coding's)."""
    memos = (
        project.memos.memos(kind, target)
        if kind in (None, "project", "document", "code", "case", "theme")
        else []
    )
    codings: list[Coding] = []
    if kind in (None, "coding"):
        codings = (
            project.memos.coding_memos()
            if target is None
            else [c for c in [project.review.coding_by_guid(target)] if c.memo]
        )
    return _as_entries(memos, codings)


def _as_entries(memos: list[Memo], codings: list[Coding]) -> list[dict[str, Any]]:
    """:func:`_entries` of the memos and the codings with a memo given."""
    out: list[dict[str, Any]] = []
    for m in memos:
        out.append(
            {
                "guid": m.guid,
                "kind": m.kind,
                "target": m.target,
                "author": m.author,
                "created": m.created,
                "updated": m.updated,
                "title": m.title,
                "text": m.text,
            }
        )
    for c in codings:
        out.append(
            {
                "guid": c.guid,
                "kind": "coding",
                "target": c.guid,
                "author": c.memo_author or c.coder,
                "created": c.created,
                "updated": c.created,
                "title": "",
                "text": c.memo,
                "doc": c.doc,
                "code": c.code,
                "quote": c.quote,
            }
        )
    return out


@cli.command("memos")
@click.option("--kind", type=click.Choice(KINDS), help="Only memos on this kind of target.")
@click.option(
    "--json", "as_json", is_flag=True, help="A JSON list (schema in docs/workbench.md#memos)."
)
@pass_ctx
def memos(ctx: Context, kind: str | None, as_json: bool) -> None:
    """List every memo: project, documents, codes, cases, themes and codings, with their
    authors."""
    entries = _lite_list(ctx, kind)
    if entries is None:
        with ctx.open() as project:
            entries = _entries(project, kind, None)
    if as_json:
        click.echo(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    for e in entries:
        if e["kind"] == "coding":
            where = _("coding of {code} in {doc} “{quote}”").format(
                code=e["code"], doc=e["doc"], quote=clip(str(e["quote"]), 30)
            )
        elif e["kind"] == "project":
            where = "project"
        else:
            where = f"{e['kind']} {e['target']}"
        click.echo(f"{where}\t{e['author']}\t{e['updated']}\t{clip(str(e['text']))}")


# ---------------------------------------------------------------------- the light path
# sqlite3 alone (qualcode.store.lite_write) for the ordinary targets: the project, a
# document, a code, a case; each returns None when the ordinary path must answer.


def _lite_what(light: LiteWriter, kind: str, target: str | None) -> str | None:
    """:func:`_what` for the targets the light path knows."""
    if kind == "project":
        return _("the project")
    if kind == "document":
        return _("the document {target}").format(target=target)
    if kind == "case":
        return _("the case {target}").format(target=target)
    if kind == "code":
        found = light.reader.codebook().get(target or "")
        if found is None:
            return None
        return _("the code {label_in!r} ({id})").format(label_in=found.label_in(None), id=found.id)
    return None


def _lite_show(ctx: Context, kind: str, target: str | None) -> tuple[str, list[Any]] | None:
    from qualcode.store.lite_write import Fallback

    light = ctx.open_lite_write()
    if light is None:
        return None
    with light:
        what = _lite_what(light, kind, target)
        if what is None:
            return None
        try:
            return what, _as_entries(light.memos(kind, target), [])
        except Fallback:
            return None


def _lite_list(ctx: Context, kind: str | None) -> list[dict[str, Any]] | None:
    light = ctx.open_lite_write()
    if light is None:
        return None
    with light:
        memos = light.all_memos(kind) if kind != "coding" else []
        codings = light.memos_on_codings() if kind in (None, "coding") else []
        return _as_entries(memos, codings)


def _lite_write(
    ctx: Context, kind: str, target: str | None, text: str, *, append: bool
) -> str | None:
    light = ctx.open_lite_write()
    if light is None:
        return None
    with light:
        what = _lite_what(light, kind, target)
        if what is None or not light.set_own_memo(kind, target, text, append=append):
            return None
        return what


def _lite_clear(ctx: Context, kind: str, target: str | None) -> tuple[str, bool] | None:
    light = ctx.open_lite_write()
    if light is None:
        return None
    with light:
        what = _lite_what(light, kind, target)
        if what is None:
            return None
        gone = light.drop_own_memo(kind, target)
        if gone is False:
            return None
        return what, gone is not None
