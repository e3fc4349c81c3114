"""Undo and redo from a screen of the workbench: the one place that says what was
taken back or done again, or why it could not be (the coding and themes screens)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from qualcode.errors import ConflictError, QualcodeError, StepRefused
from qualcode.i18n import _
from qualcode.store import Project


def undo_or_redo(
    screen: Screen[Any],
    project: Project,
    which: str,
    label_lang: str | None,
    reload: Callable[[], object],
) -> None:
    """Undo (``which`` ``"undo"``) or redo the last action of ``project``; on success
    ``reload`` the screen and say what was done, else say why not (a toast on
    ``screen``)."""
    from qualcode import services

    run = services.undo if which == "undo" else services.redo
    try:
        step = run(project)
    except StepRefused as exc:
        screen.notify(str(exc), severity="error", timeout=10)
        return
    except ConflictError as exc:
        what = services.describe_pending(project, which, label_lang)
        message = (
            _("cannot undo {what}: it was changed since by a later action")
            if which == "undo"
            else _("cannot redo {what}: it was changed since by a later action")
        )
        screen.notify(
            message.format(what=what) + (f" ({exc.problem.hint})" if exc.problem.hint else ""),
            severity="error",
            timeout=8,
        )
        return
    except QualcodeError as exc:
        screen.notify(str(exc), severity="error", timeout=8)
        return
    if step is None:
        from qualcode.services.history import nothing_left

        screen.notify(nothing_left(project, which), severity="warning", timeout=5)
        return
    reload()
    screen.notify(services.describe(project, step, label_lang), timeout=4)
