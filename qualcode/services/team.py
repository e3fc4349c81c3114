"""Team use cases: project merge (with a backup first), backup and restore,
agreement reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.core.agreement import AgreementReport
from qualcode.core.project_merge import ProjectMergeReport
from qualcode.core.pseudonyms import Pseudonymizer
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.store import Project


def merge_project(
    project: Project, other: str, *, dry_run: bool = False, backup: bool = True
) -> ProjectMergeReport:
    """Merge another project into ``project``.

    The other project is read (and checked) first; then, unless this is a dry run,
    ``project`` is backed up; then everything is merged in one transaction.

    Args:
        project: our project.
        other: the other project's file, folder or URL.
        dry_run: report what would happen, change nothing.
        backup: back up first (on by default).

    Raises:
        ProjectError: the other is not a project, has a newer schema, cannot be
            reached; our backup failed.
    """
    from qualcode.services.backups import auto_backup_to
    from qualcode.store.project_merge import read_project

    theirs = read_project(other, ours=project.location)
    report, saved = auto_backup_to(
        project,
        "before-merge",
        lambda copy: project.merge.merge_from(
            theirs, dry_run=dry_run, backup=str(copy) if copy else None
        ),
        changed=lambda r: r.changed,
        enabled=backup and not dry_run,
    )
    report.backup = str(saved) if saved else None
    if not dry_run and (report.codes_added or report.codes_deleted or report.aliases_added):
        from qualcode.services.codebook import write_back

        write_back(project)  # the linked YAML file follows the project's codebook
    return report


def backup_project(project: Project, target: Path | None = None) -> Path:
    """Back the project up (SQLite: online backup into ``backups/``; PostgreSQL:
    ``pg_dump``)."""
    from qualcode.store.backup import backup

    return backup(project, target)


def restore_project(project: Project, source: Path) -> tuple[Path, Path]:
    """Put a SQLite backup back; the current state is backed up first.

    Returns:
        ``(backup of the state before, the project file)``.
    """
    from qualcode.store.backup import restore_sqlite

    return restore_sqlite(project, source)


def restore_location(location: str | None, source: Path) -> tuple[Path | None, str]:
    """Put a backup back in place of the project at ``location`` (``--project``),
    without opening it first, so a project that no longer opens can be restored.

    A SQLite project gets a SQLite backup (online backup API); a PostgreSQL project
    a ``pg_dump`` file (``pg_restore`` in one transaction, as the project's owner).

    Returns:
        ``(copy of the state before or None when there was no project, the project
        file or URL without its password)``.

    Raises:
        InputError: ``source`` is not a usable backup for this kind of project.
        ProjectError: the restore failed (``pg_restore`` missing, not the owner).
    """
    from qualcode.errors import ProjectError
    from qualcode.store.backup import restore_postgres, restore_sqlite_file
    from qualcode.store.engine import resolve_location, sqlite_path

    url = resolve_location(location)
    path = sqlite_path(url)
    if path is None:
        return restore_postgres(url, source)
    if path.is_dir():
        raise ProjectError(_("{path} is a folder, not a project file").format(path=path))
    before, target = restore_sqlite_file(path, source)
    return (None if before == target else before), str(target)


def agreement_report(
    project: Project,
    coders: Sequence[str],
    *,
    unit: str = "char",
    codes: Sequence[str] | None = None,
    include_unfinished: bool = False,
    names: Pseudonymizer | None = None,
) -> AgreementReport:
    """Agreement between coders on the documents they marked done (with ``names``,
    the documents and the disagreements' quotes under their pseudonyms)."""
    report = project.team.agreement(
        coders, unit=unit, codes=codes, include_unfinished=include_unfinished
    )
    return names.apply(report) if names else report


def write_agreement(report: AgreementReport, fmt: str, output: Path | None) -> str | None:
    """Render or write an agreement report (``table``, ``csv``, ``xlsx``, ``json``)."""
    from qualcode.exporters.agreement import write_agreement as _write

    return _write(report, fmt, output)


# ---------------------------------------------------------------------- adjudication


def adjudication_pair(
    project: Project, doc: str, consensus: str = "consensus"
) -> tuple[str, str] | None:
    """The two coders to adjudicate on ``doc`` when none are named: the two with the
    most codings in it (ties by name), leaving out the consensus coder and every
    member whose role is ``consensus``.

    Returns:
        ``(a, b)``, or ``None`` when fewer than two coders coded ``doc``.
    """
    roles = {m.name: m.role for m in project.team.team_members()}
    counts = Counter(
        c.coder
        for c in project.codings.codings(doc=doc)
        if c.coder != consensus and roles.get(c.coder) != "consensus"
    )
    ranked = sorted(counts, key=lambda name: (-counts[name], name))
    return (ranked[0], ranked[1]) if len(ranked) >= 2 else None
