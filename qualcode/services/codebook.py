"""Codebook use cases: load, validate, sync."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.core.codebook import Codebook
from qualcode.core.model import SyncReport
from qualcode.errors import InputError

if TYPE_CHECKING:
    from qualcode.store import Project


# ---------------------------------------------------------------------- codebook


def load_codebook(path: Path) -> Codebook:
    """Read and validate a YAML codebook (one line per problem on failure)."""
    from qualcode.importers.codebook_yaml import load_codebook as _load

    return _load(path)


def sync_codebook(project: Project, path: Path | None = None, *, backup: bool = True) -> SyncReport:
    """Load the YAML codebook (``path`` or the project's linked file) into the project.

    The project is backed up first (``backups/...-before-codebook-sync.db``; the copy
    is removed again when the sync changes nothing or is refused), unless ``backup``
    is false.

    Raises:
        InputError: invalid file, no linked file, or codes with codings dropped.
    """
    if path is None:
        linked = project.get_setting("codebook_path")
        if not linked:
            raise InputError(
                "the project has no codebook file",
                hint="pass one: qualcode codebook sync FILE",
            )
        path = Path(linked)
    from qualcode.services.backups import auto_backup

    codebook = load_codebook(path)
    source = str(path.resolve())
    report, saved = auto_backup(
        project,
        "before-codebook-sync",
        lambda: project.codebook_sync.sync_codebook(codebook, source),
        changed=lambda r: r.rows > 0,
        enabled=backup,
    )
    return dataclasses.replace(report, backup=str(saved)) if saved else report


def write_back(project: Project) -> Path | None:
    """Write the project's codebook into its linked YAML file (comments and order kept).

    On PostgreSQL the database is the only master and nothing is written.

    Returns:
        The file written, or ``None``.
    """
    from qualcode.exporters.codebook_yaml import write_codebook

    linked = project.get_setting("codebook_path")
    if not linked or project.dialect != "sqlite":
        return None
    path = Path(linked)
    write_codebook(project.codebook(), path)
    return path


def export_codebook(project: Project, output: Path) -> None:
    """Write the project's codebook as a new YAML file."""
    from qualcode.exporters.codebook_yaml import write_codebook

    if output.exists():
        output.unlink()
    write_codebook(project.codebook(), output)
