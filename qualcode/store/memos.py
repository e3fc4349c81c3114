"""Memos on the project, documents, codes and cases; a coding's memo lives on it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from qualcode.clock import new_guid, now
from qualcode.core.model import MEMO_KINDS, Coding, Memo
from qualcode.core.themes import resolve_theme
from qualcode.errors import InputError, NotFoundError
from qualcode.i18n import _
from qualcode.store import convert
from qualcode.store.base import (
    T_CASES,
    T_CODES,
    T_CODINGS,
    T_DOCS,
    T_MEMOS,
    T_THEMES,
    T_TOMBS,
    ProjectBase,
)
from qualcode.store.themes import read_themes


class Memos:
    """Writing and reading memos."""

    def __init__(self, store: ProjectBase) -> None:
        self.store = store

    def _target_guid(self, conn: Connection, kind: str, target: str | None) -> str | None:
        if kind not in MEMO_KINDS:
            raise InputError(
                _("cannot attach a memo to {kind!r}").format(kind=kind),
                hint=_("use {MEMO_KINDS}").format(MEMO_KINDS=", ".join(MEMO_KINDS)),
            )
        if kind == "project":
            return None
        if target is None:
            raise InputError(_("a {kind} memo needs the {kind} it is about").format(kind=kind))
        if kind == "document":
            guid = conn.execute(select(T_DOCS.c.guid).where(T_DOCS.c.name == target)).scalar()
        elif kind == "code":
            pk = self.store.code_pk(conn, target)
            guid = conn.execute(select(T_CODES.c.guid).where(T_CODES.c.pk == pk)).scalar()
        elif kind == "theme":
            guid = resolve_theme(read_themes(conn), target).guid
        else:
            guid = conn.execute(select(T_CASES.c.guid).where(T_CASES.c.name == target)).scalar()
        if guid is None:
            raise NotFoundError(_("no {kind} named {target!r}").format(kind=kind, target=target))
        return str(guid)

    def _memo(self, conn: Connection, row: Any) -> Memo:
        kind, guid = row["target_kind"], row["target_guid"]
        target: str | None = None
        if kind == "document":
            target = conn.execute(select(T_DOCS.c.name).where(T_DOCS.c.guid == guid)).scalar()
        elif kind == "code":
            target = conn.execute(select(T_CODES.c.id).where(T_CODES.c.guid == guid)).scalar()
        elif kind == "case":
            target = conn.execute(select(T_CASES.c.name).where(T_CASES.c.guid == guid)).scalar()
        elif kind == "theme":
            target = conn.execute(select(T_THEMES.c.id).where(T_THEMES.c.guid == guid)).scalar()
        return Memo(
            guid=row["guid"],
            kind=kind,
            target=target,
            author=row["author"],
            created=row["created"],
            updated=row["updated"],
            title=row["title"],
            text=row["text"],
        )

    def add_memo(
        self,
        kind: str,
        target: str | None,
        text: str,
        *,
        title: str = "",
        author: str | None = None,
    ) -> Memo:
        """Write a new memo on the project (``kind="project"``), a document, a code or a case."""
        with self.store.write("memo.add", f"memo on {kind} {target or ''}".rstrip()) as tx:
            guid = self._target_guid(tx.conn, kind, target)
            stamp = now()
            values = {
                "guid": new_guid(),
                "target_kind": kind,
                "target_guid": guid,
                "author": author or self.store.coder,
                "created": stamp,
                "updated": stamp,
                "title": title,
                "text": text,
            }
            pk = tx.insert(T_MEMOS, values)
            row = tx.conn.execute(select(T_MEMOS).where(T_MEMOS.c.pk == pk)).mappings().one()
            return self._memo(tx.conn, row)

    def update_memo(self, guid: str, text: str, *, title: str | None = None) -> Memo:
        """Change a memo's text (and title)."""
        with self.store.write("memo.edit", f"edit memo {guid}") as tx:
            row = tx.conn.execute(select(T_MEMOS).where(T_MEMOS.c.guid == guid)).mappings().first()
            if row is None:
                raise NotFoundError(_("no memo with guid {guid!r}").format(guid=guid))
            values: dict[str, Any] = {"text": text, "updated": now()}
            if title is not None:
                values["title"] = title
            tx.update(T_MEMOS, {"pk": row["pk"]}, values)
            row = tx.conn.execute(select(T_MEMOS).where(T_MEMOS.c.pk == row["pk"])).mappings().one()
            return self._memo(tx.conn, row)

    def delete_memo(self, guid: str) -> None:
        """Delete a memo (a tombstone keeps a merge from bringing it back)."""
        with self.store.write("memo.delete", f"delete memo {guid}") as tx:
            row = tx.conn.execute(select(T_MEMOS.c.pk).where(T_MEMOS.c.guid == guid)).first()
            if row is None:
                raise NotFoundError(_("no memo with guid {guid!r}").format(guid=guid))
            tx.delete(T_MEMOS, {"pk": row.pk})
            tx.insert(
                T_TOMBS,
                {"guid": guid, "kind": "memo", "deleted_at": now(), "coder": self.store.coder},
            )

    def memos(self, kind: str | None = None, target: str | None = None) -> list[Memo]:
        """Memos, oldest first; filtered by kind and target when given."""
        with self.store.read() as conn:
            stmt = select(T_MEMOS).order_by(T_MEMOS.c.created, T_MEMOS.c.pk)
            if kind is not None:
                stmt = stmt.where(T_MEMOS.c.target_kind == kind)
                if target is not None or kind == "project":
                    stmt = stmt.where(
                        T_MEMOS.c.target_guid == self._target_guid(conn, kind, target)
                    )
            return [self._memo(conn, r) for r in conn.execute(stmt).mappings()]

    def set_coding_memo(self, guid: str, text: str | None, *, append: bool = False) -> Coding:
        """Set (or clear, with ``None`` / empty text) the memo of one coding (one action).

        The memo keeps its author (the person who wrote it, ``memo_author``).

        Args:
            guid: the coding.
            text: the memo (``None`` or empty: no memo).
            append: add ``text`` as a new paragraph after the memo there is.

        Raises:
            NotFoundError: no such coding.
        """
        what = "append to the memo of" if append else "memo on"
        with self.store.write("memo.coding", f"{what} coding {guid}") as tx:
            row = tx.conn.execute(
                select(T_CODINGS.c.pk, T_CODINGS.c.version, T_CODINGS.c.memo).where(
                    T_CODINGS.c.guid == guid
                )
            ).first()
            if row is None:
                raise NotFoundError(
                    _("no coding with guid {guid!r}").format(guid=guid),
                    hint=_("'qualcode codings --json' lists the guids"),
                )
            value = joined(row.memo, text) if append else (text or None)
            if value != row.memo:
                tx.update(
                    T_CODINGS,
                    {"pk": row.pk},
                    {
                        "memo": value,
                        "memo_author": self.store.coder if value else None,
                        "version": row.version + 1,
                    },
                )
            full = (
                tx.conn.execute(self.store.coding_select().where(T_CODINGS.c.guid == guid))
                .mappings()
                .one()
            )
            return convert.coding_from_row(full)

    # ------------------------------------------------------------------ one memo per person

    def own_memo(self, kind: str, target: str | None) -> Memo | None:
        """The person's own memo on the project, a document, a code or a case (the
        one the workbench edits: the oldest of theirs), or ``None``."""
        mine = [m for m in self.memos(kind, target) if m.author == self.store.coder]
        return mine[0] if mine else None

    def write_memo(self, kind: str, target: str | None, text: str, *, append: bool = False) -> Memo:
        """Set (or append to) the person's own memo on a target (one action): the
        workbench's memo editor and ``qualcode memo set|append`` write the same memo.

        Raises:
            InputError: an empty text, an unknown kind.
            NotFoundError: an unknown document, code or case.
        """
        if not text.strip():
            raise InputError(_("the memo text is empty"), hint=_("to remove a memo, use 'clear'"))
        mine = self.own_memo(kind, target)
        if mine is None:
            return self.add_memo(kind, target, text)
        return self.update_memo(mine.guid, (joined(mine.text, text) or "") if append else text)

    def clear_memo(self, kind: str, target: str | None) -> Memo | None:
        """Delete the person's own memo on a target (one action); ``None`` when there
        was none (nothing is written)."""
        mine = self.own_memo(kind, target)
        if mine is None:
            return None
        self.delete_memo(mine.guid)
        return mine

    def coding_memos(self) -> list[Coding]:
        """Every coding that has a memo, in document and text order."""
        with self.store.read() as conn:
            rows = (
                conn.execute(
                    self.store.coding_select()
                    .where(T_CODINGS.c.memo.is_not(None), T_CODINGS.c.memo != "")
                    .order_by(T_DOCS.c.name, T_CODINGS.c.start, T_CODINGS.c.pk)
                )
                .mappings()
                .all()
            )
        return [convert.coding_from_row(r) for r in rows]


def joined(before: str | None, text: str | None) -> str | None:
    """``text`` as a new paragraph after ``before`` (either may be empty)."""
    parts = [p for p in ((before or "").rstrip(), (text or "").strip()) if p]
    return "\n\n".join(parts) or None
