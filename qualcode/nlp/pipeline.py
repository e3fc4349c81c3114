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
