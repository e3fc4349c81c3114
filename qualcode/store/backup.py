"""Backups of a project: SQLite's online backup API, or ``pg_dump`` on PostgreSQL.

``qualcode backup`` writes a timestamped copy into ``backups/`` beside the project
file (a consistent snapshot even while others write: the online backup API copies
a committed state). ``qualcode merge`` makes one before it writes anything.
``qualcode restore FILE`` puts a SQLite backup back (after backing up the current
state, so a restore can itself be undone).
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.errors import InputError, ProjectError

if TYPE_CHECKING:
    from qualcode.store.base import ProjectBase

BACKUP_FOLDER = "backups"
"""The folder beside the project file that holds its backups."""


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S")


def _free(path: Path) -> Path:
    if not path.exists():
        return path
    i = 2
    while (candidate := path.with_name(f"{path.stem}-{i}{path.suffix}")).exists():
        i += 1
    return candidate


def _target(default_dir: Path, stem: str, suffix: str, target: Path | None) -> Path:
    if target is None:
        default_dir.mkdir(parents=True, exist_ok=True)
        return _free(default_dir / f"{stem}-{_stamp()}{suffix}")
    target = Path(target)
    if target.is_dir():
        return _free(target / f"{stem}-{_stamp()}{suffix}")
    if not target.parent.exists():
        raise InputError(
            f"folder {target.parent} does not exist", path=target, hint="create it first"
        )
    return target


def backup_sqlite(project: ProjectBase, target: Path | None = None, *, label: str = "") -> Path:
    """Copy a SQLite project with the online backup API (consistent while others write).

    Args:
        project: an open SQLite project.
        target: the file to write (or a folder); default
            ``backups/<name>-<UTC time>[-<label>].db`` beside the project file.
        label: why the copy was made (``before-replace``, ``before-merge``).

    Returns:
        The backup file.

    Raises:
        ProjectError: not a SQLite project, or the copy failed.
    """
    if project.path is None:
        raise ProjectError(
            "only a SQLite project can be backed up this way",
            hint="back up a PostgreSQL project with pg_dump (qualcode backup does)",
        )
    source = Path(project.path)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in label)[:40]
    out = _target(
        source.parent / BACKUP_FOLDER, source.stem, f"-{safe}.db" if safe else ".db", target
    )
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        src = sqlite3.connect(source)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        os.replace(tmp, out)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise ProjectError(f"cannot back up the project to {out}: {exc}") from None
    return out


def pg_tool(name: str) -> str | None:
    """A PostgreSQL client program: on ``PATH``, else the newest Debian install."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return candidates[-1] if candidates else None


def _libpq(project: ProjectBase) -> tuple[str, dict[str, str]]:
    url = project.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    host = url.host or ""
    port = f":{url.port}" if url.port else ""
    user = f"{url.username}@" if url.username else ""
    conninfo = f"postgresql://{user}{host}{port}/{url.database or ''}"
    for key, value in url.query.items():
        conninfo += ("&" if "?" in conninfo else "?") + f"{key}={value}"
    return conninfo, env


def backup_postgres(project: ProjectBase, target: Path | None = None) -> Path:
    """Dump a PostgreSQL project with ``pg_dump`` (custom format, for ``pg_restore``).

    Args:
        project: an open PostgreSQL project.
        target: the file (or folder); default ``backups/<database>-<UTC time>.dump``
            in the current folder.

    Raises:
        ProjectError: ``pg_dump`` is missing or fails.
    """
    tool = pg_tool("pg_dump")
    if tool is None:
        raise ProjectError(
            "pg_dump is not installed, so a PostgreSQL project cannot be backed up",
            hint="install the PostgreSQL client programs (Debian: apt-get install postgresql-client)",
        )
    conninfo, env = _libpq(project)
    name = project.engine.url.database or "project"
    out = _target(Path.cwd() / BACKUP_FOLDER, name, ".dump", target)
    tmp = out.with_name(f".{out.name}.tmp")
    done = subprocess.run(
        [tool, "--format=custom", "--no-owner", f"--file={tmp}", f"--dbname={conninfo}"],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        tmp.unlink(missing_ok=True)
        first = (done.stderr.strip().splitlines() or ["failed"])[0]
        raise ProjectError(f"pg_dump failed: {first}")
    os.replace(tmp, out)
    return out


def backup(project: ProjectBase, target: Path | None = None) -> Path:
    """Back the project up (SQLite or PostgreSQL)."""
    if project.dialect == "sqlite":
        return backup_sqlite(project, target)
    return backup_postgres(project, target)


def restore_sqlite(project: ProjectBase, source: Path) -> tuple[Path, Path]:
    """Replace a SQLite project's content with a backup, after backing it up.

    Args:
        project: the open project (its connections are closed first).
        source: a backup file made by :func:`backup_sqlite`.

    Returns:
        ``(backup of the state before, the project file)``.

    Raises:
        InputError: ``source`` is missing or is not a qualcode project.
        ProjectError: on PostgreSQL (use ``pg_restore``).
    """
    from qualcode.store.engine import KNOWN_REVISIONS

    if project.path is None:
        raise ProjectError(
            "restore works on a SQLite project",
            hint="on PostgreSQL use pg_restore --clean --dbname=... FILE",
        )
    source = Path(source)
    if not source.is_file():
        raise InputError("no such backup file", path=source)
    with open(source, "rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise InputError("not a qualcode backup (not a SQLite file)", path=source)
    try:
        con = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            revision = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        raise InputError("not a qualcode backup (no schema version)", path=source) from None
    if revision is None or revision[0] not in KNOWN_REVISIONS:
        raise InputError(
            f"the backup has schema {revision[0] if revision else 'none'}, unknown to this qualcode",
            path=source,
            hint="restore it with the qualcode that wrote it",
        )
    before = backup_sqlite(project)
    project.engine.dispose()
    dest = Path(project.path)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return before, dest
