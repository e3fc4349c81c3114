"""Word frequencies and keyword in context over a project's documents."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.core.model import Document
from qualcode.core.pseudonyms import Pseudonymizer
from qualcode.core.text_analysis import GROUPINGS, KwicLine, WordFrequencies, kwic_table
from qualcode.errors import InputError
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.store import Project

NO_ROLE = "(no role)"


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


"""The speaker group of text in turns without a known role."""


def _texts_by_group(
    project: Project, docs: Sequence[Document], by: str
) -> dict[str, list[tuple[str, str]]]:
    """group -> [(language, text)] in display order."""
    if by in ("corpus", "document", "speaker"):
        return _texts_by_sentence(docs, by)
    by_name = {d.name: d for d in docs}
    if by == "case":
        return _texts_by_case(project, by_name)
    return _texts_by_code(project, by_name)


def _add(groups: dict[str, list[tuple[str, str]]], group: str, lang: str | None, text: str) -> None:
    groups.setdefault(group, []).append((lang or "en", text))


def _texts_by_sentence(docs: Sequence[Document], by: str) -> dict[str, list[tuple[str, str]]]:
    """Every sentence in the corpus, its document, or its turn's speaker role."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for d in docs:
        roles = {t.number: t.role for t in d.turns}
        for s in d.sentences:
            if by == "corpus":
                group = "corpus"
            elif by == "document":
                group = d.name
            else:
                role = roles.get(s.turn) if s.turn is not None else None
                group = role or NO_ROLE
            _add(groups, group, d.lang, d.text[s.start : s.end])
    if by == "speaker":
        order = ["participant", "interviewer", NO_ROLE]
        rank = {g: i for i, g in enumerate(order)}
        groups = {k: groups[k] for k in sorted(groups, key=lambda g: (rank.get(g, 9), g))}
    return groups


def _texts_by_case(
    project: Project, by_name: dict[str, Document]
) -> dict[str, list[tuple[str, str]]]:
    """The sentences of each case's documents, or of its speaker's turns in them."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for case in project.cases.cases():
        for src in case.sources:
            source = by_name.get(src.doc)
            if source is None:
                continue
            if src.speaker is None:
                for s in source.sentences:
                    _add(groups, case.name, source.lang, source.text[s.start : s.end])
            else:
                wanted = {t.number for t in source.turns if t.speaker == src.speaker}
                for s in source.sentences:
                    if s.turn in wanted:
                        _add(groups, case.name, source.lang, source.text[s.start : s.end])
    return groups


def _texts_by_code(
    project: Project, by_name: dict[str, Document]
) -> dict[str, list[tuple[str, str]]]:
    """The coded text of each code (overlapping codings of one code in one document
    are merged, so no word is counted twice for the same code)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    codebook = project.codebook()
    spans: dict[str, dict[str, list[tuple[int, int]]]] = {}
    for c in project.codings.codings():
        if c.doc in by_name:
            spans.setdefault(c.code, {}).setdefault(c.doc, []).append((c.start, c.end))
    for code in codebook:
        for doc_name, doc_spans in sorted(spans.get(code.id, {}).items()):
            d = by_name[doc_name]
            for start, end in _merged(doc_spans):
                _add(groups, code.id, d.lang, d.text[start:end])
    return groups


def word_frequencies(
    project: Project,
    *,
    by: str = "corpus",
    docs: Sequence[str] | None = None,
    remove_stop_words: bool = True,
    names: Pseudonymizer | None = None,
) -> WordFrequencies:
    """Lemma counts per group, stop words (spaCy's for id/en) removed.

    With ``names`` (pseudonyms) every text is counted with its names replaced, and
    the groups (documents, cases) are named by their pseudonyms: no real name is
    counted as a word.

    Args:
        project: the open project.
        by: ``corpus``, ``document``, ``case``, ``code`` (the coded text of each
            code's accepted codings) or ``speaker`` (the speaker role of the turn).
        docs: only these documents (``None``: all).
        remove_stop_words: leave stop words out.

    Raises:
        InputError: an unknown grouping.
    """
    from qualcode.nlp.textstats import WordCounter

    if by not in GROUPINGS:
        raise InputError(
            _("unknown grouping {by!r}").format(by=by),
            hint=_("use {GROUPINGS}").format(GROUPINGS=", ".join(GROUPINGS)),
        )
    documents = project.suggestions.documents_full(docs)
    counters: dict[str, WordCounter] = {}
    for lang in sorted({d.lang or "en" for d in documents}):
        corpus = (d.text for d in documents if (d.lang or "en") == lang)
        counters[lang] = WordCounter(lang, corpus, remove_stop_words=remove_stop_words)
    counts: dict[str, Counter[str]] = {}
    totals: dict[str, int] = {}
    names = names or Pseudonymizer({})
    for group, items in _texts_by_group(project, documents, by).items():
        counter: Counter[str] = Counter()
        for lang, text in items:
            counters[lang if lang in counters else "en"].count([names.text(text)], counter)
        label = names.text(group) if by in ("document", "case") else group
        counts[label] = counts.get(label, Counter()) + counter
        totals[label] = sum(counts[label].values())
    return WordFrequencies(by, counts, totals)


def keyword_in_context(
    project: Project,
    term: str,
    *,
    width: int = 40,
    lemma: bool = False,
    docs: Sequence[str] | None = None,
    names: Pseudonymizer | None = None,
) -> list[KwicLine]:
    """Every occurrence of ``term`` with ``width`` characters of context each side.

    With ``names`` (pseudonyms) the context is read wider, its names replaced, then
    cut to ``width``, so that no real name survives, not even one cut in half at the
    edge of the context; the document and speaker are named by their pseudonyms
    (positions stay those of the project's text).

    Raises:
        InputError: an empty term or a width below 1.
    """
    from qualcode.nlp.textstats import kwic

    if not term.strip():
        raise InputError(_("the search term is empty"))
    if width < 1:
        raise InputError(
            _("width {width} is too small").format(width=width), hint=_("use --width 1 or more")
        )
    if not names:
        return kwic(project.suggestions.documents_full(docs), term, width=width, lemma=lemma)
    pad = names.longest() + 1
    out: list[KwicLine] = []
    for k in kwic(project.suggestions.documents_full(docs), term, width=width + pad, lemma=lemma):
        new, pm = names.text_map(k.left + k.keyword + k.right)
        a, b = pm.start(len(k.left)), pm.end(len(k.left) + len(k.keyword))
        out.append(
            KwicLine(
                doc=names.text(k.doc),
                sentence=k.sentence,
                speaker=names.text(k.speaker) if k.speaker else k.speaker,
                start=k.start,
                end=k.end,
                left=new[:a][-width:],
                keyword=new[a:b],
                right=new[b:][:width],
            )
        )
    return out


def export_words(
    freq: WordFrequencies, output: Path, *, fmt: str | None = None, top: int | None = None
) -> str:
    """Write word frequencies as CSV or XLSX; returns the format."""
    from qualcode.exporters.tables import write_table

    header, rows = freq.table(top)
    return write_table(header, rows, output, fmt, sheet=f"words by {freq.by}")


def export_kwic(
    lines: list[KwicLine], output: Path, *, fmt: str | None = None, term: str = ""
) -> str:
    """Write KWIC lines as CSV or XLSX; returns the format."""
    from qualcode.exporters.tables import write_table

    header, rows = kwic_table(lines)
    return write_table(header, rows, output, fmt, sheet=f"kwic {term}".strip())
