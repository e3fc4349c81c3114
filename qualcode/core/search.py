"""Search queries: what the user typed, as terms the store turns into SQL.

A query is words and ``"quoted phrases"``; every term must occur in a sentence
(AND). A word ending in ``*`` matches as a prefix (``antr*``). Each term may carry
alternatives (the lemmas a word may have), any of which matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
        raise ValueError(f"no word to search for in {text!r}")
    return tuple(terms)


def with_alternatives(terms: tuple[Term, ...], extra: dict[str, set[str]]) -> tuple[Term, ...]:
    """Add alternatives to one-word terms: ``extra`` maps a word to its other forms."""
    out: list[Term] = []
    for t in terms:
        alts = list(t.alternatives)
        for phrase in t.alternatives:
            if len(phrase) == 1:
                for form in sorted(extra.get(phrase[0], ())):
                    if (form,) not in alts:
                        alts.append((form,))
        out.append(Term(tuple(alts), t.prefix))
    return tuple(out)
