"""Word frequencies (lemmas, stop words removed) and keyword in context.

Words are found with the same expression as the auto-coder and lemmatized with the
lookup tables plus the Indonesian affix fallback of :mod:`qualcode.nlp.morph`, with
the corpus's own words counted as roots (so ``toiletnya`` is counted as
``toilet`` when ``toilet`` occurs). Stop words are spaCy's lists for Indonesian and
English plus the colloquial particles of spoken Indonesian that spaCy's list lacks
(``nggak``, ``udah``, ``aja``, ``sih`` ...); numbers and one-letter words are left out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache

from qualcode.core.model import Document
from qualcode.core.text_analysis import KwicLine
from qualcode.nlp.morph import WORD_RE, Lemmatizer, spacy_stop_words
from qualcode.nlp.pipeline import SUPPORTED

COLLOQUIAL_STOP_WORDS = frozenset(
    """
    nggak ngga gak ga enggak engga tak udah dah aja sih kan ya yah gitu gini mah deh dong
    nih tuh kok lho loh yuk kayak kayaknya gimana emang emangnya banget bgt pas terus trus
    abis habis sama gue gua lu lo elo kalo kalau klo ntar nanti tau tahu pengen pingin
    dulu lagi juga aku kita kami mereka dia beliau bapak ibu pak bu mas mbak neng bang dik
    hehe haha wah oh eh ah hmm iya yaitu yakni nah ok oke
    """.split()
)
"""Particles, fillers, pronouns and forms of address of spoken Indonesian."""


@cache
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words for ``lang`` (plus the colloquial ones for Indonesian)."""
    if lang == "id":
        return spacy_stop_words("id") | COLLOQUIAL_STOP_WORDS
    return spacy_stop_words("en")


def _countable(word: str) -> bool:
    return len(word) > 1 and any(ch.isalpha() for ch in word)


class WordCounter:
    """Counts lemmas of texts of one language, with the corpus words as roots.

    Args:
        lang: ``id`` or ``en``.
        corpus: every text of the corpus in this language (for the roots).
        remove_stop_words: leave out stop words.
    """

    def __init__(self, lang: str, corpus: Iterable[str], *, remove_stop_words: bool = True) -> None:
        self.lang = lang if lang in SUPPORTED else "en"
        vocabulary: set[str] = set()
        for text in corpus:
            vocabulary.update(WORD_RE.findall(text.lower()))
        self.lemma = Lemmatizer(self.lang)
        if self.lang == "id":
            # only plain words of the corpus become roots, not inflected ones
            self.lemma.add_roots(w for w in vocabulary if "-" not in w)
        self.stop = stop_words(self.lang) if remove_stop_words else frozenset()
        self._keep: dict[str, str | None] = {}

    def _word(self, form: str) -> str | None:
        hit = self._keep.get(form, "")
        if hit == "":
            lemma = self.lemma(form)
            ok = _countable(form) and form not in self.stop and lemma not in self.stop
            hit = lemma if ok else None
            self._keep[form] = hit
        return hit

    def count(self, texts: Iterable[str], into: Counter[str] | None = None) -> Counter[str]:
        """Add the lemmas of ``texts`` to ``into`` (a new counter by default)."""
        out: Counter[str] = into if into is not None else Counter()
        for text in texts:
            for form in WORD_RE.findall(text.lower()):
                word = self._word(form)
                if word is not None:
                    out[word] += 1
        return out


_SPACES = re.compile(r"\s+")


def _term_regex(term: str) -> re.Pattern[str]:
    words = WORD_RE.findall(term.lower())
    body = r"\s+".join(re.escape(w) for w in words)
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])", re.IGNORECASE)


def kwic(
    docs: Sequence[Document],
    term: str,
    *,
    width: int = 40,
    lemma: bool = False,
) -> list[KwicLine]:
    """Every occurrence of ``term`` with ``width`` characters of context each side.

    Args:
        docs: the documents to search.
        term: a word or a phrase.
        width: characters of context on each side (within the speaker turn).
        lemma: match on lemmas (``tunggu`` finds menunggu, ditunggu, nungguin)
            instead of the exact words (case-insensitive either way).

    Returns:
        Lines in document and text order.
    """
    words = WORD_RE.findall(term.lower())
    if not words:
        return []
    exact = None if lemma else _term_regex(term)
    lemmatizers: dict[str, Lemmatizer] = {}
    out: list[KwicLine] = []
    for doc in docs:
        text = doc.text
        turns = {t.number: t for t in doc.turns}
        lang = doc.lang if doc.lang in SUPPORTED else "en"
        lem = lemmatizers.get(lang)
        if lem is None:
            lem = lemmatizers[lang] = Lemmatizer(lang, words)
        keys = [lem(w) for w in words]
        for s in doc.sentences:
            chunk = text[s.start : s.end]
            spans: list[tuple[int, int]] = []
            if exact is not None:
                spans = [(m.start(), m.end()) for m in exact.finditer(chunk)]
            else:
                found = list(WORD_RE.finditer(chunk.lower()))
                forms = [lem(m.group()) for m in found]
                n = len(keys)
                for i in range(len(forms) - n + 1):
                    if forms[i : i + n] == keys:
                        spans.append((found[i].start(), found[i + n - 1].end()))
            if not spans:
                continue
            turn = turns.get(s.turn) if s.turn is not None else None
            lo = turn.start if turn is not None else s.start
            hi = turn.end if turn is not None else s.end
            for a, b in spans:
                start, end = s.start + a, s.start + b
                left = text[max(lo, start - width) : start]
                right = text[end : min(hi, end + width)]
                out.append(
                    KwicLine(
                        doc=doc.name,
                        sentence=s.number,
                        speaker=turn.speaker if turn is not None else None,
                        start=start,
                        end=end,
                        left=_SPACES.sub(" ", left).lstrip(),
                        keyword=text[start:end],
                        right=_SPACES.sub(" ", right).rstrip(),
                    )
                )
    return out
