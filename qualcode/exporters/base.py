"""Atomic file writing shared by every exporter."""

from __future__ import annotations

import os
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO

from qualcode.errors import InputError
from qualcode.i18n import _


def check_target(path: Path) -> None:
    """Refuse an output path that is a folder or whose folder is missing."""
    if path.is_dir():
        raise InputError(_("is a folder; name the output file"), path=path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise InputError(
            _("folder {parent} does not exist").format(parent=parent),
            path=path,
            hint=_("create it first"),
        )


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``; renamed onto it when the block succeeds.

    Before the rename the file gets the permissions a plain ``open()`` would give
    it (or those of the file it replaces) and is flushed to disk, so the target
    is always either the previous file or the whole new one, even after a crash
    or a power cut.
    """
    check_target(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    except OSError as exc:
        raise write_error(path, exc) from None
    os.close(fd)
    tmp_path = Path(tmp)
    batch = _BATCH.get()
    try:
        yield tmp_path
        if batch is not None:
            _set_mode(tmp_path, path)
            batch.append((tmp_path, path))
            return
        _settle(tmp_path, path)
        os.replace(tmp_path, path)
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        raise write_error(path, exc) from None
    except sqlite3.Error as exc:  # a SQLite export on a full disk
        tmp_path.unlink(missing_ok=True)
        raise InputError(
            _("cannot write the file: {exc}").format(exc=exc),
            path=path,
            hint=_("free some space on the disk, or write somewhere else; nothing was written"),
        ) from None
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_error(path: Path, exc: OSError) -> InputError:
    """One line for a file that could not be written (disk full, read-only folder,
    no permission, file-size limit); the target is left as it was."""
    import errno

    reason = exc.strerror or exc.__class__.__name__
    hints = {
        errno.ENOSPC: "free some space on the disk; nothing was written",
        errno.EDQUOT: "your disk quota is used up; nothing was written",
        errno.EFBIG: "the file is over the size this system allows; nothing was written",
        errno.EROFS: "the disk is read-only: write somewhere else",
        errno.EACCES: "you may not write there: choose another folder",
        errno.EPERM: "you may not write there: choose another folder",
    }
    return InputError(
        _("cannot write the file: {reason}").format(reason=reason),
        path=path,
        hint=hints.get(exc.errno or 0),
    )


def _settle(tmp: Path, path: Path) -> None:
    """Give ``tmp`` the mode ``path`` has (or a new file would get) and sync it."""
    _set_mode(tmp, path)
    _sync(tmp)


def _set_mode(tmp: Path, path: Path) -> None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    os.chmod(tmp, mode)


def _sync(tmp: Path) -> None:
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_BATCH: ContextVar[list[tuple[Path, Path]] | None] = ContextVar("export_batch", default=None)
"""The files written inside :func:`batched_writes`, waiting to be synced and moved."""


@contextmanager
def batched_writes() -> Iterator[None]:
    """Write several files as one: every atomic write inside the block keeps its
    temporary file; when the block ends, all of them are synced to disk together (in
    threads, so the file system commits them at once instead of once per file) and
    only then moved into place, in the order written.

    Each target is still either its previous file or the whole new one, even after a
    crash or a power cut. When the block or a sync fails, every temporary file is
    removed and no target is touched.
    """
    if _BATCH.get() is not None:  # nested: the outer block settles everything
        yield
        return
    pending: list[tuple[Path, Path]] = []
    token = _BATCH.set(pending)
    try:
        yield
        failed = _sync_all([tmp for tmp, _ in pending])
        if failed is not None:
            index, exc = failed
            raise write_error(pending[index][1], exc)
    except BaseException:
        for tmp, _ in pending:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        _BATCH.reset(token)
    for i, (tmp, path) in enumerate(pending):
        try:
            os.replace(tmp, path)
        except OSError as exc:
            for left, _ in pending[i:]:
                left.unlink(missing_ok=True)
            raise write_error(path, exc) from None


def _sync_all(paths: list[Path]) -> tuple[int, OSError] | None:
    """fsync every file, at the same time when there are several; the first that
    failed (its index and error), or None."""
    if len(paths) < 2:
        results = [_sync_or_error(p) for p in paths]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(16, len(paths))) as pool:
            results = list(pool.map(_sync_or_error, paths))
    return next(((i, exc) for i, exc in enumerate(results) if exc is not None), None)


def _sync_or_error(path: Path) -> OSError | None:
    try:
        _sync(path)
    except OSError as exc:
        return exc
    return None


def _umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current


@contextmanager
def atomic_text(
    path: Path, *, encoding: str = "utf-8", newline: str | None = None
) -> Iterator[IO[str]]:
    """Open a text file for writing that appears at ``path`` only when complete."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding=encoding, newline=newline) as fh:
        yield fh


def write_atomic(path: Path, writer: Callable[[Path], None]) -> None:
    """Call ``writer`` on a temporary path, then move the result into place."""
    with atomic_path(path) as tmp:
        tmp.unlink()  # writers that create the file themselves (sqlite3)
        writer(tmp)
