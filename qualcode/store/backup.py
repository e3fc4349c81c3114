"""Backups of a project: SQLite's online backup API, or ``pg_dump`` on PostgreSQL.

``qualcode backup`` writes a timestamped copy into ``backups/`` beside the project
file (a consistent snapshot even while others write: the online backup API copies
a committed state); on PostgreSQL a ``pg_dump`` custom-format file into
``./backups/``. The same copy is made automatically before a schema migration, a
project merge, a codebook sync or REFI-QDA import into a project, and a re-import
(``import --replace``), each labelled with why (``...-before-merge.db``).
``qualcode restore FILE`` puts a backup back: a SQLite copy with the backup API, a
dump with ``pg_restore`` in one transaction. The current state is backed up first,
so a restore can itself be undone.
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
from qualcode.files import read_head
from qualcode.i18n import _
from qualcode.store.engine import connect_file, open_mode

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

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
        try:
            default_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProjectError(
                _("cannot make the backup folder {default_dir}: {reason}").format(
                    default_dir=default_dir, reason=exc.strerror or exc
                )
            ) from None
        return _free(default_dir / f"{stem}-{_stamp()}{suffix}")
    target = Path(target)
    if target.is_dir():
        return _free(target / f"{stem}-{_stamp()}{suffix}")
    if not target.parent.exists():
        raise InputError(
            _("folder {target.parent} does not exist").format(target=target),
            path=target,
            hint=_("create it first"),
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
            _("only a SQLite project can be backed up this way"),
            hint=_("back up a PostgreSQL project with pg_dump (qualcode backup does)"),
        )
    return backup_sqlite_file(Path(project.path), target, label=label)


def backup_sqlite_file(source: Path, target: Path | None = None, *, label: str = "") -> Path:
    """Copy a SQLite project file with the online backup API.

    The copy is written to a hidden temporary file, flushed to disk and then
    renamed, so a backup file under its final name is always complete.

    Args:
        source: the project file (it need not be open).
        target: the file to write (or a folder); default
            ``backups/<name>-<UTC time>[-<label>].db`` beside ``source``.
        label: why the copy was made (``before-migration-0001-to-0008``).

    Returns:
        The backup file.

    Raises:
        ProjectError: the copy failed (the disk is full, the folder is read-only).
    """
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in label)[:40]
    out = _target(
        source.parent / BACKUP_FOLDER, source.stem, f"-{safe}.db" if safe else ".db", target
    )
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        src = connect_file(source, open_mode(source))
        dst = connect_file(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        _fsync(tmp)
        os.replace(tmp, out)
        _fsync(out.parent)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise ProjectError(
            _("cannot back up the project to {out}: {exc}").format(out=out, exc=exc)
        ) from None
    return out


def _fsync(path: Path) -> None:
    """Put a file (or a folder's entries) on disk before going on."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder
    finally:
        os.close(fd)


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


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
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


def dump_postgres(url: URL, target: Path | None = None, *, label: str = "") -> Path:
    """Dump the PostgreSQL database at ``url`` with ``pg_dump --format=custom``.

    Args:
        url: the project's SQLAlchemy URL.
        target: the file (or folder); default
            ``backups/<database>-<UTC time>[-<label>].dump`` in the current folder.
        label: why the dump was made.

    Raises:
        ProjectError: ``pg_dump`` is missing or fails.
    """
    tool = pg_tool("pg_dump")
    if tool is None:
        raise ProjectError(
            _("pg_dump is not installed, so a PostgreSQL project cannot be backed up"),
            hint=_(
                "install the PostgreSQL client programs (Debian: apt-get install postgresql-client)"
            ),
        )
    conninfo, env = _libpq(url)
    name = url.database or "project"
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in label)[:40]
    out = _target(Path.cwd() / BACKUP_FOLDER, name, f"-{safe}.dump" if safe else ".dump", target)
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
        raise ProjectError(_("pg_dump failed: {first}").format(first=first))
    _fsync(tmp)
    os.replace(tmp, out)
    return out


def backup(project: ProjectBase, target: Path | None = None, *, label: str = "") -> Path:
    """Back the project up (SQLite or PostgreSQL); ``label`` says why (``before-merge``)."""
    if project.dialect == "sqlite":
        return backup_sqlite(project, target, label=label)
    return dump_postgres(project.engine.url, target, label=label)


def discard(path: Path) -> None:
    """Remove an automatic backup that was not needed (the change it guarded failed or
    changed nothing), and its folder when that is left empty."""
    path.unlink(missing_ok=True)
    try:
        path.parent.rmdir()
    except OSError:
        pass  # other backups are there


PG_DUMP_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


def _pg_program(name: str) -> str:
    tool = pg_tool(name)
    if tool is None:
        raise ProjectError(
            _("{name} is not installed, so a PostgreSQL project cannot be restored").format(
                name=name
            ),
            hint=_(
                "install the PostgreSQL client programs (Debian: apt-get install postgresql-client)"
            ),
        )
    return tool


def check_dump(source: Path) -> str:
    """Check that ``source`` is a ``pg_dump`` of a qualcode project this release can open.

    Returns:
        Its schema revision.

    Raises:
        InputError: missing, not a custom-format dump, damaged, not a qualcode
            project, or of a newer schema.
        ProjectError: ``pg_restore`` is not installed.
    """
    from qualcode.store.engine import KNOWN_REVISIONS

    source = Path(source)
    if not source.exists() and not source.is_symlink():
        raise InputError(_("no such backup file"), path=source)
    head = read_head(source, 16, what="backup file")
    if head == SQLITE_MAGIC:
        raise InputError(
            _("is a SQLite backup, not a PostgreSQL dump"),
            path=source,
            hint=_("restore it into a SQLite project: qualcode --project FILE.db restore ..."),
        )
    if not head.startswith(PG_DUMP_MAGIC):
        raise InputError(
            _("not a qualcode backup of a PostgreSQL project (not a pg_dump custom-format file)"),
            path=source,
        )
    done = subprocess.run(
        [
            _pg_program("pg_restore"),
            "--data-only",
            "--table=alembic_version",
            "--file=-",
            str(source),
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["cannot be read"])[0]
        raise InputError(
            _("the dump is damaged ({first})").format(first=first),
            path=source,
            hint=_("restore an older backup"),
        )
    # COPY public.alembic_version (version_num) FROM stdin;\n0009\n\\.
    lines = done.stdout.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith("COPY ")), None)
    revision = lines[start + 1].strip() if start is not None and start + 1 < len(lines) else ""
    if not revision or revision == "\\.":
        raise InputError(_("not a qualcode backup (no schema version)"), path=source)
    if revision not in KNOWN_REVISIONS:
        raise InputError(
            _("the backup has schema {revision}, unknown to this qualcode").format(
                revision=revision
            ),
            path=source,
            hint=_("restore it with the qualcode that wrote it"),
        )
    return revision


def restore_postgres(url: URL | str, source: Path) -> tuple[Path, str]:
    """Replace the PostgreSQL project at ``url`` with the dump ``source``.

    The current state is dumped first (``backups/<db>-<time>-before-restore.dump``).
    ``pg_restore --clean`` runs in one transaction: on any error the database is
    left as it was. Run it as the project's owner. Coders' roles are granted their
    privileges again afterwards (the dump leaves privileges out, so it also
    restores into another server).

    Returns:
        ``(the dump of the state before, the URL without its password)``.

    Raises:
        InputError: ``source`` is not a usable dump (see :func:`check_dump`).
        ProjectError: ``pg_dump``/``pg_restore`` missing, or the restore failed.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(url)
    check_dump(source)
    before = dump_postgres(url, label="before-restore")
    conninfo, env = _libpq(url)
    done = subprocess.run(
        [
            _pg_program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={conninfo}",
            str(source),
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["failed"])[0]
        raise ProjectError(
            _("pg_restore failed, the project is as it was: {first}").format(first=first),
            hint=_("restore as the role that owns the project"),
        )
    from qualcode.store import postgres

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            postgres.refresh_grants(conn)
    finally:
        engine.dispose()
    return before, url.render_as_string(hide_password=True)


def restore_sqlite(project: ProjectBase, source: Path) -> tuple[Path, Path]:
    """Replace an open SQLite project's content with a backup, after backing it up.

    Args:
        project: the open project (its connections are closed first).
        source: a backup file made by :func:`backup_sqlite`.

    Returns:
        ``(backup of the state before, the project file)``.

    Raises:
        InputError: ``source`` is missing or is not a qualcode project.
        ProjectError: on PostgreSQL (use ``pg_restore``).
    """
    if project.path is None:
        raise ProjectError(
            _("restore works on a SQLite project"),
            hint=_("on PostgreSQL use pg_restore --clean --dbname=... FILE"),
        )
    check_backup(source)
    project.release_connections()
    return restore_sqlite_file(Path(project.path), source)


def check_backup(source: Path) -> str:
    """Check that ``source`` is a whole qualcode project this release can open.

    Returns:
        Its schema revision.

    Raises:
        InputError: missing, not SQLite, damaged, not a qualcode project, or of a
            newer schema.
    """
    from qualcode.store.engine import KNOWN_REVISIONS

    source = Path(source)
    if not source.exists() and not source.is_symlink():
        raise InputError(_("no such backup file"), path=source)
    head = read_head(source, 16, what="backup file")
    if head.startswith(PG_DUMP_MAGIC):
        raise InputError(
            _("is a PostgreSQL dump, not a SQLite backup"),
            path=source,
            hint=_(
                "restore it into a PostgreSQL project: qualcode --project postgresql://... restore"
            ),
        )
    if head != SQLITE_MAGIC:
        raise InputError(_("not a qualcode backup (not a SQLite file)"), path=source)
    try:
        con = connect_file(source, "ro")
        try:
            check = con.execute("PRAGMA quick_check").fetchall()
            if check != [("ok",)]:
                raise InputError(
                    _("the backup is damaged ({check})").format(check=check[0][0]),
                    path=source,
                    hint=_("restore an older backup"),
                )
            revision = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        raise InputError(_("not a qualcode backup (no schema version)"), path=source) from None
    if revision is None or revision[0] not in KNOWN_REVISIONS:
        raise InputError(
            (
                _("the backup has schema {revision}, unknown to this qualcode").format(
                    revision=revision[0]
                )
                if revision
                else _("the backup names no schema version, unknown to this qualcode")
            ),
            path=source,
            hint=_("restore it with the qualcode that wrote it"),
        )
    return str(revision[0])


def restore_sqlite_file(dest: Path, source: Path) -> tuple[Path, Path]:
    """Put the backup ``source`` in place of the project file ``dest``.

    The project need not open: a damaged file, or one a newer qualcode wrote, is
    restored too. Its current state is kept first in ``backups/`` beside it (with
    the online backup API, or byte for byte when SQLite cannot read it). The
    backup is copied into the project file with the online backup API, which
    takes SQLite's locks, so a workbench open on the project meanwhile sees either
    the old or the restored content; a file SQLite cannot open is replaced whole.

    Returns:
        ``(copy of the state before, the project file)``.

    Raises:
        InputError: ``source`` is not a usable backup (see :func:`check_backup`),
            or is the project file itself.
        ProjectError: the copy or the restore failed.
    """
    source = Path(source)
    dest = Path(dest)
    check_backup(source)
    if dest.exists() and dest.resolve() == source.resolve():
        raise InputError(_("is the project file itself"), path=source, hint=_("name a backup"))
    if dest.exists():
        try:
            before = backup_sqlite_file(dest, label="before-restore")
        except ProjectError:
            before = _raw_copy(dest)
    else:
        before = dest  # nothing to keep
    try:
        src = connect_file(source, "ro")
        try:
            dst = connect_file(dest)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.DatabaseError:
        _replace_whole(dest, source)
    return before, dest


def _raw_copy(dest: Path) -> Path:
    """A byte copy of a project file SQLite cannot read (and of its WAL)."""
    out = _target(dest.parent / BACKUP_FOLDER, dest.stem, "-before-restore-damaged.db", None)
    try:
        shutil.copyfile(dest, out)
        wal = Path(f"{dest}-wal")
        if wal.exists():
            shutil.copyfile(wal, Path(f"{out}-wal"))
    except OSError as exc:
        raise ProjectError(
            _("cannot keep a copy of {dest} before restoring: {exc}").format(dest=dest, exc=exc)
        ) from None
    return out


def _replace_whole(dest: Path, source: Path) -> None:
    """Put a copy of ``source`` in place of ``dest`` by renaming (``dest`` unreadable)."""
    tmp = dest.with_name(f".{dest.name}.restore.tmp")
    try:
        src = connect_file(source, "ro")
        dst = connect_file(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        _fsync(tmp)
        for suffix in ("-wal", "-shm"):
            Path(f"{dest}{suffix}").unlink(missing_ok=True)
        os.replace(tmp, dest)
        _fsync(dest.parent)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise ProjectError(_("cannot restore {dest}: {exc}").format(dest=dest, exc=exc)) from None
