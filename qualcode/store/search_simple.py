"""The search screen's search: every occurrence, placed exactly (keyword in context).

This scans the ``sentences`` table with SQL ``LIKE`` (the sentence text is cut
from its document with ``substr``; lemmas come from ``sentences.lemmas``) and then
finds the exact places in Python, so a word is also found inside longer words
(``antre`` in ``mengantre``), which a token index cannot do. It is linear in the size
of the project (about a second on 920,000 words, ``bench/search_speed.py``); the
sentence-level search of ``qualcode search`` uses the FTS5 index (``store/search.py``).
"""

from __future__ import annotations

from sqlalchemy import and_, exists, func, literal, or_, select

from qualcode.core.search import (
    WORD_RE,
    KwicHit,
    Lemmatizer,
    find_exact,
    find_lemmas,
    kwic,
)
from qualcode.errors import InputError
from qualcode.i18n import _
from qualcode.store.base import (
    T_CODES,
    T_CODINGS,
    T_DOCS,
    T_SENTS,
    T_TURN_SPEAKERS,
    T_TURNS,
    ProjectBase,
)


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class KwicSearchMixin(ProjectBase):
    """Text and lemma search (the simple, unindexed version)."""

    def search_text(
        self,
        query: str,
        *,
        lemma: bool = False,
        code: str | None = None,
        speaker: str | None = None,
        doc: str | None = None,
        lemmatizer: Lemmatizer | None = None,
        limit: int | None = 2000,
        context: int = 60,
    ) -> list[KwicHit]:
        """Occurrences of ``query``, in document and text order.

        Args:
            query: the words to find (case-insensitive).
            lemma: match the words' lemmas (``menunggu`` finds ``tunggu``), not the text.
            code: only hits inside passages coded with this code or its sub-codes.
            speaker: only hits in turns of this speaker label or role
                (``participant`` / ``interviewer``).
            doc: only this document.
            lemmatizer: ``(word, lang) -> lemma`` for the query and the text in lemma
                mode (the lookup tables of :mod:`qualcode.nlp`); identity when ``None``.
            limit: at most this many hits (``None``: all).
            context: characters of context either side (keyword in context).

        Raises:
            InputError: an empty query.
        """
        query = query.strip()
        if not query:
            raise InputError(_("type something to search for"))
        text_col = func.substr(T_DOCS.c.text, T_SENTS.c.start + 1, T_SENTS.c.end - T_SENTS.c.start)
        stmt = (
            select(
                T_DOCS.c.name,
                T_DOCS.c.pk,
                T_DOCS.c.lang,
                T_SENTS.c.ordinal,
                T_SENTS.c.start,
                T_SENTS.c.end,
                text_col.label("stext"),
                T_TURNS.c.ordinal.label("turn"),
                T_TURNS.c.speaker,
            )
            .select_from(
                T_SENTS.join(T_DOCS, T_DOCS.c.pk == T_SENTS.c.document_pk).outerjoin(
                    T_TURNS, T_TURNS.c.pk == T_SENTS.c.turn_pk
                )
            )
            .order_by(T_DOCS.c.name, T_SENTS.c.ordinal)
        )
        variants: dict[str, list[str]] = {}
        if lemma:
            words = [w.group().lower() for w in WORD_RE.finditer(query)]
            if not words:
                raise InputError(_("{query!r} has no words to look up").format(query=query))
            for lang in sorted({"id", "en", *self.languages()}):
                variants[lang] = [lemmatizer(w, lang) if lemmatizer else w for w in words]
            padded = literal(" ") + func.lower(T_SENTS.c.lemmas) + literal(" ")
            stmt = stmt.where(
                or_(
                    *(
                        padded.like(f"% {_like_escape(' '.join(v))} %", escape="\\")
                        for v in {tuple(v): v for v in variants.values()}.values()
                    )
                )
            )
        else:
            stmt = stmt.where(text_col.like(f"%{_like_escape(query)}%", escape="\\"))
        with self._read() as conn:
            if doc is not None:
                stmt = stmt.where(T_DOCS.c.pk == self._doc(conn, doc)[0])
            if speaker is not None:
                # a joint turn matches each of its speakers and their roles
                stmt = stmt.where(
                    or_(
                        func.lower(T_TURNS.c.speaker) == speaker.lower(),
                        T_TURNS.c.role == speaker,
                        exists().where(
                            T_TURN_SPEAKERS.c.turn_pk == T_TURNS.c.pk,
                            or_(
                                func.lower(T_TURN_SPEAKERS.c.speaker) == speaker.lower(),
                                T_TURN_SPEAKERS.c.role == speaker,
                            ),
                        ),
                    )
                )
            code_pks: list[int] = []
            if code is not None:
                cb = self._codebook(conn)
                found = cb.get(code)
                if found is None:
                    self._code_pk(conn, code)  # raises NotFoundError with a hint
                    raise AssertionError("unreachable")
                wanted = {found.id} | {c.id for c in cb if found.id in cb.path(c.id)}
                code_pks = [
                    pk
                    for (pk,) in conn.execute(
                        select(T_CODES.c.pk).where(T_CODES.c.id.in_(sorted(wanted)))
                    )
                ]
                stmt = stmt.where(
                    exists().where(
                        and_(
                            T_CODINGS.c.document_pk == T_SENTS.c.document_pk,
                            T_CODINGS.c.code_pk.in_(code_pks),
                            T_CODINGS.c.start < T_SENTS.c.end,
                            T_CODINGS.c.end > T_SENTS.c.start,
                        )
                    )
                )
            rows = conn.execute(stmt).all()
            texts: dict[int, str] = {}
            coded: dict[int, list[tuple[int, int]]] = {}
            hits: list[KwicHit] = []
            for name, doc_pk, lang, ordinal, s_start, _s_end, stext, turn, who in rows:
                if lemma:
                    spans = find_lemmas(
                        stext, variants.get(lang or "en", variants["en"]), lang or "en", lemmatizer
                    )
                    # the sentence's lemmas matched but no word could be pinned down
                    # (a lemmatizer other than the one used at import): the sentence
                    spans = spans or [(0, len(stext))]
                else:
                    spans = find_exact(stext, query)
                if code_pks and spans:
                    if doc_pk not in coded:
                        coded[doc_pk] = [
                            (a, b)
                            for a, b in conn.execute(
                                select(T_CODINGS.c.start, T_CODINGS.c.end).where(
                                    T_CODINGS.c.document_pk == doc_pk,
                                    T_CODINGS.c.code_pk.in_(code_pks),
                                )
                            )
                        ]
                    spans = [
                        (a, b)
                        for a, b in spans
                        if any(ca < s_start + b and cb_ > s_start + a for ca, cb_ in coded[doc_pk])
                    ]
                if not spans:
                    continue
                if doc_pk not in texts:
                    texts = {
                        doc_pk: conn.execute(
                            select(T_DOCS.c.text).where(T_DOCS.c.pk == doc_pk)
                        ).scalar_one()
                    }
                full = texts[doc_pk]
                for a, b in spans:
                    left, match, right = kwic(full, s_start + a, s_start + b, context)
                    hits.append(
                        KwicHit(
                            name, s_start + a, s_start + b, ordinal, turn, who, left, match, right
                        )
                    )
                    if limit is not None and len(hits) >= limit:
                        return hits
        return hits
