"""Team codebooks on the command line: diff, merge, git's merge driver, split, recode.

``qualcode codebook merge-files OURS THEIRS [--base BASE] -o OUT`` merges codebook
*files*; ``qualcode codebook merge SOURCE TARGET`` merges two *codes* of the project
(the same as ``merge-code``). The file form of ``merge`` (with ``-o`` or ``--base``)
of earlier releases still works for one release, with a one-line deprecation notice.

Exit status of ``diff`` and ``merge-files`` follows diff(1) and diff3(1): 0 the same
/ merged cleanly, 1 different / merged with conflicts (left in OUT), 2 trouble (a bad
input; nothing written).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qualcode.cli._base import Context, cli, clip, echo_err, fail, pass_ctx, show
from qualcode.cli.codebook import _edited, codebook
from qualcode.errors import NotFoundError
from qualcode.i18n import N_, _, plural

if TYPE_CHECKING:
    from qualcode.core.codebook_merge import MergeResult
    from qualcode.core.diff import CodebookDiff, FieldChange
    from qualcode.store import Project

# ---------------------------------------------------------------------- diff


def _diff_lines(diff: CodebookDiff) -> list[str]:
    from qualcode.core.codebook import label_text
    from qualcode.core.diff import describe_value

    out: list[str] = []
    for c in diff.added:
        under = _(" (under {parent})").format(parent=c.parent) if c.parent else ""
        out.append(
            _("added      {id}: {join}{under}").format(
                id=c.id, join=" / ".join(c.labels().values()), under=under
            )
        )
    for c in diff.removed:
        out.append(
            _("removed    {id}: {label_text}").format(id=c.id, label_text=label_text(c.label))
        )
    for old, new in diff.renamed:
        out.append(
            _("renamed    {old} -> {new} ({old} stays as an alias)").format(old=old, new=new)
        )
    for ch in diff.relabelled:
        lang = f" [{ch.field.split('.', 1)[1]}]" if "." in ch.field else ""
        out.append(
            _("relabelled {code}{lang}: {describe_value} -> {describe_value2}").format(
                code=ch.code,
                lang=lang,
                describe_value=describe_value(ch.old),
                describe_value2=describe_value(ch.new),
            )
        )
    for ch in diff.moved:
        out.append(
            _("moved      {code}: {value} -> {value2}").format(
                code=ch.code, value=ch.old or "(top level)", value2=ch.new or "(top level)"
            )
        )
    for ch in diff.changed:
        out.append(
            _("changed    {code}: {field}: {describe_value} -> {describe_value2}").format(
                code=ch.code,
                field=ch.field,
                describe_value=describe_value(ch.old),
                describe_value2=describe_value(ch.new),
            )
        )
    for ch in diff.codebook:
        out.append(
            _("codebook   {field}: {describe_value} -> {describe_value2}").format(
                field=ch.field,
                describe_value=describe_value(ch.old),
                describe_value2=describe_value(ch.new),
            )
        )
    out.extend(_relation_lines(diff.relations))
    return out


def _relation_lines(changes: tuple[FieldChange, ...]) -> list[str]:
    """The relation vocabulary's differences, one line each."""
    from qualcode.core.diff import describe_value

    out: list[str] = []
    for ch in changes:
        if ch.field == "added":
            line = _("relation   added {id}: {label}").format(
                id=ch.code, label=describe_value(ch.new)
            )
        elif ch.field == "removed":
            line = _("relation   removed {id}: {label}").format(
                id=ch.code, label=describe_value(ch.old)
            )
        else:
            line = _("relation   {id}: {field}: {old} -> {new}").format(
                id=ch.code, field=ch.field, old=describe_value(ch.old), new=describe_value(ch.new)
            )
        out.append(line)
    return out


@codebook.command("diff")
@click.argument("a", type=click.Path(path_type=Path))
@click.argument("b", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="The differences as JSON (docs/codebook.md).")
def codebook_diff(a: Path, b: Path, as_json: bool) -> None:
    """What changed from codebook file A to B, keyed by code id.

    Lists added, removed, renamed (new id, old id kept as an alias), relabelled
    (per language), moved (new parent) codes and every other changed field
    (description, colour, key, examples, aliases, memo, rules). Exit status 0 when
    the two are the same, 1 when they differ, 2 for a bad file.
    """
    from qualcode import services

    diff = services.diff_files(a, b)
    if as_json:
        click.echo(json.dumps(diff.to_json(), ensure_ascii=False, indent=2))
    else:
        lines = _diff_lines(diff)
        for line in lines:
            click.echo(line)
        if not lines:
            click.echo(_("{a} and {b} hold the same codebook").format(a=a, b=b))
    sys.exit(0 if diff.is_empty() else 1)


# ---------------------------------------------------------------------- merge


def _change_line(side: str, what: str, code: str | None, detail: str) -> str:
    where = code if code is not None else "(codebook)"
    if what in ("added", "removed"):
        text = f"{what} {where}"
    elif what == "merged":
        text = _("merged into {where}").format(where=where)
    else:
        text = _("changed {where}: {what}").format(where=where, what=what)
    if detail:
        text += f" ({detail})" if what in ("removed", "merged") else f" = {detail}"
    return f"  {side}: {text}"


def _report(
    result: MergeResult,
    *,
    ours: Path,
    theirs: Path,
    base: Path | None,
    output: str,
    verbose: bool,
    err: bool,
) -> None:
    from qualcode.core.codebook_merge import summary

    def say(line: str) -> None:
        click.echo(line, err=err)

    counts = summary(result)
    parts = []
    for side in ("theirs", "ours"):
        bits = [
            f"{counts[f'{side}.{kind}']} {kind}"
            for kind in ("added", "changed", "removed", "merged")
            if counts.get(f"{side}.{kind}")
        ]
        if bits:
            parts.append(_("from {side}: ").format(side=side) + ", ".join(bits))
    n = len(result.conflicts)
    how = _("base {base}").format(base=base) if base is not None else _("two-way, no base")
    say(
        _("merged {ours} and {theirs} ({how}) into {output}: {codes} codes").format(
            ours=ours, theirs=theirs, how=how, output=output, codes=counts["codes"]
        )
        + (f"; {'; '.join(parts)}" if parts else "")
        + "; "
        + plural(n, "{n} conflict", "{n} conflicts")
    )
    for c in result.conflicts:
        say(_("conflict: {describe}").format(describe=c.describe()))
    if verbose or result.two_way:
        for ch in result.changes:
            say(_change_line(ch.side, ch.what, ch.code, ch.detail))
    for s in result.suggestions:
        applied = s in result.applied
        say(
            _(
                "{value} (score {score:.0f}): ours {ours} {ours_label!r} = theirs {theirs} {theirs_label!r}"
            ).format(
                value="merged" if applied else "suggested merge",
                score=s.score,
                ours=s.ours,
                ours_label=s.ours_label,
                theirs=s.theirs,
                theirs_label=s.theirs_label,
            )
            + ("" if applied else _(" (--apply-suggestions merges it)"))
        )
    if n:
        say(
            _(
                "resolve the conflicts in {output}: keep the value you want in each field, delete each 'conflict:' block, then 'qualcode codebook validate' it"
            ).format(output=output)
        )


def _file_merge_options(hidden: bool) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The options of a codebook file merge (hidden on the deprecated ``merge`` form)."""

    def wrap(f: Callable[..., None]) -> Callable[..., None]:
        for option in reversed(
            [
                click.option(
                    "--base",
                    type=click.Path(path_type=Path),
                    help=_("The common ancestor (a three-way merge; without it, a two-way union)."),
                    hidden=hidden,
                ),
                click.option(
                    "-o",
                    "--output",
                    metavar="OUT",
                    required=not hidden,
                    help=_("Where to write the merged codebook ('-' for stdout)."),
                    hidden=hidden,
                ),
                click.option(
                    "--apply-suggestions",
                    is_flag=True,
                    help=_("Merge suggested near-duplicate codes (theirs into ours)."),
                    hidden=hidden,
                ),
                click.option(
                    "--threshold",
                    type=float,
                    default=None,
                    help=_("Lowest near-duplicate score suggested, 0-100 [85]."),
                    hidden=hidden,
                ),
                click.option(
                    "--json",
                    "as_json",
                    is_flag=True,
                    help=_("The report as JSON."),
                    hidden=hidden,
                ),
                click.option(
                    "-v",
                    "--verbose",
                    is_flag=True,
                    help=_("List every change taken."),
                    hidden=hidden,
                ),
            ]
        ):
            f = option(f)
        return f

    return wrap


def _merge_files(
    ours: Path,
    theirs: Path,
    base: Path | None,
    output: str,
    apply_suggestions: bool,
    threshold: float | None,
    as_json: bool,
    verbose: bool,
) -> None:
    from qualcode import services
    from qualcode.core.neardup import DEFAULT_THRESHOLD

    to_stdout = output == "-"
    report = services.merge_files(
        ours,
        theirs,
        base,
        None if to_stdout else Path(output),
        apply_suggestions=apply_suggestions,
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
    )
    result = report.result
    if to_stdout:
        click.echo(report.text, nl=False)
    if as_json:
        data = {**result.to_json(), "output": None if to_stdout else output}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2), err=to_stdout)
    else:
        _report(
            result,
            ours=ours,
            theirs=theirs,
            base=base,
            output="stdout" if to_stdout else output,
            verbose=verbose,
            err=to_stdout,
        )
    sys.exit(0 if result.clean else 1)


@codebook.command("merge-files")
@click.argument("ours", type=click.Path(path_type=Path))
@click.argument("theirs", type=click.Path(path_type=Path))
@_file_merge_options(hidden=False)
def codebook_merge_files(
    ours: Path,
    theirs: Path,
    base: Path | None,
    output: str,
    apply_suggestions: bool,
    threshold: float | None,
    as_json: bool,
    verbose: bool,
) -> None:
    """Merge codebook files OURS and THEIRS into OUT, on stable code ids.

    \b
    qualcode codebook merge-files OURS THEIRS [--base BASE] -o OUT

    Three-way against BASE (a change made on one side is taken, the same change on
    both sides once; different changes to one field, a delete against an edit, the
    same new id with different content are conflicts), or a two-way union without
    BASE that reports every difference. No code is silently dropped. Conflicts are
    left in OUT as 'conflict:' blocks that 'codebook validate' and 'codebook sync'
    refuse until resolved. Codes added on different sides with the same meaning are
    suggested as merges with their scores. OUT keeps OURS' comments and order.
    Exit status: 0 merged cleanly, 1 merged with conflicts, 2 a bad input.
    """
    _merge_files(ours, theirs, base, output, apply_suggestions, threshold, as_json, verbose)


DEPRECATED_FILE_MERGE = N_(
    "warning: 'qualcode codebook merge OURS THEIRS -o OUT' is deprecated and goes in the "
    "next release: use 'qualcode codebook merge-files OURS THEIRS -o OUT'"
)
"""The one line the old file form of ``codebook merge`` writes to stderr."""


@codebook.command("merge")
@click.argument("source")
@click.argument("target")
@_file_merge_options(hidden=True)
@pass_ctx
def codebook_merge(
    ctx: Context,
    source: str,
    target: str,
    base: Path | None,
    output: str | None,
    apply_suggestions: bool,
    threshold: float | None,
    as_json: bool,
    verbose: bool,
) -> None:
    """Merge code SOURCE of the project into code TARGET (the same as merge-code).

    Codings, sub-codes and memos follow and SOURCE's id becomes an alias of TARGET.
    Merging codebook files is 'qualcode codebook merge-files'.
    """
    if output is not None or base is not None:
        # the file form of earlier releases: kept for one release, with a notice
        echo_err(_(DEPRECATED_FILE_MERGE))
        if output is None:
            fail(_("a file merge needs -o OUT (or -o - for stdout)"))
        _merge_files(
            Path(source),
            Path(target),
            base,
            output,
            apply_suggestions,
            threshold,
            as_json,
            verbose,
        )
        return
    if apply_suggestions or threshold is not None or as_json or verbose:
        fail(
            _(
                "--apply-suggestions, --threshold, --json and --verbose are for merging "
                "codebook files: qualcode codebook merge-files OURS THEIRS -o OUT"
            )
        )
    try:
        _edited(
            ctx,
            _("merged {source} into {target}").format(source=source, target=target),
            lambda p: p.codes.merge_code(source, target),
        )
    except NotFoundError as exc:
        if Path(source).is_file() and Path(target).is_file():
            raise NotFoundError(
                exc.problem.message,
                hint=_(
                    "to merge codebook files: qualcode codebook merge-files "
                    "{ours} {theirs} -o merged.yaml"
                ).format(ours=source, theirs=target),
            ) from None
        raise


@codebook.command("merge-driver")
@click.argument("base", type=click.Path(path_type=Path), metavar="%O")
@click.argument("ours", type=click.Path(path_type=Path), metavar="%A")
@click.argument("theirs", type=click.Path(path_type=Path), metavar="%B")
@click.argument("name", required=False, metavar="[%P]")
@click.option("--apply-suggestions", is_flag=True, help="Merge suggested near duplicates.")
def codebook_merge_driver(
    base: Path, ours: Path, theirs: Path, name: str | None, apply_suggestions: bool
) -> None:
    """git's merge driver for YAML codebooks: merges %B into %A against %O.

    \b
    .gitattributes:  codebooks/*.yaml merge=qualcode
    git config merge.qualcode.name "qualcode codebook merge"
    git config merge.qualcode.driver "qualcode codebook merge-driver %O %A %B %P"

    Writes the result into %A and exits 0 when it merged cleanly; with conflicts it
    leaves them in %A as 'conflict:' blocks and exits 1, so git reports the file as
    conflicted. A side that is not a valid codebook leaves %A as it was (exit 2).
    """
    from qualcode import services

    label = name or str(ours)
    report = services.merge_driver(base, ours, theirs, apply_suggestions=apply_suggestions)
    result = report.result
    n = len(result.conflicts)
    if n:
        echo_err(
            plural(
                n,
                "qualcode: {n} codebook conflict in {label}",
                "qualcode: {n} codebook conflicts in {label}",
                label=label,
            )
        )
        for c in result.conflicts:
            echo_err(_("conflict: {describe}").format(describe=c.describe()))
        echo_err(
            _(
                "resolve them in {label} (keep one value, delete each 'conflict:' block), then git add it"
            ).format(label=label)
        )
    for s in result.suggestions:
        if s not in result.applied:
            echo_err(
                _(
                    "qualcode: near duplicates in {label} (score {score:.0f}): {ours} {ours_label!r} = {theirs} {theirs_label!r}"
                ).format(
                    label=label,
                    score=s.score,
                    ours=s.ours,
                    ours_label=s.ours_label,
                    theirs=s.theirs,
                    theirs_label=s.theirs_label,
                )
            )
    sys.exit(0 if result.clean else 1)


# ---------------------------------------------------------------------- split / recode


def _read_guids(guids: tuple[str, ...], codings_file: str | None) -> list[str]:
    out = list(guids)
    if codings_file is not None:
        stream = (
            sys.stdin if codings_file == "-" else open(codings_file, encoding="utf-8")  # noqa: SIM115
        )
        try:
            out.extend(line.strip() for line in stream if line.strip())
        finally:
            if stream is not sys.stdin:
                stream.close()
    return out


@codebook.command("split")
@click.argument("code")
@click.argument("new_id", metavar="NEW_ID")
@click.option("--label", required=True, help="The new code's label.")
@click.option("--lang", help="Language of --label (id, en, ...).")
@click.option("--parent", help="Put the new code under this code (default: beside CODE).")
@click.option("--top", is_flag=True, help="Make the new code a top-level code.")
@click.option("--key", help="Key sequence of the new code.")
@click.option("--color", help="#RRGGBB of the new code.")
@click.option("--description", default="", help="The new code's definition.")
@click.option(
    "--coding",
    "guids",
    multiple=True,
    metavar="GUID",
    help="A coding of CODE that moves to NEW_ID (repeat it).",
)
@click.option(
    "--codings-file",
    metavar="FILE",
    help="More coding guids, one per line ('-' reads stdin).",
)
@pass_ctx
def codebook_split(
    ctx: Context,
    code: str,
    new_id: str,
    label: str,
    lang: str | None,
    parent: str | None,
    top: bool,
    key: str | None,
    color: str | None,
    description: str,
    guids: tuple[str, ...],
    codings_file: str | None,
) -> None:
    """Split CODE: create NEW_ID and move the chosen codings of CODE to it.

    One undoable action. The new code goes beside CODE (same parent, right after
    it) unless --parent or --top says otherwise.
    """
    from qualcode.core.codebook import Code

    if parent and top:
        fail(_("give --parent CODE or --top, not both"))
    chosen = _read_guids(guids, codings_file)
    if not chosen:
        fail(_("name the codings that move with --coding GUID (or --codings-file FILE)"))
    moved: list[int] = []

    def run(project: Project) -> None:
        new_parent = None if top else parent
        if not top and parent is None:
            src = project.codebook().get(code)
            new_parent = src.parent if src is not None else None
        new = Code(
            id=new_id,
            label={lang: label} if lang else label,
            parent=new_parent,
            key=key,
            color=color,
            description=description,
        )
        _new, codings = project.recode.split_code(code, new, chosen)
        moved.append(len(codings))

    _edited(ctx, _("split {code}: created {new_id}").format(code=code, new_id=new_id), run)
    click.echo(
        _("moved {value} codings to {new_id}").format(value=moved[0] if moved else 0, new_id=new_id)
    )


@cli.command("recode")
@click.argument("guids", nargs=-1, metavar="GUID...")
@click.option("--to", "target", required=True, metavar="CODE", help="The code they move to.")
@click.option(
    "--codings-file", metavar="FILE", help="More coding guids, one per line ('-' reads stdin)."
)
@pass_ctx
def recode(ctx: Context, guids: tuple[str, ...], target: str, codings_file: str | None) -> None:
    """Move codings (by guid) to another code, in one undoable action."""
    chosen = _read_guids(guids, codings_file)
    if not chosen:
        fail(_("name the codings to move (GUID... or --codings-file FILE)"))
    with ctx.open() as project:
        codings = project.recode.recode_codings(chosen, target)
    for c in codings:
        click.echo(
            _("recoded {guid} {doc} [{start}:{end}] -> {code}: {quote}").format(
                guid=c.guid,
                doc=show(c.doc),
                start=c.start,
                end=c.end,
                code=show(c.code),
                quote=clip(c.quote),
            )
        )
    gone = len(dict.fromkeys(chosen)) - len(codings)
    if gone:
        click.echo(
            _("{gone} identical to a coding {target} already had: stored once").format(
                gone=gone, target=target
            )
        )
