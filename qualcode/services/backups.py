"""Automatic backups before changes that are hard to take back.

Before a project merge, a codebook sync (a merged codebook loaded into the
project), a REFI-QDA import into an existing project, a re-import that re-anchors
codings (``import --replace``) and a schema migration, the project is copied: a
SQLite file with the online backup API into ``backups/`` beside it, a PostgreSQL
database with ``pg_dump`` into ``./backups/``. The copy's name says why
(``qualcode-20260115-093000-before-merge.db``). When the change fails or turns out
to change nothing, the copy is removed again; when the copy cannot be made, the
change is not made. ``qualcode restore FILE`` puts a copy back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from qualcode.store import Project

T = TypeVar("T")


def auto_backup(
    project: Project,
    label: str,
    change: Callable[[], T],
    *,
    changed: Callable[[T], bool] = lambda _: True,
    enabled: bool = True,
) -> tuple[T, Path | None]:
    """Back the project up, then make ``change``; keep the copy only when it mattered.

    Args:
        project: the open project.
        label: why the copy is made (``before-merge``), part of its file name.
        change: the change; its result is returned.
        changed: says from the result whether anything changed; when not, the copy
            is removed.
        enabled: ``False`` makes no copy (``--no-backup``, a project just created).

    Returns:
        ``(the change's result, the copy or None)``.

    Raises:
        ProjectError: the copy cannot be made; then nothing is changed.
    """
    return auto_backup_to(project, label, lambda _saved: change(), changed=changed, enabled=enabled)


def auto_backup_to(
    project: Project,
    label: str,
    change: Callable[[Path | None], T],
    *,
    changed: Callable[[T], bool] = lambda _: True,
    enabled: bool = True,
) -> tuple[T, Path | None]:
    """:func:`auto_backup` for a change that records where its copy is (a project
    merge writes it into its log entry: the backup is the merge's undo)."""
    from qualcode.store.backup import backup, discard

    saved = backup(project, label=label) if enabled else None
    try:
        result = change(saved)
    except BaseException:
        if saved is not None:
            discard(saved)
        raise
    if saved is not None and not changed(result):
        discard(saved)
        saved = None
    return result, saved
