"""The ``qualcode`` click group, its global options and one-line error handling.

Each command parses its arguments, calls one function of ``services`` or the
Project API, and prints. Data goes to stdout, diagnostics to stderr. A user's
mistake is one line (``error: FILE:LINE:COL: message (hint)``) and a non-zero exit,
never a traceback. Heavy libraries load inside the commands that need them, so
``qualcode --help`` answers at once.
"""

from __future__ import annotations

import errno
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn

import click

from qualcode import __version__
from qualcode.core.names import escape
from qualcode.errors import QualcodeError
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.store import Project
    from qualcode.store.lite import LiteProject
    from qualcode.store.lite_write import LiteWriter


class Context:
    """What the global options set."""

    def __init__(
        self,
        project: str | None,
        coder: str | None,
        *,
        blind: bool = False,
        coder_given: bool = False,
    ) -> None:
        self.project_location = project
        self.coder = coder
        self.blind = blind
        self.coder_given = coder_given

    def who(self) -> str:
        """The coder: ``--coder`` / ``$QUALCODE_CODER``, else the settings' coder, else
        the login name (the settings are read here, at the edge, and passed in)."""
        from qualcode.settings import default_coder

        return self.coder or default_coder()

    def open_lite(self) -> LiteProject | None:
        """The read-only path of the light commands (no SQLAlchemy), or ``None`` when
        the project must be opened the ordinary way (see :mod:`qualcode.store.lite`)."""
        from qualcode.store.lite import open_lite

        return open_lite(self.project_location, blind=self.blind)

    def open_lite_write(self) -> LiteWriter | None:
        """The light write path of ``code`` and ``memo`` (no SQLAlchemy), or ``None``
        when the project must be opened the ordinary way (see
        :mod:`qualcode.store.lite_write`)."""
        from qualcode.store.lite_write import open_lite_write

        return open_lite_write(self.project_location, self.who(), blind=self.blind)

    @contextmanager
    def open(self) -> Iterator[Project]:
        """Open the project named by ``--project`` (or the default)."""
        from qualcode.core.history import CLI_WINDOW
        from qualcode.store import open_project

        project = open_project(
            self.project_location, coder=self.who(), blind=self.blind, window=CLI_WINDOW
        )
        report_upgrade(project)
        if self.coder_given and self.coder and project.coder != self.coder:
            echo_err(
                _(
                    "notice: on this PostgreSQL project you work as your database role {coder!r}; --coder {coder2} is ignored"
                ).format(coder=project.coder, coder2=self.coder)
            )
        try:
            yield project
        finally:
            project.close()


pass_ctx = click.make_pass_decorator(Context)


def report_upgrade(project: Project) -> None:
    """One line on stderr when opening the project upgraded its schema."""
    done = project.schema_upgrade
    if done is None or not done.migrated:
        return
    where = (
        _("; the project as it was is in {backup}").format(backup=done.backup)
        if done.backup
        else _(" (no backup made)")
    )
    echo_err(
        _("notice: upgraded the project from schema {before} to {after}{where}").format(
            before=done.before, after=done.after, where=where
        )
    )


def echo_err(message: str) -> None:
    """One line on stderr."""
    click.echo(message, err=True)


def fail(message: str) -> NoReturn:
    """Stop with one error line and exit status 1."""
    raise QualcodeError(message)


ENVIRONMENT_ERRNOS = {
    errno.ENOSPC,
    errno.EDQUOT,
    errno.EFBIG,
    errno.EROFS,
    errno.EACCES,
    errno.EPERM,
    errno.EIO,
    errno.ENOENT,
    errno.ESTALE,
}
"""Operating-system errors a user's machine causes (one line, never a traceback)."""


def _sqlite_hint(exc: Exception) -> str:
    text = str(exc).lower()
    if "full" in text:
        return _("free some space on the disk; the project is as it was")
    if "readonly" in text:
        return _("the project or its folder cannot be written")
    if "malformed" in text or "not a database" in text:
        return _("the project file is damaged: restore a backup (qualcode restore FILE)")
    return _("the project is as it was")


class QualcodeGroup(click.Group):
    """A click group whose errors are one line on stderr and a non-zero exit.

    Living in ``main`` (not in the entry-point function) means click's
    ``CliRunner`` sees exactly what a user of the binary sees.
    """

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **kw: Any
    ) -> Any:
        kw["standalone_mode"] = False
        choose_language(list(args) if args is not None else sys.argv[1:])
        localize(self)
        try:
            code = super().main(args, prog_name, **kw)
        except QualcodeError as exc:
            for line in exc.lines():
                echo_err(_("error: {line}").format(line=line))
            sys.exit(exc.exit_code)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            sys.exit(0)
        except click.UsageError as exc:
            cmd = exc.ctx.command_path if exc.ctx else "qualcode"
            echo_err(
                _("error: {format_message} (see '{cmd} --help')").format(
                    format_message=exc.format_message(), cmd=cmd
                )
            )
            sys.exit(2)
        except click.exceptions.Abort:
            echo_err(_("aborted"))
            sys.exit(130)
        except click.ClickException as exc:
            echo_err(_("error: {format_message}").format(format_message=exc.format_message()))
            sys.exit(exc.exit_code)
        except BrokenPipeError:  # `qualcode codings | head`
            sys.exit(0)
        except OSError as exc:
            # the machine, not the program: a full disk, a read-only folder, a file
            # over the size limit, a lost network drive
            if exc.errno not in ENVIRONMENT_ERRNOS:
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            echo_err(
                _("error: {where}{value} (nothing more was written)").format(
                    where=where, value=exc.strerror or exc
                )
            )
            sys.exit(1)
        except sqlite3.Error as exc:
            echo_err(
                _("error: the project database: {exc} ({sqlite_hint})").format(
                    exc=exc, sqlite_hint=_sqlite_hint(exc)
                )
            )
            sys.exit(1)
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
@click.option(
    "--blind",
    is_flag=True,
    envvar="QUALCODE_BLIND",
    help="Show only your own codings (blind coding) [env QUALCODE_BLIND].",
)
@click.option(
    "--ui-lang",
    type=click.Choice(["en", "id"]),
    metavar="en|id",
    help="The language of the interface: en (English) or id (Bahasa Indonesia) "
    "[env QUALCODE_UI_LANG; default ui_language in the settings, else the locale].",
)
@click.version_option(__version__, prog_name="qualcode")
@click.pass_context
def cli(
    ctx: click.Context, project: str | None, coder: str | None, blind: bool, ui_lang: str | None
) -> None:
    """qualcode: code interview transcripts in the terminal.

    Without a command, opens the workbench on the project in this folder
    (or, in a folder without one, the first-run screen that makes one).
    """
    given = ctx.get_parameter_source("coder") == click.core.ParameterSource.COMMANDLINE
    ctx.obj = Context(project, coder, blind=blind, coder_given=given)
    if ctx.invoked_subcommand is None:
        from qualcode.tui.app import run

        run(project, coder=coder, blind=blind)


_GLOBAL_VALUED = ("--project", "--coder")
"""Global options that take a value (skipped when looking for ``--ui-lang``)."""


def given_language(args: Sequence[str]) -> str | None:
    """The value of ``--ui-lang`` among the global options before the command, if any."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--ui-lang":
            return args[i + 1] if i + 1 < len(args) else None
        if arg.startswith("--ui-lang="):
            return arg.partition("=")[2]
        if arg in _GLOBAL_VALUED:
            i += 2
            continue
        if not arg.startswith("-") or arg == "--":
            return None
        i += 1
    return None


def choose_language(args: Sequence[str]) -> str:
    """Set the interface language before anything is printed: ``--ui-lang``, else
    ``QUALCODE_UI_LANG``, else ``ui_language`` in the settings, else the locale.

    Returns:
        The language in use.
    """
    from qualcode.i18n import normalize, set_language
    from qualcode.settings import ui_language

    given = normalize(given_language(args))
    return set_language(given or ui_language())


def localize(command: click.Command) -> None:
    """Put the help texts of ``command`` and everything under it into the interface
    language. Click keeps them as plain strings on the objects; the English text
    (the msgid, as ``docs/catalog.py`` extracts it) is kept beside them, so this can
    run again in another language."""
    import inspect

    seen = command.__dict__.get("_qc_msgids")
    if seen is None:
        seen = {}
        for attr in ("help", "short_help", "epilog"):
            text = getattr(command, attr, None)
            if text:
                seen[attr] = inspect.cleandoc(text).partition("\f")[0]
        command.__dict__["_qc_msgids"] = seen
    for attr, msgid in seen.items():
        setattr(command, attr, _(msgid))
    command._help_option = None  # click builds it (and its help text) again
    for param in command.params:
        msgid = param.__dict__.get("_qc_msgid")
        if msgid is None:
            msgid = getattr(param, "help", None) or ""
            param.__dict__["_qc_msgid"] = msgid
        if msgid:
            param.help = _(msgid)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localize(sub)


def main(argv: Sequence[str] | None = None) -> None:
    """The ``qualcode`` entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="qualcode")


MAX_INT = 2**53 - 1
"""The largest whole number an option takes (every offset, count and number fits,
and so does every database's integer)."""


class WholeNumber(click.ParamType[int]):
    """An ``int`` option whose value fits every database integer: a number like
    ``99999999999999999999999`` is one line, not an overflow deep in SQLite."""

    name = "integer"

    def __init__(self, minimum: int | None = None) -> None:
        self.minimum = minimum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                self.fail(_("{value!r} is not a valid integer.").format(value=value), param, ctx)
        if abs(number) > MAX_INT:
            self.fail(
                _("{value} is too large (at most {MAX_INT:,})").format(
                    value=value, MAX_INT=MAX_INT
                ),
                param,
                ctx,
            )
        if self.minimum is not None and number < self.minimum:
            self.fail(
                _("{number} is below {minimum}").format(number=number, minimum=self.minimum),
                param,
                ctx,
            )
        return number


INT = WholeNumber()
"""Use as ``type=INT`` for every whole-number option."""


def clip(text: str, width: int = 60) -> str:
    """One line of at most ``width`` characters (control characters shown escaped)."""
    text = escape(" ".join(text.split()))
    return text if len(text) <= width else text[: width - 1] + "…"


def pseudonyms_option(fn: Any) -> Any:
    """``--pseudonyms FILE``: a name map applied to everything the command shows or writes."""
    from pathlib import Path

    return click.option(
        "--pseudonyms",
        type=click.Path(path_type=Path),
        metavar="FILE",
        help="Name map (YAML or CSV: real name -> pseudonym) applied to everything shown "
        "or written.",
    )(fn)


def load_names(path: Any) -> Any:
    """The :class:`~qualcode.core.pseudonyms.Pseudonymizer` of ``--pseudonyms`` (empty
    without one); a bad file is one clear line."""
    from qualcode.services.reports import load_pseudonyms

    return load_pseudonyms(path)


def show(name: object) -> str:
    """A name (coder, document, code, case, speaker) as printed: a newline, a tab or
    an escape sequence in it is shown escaped (``a\\nb``), so it can neither break a
    table's lines nor restyle the terminal."""
    return escape("" if name is None else str(name))
