"""Write the command-line reference from the commands' own ``--help``.

``docs/cli.md`` starts with a hand-written part (conventions, bad input, JSON output);
its "Every command" section, between the ``<!-- cli-reference -->`` markers, is
written here: a table of every command with its one-line summary, then each command's
full ``--help``. ``tests/test_docs.py`` fails when that part is out of date or a
command or option has no help text.

Run: ``.venv/bin/python docs/cli_reference.py``
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import click

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
CLI_MD = DOCS / "cli.md"
WIDTH = 88
START = "<!-- cli-reference:start (written by docs/cli_reference.py down to the end marker) -->"
END = "<!-- cli-reference:end -->"


def walk(
    cmd: click.Command, name: str = "qualcode", parent: click.Context | None = None
) -> Iterator[tuple[str, click.Command, click.Context]]:
    """Every command under ``cmd`` (itself first), with its help context."""
    settings = {**cmd.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    ctx = click.Context(cmd, info_name=name, parent=parent, **settings)
    yield ctx.command_path, cmd, ctx
    if isinstance(cmd, click.Group):
        for sub in sorted(cmd.list_commands(ctx)):
            child = cmd.get_command(ctx, sub)
            if child is not None and not child.hidden:
                yield from walk(child, sub, ctx)


def commands() -> list[tuple[str, click.Command, click.Context]]:
    """Every command, with its help in English (docs/cli.md stays English)."""
    from qualcode.cli import cli
    from qualcode.cli._base import localize
    from qualcode.i18n import set_language

    set_language("en")
    localize(cli)

    return list(walk(cli))


def anchor(path: str) -> str:
    """GitHub's anchor for a ``### path`` heading."""
    return re.sub(r"[^a-z0-9 -]", "", path.lower()).replace(" ", "-")


def summary() -> str:
    """The table of every command (below ``qualcode`` itself) with its summary."""
    rows = ["| command | what it does |", "| --- | --- |"]
    for path, cmd, _ctx in commands()[1:]:
        short = cmd.get_short_help_str(limit=200).replace("|", "\\|")
        rows.append(f"| [`{path}`](#{anchor(path)}) | {short} |")
    return "\n".join(rows)


def generated() -> str:
    """What goes between the markers: the table, then every command's ``--help``."""
    out = [summary(), ""]
    for path, _cmd, ctx in commands():
        out += [f"### {path}", "", "```text", ctx.get_help().rstrip(), "```", ""]
    return "\n".join(out)


def with_reference(text: str) -> str:
    """``text`` (docs/cli.md) with the part between the markers written anew."""
    if START not in text or END not in text:
        raise SystemExit(f"docs/cli.md lacks the markers {START} ... {END}")
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{START}\n{generated()}{END}{tail}"


def undocumented() -> list[str]:
    """Commands and options without a help text."""
    missing = []
    for path, cmd, _ctx in commands():
        if not (cmd.help or cmd.short_help):
            missing.append(path)
        for param in cmd.params:
            if isinstance(param, click.Option) and not param.help and not param.hidden:
                missing.append(f"{path} {param.opts[0]}")
    return missing


def main() -> int:
    CLI_MD.write_text(with_reference(CLI_MD.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote docs/cli.md ({len(commands())} commands)")
    missing = undocumented()
    for m in missing:
        print(f"no help: {m}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
