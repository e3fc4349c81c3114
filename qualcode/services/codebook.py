"""Codebook use cases: load, validate, sync, edit then write back, in-vivo codes."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from qualcode.core.codebook import Code, Codebook
from qualcode.core.model import Coding, SyncReport
from qualcode.errors import InputError, QualcodeError
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.store import Project

T = TypeVar("T")


# ---------------------------------------------------------------------- codebook


def load_codebook(path: Path) -> Codebook:
    """Read and validate a YAML codebook (one line per problem on failure)."""
    from qualcode.importers.codebook_yaml import load_codebook as _load

    return _load(path)


def sync_codebook(project: Project, path: Path | None = None, *, backup: bool = True) -> SyncReport:
    """Load the YAML codebook (``path`` or the project's linked file) into the project.

    The project is backed up first (``backups/...-before-codebook-sync.db``; the copy
    is removed again when the sync changes nothing or is refused), unless ``backup``
    is false.

    Raises:
        InputError: invalid file, no linked file, or codes with codings dropped.
    """
    if path is None:
        linked = project.get_setting("codebook_path")
        if not linked:
            raise InputError(
                _("the project has no codebook file"),
                hint=_("pass one: qualcode codebook sync FILE"),
            )
        path = Path(linked)
    from qualcode.services.backups import auto_backup

    codebook = load_codebook(path)
    source = str(path.resolve())
    report, saved = auto_backup(
        project,
        "before-codebook-sync",
        lambda: project.codebook_sync.sync_codebook(codebook, source),
        changed=lambda r: r.rows > 0,
        enabled=backup,
    )
    return dataclasses.replace(report, backup=str(saved)) if saved else report


def write_back(project: Project) -> Path | None:
    """Write the project's codebook into its linked YAML file (comments and order kept).

    On PostgreSQL the database is the only master and nothing is written.

    Returns:
        The file written, or ``None``.
    """
    from qualcode.exporters.codebook_yaml import write_codebook

    linked = project.get_setting("codebook_path")
    if not linked or project.dialect != "sqlite":
        return None
    path = Path(linked)
    write_codebook(project.codebook(), path)
    return path


def export_codebook(project: Project, output: Path) -> None:
    """Write the project's codebook as a new YAML file."""
    from qualcode.exporters.codebook_yaml import write_codebook

    if output.exists():
        output.unlink()
    write_codebook(project.codebook(), output)


# ---------------------------------------------------------------------- edits


@dataclass(frozen=True)
class CodebookEdit(Generic[T]):
    """What one codebook edit did: its result, and whether the linked file followed."""

    result: T
    """What the edit returned (a code merge: the :class:`FoldedCode`)."""
    written: Path | None = None
    """The linked YAML file written, or ``None`` (no linked file; PostgreSQL)."""
    not_written: str | None = None
    """Why the linked file could not be written (the edit is saved in the project)."""


def edit_codebook(project: Project, edit: Callable[[], T]) -> CodebookEdit[T]:
    """Make one codebook edit in the project, then write the codebook back into its
    linked YAML file (the use case behind every codebook key of the workbench and
    every ``qualcode codebook`` edit command).

    The edit is one transaction of its own; a file that cannot be written afterwards
    does not undo it: ``not_written`` says why, for a warning.

    Args:
        project: the open project.
        edit: the edit (a call on ``project``: ``add_code``, ``set_label``, ...).

    Raises:
        QualcodeError: the edit was refused (nothing changed).
    """
    result = edit()
    try:
        written = write_back(project)
    except (OSError, QualcodeError) as exc:
        return CodebookEdit(result, None, str(exc))
    return CodebookEdit(result, written)


INVIVO_MAX = 60
"""The longest in-vivo label (characters); longer words are cut with ``…``."""

INVIVO_PREFIX = "invivo."
"""In-vivo codes get ids under this prefix (``invivo.nunggu_dua_jam``)."""

_STRIP = " .,;:!?\"'()[]«»“”"


def slug(text: str) -> str:
    """A code id fragment from free text: ``"Nunggu dua jam!"`` -> ``nunggu_dua_jam``."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower())
    return "_".join(words)[:40].strip("_") or "code"


def in_vivo_words(text: str) -> str:
    """The participant's words as an in-vivo label gets them: on one line, without
    the punctuation around them (``' “Nunggu dua jam!” '`` -> ``Nunggu dua jam``)."""
    return " ".join(text.split()).strip(_STRIP)


def in_vivo_code(codebook: Codebook, words: str) -> Code:
    """The new code an in-vivo coding of ``words`` creates: label = the words (cut to
    :data:`INVIVO_MAX`), id = ``invivo.`` + their slug, numbered ``_2``, ``_3``, ...
    when taken.

    Raises:
        InputError: no words.
    """
    words = in_vivo_words(words)
    if not words:
        raise InputError(_("select some words first"))
    label = words if len(words) <= INVIVO_MAX else words[: INVIVO_MAX - 1] + "…"
    base = INVIVO_PREFIX + slug(words)
    code_id, n = base, 2
    while code_id in codebook or codebook.get(code_id) is not None:
        code_id, n = f"{base}_{n}", n + 1
    return Code(id=code_id, label=label)


@dataclass(frozen=True)
class InVivo:
    """An in-vivo code and its coding (one undo step)."""

    code: Code
    coding: Coding
    created: bool
    """Whether the coding is new (always, unless the same passage was coded meanwhile)."""
    written: Path | None = None
    """The linked codebook file written, or ``None``."""
    not_written: str | None = None
    """Why the linked codebook file could not be written (the code is saved)."""


def create_in_vivo(
    project: Project, doc: str, start: int, end: int, *, text: str | None = None
) -> InVivo:
    """Code ``doc[start:end]`` with a new code named by the participant's own words.

    The code (see :func:`in_vivo_code`) and the coding are one action group, undone as
    one step; the codebook is written back into its linked file.

    Args:
        project: the open project.
        doc: the document's name.
        start: first character of the passage.
        end: end of the passage (exclusive).
        text: the document's text when the caller has it (saves reading it again).

    Raises:
        InputError: an empty passage or one of only punctuation.
        QualcodeError: the code or the coding was refused.
    """
    if text is None:
        text = project.documents.document(doc).text
    if not 0 <= start < end <= len(text):
        raise InputError(
            _("the passage [{start}:{end}] is not in {doc}").format(start=start, end=end, doc=doc)
        )
    code = in_vivo_code(project.codebook(), text[start:end])
    group = str(uuid.uuid4())
    edit = edit_codebook(project, lambda: project.codes.add_code(code, group=group))
    coding, created = project.codings.apply_coding(doc, code.id, start, end, group=group)
    return InVivo(code, coding, created, edit.written, edit.not_written)
