"""What reading a damaged ZIP archive raises.

:mod:`zipfile` reports a damaged archive with :class:`zipfile.BadZipFile` only when
the central directory is wrong. A damaged member raises whatever its decompressor
or a seek raises: ``zlib.error`` (``invalid stored block lengths``), ``EOFError``,
``ValueError`` (``negative seek value``), ``struct.error``, ``OSError``,
``NotImplementedError`` (an unknown compression method) or ``RuntimeError`` (an
encrypted member). Importers catch all of them as one: a corrupt file.
"""

from __future__ import annotations

import struct
import zipfile
import zlib

ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ValueError,
    struct.error,
    OSError,
    RuntimeError,  # NotImplementedError is one
)
"""Every exception :mod:`zipfile` raises on a damaged archive or member."""


def zip_reason(exc: BaseException) -> str:
    """One short line saying what is wrong, for an error message."""
    if isinstance(exc, NotImplementedError):
        return "a compression method that is not supported"
    text = str(exc).strip()
    if isinstance(exc, RuntimeError) and "encrypted" in text:
        return "it is encrypted (password protected)"
    first = text.splitlines()[0] if text else type(exc).__name__
    return first[:120]
