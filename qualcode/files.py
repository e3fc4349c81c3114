"""Bounded reads of the files a user hands in.

Every file qualcode reads on a user's word (a transcript, a codebook, a REFI-QDA
file, a pseudonym file, an attribute CSV, a review sheet, a project to merge) is
opened here, so that

* only a regular file is read: a FIFO, a device (``/dev/zero`` behind a symlink),
  a socket or a folder is refused with one line, and opening never waits (the open
  is non-blocking, so a FIFO with no writer does not hang);
* the size is enforced while reading, not trusted from ``stat``: at most
  ``limit + 1`` bytes are read, so a file that grows, or a ``/proc`` file whose
  size says 0, cannot take the memory;
* every operating-system error is one :class:`~qualcode.errors.InputError` line.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from qualcode.errors import InputError
from qualcode.i18n import N_, _

CHUNK = 1 << 20

WHATS = (
    N_("file"),
    N_("backup file"),
    N_("codebook file"),
    N_("codings file"),
    N_("project file"),
    N_("settings file"),
    N_("workbook"),
)
"""What a file is meant to be (the ``what`` of the functions below), translated in
their messages."""


def _shown(what: str) -> str:
    """What the file is meant to be, in the interface language (one of ``WHATS``)."""
    return _(what) if what in WHATS else what


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISFIFO(mode):
        return _("a FIFO (named pipe)")
    if stat.S_ISCHR(mode):
        return _("a character device")
    if stat.S_ISBLK(mode):
        return _("a block device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("not a regular file")


def os_reason(exc: OSError) -> str:
    """A short reason for an operating-system error (``No space left on device``)."""
    return exc.strerror or exc.__class__.__name__


def _folder(path: Path, what: str) -> InputError:
    hint = _("name the files, e.g. folder/*.txt") if what == "file" else None
    return InputError(
        _("is a folder, not a {what}").format(what=_shown(what)), path=path, hint=hint
    )


def open_regular(path: str | os.PathLike[str], *, what: str = "file") -> BinaryIO:
    """Open ``path`` for reading, refusing anything but a regular file.

    The file is opened without blocking (a FIFO opens at once), then checked with
    ``fstat`` on the open descriptor, so a symlink swapped meanwhile cannot slip
    a device in.

    Args:
        path: the file.
        what: what the file is meant to be, for messages (``codebook``).

    Raises:
        InputError: missing, a folder, a FIFO, a device, a socket, unreadable.
    """
    p = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except FileNotFoundError:
        raise InputError(_("file not found"), path=p, hint=_("check the path")) from None
    except IsADirectoryError:
        raise _folder(p, what) from None
    except PermissionError:
        raise InputError(_("cannot read the file (permission denied)"), path=p) from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket, or a device without its driver
            try:
                kind = _kind(os.stat(p).st_mode)
            except OSError:
                kind = _("a socket or device")
            raise InputError(
                _("is {kind}, not a {what}; refused").format(kind=kind, what=_shown(what)),
                path=p,
                hint=_("name a regular file"),
            ) from None
        if exc.errno == errno.ELOOP:
            raise InputError(_("is a symbolic link loop"), path=p) from None
        raise InputError(
            _("cannot read the file: {reason}").format(reason=os_reason(exc)), path=p
        ) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            if stat.S_ISDIR(mode):
                raise _folder(p, what)
            raise InputError(
                _("is {kind}, not a {what}; refused").format(kind=_kind(mode), what=_shown(what)),
                path=p,
                hint=_("name a regular file"),
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_limited(
    path: str | os.PathLike[str],
    *,
    limit: int,
    what: str = "file",
    hint: str | None = None,
) -> bytes:
    """Every byte of a regular file, refusing one larger than ``limit`` bytes.

    At most ``limit + 1`` bytes are read whatever ``stat`` says.

    Args:
        path: the file.
        limit: the largest size accepted, in bytes.
        what: what the file is meant to be, for messages.
        hint: what to do about a file over the limit.

    Raises:
        InputError: not a regular file, unreadable, or over the limit.
    """
    with open_regular(path, what=what) as fh:
        chunks: list[bytes] = []
        total = 0
        try:
            while total <= limit:
                chunk = fh.read(min(CHUNK, limit + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        except OSError as exc:
            raise InputError(
                _("cannot read the file: {reason}").format(reason=os_reason(exc)), path=Path(path)
            ) from None
        if total > limit:
            size = os.fstat(fh.fileno()).st_size
            told = (
                _("{size:,} bytes").format(size=size)
                if size > limit
                else _("more than {limit:,} bytes").format(limit=limit)
            )
            raise InputError(
                _("file is too large ({told}; the limit is {limit:,})").format(
                    told=told, limit=limit
                ),
                path=Path(path),
                hint=hint or _("split it, or raise the limit"),
            )
    return b"".join(chunks)


def read_head(path: str | os.PathLike[str], n: int, *, what: str = "file") -> bytes:
    """The first ``n`` bytes of a regular file (fewer when it is shorter).

    Raises:
        InputError: not a regular file, or unreadable.
    """
    with open_regular(path, what=what) as fh:
        try:
            return fh.read(n)
        except OSError as exc:
            raise InputError(
                _("cannot read the file: {reason}").format(reason=os_reason(exc)), path=Path(path)
            ) from None
