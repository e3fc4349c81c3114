"""The plumbing every Project method shares: transactions, the action log, settings.

:class:`ProjectBase` runs each user action in one transaction that records its
row-level changes (before/after images) in the append-only action log, so undo,
redo and the audit trail are data, not UI state. Every part of a project (codebook
edits, memos, cases, ...) is given it and calls :meth:`ProjectBase.read` and
:meth:`ProjectBase.write`; :class:`~qualcode.store.project.Project` is one and holds
the parts.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    and_,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.pool import PoolProxiedConnection

from qualcode.clock import new_guid, now
from qualcode.core.codebook import Codebook, relations_from_data, tree_order
from qualcode.core.history import BARRIER_KINDS
from qualcode.core.names import check_name
from qualcode.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    ProjectError,
    ProjectGoneError,
)
from qualcode.i18n import _
from qualcode.store import convert
from qualcode.store.engine import (
    PROJECT_FILE,
    SchemaUpgrade,
    engine_mode,
    poll_begin_immediate,
    sqlite_path,
)
from qualcode.store.schema import (
    ActionRow,
    AttributeRow,
    Base,
    CaseAttributeRow,
    CaseRow,
    CaseSourceRow,
    CodeAliasRow,
    CodeRow,
    CoderRow,
    CodingRow,
    DocumentRow,
    MemoRow,
    RelationRow,
    SentenceRow,
    SettingRow,
    ThemeCodeRow,
    ThemeExtractRow,
    ThemeRow,
    TombstoneRow,
    TurnRow,
    TurnSpeakerRow,
)

T_SETTINGS: Table = SettingRow.__table__  # type: ignore[assignment]
T_DOCS: Table = DocumentRow.__table__  # type: ignore[assignment]
T_TURNS: Table = TurnRow.__table__  # type: ignore[assignment]
T_TURN_SPEAKERS: Table = TurnSpeakerRow.__table__  # type: ignore[assignment]
T_SENTS: Table = SentenceRow.__table__  # type: ignore[assignment]
T_CASES: Table = CaseRow.__table__  # type: ignore[assignment]
T_CASE_SOURCES: Table = CaseSourceRow.__table__  # type: ignore[assignment]
T_CODES: Table = CodeRow.__table__  # type: ignore[assignment]
T_ALIASES: Table = CodeAliasRow.__table__  # type: ignore[assignment]
T_CODINGS: Table = CodingRow.__table__  # type: ignore[assignment]
T_ACTIONS: Table = ActionRow.__table__  # type: ignore[assignment]
T_TOMBS: Table = TombstoneRow.__table__  # type: ignore[assignment]
T_MEMOS: Table = MemoRow.__table__  # type: ignore[assignment]
T_ATTRS: Table = AttributeRow.__table__  # type: ignore[assignment]
T_CASE_ATTRS: Table = CaseAttributeRow.__table__  # type: ignore[assignment]
T_CODERS: Table = CoderRow.__table__  # type: ignore[assignment]
T_THEMES: Table = ThemeRow.__table__  # type: ignore[assignment]
T_THEME_CODES: Table = ThemeCodeRow.__table__  # type: ignore[assignment]
T_THEME_EXTRACTS: Table = ThemeExtractRow.__table__  # type: ignore[assignment]
T_RELATIONS: Table = RelationRow.__table__  # type: ignore[assignment]

TABLES: dict[str, Table] = {t.name: t for t in Base.metadata.sorted_tables}

VISIBLE = T_DOCS.c.state.is_(None)
"""The condition every read of ``documents`` applies: a document still being
imported in short transactions (``state`` ``importing``) is left out until its
last transaction makes it whole (see :mod:`qualcode.store.staging`)."""

CODEBOOK_PATH = "codebook_path"
"""Setting: the YAML file the project's codebook is linked to."""
CODEBOOK_META = "codebook_meta"
"""Setting: the codebook's name, description, languages and version."""


@dataclass
class Tx:
    """One write transaction that records its row-level changes for the action log."""

    conn: Connection
    changes: list[dict[str, Any]] = field(default_factory=list)
    summary: str | None = None
    """Set inside the block to replace the summary given to ``_write``."""
    reverts: int | None = None
    """Set inside the block by an undo or redo: the entry it reverses or replays."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Set inside the block: more payload keys."""

    def _key(self, table: Table, values: dict[str, Any]) -> dict[str, Any]:
        return {c.name: values[c.name] for c in table.primary_key.columns}

    def _where(self, table: Table, key: dict[str, Any]) -> Any:
        return and_(*(table.c[k] == v for k, v in key.items()))

    def insert(self, table: Table, values: dict[str, Any]) -> int:
        """Insert a row and record it; returns the integer primary key when there is one."""
        result = self.conn.execute(insert_stmt(table), values)
        row = dict(values)
        pk_cols = list(table.primary_key.columns)
        inserted = result.inserted_primary_key
        if inserted is not None:
            for col, value in zip(pk_cols, inserted, strict=False):
                if value is not None:
                    row[col.name] = value
        if len(row) < len(table.columns):
            # columns filled by defaults: record what the database holds
            row = dict(
                self.conn.execute(select(table).where(self._where(table, self._key(table, row))))
                .mappings()
                .one()
            )
        self.changes.append({"op": "insert", "t": table.name, "row": row})
        first = row[pk_cols[0].name]
        return first if isinstance(first, int) else 0

    def update(
        self,
        table: Table,
        key: dict[str, Any],
        values: dict[str, Any],
        *,
        expect: dict[str, Any] | None = None,
    ) -> None:
        """Update one row and record the columns that changed.

        Args:
            table: the table.
            key: the row's primary key.
            values: the new values.
            expect: column values the row must still have (compare-and-set in the
                UPDATE's WHERE clause, e.g. ``{"version": 3}``): when another
                writer changed them first, :class:`RowChanged` is raised.
        """
        before = self.conn.execute(select(table).where(self._where(table, key))).mappings().one()
        changed = {k: v for k, v in values.items() if before[k] != v}
        if not changed:
            return
        where = self._where(table, {**key, **(expect or {})})
        result = self.conn.execute(update(table).where(where).values(**changed))
        if result.rowcount != 1:
            raise RowChanged(table.name, key)
        self.changes.append(
            {
                "op": "update",
                "t": table.name,
                "key": key,
                "before": {k: before[k] for k in changed},
                "after": changed,
            }
        )

    def delete(self, table: Table, key: dict[str, Any]) -> None:
        """Delete one row and record its full image."""
        before = self.conn.execute(select(table).where(self._where(table, key))).mappings().one()
        result = self.conn.execute(delete(table).where(self._where(table, key)))
        if result.rowcount != 1:
            raise RowChanged(table.name, key)
        self.changes.append({"op": "delete", "t": table.name, "row": dict(before)})


class RowChanged(Exception):
    """An UPDATE or DELETE matched no row: another writer changed it first, or (on
    PostgreSQL) row-level security hides it from this role. Turned into a
    :class:`~qualcode.errors.ConflictError` or a permission error by ``_write``."""

    def __init__(self, table: str, key: dict[str, Any]) -> None:
        super().__init__(f"{table} {key}")
        self.table = table
        self.key = key


class RawFallback(Exception):
    """Raised inside :meth:`ProjectBase.raw_write`: roll back, take the ordinary path."""


class RawTx:
    """A transaction on the driver's connection (see :meth:`ProjectBase.raw_write`)."""

    def __init__(self, con: Any, sqlite: bool) -> None:
        self.con = con
        self.sqlite = sqlite
        self.changes: list[dict[str, Any]] = []
        self.summary: str | None = None
        self.payload: str | None = None
        """Set by a block that encodes its own entry's payload (the JSON of
        ``{"changes": changes}`` exactly as ``json.dumps`` writes it)."""

    def sql(self, statement: str) -> str:
        """``statement`` (written with ``?`` placeholders) in the driver's style."""
        return statement if self.sqlite else _pg_style(statement)

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; returns the cursor."""
        return self.con.execute(self.sql(statement), params)


_PG_STYLE: dict[str, str] = {}


def _pg_style(statement: str) -> str:
    converted = _PG_STYLE.get(statement)
    if converted is None:
        converted = _PG_STYLE[statement] = statement.replace("?", "%s")
    return converted


_SQL_ACTION = (
    "INSERT INTO actions (guid, at, coder, kind, summary, payload, group_guid, reverts, "
    'undoable, "window") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
)


_INSERTS: dict[str, Any] = {}


def insert_stmt(table: Table) -> Any:
    """One INSERT statement object per table: SQLAlchemy memoizes its cache key, so
    executing it again skips statement construction and compilation."""
    stmt = _INSERTS.get(table.name)
    if stmt is None:
        stmt = _INSERTS[table.name] = insert(table)
    return stmt


SQL_DOC_SPAN = text(
    'SELECT pk, chars, substr("text", :start + 1, :length) FROM documents WHERE name = :name'
)
SQL_SAME_CODING = text(
    "SELECT guid FROM codings WHERE document_pk = :doc AND code_pk = :code AND start = :start "
    'AND "end" = :end AND coder = :coder'
)


def sha256_text(value: str) -> str:
    """The SHA-256 of a text's UTF-8 bytes, as hex."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class ProjectBase:
    """An open project (a SQLite file or a PostgreSQL database): the shared plumbing.

    Args:
        engine: the engine, schema already at head.
        location: the URL it was opened from.
        coder: the name recorded on codings and actions by default.
    """

    def __init__(self, engine: Engine, location: str, coder: str) -> None:
        self.engine = engine
        self.location = location
        self.coder = coder
        self.window: str | None = None
        """The window recorded on every action (``cli``, ``tui:...``); ``None`` for a
        script using the API, whose undo then reaches every window of its person."""
        self._code_pk_cache: dict[str, int] | None = None
        self._code_ids: dict[int, str] = {}
        self._doc_cache: dict[str, tuple[int, int]] = {}
        self._known_coders: set[str] = set()
        self.schema_upgrade: SchemaUpgrade | None = None
        """What opening the project did to its schema (and where the backup is)."""
        self._path_of: tuple[str, str | None] | None = None
        """The location :attr:`path` was worked out from, and the path."""
        self._file_id = _file_id(self.path)
        self._gone: str | None = None
        self._lifeline: sqlite3.Connection | None = None
        self._hot: PoolProxiedConnection | None = None
        self._hot_driver: Any = None
        """The driver's own connection inside :attr:`_hot` (looked up once)."""
        """The connection :meth:`raw_write` holds (taken at its first write)."""
        self._hot_lock = threading.Lock()

    # ------------------------------------------------------------------ plumbing

    @property
    def path(self) -> str | None:
        """The SQLite file, or ``None`` on PostgreSQL."""
        known = self._path_of
        if known is None or known[0] != self.location:
            p = sqlite_path(self.location)
            known = self._path_of = (self.location, str(p) if p else None)
        return known[1]

    @property
    def where(self) -> str:
        """The SQLite file, or the database URL with its password hidden (for messages)."""
        return self.path or self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def release_connections(self) -> None:
        """Close every database connection (the file is about to be replaced); the
        next action opens new ones."""
        with self._hot_lock:
            self._drop_hot()
        self.engine.dispose()

    def close(self) -> None:
        """Release the connections (the data is already committed)."""
        with self._hot_lock:
            self._drop_hot()
        if self._lifeline is not None:
            self._lifeline.close()
            self._lifeline = None
        self.engine.dispose()

    @property
    def read_only(self) -> bool:
        """The SQLite file (or its folder) cannot be written: reading and exporting
        work, every change is refused."""
        return engine_mode(self.engine) != "rw"

    # ------------------------------------------------------------------ the file

    def hold_file(self) -> None:
        """Keep a connection to the project file for as long as the project is open
        (SQLite), so that if the file is deleted or replaced, everything up to the
        last action can still be saved from it (:meth:`save_copy`)."""
        path = self.path
        if path is None or self._lifeline is not None:
            return
        from qualcode.store.engine import connect_file, open_mode

        con = connect_file(
            Path(path), "ro" if open_mode(Path(path)) == "rw" else open_mode(Path(path))
        )
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the WAL too
        self._lifeline = con

    def file_problem(self) -> str | None:
        """Why the project file can no longer be used (``None`` while it is fine):
        it is gone (deleted, or its folder moved away) or replaced by another file."""
        if self._gone is not None:
            return self._gone
        path = self.path
        if path is None or self._file_id is None:
            return None
        now_id = _file_id(path)
        if now_id == self._file_id:
            return None
        what = (
            "is gone (deleted, or its folder moved away)"
            if now_id is None
            else ("was replaced by another file")
        )
        self._gone = f"the project file {path} {what}"
        return self._gone

    def _check_file(self) -> None:
        problem = self.file_problem()
        if problem is not None:
            raise ProjectGoneError(
                _("{problem}; nothing more is saved to it").format(problem=problem),
                hint=_("save the whole project to a new file: it is still open here"),
            )

    def save_copy(self, target: str | os.PathLike[str]) -> Path:
        """Save the whole project, as this open project sees it, to a new SQLite file
        (SQLite's backup API from the connection still open), e.g. after the project
        file was deleted.

        Raises:
            InputError: the target is a folder, exists, or its folder is missing.
            ProjectError: the copy failed (disk full, read-only folder).
        """
        out = Path(target).expanduser()
        if out.is_dir():
            out = out / PROJECT_FILE
        if out.exists():
            raise InputError(_("already exists; name a new file"), path=out)
        if not out.parent.is_dir():
            raise InputError(_("folder {out.parent} does not exist").format(out=out), path=out)
        tmp = out.with_name(f".{out.name}.tmp")
        try:
            if self._lifeline is not None:
                src = self._lifeline
                close = False
            else:
                raw = self.engine.raw_connection()
                src = raw.driver_connection  # type: ignore[assignment]
                close = True
            from qualcode.store.engine import connect_file

            dst = connect_file(tmp)
            try:
                src.backup(dst)
            finally:
                dst.close()
                if close:
                    raw.close()
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, out)
        except (OSError, sqlite3.Error) as exc:
            tmp.unlink(missing_ok=True)
            raise ProjectError(
                _("cannot save the project to {out}: {exc}").format(out=out, exc=exc)
            ) from None
        return out

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except OperationalError as exc:
            raise ProjectError(
                _("cannot read the project: {exc}").format(exc=short_error(exc)),
                hint=_write_hint(exc),
            ) from None
        except DatabaseError as exc:
            if isinstance(exc, DBAPIError) and _sqlstate(exc) == INSUFFICIENT_PRIVILEGE:
                raise self._denied("read this", exc) from None
            if self.dialect == "postgresql" or isinstance(exc, IntegrityError):
                raise
            raise ProjectError(
                _("cannot read the project: {exc}").format(exc=short_error(exc)),
                hint=_write_hint(exc),
            ) from None

    @contextmanager
    def write(
        self,
        kind: str,
        summary: str,
        *,
        coder: str | None = None,
        undoable: bool = True,
        group: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Iterator[Tx]:
        """One transaction that ends with one action-log entry (if anything changed).

        The entry belongs to the person who made the action (:attr:`coder`) and the
        window it was made from (:attr:`window`), whatever coder the rows it writes
        carry: an auto-code run's suggestions are coder ``rules``, an imported gold
        standard ``gold``, a consensus ``consensus``, yet the run, the import and the
        adjudication are undone by the person who made them. ``coder`` is only given
        by undo and redo (the person whose history they walk).

        On SQLite the file is checked before and after: a project whose file was
        deleted or replaced meanwhile refuses the change (:class:`ProjectGoneError`),
        so nothing is acknowledged that is not in the project file.
        """
        self._check_writable(summary)
        # no garbage collection while the write lock is held: with a large import's
        # millions of objects alive, one full collection took most of a second, and
        # another coder waited for it; it runs after the commit instead
        collecting = gc.isenabled()
        gc.disable()
        try:
            with self.engine.connect().execution_options(qualcode_write=True) as conn:
                with _begin_write(conn):
                    tx = Tx(conn)
                    yield tx
                    if tx.changes or extra or tx.extra:
                        payload: dict[str, Any] = {"changes": tx.changes if undoable else []}
                        if extra:
                            payload.update(extra)
                        payload.update(tx.extra)
                        replayable = undoable and bool(tx.changes)
                        if not replayable and "barrier" not in payload:
                            payload["barrier"] = kind in BARRIER_KINDS
                        conn.execute(
                            insert_stmt(T_ACTIONS),
                            {
                                "guid": new_guid(),
                                "at": now(),
                                "coder": coder or self.coder,
                                "kind": kind,
                                "summary": tx.summary or summary,
                                "payload": json.dumps(payload, ensure_ascii=False, default=str),
                                "group_guid": group,
                                "reverts": tx.reverts,
                                "undoable": replayable,
                                "window": self.window,
                            },
                        )
        except RowChanged as exc:
            raise self._row_changed(exc, summary) from None
        except DatabaseError as exc:
            raise self._write_failed(exc, summary) from None
        finally:
            if collecting:
                gc.enable()
            if kind.startswith("codebook"):
                self._code_pk_cache = None
        self._check_file()

    def _check_writable(self, summary: str) -> None:
        """Refuse a write to a read-only project, or to a file that is gone."""
        if self.read_only:
            raise ProjectError(
                _(
                    "{self.where} is read-only (the file or its folder cannot be written): cannot {summary}"
                ).format(self=self, summary=summary),
                hint=_(
                    "copy the project to a folder you can write; reading and exporting work here"
                ),
            )
        self._check_file()

    def _write_failed(self, exc: DatabaseError, summary: str) -> Exception:
        """The error to raise for a database error that stopped a write (the
        exception itself when it is the caller's to handle)."""
        if isinstance(exc, OperationalError):
            self._check_file()
            return ProjectError(
                _("the project could not be written: {exc}").format(exc=short_error(exc)),
                hint=_write_hint(exc),
            )
        state = _sqlstate(exc) if isinstance(exc, DBAPIError) else None
        if state == INSUFFICIENT_PRIVILEGE:
            return self._denied(summary, exc)
        if state == FOREIGN_KEY_VIOLATION and self.dialect == "postgresql":
            return ProjectError(
                _(
                    "the database role {self.coder!r} may not {summary}: rows it cannot change (other coders' codings) still refer to it"
                ).format(self=self, summary=summary),
                hint=_("only the project's owner changes other coders' codings"),
            )
        if self.dialect == "postgresql" or isinstance(exc, IntegrityError):
            return exc
        return ProjectError(
            _("the project could not be written: {exc}").format(exc=short_error(exc)),
            hint=_write_hint(exc),
        )

    @contextmanager
    def raw_write(
        self, kind: str, summary: str, *, group: str | None = None, at: str | None = None
    ) -> Iterator[RawTx]:
        """:meth:`write` for a hot path (one code application): the same checks,
        one transaction ending with one action-log entry, but statements go to the
        driver's own connection with SQL written once, without SQLAlchemy's
        per-statement work. The block records its changes in ``tx.changes`` (the
        shapes :class:`Tx` records) and may raise :class:`RawFallback` to roll
        back and let the caller take the ordinary path. ``at``: the entry's time
        (default: now)."""
        if self._hot is None or self.read_only:
            self._check_writable(summary)
        # else the file is checked after the commit only: the held connection writes
        # to the file it opened, so a file deleted or replaced meanwhile gets nothing
        # the new one should have had, and the check after says so (one stat less)
        dialect = self.engine.dialect
        dbapi_error = dialect.loaded_dbapi.Error
        sqlite = dialect.name == "sqlite"
        collecting = gc.isenabled()
        gc.disable()
        try:
            with self._hot_lock:
                if self._hot is None:
                    self._hot = self.engine.raw_connection()
                    self._hot_driver = self._hot.driver_connection
                    if sqlite:
                        # held for writes only: the BEGIN below polls for the lock
                        # itself, and nothing after it waits for one (WAL)
                        self._hot_driver.execute("PRAGMA busy_timeout=0")
                con: Any = self._hot_driver
                tx = RawTx(con, sqlite)
                try:
                    if sqlite:
                        poll_begin_immediate(con)
                    yield tx
                    con.execute(
                        tx.sql(_SQL_ACTION),
                        (
                            new_guid(),
                            at or now(),
                            self.coder,
                            kind,
                            tx.summary or summary,
                            tx.payload or json.dumps({"changes": tx.changes}, ensure_ascii=False),
                            group,
                            None,
                            True,
                            self.window,
                        ),
                    )
                    if sqlite:
                        con.execute("COMMIT")
                    else:
                        con.commit()
                except BaseException as exc:
                    try:
                        if sqlite:
                            if con.in_transaction:
                                con.execute("ROLLBACK")
                        else:
                            con.rollback()
                    except dbapi_error:
                        pass
                    if isinstance(exc, dbapi_error):
                        self._drop_hot(invalidate=True)
                    raise
        except dbapi_error as exc:
            wrapped = DBAPIError.instance(
                None, None, exc, dbapi_error, dialect=dialect, ismulti=False
            )
            if not isinstance(wrapped, DatabaseError):
                raise wrapped from exc
            failed = self._write_failed(wrapped, summary)
            if failed is wrapped:
                raise failed from exc
            raise failed from None
        except DatabaseError as exc:
            raise self._write_failed(exc, summary) from None
        finally:
            if collecting:
                gc.enable()
        self._check_file()

    def _drop_hot(self, *, invalidate: bool = False) -> None:
        """Give the connection :meth:`raw_write` holds back (``invalidate``: it
        failed, so the pool throws it away)."""
        hot, self._hot = self._hot, None
        self._hot_driver = None
        if hot is not None:
            try:
                if invalidate:
                    hot.invalidate()
                else:
                    hot.close()
            except Exception:  # noqa: BLE001 - a broken connection is dropped anyway
                pass

    def owns_project(self, conn: Connection) -> bool:
        """Whether the connected role owns the project (always true on SQLite)."""
        if self.dialect != "postgresql":
            return True
        from qualcode.store import postgres

        return postgres.project_owner(conn) == postgres.current_role(conn)

    def _denied(self, summary: str, exc: Exception | None = None) -> ProjectError:
        """The one-line error for an action the database role may not do."""
        detail = f" ({short_error(exc)})" if exc is not None else ""
        return ProjectError(
            _("the database role {self.coder!r} may not {summary}{detail}").format(
                self=self, summary=summary, detail=detail
            ),
            hint=_(
                "coders change only their own codings, supervisors set review status, the project owner does the rest"
            ),
        )

    def _row_changed(self, exc: RowChanged, summary: str) -> Exception:
        """A compare-and-set that matched nothing: a lost race, or a row this role
        may not change (row-level security hides it from UPDATE/DELETE)."""
        table = TABLES[exc.table]
        with self.read() as conn:
            still = conn.execute(
                select(func.count()).where(and_(*(table.c[k] == v for k, v in exc.key.items())))
            ).scalar()
        if still and self.dialect == "postgresql":
            return self._denied(summary)
        return ConflictError(
            _("could not {summary}: someone else changed it meanwhile").format(summary=summary),
            hint=_("reload and make your change again"),
        )

    # ------------------------------------------------------------------ settings

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A project setting (JSON value), or ``default``."""
        with self.read() as conn:
            value = conn.execute(select(T_SETTINGS.c.value).where(T_SETTINGS.c.key == key)).scalar()
        return json.loads(value) if value is not None else default

    def set_setting(self, key: str, value: Any) -> None:
        """Set a project setting (one action)."""
        encoded = json.dumps(value, ensure_ascii=False)
        with self.write("setting", f"set {key}") as tx:
            exists = tx.conn.execute(
                select(T_SETTINGS.c.key).where(T_SETTINGS.c.key == key)
            ).first()
            if exists:
                tx.update(T_SETTINGS, {"key": key}, {"value": encoded})
            else:
                tx.insert(T_SETTINGS, {"key": key, "value": encoded})

    # ------------------------------------------------------------------ codebook

    def codebook(self) -> Codebook:
        """The project's codebook (the working master), codes in tree order."""
        with self.read() as conn:
            return self.read_codebook(conn)

    def read_codebook(self, conn: Connection) -> Codebook:
        rows = (
            conn.execute(select(T_CODES).order_by(T_CODES.c.position, T_CODES.c.pk))
            .mappings()
            .all()
        )
        id_by_pk = {r["pk"]: r["id"] for r in rows}
        aliases: dict[int, list[str]] = {}
        for alias, code_pk in conn.execute(
            select(T_ALIASES.c.alias, T_ALIASES.c.code_pk).order_by(T_ALIASES.c.alias)
        ):
            aliases.setdefault(code_pk, []).append(alias)
        codes = [
            convert.code_from_row(
                r,
                id_by_pk.get(r["parent_pk"]) if r["parent_pk"] is not None else None,
                tuple(aliases.get(r["pk"], ())),
            )
            for r in rows
        ]
        meta_raw = conn.execute(
            select(T_SETTINGS.c.value).where(T_SETTINGS.c.key == CODEBOOK_META)
        ).scalar()
        meta = json.loads(meta_raw) if meta_raw else {}
        return Codebook(
            codes=tuple(tree_order(codes)),
            name=meta.get("name", ""),
            description=meta.get("description", ""),
            languages=tuple(meta.get("languages", ())),
            relations=relations_from_data(meta.get("relations")),
        )

    def code_pks(self, conn: Connection) -> dict[str, int]:
        if self._code_pk_cache is None:
            ids = {r.pk: r.id for r in conn.execute(select(T_CODES.c.id, T_CODES.c.pk))}
            pks = {cid: pk for pk, cid in ids.items()}
            for alias, pk in conn.execute(select(T_ALIASES.c.alias, T_ALIASES.c.code_pk)):
                pks.setdefault(alias, pk)
            self._code_ids = ids
            self._code_pk_cache = pks
        return self._code_pk_cache

    def cached_code(self, code: str, coder: str) -> tuple[int, str] | None:
        """``code``'s key and canonical id when this open project already knows both
        the code and ``coder`` (no statement run), else ``None``: the hot path of a
        code application then leaves the decision to the ordinary one."""
        cache = self._code_pk_cache
        code_pk = cache.get(code) if cache is not None else None
        if code_pk is None or coder not in self._known_coders:
            return None
        return code_pk, self._code_ids[code_pk]

    def code_pk(self, conn: Connection, code: str) -> int:
        pk = self.code_pks(conn).get(code)
        if pk is None:
            self._code_pk_cache = None
            pk = self.code_pks(conn).get(code)
        if pk is None:
            raise NotFoundError(
                _("unknown code {code!r}").format(code=code),
                hint=_("'qualcode codebook show' lists the codes"),
            )
        return pk

    def put_setting(self, tx: Tx, key: str, value: Any) -> None:
        encoded = json.dumps(value, ensure_ascii=False)
        current = tx.conn.execute(
            select(T_SETTINGS.c.value).where(T_SETTINGS.c.key == key)
        ).scalar()
        if current is None:
            tx.insert(T_SETTINGS, {"key": key, "value": encoded})
        elif current != encoded:
            tx.update(T_SETTINGS, {"key": key}, {"value": encoded})

    def sentence_lemmas(self, name: str) -> list[str]:
        """The stored lemmas of a document's sentences, in order."""
        with self.read() as conn:
            pk = self.document_key(conn, name)[0]
            return [
                str(x)
                for (x,) in conn.execute(
                    select(T_SENTS.c.lemmas)
                    .where(T_SENTS.c.document_pk == pk)
                    .order_by(T_SENTS.c.ordinal)
                )
            ]

    def document_guids(self) -> dict[str, str]:
        """Every document's name -> guid."""
        with self.read() as conn:
            return {
                n: g for n, g in conn.execute(select(T_DOCS.c.name, T_DOCS.c.guid).where(VISIBLE))
            }

    def languages(self) -> list[str]:
        """The languages of the project's documents, sorted."""
        with self.read() as conn:
            return sorted(
                lang
                for (lang,) in conn.execute(select(T_DOCS.c.lang).where(VISIBLE).distinct())
                if lang is not None
            )

    def document_key(self, conn: Connection, name: str) -> tuple[int, int]:
        row = conn.execute(select(T_DOCS.c.pk, T_DOCS.c.chars).where(T_DOCS.c.name == name)).first()
        if row is None:
            raise NotFoundError(
                _("no document named {name!r}").format(name=name),
                hint=_("'qualcode documents' lists them"),
            )
        return row[0], row[1]

    def coding_select(self) -> Any:
        return select(
            T_CODINGS,
            T_DOCS.c.name.label("doc"),
            T_CODES.c.id.label("code"),
        ).select_from(
            T_CODINGS.join(T_DOCS, T_DOCS.c.pk == T_CODINGS.c.document_pk).join(
                T_CODES, T_CODES.c.pk == T_CODINGS.c.code_pk
            )
        )

    def ensure_coder(self, conn: Connection, name: str, guid: str | None = None) -> None:
        """Give ``name`` a row in ``coders`` (with a stable GUID) the first time it codes.

        Cached per open project, so coding stays one query cheaper after the first.
        The row is reference data, not part of the action: undo leaves it.
        """
        if name in self._known_coders:
            return
        check_name(name, "coder name")
        exists = conn.execute(select(T_CODERS.c.pk).where(T_CODERS.c.name == name)).first()
        if exists is None:
            conn.execute(
                insert_stmt(T_CODERS),
                {"guid": guid or new_guid(), "name": name, "created": now(), "role": "coder"},
            )
        self._known_coders.add(name)

    def delete_coding(self, tx: Tx, pk: int, guid: str, coder: str | None) -> None:
        """Delete a coding and leave its tombstone.

        Args:
            tx: the transaction.
            pk: the coding's key.
            guid: its guid.
            coder: who deleted it (recorded on the tombstone); ``None`` when the coding
                goes because it duplicates another of its own coder (a code merge or
                recode): then the tombstone is its coder's, since a tombstone counts
                only for the coder whose coding it names (a project merge refuses
                others').
        """
        tx.delete(T_CODINGS, {"pk": pk})
        if coder is None:
            coder = str(tx.changes[-1]["row"]["coder"])
        if not tx.conn.execute(select(T_TOMBS.c.guid).where(T_TOMBS.c.guid == guid)).first():
            tx.insert(
                T_TOMBS,
                {"guid": guid, "kind": "coding", "deleted_at": now(), "coder": coder},
            )

    def forget_codes(self) -> None:
        """Drop the cached code keys (after a change to the codes' ids or aliases)."""
        self._code_pk_cache = None

    def forget_documents(self) -> None:
        """Drop the cached document keys (after documents were renamed or removed)."""
        self._doc_cache.clear()

    @property
    def code_ids(self) -> dict[int, str]:
        """Code key -> id, as of the last :meth:`code_pks`."""
        return self._code_ids


def short_error(exc: Exception) -> str:
    msg = str(getattr(exc, "orig", exc)) or exc.__class__.__name__
    return msg.strip().splitlines()[0]


def _write_hint(exc: Exception) -> str | None:
    """What to do about a SQLite error that stopped a write."""
    msg = short_error(exc).lower()
    if "full" in msg:
        return "free some space on the disk, then try again; nothing was written"
    if "i/o error" in msg:
        return "the disk could not be written (full, over a size limit, or failing); nothing was written"
    if "readonly" in msg or "read-only" in msg:
        return "the project file or its folder cannot be written; nothing was written"
    if "malformed" in msg or "not a database" in msg or "corrupt" in msg:
        return "the project file is damaged: restore a backup (qualcode restore FILE)"
    if "locked" in msg or "busy" in msg:
        return "someone else is writing for a long time; try again"
    return None


def _file_id(path: str | None) -> tuple[int, int] | None:
    """``(device, inode)`` of a file, ``None`` when it does not exist."""
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


INSUFFICIENT_PRIVILEGE = "42501"
"""PostgreSQL's SQLSTATE for a missing grant or a row-level security refusal."""

FOREIGN_KEY_VIOLATION = "23503"
"""PostgreSQL's SQLSTATE for a row still referred to (a code others' codings use)."""

WRITE_RETRIES = 5
"""How often a writer tries to take SQLite's write lock after ``busy_timeout``."""


def _sqlstate(exc: DBAPIError) -> str | None:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def _begin_write(conn: Connection) -> Any:
    """Begin a write transaction; on SQLite, retry when the write lock stays taken
    past ``busy_timeout`` ("database is locked"), backing off a little each time."""
    for attempt in range(WRITE_RETRIES):
        try:
            return conn.begin()
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == WRITE_RETRIES - 1:
                raise
            if conn.in_transaction():
                conn.rollback()
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover
