"""Auto-coding use cases: run the rules, review suggestions, evaluate, import codings."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from qualcode.core.autocode import Evaluation, Suggestion, evaluate
from qualcode.core.codebook import Codebook
from qualcode.core.model import Coding, Document, Progress
from qualcode.errors import InputError, NotFoundError
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.importers.codings import CodingFile, CodingRecord
    from qualcode.nlp.autocode import RuleSet
    from qualcode.store import Project
    from qualcode.store.suggestions import StoredBatch


@dataclass
class AutocodeReport:
    """The outcome of one auto-code run.

    Attributes:
        suggestions: every unit the rules matched (stored or not).
        stored: what was stored (``None`` for a dry run or a cancelled run).
        documents: documents matched.
        cancelled: the run was stopped before it stored anything.
    """

    suggestions: list[Suggestion] = field(default_factory=list)
    stored: StoredBatch | None = None
    documents: int = 0
    cancelled: bool = False

    @property
    def batch(self) -> str | None:
        """The run's batch id (its undo group), when something was stored."""
        return self.stored.batch if self.stored else None

    def per_code(self) -> Counter[str]:
        """Suggestions per code id."""
        return Counter(s.code for s in self.suggestions)


def expand_codes(codebook: Codebook, codes: Sequence[str] | None) -> set[str] | None:
    """The codes named and all their sub-codes (``None`` stays ``None``: every code).

    Raises:
        NotFoundError: an unknown code.
    """
    if not codes:
        return None
    wanted: set[str] = set()
    for name in codes:
        code = codebook.get(name)
        if code is None:
            raise NotFoundError(
                _("unknown code {name!r}").format(name=name),
                hint=_("'qualcode codebook show' lists the codes"),
            )
        wanted.add(code.id)
    changed = True
    while changed:
        changed = False
        for c in codebook:
            if c.parent in wanted and c.id not in wanted:
                wanted.add(c.id)
                changed = True
    return wanted


def _rule_set(codebook: Codebook, codes: set[str] | None) -> RuleSet:
    from qualcode.nlp.autocode import RuleSet

    if not any(
        c.rules is not None and not c.rules.is_empty() and (codes is None or c.id in codes)
        for c in codebook
    ):
        raise InputError(
            (
                _("no code has auto-coding rules among those chosen")
                if codes
                else _("no code has auto-coding rules")
            ),
            hint=_("add 'rules:' to codes in the codebook file and run 'qualcode codebook sync'"),
        )
    return RuleSet(codebook, codes)


def match_documents(
    codebook: Codebook,
    docs: Sequence[Document],
    *,
    codes: set[str] | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> list[Suggestion]:
    """Run the rules over documents (no database access)."""
    rules = _rule_set(codebook, codes)
    total = len(docs)

    def report(i: int, name: str) -> None:
        if progress is not None:
            progress(i, total, name)

    return rules.match_all(
        docs, progress=report, cancelled=(cancel.is_set if cancel is not None else None)
    )


def autocode(
    project: Project,
    *,
    codes: Sequence[str] | None = None,
    docs: Sequence[str] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> AutocodeReport:
    """Match the codebook's rules and store the matches as suggestions.

    Suggestions are codings with ``status = suggested`` by coder ``rules``, all of
    one run in one batch (one action, one undo step). Nothing is stored on a dry
    run or when ``cancel`` is set before matching ends.

    Args:
        project: the open project.
        codes: only these codes and their sub-codes (``None``: every code with rules).
        docs: only these documents (``None``: all).
        dry_run: match and report, store nothing.
        progress: ``progress(done, total, document)`` after each document.
        cancel: set it from another thread to stop.

    Raises:
        InputError: no rules to run; a token pattern that cannot be used.
        NotFoundError: an unknown code or document.
    """
    codebook = project.codebook()
    wanted = expand_codes(codebook, codes)
    documents = project.suggestions.documents_full(docs)
    suggestions = match_documents(
        codebook, documents, codes=wanted, progress=progress, cancel=cancel
    )
    report = AutocodeReport(suggestions, documents=len(documents))
    if cancel is not None and cancel.is_set():
        report.cancelled = True
        return report
    if not dry_run:
        report.stored = project.suggestions.add_suggestions(suggestions)
    return report


def make_explainer(project: Project) -> Callable[[Coding], tuple[str, ...]]:
    """A function telling what the rules of a suggestion's code match in its
    passage (for the reviewer), the rules compiled once."""
    from qualcode.nlp.autocode import RuleSet

    codebook = project.codebook()
    rules = RuleSet(codebook)
    docs: dict[str, Document] = {}

    def explain_one(coding: Coding) -> tuple[str, ...]:
        code = codebook.get(coding.code)
        if code is None or code.rules is None or code.rules.is_empty():
            return ()
        doc = docs.get(coding.doc)
        if doc is None:
            (doc,) = project.suggestions.documents_full([coding.doc])
            docs[coding.doc] = doc
        turn = doc.turn_at(coding.start)
        found = rules.for_language(doc.lang).match_text(
            doc.text[coding.start : coding.end], turn.role if turn else None
        )
        return found.get(code.id, ())

    return explain_one


def explain(project: Project, coding: Coding) -> tuple[str, ...]:
    """What the rules of ``coding``'s code match in its passage."""
    return make_explainer(project)(coding)


# ---------------------------------------------------------------------- review


def accept_all(
    project: Project,
    code: str,
    *,
    doc: str | None = None,
    coder: str | None = None,
    include_children: bool = False,
) -> list[Coding]:
    """Accept every pending suggestion of ``code`` (with its sub-codes when
    ``include_children``), in one action."""
    pending = project.suggestions.suggestions(code=code, doc=doc, include_children=include_children)
    if not pending:
        return []
    return project.suggestions.accept_suggestions([c.guid for c in pending], coder=coder)


# ---------------------------------------------------------------------- codings in


@dataclass(frozen=True)
class ReferenceCodings:
    """Codings read from a file and anchored in the project's documents."""

    coder: str
    codings: tuple[tuple[str, str, int, int, str | None], ...]


def load_codings_file(
    project: Project,
    path: Path,
    *,
    coder: str | None = None,
    docs: Sequence[str] | None = None,
    skip_missing: bool = False,
) -> ReferenceCodings:
    """Read a codings file (YAML, JSON, CSV) and anchor every quote.

    Args:
        project: the project whose documents the quotes are in.
        path: the file.
        coder: whose codings they are (default: the file's ``coder``).
        docs: only the entries of these documents.
        skip_missing: leave out entries of documents the project does not hold
            (instead of refusing the file).

    Raises:
        InputError: a bad file, an unknown document or code, or a quote not found;
            every problem at once, one line each.
    """
    from qualcode.importers.codings import anchor_all, read_codings

    parsed = read_codings(path)
    known = set(project.documents.document_names())
    parsed = _only_documents(parsed, path, known, docs=docs, skip_missing=skip_missing)
    names = sorted({r.doc for r in parsed.records})
    documents = {
        d.name: d for d in project.suggestions.documents_full([n for n in names if n in known])
    }
    anchored = anchor_all(parsed.records, documents, str(path))
    codebook = project.codebook()
    unknown = [r for r, _, _ in anchored if codebook.get(r.code) is None]
    if unknown:
        _refuse_unknown_codes(unknown, path)
    who = _coder_of(coder, parsed.coder, {r.coder for r, _, _ in anchored}, path)
    return ReferenceCodings(
        who,
        tuple((r.doc, codebook[r.code].id, start, end, r.memo) for r, start, end in anchored),
    )


def _only_documents(
    parsed: CodingFile,
    path: Path,
    known: set[str],
    *,
    docs: Sequence[str] | None,
    skip_missing: bool,
) -> CodingFile:
    """The file's entries of the chosen documents (refused when none is left)."""
    from dataclasses import replace

    keep = set(docs) if docs is not None else None
    if skip_missing:
        keep = (keep if keep is not None else known) & known
    if keep is None:
        return parsed
    parsed = replace(parsed, records=tuple(r for r in parsed.records if r.doc in keep))
    if not parsed.records:
        raise InputError(
            _("none of the codings is of a document in the project"),
            path=path,
            hint=_("import the transcripts the file codes first"),
        )
    return parsed


def _refuse_unknown_codes(unknown: list[CodingRecord], path: Path) -> NoReturn:
    """One problem per entry whose code the codebook does not hold."""
    from qualcode.errors import Problem

    raise InputError.from_problems(
        [
            Problem(
                _("unknown code {r.code!r}").format(r=r),
                str(path),
                r.line,
                r.column,
                _("'qualcode codebook show' lists the codes"),
            )
            for r in unknown
        ]
    )


def _coder_of(
    given: str | None, in_file: str | None, per_entry: set[str | None], path: Path
) -> str:
    """Whose codings: the one given, the file's, or the one every entry names."""
    who = given or in_file
    if who is None and len(per_entry) == 1 and None not in per_entry:
        who = per_entry.pop()
    if not who:
        raise InputError(
            _("the file names no coder"), path=path, hint=_("pass --coder NAME (e.g. --coder gold)")
        )
    return who


def import_codings(project: Project, path: Path, *, coder: str | None = None) -> StoredBatch:
    """Import a codings file into the project as one coder's accepted codings.

    Identical codings already there are skipped; a bad file changes nothing.
    """
    ref = load_codings_file(project, path, coder=coder)
    return project.suggestions.import_codings(ref.codings, coder=ref.coder)


# ---------------------------------------------------------------------- evaluation


def evaluate_rules(
    project: Project,
    *,
    gold: Path | None = None,
    coder: str | None = None,
    codes: Sequence[str] | None = None,
    docs: Sequence[str] | None = None,
    examples: int = 3,
    progress: Progress | None = None,
) -> tuple[Evaluation, str]:
    """Compare what the rules would suggest with a coder's codings, per sentence.

    The rules are run in memory (nothing is stored). The reference is a codings
    file (``gold``) or a coder's accepted codings in the project (``coder``). Only
    documents the reference coded are compared, unless ``docs`` names them.

    Returns:
        The evaluation and the reference coder's name.

    Raises:
        InputError: neither or both references given, no reference codings, no rules.
    """
    if (gold is None) == (coder is None):
        raise InputError(
            _("compare with a codings file or a coder"), hint=_("pass --gold FILE or --coder NAME")
        )
    codebook = project.codebook()
    wanted = expand_codes(codebook, codes)
    if gold is not None:
        ref = load_codings_file(project, gold, docs=docs, skip_missing=True)
        reference = list(ref.codings)
        who = ref.coder
    else:
        assert coder is not None
        reference = [
            (c.doc, c.code, c.start, c.end, c.memo) for c in project.codings.codings(coder=coder)
        ]
        who = coder
    if not reference:
        raise InputError(
            _("{who!r} has no codings to compare with").format(who=who),
            hint=_(
                "pass --gold FILE or --coder NAME, or import a gold standard with 'qualcode import-codings'"
            ),
        )
    names = list(docs) if docs else sorted({r[0] for r in reference})
    documents = project.suggestions.documents_full(names)
    predicted = match_documents(codebook, documents, codes=wanted, progress=progress)
    if wanted is not None:
        reference = [r for r in reference if r[1] in wanted]
    evaluation = evaluate(
        codebook,
        {d.name: [(s.start, s.end) for s in d.sentences] for d in documents},
        [(d, c, s, e) for d, c, s, e, _ in reference],
        [(s.doc, s.code, s.start, s.end) for s in predicted],
        texts={d.name: d.text for d in documents},
        examples=examples,
    )
    return evaluation, who
