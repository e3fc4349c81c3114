"""Replacing a document's text with an edited transcript, keeping every coding."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, insert, select, update

from qualcode.clock import now
from qualcode.core.model import (
    Anchor,
    ImportedDocument,
    ReanchorReport,
    SentenceColumns,
    SentenceSpan,
    TurnSpan,
)
from qualcode.errors import InputError
from qualcode.i18n import _
from qualcode.store.base import (
    T_CODINGS,
    T_DOCS,
    T_SENTS,
    T_TURN_SPEAKERS,
    T_TURNS,
    ProjectBase,
    sha256_text,
)
from qualcode.store.cases import front_matter_to_case
from qualcode.store.search import index_document, unindex_document

if TYPE_CHECKING:
    from qualcode.core.anchor import Anchored


def _next_pk(conn: Connection, table: str) -> int:
    """The first free integer key of ``table`` inside the current write transaction
    (SQLite holds the write lock since ``BEGIN IMMEDIATE``: nobody inserts meanwhile)."""
    from sqlalchemy import Select, column, func, select
    from sqlalchemy import table as table_

    query: Select[Any] = select(func.coalesce(func.max(column("pk")), 0) + 1).select_from(
        table_(table)
    )
    return int(conn.execute(query).scalar() or 1)


def insert_turns(conn: Connection, doc_pk: int, turns: Sequence[TurnSpan]) -> list[int]:
    """Insert a document's turns in one statement (and the speakers of its joint
    turns in another); their pks, in order."""
    if not turns:
        return []
    if conn.dialect.name == "sqlite":
        # keys given, plain tuples to the driver: a 50 MB transcript has 150,000 turns
        first = _next_pk(conn, "turns")
        pks = list(range(first, first + len(turns)))
        insert_prepared(conn, structure_rows((doc_pk, first, 0), turns, ()))
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
    pks = [by_ordinal[i] for i in range(1, len(turns) + 1)]
    joint = [
        {"turn_pk": pk, "position": i, "speaker": speaker, "role": role}
        for pk, t in zip(pks, turns, strict=True)
        if len(t.speakers) > 1
        for i, (speaker, role) in enumerate(t.people, start=1)
    ]
    if joint:
        conn.execute(insert(T_TURN_SPEAKERS), joint)
    return pks


@dataclass
class StructureRows:
    """A document's turns and sentences as plain rows for the driver (SQLite), keyed
    from first keys read before the write transaction, so that building them (a
    50 MB transcript has 650,000 sentences) takes no time under the write lock.

    Attributes:
        keys: the first free keys ``(documents, turns, sentences)`` they assume.
        turns: rows of ``turns``.
        sentences: rows of ``sentences``.
        joint: rows of ``turn_speakers``, one per speaker of a joint turn.
    """

    keys: tuple[int, int, int]
    turns: list[tuple[Any, ...]]
    sentences: list[tuple[Any, ...]]
    joint: list[tuple[Any, ...]]


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
    if isinstance(sentences, SentenceColumns) and None not in sentences.turn_indexes:
        # an import worker's columns: the rows are zipped in C, no object per sentence
        n = len(sentences)
        sent_rows: list[tuple[Any, ...]] = list(
            zip(
                range(sent_first, sent_first + n),
                repeat(doc_pk, n),
                map(turn_first.__add__, sentences.turn_indexes),  # type: ignore[arg-type]
                range(1, n + 1),
                sentences.starts,
                sentences.ends,
                sentences.lemmas,
                strict=True,
            )
        )
    else:
        sent_rows = _sentence_rows(doc_pk, turn_first, sent_first, sentences)
    joint_rows = [
        (turn_first + i, position, speaker, role)
        for i, t in enumerate(turns)
        if len(t.speakers) > 1
        for position, (speaker, role) in enumerate(t.people, start=1)
    ]
    return StructureRows(keys, turn_rows, sent_rows, joint_rows)


def _sentence_rows(
    doc_pk: int, turn_first: int, sent_first: int, sentences: Sequence[SentenceSpan]
) -> list[tuple[Any, ...]]:
    """Rows of ``sentences`` (see :func:`structure_rows`)."""
    return [
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


def insert_prepared(conn: Connection, rows: StructureRows) -> None:
    """Insert prepared turns and sentences (SQLite; the keys were checked free)."""
    if rows.turns:
        conn.exec_driver_sql(
            'INSERT INTO turns (pk, document_pk, ordinal, start, "end", label_start, speaker, '
            "role, timestamp_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows.turns,
        )
    if rows.joint:
        conn.exec_driver_sql(
            "INSERT INTO turn_speakers (turn_pk, position, speaker, role) VALUES (?, ?, ?, ?)",
            rows.joint,
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
    from qualcode.core.anchor import Anchored

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


class Reimport:
    """``import --replace``: a corrected transcript replaces a document's text."""

    def __init__(self, store: ProjectBase) -> None:
        self.store = store

    def replace_document(
        self,
        name: str,
        doc: ImportedDocument,
        sentences: Sequence[SentenceSpan],
        *,
        backup: str | None = None,
        kind: str = "import.replace",
        summary: str | None = None,
        case: str | None = None,
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
            kind: the action's kind in the log (``document.refresh`` for a refresh).
            summary: the action's summary in the log.
            case: where ``doc.front_matter`` goes (see
                :func:`~qualcode.store.cases.front_matter_to_case`).

        Returns:
            Counts of exact, moved and needs-review codings.

        Raises:
            NotFoundError: no such document.
            InputError: the new text is another document's.
        """
        from qualcode.core.anchor import reanchor

        digest = sha256_text(doc.text)
        with self.store.write(
            kind,
            summary or f"replace the text of {name}",
            undoable=False,
            extra={"document": name, "backup": backup},
        ) as tx:
            conn = tx.conn
            doc_pk, _chars = self.store.document_key(conn, name)
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
                    _("this text is already in the project as {other!r}").format(other=other),
                    path=doc.source_path,
                    hint=_("replace {other!r} instead, or import it as a new document").format(
                        other=other
                    ),
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
            written: list[str] = []
            refused: list[str] = []
            if case is not None and doc.front_matter:
                written, refused = front_matter_to_case(tx, doc_pk, case, doc.front_matter)
        return ReanchorReport(
            name,
            exact=counts[Anchor.EXACT.value],
            moved=counts[Anchor.MOVED.value],
            needs_review=counts[Anchor.NEEDS_REVIEW.value],
            backup=backup,
            turns=len(doc.turns),
            sentences=len(sentences),
            case=case if written else None,
            attributes=tuple(written),
            notices=tuple(refused),
        )

    def restructure_document(
        self,
        name: str,
        doc: ImportedDocument,
        sentences: Sequence[SentenceSpan],
        *,
        case: str | None = None,
    ) -> ReanchorReport:
        """Segment a document again (``documents refresh``, one action): new turns and
        sentences; when the new rules also change the text (front matter or markup
        removed), its codings are re-anchored as ``import --replace`` does.

        Returns:
            Counts of exact, moved and needs-review codings (all exact when the text
            is unchanged), and the new numbers of turns and sentences.

        Raises:
            NotFoundError: no such document.
        """
        with self.store.read() as conn:
            doc_pk = self.store.document_key(conn, name)[0]
            text = conn.execute(select(T_DOCS.c.text).where(T_DOCS.c.pk == doc_pk)).scalar_one()
        if doc.text != text:
            return self.replace_document(
                name,
                doc,
                sentences,
                kind="document.refresh",
                summary=f"refresh {name}",
                case=case,
            )
        with self.store.write("document.refresh", f"refresh {name}", undoable=False) as tx:
            conn = tx.conn
            doc_pk = self.store.document_key(conn, name)[0]
            n_codings = conn.execute(
                select(func.count()).select_from(T_CODINGS).where(T_CODINGS.c.document_pk == doc_pk)
            ).scalar_one()
            unindex_document(conn, doc_pk)
            conn.execute(T_SENTS.delete().where(T_SENTS.c.document_pk == doc_pk))
            conn.execute(T_TURNS.delete().where(T_TURNS.c.document_pk == doc_pk))
            insert_structure(conn, doc_pk, doc.turns, sentences)
            index_document(conn, doc_pk)
            conn.execute(
                update(T_DOCS)
                .where(T_DOCS.c.pk == doc_pk)
                .values(lang=doc.lang, meta=json.dumps(doc.meta, ensure_ascii=False))
            )
            tx.changes.append({"op": "refresh", "t": "documents", "name": name})
            written: list[str] = []
            refused: list[str] = []
            if case is not None and doc.front_matter:
                written, refused = front_matter_to_case(tx, doc_pk, case, doc.front_matter)
        return ReanchorReport(
            name,
            exact=int(n_codings),
            turns=len(doc.turns),
            sentences=len(sentences),
            case=case if written else None,
            attributes=tuple(written),
            notices=tuple(refused),
        )

    def reassign_roles(
        self,
        role_of: Callable[[str], str],
        *,
        doc: str | None = None,
        per_document: Mapping[str, Callable[[str], str]] | None = None,
    ) -> int:
        """Set the role of every labelled turn to ``role_of(label)`` (one action).

        Used when the project's speaker setting changes, so documents imported before
        follow it. Each speaker of a joint turn gets the role of their own label.

        Args:
            role_of: label -> role.
            doc: only the turns of this document.
            per_document: document guid -> its own ``role_of`` (roles set for one
                document with ``speakers set --doc``), used instead of ``role_of``.

        Returns:
            The number of turns (and joint turns' speakers) whose role changed.

        Raises:
            NotFoundError: no such document.
        """
        per_document = per_document or {}
        changed = 0
        what = f" of {doc}" if doc else ""
        with self.store.write(
            "speakers.roles", f"apply the speaker roles to the imported turns{what}"
        ) as tx:
            conn = tx.conn
            only = self.store.document_key(conn, doc)[0] if doc is not None else None
            guids = dict(conn.execute(select(T_DOCS.c.pk, T_DOCS.c.guid)).all())

            def wanted(doc_pk: int, label: str) -> str:
                return per_document.get(guids.get(doc_pk, ""), role_of)(label)

            joint = select(T_TURN_SPEAKERS.c.turn_pk)
            stmt = (
                select(T_TURNS.c.document_pk, T_TURNS.c.speaker, T_TURNS.c.role)
                .where(T_TURNS.c.speaker.is_not(None), T_TURNS.c.pk.not_in(joint))
                .distinct()
            )
            if only is not None:
                stmt = stmt.where(T_TURNS.c.document_pk == only)
            for doc_pk, speaker, role in conn.execute(stmt).all():
                new = wanted(doc_pk, speaker)
                if new != role:
                    changed += (
                        conn.execute(
                            update(T_TURNS)
                            .where(
                                T_TURNS.c.document_pk == doc_pk,
                                T_TURNS.c.speaker == speaker,
                                T_TURNS.c.role.is_not_distinct_from(role),
                                T_TURNS.c.pk.not_in(joint),
                            )
                            .values(role=new)
                        ).rowcount
                        or 0
                    )
            jstmt = (
                select(
                    T_TURN_SPEAKERS.c.pk,
                    T_TURN_SPEAKERS.c.turn_pk,
                    T_TURN_SPEAKERS.c.position,
                    T_TURN_SPEAKERS.c.speaker,
                    T_TURN_SPEAKERS.c.role,
                    T_TURNS.c.document_pk,
                )
                .join(T_TURNS, T_TURNS.c.pk == T_TURN_SPEAKERS.c.turn_pk)
                .order_by(T_TURN_SPEAKERS.c.turn_pk, T_TURN_SPEAKERS.c.position)
            )
            if only is not None:
                jstmt = jstmt.where(T_TURNS.c.document_pk == only)
            for pk, turn_pk, position, speaker, role, doc_pk in conn.execute(jstmt).all():
                new = wanted(doc_pk, speaker)
                if new != role:
                    conn.execute(
                        update(T_TURN_SPEAKERS).where(T_TURN_SPEAKERS.c.pk == pk).values(role=new)
                    )
                    changed += 1
                if position == 1:  # a joint turn's own role is its first speaker's
                    conn.execute(
                        update(T_TURNS)
                        .where(T_TURNS.c.pk == turn_pk, T_TURNS.c.role.is_distinct_from(new))
                        .values(role=new)
                    )
            if changed:
                tx.changes.append({"op": "roles", "t": "turns", "changed": changed})
        return changed
