"""Engines, SQLite pragmas, and migrations applied when a project opens."""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

from qualcode.errors import ProjectError
from qualcode.i18n import _
from qualcode.store import ddl

PROJECT_FILE = "qualcode.db"
"""The project file a folder holds."""

SCHEMA_HEAD = "0019"
"""The newest Alembic revision this release knows; checked against Alembic in tests."""

KNOWN_REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0005",
    "0008",
    "0015",
    "0014",
    "0016",
    "0017",
    "0018",
    "0019",
)
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


SQLITE_MAGIC = b"SQLite format 3\x00"


def file_uri(path: Path, mode: str = "rw") -> str:
    """A SQLite ``file:`` URI for ``path`` (special characters percent-encoded)."""
    from urllib.parse import quote

    uri = "file:" + quote(str(path), safe="/")
    if mode == "ro":
        return uri + "?mode=ro"
    if mode == "immutable":
        return uri + "?mode=ro&immutable=1"
    return uri


def connect_file(path: Path, mode: str = "rw") -> sqlite3.Connection:
    """A plain ``sqlite3`` connection to a file qualcode did not write itself (a merge
    source, a backup, a file being checked), with ``trusted_schema`` off: a view or
    trigger in a hostile file cannot call a function with side effects."""
    con = sqlite3.connect(file_uri(path, mode), uri=True, check_same_thread=False)
    try:
        con.execute("PRAGMA trusted_schema=OFF")
    except sqlite3.Error:
        con.close()
        raise
    return con


def open_mode(path: Path) -> str:
    """How to open an existing project file: ``rw`` when the file and its folder can
    be written; otherwise ``ro`` when its WAL can be read, else ``immutable``."""
    folder = path.parent
    if os.access(path, os.W_OK) and os.access(folder, os.W_OK):
        return "rw"
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    if os.access(folder, os.W_OK) or (wal.exists() and shm.exists()):
        return "ro"
    return "immutable"


def _set_sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # The driver's implicit BEGIN is switched off so that SQLAlchemy's BEGIN is the
    # only one; each Project method is then exactly one SQLite transaction.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    # first, before anything reads the schema: views and triggers of a hostile file
    # may only use functions without side effects
    cur.execute("PRAGMA trusted_schema=OFF")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(ddl.busy_timeout(BUSY_TIMEOUT_MS))
    # FULL: a commit is on disk before the user sees it acknowledged.
    cur.execute("PRAGMA synchronous=FULL")
    # journal_mode=WAL writes to the file: it is set by enable_wal() once the file is
    # known to be a qualcode project (see upgrade_schema)
    cur.close()


def enable_wal(engine: Engine) -> None:
    """Switch a SQLite project to WAL (a property of the file, kept from then on).

    Called only after :func:`current_revision` found a qualcode project (or an empty
    file), so that another application's file is never changed.
    """
    if engine.dialect.name != "sqlite" or engine_mode(engine) != "rw":
        return
    try:
        raw = engine.raw_connection()
        try:
            con = raw.driver_connection
            assert con is not None
            mode = con.execute("PRAGMA journal_mode").fetchone()
            if not mode or str(mode[0]).lower() != "wal":
                con.execute("PRAGMA journal_mode=WAL")
        finally:
            raw.close()
    except (OperationalError, sqlite3.Error) as exc:
        raise ProjectError(
            _("cannot open {engine}: {exc}").format(engine=_where(engine), exc=_short(exc))
        ) from None


def engine_mode(engine: Engine) -> str:
    """``rw``, ``ro`` or ``immutable`` (read-write, read-only, or read-only with no locking); ``rw`` on PostgreSQL."""
    return str(getattr(engine, "qualcode_mode", "rw"))


WRITE_POLL_S = 0.002
"""How often a writer waiting for SQLite's write lock tries again (its first seconds)."""


def _begin(conn: Connection) -> None:
    # A writer takes the write lock at BEGIN, so two writers queue instead of failing
    # with "database is locked" when a read upgrades to a write. Readers begin
    # deferred and never wait for a writer (WAL).
    if not conn.get_execution_options().get("qualcode_write"):
        conn.exec_driver_sql("BEGIN")
        return
    # SQLite's own busy handler sleeps longer and longer (up to 100 ms between tries),
    # so a writer that works in short transactions back to back (an import indexing
    # a large document) would get the lock again before a waiting coder looked: the
    # coder waited seconds. Here the waiting writer looks every few milliseconds, and
    # gets in at the first gap.
    con: sqlite3.Connection = conn.connection.driver_connection  # type: ignore[assignment]
    try:
        begin_immediate(con)
    except sqlite3.OperationalError as exc:
        raise OperationalError("BEGIN IMMEDIATE", None, exc) from None


def begin_immediate(con: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE`` on a driver connection, looking for the write lock every
    few milliseconds while another writer holds it (see :func:`_begin`).

    Raises:
        sqlite3.OperationalError: the lock stayed taken for ``BUSY_TIMEOUT_MS``, or
            another error.
    """
    con.execute("PRAGMA busy_timeout=0")
    try:
        poll_begin_immediate(con)
    finally:
        con.execute(ddl.busy_timeout(BUSY_TIMEOUT_MS))


def poll_begin_immediate(con: sqlite3.Connection) -> None:
    """The loop of :func:`begin_immediate`, on a connection whose ``busy_timeout`` is
    already 0."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    started = time.monotonic()
    while True:
        try:
            con.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or time.monotonic() >= deadline:
                raise
        waited = time.monotonic() - started
        time.sleep(WRITE_POLL_S if waited < 2 else 10 * WRITE_POLL_S)


def _busy(exc: Exception) -> bool:
    text_ = str(getattr(exc, "orig", exc)).lower()
    return "locked" in text_ or "busy" in text_


def _table_names(path: Path, mode: str) -> set[str]:
    con = connect_file(path, mode)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that is not a qualcode project, without changing a byte of it.

    Read-only checks: a regular file (a FIFO or a device is refused at once), the
    SQLite header, and a schema that is empty or has qualcode's version table.

    Raises:
        ProjectError: not a regular file, not SQLite, damaged, or another
            application's database.
    """
    from qualcode.errors import InputError
    from qualcode.files import read_head

    try:
        head = read_head(path, 100, what="project file")
    except InputError as exc:
        raise ProjectError(exc.problem.message, path=path, hint=exc.problem.hint) from None
    if not head:
        return  # an empty file: becomes a new project
    if head[:16] != SQLITE_MAGIC:
        raise ProjectError(
            _("{path} is not a qualcode project (not a SQLite file)").format(path=path)
        )
    try:
        try:
            # first as it is on disk, taking no lock and creating no file (a read-only
            # connection to a WAL file would leave its -wal and -shm files behind)
            tables = _table_names(path, "immutable")
        except sqlite3.DatabaseError:
            # a page changing under the read (someone is writing): read it properly
            tables = _table_names(path, "ro" if os.access(path.parent, os.W_OK) else "immutable")
    except sqlite3.DatabaseError as exc:
        raise ProjectError(
            _("{path} cannot be read as a project ({exc})").format(path=path, exc=exc),
            hint=_("restore it from a backup (qualcode restore)"),
        ) from None
    if not tables or "alembic_version" in tables:
        return
    if tables & {"documents", "codings", "codes"}:
        raise ProjectError(
            _("{path} has qualcode tables but no schema version").format(path=path),
            hint=_("restore it from a backup"),
        )
    raise ProjectError(
        _("{path} is not a qualcode project (it holds other tables)").format(path=path)
    )


def make_engine(url: str, *, create: bool = False) -> Engine:
    """Create an engine; for SQLite, check the file first and set the pragmas.

    An existing SQLite file is checked read-only before anything else touches it
    (:func:`check_sqlite_file`); a file or folder that cannot be written is opened
    read-only (see :func:`open_mode`), so a project on read-only media can still be
    read and exported.

    Raises:
        ProjectError: when the file is missing (and ``create`` is false), is not a
            SQLite database, is another application's database, or the URL is
            malformed.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ProjectError(
            _("not a project location: {url}").format(url=url), hint=str(exc)
        ) from None
    path = sqlite_path(url)
    if path is not None:
        if path.is_dir():
            raise ProjectError(_("{path} is a folder, not a project file").format(path=path))
        mode = "rw"
        if not path.exists():
            if not create:
                raise ProjectError(
                    _("no project at {path}").format(path=path),
                    hint=_("run 'qualcode init' here, or pass --project PATH"),
                )
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ProjectError(
                    _("cannot create the folder {path.parent}: {reason}").format(
                        path=path, reason=exc.strerror or exc
                    )
                ) from None
        else:
            check_sqlite_file(path)
            mode = open_mode(path)
        if mode == "rw":
            engine = create_engine(url, poolclass=None)
        else:
            uri = file_uri(path, mode)
            engine = create_engine(
                url,
                creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
            )
        engine.qualcode_mode = mode  # type: ignore[attr-defined]
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True)
    raise ProjectError(
        _("unsupported database {parsed!r}").format(parsed=parsed.get_backend_name()),
        hint=_("use SQLite or PostgreSQL"),
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
                        _("{url} has qualcode tables but no schema version").format(
                            url=engine.url.render_as_string(hide_password=True)
                        ),
                        hint=_("restore it from a backup"),
                    )
                if tables:
                    raise ProjectError(
                        _("{engine} is not a qualcode project (it holds other tables)").format(
                            engine=_where(engine)
                        )
                    )
                return None
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
            return row[0] if row else None
    except OperationalError as exc:
        raise ProjectError(
            _("cannot open {engine}: {exc}").format(engine=_where(engine), exc=_short(exc))
        ) from None
    except DatabaseError as exc:
        if getattr(exc.orig, "sqlstate", None) == "42501":  # PostgreSQL: no grant
            raise ProjectError(
                _("cannot open {engine}: {exc}").format(engine=_where(engine), exc=_short(exc)),
                hint=_("ask the project's owner to add you: qualcode team add-coder NAME"),
            ) from None
        raise ProjectError(
            _("{engine} is not a qualcode project: {exc}").format(
                engine=_where(engine), exc=_short(exc)
            )
        ) from None


def existing_project(url: str) -> str | None:
    """Where a project already is at ``url`` (for messages), or ``None``.

    Raises:
        ProjectError: the database cannot be reached, or holds other tables.
    """
    path = sqlite_path(url)
    if path is not None:
        if not path.exists():
            return None
        if path.is_file():
            check_sqlite_file(path)  # another application's file is said so
        return str(path)
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
    if before is not None and before != SCHEMA_HEAD and before not in KNOWN_REVISIONS:
        raise ProjectError(
            _("{engine} was written by a newer qualcode (schema {before})").format(
                engine=_where(engine), before=before
            ),
            hint=_("upgrade qualcode to open it"),
        )
    if engine_mode(engine) != "rw":
        if before == SCHEMA_HEAD:
            return SchemaUpgrade(before, SCHEMA_HEAD)
        raise ProjectError(
            (
                _("{engine} is read-only and is not a project yet").format(engine=_where(engine))
                if before is None
                else _(
                    "{engine} is read-only and needs a schema upgrade ({before} to {SCHEMA_HEAD})"
                ).format(engine=_where(engine), before=before, SCHEMA_HEAD=SCHEMA_HEAD)
            ),
            hint=_("copy it to a folder you can write, and open the copy"),
        )
    enable_wal(engine)
    if before == SCHEMA_HEAD:
        return SchemaUpgrade(before, SCHEMA_HEAD)
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
                _(
                    "{path} needs a schema upgrade ({before} to {SCHEMA_HEAD}) and cannot be backed up first: {exc.problem.message}"
                ).format(path=path, before=before, SCHEMA_HEAD=SCHEMA_HEAD, exc=exc),
                hint=_(
                    "free some space beside it, or set {NO_MIGRATION_BACKUP_ENV}=1 to upgrade without a backup"
                ).format(NO_MIGRATION_BACKUP_ENV=NO_MIGRATION_BACKUP_ENV),
            ) from None
    try:
        return dump_postgres(engine.url, label=label)
    except ProjectError as exc:
        raise ProjectError(
            _(
                "{engine} needs a schema upgrade ({before} to {SCHEMA_HEAD}) and cannot be backed up first: {exc.problem.message}"
            ).format(engine=_where(engine), before=before, SCHEMA_HEAD=SCHEMA_HEAD, exc=exc),
            hint=_(
                "install pg_dump (postgresql-client) or back the database up yourself, then set {NO_MIGRATION_BACKUP_ENV}=1 to upgrade without a backup"
            ).format(NO_MIGRATION_BACKUP_ENV=NO_MIGRATION_BACKUP_ENV),
        ) from None
