"""Undo and redo, with the codebook file kept in step."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qualcode.store import Project
    from qualcode.store.history import Step


# ---------------------------------------------------------------------- history


def undo(project: Project, *, coder: str | None = None) -> Step | None:
    """Undo the coder's newest action (or group); writes the YAML back after a
    codebook edit. ``None`` when there is nothing left to undo."""
    step = project.undo(coder=coder)
    if step is not None and step.codebook_changed:
        _write_back(project)
    return step


def redo(project: Project, *, coder: str | None = None) -> Step | None:
    """Redo the coder's newest undone action (or group); ``None`` when there is none."""
    step = project.redo(coder=coder)
    if step is not None and step.codebook_changed:
        _write_back(project)
    return step


def _write_back(project: Project) -> None:
    from qualcode.services.codebook import write_back

    write_back(project)
