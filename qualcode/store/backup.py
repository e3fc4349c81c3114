"""Copies of a SQLite project made before a risky change (e.g. ``import --replace``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.clock import now
from qualcode.errors import ProjectError

if TYPE_CHECKING:
    from qualcode.store.base import ProjectBase

BACKUP_FOLDER = "backups"
"""Folder beside the project file that holds the copies."""


def backup_sqlite(project: ProjectBase, *, label: str = "backup") -> Path:
    """Copy the project file into ``backups/`` beside it with SQLite's online backup API.

    The copy is consistent even while another process writes (WAL). Its name is
    ``<project stem>-<UTC time>-<label>.db``; an existing name gets ``-2``, ``-3`` ...

    Returns:
        The path of the copy.

    Raises:
        ProjectError: the project is not a SQLite file, or the copy failed.
    """
    if project.path is None:
        raise ProjectError(
            "only a SQLite project can be backed up this way",
            hint="back up a PostgreSQL project with pg_dump",
        )
    source = Path(project.path)
    folder = source.parent / BACKUP_FOLDER
    stamp = now().replace(":", "").replace("-", "").replace("T", "-").rstrip("Z")
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in label)[:40]
    target = folder / f"{source.stem}-{stamp}-{safe}.db"
    i = 2
    while target.exists():
        target = folder / f"{source.stem}-{stamp}-{safe}-{i}.db"
        i += 1
    try:
        folder.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(source)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except (OSError, sqlite3.Error) as exc:
        raise ProjectError(f"cannot back up the project to {target}: {exc}") from None
    return target
