"""The command line: every operation as a subcommand; bare ``qualcode`` opens the TUI.

Each command parses its arguments, calls one function of ``services`` or the
Project API, and prints. Data goes to stdout, diagnostics to stderr. A user's
mistake is one line (``error: FILE:LINE:COL: message (hint)``) and a non-zero exit,
never a traceback. Heavy libraries load inside the commands that need them, so
``qualcode --help`` answers at once.

Commands live in one module per area; importing them here registers them.
"""

from qualcode.cli import (  # noqa: F401  (registers commands)
    autocode,
    codebook,
    codebook_merge,
    coding,
    export,
    findings,
    history,
    memos,
    project,
    refi,
    review,
    serve,
    team,
    text,
    thematic_map,
    themes,
    transcripts,
)
from qualcode.cli._base import cli, main

__all__ = ["cli", "main"]
