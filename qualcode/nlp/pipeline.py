"""Cached, lean spaCy pipelines (for auto-coding's token patterns), and lemma look-ups.

Segmentation no longer builds a pipeline (see :mod:`qualcode.nlp.segment`): only the
rules' token patterns (spaCy's Matcher) need one. ``spacy.blank("id")`` spends about
2 s compiling ~16,000 tokenizer exceptions, almost all hyphenated reduplications
("anak-anak") that the default infix rules already keep whole. The lean Indonesian
pipeline keeps spaCy's base exceptions plus the Indonesian abbreviations ("Rp.",
"Jl.", "Kec.") and builds in about 0.15 s. :func:`lemma_forms` gives a search word's
lemmas from :class:`qualcode.nlp.morph.Lemmatizer`, the same lemmatizer that made the
stored lemmas.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any

SUPPORTED = ("id", "en")
_lock = threading.Lock()


# Abbreviations common in Indonesian transcripts that spaCy's tables lack: without
# them "Rp. 50.000" ends a sentence after "Rp.".
INDONESIAN_ABBREVIATIONS = (
    "Rp.",
    "Jl.",
    "Jln.",
    "No.",
    "Kec.",
    "Kel.",
    "Kab.",
    "Prov.",
    "Kota.",
    "dll.",
    "dsb.",
    "dst.",
    "Bpk.",
    "Bp.",
    "Ibu.",
    "Sdr.",
    "Sdri.",
    "Tgl.",
    "tgl.",
    "Hal.",
    "hal.",
    "Hj.",
    "H.",
    "Prof.",
    "Dr.",
    "dr.",
    "Drs.",
    "Dra.",
    "Ir.",
    "S.H.",
    "S.Pd.",
    "S.Sos.",
    "S.E.",
    "S.Kom.",
    "M.Si.",
    "M.Pd.",
    "a.n.",
    "u.p.",
    "s.d.",
    "Sekcam.",
    "Kasi.",
    "Kades.",
    "Lurah.",
    "RT.",
    "RW.",
)


def _build(lang: str) -> Any:
    import spacy

    if lang == "id":
        from spacy.lang.id import Indonesian
        from spacy.lang.id.tokenizer_exceptions import TOKENIZER_EXCEPTIONS
        from spacy.lang.tokenizer_exceptions import BASE_EXCEPTIONS
        from spacy.symbols import ORTH

        abbreviations = {k: v for k, v in TOKENIZER_EXCEPTIONS.items() if "-" not in k}
        abbreviations.update({a: [{ORTH: a}] for a in INDONESIAN_ABBREVIATIONS})
        base_defaults: Any = Indonesian.Defaults
        defaults = type(
            "LeanIndonesianDefaults",
            (base_defaults,),
            {"tokenizer_exceptions": {**BASE_EXCEPTIONS, **abbreviations}},
        )
        lean: Any = type("LeanIndonesian", (Indonesian,), {"Defaults": defaults})
        nlp = lean()
    else:
        nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    return nlp


_pipelines: dict[str, Any] = {}


def get_pipeline(lang: str) -> Any:
    """The pipeline for ``lang`` (``id`` or ``en``; anything else falls back to ``en``).

    Built once per process, on first use, thread-safe.
    """
    lang = lang if lang in SUPPORTED else "en"
    nlp = _pipelines.get(lang)
    if nlp is None:
        with _lock:
            nlp = _pipelines.get(lang)
            if nlp is None:
                nlp = _build(lang)
                _pipelines[lang] = nlp
    return nlp


def lemma_forms(word: str, langs: tuple[str, ...] = SUPPORTED) -> set[str]:
    """The lemmas of ``word`` (lowercased) in each of ``langs``, the word itself
    included: a search for ``mengantre`` also looks for ``antre``, one for
    ``dipakai`` for ``pakai`` (see :class:`qualcode.nlp.morph.Lemmatizer`).

    A compound's lemma (``bekerjasama`` -> ``kerja sama``) is one form holding a
    space: the search looks for it as a phrase.
    """
    from qualcode.nlp.segment import lemmatizer

    low = word.lower()
    forms = {low}
    for lang in langs:
        forms.add(lemmatizer(lang)(low))
    return forms


SentenceAttrs = tuple[int, int, list[list[int]]]
"""One sentence: its start and end character in the text, and per token its
``LOWER`` hash, ``IS_PUNCT`` and ``IS_SPACE`` (as spaCy's ``Doc.to_array`` gives)."""


def pipe_sentences(
    nlp: Any, texts: Iterable[str], *, max_length: int | None = None
) -> Iterator[list[SentenceAttrs]]:
    """The sentences of each text, as one run of ``nlp`` would find them.

    A text longer than spaCy's ``max_length`` (1,000,000 characters; longer ones fail
    with E088) is read in windows: each window starts where a sentence starts, and
    only the sentences that end before the window's last one are kept, so every
    sentence is decided with the same tokens and the same sentencizer state as in
    one run with ``max_length`` raised. A sentence longer than a window (no
    sentence end in a million characters) is cut after a word — where the
    sentencizer carries no state — and joined again. Memory stays that of one window.

    Args:
        nlp: a pipeline with the sentencizer.
        texts: the texts (paragraphs).
        max_length: the window (default: the pipeline's ``max_length``).

    Yields:
        For each text, its sentences in order.
    """
    from spacy.attrs import IS_PUNCT, IS_SPACE, LOWER

    limit = max_length or int(nlp.max_length)
    attrs = [LOWER, IS_PUNCT, IS_SPACE]

    def sentences(doc: Any) -> list[SentenceAttrs]:
        arr = doc.to_array(attrs).tolist()
        return [(s.start_char, s.end_char, arr[s.start : s.end]) for s in doc.sents]

    batch: list[str] = []

    def flush() -> Iterator[list[SentenceAttrs]]:
        for doc in nlp.pipe(batch):
            yield sentences(doc)
        batch.clear()

    for t in texts:
        if len(t) <= limit:
            batch.append(t)
            continue
        yield from flush()
        yield _long_sentences(nlp, t, limit, sentences)
    yield from flush()


def _long_sentences(nlp: Any, text: str, limit: int, sentences: Any) -> list[SentenceAttrs]:
    """The sentences of a text longer than ``limit`` (see :func:`pipe_sentences`)."""
    from spacy.attrs import IS_PUNCT, IS_SPACE, LOWER

    sentencizer = nlp.get_pipe("sentencizer")
    punct_chars = set(getattr(sentencizer, "punct_chars", ()) or ())
    out: list[SentenceAttrs] = []
    pos = 0
    join = False  # the first sentence of the window continues the last one kept
    n = len(text)
    while pos < n:
        end = min(n, pos + limit)
        if end < n:
            # end the window at white space, so that no token is cut
            cut = max(text.rfind(c, pos + 1, end) for c in (" ", "\n", "\t", "\r"))
            end = cut if cut > pos else end
        doc = nlp(text[pos:end])
        found: list[SentenceAttrs] = sentences(doc)
        nxt = end
        keep = found
        carry = False
        if end < n and len(found) > 1:
            # the last sentence may go on past the window: read it again from its start,
            # where the sentencizer starts afresh as it does in one run
            keep, nxt = found[:-1], pos + found[-1][0]
        elif end < n and found:
            # one sentence longer than the window: cut it after a word that is not
            # punctuation (there the sentencizer holds no state) and join the rest
            tokens = list(doc)
            k = len(tokens) - 1
            while k >= 0 and (
                tokens[k].is_punct or tokens[k].is_space or tokens[k].text in punct_chars
            ):
                k -= 1
            first = found[0]
            if k >= 0 and tokens[k].idx + len(tokens[k].text) > first[0]:
                arr = doc.to_array([LOWER, IS_PUNCT, IS_SPACE]).tolist()
                start_token = next(t.i for t in tokens if t.idx >= first[0])
                cut_char = tokens[k].idx + len(tokens[k].text)
                keep = [(first[0], cut_char, arr[start_token : k + 1])]
                # one space after a word is that word's (spaCy's whitespace_), any
                # more white space is a token of its own: the next window starts there
                nxt = (
                    pos + cut_char + (1 if text[pos + cut_char : pos + cut_char + 1] == " " else 0)
                )
            carry = True
        for i, (s, e, a) in enumerate(keep):
            if i == 0 and join and out:
                ps, _pe, pa = out[-1]
                out[-1] = (ps, pos + e, pa + a)
            else:
                out.append((pos + s, pos + e, a))
        join = carry
        pos = nxt if nxt > pos else end
    return out
