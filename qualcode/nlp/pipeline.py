"""Cached, lean spaCy pipelines for Indonesian and English.

``spacy.blank("id")`` spends about 2 s compiling ~16,000 tokenizer exceptions, almost
all hyphenated reduplications ("anak-anak") that the default infix rules already keep
whole. The lean Indonesian pipeline keeps spaCy's base exceptions plus the
Indonesian abbreviations ("Rp.", "Jl.", "Kec.") and builds in about 0.15 s. Lemmas
come from the spacy-lookups-data lookup table, looked up on the lowercased form
(the table is case-sensitive, so sentence-initial words would otherwise get none).
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

SUPPORTED = ("id", "en")
_lock = threading.Lock()


@cache
def lemma_table(lang: str) -> dict[str, str]:
    """The lookup lemma table of ``lang`` (empty when spacy-lookups-data lacks one)."""
    from spacy.lookups import load_lookups

    try:
        lookups = load_lookups(lang, ["lemma_lookup"], strict=False)
    except Exception:  # pragma: no cover - a broken spacy-lookups-data install
        return {}
    if not lookups.has_table("lemma_lookup"):
        return {}
    table = lookups.get_table("lemma_lookup")
    return {str(k): str(v) for k, v in table.items()}


def _build(lang: str) -> Any:
    import spacy

    if lang == "id":
        from spacy.lang.id import Indonesian
        from spacy.lang.id.tokenizer_exceptions import TOKENIZER_EXCEPTIONS
        from spacy.lang.tokenizer_exceptions import BASE_EXCEPTIONS

        abbreviations = {k: v for k, v in TOKENIZER_EXCEPTIONS.items() if "-" not in k}

        class LeanIndonesianDefaults(Indonesian.Defaults):  # type: ignore[misc,name-defined]
            tokenizer_exceptions = {**BASE_EXCEPTIONS, **abbreviations}

        class LeanIndonesian(Indonesian):  # type: ignore[misc]
            Defaults = LeanIndonesianDefaults

        nlp = LeanIndonesian()
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


def lemmatize(tokens: Any, lang: str) -> list[str]:
    """Lowercased lookup lemmas of spaCy tokens (punctuation and spaces left out)."""
    table = lemma_table(lang if lang in SUPPORTED else "en")
    out: list[str] = []
    for tok in tokens:
        if tok.is_punct or tok.is_space:
            continue
        low = tok.lower_
        out.append(table.get(low, low))
    return out
