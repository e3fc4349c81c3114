"""Renaming and deleting documents, and segmenting them again under new rules.

Each is one user action in one transaction with one action-log entry. A rename and a
delete are undoable: a delete records every row it removes (the document, its turns
and sentences, its codings, the memos on it, its case links, done marks,
adjudications and rejected suggestions) in the log, and leaves tombstones for the
document, its codings and its memos so that a project merge does not bring them
back; ``qualcode undo`` puts every row back and indexes its sentences again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, select

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
    ProjectBase,
    _Tx,
)
from qualcode.store.search import unindex_document

DOCUMENT_TABLES = ("document_marks", "adjudications", "suggestion_rejections")
"""Tables whose rows hang on a document (cascade) beside turns, sentences and links."""


@dataclass(frozen=True)
class DeletedDocument:
    """What :meth:`DocumentOpsMixin.delete_document` removed.

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


class DocumentOpsMixin(ProjectBase):
    """``documents rename`` / ``delete``, and the structure half of ``refresh``."""

    def rename_document(self, old: str, new: str) -> None:
        """Give document ``old`` the name ``new`` (one action, undoable).

        Raises:
            NotFoundError: no document ``old``.
            InputError: an empty name, or one another document has.
        """
        new = new.strip()
        if not new:
            raise InputError(_("a document needs a name"), hint=_("give the new name"))
        with self._write("document.rename", f"rename document {old} to {new}") as tx:
            pk = self._doc(tx.conn, old)[0]
            if new == old:
                return
            taken = tx.conn.execute(select(T_DOCS.c.pk).where(T_DOCS.c.name == new)).first()
            if taken is not None:
                raise InputError(
                    _("a document named {new!r} is already in the project").format(new=new),
                    hint=_("choose another name, or rename that one first"),
                )
            tx.update(T_DOCS, {"pk": pk}, {"name": new})
        self._doc_cache.clear()

    def document_codings(self, name: str) -> int:
        """How many codings (any coder, any status) a document has."""
        with self._read() as conn:
            pk = self._doc(conn, name)[0]
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
        with self._write("document.delete", f"delete document {name}") as tx:
            conn = tx.conn
            row = conn.execute(select(T_DOCS).where(T_DOCS.c.name == name)).mappings().first()
            if row is None:
                raise NotFoundError(
                    _("no document named {name!r}").format(name=name),
                    hint=_("'qualcode documents' lists them"),
                )
            pk, guid = row["pk"], row["guid"]
            codings = (
                conn.execute(
                    select(T_CODINGS).where(T_CODINGS.c.document_pk == pk).order_by(T_CODINGS.c.pk)
                )
                .mappings()
                .all()
            )
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
            memos = (
                conn.execute(
                    select(T_MEMOS)
                    .where(T_MEMOS.c.target_kind == "document", T_MEMOS.c.target_guid == guid)
                    .order_by(T_MEMOS.c.pk)
                )
                .mappings()
                .all()
            )
            cases = [
                n
                for (n,) in conn.execute(
                    select(TABLES["cases"].c.name)
                    .join(T_CASE_SOURCES, T_CASE_SOURCES.c.case_pk == TABLES["cases"].c.pk)
                    .where(T_CASE_SOURCES.c.document_pk == pk)
                    .distinct()
                )
            ]
            when = now()
            for c in codings:
                self._remove(tx, T_CODINGS, dict(c))
                self._tombstone(tx, c["guid"], "coding", when)
            for m in memos:
                self._remove(tx, T_MEMOS, dict(m))
                self._tombstone(tx, m["guid"], "memo", when)
            for table in DOCUMENT_TABLES:
                t = TABLES[table]
                for r in conn.execute(select(t).where(t.c.document_pk == pk)).mappings().all():
                    self._remove(tx, t, dict(r))
            for r in (
                conn.execute(select(T_CASE_SOURCES).where(T_CASE_SOURCES.c.document_pk == pk))
                .mappings()
                .all()
            ):
                self._remove(tx, T_CASE_SOURCES, dict(r))
            unindex_document(conn, pk)
            for r in (
                conn.execute(
                    select(T_SENTS).where(T_SENTS.c.document_pk == pk).order_by(T_SENTS.c.pk)
                )
                .mappings()
                .all()
            ):
                self._remove(tx, T_SENTS, dict(r))
            turn_pks = select(T_TURNS.c.pk).where(T_TURNS.c.document_pk == pk)
            for r in (
                conn.execute(
                    select(T_TURN_SPEAKERS)
                    .where(T_TURN_SPEAKERS.c.turn_pk.in_(turn_pks))
                    .order_by(T_TURN_SPEAKERS.c.pk)
                )
                .mappings()
                .all()
            ):
                self._remove(tx, T_TURN_SPEAKERS, dict(r))
            for r in (
                conn.execute(
                    select(T_TURNS).where(T_TURNS.c.document_pk == pk).order_by(T_TURNS.c.pk)
                )
                .mappings()
                .all()
            ):
                self._remove(tx, T_TURNS, dict(r))
            self._remove(tx, T_DOCS, dict(row))
            self._tombstone(tx, guid, "document", when)
            tx.extra["document"] = name
        self._doc_cache.clear()
        return DeletedDocument(name, len(codings), len(memos), tuple(sorted(cases)))

    def _remove(self, tx: _Tx, table: Table, row: dict[str, Any]) -> None:
        """Delete one row whose full image we hold, recording it (cheaper than
        :meth:`_Tx.delete`, which reads it again)."""
        key = {c.name: row[c.name] for c in table.primary_key.columns}
        tx.conn.execute(table.delete().where(*(table.c[k] == v for k, v in key.items())))
        tx.changes.append({"op": "delete", "t": table.name, "row": row})

    def _tombstone(self, tx: _Tx, guid: str, kind: str, when: str) -> None:
        if not tx.conn.execute(select(T_TOMBS.c.guid).where(T_TOMBS.c.guid == guid)).first():
            tx.insert(
                T_TOMBS, {"guid": guid, "kind": kind, "deleted_at": when, "coder": self.coder}
            )
