"""Sentences inside speaker turns, with lemmas for search.

Sentences never cross a turn boundary and never include the speaker label: each
turn's content (split further at blank lines) is run through the sentencizer on its
own, and the offsets are mapped back into the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from qualcode.core.model import SentenceSpan, TurnSpan
from qualcode.nlp.pipeline import get_pipeline, lemma_table, pipe_sentences

_PARAGRAPH = re.compile(r"\n[ \t]*\n")


def _pieces(text: str, turns: Sequence[TurnSpan]) -> Iterator[tuple[int, int, int]]:
    """(turn index, start, end) of every paragraph inside every turn."""
    for i, t in enumerate(turns):
        pos = t.start
        chunk = text[t.start : t.end]
        for m in _PARAGRAPH.finditer(chunk):
            yield i, pos, t.start + m.start()
            pos = t.start + m.end()
        yield i, pos, t.end


def segment(text: str, turns: Sequence[TurnSpan], lang: str) -> list[SentenceSpan]:
    """Split every turn into sentences.

    Args:
        text: the document's normalized text.
        turns: its speaker turns (content spans, labels excluded).
        lang: ``id`` or ``en``.

    Returns:
        Sentence spans in text order, trimmed of surrounding whitespace, each with
        the index of its turn and its space-separated lemmas.
    """
    nlp = get_pipeline(lang)
    table = lemma_table(lang)
    strings = nlp.vocab.strings
    by_hash: dict[int, str] = {}
    pieces = [(i, s, e) for i, s, e in _pieces(text, turns) if text[s:e].strip()]
    out: list[SentenceSpan] = []
    # one array read per piece instead of a Python object per token; a paragraph
    # over spaCy's max_length is read in windows with the same sentences (E088)
    for (turn_index, base, _end), found in zip(
        pieces, pipe_sentences(nlp, (text[s:e] for _, s, e in pieces)), strict=True
    ):
        for sent_start, sent_end, tokens in found:
            start = base + sent_start
            end = base + sent_end
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start >= end:
                continue
            lemmas = []
            for low, punct, space in tokens:
                if punct or space:
                    continue
                lemma = by_hash.get(low)
                if lemma is None:
                    word = strings[low]
                    lemma = by_hash[low] = table.get(word, word)
                lemmas.append(lemma)
            out.append(SentenceSpan(start, end, turn_index, " ".join(lemmas)))
    return out
