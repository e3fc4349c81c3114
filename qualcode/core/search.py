"""Search hits and keyword-in-context lines (pure)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*")
"""A word as the search sees it (hyphenated reduplications such as ``anak-anak`` stay whole)."""

Lemmatizer = Callable[[str, str], str]
"""``lemmatizer(lowercased_word, lang) -> lemma``."""


@dataclass(frozen=True)
class SearchHit:
    """One occurrence of a search in a document.

    Attributes:
        doc: document name.
        start: first character of the hit in the document's text.
        end: end of the hit (exclusive).
        sentence: the sentence number (from 1).
        turn: the turn number (from 1), if any.
        speaker: the turn's speaker label, if any.
        left: text before the hit (up to the context width, one line).
        match: the hit's text.
        right: text after the hit (up to the context width, one line).
    """

    doc: str
    start: int
    end: int
    sentence: int
    turn: int | None
    speaker: str | None
    left: str
    match: str
    right: str


def one_line(text: str) -> str:
    """Whitespace runs (newlines included) as single spaces."""
    return " ".join(text.split()) if text else ""


def kwic(text: str, start: int, end: int, width: int = 60) -> tuple[str, str, str]:
    """The keyword-in-context triple of ``text[start:end]``: up to ``width``
    characters either side, each on one line."""
    left = one_line(text[max(0, start - width * 2) : start])
    right = one_line(text[end : end + width * 2])
    if text[max(0, start - 1) : start].isspace():
        left += " "
    if text[end : end + 1].isspace():
        right = " " + right
    return left[-width:], text[start:end], right[:width]


def find_exact(text: str, query: str) -> list[tuple[int, int]]:
    """Case-insensitive occurrences of ``query`` in ``text`` (non-overlapping)."""
    if not query:
        return []
    return [(m.start(), m.end()) for m in re.finditer(re.escape(query), text, re.IGNORECASE)]


def find_lemmas(
    text: str, lemmas: Sequence[str], lang: str, lemmatizer: Lemmatizer | None = None
) -> list[tuple[int, int]]:
    """Runs of consecutive words of ``text`` whose lemmas are ``lemmas``.

    Args:
        text: the text to look in (a sentence).
        lemmas: the query as lemmas, lowercased.
        lang: the text's language (for the lemmatizer).
        lemmatizer: word -> lemma (identity when ``None``).
    """
    if not lemmas:
        return []
    words = [(m.start(), m.end(), m.group().lower()) for m in WORD_RE.finditer(text)]
    lem = [lemmatizer(w, lang) if lemmatizer else w for _, _, w in words]
    n = len(lemmas)
    hits: list[tuple[int, int]] = []
    i = 0
    while i + n <= len(words):
        if all(lem[i + k] == lemmas[k] or words[i + k][2] == lemmas[k] for k in range(n)):
            hits.append((words[i][0], words[i + n - 1][1]))
            i += n
        else:
            i += 1
    return hits
