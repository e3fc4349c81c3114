"""The code picker's index: the codebook with the lemmas of its words.

Loading the lemma tables takes a moment (a compressed table of about 37,000
Indonesian forms), so the workbench builds the index in a worker once; rebuilding it
after a codebook edit reuses the loaded tables and takes milliseconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from qualcode.core.code_match import CodeIndex, words
from qualcode.core.codebook import Codebook

_lock = threading.Lock()
_lemmatizers: dict[str, Callable[[str], str]] = {}


def lemmas_loaded() -> bool:
    """Whether the lemma tables are in memory (building an index is then instant)."""
    return bool(_lemmatizers)


def _load() -> dict[str, Callable[[str], str]]:
    with _lock:
        if not _lemmatizers:
            from qualcode.nlp.morph import Lemmatizer

            _lemmatizers["id"] = Lemmatizer("id")
            _lemmatizers["en"] = Lemmatizer("en")
    return _lemmatizers


def code_index(codebook: Codebook, *, load: bool = True) -> CodeIndex:
    """The codebook prepared for the picker.

    Args:
        codebook: the codes.
        load: load the lemma tables when they are not in memory yet (a moment, so
            not on a UI thread); ``False`` gives an index without lemmas then.
    """
    if not lemmas_loaded() and not load:
        return CodeIndex(codebook)
    found = _load()
    roots: set[str] = set()
    for code in codebook:
        roots.update(words(" ".join(code.labels().values())))
    indonesian = found["id"]
    add_roots = getattr(indonesian, "add_roots", None)
    if callable(add_roots):
        with _lock:
            add_roots(roots)

    def lemmas(word: str) -> Iterable[str]:
        return {found["id"](word), found["en"](word)}

    return CodeIndex(codebook, lemmas)
