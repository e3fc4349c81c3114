"""Find the code a researcher means from a few typed words.

Every query word is matched on its own against every code (so word order does not
matter) and scores what it matches best:

* the code's key, typed whole, wins outright;
* the *name* of a code (its labels in every language, its id and aliases) counts
  fully: the same word or lemma (``syarat`` and ``persyaratan`` share one), a word
  that starts with or holds the typed one (``berbelit`` in ``berbelit-belit``), a
  typo (``antrain`` for ``antrean``, by edit similarity);
* its *definition* (description, inclusion, and the keywords and phrases of its
  rules) counts half.

A code's score is the mean over the query words, plus a little for how much of its
label the query covers, so that ``syarat jelas`` picks "Persyaratan jelas" over
"Persyaratan tidak jelas". Recently used codes rank first among equals.

Lemmas come from a function the caller gives (the store of Indonesian and English
lemmas lives in ``qualcode.nlp``); the index computes everything but the query's
own words once, so matching a keypress is a few thousand string comparisons.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from qualcode.core.codebook import Code, Codebook

Lemmas = Callable[[str], Iterable[str]]
"""A word -> its possible lemmas (the word itself need not be among them)."""

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

SHORTHAND = {
    "tdk": "tidak",
    "gk": "tidak",
    "ga": "tidak",
    "gak": "tidak",
    "nggak": "tidak",
    "enggak": "tidak",
    "yg": "yang",
    "dgn": "dengan",
    "krn": "karena",
    "blm": "belum",
    "sdh": "sudah",
    "udh": "sudah",
    "dr": "dari",
    "utk": "untuk",
    "pd": "pada",
    "tp": "tapi",
    "jg": "juga",
    "lbh": "lebih",
    "bs": "bisa",
    "hrs": "harus",
}
"""Abbreviations people type in Indonesian chat and field notes."""

STOP = frozenset(
    "the a an of to and or in on for with at by is are was be it its this that "
    "yang dan atau di ke dari untuk dengan pada ini itu ada juga".split()
)
"""Words that carry no meaning of their own in a query."""

NAME = 1.0
DEFINITION = 0.5
COVERAGE = 0.15
PHRASE = 0.85
RECENT = 0.05


def fold(text: str) -> str:
    """Lowercase without accents (``Prosédur`` -> ``prosedur``)."""
    plain = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of ``text`` (``berbelit-belit`` -> ``berbelit``, ``belit``)."""
    return _WORD.findall(fold(text))


@dataclass(frozen=True)
class _Word:
    text: str
    lemmas: frozenset[str]


def _entry(word: str, lemmas: Lemmas | None) -> _Word:
    found = {word}
    if lemmas is not None:
        found |= {fold(x) for x in lemmas(word) if x}
    return _Word(word, frozenset(found))


@dataclass(frozen=True)
class _Code:
    code: Code
    position: int
    depth: int
    name: tuple[_Word, ...]
    definition: tuple[_Word, ...]
    phrases: tuple[str, ...]
    """The definition's sentences as folded words joined by one space (for phrases)."""
    label_words: tuple[tuple[_Word, ...], ...]
    """Per label language: its content words (for coverage)."""
    ids: tuple[str, ...]


def _similar(q: str, w: str) -> float:
    """How close a typed word is to a word of the codebook (0 when not close)."""
    if len(q) < 4 or len(w) < 4:
        return 0.0
    score = Levenshtein.normalized_similarity(q, w[: len(q) + 2] if len(w) > len(q) + 2 else w)
    return score if score >= 0.75 else 0.0


def word_score(q: _Word, w: _Word) -> float:
    """How well query word ``q`` matches codebook word ``w`` (0-1)."""
    if q.text == w.text:
        return 1.0
    if q.lemmas & w.lemmas:
        return 0.95
    if len(q.text) >= 2 and w.text.startswith(q.text):
        return 0.9 if len(q.text) >= 3 else 0.6
    if len(q.text) >= 4 and any(
        len(lq) >= 4 and lw.find(lq) > 0 for lq in q.lemmas for lw in w.lemmas | {w.text}
    ):
        return 0.85  # syarat in persyaratan
    return 0.8 * _similar(q.text, w.text)


class CodeIndex:
    """A codebook prepared for matching.

    Args:
        codebook: the codes.
        lemmas: word -> lemmas (Indonesian and English); ``None`` matches forms only.
    """

    def __init__(self, codebook: Codebook, lemmas: Lemmas | None = None) -> None:
        self.codebook = codebook
        self.lemmas = lemmas
        cache: dict[str, _Word] = {}

        def prepared(text: str) -> tuple[_Word, ...]:
            out = []
            for w in words(text):
                if w not in cache:
                    cache[w] = _entry(w, lemmas)
                out.append(cache[w])
            return tuple(dict.fromkeys(out))

        self._codes: list[_Code] = []
        for position, code in enumerate(codebook):
            labels = list(code.labels().values())
            ids = (code.id, *code.aliases)
            name_text = " ".join([*labels, *(re.sub(r"[._]", " ", i) for i in ids)])
            definition_text = " ".join(
                [code.description, code.inclusion, *_rule_words(code)],
            )
            label_words = tuple(
                tuple(w for w in prepared(label) if w.text not in STOP) for label in labels
            )
            phrases = tuple(
                " ".join(words(part))
                for part in re.split(r"[.;:!?/()]", definition_text + " " + " ".join(labels))
                if part.strip()
            )
            self._codes.append(
                _Code(
                    code,
                    position,
                    codebook.depth(code.id),
                    prepared(name_text),
                    prepared(definition_text),
                    phrases,
                    label_words,
                    tuple(i.lower() for i in ids),
                )
            )
        self._words: list[_Word] = list(cache.values())
        self._query_cache: dict[str, _Word] = {}
        self._score_cache: dict[str, dict[str, float]] = {}

    def _scores(self, q: _Word) -> dict[str, float]:
        """``q``'s score against every word of the codebook (cached per typed word)."""
        hit = self._score_cache.get(q.text)
        if hit is None:
            hit = {w.text: word_score(q, w) for w in self._words}
            if len(self._score_cache) < 2_000:
                self._score_cache[q.text] = hit
        return hit

    def _query_word(self, word: str) -> _Word:
        hit = self._query_cache.get(word)
        if hit is None:
            hit = _entry(SHORTHAND.get(word, word), self.lemmas)
            if len(self._query_cache) < 10_000:
                self._query_cache[word] = hit
        return hit

    def rank(
        self, query: str, recent: Sequence[str] = (), limit: int = 50
    ) -> list[tuple[Code, float]]:
        """Codes ranked for ``query``, best first (an empty query: recent codes, then
        the codebook's order)."""
        recent_rank = {cid: i for i, cid in enumerate(recent)}
        typed = query.strip()
        if not typed:
            ordered = sorted(
                self._codes,
                key=lambda c: (recent_rank.get(c.code.id, len(recent_rank)), c.position),
            )
            return [(c.code, 0.0) for c in ordered[:limit]]
        folded = fold(typed)
        qwords = [self._query_word(w) for w in words(typed)]
        meaningful = [w for w in qwords if w.text not in STOP] or qwords
        scored: list[tuple[float, int, int, Code]] = []
        for c in self._codes:
            if c.code.key and folded == c.code.key.lower():
                score = 10.0
            else:
                score = self._score(c, folded, meaningful)
            if score <= 0.3:
                continue
            if c.code.id in recent_rank:
                score += RECENT * (len(recent_rank) - recent_rank[c.code.id]) / len(recent_rank)
            scored.append((round(score, 6), -c.depth, c.position, c.code))
        # among equals the more specific code first: a dimension's definition and
        # rules gather its sub-codes' words
        scored.sort(key=lambda t: (-t[0], t[1], t[2]))
        return [(code, round(score, 4)) for score, _, _, code in scored[:limit]]

    def _score(self, c: _Code, folded: str, qwords: Sequence[_Word]) -> float:
        if not qwords:
            return 0.0
        if any(i.startswith(folded) for i in c.ids) and ("." in folded or "_" in folded):
            return 5.0 + len(folded) / 100
        per_word = [self._scores(q) for q in qwords]
        score = sum(_best_match(c, scores) for scores in per_word) / len(qwords)
        if len(qwords) > 1:
            # the query is a phrase of the definition ("kurang kursi", "uang pelicin")
            phrase = " ".join(q.text for q in qwords)
            if any(phrase in p for p in c.phrases):
                score = max(score, PHRASE)
        if c.label_words and score > 0:
            score += COVERAGE * _label_coverage(c, per_word)
        return score


def _best_match(c: _Code, scores: Mapping[str, float]) -> float:
    """How well one query word matches the code: its best match among the name's
    words, else (when below a full match) among the definition's, weighted."""
    best = max((scores[w.text] for w in c.name), default=0.0) * NAME
    if best < NAME:
        best = max(best, max((scores[w.text] for w in c.definition), default=0.0) * DEFINITION)
    return best


def _label_coverage(c: _Code, per_word: Sequence[Mapping[str, float]]) -> float:
    """The largest share of one label's words that some query word matches closely."""
    return max(
        sum(1 for w in label if any(s[w.text] >= 0.8 for s in per_word)) / max(len(label), 1)
        for label in c.label_words
    )


def _rule_words(code: Code) -> list[str]:
    if code.rules is None:
        return []
    out: list[str] = []
    for name in ("keywords", "phrases"):
        values: dict[str, tuple[str, ...]] = getattr(code.rules, name)
        for items in values.values():
            out.extend(str(v) for v in items)
    return out
