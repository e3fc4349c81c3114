"""Messages in the researcher's words: what an undo or redo did."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from qualcode.core.narrate import describe_step, labeller

if TYPE_CHECKING:
    from qualcode.store import Project
    from qualcode.store.history import Step


def _words(project: Project, action: str, seqs: Sequence[int], lang: str | None) -> str:
    entries = project.narration.action_facts(seqs)
    codebook = project.codebook()

    def current(code_id: str) -> str | None:
        return codebook[code_id].label_in(lang) if code_id in codebook else None

    label = labeller((f for _, facts in entries for f in facts), lang, current)
    return describe_step(action, entries, label)


def describe(project: Project, step: Step, lang: str | None = None) -> str:
    """``undid: coded «Saya datang jam delapan…» with Waktu tunggu lama``.

    Args:
        project: the project the step was taken in.
        step: what :func:`~qualcode.services.undo` or ``redo`` returned.
        lang: the label language on screen.
    """
    return _words(project, step.action, step.seqs, lang) + "".join(f"; {n}" for n in step.notes)


def describe_pending(project: Project, action: str, lang: str | None = None) -> str:
    """What the next ``undo`` (``redo``) would take back, in the same words without
    the ``undid:`` prefix; empty when there is nothing."""
    seqs = project.narration.pending_step(action)
    if not seqs:
        return ""
    line = _words(project, action, seqs, lang)
    return line.split(": ", 1)[1] if ": " in line else line
