"""Codebook use cases: load, validate, sync."""

from __future__ import annotations

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


def sync_codebook(project: Project, path: Path | None = None) -> SyncReport:
    """Load the YAML codebook (``path`` or the project's linked file) into the project.

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
    codebook = load_codebook(path)
    return project.sync_codebook(codebook, str(path.resolve()))


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
