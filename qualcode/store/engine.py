"""Engines, SQLite pragmas, and migrations applied when a project opens."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

from qualcode.errors import ProjectError

PROJECT_FILE = "qualcode.db"
"""The project file a folder holds."""

SCHEMA_HEAD = "0017"
"""The newest Alembic revision this release knows; checked against Alembic in tests."""

KNOWN_REVISIONS = ("0001", "0002", "0003", "0005", "0008", "0017")
"""Every revision this release can upgrade from, oldest first."""

BUSY_TIMEOUT_MS = 30_000


def resolve_location(location: str | os.PathLike[str] | None) -> str:
    """Turn ``--project`` (a file, a folder, a URL or nothing) into a database URL.

    Args:
        location: a ``.db`` file, a folder holding ``qualcode.db``, a
            ``postgresql+psycopg://`` URL, or ``None`` for ``$QUALCODE_PROJECT`` or
            ``./qualcode.db``.

    Returns:
        A SQLAlchemy URL string.
    """
    if location is None:
        location = os.environ.get("QUALCODE_PROJECT") or PROJECT_FILE
    loc = os.fspath(location)
    if "://" in loc:
        return loc
    path = Path(loc).expanduser()
    if path.is_dir():
        path = path / PROJECT_FILE
    return "sqlite:///" + str(path.resolve())


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or ``None`` for another database."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database:
        return None
    return Path(u.database)


def _set_sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # The driver's implicit BEGIN is switched off so that SQLAlchemy's BEGIN is the
    # only one; each Project method is then exactly one SQLite transaction.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk before the user sees it acknowledged.
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _begin(conn: Connection) -> None:
    # A writer takes the write lock at BEGIN, so two writers queue on busy_timeout
    # instead of failing with "database is locked" when a read upgrades to a write.
    # Readers begin deferred and never wait for a writer (WAL).
    if conn.get_execution_options().get("qualcode_write"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str, *, create: bool = False) -> Engine:
    """Create an engine; for SQLite, check the file first and set the pragmas.

    Raises:
        ProjectError: when the file is missing (and ``create`` is false), is not a
            SQLite database, or the URL is malformed.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ProjectError(f"not a project location: {url}", hint=str(exc)) from None
    path = sqlite_path(url)
    if path is not None:
        if path.is_dir():
            raise ProjectError(f"{path} is a folder, not a project file")
        if not path.exists():
            if not create:
                raise ProjectError(
                    f"no project at {path}",
                    hint="run 'qualcode init' here, or pass --project PATH",
                )
            path.parent.mkdir(parents=True, exist_ok=True)
        else:
            with open(path, "rb") as fh:
                head = fh.read(16)
            if head and head != b"SQLite format 3\x00":
                raise ProjectError(f"{path} is not a qualcode project (not a SQLite file)")
        engine = create_engine(url, poolclass=None)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True)
    raise ProjectError(
        f"unsupported database {parsed.get_backend_name()!r}", hint="use SQLite or PostgreSQL"
    )


def current_revision(engine: Engine) -> str | None:
    """The project's schema revision, ``None`` for an empty database."""
    try:
        with engine.connect() as conn:
            insp = inspect(conn)
            tables = set(insp.get_table_names())
            if "alembic_version" not in tables:
                if tables & {"documents", "codings", "codes"}:
                    raise ProjectError(
                        f"{engine.url.render_as_string(hide_password=True)} has qualcode tables but no "
                        "schema version",
                        hint="restore it from a backup",
                    )
                if tables:
                    raise ProjectError(
                        f"{_where(engine)} is not a qualcode project (it holds other tables)"
                    )
                return None
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
            return row[0] if row else None
    except OperationalError as exc:
        raise ProjectError(f"cannot open {_where(engine)}: {_short(exc)}") from None
    except DatabaseError as exc:
        if getattr(exc.orig, "sqlstate", None) == "42501":  # PostgreSQL: no grant
            raise ProjectError(
                f"cannot open {_where(engine)}: {_short(exc)}",
                hint="ask the project's owner to add you: qualcode team add-coder NAME",
            ) from None
        raise ProjectError(f"{_where(engine)} is not a qualcode project: {_short(exc)}") from None


def existing_project(url: str) -> str | None:
    """Where a project already is at ``url`` (for messages), or ``None``.

    Raises:
        ProjectError: the database cannot be reached, or holds other tables.
    """
    path = sqlite_path(url)
    if path is not None:
        return str(path) if path.exists() else None
    engine = make_engine(url)
    try:
        return _where(engine) if current_revision(engine) is not None else None
    finally:
        engine.dispose()


def _where(engine: Engine) -> str:
    path = sqlite_path(str(engine.url))
    return str(path) if path else engine.url.render_as_string(hide_password=True)


def _short(exc: Exception) -> str:
    msg = str(getattr(exc, "orig", exc)) or exc.__class__.__name__
    return msg.strip().splitlines()[0]


NO_MIGRATION_BACKUP_ENV = "QUALCODE_NO_MIGRATION_BACKUP"
"""Set to ``1`` to upgrade a project's schema without the automatic backup first
(on PostgreSQL without ``pg_dump``, the only way to upgrade)."""


@dataclass(frozen=True)
class SchemaUpgrade:
    """What opening a project did to its schema.

    Attributes:
        before: the revision found (``"none"`` for a new project).
        after: the revision now (:data:`SCHEMA_HEAD`).
        backup: the copy made before an existing project was upgraded, or ``None``.
    """

    before: str
    after: str
    backup: Path | None = None

    @property
    def migrated(self) -> bool:
        """An existing project's schema was upgraded."""
        return self.before not in ("none", self.after)


def ensure_schema(engine: Engine, *, backup: bool = True) -> str:
    """Bring the schema to :data:`SCHEMA_HEAD`; see :func:`upgrade_schema`.

    Returns:
        The revision the project was at before (``"none"`` for a new project).
    """
    return upgrade_schema(engine, backup=backup).before


def upgrade_schema(engine: Engine, *, backup: bool = True) -> SchemaUpgrade:
    """Bring the schema to :data:`SCHEMA_HEAD`, running Alembic only when needed.

    Before an existing project is upgraded it is backed up (unless ``backup`` is
    false or ``$QUALCODE_NO_MIGRATION_BACKUP`` is ``1``): a SQLite file with the
    online backup API into ``backups/<name>-<time>-before-migration-<from>-to-<to>.db``
    beside it, a PostgreSQL database with ``pg_dump`` into ``./backups/``. When that
    copy cannot be made, the project is not upgraded.

    Raises:
        ProjectError: when the project was written by a newer qualcode, or the
            backup before an upgrade failed (``pg_dump`` missing, disk full).
    """
    before = current_revision(engine)
    if before == SCHEMA_HEAD:
        return SchemaUpgrade(before, SCHEMA_HEAD)
    if before is not None and before not in KNOWN_REVISIONS:
        raise ProjectError(
            f"{_where(engine)} was written by a newer qualcode (schema {before})",
            hint="upgrade qualcode to open it",
        )
    saved = None
    if before is not None and backup and os.environ.get(NO_MIGRATION_BACKUP_ENV) != "1":
        saved = _backup_before_migration(engine, before)
    from qualcode.store.migrate import upgrade  # Alembic costs ~350 ms: only when needed

    upgrade(engine)
    return SchemaUpgrade(before or "none", SCHEMA_HEAD, saved)


def _backup_before_migration(engine: Engine, before: str) -> Path:
    from qualcode.store.backup import backup_sqlite_file, dump_postgres

    label = f"before-migration-{before}-to-{SCHEMA_HEAD}"
    path = sqlite_path(str(engine.url))
    if path is not None:
        try:
            return backup_sqlite_file(path, label=label)
        except ProjectError as exc:
            raise ProjectError(
                f"{path} needs a schema upgrade ({before} to {SCHEMA_HEAD}) and cannot be "
                f"backed up first: {exc.problem.message}",
                hint=f"free some space beside it, or set {NO_MIGRATION_BACKUP_ENV}=1 to "
                "upgrade without a backup",
            ) from None
    try:
        return dump_postgres(engine.url, label=label)
    except ProjectError as exc:
        raise ProjectError(
            f"{_where(engine)} needs a schema upgrade ({before} to {SCHEMA_HEAD}) and cannot "
            f"be backed up first: {exc.problem.message}",
            hint=f"install pg_dump (postgresql-client) or back the database up yourself, "
            f"then set {NO_MIGRATION_BACKUP_ENV}=1 to upgrade without a backup",
        ) from None
