"""Importing transcripts: read, segment, store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.core.lang import detect_language
from qualcode.core.model import ImportedDocument, ImportResult, Progress
from qualcode.errors import InputError, QualcodeError
from qualcode.importers.speakers import SpeakerConfig

if TYPE_CHECKING:
    from qualcode.store import Project


# ---------------------------------------------------------------------- import

SPEAKER_SETTINGS = "speakers"
"""Project setting: ``{"patterns": [...], "roles": {...}, "interviewer_labels": [...]}``."""


@dataclass
class ImportReport:
    """The outcome of a batch import."""

    results: list[ImportResult] = field(default_factory=list)
    errors: list[QualcodeError] = field(default_factory=list)

    @property
    def imported(self) -> list[ImportResult]:
        """Documents that were stored."""
        return [r for r in self.results if r.status == "imported"]

    @property
    def skipped(self) -> list[ImportResult]:
        """Duplicates that were skipped with a notice."""
        return [r for r in self.results if r.status == "skipped"]


def speaker_config(project: Project) -> SpeakerConfig:
    """The project's speaker patterns and role mapping."""
    raw = project.get_setting(SPEAKER_SETTINGS, {}) or {}
    return SpeakerConfig(
        patterns=tuple(raw.get("patterns", ())),
        roles=dict(raw.get("roles", {})),
        interviewer_labels=tuple(raw.get("interviewer_labels", ())),
    )


def prepare_document(
    path: Path,
    *,
    speakers: SpeakerConfig | None = None,
    lang: str | None = None,
    name: str | None = None,
    encoding: str | None = None,
) -> ImportedDocument:
    """Read one transcript and decide its language (no database access)."""
    from dataclasses import replace

    from qualcode.importers.base import read_transcript

    doc = read_transcript(path, speakers=speakers, name=name, encoding=encoding)
    if lang is not None and lang not in ("id", "en"):
        raise InputError(f"unknown language {lang!r}", hint="use id or en")
    return replace(doc, lang=lang or doc.lang or detect_language(doc.text))


def import_transcripts(
    project: Project,
    paths: Sequence[Path],
    *,
    case: str | None = None,
    lang: str | None = None,
    strict: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import transcript files, one transaction per document.

    A file whose text is already in the project is skipped with a notice. A bad file
    is reported and the others are imported, unless ``strict``: then every file is
    read and checked first and nothing is written when any is bad.
    """
    from qualcode.nlp.segment import segment

    speakers = speaker_config(project)
    report = ImportReport()
    prepared: list[ImportedDocument] = []
    total = len(paths)
    for i, path in enumerate(paths, start=1):
        try:
            prepared.append(prepare_document(path, speakers=speakers, lang=lang))
        except QualcodeError as exc:
            report.errors.append(exc)
        if progress and strict:
            progress(i, total * 2, f"read {path.name}")
    if strict and report.errors:
        return report
    seen_names: set[str] = set()
    for i, doc in enumerate(prepared, start=1):
        try:
            from dataclasses import replace

            name = doc.name
            if name in seen_names or (
                project.find_text(_sha(doc.text)) is None and name in project.document_names()
            ):
                name = project.unique_name(name)
            seen_names.add(name)
            doc = replace(doc, name=name)
            sentences = segment(doc.text, doc.turns, doc.lang or "en")
            report.results.append(project.add_document(doc, sentences, case=case))
        except QualcodeError as exc:
            report.errors.append(exc)
        if progress:
            done = (total + i) if strict else i + len(report.errors)
            progress(
                min(done, total * (2 if strict else 1)), total * (2 if strict else 1), doc.name
            )
    return report


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()
