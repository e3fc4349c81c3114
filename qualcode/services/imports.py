"""Importing transcripts: read, segment, store."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.core.lang import LANGUAGE_CODE, detect, name_of
from qualcode.core.model import (
    ImportedDocument,
    ImportResult,
    Progress,
    ReanchorReport,
    Role,
    SentenceSpan,
)
from qualcode.errors import InputError, Problem, ProjectError, QualcodeError
from qualcode.i18n import _, plural
from qualcode.importers.speakers import SpeakerConfig

if TYPE_CHECKING:
    from qualcode.store import Project


# ---------------------------------------------------------------------- import

SPEAKER_SETTINGS = "speakers"
"""Project setting: ``{"patterns": [...], "roles": {...}, "interviewer_labels": [...]}``."""


class ImportCancelled(Exception):
    """Raise it from an import's progress callback to stop after the current document.

    Every document already reported is committed; nothing of the next one is written.
    The exception propagates to the caller of :func:`import_transcripts`.
    """


@dataclass
class ImportReport:
    """The outcome of a batch import."""

    results: list[ImportResult] = field(default_factory=list)
    errors: list[QualcodeError] = field(default_factory=list)
    replaced: list[ReanchorReport] = field(default_factory=list)
    backup: Path | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def imported(self) -> list[ImportResult]:
        """Documents that were stored."""
        return [r for r in self.results if r.status == "imported"]

    @property
    def skipped(self) -> list[ImportResult]:
        """Duplicates that were skipped with a notice."""
        return [r for r in self.results if r.status == "skipped"]

    @property
    def previewed(self) -> list[ImportResult]:
        """Documents a dry run would import."""
        return [r for r in self.results if r.status == "would import"]


def speaker_config(project: Project, doc: str | None = None) -> SpeakerConfig:
    """The project's speaker patterns and role mapping (with ``doc``, the roles set for
    that document with ``speakers set --doc`` override the project's)."""
    raw = project.get_setting(SPEAKER_SETTINGS, {}) or {}
    roles = dict(raw.get("roles", {}))
    if doc is not None:
        guid = project.document_guids().get(doc, "")
        roles.update((raw.get("documents") or {}).get(guid, {}))
    return SpeakerConfig(
        patterns=tuple(raw.get("patterns", ())),
        roles=roles,
        interviewer_labels=tuple(raw.get("interviewer_labels", ())),
    )


def check_pattern(pattern: str) -> str:
    """A speaker-label regular expression, checked: it compiles and has a ``name`` group.

    Raises:
        InputError: otherwise.
    """
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise InputError(
            _("bad speaker pattern {pattern!r}: {exc}").format(pattern=pattern, exc=exc),
            hint=_("a Python regular expression"),
        ) from None
    if "name" not in compiled.groupindex:
        raise InputError(
            _("speaker pattern {pattern!r} has no (?P<name>...) group").format(pattern=pattern),
            hint=_("e.g. '^<(?P<name>[A-Z]+)>\\s*'"),
        )
    return pattern


def set_speakers(
    project: Project,
    *,
    interviewer_labels: Sequence[str] = (),
    participant_labels: Sequence[str] = (),
    patterns: Sequence[str] = (),
    clear: bool = False,
    doc: str | None = None,
) -> SpeakerConfig:
    """Add labels and patterns to the project's speaker setting (``speakers``).

    Labels map to a role (case-insensitive); patterns add label styles (a regular
    expression matched at the start of a line, with a ``name`` group). The roles of
    turns already imported follow the new mapping.

    Args:
        interviewer_labels: labels that are the interviewer.
        participant_labels: labels that are a participant (overrides a default such
            as ``I`` meaning interviewer).
        patterns: extra label patterns.
        clear: start from an empty setting (with ``doc``: forget that document's
            roles only).
        doc: set the roles for this document only (they override the project's
            there); patterns are project-wide and cannot be given with it.

    Raises:
        InputError: a bad pattern, or patterns with ``doc`` (nothing is changed).
        NotFoundError: no such document.
    """
    for p in patterns:
        check_pattern(p)
    raw = dict(project.get_setting(SPEAKER_SETTINGS, {}) or {})
    if doc is not None:
        if patterns:
            raise InputError(
                _("label patterns are for the whole project, not one document"),
                hint=_("give --pattern without --doc"),
            )
        guid = project.documents.document(doc).guid
        documents = dict(raw.get("documents") or {})
        mine = {} if clear else dict(documents.get(guid, {}))
        for label in interviewer_labels:
            mine[label.strip()] = Role.INTERVIEWER.value
        for label in participant_labels:
            mine[label.strip()] = Role.PARTICIPANT.value
        documents[guid] = mine
        raw["documents"] = documents
        project.set_setting(SPEAKER_SETTINGS, raw)
        config = speaker_config(project, doc)
        project.reimport.reassign_roles(config.role_of, doc=doc)
        return config
    if clear:
        raw = {"documents": raw["documents"]} if raw.get("documents") else {}
    roles: dict[str, str] = dict(raw.get("roles", {}))
    for label in interviewer_labels:
        roles[label.strip()] = Role.INTERVIEWER.value
    for label in participant_labels:
        roles[label.strip()] = Role.PARTICIPANT.value
    new_patterns = list(raw.get("patterns", []))
    for p in patterns:
        if p not in new_patterns:
            new_patterns.append(p)
    value: dict[str, Any] = {"patterns": new_patterns, "roles": roles}
    if raw.get("interviewer_labels"):
        value["interviewer_labels"] = list(raw["interviewer_labels"])
    if raw.get("documents"):
        value["documents"] = raw["documents"]
    project.set_setting(SPEAKER_SETTINGS, value)
    config = speaker_config(project)
    per_document = {
        guid: _with_roles(config, roles_of_doc)
        for guid, roles_of_doc in (value.get("documents") or {}).items()
    }
    project.reimport.reassign_roles(config.role_of, per_document=per_document)
    return config


def _with_roles(config: SpeakerConfig, extra: dict[str, str]) -> Callable[[str], str]:
    """``role_of`` of ``config`` with one document's own roles on top."""
    merged = SpeakerConfig(config.patterns, {**config.roles, **extra}, config.interviewer_labels)
    return merged.role_of


def check_lang(lang: str | None) -> str | None:
    """A ``--lang`` value, checked: any ISO 639 code (``id``, ``en``, ``ms``, ``fr``,
    ``jv``, ...), lowercased.

    Raises:
        InputError: a value that is not a language code.
    """
    if lang is None:
        return None
    code = lang.strip().lower()
    if not LANGUAGE_CODE.match(code):
        raise InputError(
            _("unknown language {lang!r}").format(lang=lang),
            hint=_("give a language code (ISO 639), e.g. id, en, ms, fr, es, de, nl, pt"),
        )
    return code


def language_notices(lang: str | None, how: str) -> list[str]:
    """What the import says about a document's language."""
    from qualcode.nlp.morph import has_lemmas

    out = []
    if how == "guessed":
        out.append(
            _(
                "language {lang} guessed from few words; "
                "if it is wrong, import the file again with --lang"
            ).format(lang=name_of(lang))
        )
    if lang and not has_lemmas(lang):
        out.append(
            _(
                "{lang} has no lemma table: sentences and exact search work, "
                "lemma search and rule keywords match the words as written"
            ).format(lang=name_of(lang))
        )
    return out


def prepare_document(
    path: Path,
    *,
    speakers: SpeakerConfig | None = None,
    lang: str | None = None,
    name: str | None = None,
    encoding: str | None = None,
) -> ImportedDocument:
    """Read one transcript and decide its language (no database access).

    The language is ``lang`` when given; otherwise it is detected from the speech
    (labels left out) and marked ``detected``, or ``guessed`` when the text holds
    too few known words to be sure.
    """
    from dataclasses import replace

    from qualcode.importers.base import read_transcript

    lang = check_lang(lang)
    doc = read_transcript(path, speakers=speakers, name=name, encoding=encoding)
    if lang is not None:
        chosen, how = lang, "given"
    elif doc.lang:
        chosen, how = doc.lang, "given"
    else:
        speech = " ".join(doc.text[t.start : t.end] for t in doc.turns) or doc.text
        found = detect(speech)
        chosen, how = found.lang, "detected" if found.sure else "guessed"
    notices = (*doc.notices, *language_notices(chosen, how))
    return replace(doc, lang=chosen, lang_how=how, notices=notices)


def case_for(path: Path, pattern: re.Pattern[str]) -> str | None:
    """The case a file belongs to by ``--case-pattern``: the pattern's first group (or
    whole match) in the file name without its suffix; ``None`` when it does not match."""
    m = pattern.search(path.stem)
    if not m:
        return None
    value = m.group(1) if m.groups() else m.group(0)
    return value.strip() or None


def import_transcripts(
    project: Project,
    paths: Sequence[Path],
    *,
    case: str | None = None,
    case_pattern: str | None = None,
    case_per_speaker: bool = False,
    lang: str | None = None,
    encoding: str | None = None,
    strict: bool = False,
    replace: bool = False,
    backup: bool = True,
    interviewer_labels: Sequence[str] = (),
    participant_labels: Sequence[str] = (),
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import transcript files, one transaction per document.

    A file whose text is already in the project is skipped with a notice. A bad file
    is reported and the others are imported, unless ``strict``: then every file is
    read and checked first and nothing is written when any is bad.

    Args:
        project: the open project.
        paths: the files.
        case: the case every document belongs to.
        case_pattern: a regular expression searched in each file name (without
            suffix); its first group (or the whole match) names the document's case.
        case_per_speaker: each non-interviewer speaker is a case (focus groups).
        lang: the language code of every document (default: detected per document).
        encoding: decode text files with this encoding instead of detecting it.
        strict: all or nothing.
        replace: each file replaces the document of the same name (its stem); codings
            are re-anchored (see :meth:`Project.replace_document`). The project is
            backed up first (``backups/...-before-replace.db`` beside a SQLite file;
            ``pg_dump`` into ``./backups/`` on PostgreSQL), unless ``backup`` is false.
        backup: make that copy.
        interviewer_labels: speaker labels that are the interviewer; participant_labels:
            labels that are a participant. Both apply to this import and are saved in
            the project's speaker setting once a document has been stored.
        progress: ``progress(done, total, name)`` after each file; it may raise
            :class:`ImportCancelled` (or anything) to stop after the current
            document, whose transaction is then complete.
        dry_run: read and segment every file and report what an import would do
            (speakers, roles, language, warnings; with ``replace``, where the
            codings would go), writing nothing and making no backup.

    Raises:
        InputError: a bad ``case_pattern`` or ``lang`` (before anything is read).
    """
    lang = check_lang(lang)
    compiled = _case_regex(case_pattern)
    speakers = _speakers_for(project, interviewer_labels, participant_labels)
    report = ImportReport()
    total = len(paths)
    done = 0

    def tick(name: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total, name)

    def read(path: Path) -> ImportedDocument | None:
        try:
            return prepare_document(path, speakers=speakers, lang=lang, encoding=encoding)
        except QualcodeError as exc:
            report.errors.append(exc)
            return None

    if dry_run:
        for path in paths:
            doc = read(path)
            if doc is not None:
                _preview(project, doc, report, replace, compiled, case)
            tick(path.name)
        return report
    if strict:
        # read and check everything first: all or nothing
        docs = [read(p) for p in paths]
        if replace:
            _check_replaceable(project, docs, report)
        if report.errors:
            return report
        prepared: list[tuple[Path, ImportedDocument | None]] = list(zip(paths, docs, strict=True))
    else:
        prepared = [(p, None) for p in paths]
    from qualcode.store.bulk import deferred_sync

    workers = _worker_count(len(paths), strict=strict, replace=replace)
    produced: Generator[tuple[Path, ImportedDocument | None, Sequence[SentenceSpan] | None]] = (
        _produce_in_workers(paths, speakers, lang, encoding, report, workers)
        if workers
        else ((path, ready if ready is not None else read(path), None) for path, ready in prepared)
    )
    import uuid

    # the batch's group in the action log: one undo takes back every document of it
    # (not clock.new_guid: that would shift the reproducible GUIDs of a test run)
    group = str(uuid.uuid4())
    try:
        with deferred_sync(project):
            try:
                _store_all(
                    project,
                    produced,
                    tick,
                    report,
                    compiled,
                    case,
                    case_per_speaker,
                    replace,
                    backup,
                    group,
                )
            finally:
                produced.close()
    except ProjectError as exc:  # the batch's last sync (a full disk): said with the rest
        if not report.errors:  # else the disk's trouble is said already
            report.errors.append(exc)
    if (interviewer_labels or participant_labels) and (report.imported or report.replaced):
        set_speakers(
            project, interviewer_labels=interviewer_labels, participant_labels=participant_labels
        )
    return report


def _worker_count(files: int, *, strict: bool, replace: bool) -> int:
    """How many worker processes read the files (0: read them here, one by one)."""
    return 0 if strict or replace or files < PARALLEL_MIN_FILES else import_workers(files)


def _case_regex(case_pattern: str | None) -> re.Pattern[str] | None:
    """``--case-pattern`` compiled, or ``None`` without one.

    Raises:
        InputError: not a regular expression.
    """
    if case_pattern is None:
        return None
    try:
        return re.compile(case_pattern)
    except re.error as exc:
        raise InputError(
            _("bad --case-pattern {case_pattern!r}: {exc}").format(
                case_pattern=case_pattern, exc=exc
            ),
            hint=_("a Python regular expression"),
        ) from None


def _speakers_for(
    project: Project, interviewer_labels: Sequence[str], participant_labels: Sequence[str]
) -> SpeakerConfig:
    """The project's speaker setting with this import's role labels added."""
    speakers = speaker_config(project)
    if interviewer_labels or participant_labels:
        roles = dict(speakers.roles)
        roles.update({label: Role.INTERVIEWER.value for label in interviewer_labels})
        roles.update({label: Role.PARTICIPANT.value for label in participant_labels})
        speakers = SpeakerConfig(speakers.patterns, roles, speakers.interviewer_labels)
    return speakers


def _check_replaceable(
    project: Project, docs: Sequence[ImportedDocument | None], report: ImportReport
) -> None:
    """Report each read document that has no document of its name to replace."""
    existing = set(project.documents.document_names())
    for d in docs:
        if d is not None and d.name not in existing:
            report.errors.append(_nothing_to_replace(d))


PARALLEL_MIN_FILES = 40
"""From this many files on (and with two cores or more), reading, language detection
and sentence splitting run in worker processes while this one writes to the project,
so the two halves of the work overlap. ``QUALCODE_IMPORT_WORKERS=0`` turns it off."""

JOB_FILES = 4
"""Files one worker reads per job (fewer round trips than one file per job)."""

JOBS_AHEAD = 3
"""Jobs in flight per worker: enough that no worker waits for the next one, few
enough that documents read ahead of the writer stay a bounded amount of memory."""


def import_workers(files: int) -> int:
    """How many worker processes read and segment a batch of ``files``.

    ``QUALCODE_IMPORT_WORKERS`` sets it (``0``: none, everything in this process).
    By default: none on a single core; two on two cores (reading and splitting take
    more time than writing, so this process's writes leave a worker room on its
    core); one fewer than the cores on more (this process writes meanwhile), at most
    four (the writer is then the slower half).
    """
    raw = os.environ.get("QUALCODE_IMPORT_WORKERS", "").strip()
    if raw.isdigit():
        return min(int(raw), 16, -(-files // JOB_FILES))
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    if cores < 2:
        return 0
    return min(max(cores - 1, 2), 4, -(-files // JOB_FILES))


def _prepare_and_segment(
    args: tuple[Path, SpeakerConfig, str | None, str | None],
) -> tuple[ImportedDocument | None, Sequence[SentenceSpan] | None, list[Problem]]:
    """Worker-process half of an import: read one file and split its sentences (sent
    to the writer as columns: see :class:`qualcode.core.model.SentenceColumns`)."""
    from qualcode.nlp.segment import segment_columns

    path, speakers, lang, encoding = args
    try:
        doc = prepare_document(path, speakers=speakers, lang=lang, encoding=encoding)
    except QualcodeError as exc:
        return None, None, list(exc.problems)
    return doc, segment_columns(doc.text, doc.turns, doc.lang or "en"), []


def _prepare_job(
    job: tuple[list[Path], SpeakerConfig, str | None, str | None],
) -> list[tuple[ImportedDocument | None, Sequence[SentenceSpan] | None, list[Problem]]]:
    """One worker job: :func:`_prepare_and_segment` for a few files, in order."""
    files, speakers, lang, encoding = job
    return [_prepare_and_segment((path, speakers, lang, encoding)) for path in files]


def _produce_in_workers(
    paths: Sequence[Path],
    speakers: SpeakerConfig,
    lang: str | None,
    encoding: str | None,
    report: ImportReport,
    workers: int,
) -> Generator[tuple[Path, ImportedDocument | None, Sequence[SentenceSpan] | None]]:
    """Documents read and segmented by ``workers`` processes, in the order of ``paths``.

    At most :data:`JOBS_AHEAD` jobs per worker are in flight, so a writer slower than
    the readers holds a bounded number of documents in memory, not the whole batch.
    """
    import multiprocessing
    from collections import deque
    from concurrent.futures import Future, ProcessPoolExecutor

    # spawn, not fork: the caller may have threads (the TUI imports in a worker thread)
    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn")
    )
    jobs = (
        (list(paths[i : i + JOB_FILES]), speakers, lang, encoding)
        for i in range(0, len(paths), JOB_FILES)
    )
    flight: deque[tuple[list[Path], Future[Any]]] = deque()
    try:
        for job in jobs:
            flight.append((job[0], executor.submit(_prepare_job, job)))
            if len(flight) < workers * JOBS_AHEAD:
                continue
            yield from _results(*flight.popleft(), report)
        while flight:
            yield from _results(*flight.popleft(), report)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _results(
    files: list[Path], future: Any, report: ImportReport
) -> Iterator[tuple[Path, ImportedDocument | None, Sequence[SentenceSpan] | None]]:
    """The documents of one finished job (its bad files said in ``report``)."""
    for path, (doc, sentences, problems) in zip(files, future.result(), strict=True):
        if problems:
            report.errors.append(InputError.from_problems(problems))
        yield path, doc, sentences


def _store_all(
    project: Project,
    produced: Iterable[tuple[Path, ImportedDocument | None, Sequence[SentenceSpan] | None]],
    tick: Callable[[str], None],
    report: ImportReport,
    compiled: re.Pattern[str] | None,
    case: str | None,
    case_per_speaker: bool,
    replace: bool,
    backup: bool,
    group: str,
) -> None:
    """Store each document in its own transaction; the new documents of one call are
    one group in the action log, so that one undo takes them all back."""
    from dataclasses import replace as dc_replace

    from qualcode.nlp.segment import segment
    from qualcode.store.search import INDEX_CHUNK

    names = set(project.documents.document_names())
    for path, doc, ready_sentences in produced:
        if doc is None:
            tick(path.name)
            continue
        try:
            if replace:
                _replace_one(project, doc, report, backup=backup)
            else:
                doc_case = case
                if compiled is not None:
                    doc_case = case_for(path, compiled) or case
                    if doc_case is None:
                        report.notices.append(
                            _(
                                "{path}: the file name does not match --case-pattern; no case"
                            ).format(path=path)
                        )
                name = doc.name
                if name in names and project.documents.find_text(_sha(doc.text)) is None:
                    name = project.documents.unique_name(name)
                doc = dc_replace(doc, name=name)
                sentences = (
                    ready_sentences
                    if ready_sentences is not None
                    else segment(doc.text, doc.turns, doc.lang or "en")
                )
                # a transcript of fewer sentences than one index transaction holds
                # is indexed in its own transaction (a few milliseconds more of the
                # lock, one transaction less); a longer one's search entries follow
                # in short transactions: another coder's coding never waits for them
                inline = len(sentences) < INDEX_CHUNK
                result = project.documents.add_document(
                    doc,
                    sentences,
                    case=doc_case,
                    case_per_speaker=case_per_speaker,
                    index=inline,
                    group=group,
                )
                report.results.append(result)
                names.add(result.name)
                if not inline:
                    _index_after(project, result, doc, report)
        except QualcodeError as exc:
            report.errors.append(exc)
        tick(doc.name)


def _index_after(
    project: Project, result: ImportResult, doc: ImportedDocument, report: ImportReport
) -> None:
    """The search entries of a long transcript just stored, in short transactions."""
    try:
        project.search.index_pending()
    except QualcodeError as exc:
        report.errors.append(
            ProjectError(
                _(
                    "imported as {result.name!r}, but its search entries could not all be written ({exc.problem.message})"
                ).format(result=result, exc=exc),
                path=doc.source_path,
                hint=_("they are finished when the project is next opened with room to write"),
            )
        )


def _preview(
    project: Project,
    doc: ImportedDocument,
    report: ImportReport,
    replace: bool,
    compiled: re.Pattern[str] | None,
    case: str | None,
) -> None:
    """What importing ``doc`` would do, added to ``report``; nothing is written."""
    from dataclasses import replace as dc_replace

    from qualcode.core.anchor import reanchor
    from qualcode.core.model import Anchor
    from qualcode.nlp.segment import segment

    sentences = segment(doc.text, doc.turns, doc.lang)
    if replace:
        if doc.name not in project.documents.document_names():
            report.errors.append(_nothing_to_replace(doc))
            return
        current = project.documents.document(doc.name)
        if current.sha256 == _sha(doc.text):
            report.replaced.append(ReanchorReport(doc.name, unchanged=True))
            return
        codings = project.codings.codings(doc=doc.name, status=None)
        anchored = reanchor(current.text, doc.text, [(c.start, c.end, c.quote) for c in codings])
        counts = {a.value: sum(1 for x in anchored if x.anchor == a.value) for a in Anchor}
        report.replaced.append(
            ReanchorReport(
                doc.name,
                exact=counts[Anchor.EXACT.value],
                moved=counts[Anchor.MOVED.value],
                needs_review=counts[Anchor.NEEDS_REVIEW.value],
                turns=len(doc.turns),
                sentences=len(sentences),
            )
        )
        return
    existing = project.documents.find_text(_sha(doc.text))
    if existing is not None:
        report.results.append(
            ImportResult(
                doc.name,
                "skipped",
                _("{path}: already in the project as {existing!r}, would be skipped").format(
                    path=doc.source_path or doc.name, existing=existing
                ),
            )
        )
        return
    name = doc.name
    if name in {r.name for r in report.results} or name in project.documents.document_names():
        name = project.documents.unique_name(name)
    doc = dc_replace(doc, name=name)
    doc_case = case
    if compiled is not None and doc.source_path:
        doc_case = case_for(Path(doc.source_path), compiled) or case
    meta_case = (doc_case or doc.name) if doc.front_matter else None
    report.results.append(
        ImportResult(
            doc.name,
            "would import",
            _("{path}: would import as {name!r} ({turns}, {sentences})").format(
                path=doc.source_path or doc.name,
                name=doc.name,
                turns=plural(len(doc.turns), "{n} turn", "{n} turns"),
                sentences=plural(len(sentences), "{n} sentence", "{n} sentences"),
            ),
            turns=len(doc.turns),
            sentences=len(sentences),
            notices=doc.notices,
            speakers=doc.speakers,
            lang=doc.lang,
            lang_how=doc.lang_how,
            warnings=doc.warnings,
            case=meta_case,
            attributes=tuple(doc.front_matter),
        )
    )


def _nothing_to_replace(doc: ImportedDocument) -> InputError:
    return InputError(
        _("no document named {doc.name!r} to replace").format(doc=doc),
        path=doc.source_path,
        hint=_("import it without --replace, or name the file after the document"),
    )


def _replace_one(
    project: Project, doc: ImportedDocument, report: ImportReport, *, backup: bool
) -> None:
    from qualcode.nlp.segment import segment
    from qualcode.store.backup import backup as make_backup
    from qualcode.store.backup import discard

    if doc.name not in project.documents.document_names():
        raise _nothing_to_replace(doc)
    current = project.documents.document(doc.name)
    if current.sha256 == _sha(doc.text):
        report.replaced.append(ReanchorReport(doc.name, unchanged=True))
        return
    fresh = backup and report.backup is None
    if fresh:  # one copy before the first document that changes (pg_dump on PostgreSQL)
        report.backup = make_backup(project, label="before-replace")
    try:
        sentences = segment(doc.text, doc.turns, doc.lang or "en")
        case = None
        if doc.front_matter:
            from qualcode.services.documents import document_case

            case = document_case(project, doc.name) or doc.name
        report.replaced.append(
            project.reimport.replace_document(
                doc.name,
                doc,
                sentences,
                backup=str(report.backup) if report.backup else None,
                case=case,
            )
        )
    except BaseException:
        if fresh and report.backup is not None:
            discard(report.backup)
            report.backup = None
        raise


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()
