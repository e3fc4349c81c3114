"""The command line: every operation as a subcommand; bare ``qualcode`` opens the TUI.

Each command parses its arguments, calls one function of ``services`` or the
Project API, and prints. Data goes to stdout, diagnostics to stderr. A user's
mistake is one line (``error: FILE:LINE:COL: message (hint)``) and a non-zero exit,
never a traceback. Heavy libraries load inside the commands that need them, so
``qualcode --help`` answers at once.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from qualcode import __version__
from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from qualcode.store import Project


class Context:
    """What the global options set."""

    def __init__(self, project: str | None, coder: str | None) -> None:
        self.project_location = project
        self.coder = coder

    @contextmanager
    def open(self) -> Iterator[Project]:
        """Open the project named by ``--project`` (or the default)."""
        from qualcode.store import open_project

        project = open_project(self.project_location, coder=self.coder)
        try:
            yield project
        finally:
            project.close()


pass_ctx = click.make_pass_decorator(Context)


def echo_err(message: str) -> None:
    """One line on stderr."""
    click.echo(message, err=True)


def fail(message: str) -> NoReturn:
    """Stop with one error line and exit status 1."""
    raise QualcodeError(message)


class QualcodeGroup(click.Group):
    """A click group whose errors are one line on stderr and a non-zero exit.

    Living in ``main`` (not in the entry-point function) means click's
    ``CliRunner`` sees exactly what a user of the binary sees.
    """

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **kw: Any
    ) -> Any:
        kw["standalone_mode"] = False
        try:
            code = super().main(args, prog_name, **kw)
        except QualcodeError as exc:
            for line in exc.lines():
                echo_err(f"error: {line}")
            sys.exit(exc.exit_code)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            sys.exit(0)
        except click.UsageError as exc:
            cmd = exc.ctx.command_path if exc.ctx else "qualcode"
            echo_err(f"error: {exc.format_message()} (see '{cmd} --help')")
            sys.exit(2)
        except click.exceptions.Abort:
            echo_err("aborted")
            sys.exit(130)
        except click.ClickException as exc:
            echo_err(f"error: {exc.format_message()}")
            sys.exit(exc.exit_code)
        except BrokenPipeError:  # `qualcode codings | head`
            sys.exit(0)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(
    cls=QualcodeGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--project",
    "project",
    envvar="QUALCODE_PROJECT",
    metavar="PATH_OR_URL",
    help="A .db file, a folder holding qualcode.db, or a postgresql+psycopg:// URL "
    "[env QUALCODE_PROJECT; default ./qualcode.db].",
)
@click.option(
    "--coder",
    metavar="NAME",
    envvar="QUALCODE_CODER",
    help="Who is coding [env QUALCODE_CODER; default from settings or login].",
)
@click.version_option(__version__, prog_name="qualcode")
@click.pass_context
def cli(ctx: click.Context, project: str | None, coder: str | None) -> None:
    """qualcode: code interview transcripts in the terminal.

    Without a command, opens the workbench on the project in this folder
    (or shows how to make one).
    """
    ctx.obj = Context(project, coder)
    if ctx.invoked_subcommand is None:
        from qualcode.tui.app import run

        run(project, coder=coder)


# ---------------------------------------------------------------------- projects


@cli.command()
@click.option(
    "--codebook", type=click.Path(path_type=Path), help="A YAML codebook to link to the project."
)
@pass_ctx
def init(ctx: Context, codebook: Path | None) -> None:
    """Create a project (./qualcode.db or --project) and link a codebook."""
    from qualcode import services

    project = services.init_project(ctx.project_location, codebook, coder=ctx.coder)
    try:
        codes = len(project.codebook())
        click.echo(
            f"created {project.path or project.location}"
            + (f" with {codes} codes from {codebook}" if codebook else "")
        )
    finally:
        project.close()


@cli.command()
@click.option("--rebuild", is_flag=True, help="Throw the demo project away and build it again.")
@click.option(
    "--no-open", is_flag=True, help="Build it, print where it is, do not open the workbench."
)
def demo(rebuild: bool, no_open: bool) -> None:
    """Build (once) and open the demo project: the shipped codebook and transcripts."""
    from qualcode import services

    def progress(done: int, total: int, what: str) -> None:
        echo_err(f"building the demo project: {done}/{total} {what}")

    db = services.build_demo(rebuild=rebuild, progress=progress)
    if no_open:
        click.echo(str(db))
        return
    from qualcode.tui.app import run

    run(str(db))


# ---------------------------------------------------------------------- import


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--case", metavar="NAME", help="The case these documents belong to.")
@click.option(
    "--lang", type=click.Choice(["id", "en"]), help="Language of the text (default: detected)."
)
@click.option(
    "--strict", is_flag=True, help="All or nothing: any bad file refuses the whole batch."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@pass_ctx
def import_(
    ctx: Context,
    files: Sequence[Path],
    case: str | None,
    lang: str | None,
    strict: bool,
    quiet: bool,
) -> None:
    """Import transcripts (.txt, .md) into the project.

    A file whose text is already in the project is skipped with a notice. With
    several files, a bad one is listed and the others are imported (exit 1).
    """
    from qualcode import services

    with ctx.open() as project:
        bar = _progress_bar(len(files), quiet)
        report = services.import_transcripts(
            project,
            list(files),
            case=case,
            lang=lang,
            strict=strict,
            progress=bar.update if bar else None,
        )
        if bar:
            bar.finish()
        for r in report.results:
            click.echo(r.message)
            for notice in r.notices:
                echo_err(f"notice: {notice}")
        for err in report.errors:
            for line in err.lines():
                echo_err(f"error: {line}")
        if report.errors:
            if len(files) == 1:
                sys.exit(1)
            if strict:
                echo_err(
                    f"nothing imported: {len(report.errors)} of {len(files)} files are bad (--strict)"
                )
            else:
                echo_err(
                    f"{len(report.imported)} imported, {len(report.skipped)} skipped, {len(report.errors)} failed"
                )
            sys.exit(1)


class _ProgressBar:
    """A one-line progress bar on stderr (only on a terminal)."""

    def __init__(self, total: int) -> None:
        self.total = total

    def update(self, done: int, total: int, what: str) -> None:
        width = 30
        filled = int(width * done / max(total, 1))
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {what[:40]:<40}"
        )
        sys.stderr.flush()

    def finish(self) -> None:
        sys.stderr.write("\r" + " " * 80 + "\r")
        sys.stderr.flush()


def _progress_bar(total: int, quiet: bool) -> _ProgressBar | None:
    if quiet or total < 2 or not sys.stderr.isatty():
        return None
    return _ProgressBar(total)


# ---------------------------------------------------------------------- documents


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON list of objects.")
@pass_ctx
def documents(ctx: Context, as_json: bool) -> None:
    """List the documents with their turns, sentences, codings and coded share."""
    with ctx.open() as project:
        docs = project.documents()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "name": d.name,
                        "guid": d.guid,
                        "lang": d.lang,
                        "chars": d.chars,
                        "turns": d.turns,
                        "sentences": d.sentences,
                        "codings": d.codings,
                        "coded_share": round(d.coded_share, 4),
                        "format": d.source_format,
                        "case": d.case,
                    }
                    for d in docs
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    width = max([len(d.name) for d in docs] + [8])
    click.echo(f"{'document':<{width}}  lang  turns  sentences  codings  coded")
    for d in docs:
        click.echo(
            f"{d.name:<{width}}  {d.lang or '-':<4}  {d.turns:>5}  {d.sentences:>9}  {d.codings:>7}  {d.coded_share:>5.0%}"
        )


@cli.command()
@click.argument("doc")
@click.option("--json", "as_json", is_flag=True, help="One JSON list of objects.")
@pass_ctx
def turns(ctx: Context, doc: str, as_json: bool) -> None:
    """List the speaker turns found in DOC, numbered from 1."""
    with ctx.open() as project:
        document = project.document(doc)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "turn": t.number,
                        "speaker": t.speaker,
                        "role": t.role,
                        "start": t.start,
                        "end": t.end,
                        "timestamp_ms": t.timestamp_ms,
                        "text": document.text[t.start : t.end],
                    }
                    for t in document.turns
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for t in document.turns:
        content = document.text[t.start : t.end].replace("\n", " ")
        if len(content) > 70:
            content = content[:69] + "…"
        click.echo(f"{t.number:>4}  {t.speaker or '-':<16.16} {t.role or '-':<11} {content}")


@cli.command()
@click.argument("doc")
@click.option("--json", "as_json", is_flag=True, help="One JSON list of objects.")
@pass_ctx
def sentences(ctx: Context, doc: str, as_json: bool) -> None:
    """List the sentences of DOC, numbered from 1, with their turn."""
    with ctx.open() as project:
        document = project.document(doc)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "sentence": s.number,
                        "turn": s.turn,
                        "start": s.start,
                        "end": s.end,
                        "text": document.text[s.start : s.end],
                    }
                    for s in document.sentences
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for s in document.sentences:
        content = document.text[s.start : s.end].replace("\n", " ")
        click.echo(f"{s.number:>5}  t{s.turn or 0:<4} {content}")


# ---------------------------------------------------------------------- coding


def _selector_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for decorator in reversed(
        [
            click.option("--start", type=int, help="First character (0-based)."),
            click.option("--end", type=int, help="End character (exclusive)."),
            click.option("--sentence", type=int, help="Sentence number (from 1)."),
            click.option("--turn", type=int, help="Turn number (from 1)."),
            click.option("--match", metavar="TEXT", help="Exact text in the document."),
            click.option("--nth", type=int, help="With --match: the K-th occurrence (from 1)."),
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
@click.option("--memo", help="A memo on the coding.")
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
            coding, created = project.apply_coding(doc, code, s, e, memo=memo)
            out.append(coding)
            if not as_json:
                verb = "coded" if created else "already coded"
                click.echo(
                    f"{verb} {coding.doc} [{coding.start}:{coding.end}] {coding.code}: {_clip(coding.quote)}"
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
            removed += project.remove_codings(doc, s, e, code=code, exact=not overlapping)
        if not removed:
            fail(
                f"no coding of yours to remove in {doc!r} at "
                + ", ".join(f"[{s}:{e}]" for s, e in spans)
            )
        for c in removed:
            click.echo(f"removed {c.doc} [{c.start}:{c.end}] {c.code}")


def _clip(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command()
@click.option("--doc", help="Only this document.")
@click.option("--code", "code_", metavar="CODE", help="Only this code.")
@click.option("--coder", "coder_", metavar="NAME", help="Only this coder.")
@click.option("--children", is_flag=True, help="With --code: include its sub-codes.")
@click.option("--suggested", is_flag=True, help="Include auto-code suggestions.")
@click.option("--json", "as_json", is_flag=True, help="A JSON list (schema in the README).")
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
        rows = project.codings(
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
        click.echo(f"{c.doc}\t{c.start}\t{c.end}\t{c.code}\t{c.coder}\t{_clip(c.quote)}")


# ---------------------------------------------------------------------- codebook


@cli.group()
def codebook() -> None:
    """Validate, load and show the codebook."""


@codebook.command("validate")
@click.argument("file", type=click.Path(path_type=Path))
def codebook_validate(file: Path) -> None:
    """Check a YAML codebook: one line per problem, FILE:LINE:COL."""
    from qualcode.importers.codebook_yaml import check_codebook

    problems = check_codebook(file)
    if problems:
        for p in problems:
            echo_err(f"error: {p.format()}")
        sys.exit(1)
    from qualcode import services

    cb = services.load_codebook(file)
    top = len(cb.children(None))
    click.echo(f"{file}: valid, {len(cb)} codes ({top} top-level)")


@codebook.command("sync")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@pass_ctx
def codebook_sync(ctx: Context, file: Path | None) -> None:
    """Load FILE (or the project's linked codebook) into the project.

    Refuses to drop a code that still has codings.
    """
    from qualcode import services

    with ctx.open() as project:
        report = services.sync_codebook(project, file)
    click.echo(f"codebook synced: {report.summary()}")


@codebook.command("show")
@click.option("--json", "as_json", is_flag=True, help="The codes as a JSON list.")
@click.option("--lang", type=click.Choice(["id", "en"]), help="Label language.")
@pass_ctx
def codebook_show(ctx: Context, as_json: bool, lang: str | None) -> None:
    """Print the project's codebook as a tree with keys and counts."""
    with ctx.open() as project:
        cb = project.codebook()
        counts = project.code_counts()
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


# ---------------------------------------------------------------------- export


@cli.group()
def export() -> None:
    """Write matrices for supervisors and theses."""


@export.command("frequency")
@click.option(
    "--by",
    type=click.Choice(["document"]),
    default="document",
    show_default=True,
    help="Columns of the matrix.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "md", "sqlite"]),
    help="Output format (default: from the file suffix).",
)
@click.option("--coder", "coder_", metavar="NAME", help="Only this coder's codings.")
@click.option("--label-lang", type=click.Choice(["id", "en"]), help="Language of the code labels.")
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path), help="The file to write."
)
@pass_ctx
def export_frequency(
    ctx: Context, by: str, fmt: str | None, coder_: str | None, label_lang: str | None, output: Path
) -> None:
    """Code x document matrix of coding counts, with totals."""
    from qualcode import services

    with ctx.open() as project:
        matrix = services.export_frequency(
            project, output, fmt=fmt, by=by, coder=coder_, label_lang=label_lang
        )
    click.echo(
        f"wrote {output}: {len(matrix.rows)} codes x {len(matrix.columns)} documents, {matrix.total()} codings"
    )


# ---------------------------------------------------------------------- log


@cli.command()
@click.option("-n", "limit", type=int, default=20, show_default=True, help="How many entries.")
@pass_ctx
def log(ctx: Context, limit: int) -> None:
    """Show the newest entries of the action log."""
    with ctx.open() as project:
        for a in project.actions(limit):
            click.echo(
                f"{a['seq']:>6}  {a['at']}  {a['coder']:<12.12}  {a['kind']:<14} {a['summary']}"
            )


# ---------------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> None:
    """The ``qualcode`` entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="qualcode")
