"""Replacing a document's text with an edited transcript, keeping every coding."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select, update

from qualcode.clock import now
from qualcode.core.anchor import Anchored, reanchor
from qualcode.core.model import Anchor, ImportedDocument, ReanchorReport, SentenceSpan, TurnSpan
from qualcode.errors import InputError
from qualcode.store.base import (
    T_CODINGS,
    T_DOCS,
    T_SENTS,
    T_TURNS,
    ProjectBase,
    sha256_text,
)
from qualcode.store.search import index_document, unindex_document


def _next_pk(conn: Connection, table: str) -> int:
    """The first free integer key of ``table`` inside the current write transaction
    (SQLite holds the write lock since ``BEGIN IMMEDIATE``: nobody inserts meanwhile)."""
    return int(
        conn.exec_driver_sql(f'SELECT coalesce(max(pk), 0) + 1 FROM "{table}"').scalar() or 1
    )


def insert_turns(conn: Connection, doc_pk: int, turns: Sequence[TurnSpan]) -> list[int]:
    """Insert a document's turns in one statement; their pks, in order."""
    if not turns:
        return []
    if conn.dialect.name == "sqlite":
        # keys given, plain tuples to the driver: a 50 MB transcript has 150,000 turns
        first = _next_pk(conn, "turns")
        pks = list(range(first, first + len(turns)))
        conn.exec_driver_sql(
            'INSERT INTO turns (pk, document_pk, ordinal, start, "end", label_start, speaker, '
            "role, timestamp_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            structure_rows((doc_pk, first, 0), turns, ()).turns,
        )
        return pks
    conn.execute(
        insert(T_TURNS),
        [
            {
                "document_pk": doc_pk,
                "ordinal": i,
                "start": t.start,
                "end": t.end,
                "label_start": t.label_start,
                "speaker": t.speaker,
                "role": t.role,
                "timestamp_ms": t.timestamp_ms,
            }
            for i, t in enumerate(turns, start=1)
        ],
    )
    rows = conn.execute(
        select(T_TURNS.c.ordinal, T_TURNS.c.pk).where(T_TURNS.c.document_pk == doc_pk)
    ).all()
    by_ordinal = dict(rows)
    return [by_ordinal[i] for i in range(1, len(turns) + 1)]


@dataclass
class StructureRows:
    """A document's turns and sentences as plain rows for the driver (SQLite), keyed
    from first keys read before the write transaction, so that building them (a
    50 MB transcript has 650,000 sentences) takes no time under the write lock.

    Attributes:
        keys: the first free keys ``(documents, turns, sentences)`` they assume.
        turns: rows of ``turns``.
        sentences: rows of ``sentences``.
    """

    keys: tuple[int, int, int]
    turns: list[tuple[Any, ...]]
    sentences: list[tuple[Any, ...]]


def first_keys(conn: Connection) -> tuple[int, int, int]:
    """The first free keys of documents, turns and sentences."""
    row = conn.exec_driver_sql(
        "SELECT (SELECT coalesce(max(pk), 0) + 1 FROM documents), "
        "(SELECT coalesce(max(pk), 0) + 1 FROM turns), "
        "(SELECT coalesce(max(pk), 0) + 1 FROM sentences)"
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def structure_rows(
    keys: tuple[int, int, int], turns: Sequence[TurnSpan], sentences: Sequence[SentenceSpan]
) -> StructureRows:
    """Rows for :func:`insert_structure`, keyed from ``keys`` (see :func:`first_keys`)."""
    doc_pk, turn_first, sent_first = keys
    turn_rows = [
        (turn_first + i, doc_pk, i + 1, t.start, t.end, t.label_start, t.speaker, t.role,
         t.timestamp_ms)
        for i, t in enumerate(turns)
    ]  # fmt: skip
    sent_rows = [
        (
            sent_first + i,
            doc_pk,
            turn_first + s.turn_index if s.turn_index is not None else None,
            i + 1,
            s.start,
            s.end,
            s.lemmas,
        )
        for i, s in enumerate(sentences)
    ]
    return StructureRows(keys, turn_rows, sent_rows)


def insert_prepared(conn: Connection, rows: StructureRows) -> None:
    """Insert prepared turns and sentences (SQLite; the keys were checked free)."""
    if rows.turns:
        conn.exec_driver_sql(
            'INSERT INTO turns (pk, document_pk, ordinal, start, "end", label_start, speaker, '
            "role, timestamp_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows.turns,
        )
    if rows.sentences:
        conn.exec_driver_sql(
            'INSERT INTO sentences (pk, document_pk, turn_pk, ordinal, start, "end", lemmas) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows.sentences,
        )


def insert_structure(
    conn: Connection,
    doc_pk: int,
    turns: Sequence[TurnSpan],
    sentences: Sequence[SentenceSpan],
) -> None:
    """Insert a document's turns and sentences (each sentence linked to its turn)."""
    if conn.dialect.name == "sqlite":
        # keys given, plain tuples to the driver (the write lock is held: they are free)
        _docs, turn_first, sent_first = first_keys(conn)
        insert_prepared(conn, structure_rows((doc_pk, turn_first, sent_first), turns, sentences))
        return
    turn_pks = insert_turns(conn, doc_pk, turns)
    if not sentences:
        return
    conn.execute(
        insert(T_SENTS),
        [
            {
                "document_pk": doc_pk,
                "turn_pk": turn_pks[s.turn_index] if s.turn_index is not None else None,
                "ordinal": i,
                "start": s.start,
                "end": s.end,
                "lemmas": s.lemmas,
            }
            for i, s in enumerate(sentences, start=1)
        ],
    )


def _separate(
    anchored: list[Anchored], keys: Sequence[tuple[int, str]], length: int
) -> list[Anchored]:
    """Make spans unique per (code, coder), as the store requires: a second coding
    of the same code by the same coder landing on the same span is flagged and
    shifted by one character (never dropped)."""
    taken: set[tuple[int, str, int, int]] = set()
    out: list[Anchored] = []
    for a, (code, coder) in zip(anchored, keys, strict=True):
        s, e = a.start, a.end
        step = 0
        while (code, coder, s, e) in taken:
            step += 1
            # widen to the right, then to the left, one character at a time
            s, e = (a.start, min(length, a.end + step))
            if (code, coder, s, e) in taken or e == a.end:
                s, e = (max(0, a.start - step), a.end)
            if step > length:
                break
        if (s, e) != (a.start, a.end):
            a = Anchored(s, e, Anchor.NEEDS_REVIEW.value, a.quote, a.score)
        taken.add((code, coder, s, e))
        out.append(a)
    return out


class ReimportMixin(ProjectBase):
    """``import --replace``: a corrected transcript replaces a document's text."""

    def replace_document(
        self,
        name: str,
        doc: ImportedDocument,
        sentences: Sequence[SentenceSpan],
        *,
        backup: str | None = None,
    ) -> ReanchorReport:
        """Replace document ``name``'s text, turns and sentences (one transaction) and
        re-anchor every coding on it (see :mod:`qualcode.core.anchor`).

        Codings keep their guid, code, coder, memo, origin, status and review; only
        their span, quote (for a fuzzy move) and anchor change. Nothing is deleted.

        Args:
            name: the document to replace.
            doc: the new text and turns (its own ``name`` is ignored).
            sentences: the new sentences.
            backup: where the caller copied the project first (recorded in the log).

        Returns:
            Counts of exact, moved and needs-review codings.

        Raises:
            NotFoundError: no such document.
            InputError: the new text is another document's.
        """
        digest = sha256_text(doc.text)
        with self._write(
            "import.replace",
            f"replace the text of {name}",
            undoable=False,
            extra={"document": name, "backup": backup},
        ) as tx:
            conn = tx.conn
            doc_pk, _chars = self._doc(conn, name)
            row = conn.execute(
                select(T_DOCS.c.text, T_DOCS.c.sha256, T_DOCS.c.version).where(
                    T_DOCS.c.pk == doc_pk
                )
            ).one()
            if row.sha256 == digest:
                return ReanchorReport(name, unchanged=True, backup=backup)
            other = conn.execute(
                select(T_DOCS.c.name).where(T_DOCS.c.sha256 == digest, T_DOCS.c.pk != doc_pk)
            ).scalar()
            if other is not None:
                raise InputError(
                    f"this text is already in the project as {other!r}",
                    path=doc.source_path,
                    hint=f"replace {other!r} instead, or import it as a new document",
                )
            codings = conn.execute(
                select(
                    T_CODINGS.c.pk,
                    T_CODINGS.c.start,
                    T_CODINGS.c.end,
                    T_CODINGS.c.quote,
                    T_CODINGS.c.code_pk,
                    T_CODINGS.c.coder,
                    T_CODINGS.c.version,
                )
                .where(T_CODINGS.c.document_pk == doc_pk)
                .order_by(T_CODINGS.c.start, T_CODINGS.c.end, T_CODINGS.c.pk)
            ).all()
            anchored = reanchor(row.text, doc.text, [(c.start, c.end, c.quote) for c in codings])
            anchored = _separate(anchored, [(c.code_pk, c.coder) for c in codings], len(doc.text))
            # the text, turns, sentences and search index
            conn.execute(
                update(T_DOCS)
                .where(T_DOCS.c.pk == doc_pk)
                .values(
                    text=doc.text,
                    sha256=digest,
                    chars=len(doc.text),
                    lang=doc.lang,
                    source_path=doc.source_path,
                    source_format=doc.source_format,
                    encoding=doc.encoding,
                    imported_at=now(),
                    meta=json.dumps(doc.meta, ensure_ascii=False),
                    version=row.version + 1,
                )
            )
            unindex_document(conn, doc_pk)
            conn.execute(T_SENTS.delete().where(T_SENTS.c.document_pk == doc_pk))
            conn.execute(T_TURNS.delete().where(T_TURNS.c.document_pk == doc_pk))
            insert_structure(conn, doc_pk, doc.turns, sentences)
            index_document(conn, doc_pk)
            # codings: first out of the way (the unique key includes the span), then
            # to their new places; review, memo, status and guid stay untouched
            for c in codings:
                conn.execute(
                    update(T_CODINGS)
                    .where(T_CODINGS.c.pk == c.pk)
                    .values(start=-c.pk - 1, end=-c.pk)
                )
            counts = {Anchor.EXACT.value: 0, Anchor.MOVED.value: 0, Anchor.NEEDS_REVIEW.value: 0}
            for c, a in zip(codings, anchored, strict=True):
                counts[a.anchor] += 1
                conn.execute(
                    update(T_CODINGS)
                    .where(T_CODINGS.c.pk == c.pk)
                    .values(
                        start=a.start,
                        end=a.end,
                        quote=a.quote,
                        anchor=a.anchor,
                        version=c.version + (0 if (a.start, a.end) == (c.start, c.end) else 1),
                    )
                )
            tx.changes.append(
                {
                    "op": "replace",
                    "t": "documents",
                    "name": name,
                    "codings": {k: v for k, v in counts.items()},
                }
            )
        return ReanchorReport(
            name,
            exact=counts[Anchor.EXACT.value],
            moved=counts[Anchor.MOVED.value],
            needs_review=counts[Anchor.NEEDS_REVIEW.value],
            backup=backup,
            turns=len(doc.turns),
            sentences=len(sentences),
        )

    def reassign_roles(self, role_of: Callable[[str], str]) -> int:
        """Set the role of every labelled turn to ``role_of(label)`` (one action).

        Used when the project's speaker setting changes, so documents imported before
        follow it.

        Returns:
            The number of turns whose role changed.
        """
        changed = 0
        with self._write("speakers.roles", "apply the speaker roles to imported turns") as tx:
            conn = tx.conn
            pairs = conn.execute(
                select(T_TURNS.c.speaker, T_TURNS.c.role)
                .where(T_TURNS.c.speaker.is_not(None))
                .distinct()
            ).all()
            for speaker, role in pairs:
                wanted = role_of(speaker)
                if wanted != role:
                    result = conn.execute(
                        update(T_TURNS)
                        .where(
                            T_TURNS.c.speaker == speaker, T_TURNS.c.role.is_not_distinct_from(role)
                        )
                        .values(role=wanted)
                    )
                    changed += result.rowcount or 0
            if changed:
                tx.changes.append({"op": "roles", "t": "turns", "changed": changed})
        return changed
