"""Search: full text or lemmas, with keyword-in-context lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qualcode.core.search import SearchHit
    from qualcode.store import Project


# ---------------------------------------------------------------------- search


def search(
    project: Project,
    query: str,
    *,
    lemma: bool = False,
    code: str | None = None,
    speaker: str | None = None,
    doc: str | None = None,
    limit: int | None = 2000,
) -> list[SearchHit]:
    """Every occurrence of ``query`` (or, with ``lemma``, of its lemmas) in the project.

    Args:
        project: the open project.
        query: words to find, case-insensitive.
        lemma: match lemmas (``menunggu`` finds ``tunggu``, ``ditunggu`` ...).
        code: only inside passages coded with this code (or its sub-codes).
        speaker: only in turns of this speaker label or role.
        doc: only in this document.
        limit: at most this many hits.
    """
    from qualcode.nlp.pipeline import lemma_table

    def lemma_of(word: str, lang: str) -> str:
        return lemma_table(lang if lang in ("id", "en") else "en").get(word, word)

    return project.search_text(
        query,
        lemma=lemma,
        code=code,
        speaker=speaker,
        doc=doc,
        lemmatizer=lemma_of if lemma else None,
        limit=limit,
    )
