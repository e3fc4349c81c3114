"""Exports of matrices."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.errors import InputError

if TYPE_CHECKING:
    from qualcode.core.matrices import Matrix
    from qualcode.store import Project


# ---------------------------------------------------------------------- export


def export_frequency(
    project: Project,
    output: Path,
    *,
    fmt: str | None = None,
    by: str = "document",
    coder: str | None = None,
    label_lang: str | None = None,
) -> Matrix:
    """Compute the code x document frequency matrix and write it to ``output``."""
    from qualcode.exporters.matrix import FORMATS, format_from_suffix, write_matrix

    fmt = fmt or format_from_suffix(output)
    if fmt is None:
        raise InputError(
            f"cannot tell the format from {output.name!r}",
            hint="pass --format " + "|".join(FORMATS),
        )
    matrix = project.frequency(by=by, coder=coder, label_lang=label_lang)
    write_matrix(matrix, output, fmt)
    return matrix
