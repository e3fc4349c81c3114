"""Renaming and deleting documents, and segmenting them again under new rules.

Each is one user action in one transaction with one action-log entry. A rename and a
delete are undoable: a delete records every row it removes (the document, its turns
and sentences, its codings, the memos on it, its case links, done marks,
adjudications and rejected suggestions) in the log, and leaves tombstones for the
document, its codings and its memos so that a project merge does not bring them
back; ``qualcode undo`` puts every row back and indexes its sentences again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, func, select

from qualcode.clock import now
from qualcode.errors import InputError, NotFoundError
from qualcode.i18n import _, plural
from qualcode.store.base import (
    T_CASE_SOURCES,
    T_CODINGS,
    T_DOCS,
    T_MEMOS,
    T_SENTS,
    T_TOMBS,
    T_TURN_SPEAKERS,
    T_TURNS,
    TABLES,
    VISIBLE,
    ProjectBase,
    Tx,
)
from qualcode.store.search import unindex_document

DOCUMENT_TABLES = ("document_marks", "adjudications", "suggestion_rejections")
"""Tables whose rows hang on a document (cascade) beside turns, sentences and links."""


@dataclass(frozen=True)
class DeletedDocument:
    """What :meth:`DocumentEdits.delete_document` removed.

    Attributes:
        name: the document.
        codings: its codings (every coder's, suggestions included).
        memos: the memos on it.
        cases: the cases it was linked to (the cases stay).
    """

    name: str
    codings: int
    memos: int
    cases: tuple[str, ...]


class DocumentEdits:
    """``documents rename`` / ``delete``, and the structure half of ``refresh``."""

    def __init__(self, store: ProjectBase) -> None:
        self.store = store

    def rename_document(self, old: str, new: str) -> None:
        """Give document ``old`` the name ``new`` (one action, undoable).

        Raises:
            NotFoundError: no document ``old``.
            InputError: an empty name, or one another document has.
        """
        new = new.strip()
        if not new:
            raise InputError(_("a document needs a name"), hint=_("give the new name"))
        with self.store.write("document.rename", f"rename document {old} to {new}") as tx:
            pk = self.store.document_key(tx.conn, old)[0]
            if new == old:
                return
            taken = tx.conn.execute(select(T_DOCS.c.pk).where(T_DOCS.c.name == new)).first()
            if taken is not None:
                raise InputError(
                    _("a document named {new!r} is already in the project").format(new=new),
                    hint=_("choose another name, or rename that one first"),
                )
            tx.update(T_DOCS, {"pk": pk}, {"name": new})
        self.store.forget_documents()

    def document_codings(self, name: str) -> int:
        """How many codings (any coder, any status) a document has."""
        with self.store.read() as conn:
            pk = self.store.document_key(conn, name)[0]
            return int(
                conn.execute(
                    select(func.count()).select_from(T_CODINGS).where(T_CODINGS.c.document_pk == pk)
                ).scalar_one()
            )

    def delete_document(self, name: str, *, force: bool = False) -> DeletedDocument:
        """Delete a document and everything that hangs on it (one action, undoable).

        Args:
            name: the document.
            force: delete it even though it has codings.

        Raises:
            NotFoundError: no such document.
            InputError: it has codings and ``force`` is false (nothing is deleted).
        """
        with self.store.write("document.delete", f"delete document {name}") as tx:
            conn = tx.conn
            row = (
                conn.execute(select(T_DOCS).where(T_DOCS.c.name == name, VISIBLE))
                .mappings()
                .first()
            )
            if row is None:
                raise NotFoundError(
                    _("no document named {name!r}").format(name=name),
                    hint=_("'qualcode documents' lists them"),
                )
            hanging = document_hangers(conn, dict(row), comments=False)
            codings = hanging.rows["codings"]
            if codings and not force:
                who = sorted({c["coder"] for c in codings})
                raise InputError(
                    plural(
                        len(codings),
                        "{name!r} has {n} coding (by {who})",
                        "{name!r} has {n} codings (by {who})",
                        name=name,
                        who=", ".join(who),
                    ),
                    hint=_("pass --force to delete it with them; 'qualcode undo' brings them back"),
                )
            memos = hanging.rows["memos"]
            cases = [
                n
                for (n,) in conn.execute(
                    select(TABLES["cases"].c.name)
                    .join(T_CASE_SOURCES, T_CASE_SOURCES.c.case_pk == TABLES["cases"].c.pk)
                    .where(T_CASE_SOURCES.c.document_pk == row["pk"])
                    .distinct()
                )
            ]
            remove_document(tx, dict(row), hanging)
            when = now()
            for c in codings:
                self._tombstone(tx, c["guid"], "coding", when)
            for m in memos:
                self._tombstone(tx, m["guid"], "memo", when)
            self._tombstone(tx, row["guid"], "document", when)
            tx.extra["document"] = name
        self.store.forget_documents()
        return DeletedDocument(name, len(codings), len(memos), tuple(sorted(cases)))

    def _tombstone(self, tx: Tx, guid: str, kind: str, when: str) -> None:
        if not tx.conn.execute(select(T_TOMBS.c.guid).where(T_TOMBS.c.guid == guid)).first():
            tx.insert(
                T_TOMBS, {"guid": guid, "kind": kind, "deleted_at": when, "coder": self.store.coder}
            )


@dataclass
class Hangers:
    """The rows that hang on one document, read before it is removed.

    Attributes:
        rows: table name -> full row images (codings, memos on the document, case
            links, done marks, adjudications, rejected suggestions and, when asked
            for, the review comments on its codings), in key order.
    """

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


HANGING_TABLES = ("codings", "memos", "case_sources", *DOCUMENT_TABLES, "review_comments")
"""The tables :func:`document_hangers` reads, in the order :func:`remove_document`
removes them."""


def document_hangers(conn: Connection, doc: dict[str, Any], *, comments: bool) -> Hangers:
    """Every row that hangs on document ``doc`` (a full ``documents`` row image).

    Args:
        conn: the transaction.
        doc: the document's row.
        comments: also the review comments on its codings (they are keyed by the
            coding's guid, not by a foreign key).
    """
    pk, guid = doc["pk"], doc["guid"]
    out = Hangers()

    def rows(table: Table, where: Any) -> list[dict[str, Any]]:
        order = list(table.primary_key.columns)
        return [
            dict(r) for r in conn.execute(select(table).where(where).order_by(*order)).mappings()
        ]

    out.rows["codings"] = rows(T_CODINGS, T_CODINGS.c.document_pk == pk)
    out.rows["memos"] = rows(
        T_MEMOS, and_(T_MEMOS.c.target_kind == "document", T_MEMOS.c.target_guid == guid)
    )
    out.rows["case_sources"] = rows(T_CASE_SOURCES, T_CASE_SOURCES.c.document_pk == pk)
    for table in DOCUMENT_TABLES:
        t = TABLES[table]
        out.rows[table] = rows(t, t.c.document_pk == pk)
    guids = [c["guid"] for c in out.rows["codings"]]
    found: list[dict[str, Any]] = []
    if comments and guids:
        t = TABLES["review_comments"]
        for i in range(0, len(guids), 500):
            found.extend(rows(t, t.c.coding_guid.in_(guids[i : i + 500])))
    out.rows["review_comments"] = found
    return out


def remove_document(tx: Tx, doc: dict[str, Any], hanging: Hangers) -> None:
    """Remove a document with everything that hangs on it, recording every row it
    removes in the transaction's changes (undo puts them back): the rows of
    ``hanging`` one by one, its search entries (not recorded: undo indexes the
    sentences again), and its sentences, joint-turn speakers and turns in bulk
    (``delete_rows`` entries: one per table, its columns and rows as lists)."""
    conn = tx.conn
    pk = doc["pk"]
    for table in HANGING_TABLES:
        for r in hanging.rows.get(table, ()):
            remove_row(tx, TABLES[table], r)
    unindex_document(conn, pk)
    remove_rows(tx, T_SENTS, T_SENTS.c.document_pk == pk)
    turn_pks = select(T_TURNS.c.pk).where(T_TURNS.c.document_pk == pk)
    remove_rows(tx, T_TURN_SPEAKERS, T_TURN_SPEAKERS.c.turn_pk.in_(turn_pks))
    remove_rows(tx, T_TURNS, T_TURNS.c.document_pk == pk)
    remove_row(tx, T_DOCS, doc)


def remove_row(tx: Tx, table: Table, row: dict[str, Any]) -> None:
    """Delete one row whose full image we hold, recording it (cheaper than
    :meth:`Tx.delete`, which reads it again)."""
    key = {c.name: row[c.name] for c in table.primary_key.columns}
    tx.conn.execute(table.delete().where(*(table.c[k] == v for k, v in key.items())))
    tx.changes.append({"op": "delete", "t": table.name, "row": row})


def remove_rows(tx: Tx, table: Table, where: Any) -> int:
    """Delete every row of ``table`` that ``where`` selects, recording them as one
    compact ``delete_rows`` change (columns once, then one list per row): a 50 MB
    transcript has 630,000 sentences, which one by one would take minutes to delete
    and put back.

    Returns:
        How many rows were deleted.
    """
    order = list(table.primary_key.columns)
    found = tx.conn.execute(select(table).where(where).order_by(*order)).all()
    if not found:
        return 0
    tx.conn.execute(delete(table).where(where))
    tx.changes.append(
        {
            "op": "delete_rows",
            "t": table.name,
            "cols": [c.name for c in table.columns],
            "rows": [list(r) for r in found],
        }
    )
    return len(found)
