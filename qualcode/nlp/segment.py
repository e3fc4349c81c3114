"""Sentences inside speaker turns, with lemmas for search.

Sentences never cross a turn boundary and never include the speaker label: each
turn's content, split further at blank lines, is split into sentences on its own by
the rules of :mod:`qualcode.nlp.sentences`, and each sentence's words get their
lemmas from :class:`qualcode.nlp.morph.Lemmatizer` (Indonesian affix rules, a lookup
table for the other languages that have one, the words themselves otherwise). No
spaCy pipeline is built: the work is one regular-expression scan per paragraph and
one dictionary look-up per distinct word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from qualcode.core.model import SentenceColumns, SentenceSpan, TurnSpan
from qualcode.nlp.morph import WORD_RE, Lemmatizer, spacy_stop_words
from qualcode.nlp.sentences import split_sentences

_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
""":data:`qualcode.nlp.morph.WORD_RE` on lowercase ASCII text (where ``\\w`` is
``[A-Za-z0-9_]``), which the regular-expression engine scans faster."""
_words = WORD_RE.findall
_LEMMATIZERS: dict[str, Lemmatizer] = {}


def lemmatizer(lang: str | None) -> Lemmatizer:
    """The shared lemmatizer of ``lang`` (built once per process)."""
    key = lang or "en"
    found = _LEMMATIZERS.get(key)
    if found is None:
        found = _LEMMATIZERS[key] = Lemmatizer(key)
    return found


def _pieces(text: str, turns: Sequence[TurnSpan]) -> Iterator[tuple[int, int, int]]:
    """(turn index, start, end) of every paragraph inside every turn."""
    for i, t in enumerate(turns):
        pos = t.start
        chunk = text[t.start : t.end]
        for m in _PARAGRAPH.finditer(chunk):
            yield i, pos, t.start + m.start()
            pos = t.start + m.end()
        yield i, pos, t.end


def segment(text: str, turns: Sequence[TurnSpan], lang: str | None) -> list[SentenceSpan]:
    """Split every turn into sentences.

    Args:
        text: the document's normalized text.
        turns: its speaker turns (content spans, labels excluded).
        lang: the document's language code.

    Returns:
        Sentence spans in text order, trimmed of surrounding whitespace, each with
        the index of its turn and its space-separated lemmas.
    """
    return list(segment_columns(text, turns, lang))


def segment_columns(text: str, turns: Sequence[TurnSpan], lang: str | None) -> SentenceColumns:
    """:func:`segment` as columns (what an import's worker sends to the writer)."""
    lemma = lemmatizer(lang).lookup
    stops = spacy_stop_words(lang or "en")
    starts: list[int] = []
    ends: list[int] = []
    turn_indexes: list[int | None] = []
    lemmas: list[str] = []
    join = " ".join
    for turn_index, start, end in _pieces(text, turns):
        piece = text[start:end]
        if not piece.strip():
            continue
        spans = split_sentences(piece, lang, stops)
        if piece.isascii():
            # lowercasing keeps every offset, so the words of each sentence are read
            # from the lowercased paragraph in place, with the pattern's ASCII twin
            low = piece.lower()
            find = _ASCII_WORD.findall
            lemmas += [join(map(lemma, find(low, s, e))) for s, e in spans]
        else:
            lemmas += [join(map(lemma, _words(piece[s:e].lower()))) for s, e in spans]
        starts += [start + s for s, _e in spans]
        ends += [start + e for _s, e in spans]
        turn_indexes += [turn_index] * len(spans)
    return SentenceColumns(starts, ends, turn_indexes, lemmas)
