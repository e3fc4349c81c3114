"""The transcript importer registry, keyed by file suffix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from qualcode.core.model import ImportedDocument
from qualcode.core.names import check_name
from qualcode.errors import InputError
from qualcode.i18n import _
from qualcode.importers.speakers import SpeakerConfig


def _registry() -> dict[str, Callable[..., ImportedDocument]]:
    from qualcode.importers import html, office, pdf, subtitles, text

    return {
        ".txt": text.read_txt,
        ".text": text.read_txt,
        ".md": text.read_md,
        ".markdown": text.read_md,
        ".docx": office.read_docx,
        ".odt": office.read_odt,
        ".rtf": office.read_rtf,
        ".pdf": pdf.read_pdf,
        ".vtt": subtitles.read_vtt,
        ".srt": subtitles.read_srt,
        ".html": html.read_html,
        ".htm": html.read_html,
    }


def supported_suffixes() -> list[str]:
    """Suffixes that can be imported as transcripts."""
    return sorted(_registry())


def importer_for(path: Path) -> Callable[..., ImportedDocument]:
    """The importer for ``path``'s suffix.

    Raises:
        InputError: for an unsupported suffix.
    """
    reg = _registry()
    fn = reg.get(path.suffix.lower())
    if fn is None and path.suffix.lower() in (".doc", ".wpd", ".pages"):
        raise InputError(
            _("{path.suffix} files cannot be read").format(path=path),
            path=path,
            hint=_("save it as .docx (or .odt, .rtf, .txt) and import that"),
        )
    if fn is None:
        raise InputError(
            _("unsupported file type {suffix!r}").format(suffix=path.suffix or "(none)"),
            path=path,
            hint=_("supported: {reg}").format(reg=", ".join(sorted(reg))),
        )
    return fn


def read_transcript(
    path: Path,
    *,
    speakers: SpeakerConfig | None = None,
    name: str | None = None,
    encoding: str | None = None,
) -> ImportedDocument:
    """Import one transcript file, whatever its supported format."""
    if path.is_dir():
        raise InputError(
            _("is a folder, not a file"), path=path, hint=_("name the files, e.g. folder/*.txt")
        )
    if not path.exists():
        raise InputError(_("file not found"), path=path, hint=_("check the path"))
    doc = importer_for(path)(path, speakers=speakers, name=name, encoding=encoding)
    check_name(
        doc.name,
        "document name",
        limit=400,
        path=path,
        hint=_("rename the file (a document is named after it)"),
    )
    return doc
