"""The shipped codebooks and demo transcripts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.errors import QualcodeError
from qualcode.i18n import _

if TYPE_CHECKING:
    pass


# ---------------------------------------------------------------------- resources


def resource_dir(name: str) -> Path:
    """A shipped folder (``codebooks`` or ``transcripts``): the repository's when
    running from a checkout, the installed package data otherwise."""
    here = Path(__file__).resolve().parent.parent  # the qualcode package
    for candidate in (here / "_data" / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise QualcodeError(
        _("the shipped {name} folder is missing from this installation").format(name=name)
    )


def default_codebook() -> Path:
    """The six-dimension Kepmenpan 63 codebook shipped with qualcode."""
    return resource_dir("codebooks") / "kepmenpan-63.yaml"
