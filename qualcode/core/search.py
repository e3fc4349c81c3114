"""Search, pure: queries as terms the store turns into SQL, and keyword-in-context.

A query is words and ``"quoted phrases"``; every term must occur in a sentence
(AND). A word ending in ``*`` matches as a prefix (``antr*``). Each term may carry
alternatives (the lemmas a word may have), any of which matches. Within a found
sentence, :func:`find_exact` and :func:`find_lemmas` place each hit exactly, and
:func:`kwic` cuts its keyword-in-context line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qualcode.i18n import _

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Term:
    """One search term: any of its alternatives (each a phrase of words) matches.

    Attributes:
        alternatives: phrases (tuples of lowercase words); one word is a phrase of one.
        prefix: the last word of each alternative matches as a prefix.
    """

    alternatives: tuple[tuple[str, ...], ...]
    prefix: bool = False


def words_of(text: str) -> list[str]:
    """Lowercase words of ``text`` (letters and digits; inner ``-`` and ``'`` kept)."""
    return [w.lower() for w in _WORD.findall(text)]


def parse_query(text: str) -> tuple[Term, ...]:
    """Parse a query into terms.

    Raises:
        ValueError: when the query holds no word.
    """
    terms: list[Term] = []
    for m in _TOKEN.finditer(text):
        phrase, word = m.group(1), m.group(2)
        raw = phrase if phrase is not None else word
        prefix = phrase is None and raw.endswith("*")
        words = tuple(words_of(raw))
        if words:
            terms.append(Term((words,), prefix))
    if not terms:
        raise ValueError(_("no word to search for in {text!r}").format(text=text))
    return tuple(terms)


def with_alternatives(terms: tuple[Term, ...], extra: dict[str, set[str]]) -> tuple[Term, ...]:
    """Add alternatives to one-word terms: ``extra`` maps a word to its other forms
    (a form of several words, such as the lemma ``kerja sama``, is a phrase)."""
    out: list[Term] = []
    for t in terms:
        alts = list(t.alternatives)
        for phrase in t.alternatives:
            if len(phrase) == 1:
                for form in sorted(extra.get(phrase[0], ())):
                    alt = tuple(form.split())
                    if alt and alt not in alts:
                        alts.append(alt)
        out.append(Term(tuple(alts), t.prefix))
    return tuple(out)


WORD_RE = re.compile(r"\w+(?:[-'’]\w+)*")
"""A word as the search sees it (hyphenated reduplications such as ``anak-anak`` stay whole)."""

Lemmatizer = Callable[[str, str], str]
"""``lemmatizer(lowercased_word, lang) -> lemma``."""


@dataclass(frozen=True)
class KwicHit:
    """One occurrence of a search in a document, with its keyword-in-context line.

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

    A word whose lemma is a compound (``bekerjasama`` -> ``kerja sama``) counts as
    its lemma's words, so ``kerja`` and ``kerja sama`` both find it.

    Args:
        text: the text to look in (a sentence).
        lemmas: the query as lemmas, lowercased (a compound lemma may hold spaces).
        lang: the text's language (for the lemmatizer).
        lemmatizer: word -> lemma (identity when ``None``).
    """
    wanted = [part for lemma in lemmas for part in lemma.split()]
    if not wanted:
        return []
    parts: list[tuple[int, int, str, str]] = []
    for m in WORD_RE.finditer(text):
        word = m.group().lower()
        lemma = lemmatizer(word, lang) if lemmatizer else word
        for part in lemma.split() or [word]:
            parts.append((m.start(), m.end(), part, word))
    n = len(wanted)
    hits: list[tuple[int, int]] = []
    i = 0
    while i + n <= len(parts):
        if all(parts[i + k][2] == wanted[k] or parts[i + k][3] == wanted[k] for k in range(n)):
            span = (parts[i][0], parts[i + n - 1][1])
            if not hits or hits[-1] != span:
                hits.append(span)
            i += n
        else:
            i += 1
    return hits
