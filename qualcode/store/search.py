"""Full-text search over sentences: SQLite FTS5, PostgreSQL ``tsvector``.

The index (``sentence_search``, revision 0002) holds every sentence's text and
lemmas. On SQLite it is an FTS5 table whose rowid is the sentence's pk; on
PostgreSQL a table keyed by ``sentence_pk`` with GIN indexes over
``to_tsvector('simple', text)`` and ``to_tsvector('simple', lemmas)``. The two
dialects differ only in the four small functions marked below; everything else is
shared.

The search screen's search (:class:`KwicSearch`, below) finds every occurrence,
placed exactly (keyword in context): it scans the ``sentences`` table with SQL ``LIKE``
(the sentence text is cut from its document with ``substr``; lemmas come from
``sentences.lemmas``) and then finds the exact places in Python, so a word is also
found inside longer words (``antre`` in ``mengantre``), which a token index cannot do.
It is linear in the size of the project (about a second on 920,000 words,
``bench/search_speed.py``); the sentence-level search of ``qualcode search`` uses the
index.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, exists, func, literal, or_, select, text

from qualcode.core.model import Role, SearchHit, Status
from qualcode.core.search import (
    WORD_RE,
    KwicHit,
    Lemmatizer,
    Term,
    find_exact,
    find_lemmas,
    kwic,
    parse_query,
)
from qualcode.errors import InputError
from qualcode.i18n import _
from qualcode.store import ddl
from qualcode.store.base import (
    T_CODES,
    T_CODINGS,
    T_DOCS,
    T_SENTS,
    T_TURN_SPEAKERS,
    T_TURNS,
    VISIBLE,
    ProjectBase,
)

SEARCH_TABLE = "sentence_search"

# ---------------------------------------------------------------------- dialects


def index_document(conn: Connection, doc_pk: int, text_: str | None = None) -> None:
    """Add every sentence of a document to the search index.

    The sentences' text is cut from the document in Python and inserted in one
    executemany: SQL's ``substr`` on the whole text per sentence counts characters
    from the start every time, which made indexing one long document quadratic
    (a 3 MB transcript took 85 s; now it takes as long as its sentences' inserts).

    Args:
        conn: the write transaction.
        doc_pk: the document.
        text_: its text, when the caller has it (else it is read).
    """
    if text_ is None:
        text_ = str(
            conn.execute(
                text("SELECT text FROM documents WHERE pk = :doc"), {"doc": doc_pk}
            ).scalar()
            or ""
        )
    rows = conn.execute(
        text('SELECT pk, start, "end", lemmas FROM sentences WHERE document_pk = :doc'),
        {"doc": doc_pk},
    ).all()
    insert_entries(conn, text_, rows)


def insert_entries(conn: Connection, text_: str, rows: Sequence[Any]) -> None:
    """Insert the search entries of sentences ``(pk, start, end, lemmas)`` of the
    document whose text is ``text_``.

    On SQLite the rows go to the driver as plain tuples in one ``executemany``
    (SQLAlchemy's per-row parameter processing cost more than FTS5's own work).
    """
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(ddl.search_insert("sentence_pk")),
            [{"pk": pk, "text": text_[s:e], "lemmas": lemmas} for pk, s, e, lemmas in rows],
        )
        return
    conn.exec_driver_sql(
        "INSERT INTO sentence_search (rowid, text, lemmas) VALUES (?, ?, ?)",
        [(pk, text_[s:e], lemmas) for pk, s, e, lemmas in rows],
    )


SEARCH_PENDING = "search.pending"
"""Setting: the keys of documents whose sentences are not all in the search index
yet. A new document is stored whole (text, turns, sentences, action-log entry) in
one transaction that also lists it here; its search entries then follow in short
transactions of :data:`INDEX_CHUNK` sentences, the last of which removes it from
the list. Opening the project finishes what a crash left (see
:meth:`Search.index_pending`)."""

INDEX_CHUNK = 2000
"""Sentences indexed per transaction: about a tenth of a second of the write lock."""

INDEX_PAUSE_S = 0.01
"""The pause between two of those transactions (a waiting writer's chance)."""

_pause = time.sleep


def pending_documents(conn: Connection) -> dict[int, float]:
    """:data:`SEARCH_PENDING` as the transaction sees it: document key -> the time
    (seconds since the epoch) its indexing last moved."""
    raw = conn.execute(
        text("SELECT value FROM settings WHERE key = :k"), {"k": SEARCH_PENDING}
    ).scalar()
    data = json.loads(raw) if raw else {}
    if isinstance(data, list):  # a bare list of keys
        return {int(p): 0.0 for p in data}
    return {int(k): float(v) for k, v in data.items()}


def set_pending(conn: Connection, pending: dict[int, float]) -> None:
    """Write :data:`SEARCH_PENDING` (bookkeeping of the import: not an undoable change)."""
    value = json.dumps({str(k): v for k, v in pending.items()})
    if conn.execute(text("SELECT 1 FROM settings WHERE key = :k"), {"k": SEARCH_PENDING}).first():
        conn.execute(
            text("UPDATE settings SET value = :v WHERE key = :k"), {"k": SEARCH_PENDING, "v": value}
        )
    else:
        conn.execute(
            text("INSERT INTO settings (key, value) VALUES (:k, :v)"),
            {"k": SEARCH_PENDING, "v": value},
        )


def index_missing(
    conn: Connection, doc_pk: int, text_: str, after: int, limit: int
) -> tuple[int, int]:
    """Index up to ``limit`` sentences of a document that are not in the index yet,
    looking from key ``after`` on.

    Returns:
        How many were indexed, and the largest key indexed (``after`` when none).
    """
    key = "sentence_pk" if conn.dialect.name == "postgresql" else "rowid"
    rows = conn.execute(
        text(ddl.search_unindexed(key)),
        {"doc": doc_pk, "after": after, "n": limit},
    ).all()
    if not rows:
        return 0, after
    insert_entries(conn, text_, rows)
    return len(rows), int(rows[-1][0])


def unindex_document(conn: Connection, doc_pk: int) -> None:
    """Remove a document's sentences from the search index (before they are deleted)."""
    key = "sentence_pk" if conn.dialect.name == "postgresql" else "rowid"
    conn.execute(
        text(ddl.search_delete_document(key)),
        {"doc": doc_pk},
    )


def _fts5_query(terms: Sequence[Term], column: str) -> str:
    """FTS5 query syntax: ``{lemmas} : (("antre" OR "mengantre") AND "tunggu" *)``."""

    def phrase(words: tuple[str, ...], prefix: bool) -> str:
        quoted = '"' + " ".join(w.replace('"', '""') for w in words) + '"'
        return quoted + (" *" if prefix else "")

    parts = []
    for t in terms:
        alts = [phrase(a, t.prefix) for a in t.alternatives]
        parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
    return "{" + column + "} : (" + " AND ".join(parts) + ")"


def _tsquery(terms: Sequence[Term]) -> str:
    """PostgreSQL ``to_tsquery('simple', ...)`` syntax: ``('antre' | 'mengantre') & 'tung':*``."""

    def lexeme(word: str, prefix: bool) -> str:
        return "'" + word.replace("'", "''").replace("\\", "") + "'" + (":*" if prefix else "")

    def phrase(words: tuple[str, ...], prefix: bool) -> str:
        items = [lexeme(w, prefix and i == len(words) - 1) for i, w in enumerate(words)]
        return items[0] if len(items) == 1 else "(" + " <-> ".join(items) + ")"

    parts = []
    for t in terms:
        alts = [phrase(a, t.prefix) for a in t.alternatives]
        parts.append(alts[0] if len(alts) == 1 else "(" + " | ".join(alts) + ")")
    return " & ".join(parts)


def _match_clause(dialect: str, terms: Sequence[Term], column: str) -> tuple[str, str, str]:
    """(FROM/JOIN clause, WHERE condition, query parameter) for the dialect."""
    if dialect == "postgresql":
        matches = {
            "text": "to_tsvector('simple', f.text) @@ to_tsquery('simple', :q)",
            "lemmas": "to_tsvector('simple', f.lemmas) @@ to_tsquery('simple', :q)",
        }
        return (
            "sentence_search f JOIN sentences s ON s.pk = f.sentence_pk "
            "JOIN documents d ON d.pk = s.document_pk LEFT JOIN turns t ON t.pk = s.turn_pk",
            matches[column],
            _tsquery(terms),
        )
    return (
        "sentence_search f JOIN sentences s ON s.pk = f.rowid "
        "JOIN documents d ON d.pk = s.document_pk LEFT JOIN turns t ON t.pk = s.turn_pk",
        "sentence_search MATCH :q",
        _fts5_query(terms, column),
    )


# ---------------------------------------------------------------------- the API


class Search:
    """Searching sentences by words or lemmas, with filters."""

    def __init__(self, store: ProjectBase) -> None:
        self.store = store

    def index_pending(self, *, chunk: int = INDEX_CHUNK, stale_after: float | None = None) -> int:
        """Put the sentences of every document listed in :data:`SEARCH_PENDING` into
        the search index, ``chunk`` sentences per transaction, so that the write lock
        is never held long (another coder's coding waits a fraction of a second). The
        last transaction of a document takes it off the list.

        Each transaction picks the sentences still missing from the index, so two
        processes finishing the same list never index a sentence twice.

        Args:
            chunk: sentences per transaction.
            stale_after: only documents whose indexing has not moved for this many
                seconds (its importer was killed); ``None``: every listed document.

        Returns:
            How many sentences were indexed.
        """
        done = 0
        texts: dict[int, tuple[str, str]] = {}  # document -> (sha256, text)
        hints: dict[int, int] = {}  # document -> the last sentence key this call indexed
        first = True
        while True:
            if not first:
                # a gap between two transactions, in which a waiting coder gets the
                # write lock (writers look every few ms: see store.engine._begin)
                _pause(INDEX_PAUSE_S)
            first = False
            with self.store.read() as conn:
                pending = pending_documents(conn)
            now = time.time()
            due = [
                d
                for d, beat in pending.items()
                if stale_after is None or d in hints or now - beat >= stale_after
            ]
            if not due:
                return done
            doc_pk = due[0]
            if doc_pk not in texts:
                # a 50 MB text is read before the write lock is taken, not under it
                # (reading it there held the lock for most of a second)
                with self.store.read() as conn:
                    found = conn.execute(
                        text("SELECT sha256, text FROM documents WHERE pk = :doc"), {"doc": doc_pk}
                    ).first()
                if found is not None:
                    texts[doc_pk] = (str(found[0]), str(found[1] or ""))
            with self.store.write("search.index", "index the new document for search") as tx:
                conn = tx.conn
                sha = conn.execute(
                    text("SELECT sha256 FROM documents WHERE pk = :doc"), {"doc": doc_pk}
                ).scalar()
                added = 0
                if sha is not None:
                    if texts.get(doc_pk, ("", ""))[0] != sha:
                        body = conn.execute(
                            text("SELECT text FROM documents WHERE pk = :doc"), {"doc": doc_pk}
                        ).scalar()
                        texts[doc_pk] = (str(sha), str(body or ""))
                    hint = hints.get(doc_pk, 0)
                    added, hints[doc_pk] = index_missing(
                        conn, doc_pk, texts[doc_pk][1], hint, chunk
                    )
                    done += added
                current = pending_documents(conn)
                if sha is None or added < chunk:
                    # nothing left: not an action of its own (the import was one)
                    current.pop(doc_pk, None)
                    texts.pop(doc_pk, None)
                    hints.pop(doc_pk, None)
                elif doc_pk in current:
                    current[doc_pk] = time.time()  # the heartbeat: work goes on
                set_pending(conn, current)

    def search(
        self,
        query: str | Sequence[Term],
        *,
        lemma: bool = False,
        code: str | None = None,
        include_children: bool = False,
        speaker: str | None = None,
        doc: str | None = None,
        context: int = 60,
        limit: int | None = None,
    ) -> list[SearchHit]:
        """Sentences matching ``query``, in document and text order.

        Args:
            query: words and ``"phrases"``, all of which must occur (``antr*`` is a
                prefix); or terms already parsed (with lemma alternatives, as
                :func:`qualcode.services.search` builds them).
            lemma: match against the sentences' lemmas instead of their words
                (``antre`` then finds ``mengantre``; pass lemmas, or use
                :func:`qualcode.services.search`, which lemmatizes the query).
            code: only sentences that overlap an accepted coding of this code.
            include_children: with ``code``, its sub-codes' codings count too.
            speaker: only sentences in turns of this role (``interviewer`` /
                ``participant``) or, any other value, of this speaker label
                (case-insensitive).
            doc: only this document.
            context: characters of context before and after, within the turn.
            limit: at most this many hits.

        Raises:
            InputError: a query without words.
            NotFoundError: an unknown code or document.
        """
        if isinstance(query, str):
            try:
                terms: Sequence[Term] = parse_query(query)
            except ValueError as exc:
                raise InputError(str(exc), hint=_("search for at least one word")) from None
        else:
            terms = query
        params: dict[str, Any] = {}
        with self.store.read() as conn:
            source, match, q = _match_clause(
                self.store.dialect, terms, "lemmas" if lemma else "text"
            )
            params["q"] = q
            where = [match]
            if doc is not None:
                params["doc_pk"] = self.store.document_key(conn, doc)[0]
                where.append("s.document_pk = :doc_pk")
            if code is not None:
                params["codes"] = sorted(self._code_family(conn, code, include_children))
                params["accepted"] = Status.ACCEPTED.value
                where.append(
                    "EXISTS (SELECT 1 FROM codings c WHERE c.document_pk = s.document_pk "
                    "AND c.code_pk IN :codes AND c.status = :accepted "
                    'AND c.start < s."end" AND c."end" > s.start)'
                )
            if speaker is not None:
                # a joint turn matches each of its speakers and their roles
                if speaker.lower() in {r.value for r in Role}:
                    params["role"] = speaker.lower()
                    where.append(
                        "(t.role = :role OR EXISTS (SELECT 1 FROM turn_speakers ts "
                        "WHERE ts.turn_pk = t.pk AND ts.role = :role))"
                    )
                else:
                    params["speaker"] = speaker.lower()
                    where.append(
                        "(lower(t.speaker) = :speaker OR EXISTS (SELECT 1 FROM turn_speakers ts "
                        "WHERE ts.turn_pk = t.pk AND lower(ts.speaker) = :speaker))"
                    )
            conditions = [
                text(w).bindparams(bindparam("codes", expanding=True)) if ":codes" in w else text(w)
                for w in where
            ]
            statement = (
                select(
                    text(
                        'd.name, s.ordinal, t.ordinal, s.start, s."end", t.speaker, t.role, '
                        't.start, t."end", s.document_pk'
                    )
                )
                .select_from(text(source))
                .where(*conditions)
                .order_by(text("d.name"), text("s.ordinal"))
                .limit(limit)
            )
            try:
                rows = conn.execute(statement, params).all()
            except Exception as exc:  # FTS5 syntax errors surface as OperationalError
                if "fts5" in str(exc).lower() or "tsquery" in str(exc).lower():
                    raise InputError(
                        _("cannot search for {query!r}: {exc}").format(query=query, exc=exc)
                    ) from None
                raise
            texts: dict[int, str] = {}
            for doc_pk in {r[9] for r in rows}:
                texts[doc_pk] = conn.execute(
                    text("SELECT text FROM documents WHERE pk = :pk"), {"pk": doc_pk}
                ).scalar_one()
        hits = []
        for name, s_no, t_no, start, end, who, role, t_start, t_end, doc_pk in rows:
            body = texts[doc_pk]
            lo = t_start if t_start is not None else 0
            hi = t_end if t_end is not None else len(body)
            before = body[max(lo, start - context) : start]
            after = body[end : min(hi, end + context)]
            hits.append(
                SearchHit(
                    doc=name,
                    sentence=s_no,
                    turn=t_no,
                    start=start,
                    end=end,
                    speaker=who,
                    role=role,
                    text=body[start:end],
                    before=before,
                    after=after,
                )
            )
        return hits

    def _code_family(self, conn: Connection, code: str, include_children: bool) -> set[int]:
        pk = self.store.code_pk(conn, code)
        family = {pk}
        if include_children:
            rows = conn.execute(text("SELECT pk, parent_pk FROM codes")).all()
            changed = True
            while changed:
                changed = False
                for child, parent in rows:
                    if parent in family and child not in family:
                        family.add(child)
                        changed = True
        return family


# ---------------------------------------------------------------------- keyword in context


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class KwicSearch:
    """Text and lemma search (the simple, unindexed version)."""

    def __init__(self, store: ProjectBase) -> None:
        self.store = store

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
        stmt = _kwic_sentences()
        variants: dict[str, list[str]] = {}
        if lemma:
            variants = self._lemma_variants(query, lemmatizer)
            stmt = stmt.where(_lemmas_like(variants))
        else:
            stmt = stmt.where(_SENTENCE_TEXT.like(f"%{_like_escape(query)}%", escape="\\"))
        with self.store.read() as conn:
            if doc is not None:
                stmt = stmt.where(T_DOCS.c.pk == self.store.document_key(conn, doc)[0])
            if speaker is not None:
                stmt = stmt.where(_spoken_by(speaker))
            code_pks: list[int] = []
            if code is not None:
                code_pks = self._code_and_below(conn, code)
                stmt = stmt.where(_sentence_coded(code_pks))
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
                        coded[doc_pk] = _coded_spans(conn, doc_pk, code_pks)
                    spans = _inside(spans, s_start, coded[doc_pk])
                if not spans:
                    continue
                if doc_pk not in texts:
                    texts = {doc_pk: _document_text(conn, doc_pk)}
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

    def _lemma_variants(self, query: str, lemmatizer: Lemmatizer | None) -> dict[str, list[str]]:
        """The query's words as lemmas, per language of the project (and id, en)."""
        words = [w.group().lower() for w in WORD_RE.finditer(query)]
        if not words:
            raise InputError(_("{query!r} has no words to look up").format(query=query))
        return {
            lang: [lemmatizer(w, lang) if lemmatizer else w for w in words]
            for lang in sorted({"id", "en", *self.store.languages()})
        }

    def _code_and_below(self, conn: Connection, code: str) -> list[int]:
        """The keys of ``code`` and its sub-codes (an unknown code raises with a hint)."""
        cb = self.store.read_codebook(conn)
        found = cb.get(code)
        if found is None:
            self.store.code_pk(conn, code)  # raises NotFoundError with a hint
            raise AssertionError("unreachable")
        wanted = {found.id} | {c.id for c in cb if found.id in cb.path(c.id)}
        return [
            pk
            for (pk,) in conn.execute(select(T_CODES.c.pk).where(T_CODES.c.id.in_(sorted(wanted))))
        ]


_SENTENCE_TEXT = func.substr(T_DOCS.c.text, T_SENTS.c.start + 1, T_SENTS.c.end - T_SENTS.c.start)
"""A sentence's text, cut from its document's."""


def _kwic_sentences() -> Any:
    """Every visible document's sentences with their turn, by document name and order."""
    return (
        select(
            T_DOCS.c.name,
            T_DOCS.c.pk,
            T_DOCS.c.lang,
            T_SENTS.c.ordinal,
            T_SENTS.c.start,
            T_SENTS.c.end,
            _SENTENCE_TEXT.label("stext"),
            T_TURNS.c.ordinal.label("turn"),
            T_TURNS.c.speaker,
        )
        .select_from(
            T_SENTS.join(T_DOCS, T_DOCS.c.pk == T_SENTS.c.document_pk).outerjoin(
                T_TURNS, T_TURNS.c.pk == T_SENTS.c.turn_pk
            )
        )
        .where(VISIBLE)
        .order_by(T_DOCS.c.name, T_SENTS.c.ordinal)
    )


def _lemmas_like(variants: dict[str, list[str]]) -> Any:
    """The sentence's lemmas hold one language's lemmas of the query, in a row."""
    padded = literal(" ") + func.lower(T_SENTS.c.lemmas) + literal(" ")
    return or_(
        *(
            padded.like(f"% {_like_escape(' '.join(v))} %", escape="\\")
            for v in {tuple(v): v for v in variants.values()}.values()
        )
    )


def _spoken_by(speaker: str) -> Any:
    """The sentence's turn is this speaker's (by label) or role's; a joint turn matches
    each of its speakers and their roles."""
    return or_(
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


def _sentence_coded(code_pks: list[int]) -> Any:
    """A coding of one of these codes overlaps the sentence."""
    return exists().where(
        and_(
            T_CODINGS.c.document_pk == T_SENTS.c.document_pk,
            T_CODINGS.c.code_pk.in_(code_pks),
            T_CODINGS.c.start < T_SENTS.c.end,
            T_CODINGS.c.end > T_SENTS.c.start,
        )
    )


def _coded_spans(conn: Connection, doc_pk: int, code_pks: list[int]) -> list[tuple[int, int]]:
    """The spans of a document's codings of these codes."""
    return [
        (a, b)
        for a, b in conn.execute(
            select(T_CODINGS.c.start, T_CODINGS.c.end).where(
                T_CODINGS.c.document_pk == doc_pk, T_CODINGS.c.code_pk.in_(code_pks)
            )
        )
    ]


def _inside(
    spans: list[tuple[int, int]], s_start: int, coded: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The hits (relative to a sentence starting at ``s_start``) that a coding overlaps."""
    return [
        (a, b) for a, b in spans if any(ca < s_start + b and cb > s_start + a for ca, cb in coded)
    ]


def _document_text(conn: Connection, doc_pk: int) -> str:
    return str(conn.execute(select(T_DOCS.c.text).where(T_DOCS.c.pk == doc_pk)).scalar_one())
