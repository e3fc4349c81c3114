"""Searching the project's sentences, by words or by lemmas."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qualcode.core.model import SearchHit
from qualcode.core.search import parse_query, with_alternatives
from qualcode.errors import InputError
from qualcode.i18n import _

if TYPE_CHECKING:
    from qualcode.core.search import KwicHit
    from qualcode.store import Project


def search(
    project: Project,
    query: str,
    *,
    lemma: bool = False,
    code: str | None = None,
    include_children: bool = False,
    speaker: str | None = None,
    doc: str | None = None,
    context: int = 60,
    limit: int | None = None,
) -> list[SearchHit]:
    """Sentences matching every word of ``query`` (see :meth:`Project.search`).

    With ``lemma``, each word of the query is lemmatized in Indonesian, English and
    every other language of the project's documents, and matched against the
    sentences' lemmas, so ``antre`` and ``mengantre`` both find "Saya mengantre dua
    jam", and ``pakai`` finds "dipakai".

    Raises:
        InputError: a query without words.
        NotFoundError: an unknown code or document.
    """
    try:
        terms = parse_query(query)
    except ValueError as exc:
        raise InputError(str(exc), hint=_("search for at least one word")) from None
    if lemma:
        from qualcode.nlp.pipeline import lemma_forms

        langs = tuple(sorted({"id", "en", *project.languages()}))
        words = {a[0] for t in terms for a in t.alternatives if len(a) == 1}
        terms = with_alternatives(terms, {w: lemma_forms(w, langs) for w in words})
    return project.search.search(
        terms,
        lemma=lemma,
        code=code,
        include_children=include_children,
        speaker=speaker,
        doc=doc,
        context=context,
        limit=limit,
    )


def search_kwic(
    project: Project,
    query: str,
    *,
    lemma: bool = False,
    code: str | None = None,
    speaker: str | None = None,
    doc: str | None = None,
    limit: int | None = 2000,
) -> list[KwicHit]:
    """Every occurrence of ``query`` (or, with ``lemma``, of its lemmas), placed
    exactly, with its keyword-in-context line (the workbench's search screen).

    Args:
        project: the open project.
        query: words to find, case-insensitive.
        lemma: match lemmas (``menunggu`` finds ``tunggu``, ``ditunggu`` ...).
        code: only inside passages coded with this code (or its sub-codes).
        speaker: only in turns of this speaker label or role.
        doc: only in this document.
        limit: at most this many hits.
    """
    from qualcode.nlp.segment import lemmatizer

    def lemma_of(word: str, lang: str) -> str:
        return lemmatizer(lang)(word)

    return project.kwic.search_text(
        query,
        lemma=lemma,
        code=code,
        speaker=speaker,
        doc=doc,
        lemmatizer=lemma_of if lemma else None,
        limit=limit,
    )
