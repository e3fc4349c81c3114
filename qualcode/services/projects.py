"""Creating projects and the demo project."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.core.model import Progress
from qualcode.services.codebook import load_codebook
from qualcode.services.imports import import_transcripts
from qualcode.services.resources import default_codebook, resource_dir

if TYPE_CHECKING:
    from qualcode.store import Project


# ---------------------------------------------------------------------- projects


def init_project(
    location: str | None, codebook: Path | None = None, *, coder: str | None = None
) -> Project:
    """Create a project (refusing to overwrite one) and link a codebook.

    Raises:
        ProjectError: when a project already exists there.
    """
    from qualcode.errors import ProjectError
    from qualcode.store import open_project
    from qualcode.store.engine import existing_project, resolve_location

    url = resolve_location(location)
    found = existing_project(url)
    if found is not None:
        raise ProjectError(f"a project already exists at {found}")
    cb = load_codebook(codebook) if codebook is not None else None
    project = open_project(location, create=True, coder=coder)
    if cb is not None and codebook is not None:
        project.sync_codebook(cb, str(codebook.resolve()))
    return project


def demo_location() -> Path:
    """Where ``qualcode demo`` keeps its project."""
    from qualcode.settings import data_dir

    return data_dir() / "demo"


def build_demo(*, rebuild: bool = False, progress: Progress | None = None) -> Path:
    """Build the demo project (once): the shipped codebook, copied into the demo
    folder so edits stay there, and the shipped transcripts.

    Returns:
        The project file.
    """
    from qualcode.store import open_project

    folder = demo_location()
    db = folder / "qualcode.db"
    if db.exists() and not rebuild:
        return db
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "qualcode.db.building"
    for leftover in folder.glob("qualcode.db.building*"):
        leftover.unlink()
    codebook_copy = folder / "kepmenpan-63.yaml"
    shutil.copyfile(default_codebook(), codebook_copy)
    project = open_project(str(tmp), create=True, coder="demo")
    try:
        project.sync_codebook(load_codebook(codebook_copy), str(codebook_copy))
        files = sorted(
            p
            for p in resource_dir("transcripts").iterdir()
            if p.suffix in (".txt", ".md") and p.name != "README.md"
        )
        report = import_transcripts(project, files, progress=progress)
        if report.errors:
            raise report.errors[0]
    finally:
        project.close()
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.replace(db)
    return db
