"""Auto-code suggestions: stored in bulk, accepted or rejected by a coder, and
codings imported in bulk (a gold standard, another coder's work).

A suggestion is an ordinary coding with ``status = suggested``, ``origin = rules``
and ``coder = rules``; the run that made it is its ``batch`` (also the ``group`` of
the action, so an undo takes back a whole run as one step) and the person who ran
it is its ``run_by``: the suggestion is theirs (on PostgreSQL, the database sees to
it) until someone accepts it, and the run is their action in the log.

Accepting a suggestion makes it the accepting coder's coding: ``status`` becomes
``accepted`` and ``coder`` the person who accepted it, while ``origin`` stays
``rules``. A coder is responsible for every coding under their name, so agreement
and frequency figures per coder include what they accepted, and a methods section
can still count how many came from rules (``origin``). Rejecting deletes the
suggestion (leaving a tombstone) and records the rejection, so the same code on
the same span is never suggested again.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, and_, func, select, text

from qualcode.clock import new_guid, now
from qualcode.core.model import Coding, Document, Origin, Sentence, Status, Turn
from qualcode.core.names import check_name
from qualcode.errors import InputError, NotFoundError
from qualcode.i18n import _
from qualcode.store import convert

if TYPE_CHECKING:
    from qualcode.store.project import Codings

from qualcode.store.base import (
    T_CODINGS,
    T_DOCS,
    T_SENTS,
    T_TURN_SPEAKERS,
    T_TURNS,
    VISIBLE,
    ProjectBase,
    Tx,
)
from qualcode.store.schema import SuggestionRejectionRow

if TYPE_CHECKING:
    from qualcode.core.autocode import Suggestion

T_REJECTIONS: Table = SuggestionRejectionRow.__table__  # type: ignore[assignment]

RULES_CODER = "rules"


def _guids(n: int) -> list[str]:
    """``n`` new GUIDs in ascending order (RFC 9562 version 7: the time in
    milliseconds, then random bits).

    Made in bulk, and sorted so that a batch lands in one region of the guid
    index instead of all over it: storing 60,000 suggestions takes about 40%
    less time than with ``uuid4()`` one by one.
    """
    import time

    stamp = int(time.time() * 1000).to_bytes(6, "big")
    raw = bytearray(os.urandom(16 * n))
    out = []
    for i in range(0, 16 * n, 16):
        raw[i : i + 6] = stamp
        raw[i + 6] = (raw[i + 6] & 0x0F) | 0x70
        raw[i + 8] = (raw[i + 8] & 0x3F) | 0x80
        h = raw[i : i + 16].hex()
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    out.sort()
    return out


@dataclass(frozen=True)
class StoredBatch:
    """What storing a batch of suggestions or imported codings did.

    Attributes:
        batch: the batch id (``None`` when nothing was stored).
        created: codings stored now.
        existing: skipped: the same coding was already there.
        rejected: skipped: a coder rejected this suggestion before.
        coded: skipped: a coder has already coded the span with this code.
    """

    batch: str | None
    created: int
    existing: int = 0
    rejected: int = 0
    coded: int = 0


def _rows(conn: Connection, stmt: Any) -> list[tuple[Any, ...]]:
    """All rows of a SELECT as plain tuples, straight from the driver (SQLAlchemy's
    row objects cost more than the query when there are 100,000 sentences)."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    return conn.exec_driver_sql(str(compiled)).fetchall()  # type: ignore[return-value]


def _reserve_pks(conn: Connection, n: int) -> list[int]:
    """``n`` primary keys for new codings, inside the current write transaction.

    SQLite: the next ``n`` after the largest (the write lock is held since BEGIN
    IMMEDIATE, so no one else inserts meanwhile). PostgreSQL: from the column's
    sequence, so later inserts never collide.
    """
    if conn.dialect.name == "postgresql":
        seq = conn.execute(text("SELECT pg_get_serial_sequence('codings', 'pk')")).scalar()
        return list(
            conn.execute(
                text("SELECT nextval(:seq) FROM generate_series(1, :n)"), {"seq": seq, "n": n}
            ).scalars()
        )
    first = int(conn.execute(select(func.coalesce(func.max(T_CODINGS.c.pk), 0))).scalar() or 0) + 1
    return list(range(first, first + n))


def _insert_many(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany straight to the driver (SQLAlchemy's per-row parameter
    processing costs about as much as SQLite's insert itself). Every row has
    every column, plain values only."""
    from qualcode.store import ddl

    conn.exec_driver_sql(ddl.driver_insert(conn, table, list(rows[0]), named=True), rows)


def _spans_coded(
    conn: Connection, doc_pks: list[int], coder: str
) -> tuple[set[tuple[int, int, int, int]], dict[tuple[int, int], list[tuple[int, int]]]]:
    """The (document, code, start, end) the coder has already, and the accepted spans
    per (document, code)."""
    same: set[tuple[int, int, int, int]] = set()
    accepted: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for dpk, cpk, start, end, who, st in conn.execute(
        select(
            T_CODINGS.c.document_pk,
            T_CODINGS.c.code_pk,
            T_CODINGS.c.start,
            T_CODINGS.c.end,
            T_CODINGS.c.coder,
            T_CODINGS.c.status,
        ).where(T_CODINGS.c.document_pk.in_(doc_pks))
    ):
        if who == coder:
            same.add((dpk, cpk, start, end))
        if st == Status.ACCEPTED.value:
            accepted.setdefault((dpk, cpk), []).append((start, end))
    return same, accepted


def _spans_rejected(conn: Connection, doc_pks: list[int]) -> set[tuple[int, int, int, int]]:
    """The (document, code, start, end) of rejected suggestions."""
    return {
        (r.document_pk, r.code_pk, r.start, r.end)
        for r in conn.execute(
            select(
                T_REJECTIONS.c.document_pk,
                T_REJECTIONS.c.code_pk,
                T_REJECTIONS.c.start,
                T_REJECTIONS.c.end,
            ).where(T_REJECTIONS.c.document_pk.in_(doc_pks))
        )
    }


def _document_span(
    docs: dict[str, tuple[int, str]], doc: str, start: int, end: int
) -> tuple[int, str]:
    """The document's key and text, for a span inside it.

    Raises:
        NotFoundError: no such document.
        InputError: the span is empty or outside the text.
    """
    if doc not in docs:
        raise NotFoundError(
            _("no document named {doc!r}").format(doc=doc),
            hint=_("'qualcode documents' lists them"),
        )
    dpk, text = docs[doc]
    if start < 0 or end > len(text) or start >= end:
        raise InputError(
            _("span [{start}:{end}] is outside {doc!r} (0..{n}) or empty").format(
                start=start, end=end, doc=doc, n=len(text)
            )
        )
    return dpk, text


class Suggestions:
    """Bulk reads for matching, suggestions, their review, and bulk coding import."""

    def __init__(self, store: ProjectBase, codings: Codings) -> None:
        self.store = store
        self.codings = codings

    # ------------------------------------------------------------------ reading

    def documents_full(self, names: Sequence[str] | None = None) -> list[Document]:
        """Documents with their text, turns and sentences, read in three queries.

        Args:
            names: only these (``None``: every document), returned in name order.

        Raises:
            NotFoundError: when a name is not a document of the project.
        """
        with self.store.read() as conn:
            stmt = (
                select(
                    T_DOCS.c.pk,
                    T_DOCS.c.name,
                    T_DOCS.c.guid,
                    T_DOCS.c.text,
                    T_DOCS.c.lang,
                    T_DOCS.c.source_format,
                    T_DOCS.c.sha256,
                )
                .where(VISIBLE)
                .order_by(T_DOCS.c.name)
            )
            if names is not None:
                stmt = stmt.where(T_DOCS.c.name.in_(list(names)))
            docs = conn.execute(stmt).all()
            if names is not None:
                missing = sorted(set(names) - {d.name for d in docs})
                if missing:
                    raise NotFoundError(
                        _("no document named {missing!r}").format(missing=missing[0]),
                        hint=_("'qualcode documents' lists them"),
                    )
            pks = [d.pk for d in docs]
            turns: dict[int, list[Turn]] = {pk: [] for pk in pks}
            turn_no: dict[int, int] = {}
            tstmt = select(
                T_TURNS.c.pk,
                T_TURNS.c.document_pk,
                T_TURNS.c.ordinal,
                T_TURNS.c.start,
                T_TURNS.c.end,
                T_TURNS.c.speaker,
                T_TURNS.c.role,
                T_TURNS.c.label_start,
                T_TURNS.c.timestamp_ms,
            ).order_by(T_TURNS.c.document_pk, T_TURNS.c.ordinal)
            sstmt = select(
                T_SENTS.c.document_pk,
                T_SENTS.c.ordinal,
                T_SENTS.c.start,
                T_SENTS.c.end,
                T_SENTS.c.turn_pk,
            ).order_by(T_SENTS.c.document_pk, T_SENTS.c.ordinal)
            if names is not None:
                tstmt = tstmt.where(T_TURNS.c.document_pk.in_(pks))
                sstmt = sstmt.where(T_SENTS.c.document_pk.in_(pks))
            jstmt = select(
                T_TURN_SPEAKERS.c.turn_pk, T_TURN_SPEAKERS.c.speaker, T_TURN_SPEAKERS.c.role
            ).order_by(T_TURN_SPEAKERS.c.turn_pk, T_TURN_SPEAKERS.c.position)
            joint: dict[int, list[tuple[str, str | None]]] = {}
            for turn_pk, who, its_role in _rows(conn, jstmt):
                joint.setdefault(turn_pk, []).append((who, its_role))
            for pk, dpk, ordinal, start, end, speaker, role, label_start, ts in _rows(conn, tstmt):
                turn_no[pk] = ordinal
                people = joint.get(pk) or ([(speaker, role)] if speaker else [])
                turns[dpk].append(
                    Turn(
                        ordinal,
                        start,
                        end,
                        speaker,
                        role,
                        label_start,
                        ts,
                        tuple(p for p, _ in people),
                        tuple(r for _, r in people),
                    )
                )
            sents: dict[int, list[Sentence]] = {pk: [] for pk in pks}
            for dpk, ordinal, start, end, turn_pk in _rows(conn, sstmt):
                sents[dpk].append(
                    Sentence(ordinal, start, end, turn_no.get(turn_pk) if turn_pk else None)
                )
        return [
            Document(
                name=d.name,
                guid=d.guid,
                text=d.text,
                lang=d.lang,
                turns=tuple(turns[d.pk]),
                sentences=tuple(sents[d.pk]),
                source_format=d.source_format,
                sha256=d.sha256,
            )
            for d in docs
        ]

    # ------------------------------------------------------------------ storing

    def add_suggestions(
        self, suggestions: Iterable[Suggestion], *, batch: str | None = None
    ) -> StoredBatch:
        """Store an auto-code run as suggested codings (one action, one undo step).

        A suggestion is skipped when the same coding is already there (suggested or
        accepted by ``rules``), when a coder rejected it before, or when an accepted
        coding of the same code already overlaps the span.

        Args:
            suggestions: from :mod:`qualcode.nlp.autocode`.
            batch: the run's id (default: a new guid); also the action's group.
        """
        batch = batch or new_guid()
        return self._bulk_code(
            [(s.doc, s.code, s.start, s.end, None) for s in suggestions],
            coder=RULES_CODER,
            origin=Origin.RULES.value,
            status=Status.SUGGESTED.value,
            batch=batch,
            kind="autocode",
            summary="auto-code suggestions",
            skip_reviewed=True,
            run_by=self.store.coder,
        )

    def import_codings(
        self,
        codings: Iterable[tuple[str, str, int, int, str | None]],
        *,
        coder: str,
        batch: str | None = None,
    ) -> StoredBatch:
        """Store many accepted codings of one coder at once (one action).

        Args:
            codings: ``(document, code, start, end, memo)``; identical codings of
                this coder that are already there are skipped.
            coder: whose codings they are (``gold``, a colleague's name).
            batch: the import's id (default: a new guid).

        Raises:
            NotFoundError: an unknown document or code (nothing is stored).
            InputError: a span outside its document (nothing is stored).
        """
        return self._bulk_code(
            list(codings),
            coder=coder,
            origin=Origin.IMPORT.value,
            status=Status.ACCEPTED.value,
            batch=batch or new_guid(),
            kind="import-codings",
            summary=f"import codings of {coder}",
            skip_reviewed=False,
        )

    def _bulk_code(
        self,
        items: Sequence[tuple[str, str, int, int, str | None]],
        *,
        coder: str,
        origin: str,
        status: str,
        batch: str,
        kind: str,
        summary: str,
        skip_reviewed: bool,
        run_by: str | None = None,
    ) -> StoredBatch:
        check_name(coder, "coder name")
        existing = rejected = coded = 0
        with self.store.write(kind, f"{summary} ({len(items)})", group=batch) as tx:
            conn = tx.conn
            docs = {
                name: (pk, text)
                for pk, name, text in conn.execute(
                    select(T_DOCS.c.pk, T_DOCS.c.name, T_DOCS.c.text).where(
                        T_DOCS.c.name.in_(sorted({i[0] for i in items}))
                    )
                )
            }
            doc_pks = [pk for pk, _ in docs.values()]
            same, accepted = _spans_coded(conn, doc_pks, coder)
            refused = _spans_rejected(conn, doc_pks) if skip_reviewed else set()
            created_at = now()
            rows: list[dict[str, Any]] = []
            guids = _guids(len(items))
            code_pks = self.store.code_pks(conn)
            for n, (doc, code, start, end, memo) in enumerate(items):
                dpk, text = _document_span(docs, doc, start, end)
                cpk = code_pks.get(code)
                if cpk is None:
                    cpk = self.store.code_pk(conn, code)
                key = (dpk, cpk, start, end)
                if key in same:
                    existing += 1
                    continue
                if skip_reviewed:
                    if key in refused:
                        rejected += 1
                        continue
                    if any(s < end and e > start for s, e in accepted.get((dpk, cpk), ())):
                        coded += 1
                        continue
                same.add(key)
                rows.append(
                    {
                        "guid": guids[n],
                        "document_pk": dpk,
                        "code_pk": cpk,
                        "start": start,
                        "end": end,
                        "coder": coder,
                        "created": created_at,
                        "quote": text[start:end],
                        "memo": memo,
                        "origin": origin,
                        "status": status,
                        "review": "unreviewed",
                        "reviewer": None,
                        "reviewed_at": None,
                        "anchor": "exact",
                        "batch": batch,
                        "version": 1,
                        "run_by": run_by,
                    }
                )
            if rows:
                # keys are reserved first, so each row is recorded as the database
                # holds it (an undo of the group deletes exactly these rows) without
                # reading them back; then one executemany
                for row, pk in zip(rows, _reserve_pks(conn, len(rows)), strict=True):
                    row["pk"] = pk
                _insert_many(conn, T_CODINGS, rows)
                tx.changes.extend({"op": "insert", "t": "codings", "row": row} for row in rows)
        return StoredBatch(batch if rows else None, len(rows), existing, rejected, coded)

    # ------------------------------------------------------------------ review

    def suggestions(
        self, *, doc: str | None = None, code: str | None = None, include_children: bool = True
    ) -> list[Coding]:
        """Pending suggestions in document and text order."""
        return self.codings.codings(
            doc=doc,
            code=code,
            status=Status.SUGGESTED.value,
            include_children=include_children and code is not None,
        )

    def _pending(self, tx: Tx, guids: Sequence[str]) -> list[Any]:
        rows = (
            tx.conn.execute(self.store.coding_select().where(T_CODINGS.c.guid.in_(list(guids))))
            .mappings()
            .all()
        )
        by_guid = {r["guid"]: r for r in rows}
        out = []
        for g in guids:
            row = by_guid.get(g)
            if row is None:
                raise NotFoundError(_("no coding with guid {g!r}").format(g=g))
            if row["status"] != Status.SUGGESTED.value:
                raise InputError(
                    _("coding {g} is not a pending suggestion (it is {row})").format(
                        g=g, row=row["status"]
                    ),
                    hint=_("'qualcode suggestions' lists the pending ones"),
                )
            out.append(row)
        return out

    def accept_suggestions(
        self, guids: Sequence[str], *, coder: str | None = None, group: str | None = None
    ) -> list[Coding]:
        """Accept suggestions: each becomes ``coder``'s accepted coding (one action).

        When ``coder`` already has the identical coding, the suggestion is removed
        instead (their coding stays).

        Returns:
            The accepted codings.

        Raises:
            NotFoundError: an unknown guid (nothing changes).
            InputError: a coding that is not a pending suggestion (nothing changes).
        """
        coder = coder or self.store.coder
        out: list[Coding] = []
        with self.store.write("accept", f"accept {len(guids)} suggestion(s)", group=group) as tx:
            for row in self._pending(tx, guids):
                twin = (
                    tx.conn.execute(
                        self.store.coding_select().where(
                            and_(
                                T_CODINGS.c.document_pk == row["document_pk"],
                                T_CODINGS.c.code_pk == row["code_pk"],
                                T_CODINGS.c.start == row["start"],
                                T_CODINGS.c.end == row["end"],
                                T_CODINGS.c.coder == coder,
                            )
                        )
                    )
                    .mappings()
                    .first()
                )
                if twin is not None:
                    self.store.delete_coding(tx, row["pk"], row["guid"], coder)
                    out.append(convert.coding_from_row(twin))
                    continue
                tx.update(
                    T_CODINGS,
                    {"pk": row["pk"]},
                    {
                        "status": Status.ACCEPTED.value,
                        "coder": coder,
                        "version": row["version"] + 1,
                    },
                )
                values = dict(row)
                values.update(status=Status.ACCEPTED.value, coder=coder)
                out.append(convert.coding_from_row(values))
        return out

    def reject_suggestions(
        self, guids: Sequence[str], *, coder: str | None = None, group: str | None = None
    ) -> list[Coding]:
        """Reject suggestions: delete them and remember the rejection (one action).

        Returns:
            The rejected suggestions.

        Raises:
            NotFoundError: an unknown guid (nothing changes).
            InputError: a coding that is not a pending suggestion (nothing changes).
        """
        coder = coder or self.store.coder
        out: list[Coding] = []
        with self.store.write("reject", f"reject {len(guids)} suggestion(s)", group=group) as tx:
            for row in self._pending(tx, guids):
                out.append(convert.coding_from_row(row))
                self.store.delete_coding(tx, row["pk"], row["guid"], coder)
                key = {
                    "document_pk": row["document_pk"],
                    "code_pk": row["code_pk"],
                    "start": row["start"],
                    "end": row["end"],
                }
                seen = tx.conn.execute(
                    select(T_REJECTIONS.c.pk).where(
                        and_(*(T_REJECTIONS.c[k] == v for k, v in key.items()))
                    )
                ).first()
                if seen is None:
                    tx.insert(T_REJECTIONS, {**key, "coder": coder, "at": now()})
        return out
