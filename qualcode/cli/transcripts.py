"""Speakers, search, cases and attributes."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from qualcode.cli._base import INT, Context, cli, clip, echo_err, pass_ctx, show
from qualcode.i18n import _, plural

# ---------------------------------------------------------------------- speakers


@cli.group()
def speakers() -> None:
    """The project's speaker setting: label roles and extra label patterns."""


@speakers.command("show")
@click.option("--json", "as_json", is_flag=True, help="The setting as JSON.")
@pass_ctx
def speakers_show(ctx: Context, as_json: bool) -> None:
    """Show the speaker labels' roles and the extra label patterns."""
    from qualcode import services

    with ctx.open() as project:
        config = services.speaker_config(project)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "roles": dict(config.roles),
                    "patterns": list(config.patterns),
                    "interviewer_labels": list(config.interviewer_labels),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not config.roles and not config.patterns and not config.interviewer_labels:
        click.echo(_("default speaker labels only (see 'qualcode speakers set --help')"))
    for label, role in sorted(config.roles.items()):
        click.echo(_("label    {label:<24} {role}").format(label=label, role=role))
    for label in config.interviewer_labels:
        click.echo(_("label    {label:<24} interviewer").format(label=label))
    for pattern in config.patterns:
        click.echo(_("pattern  {pattern}").format(pattern=pattern))


@speakers.command("set")
@click.option(
    "--interviewer-label",
    "interviewer_labels",
    multiple=True,
    metavar="LABEL",
    help="A label that is the interviewer (repeatable).",
)
@click.option(
    "--participant-label",
    "participant_labels",
    multiple=True,
    metavar="LABEL",
    help="A label that is a participant (repeatable).",
)
@click.option(
    "--pattern",
    "patterns",
    multiple=True,
    metavar="REGEX",
    help="An extra label style: a regular expression matched at the start of a line, "
    "with a (?P<name>...) group, e.g. '^<(?P<name>[A-Z]+)>\\s*'.",
)
@click.option("--clear", is_flag=True, help="Forget the current setting first.")
@click.option(
    "--doc",
    metavar="DOC",
    help="Set the roles for this document only (they override the project's there).",
)
@pass_ctx
def speakers_set(
    ctx: Context,
    interviewer_labels: Sequence[str],
    participant_labels: Sequence[str],
    patterns: Sequence[str],
    clear: bool,
    doc: str | None,
) -> None:
    """Map speaker labels to roles and add label patterns.

    Roles apply at once to the turns already imported (of every document, or of
    --doc DOC only); patterns apply to the next imports ('qualcode documents
    refresh' uses them on the documents already imported).
    """
    from qualcode import services

    with ctx.open() as project:
        config = services.set_speakers(
            project,
            interviewer_labels=interviewer_labels,
            participant_labels=participant_labels,
            patterns=patterns,
            clear=clear,
            doc=doc,
        )
    where = f" for {doc!r}" if doc else ""
    click.echo(
        _("speaker setting saved{where}: {n} labels with a role, {n2} patterns").format(
            where=where, n=len(config.roles), n2=len(config.patterns)
        )
    )


# ---------------------------------------------------------------------- search


@cli.command()
@click.argument("query")
@click.option("--lemma", is_flag=True, help="Match lemmas: 'antre' also finds 'mengantre'.")
@click.option("--code", metavar="CODE", help="Only sentences coded with CODE.")
@click.option("--children", is_flag=True, help="With --code, its sub-codes count too.")
@click.option(
    "--speaker",
    metavar="ROLE",
    help="Only turns of this role (interviewer, participant) or speaker label.",
)
@click.option("--doc", metavar="DOC", help="Only this document.")
@click.option("--limit", type=INT, metavar="N", help="At most N hits.")
@click.option("--json", "as_json", is_flag=True, help="One JSON list of objects.")
@pass_ctx
def search(
    ctx: Context,
    query: str,
    lemma: bool,
    code: str | None,
    children: bool,
    speaker: str | None,
    doc: str | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """Find sentences holding every word of QUERY ("phrases" in quotes, antr* a prefix).

    Prints each hit's document, sentence and turn number, speaker, and the sentence
    with some context. Exit status 1 when nothing is found.
    """
    from qualcode import services

    with ctx.open() as project:
        hits = services.search(
            project,
            query,
            lemma=lemma,
            code=code,
            include_children=children,
            speaker=speaker,
            doc=doc,
            limit=limit,
        )
    if as_json:
        click.echo(json.dumps([h.to_json() for h in hits], ensure_ascii=False, indent=2))
    else:
        for h in hits:
            where = f"{h.doc}  s{h.sentence} t{h.turn or 0}  [{h.start}:{h.end}]"
            who = f"{h.speaker or '-'} ({h.role})" if h.role else (h.speaker or "-")
            before = clip(h.before[::-1], 30)[::-1] if h.before.strip() else ""
            after = clip(h.after, 30) if h.after.strip() else ""
            line = " ".join(p for p in (before, f"[{clip(h.text, 200)}]", after) if p)
            click.echo(f"{where}  {who}\n    {line}")
        echo_err(plural(len(hits), "{n} hit", "{n} hits"))
    if not hits:
        sys.exit(1)


# ---------------------------------------------------------------------- cases


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON list of objects.")
@click.pass_context
def cases(click_ctx: click.Context, as_json: bool) -> None:
    """List the cases with their attributes and documents (or speakers).

    'cases link DOC CASE' makes a document part of a case.
    """
    if click_ctx.invoked_subcommand is not None:
        return
    ctx = click_ctx.find_object(Context)
    assert ctx is not None
    with ctx.open() as project:
        found = project.cases.cases()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "name": c.name,
                        "guid": c.guid,
                        "attributes": c.attributes,
                        "sources": [{"doc": s.doc, "speaker": s.speaker} for s in c.sources],
                    }
                    for c in found
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for c in found:
        sources = ", ".join(s.doc + (f" ({s.speaker})" if s.speaker else "") for s in c.sources)
        attrs = ", ".join(f"{k}={v}" for k, v in c.attributes.items() if v is not None)
        click.echo(f"{show(c.name)}\t{show(attrs) or '-'}\t{show(sources) or '-'}")


@cases.command("link")
@click.argument("doc")
@click.argument("case")
@pass_ctx
def cases_link(ctx: Context, doc: str, case: str) -> None:
    """Make document DOC part of case CASE (the case is created when it does not exist)."""
    from qualcode import services

    with ctx.open() as project:
        created = services.link_case(project, doc, case)
    click.echo(
        _("linked {doc!r} to case {case!r}").format(doc=doc, case=case)
        + (_(" (a new case)") if created else "")
    )


@cli.group()
def attributes() -> None:
    """Case attributes (occupation, gender, kelurahan, age group ...)."""


@attributes.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--create", is_flag=True, help="Create cases the project does not have yet.")
@click.option("--strict", is_flag=True, help="All or nothing: any bad row refuses the file.")
@pass_ctx
def attributes_import(ctx: Context, file: Path, create: bool, strict: bool) -> None:
    """Set case attributes from FILE.csv (one row per case) or FILE.yaml.

    A row whose case does not exist yet but names a document (as 'qualcode
    documents' lists it, or its file name) creates a case for that document and
    links them. Each row that matches neither, and each bad row, is one line on
    stderr (exit 1); the other rows are written, unless --strict.
    """
    from qualcode import services

    with ctx.open() as project:
        report = services.import_attributes(project, file, create=create, strict=strict)
    for p in report.problems:
        echo_err(_("error: {format}").format(format=p.format()))
    if report.written:
        created = _(", {n} cases created").format(n=len(report.created)) if report.created else ""
        by_doc = len(report.linked) + len(report.matched)
        linked = (
            _(" ({by_doc} matched to documents by name)").format(by_doc=by_doc) if by_doc else ""
        )
        click.echo(
            _("{file}: {values} values set on {cases} cases{created}{linked}").format(
                file=file, values=report.values, cases=report.cases, created=created, linked=linked
            )
        )
    else:
        echo_err(_("nothing written: {n} problems (--strict)").format(n=len(report.problems)))
    for row, case in sorted(report.matched.items()):
        echo_err(
            _("notice: {row!r} is a document of case {case!r}: its values went there").format(
                row=row, case=case
            )
        )
    if report.problems:
        sys.exit(1)
