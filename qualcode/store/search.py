"""Full-text search over sentences: SQLite FTS5, PostgreSQL ``tsvector``.

The index (``sentence_search``, revision 0002) holds every sentence's text and
lemmas. On SQLite it is an FTS5 table whose rowid is the sentence's pk; on
PostgreSQL a table keyed by ``sentence_pk`` with GIN indexes over
``to_tsvector('simple', text)`` and ``to_tsvector('simple', lemmas)``. The two
dialects differ only in the four small functions marked below; everything else is
shared.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from qualcode.core.model import Role, SearchHit, Status
from qualcode.core.search import Term, parse_query
from qualcode.errors import InputError
from qualcode.store.base import ProjectBase

SEARCH_TABLE = "sentence_search"

# ---------------------------------------------------------------------- dialects


def index_document(conn: Connection, doc_pk: int) -> None:
    """Add every sentence of a document to the search index."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                "INSERT INTO sentence_search (sentence_pk, text, lemmas) "
                'SELECT s.pk, substr(d.text, s.start + 1, s."end" - s.start), s.lemmas '
                "FROM sentences s JOIN documents d ON d.pk = s.document_pk "
                "WHERE s.document_pk = :doc"
            ),
            {"doc": doc_pk},
        )
    else:
        conn.execute(
            text(
                "INSERT INTO sentence_search (rowid, text, lemmas) "
                'SELECT s.pk, substr(d.text, s.start + 1, s."end" - s.start), s.lemmas '
                "FROM sentences s JOIN documents d ON d.pk = s.document_pk "
                "WHERE s.document_pk = :doc"
            ),
            {"doc": doc_pk},
        )


def unindex_document(conn: Connection, doc_pk: int) -> None:
    """Remove a document's sentences from the search index (before they are deleted)."""
    key = "sentence_pk" if conn.dialect.name == "postgresql" else "rowid"
    conn.execute(
        text(
            f"DELETE FROM sentence_search WHERE {key} IN "
            "(SELECT pk FROM sentences WHERE document_pk = :doc)"
        ),
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
        return (
            "sentence_search f JOIN sentences s ON s.pk = f.sentence_pk",
            f"to_tsvector('simple', f.{column}) @@ to_tsquery('simple', :q)",
            _tsquery(terms),
        )
    return (
        "sentence_search f JOIN sentences s ON s.pk = f.rowid",
        "sentence_search MATCH :q",
        _fts5_query(terms, column),
    )


# ---------------------------------------------------------------------- the API


class SearchMixin(ProjectBase):
    """Searching sentences by words or lemmas, with filters."""

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
                raise InputError(str(exc), hint="search for at least one word") from None
        else:
            terms = query
        params: dict[str, Any] = {}
        with self._read() as conn:
            source, match, q = _match_clause(self.dialect, terms, "lemmas" if lemma else "text")
            params["q"] = q
            where = [match]
            if doc is not None:
                params["doc_pk"] = self._doc(conn, doc)[0]
                where.append("s.document_pk = :doc_pk")
            if code is not None:
                pks = self._code_family(conn, code, include_children)
                names = []
                for i, pk in enumerate(sorted(pks)):
                    params[f"code{i}"] = pk
                    names.append(f":code{i}")
                params["accepted"] = Status.ACCEPTED.value
                where.append(
                    "EXISTS (SELECT 1 FROM codings c WHERE c.document_pk = s.document_pk "
                    f"AND c.code_pk IN ({', '.join(names)}) AND c.status = :accepted "
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
            sql = (
                'SELECT d.name, s.ordinal, t.ordinal, s.start, s."end", t.speaker, t.role, '
                't.start, t."end", s.document_pk '
                f"FROM {source} JOIN documents d ON d.pk = s.document_pk "
                "LEFT JOIN turns t ON t.pk = s.turn_pk "
                f"WHERE {' AND '.join(where)} ORDER BY d.name, s.ordinal"
            )
            if limit is not None:
                sql += f" LIMIT {int(limit)}"
            try:
                rows = conn.execute(text(sql), params).all()
            except Exception as exc:  # FTS5 syntax errors surface as OperationalError
                if "fts5" in str(exc).lower() or "tsquery" in str(exc).lower():
                    raise InputError(f"cannot search for {query!r}: {exc}") from None
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
        pk = self._code_pk(conn, code)
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
