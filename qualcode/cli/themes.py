"""Themes, relations, the theme review and the dimension scorecard from the command line.

THEME and CODE accept an id or a label in either language (case-insensitive). The
ends of ``relate`` are written ``theme:NAME``, ``doc:NAME``, ``passage:GUID`` or
``code:NAME``; a plain name is a code, else a theme. Every change is one action
(``qualcode undo`` takes it back).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from qualcode.cli._base import Context, cli, pass_ctx, show
from qualcode.i18n import _, plural

if TYPE_CHECKING:
    from qualcode.core.themes import Relation, Theme
    from qualcode.store import Project


def _text(value: str) -> str:
    return sys.stdin.read() if value == "-" else value


def _lang(project: Project) -> str | None:
    languages = project.codebook().languages
    return languages[0] if languages else None


def _named(theme: Theme, lang: str | None) -> str:
    """A theme as a person reads it: ``'Menunggu lama' (waiting)``."""
    return f"{show(theme.label_in(lang))!r} ({show(theme.id)})"


def _code_names(project: Project, ids: list[str]) -> str:
    cb = project.codebook()
    lang = _lang(project)
    return ", ".join(repr(show(cb[c].label_in(lang))) if c in cb else repr(show(c)) for c in ids)


def _labels(
    label: str, lang: str | None, translations: tuple[str, ...], default_lang: str | None
) -> Any:
    """The label from ``LABEL [--lang L] [--label L=TEXT]...``."""
    from qualcode.errors import InputError

    extra: dict[str, str] = {}
    for item in translations:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(
                _("bad --label {item!r}").format(item=item),
                hint=_("write it as LANG=TEXT, e.g. --label en=Waiting"),
            )
        extra[key.strip()] = value.strip()
    if lang is None and not extra:
        return label
    main = lang or default_lang or "en"
    return {main: label, **{k: v for k, v in extra.items() if k != main}}


def theme_json(theme: Theme, depth: int, usage: Any) -> dict[str, Any]:
    """A theme in the documented ``themes --json`` shape."""
    return {
        "guid": theme.guid,
        "id": theme.id,
        "label": theme.label,
        "definition": theme.definition,
        "status": theme.status,
        "reason": theme.reason,
        "parent": theme.parent,
        "depth": depth,
        "codes": list(theme.codes),
        "extracts": [{"coding": e.coding, "translation": e.translation} for e in theme.extracts],
        "passages": usage.passages,
        "documents": usage.documents,
        "participants": usage.participants,
        "color": theme.color,
        "created": theme.created,
        "coder": theme.coder,
    }


def relation_json(r: Relation) -> dict[str, Any]:
    """A relation in the documented ``relations --json`` shape."""
    return {
        "guid": r.guid,
        "source": {"kind": r.source.kind, "guid": r.source.guid, "name": r.source.name},
        "target": {"kind": r.target.kind, "guid": r.target.guid, "name": r.target.name},
        "type": r.type,
        "directed": r.directed,
        "memo": r.memo,
        "coder": r.coder,
        "created": r.created,
    }


# ---------------------------------------------------------------------- theme


@cli.group()
def theme() -> None:
    """Themes: make, name, define, set the status of, move and delete them; their codes
    and key extracts; the theme review.

    THEME is a theme's id or its label in either language (case-insensitive); CODE a
    code's id, alias or label. Every change is one action ('qualcode undo' takes it
    back). 'qualcode themes' lists them.
    """


@theme.command("add")
@click.argument("label")
@click.option("--id", "theme_id", metavar="ID", help="Its id (default: made from the label).")
@click.option("--lang", metavar="LANG", help="The language of LABEL (then the label is bilingual).")
@click.option(
    "--label",
    "translations",
    multiple=True,
    metavar="LANG=TEXT",
    help="The label in another language (repeatable), e.g. --label en=Waiting.",
)
@click.option("--parent", metavar="THEME", help="Make it a sub-theme of THEME.")
@click.option("--definition", metavar="TEXT", default="", help="Its definition ('-': stdin).")
@click.option("--code", "codes", multiple=True, metavar="CODE", help="A member code (repeatable).")
@pass_ctx
def theme_add(
    ctx: Context,
    label: str,
    theme_id: str | None,
    lang: str | None,
    translations: tuple[str, ...],
    parent: str | None,
    definition: str,
    codes: tuple[str, ...],
) -> None:
    """Make a new theme (a candidate), or a sub-theme with --parent."""
    with ctx.open() as project:
        made = project.themes.add_theme(
            _labels(label, lang, translations, _lang(project)),
            theme_id=theme_id,
            parent=parent,
            definition=_text(definition) if definition else "",
            codes=codes,
        )
        where = (
            _("sub-theme of {parent}").format(parent=show(made.parent))
            if made.parent
            else _("theme")
        )
        line = _("added {what} {theme}").format(what=where, theme=_named(made, _lang(project)))
        if made.codes:
            line += _(" with {codes}").format(codes=_code_names(project, list(made.codes)))
    click.echo(line)


@theme.command("rename")
@click.argument("name", metavar="THEME")
@click.argument("label")
@click.option("--lang", metavar="LANG", help="Rename the label in this language only.")
@pass_ctx
def theme_rename(ctx: Context, name: str, label: str, lang: str | None) -> None:
    """Give a theme a new label (in one language with --lang); its id stays."""
    with ctx.open() as project:
        done = project.themes.rename_theme(name, label, lang=lang)
        click.echo(_("renamed theme {theme}").format(theme=_named(done, lang or _lang(project))))


@theme.command("define")
@click.argument("name", metavar="THEME")
@click.argument("definition")
@pass_ctx
def theme_define(ctx: Context, name: str, definition: str) -> None:
    """Write a theme's definition: its central organising concept and its boundaries
    ('-' reads it from stdin)."""
    with ctx.open() as project:
        done = project.themes.define_theme(name, _text(definition))
        click.echo(_("defined theme {theme}").format(theme=_named(done, _lang(project))))


@theme.command("status")
@click.argument("name", metavar="THEME")
@click.argument("status", type=click.Choice(["candidate", "reviewed", "final", "discarded"]))
@click.option("--reason", default="", metavar="TEXT", help="Why (required for discarded).")
@pass_ctx
def theme_status(ctx: Context, name: str, status: str, reason: str) -> None:
    """Set a theme's status: candidate, reviewed, final, or discarded with --reason."""
    with ctx.open() as project:
        done = project.themes.set_theme_status(name, status, reason)
        click.echo(
            _("theme {theme} is {status}").format(
                theme=_named(done, _lang(project)), status=_(done.status)
            )
        )


@theme.command("move")
@click.argument("name", metavar="THEME")
@click.option("--under", "parent", metavar="THEME", help="Make it a sub-theme of THEME.")
@click.option("--top", is_flag=True, help="Make it a top-level theme.")
@click.option("--position", type=int, metavar="N", help="Its place among its siblings (0 first).")
@pass_ctx
def theme_move(
    ctx: Context, name: str, parent: str | None, top: bool, position: int | None
) -> None:
    """Move a theme under another (--under THEME) or to the top level (--top)."""
    if bool(parent) == top:
        raise click.UsageError(_("give exactly one of --under THEME and --top"))
    with ctx.open() as project:
        done = project.themes.move_theme(name, None if top else parent, position=position)
        where = (
            _("under {parent}").format(parent=show(done.parent))
            if done.parent
            else _("to the top level")
        )
        click.echo(
            _("moved theme {theme} {where}").format(theme=_named(done, _lang(project)), where=where)
        )


@theme.command("delete")
@click.argument("name", metavar="THEME")
@pass_ctx
def theme_delete(ctx: Context, name: str) -> None:
    """Delete a theme: its codes and passages stay; its sub-themes move up; its key
    extracts and relations go with it ('qualcode undo' brings it back whole)."""
    with ctx.open() as project:
        gone = project.themes.delete_theme(name)
        click.echo(_("deleted theme {theme}").format(theme=_named(gone, _lang(project))))


@theme.command("codes")
@click.argument("name", metavar="THEME")
@click.argument("action", type=click.Choice(["add", "remove"]))
@click.argument("codes", nargs=-1, required=True, metavar="CODE...")
@pass_ctx
def theme_codes(ctx: Context, name: str, action: str, codes: tuple[str, ...]) -> None:
    """Put codes into a theme, or take them out (one action)."""
    with ctx.open() as project:
        found = project.themes.theme(name)
        if action == "add":
            ids = project.themes.add_theme_codes(found.id, list(codes))
            line = (
                _("added {codes} to theme {theme}")
                if ids
                else _("every code named is in theme {theme} already")
            )
        else:
            ids = project.themes.remove_theme_codes(found.id, list(codes))
            line = (
                _("took {codes} out of theme {theme}")
                if ids
                else _("no code named is in theme {theme}")
            )
        click.echo(
            line.format(codes=_code_names(project, ids), theme=_named(found, _lang(project)))
        )


@theme.command("extracts")
@click.argument("name", metavar="THEME")
@click.argument("action", type=click.Choice(["add", "remove", "order"]))
@click.argument("guids", nargs=-1, required=True, metavar="GUID...")
@click.option(
    "--translation",
    metavar="TEXT",
    help="With add and one GUID: the passage in another language ('' clears it).",
)
@pass_ctx
def theme_extracts(
    ctx: Context, name: str, action: str, guids: tuple[str, ...], translation: str | None
) -> None:
    """Add key extracts (codings, by guid) to a theme, remove them, or put them in
    order (those named first, the others after them)."""
    if translation is not None and action != "add":
        raise click.UsageError(_("--translation goes with add"))
    with ctx.open() as project:
        found = project.themes.theme(name)
        named = _named(found, _lang(project))
        if action == "add":
            added = project.themes.add_extracts(found.id, list(guids), translation=translation)
            line = _("theme {theme}: {n}").format(
                theme=named,
                n=plural(len(added), "{n} key extract added", "{n} key extracts added"),
            )
        elif action == "remove":
            removed = project.themes.remove_extracts(found.id, list(guids))
            line = _("theme {theme}: {n}").format(
                theme=named,
                n=plural(len(removed), "{n} key extract removed", "{n} key extracts removed"),
            )
        else:
            order = project.themes.order_extracts(found.id, list(guids))
            line = _("theme {theme}: {n} in the new order").format(
                theme=named, n=plural(len(order), "{n} key extract", "{n} key extracts")
            )
    click.echo(line)


F = TypeVar("F", bound=Callable[..., Any])


def _book_options(*formats: str) -> Callable[[F], F]:
    """``--format`` (one of ``formats``), ``-o/--output`` and ``--label-lang``: the
    options of every command that writes a table book (:func:`_write`)."""

    def decorate(command: F) -> F:
        command = click.option(
            "--label-lang", metavar="LANG", help="Label language (default: the codebook's first)."
        )(command)
        command = click.option(
            "-o",
            "--output",
            type=click.Path(path_type=Path),
            metavar="FILE",
            help="Write to FILE (stdout for md, csv, json without it).",
        )(command)
        return click.option(
            "--format", "fmt", type=click.Choice(list(formats)),
            help="Output format (default: from FILE's suffix, else md).",
        )(command)  # fmt: skip

    return decorate


def _format(fmt: str | None, output: Path | None) -> str:
    if fmt:
        return fmt
    if output is not None:
        found = {".md": "md", ".csv": "csv", ".xlsx": "xlsx", ".json": "json"}.get(
            output.suffix.lower()
        )
        if found is None:
            from qualcode.errors import InputError

            raise InputError(
                _("cannot tell the format from {name!r}").format(name=output.name),
                hint=_("pass --format md|csv|xlsx|json"),
            )
        return found
    return "md"


def _write(book: Any, fmt: str | None, output: Path | None) -> None:
    from qualcode.services.themes import write_book

    text = write_book(book, _format(fmt, output), output)
    if text is not None:
        click.echo(text, nl=False)
    else:
        click.echo(_("wrote {path}").format(path=output), err=True)


@theme.command("review")
@click.option("--by", metavar="attribute:NAME", help="Split by a case attribute (informant group).")
@_book_options("md", "csv", "xlsx", "json")
@pass_ctx
def theme_review(
    ctx: Context, by: str | None, fmt: str | None, output: Path | None, label_lang: str | None
) -> None:
    """Review every theme against the data: passages, documents, participants and
    cases, the split by a case attribute, codes with no key extract, themes carried by
    one participant, codes shared with other themes, co-occurring codes, codes in no
    theme, and the key extracts."""
    from qualcode.services.themes import review_book

    with ctx.open() as project:
        book = review_book(project, by=by, lang=label_lang)
    _write(book, fmt, output)


# ---------------------------------------------------------------------- lists


@cli.command("themes")
@click.option("--json", "as_json", is_flag=True, help="A JSON list (schema in docs/cli.md).")
@click.option(
    "--label-lang", metavar="LANG", help="Label language (default: the codebook's first)."
)
@pass_ctx
def themes_list(ctx: Context, as_json: bool, label_lang: str | None) -> None:
    """List the themes (sub-themes indented) with status, passages, documents,
    participants and member codes, then the codes in no theme."""
    from qualcode.services.themes import overview

    with ctx.open() as project:
        lang = label_lang or _lang(project)
        view = overview(project, lang=lang)
        codebook = project.codebook()
    if as_json:
        click.echo(
            json.dumps(
                [theme_json(t.theme, t.depth, t.usage) for t in view.themes],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not view.themes:
        click.echo(_("no themes yet: 'qualcode theme add LABEL --code CODE' makes one"))
    for line in view.themes:
        t = line.theme
        status = _(t.status) + (f": {show(t.reason)}" if t.reason else "")
        click.echo(
            "  " * line.depth
            + f"{show(line.label)} ({show(t.id)}) [{status}] "
            + plural(line.usage.passages, "{n} passage", "{n} passages")
            + ", "
            + plural(line.usage.documents, "{n} document", "{n} documents")
            + ", "
            + plural(line.usage.participants, "{n} participant", "{n} participants")
        )
        if t.codes:
            names = ", ".join(
                show(codebook[c].label_in(lang)) if c in codebook else show(c) for c in t.codes
            )
            click.echo("  " * line.depth + "  " + _("codes: {codes}").format(codes=names))
        if t.extracts:
            click.echo(
                "  " * line.depth
                + "  "
                + plural(len(t.extracts), "{n} key extract", "{n} key extracts")
            )
    if view.no_theme:
        click.echo(
            _("codes in no theme: {codes}").format(
                codes=", ".join(
                    show(codebook[c].label_in(lang)) if c in codebook else show(c)
                    for c in view.no_theme
                )
            )
        )


@cli.command("relate")
@click.argument("source", metavar="A")
@click.argument("target", metavar="B")
@click.option(
    "--type", "rel_type", required=True, metavar="TYPE", help="A relation type (id or label)."
)
@click.option("--memo", default="", metavar="TEXT", help="Why ('-': stdin).")
@pass_ctx
def relate(ctx: Context, source: str, target: str, rel_type: str, memo: str) -> None:
    """Relate A to B: codes, themes, passages, documents.

    Write theme:NAME, doc:NAME, passage:GUID or code:NAME; a plain name is a code
    (id, alias or label), else a theme. The types are the codebook's 'relations:'
    (default: is_part_of, leads_to, contradicts, is_associated_with, illustrates,
    refines).
    """
    with ctx.open() as project:
        r = project.themes.add_relation(source, target, rel_type, memo=_text(memo) if memo else "")
        kind = next((t for t in project.themes.relation_types() if t.id == r.type), None)
        words = kind.label_in(_lang(project)) if kind else r.type
    arrow = "->" if r.directed else "<->"
    click.echo(
        _("related {a} {arrow} {b} ({type})").format(
            a=r.source.describe(), arrow=arrow, b=r.target.describe(), type=words
        )
    )


@cli.group("relations", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="A JSON list (schema in docs/cli.md).")
@click.pass_context
def relations_list(click_ctx: click.Context, as_json: bool) -> None:
    """List the relations: A, type, B and the memo (-> directed, <-> undirected).

    'qualcode relations delete' deletes one.
    """
    if click_ctx.invoked_subcommand is not None:
        return
    ctx = click_ctx.find_object(Context)
    assert ctx is not None
    with ctx.open() as project:
        rows = project.themes.relations()
        types = {t.id: t for t in project.themes.relation_types()}
        lang = _lang(project)
    if as_json:
        click.echo(json.dumps([relation_json(r) for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(_("no relations yet: 'qualcode relate A B --type TYPE' adds one"))
    for r in rows:
        words = types[r.type].label_in(lang) if r.type in types else r.type
        arrow = "->" if r.directed else "<->"
        line = f"{show(r.source.describe())} {arrow} {show(r.target.describe())} ({show(words)})"
        if r.memo:
            line += f": {show(r.memo)}"
        click.echo(line)


@relations_list.command("delete")
@click.argument("ref", metavar="A")
@click.argument("target", metavar="[B]", required=False)
@click.option(
    "--type", "rel_type", metavar="TYPE", help="The relation's type, when A and B have several."
)
@pass_ctx
def relation_delete(ctx: Context, ref: str, target: str | None, rel_type: str | None) -> None:
    """Delete a relation: by its ends (A B, written as for 'qualcode relate'; --type
    TYPE when they have several) or by its GUID alone (from 'relations --json').
    One action: 'qualcode undo' brings it back."""
    with ctx.open() as project:
        r = project.themes.delete_relation(ref, target, rel_type)
        kind = next((t for t in project.themes.relation_types() if t.id == r.type), None)
        words = kind.label_in(_lang(project)) if kind else r.type
    arrow = "->" if r.directed else "<->"
    click.echo(
        _("deleted the relation {a} {arrow} {b} ({type})").format(
            a=r.source.describe(), arrow=arrow, b=r.target.describe(), type=words
        )
    )


@cli.command("scorecard")
@click.option("--by", metavar="attribute:NAME", help="Informant groups by a case attribute.")
@_book_options("csv", "xlsx", "md", "json")
@pass_ctx
def scorecard(
    ctx: Context, by: str | None, fmt: str | None, output: Path | None, label_lang: str | None
) -> None:
    """The dimension scorecard: per dimension (top-level code) and informant group,
    negative and positive passages, documents and participants (by the codes'
    valence), the sub-codes behind them and the key extracts."""
    from qualcode.services.themes import scorecard_book

    with ctx.open() as project:
        book = scorecard_book(project, by=by, lang=label_lang)
    _write(book, fmt, output)
