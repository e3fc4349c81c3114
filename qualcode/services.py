"""Use cases shared by the CLI and the TUI, so neither repeats the other.

Each function takes a :class:`~qualcode.store.Project` (or opens one), calls
importers / nlp / exporters, and reports progress through an optional callback.
spaCy loads only inside the functions that segment text.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.core.codebook import Codebook
from qualcode.core.lang import detect_language
from qualcode.core.model import ImportedDocument, ImportResult, SyncReport
from qualcode.core.spans import find_all
from qualcode.errors import InputError, QualcodeError
from qualcode.importers.speakers import SpeakerConfig

if TYPE_CHECKING:
    from qualcode.core.matrices import Matrix
    from qualcode.store import Project

Progress = Callable[[int, int, str], None]
"""``progress(done, total, what)``: called after each unit of long work."""

SPEAKER_SETTINGS = "speakers"
"""Project setting: ``{"patterns": [...], "roles": {...}, "interviewer_labels": [...]}``."""


# ---------------------------------------------------------------------- resources


def resource_dir(name: str) -> Path:
    """A shipped folder (``codebooks`` or ``transcripts``): the repository's when
    running from a checkout, the installed package data otherwise."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise QualcodeError(f"the shipped {name} folder is missing from this installation")


def default_codebook() -> Path:
    """The six-dimension Kepmenpan 63 codebook shipped with qualcode."""
    return resource_dir("codebooks") / "kepmenpan-63.yaml"


# ---------------------------------------------------------------------- codebook


def load_codebook(path: Path) -> Codebook:
    """Read and validate a YAML codebook (one line per problem on failure)."""
    from qualcode.importers.codebook_yaml import load_codebook as _load

    return _load(path)


def sync_codebook(project: Project, path: Path | None = None) -> SyncReport:
    """Load the YAML codebook (``path`` or the project's linked file) into the project.

    Raises:
        InputError: invalid file, no linked file, or codes with codings dropped.
    """
    if path is None:
        linked = project.get_setting("codebook_path")
        if not linked:
            raise InputError(
                "the project has no codebook file",
                hint="pass one: qualcode codebook sync FILE",
            )
        path = Path(linked)
    codebook = load_codebook(path)
    return project.sync_codebook(codebook, str(path.resolve()))


# ---------------------------------------------------------------------- import


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


# ---------------------------------------------------------------------- selectors


def resolve_span(
    project: Project,
    doc: str,
    *,
    start: int | None = None,
    end: int | None = None,
    sentence: int | None = None,
    turn: int | None = None,
    match: str | None = None,
    nth: int | None = None,
    all_matches: bool = False,
) -> list[tuple[int, int]]:
    """The span(s) a CLI selector names in ``doc``.

    Exactly one of ``start``+``end``, ``sentence``, ``turn`` or ``match`` is given.
    A ``match`` that occurs more than once is refused with the count unless
    ``nth`` (1-based) or ``all_matches``.

    Raises:
        InputError: no selector, several, out of range, or an ambiguous match.
    """
    given = [
        name
        for name, value in (
            ("--start/--end", start if start is not None else end),
            ("--sentence", sentence),
            ("--turn", turn),
            ("--match", match),
        )
        if value is not None
    ]
    if len(given) != 1:
        raise InputError(
            "name exactly one passage: --start N --end M, --sentence K, --turn K or --match TEXT"
            + (f" (got {', '.join(given)})" if given else "")
        )
    if start is not None or end is not None:
        if start is None or end is None:
            raise InputError("--start and --end go together")
        return [(start, end)]
    document = project.document(doc)
    if sentence is not None:
        if not 1 <= sentence <= len(document.sentences):
            raise InputError(
                f"{doc!r} has {len(document.sentences)} sentences; there is no sentence {sentence}",
                hint="sentences count from 1",
            )
        s = document.sentences[sentence - 1]
        return [(s.start, s.end)]
    if turn is not None:
        if not 1 <= turn <= len(document.turns):
            raise InputError(
                f"{doc!r} has {len(document.turns)} turns; there is no turn {turn}",
                hint="turns count from 1",
            )
        t = document.turns[turn - 1]
        if t.start >= t.end:
            raise InputError(f"turn {turn} of {doc!r} is empty")
        return [(t.start, t.end)]
    assert match is not None
    if not match:
        raise InputError("--match needs some text")
    hits = find_all(document.text, match)
    if not hits:
        raise InputError(f"{match!r} does not occur in {doc!r}")
    spans = [(h, h + len(match)) for h in hits]
    if all_matches:
        return spans
    if nth is not None:
        if not 1 <= nth <= len(spans):
            raise InputError(
                f"{match!r} occurs {len(spans)} times in {doc!r}; there is no --nth {nth}"
            )
        return [spans[nth - 1]]
    if len(spans) > 1:
        raise InputError(
            f"{match!r} occurs {len(spans)} times in {doc!r}",
            hint="add --nth K or --all, or a longer --match",
        )
    return spans


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


# ---------------------------------------------------------------------- projects


def init_project(
    location: str | None, codebook: Path | None = None, *, coder: str | None = None
) -> Project:
    """Create a project (refusing to overwrite one) and link a codebook.

    Raises:
        ProjectError: when a project already exists there.
    """
    from qualcode.errors import ProjectError
    from qualcode.store import open_project
    from qualcode.store.engine import resolve_location, sqlite_path

    url = resolve_location(location)
    path = sqlite_path(url)
    if path is not None and path.exists():
        raise ProjectError(f"a project already exists at {path}")
    cb = load_codebook(codebook) if codebook is not None else None
    project = open_project(location, create=True, coder=coder)
    if cb is not None and codebook is not None:
        project.sync_codebook(cb, str(codebook.resolve()))
    return project


def demo_location() -> Path:
    """Where ``qualcode demo`` keeps its project."""
    from qualcode.settings import data_dir

    return data_dir() / "demo"


def build_demo(*, rebuild: bool = False, progress: Progress | None = None) -> Path:
    """Build the demo project (once): the shipped codebook, copied into the demo
    folder so edits stay there, and the shipped transcripts.

    Returns:
        The project file.
    """
    from qualcode.store import open_project

    folder = demo_location()
    db = folder / "qualcode.db"
    if db.exists() and not rebuild:
        return db
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "qualcode.db.building"
    for leftover in folder.glob("qualcode.db.building*"):
        leftover.unlink()
    codebook_copy = folder / "kepmenpan-63.yaml"
    shutil.copyfile(default_codebook(), codebook_copy)
    project = open_project(str(tmp), create=True, coder="demo")
    try:
        project.sync_codebook(load_codebook(codebook_copy), str(codebook_copy))
        files = sorted(
            p
            for p in resource_dir("transcripts").iterdir()
            if p.suffix in (".txt", ".md") and p.name != "README.md"
        )
        report = import_transcripts(project, files, progress=progress)
        if report.errors:
            raise report.errors[0]
    finally:
        project.close()
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.replace(db)
    return db
