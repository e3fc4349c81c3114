"""Team commands: merge, backup, restore, done, adjudicate, agreement, team."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from qualcode.cli._base import (
    Context,
    cli,
    clip,
    echo_err,
    fail,
    load_names,
    pass_ctx,
    pseudonyms_option,
    show,
)
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.store import Project


class GreedyCommand(click.Command):
    """A command whose list options take every value up to the next option:
    ``--coders ani budi citra`` (also ``--coders ani,budi`` or the option repeated)."""

    greedy: tuple[str, ...] = ()

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        out: list[str] = []
        current: str | None = None
        for arg in args:
            if arg.startswith("-") and arg != "-" and not _is_number(arg):
                current = arg if arg in self.greedy else None
                if current is None:
                    out.append(arg)
                continue
            if current is not None:
                for value in arg.split(","):
                    if value:
                        out += [current, value]
            else:
                out.append(arg)
        return super().parse_args(ctx, out)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def greedy(*options: str) -> type[GreedyCommand]:
    """A :class:`GreedyCommand` class for these options."""
    return type("Greedy", (GreedyCommand,), {"greedy": options})


# ---------------------------------------------------------------------- merge


@cli.command()
@click.argument("other", metavar="OTHER")
@click.option("--dry-run", is_flag=True, help="Report what would change; change nothing.")
@click.option("--no-backup", is_flag=True, help="Do not back the project up first.")
@pass_ctx
def merge(ctx: Context, other: str, dry_run: bool, no_backup: bool) -> None:
    """Merge another project (file, folder or URL) into this one, losing nothing.

    Documents match by content, then by name (codings re-anchored where the text
    differs); codes by guid, id and aliases; codings by guid, keeping each coder's
    memo and review; deletions on either side stay deleted (a coder's own); identical
    codings are stored once. The project is backed up first (the copy is removed
    again when the merge changes nothing). A merge ends the undo history: its backup
    is its undo.

    Every incoming row is checked as an import is (spans inside the text, codes
    and documents that exist, valid ids and names, tombstones only of the coder
    whose coding they delete); what fails is listed as refused and not merged, and
    the exit status is then 1.
    """
    from qualcode import services

    with ctx.open() as project:
        report = services.merge_project(project, other, dry_run=dry_run, backup=not no_backup)
    if report.backup:
        echo_err(_("backed up to {backup}").format(backup=report.backup))
    if dry_run:
        head = _("dry run, nothing changed")
    elif report.changed:
        head = "merged"
    else:
        head = _("nothing to merge, nothing changed (no backup kept)")
    click.echo(f"{head}: {report.source}")
    for line in report.lines():
        click.echo(f"  {line}")
    if report.refused:
        # as a batch import with a bad file: the rest is in, and the status says so
        echo_err(
            _(
                "error: {n} incoming row(s) refused as invalid (listed above); the rest was merged"
            ).format(n=len(report.refused))
        )
        sys.exit(1)


# ---------------------------------------------------------------------- backup


@cli.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="The file (or folder) to write; default backups/ beside the project.",
)
@pass_ctx
def backup(ctx: Context, output: Path | None) -> None:
    """Back the project up (SQLite online backup; pg_dump on PostgreSQL)."""
    from qualcode import services

    with ctx.open() as project:
        path = services.backup_project(project, output)
    click.echo(_("backed up to {path}").format(path=path))


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@pass_ctx
def restore(ctx: Context, file: Path) -> None:
    """Put a backup FILE back in place of the project (the current state is backed
    up first).

    Works on a project that no longer opens (a damaged file, or one a newer
    qualcode wrote): it is kept byte for byte in backups/ before it is replaced.
    A PostgreSQL project takes a dump made by 'qualcode backup' (pg_restore in one
    transaction; run it as the project's owner).
    """
    from qualcode import services

    before, target = services.restore_location(ctx.project_location, file)
    if before is None:
        click.echo(_("restored {target} from {file}").format(target=target, file=file))
    else:
        click.echo(
            _("restored {target} from {file} (the state before is in {before})").format(
                target=target, file=file, before=before
            )
        )


# ---------------------------------------------------------------------- done


@cli.command()
@click.argument("docs", nargs=-1, required=True, metavar="DOC...")
@click.option("--undo", is_flag=True, help="Mark not done.")
@pass_ctx
def done(ctx: Context, docs: Sequence[str], undo: bool) -> None:
    """Mark documents done (you finished coding them) for agreement and adjudication."""
    with ctx.open() as project:
        for doc in docs:
            project.team.mark_done(doc, done=not undo)
            click.echo(
                _("{doc}: {value} for {coder}").format(
                    doc=show(doc), value="not done" if undo else "done", coder=show(project.coder)
                )
            )


# ---------------------------------------------------------------------- agreement


@cli.command(cls=greedy("--coders", "--codes"))
@click.option(
    "--coders",
    multiple=True,
    required=True,
    metavar="A B [C...]",
    help="The coders to compare (two or more).",
)
@click.option(
    "--unit",
    type=click.Choice(["char", "sentence", "turn", "document"]),
    default="char",
    show_default=True,
    help="What one unit of agreement is.",
)
@click.option("--codes", multiple=True, metavar="CODE...", help="Only these codes.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "xlsx", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to this file.")
@click.option(
    "--include-unfinished",
    is_flag=True,
    help="Count every document as done by every coder.",
)
@pseudonyms_option
@pass_ctx
def agreement(
    ctx: Context,
    coders: Sequence[str],
    unit: str,
    codes: Sequence[str],
    fmt: str,
    output: Path | None,
    include_unfinished: bool,
    pseudonyms: Path | None,
) -> None:
    """Inter-coder agreement per code and pooled: percent agreement, Cohen's kappa
    (two coders), Krippendorff's alpha (nominal), and the disagreements.

    Units are the characters (or sentences, turns, documents) of the documents the
    coders marked done ('qualcode done DOC').
    """
    from qualcode import services

    names = load_names(pseudonyms)
    with ctx.open() as project:
        report = services.agreement_report(
            project,
            list(coders),
            unit=unit,
            codes=list(codes) or None,
            include_unfinished=include_unfinished,
            names=names,
        )
    text = services.write_agreement(report, fmt, output)
    if text is not None:
        click.echo(text, nl=False)
    else:
        click.echo(_("wrote {output}").format(output=output))


# ---------------------------------------------------------------------- adjudicate


def _decisions(values: Sequence[str]) -> dict[int | str, str]:
    out: dict[int | str, str] = {}
    for value in values:
        ref, sep, decision = value.partition("=")
        if not sep:
            fail(_("--decide {value!r}: write N=a, N=b, N=both or N=neither").format(value=value))
        key: int | str = int(ref) if ref.strip().isdigit() else ref.strip()
        out[key] = decision.strip()
    return out


@cli.command(cls=greedy("--coders"))
@click.argument("doc")
@click.option(
    "--coders",
    multiple=True,
    metavar="A B",
    help="The two coders [default: the two with the most codings in DOC].",
)
@click.option(
    "--as", "consensus", default="consensus", show_default=True, help="The consensus coder."
)
@click.option(
    "--decide",
    multiple=True,
    metavar="N=DECISION",
    help="Decide disagreement N: a, b, both or neither (repeatable).",
)
@click.option(
    "--all",
    "all_",
    type=click.Choice(["a", "b", "both", "neither"]),
    help="Decide every undecided disagreement the same way.",
)
@click.option("--json", "as_json", is_flag=True, help="The comparison as JSON.")
@pseudonyms_option
@pass_ctx
def adjudicate(
    ctx: Context,
    doc: str,
    coders: Sequence[str],
    consensus: str,
    decide: Sequence[str],
    all_: str | None,
    as_json: bool,
    pseudonyms: Path | None,
) -> None:
    """Compare two coders on DOC side by side and build a consensus set.

    Without decisions, lists the disagreements (numbered). Each decision accepts
    side a (the first coder), side b, both or neither; agreements go into the
    consensus coder as they are. Without --coders, the two coders with the most
    codings in DOC are compared (as the workbench's adjudication key does).
    """
    if coders and len(coders) != 2:
        fail(_("adjudication compares exactly two coders: --coders A B"))
    decisions = _decisions(decide)
    names = load_names(pseudonyms)
    with ctx.open() as project:
        a, b = _pair(project, doc, coders, consensus, names.text(doc))
        comparison = project.team.compare(doc, a, b, consensus=consensus)
        if all_:
            for i, c in enumerate(comparison.clusters, start=1):
                if c.decision is None and i not in decisions and c.key not in decisions:
                    decisions[i] = all_
        if decisions:
            comparison = project.team.adjudicate(doc, a, b, decisions, consensus=consensus)
        marks = project.team.done_marks().get(doc, set())
    # what is shown carries the pseudonyms (the decisions are stored by the real name)
    shown = names.text(doc)
    comparison = names.apply(comparison)
    if as_json:
        click.echo(
            json.dumps(_comparison_json(comparison, consensus), ensure_ascii=False, indent=2)
        )
        return
    for who in (a, b):
        if who not in marks:
            echo_err(_("notice: {who} has not marked {shown} done").format(who=who, shown=shown))
    click.echo(
        _(
            "{shown}: {a} (a) vs {b} (b) -> {consensus}: {n} agreed, {n2} disagreements, {undecided} undecided"
        ).format(
            shown=shown,
            a=a,
            b=b,
            consensus=consensus,
            n=len(comparison.agreed),
            n2=len(comparison.clusters),
            undecided=comparison.undecided,
        )
    )
    for i, c in enumerate(comparison.clusters, start=1):
        decision = c.decision or "-"
        click.echo(
            _("{i:>3}  {code}  [{start}:{end}]  decision: {decision}").format(
                i=i, code=c.code, start=c.start, end=c.end, decision=decision
            )
        )
        for side, spans in (("a", c.a), ("b", c.b)):
            if not spans:
                click.echo(_("       {side}: (not coded)").format(side=side))
            for s in spans:
                click.echo(f"       {side}: [{s.start}:{s.end}] {clip(s.quote, 70)}")
    if decisions:
        click.echo(
            _("consensus {consensus}: {n} codings").format(
                consensus=consensus, n=len(comparison.consensus())
            )
        )


def _pair(
    project: Project, doc: str, coders: Sequence[str], consensus: str, shown: str
) -> tuple[str, str]:
    """The two coders named, or (none named) the two with the most codings in ``doc``."""
    if len(coders) == 2:
        return coders[0], coders[1]
    from qualcode import services

    project.documents.document(doc)  # a name that is no document: said as such
    pair = services.adjudication_pair(project, doc, consensus)
    if pair is None:
        fail(
            _("{doc} has codings by fewer than two coders: nothing to adjudicate").format(doc=shown)
        )
    return pair


def _comparison_json(comparison: Any, consensus: str) -> dict[str, Any]:
    return {
        "doc": comparison.doc,
        "a": comparison.coder_a,
        "b": comparison.coder_b,
        "consensus": consensus,
        "agreed": [{"code": c, "start": s, "end": e} for c, s, e in comparison.agreed],
        "disagreements": [
            {
                "number": i,
                "key": c.key,
                "code": c.code,
                "start": c.start,
                "end": c.end,
                "decision": c.decision,
                "a": [{"start": s.start, "end": s.end, "quote": s.quote} for s in c.a],
                "b": [{"start": s.start, "end": s.end, "quote": s.quote} for s in c.b],
            }
            for i, c in enumerate(comparison.clusters, start=1)
        ],
    }


# ---------------------------------------------------------------------- team


@cli.group()
def team() -> None:
    """Coders of a shared project: roles, blind coding."""


@team.command("add-coder")
@click.argument("name")
@click.option("--supervisor", is_flag=True, help="May also set review status and adjudicate.")
@click.option("--password", help="The role's password (PostgreSQL; default: a new random one).")
@pass_ctx
def team_add_coder(ctx: Context, name: str, supervisor: bool, password: str | None) -> None:
    """Add a coder. On PostgreSQL: a login role that may change only its own codings
    (a supervisor's may also set review status); run it as the project's owner."""
    with ctx.open() as project:
        secret = project.team.add_coder(name, supervisor=supervisor, password=password)
        dialect = project.dialect
    role = "supervisor" if supervisor else "coder"
    if dialect == "postgresql":
        click.echo(_("added {role} {name} (database role {name})").format(role=role, name=name))
        if secret and not password:
            click.echo(_("password: {secret}").format(secret=secret))
    else:
        click.echo(
            _("added {role} {name} (a SQLite project does not enforce roles)").format(
                role=role, name=name
            )
        )


@team.command("list")
@click.option("--json", "as_json", is_flag=True, help="A JSON list.")
@pass_ctx
def team_list(ctx: Context, as_json: bool) -> None:
    """List the coders: role, codings, documents marked done."""
    with ctx.open() as project:
        members = project.team.team_members()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {"name": m.name, "role": m.role, "codings": m.codings, "done": list(m.done)}
                    for m in members
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for m in members:
        click.echo(
            _("{name:<20} {role:<10} {codings:>6} codings  {n:>3} done").format(
                name=show(m.name), role=m.role, codings=m.codings, n=len(m.done)
            )
        )


@team.command("blind")
@click.argument("state", type=click.Choice(["on", "off"]))
@pass_ctx
def team_blind(ctx: Context, state: str) -> None:
    """Blind coding for the whole project: coders see only their own codings
    (supervisors and the owner see everything)."""
    with ctx.open() as project:
        project.team.set_blind(state == "on")
    click.echo(_("blind coding {state}").format(state=state))
