"""One exception root for every problem a user can cause.

Core, store, importers and exporters raise :class:`QualcodeError` (or a subclass); the
CLI and the TUI render it as one line: ``FILE:LINE:COL: message (hint)``. A traceback is
only ever shown for a bug, never for a user's mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters a one-line message never prints raw (escape sequences,
bidirectional overrides)."""


@dataclass(frozen=True)
class Problem:
    """One problem in one input, with its place when there is one.

    Attributes:
        message: what is wrong, in words a researcher understands.
        path: the file (or URL) the problem is in.
        line: 1-based line number, when the input has lines.
        column: 1-based column number.
        hint: what to do about it.
    """

    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def format(self) -> str:
        """Render as ``FILE:LINE:COL: message (hint)``, leaving out what is unknown."""
        place = ""
        if self.path is not None:
            place = str(self.path)
            if self.line is not None:
                place += f":{self.line}"
                if self.column is not None:
                    place += f":{self.column}"
            place += ": "
        text = f"{place}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        if len(text.splitlines()) > 1:  # a value quoted from the input may hold line breaks
            text = " ".join(part.strip() for part in text.splitlines() if part.strip())
        # a file name or value may hold an escape sequence: never sent to the terminal raw
        return _CONTROL.sub(
            lambda m: (
                f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}"
            ),
            text,
        )

    def __str__(self) -> str:
        return self.format()


class QualcodeError(Exception):
    """A problem caused by input (a file, an argument, a project), not by a bug.

    Args:
        message: what is wrong.
        path: the file the problem is in.
        line: 1-based line.
        column: 1-based column.
        hint: what to do.
        problems: further problems when one input has several (a codebook with
            three duplicate ids reports all three).
    """

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        problems: list[Problem] | None = None,
    ) -> None:
        self.problem = Problem(message, str(path) if path is not None else None, line, column, hint)
        self.problems = problems if problems else [self.problem]
        super().__init__(self.problem.format())

    @classmethod
    def from_problems(cls, problems: list[Problem]) -> QualcodeError:
        """Build one error that carries several problems (the first is the summary)."""
        first = problems[0]
        err = cls(
            first.message,
            path=first.path,
            line=first.line,
            column=first.column,
            hint=first.hint,
            problems=list(problems),
        )
        return err

    def lines(self) -> list[str]:
        """Every problem as one line each."""
        return [p.format() for p in self.problems]


class InputError(QualcodeError):
    """A file or argument handed in by the user cannot be used."""


class ProjectError(QualcodeError):
    """The project cannot be opened or is not in a state for this action."""


class NotFoundError(QualcodeError):
    """A named document, code, coding or memo does not exist."""


class ConflictError(QualcodeError):
    """Someone else changed the same thing first (optimistic concurrency)."""


class StepRefused(ConflictError):
    """An undo or redo refused with a message that says why in full (an import whose
    document others have coded since): shown as it is, not as "changed since"."""


class ProjectGoneError(ProjectError):
    """The project file was deleted, moved away or replaced while it was open.

    Nothing more is written to it; what the open connection still holds can be saved
    to a new file (``Project.save_copy``).
    """
