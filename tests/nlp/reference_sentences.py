"""The sentence rules of :mod:`qualcode.nlp.sentences` as written before issue 21's
faster scan (kept verbatim as the reference the equality tests compare with)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from qualcode.nlp.sentences import ABBREVIATIONS, BEFORE_NUMBERS, NEVER_END, TITLES, VOCATIVES

_END = re.compile(r"(?:\.{2,}|…|[.?!])+[\"'”’)\]»]*(?=\s|$)")
_OPENERS = "\"'“‘([«"
_INNER_DOTS = re.compile(r"^(?:[^\W\d_]{1,4}\.)+[^\W\d_]{1,4}$")
_CAPS = re.compile(r"^[A-Z][A-Z0-9]{0,5}$")


def _bare(word: str) -> str:
    """``word`` without the quotes and brackets around it."""
    return word.strip("\"'“”‘’()[]«»")


def _kind(word: str) -> str:
    """How a period after ``word`` behaves: ``title``, ``number``, ``never``,
    ``abbr`` (ends a sentence only before a capital) or ``word``."""
    if not word:
        return "word"
    low = word.lower()
    if len(word) == 1 and word.isalpha():
        return "title" if word.isupper() else "number" if low == "p" else "abbr"
    if low in NEVER_END:
        return "never"
    if low in TITLES:
        return "title"
    if low in BEFORE_NUMBERS:
        return "number"
    if low in ABBREVIATIONS or _INNER_DOTS.match(word) or _CAPS.match(word):
        return "abbr"
    return "word"


def _next_word(text: str, pos: int) -> str:
    """The word that starts at or after ``pos`` (past spaces and opening quotes)."""
    n = len(text)
    while pos < n and (text[pos].isspace() or text[pos] in _OPENERS):
        pos += 1
    end = pos
    while end < n and not text[end].isspace():
        end += 1
    return text[pos:end]


def _is_boundary(
    text: str, start: int, end: int, stop_words: frozenset[str], english: bool
) -> bool:
    """Whether the terminator ``text[start:end]`` ends a sentence."""
    following = _next_word(text, end)
    if not following:
        return True
    first = following[0]
    capital = first.isupper()
    term = text[start:end]
    core = term.rstrip("\"'”’)]»")
    closed = len(core) < len(term)
    if "?" in core or "!" in core:
        return not (closed and first.islower())
    if "…" in core or ".." in core:
        if not capital:
            return False
        return not (english and re.match(r"I(?:\W|$)", following))
    begin = start
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    word = _bare(text[begin:start])
    kind = _kind(word)
    if kind == "never":
        return False
    if kind == "title":
        if word.lower() not in VOCATIVES or not capital:
            return False
        # "Iya, Bu. Terima kasih": the title addresses someone and ends the sentence
        head = text[: start - len(word)].rstrip()
        return head.endswith(",") or _bare(following).lower() in stop_words
    if kind == "number":
        return capital
    if kind == "abbr":
        return capital or (first in _OPENERS and capital)
    return True


def split_sentences(
    text: str, lang: str | None = None, stop_words: Iterable[str] = ()
) -> list[tuple[int, int]]:
    """``(start, end)`` of every sentence of ``text``, trimmed of whitespace.

    Args:
        text: one paragraph (or any text: newlines are ordinary spaces here).
        lang: its language (English adds the *I* rule after an ellipsis).
        stop_words: the language's function words, lowercased: a vocative title
            before one of them ends its sentence ("Bu. Terima kasih").
    """
    stops = frozenset(stop_words)
    english = lang == "en"
    spans: list[tuple[int, int]] = []
    begin = 0
    for m in _END.finditer(text):
        if _is_boundary(text, m.start(), m.end(), stops, english):
            spans.append((begin, m.end()))
            begin = m.end()
    spans.append((begin, len(text)))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out
