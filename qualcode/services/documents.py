"""Documents after import: rename, delete, link to a case, segment again.

``documents refresh`` reads each stored text again under the current rules (front
matter and Markdown markup out of the text, speakers, roles, sentences and lemmas
found again) and stores the new structure, re-anchoring the codings as ``import
--replace`` does when the text itself changes. It reports, per document, what moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qualcode.core.model import Progress, ReanchorReport, SpeakerSummary
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.core.model import Document, ImportedDocument, SentenceSpan
    from qualcode.store import Project
    from qualcode.store.document_ops import DeletedDocument


@dataclass(frozen=True)
class RefreshResult:
    """What ``documents refresh`` did (or, in a dry run, would do) to one document.

    Attributes:
        name: the document.
        changed: anything differs from what is stored.
        text_changed: the text itself changes (front matter or markup removed).
        removed_chars: how many characters the text lost.
        turns_before: turns before; sentences_before: sentences before.
        turns: turns after; sentences: sentences after.
        speakers_before: the speakers before (name, role, turns).
        speakers: the speakers found now.
        report: the codings' re-anchoring (``None`` in a dry run of an unchanged
            text, or when nothing changed).
        lang: the language kept; detected: the language detection finds now, when
            it differs from the stored one.
        warnings: label-like paragraphs not taken as labels.
        notices: front matter found, markup removed, values not written.
    """

    name: str
    changed: bool
    text_changed: bool
    removed_chars: int
    turns_before: int
    sentences_before: int
    turns: int
    sentences: int
    speakers_before: tuple[tuple[str, str | None, int], ...]
    speakers: tuple[SpeakerSummary, ...]
    report: ReanchorReport | None
    lang: str | None
    detected: str | None
    warnings: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()


def rename_document(project: Project, old: str, new: str) -> None:
    """Rename a document (one action, undoable); see :meth:`Project.rename_document`."""
    project.document_edits.rename_document(old, new)


def delete_document(project: Project, name: str, *, force: bool = False) -> DeletedDocument:
    """Delete a document with its codings and memos (one action, undoable).

    Raises:
        InputError: it has codings and ``force`` is false.
    """
    return project.document_edits.delete_document(name, force=force)


def link_case(project: Project, doc: str, case: str) -> bool:
    """Make document ``doc`` part of case ``case`` (created when new).

    Returns:
        Whether the case was created now.
    """
    created = case not in {c.name for c in project.cases.cases()}
    project.cases.link_case(case, doc)
    return created


def document_case(project: Project, doc: str) -> str | None:
    """The case a whole document belongs to (the first by name), if any."""
    for c in project.cases.cases():
        if any(s.doc == doc and s.speaker is None for s in c.sources):
            return c.name
    return None


def refresh_documents(
    project: Project,
    names: Sequence[str] = (),
    *,
    lang: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> list[RefreshResult]:
    """Segment documents again under the current rules, keeping every coding.

    Args:
        project: the open project.
        names: the documents (none: every document).
        lang: set this language on them (default: keep the stored one; when
            detection now finds another, the result says so).
        dry_run: report only, write nothing.
        progress: ``progress(done, total, name)`` after each document.

    Raises:
        NotFoundError: an unknown document.
        InputError: a bad ``lang``.
    """
    from qualcode.services.imports import check_lang

    lang = check_lang(lang)
    known = project.documents.document_names()
    missing = [n for n in names if n not in known]
    if missing:
        from qualcode.errors import NotFoundError

        raise NotFoundError(
            _("no document named {missing!r}").format(missing=missing[0]),
            hint=_("'qualcode documents' lists them"),
        )
    todo = list(names) or known
    out: list[RefreshResult] = []
    for i, name in enumerate(todo, start=1):
        out.append(_refresh_one(project, name, lang=lang, dry_run=dry_run))
        if progress is not None:
            progress(i, len(todo), name)
    return out


def _refresh_one(project: Project, name: str, *, lang: str | None, dry_run: bool) -> RefreshResult:
    """Read one document again and restructure it when anything changed."""
    from qualcode.core.lang import detect
    from qualcode.importers.text import reread
    from qualcode.nlp.segment import segment
    from qualcode.services.imports import speaker_config

    current = project.documents.document(name)
    fresh = reread(current.text, current.source_format, speaker_config(project, name), name=name)
    speech = " ".join(fresh.text[t.start : t.end] for t in fresh.turns) or fresh.text
    found = detect(speech)
    chosen = lang or current.lang or found.lang
    fresh = replace(fresh, lang=chosen, lang_how="given" if lang else "kept")
    sentences = segment(fresh.text, fresh.turns, chosen)
    text_changed = fresh.text != current.text
    changed = (
        text_changed
        or _structure_changed(current, fresh, sentences)
        or chosen != current.lang
        or _lemmas_differ(project, name, sentences)
    )
    report: ReanchorReport | None = None
    notices = list(fresh.notices)
    if changed and not dry_run:
        case = None
        if fresh.front_matter:
            case = document_case(project, name) or name
        report = project.reimport.restructure_document(name, fresh, sentences, case=case)
        notices.extend(report.notices)
    return RefreshResult(
        name=name,
        changed=changed,
        text_changed=text_changed,
        removed_chars=len(current.text) - len(fresh.text),
        turns_before=len(current.turns),
        sentences_before=len(current.sentences),
        turns=len(fresh.turns),
        sentences=len(sentences),
        speakers_before=_speakers_before(current),
        speakers=fresh.speakers,
        report=report,
        lang=chosen,
        detected=found.lang if found.lang != chosen and found.sure else None,
        warnings=fresh.warnings,
        notices=tuple(notices),
    )


def _structure_changed(
    current: Document, fresh: ImportedDocument, sentences: Sequence[SentenceSpan]
) -> bool:
    """Whether the turns (bounds, speakers, roles) or the sentence bounds differ."""
    old_turns = [(t.start, t.end, t.speaker, t.role, t.speakers) for t in current.turns]
    new_turns = [
        (
            t.start,
            t.end,
            t.speaker,
            t.role,
            tuple(t.speakers or ((t.speaker,) if t.speaker else ())),
        )
        for t in fresh.turns
    ]
    old_sents = [(s.start, s.end) for s in current.sentences]
    new_sents = [(s.start, s.end) for s in sentences]
    return old_turns != new_turns or old_sents != new_sents


def _speakers_before(current: Document) -> tuple[tuple[str, str | None, int], ...]:
    """(speaker, first role, turns) of everyone who spoke in the stored document."""
    counts: dict[str, int] = {}
    roles_before: dict[str, str | None] = {}
    for t in current.turns:
        for who, role in t.people:
            counts[who] = counts.get(who, 0) + 1
            roles_before.setdefault(who, role)
    return tuple((w, roles_before[w], n) for w, n in counts.items())


def _lemmas_differ(project: Project, name: str, sentences: Sequence[object]) -> bool:
    """Whether the stored lemmas of a document differ from freshly computed ones."""
    stored = project.sentence_lemmas(name)
    return stored != [getattr(s, "lemmas", "") for s in sentences]
