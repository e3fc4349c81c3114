"""Undo and redo, with the codebook file kept in step; a workbench window's identity."""

from __future__ import annotations

import getpass
import hashlib
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.core.history import CLI_WINDOW
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.store import Project
    from qualcode.store.history import Step


# ---------------------------------------------------------------------- history


def undo(project: Project, *, coder: str | None = None, anywhere: bool = False) -> Step | None:
    """Undo the person's newest action (or group) of this window; writes the YAML back
    after a codebook edit. ``None`` when there is nothing left to undo.

    Args:
        project: the open project (its ``window`` is the scope).
        coder: the person (default: the project's coder).
        anywhere: the newest action of any window (``qualcode undo --any``).
    """
    step = project.history.undo(coder=coder, anywhere=anywhere)
    if step is not None and step.codebook_changed:
        _write_back(project)
    return step


def redo(project: Project, *, coder: str | None = None, anywhere: bool = False) -> Step | None:
    """Redo the person's newest undone action (or group); ``None`` when there is none."""
    step = project.history.redo(coder=coder, anywhere=anywhere)
    if step is not None and step.codebook_changed:
        _write_back(project)
    return step


def nothing_left(project: Project, action: str, *, anywhere: bool = False) -> str:
    """Why there is nothing to undo (or redo): a project merge, a re-import or a
    REFI-QDA import ended the history (and its backup is its undo), or nothing was
    done in this window."""
    end = project.history.history_end(anywhere=anywhere) if action == "undo" else None
    if end is not None:
        return end.describe(action)
    elsewhere = (
        project.history.can_undo(anywhere=True) if action == "undo" and not anywhere else None
    )
    if elsewhere:
        line = (
            _(
                "nothing to undo from the command line (your newest action elsewhere: "
                "{elsewhere}; 'qualcode undo --any' takes it back)"
            )
            if project.window == CLI_WINDOW
            else _(
                "nothing to undo in this window (your newest action elsewhere: "
                "{elsewhere}; 'qualcode undo --any' takes it back)"
            )
        )
        return line.format(elsewhere=elsewhere)
    return _("nothing to undo") if action == "undo" else _("nothing to redo")


def _write_back(project: Project) -> None:
    from qualcode.services.codebook import write_back

    write_back(project)


# ---------------------------------------------------------------------- windows


@dataclass
class WindowClaim:
    """A workbench window's identity, held while the window is open.

    Windows are numbered per machine, login, project and coder: a window takes the
    lowest number no open window holds (an advisory lock on a small file in the data
    folder, released when the window closes or its process dies), so a workbench
    opened again after it was closed (or killed) continues that window's history,
    while two windows open at once never undo each other's actions.

    Attributes:
        id: the window id recorded on every action (``tui:LOGIN@HOST:N``).
        path: the lock file.
    """

    id: str
    path: Path | None
    _handle: Any = None

    def release(self) -> None:
        """Let another window take this number (the process ending does it too)."""
        if self._handle is not None:
            try:
                self._handle.close()
            finally:
                self._handle = None


def claim_window(location: str, coder: str, *, folder: Path | None = None) -> WindowClaim:
    """Take the lowest free window number for ``coder`` on the project at ``location``.

    Args:
        location: the project's URL (SQLite file or PostgreSQL database).
        coder: the person.
        folder: where the lock files live (default: ``<data dir>/windows``).
    """
    try:
        login = getpass.getuser()
    except Exception:  # no login name (containers)
        login = "user"
    host = socket.gethostname() or "host"
    if folder is None:
        from qualcode.settings import data_dir

        folder = data_dir() / "windows"
    key = hashlib.sha256(f"{location}\x1f{coder}".encode()).hexdigest()[:16]
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks, one-off ids
        import uuid

        return WindowClaim(f"tui:{login}@{host}:{uuid.uuid4().hex[:8]}", None)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        import uuid

        return WindowClaim(f"tui:{login}@{host}:{uuid.uuid4().hex[:8]}", None)
    for n in range(1, 1000):
        path = folder / f"{key}-{n}.lock"
        handle = open(path, "a+")  # noqa: SIM115 - held open while the window is
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            continue
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {location} {coder}\n")
        handle.flush()
        return WindowClaim(f"tui:{login}@{host}:{n}", path, handle)
    raise RuntimeError("more than 999 workbench windows are open")  # pragma: no cover
