"""Batch writes that wait for the disk once, at the end, instead of at every commit."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import event

from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.store.base import ProjectBase


@contextmanager
def deferred_sync(project: ProjectBase) -> Iterator[None]:
    """Within the block, SQLite commits do not wait for the disk; at its end one
    checkpoint puts every committed transaction on disk.

    A project runs with ``synchronous=FULL`` (a commit is on disk before it is
    acknowledged). A batch import of a thousand documents would wait for the disk a
    thousand times (about 15 ms each); in WAL mode ``synchronous=NORMAL`` keeps every
    commit atomic and the file uncorrupted on a crash, and only a power cut can
    lose the last documents committed before the end of the block, when the
    write-ahead log is synced (importing again skips those already there). Every
    transaction is still one document. On PostgreSQL nothing changes.
    """
    if project.dialect != "sqlite":
        yield
        return
    engine = project.engine
    owner = threading.get_ident()

    def relax(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        # only the importing thread: a coding made meanwhile in the workbench is
        # still on disk before it is acknowledged
        if threading.get_ident() == owner:
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    def restore(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA synchronous=FULL")

    event.listen(engine, "checkout", relax)
    event.listen(engine, "checkin", restore)
    try:
        yield
    finally:
        event.remove(engine, "checkout", relax)
        event.remove(engine, "checkin", restore)
        try:
            _sync_wal(project)
            raw = engine.raw_connection()  # no SQLAlchemy BEGIN: pragmas outside a transaction
            try:
                raw.driver_connection.execute("PRAGMA synchronous=FULL")  # type: ignore[union-attr]
                # PASSIVE: copies what it can without taking the write lock, so another
                # coder's coding never waits for it (a FULL checkpoint of a large import's
                # log held the lock for seconds); the log is already on disk (above)
                raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")  # type: ignore[union-attr]
            finally:
                raw.close()
        except (OSError, sqlite3.Error) as exc:
            # every document is committed (in the write-ahead log); only copying it
            # into the project file failed, which SQLite retries at the next commit
            from qualcode.errors import ProjectError

            raise ProjectError(
                _(
                    "{project.where}: the write-ahead log could not be synced or copied into the project file ({reason}); what was committed stays in the log"
                ).format(project=project, reason=getattr(exc, "strerror", None) or exc),
                hint=_("free some space on the disk; the next write finishes it"),
            ) from None


def _sync_wal(project: ProjectBase) -> None:
    """Put every transaction committed with ``synchronous=NORMAL`` on disk: they are
    all in the write-ahead log, so syncing that file is enough."""
    path = project.path
    if path is None:
        return
    try:
        fd = os.open(f"{path}-wal", os.O_RDONLY)
    except FileNotFoundError:
        return  # checkpointed and removed: already in the project file
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
