"""Undo and redo from the action log, per coder, surviving a restart.

Every undoable action stored its row-level changes (full before/after images) in
the log. :meth:`HistoryMixin.undo` replays the inverse of the newest undoable unit
of the coder (one action, or one group such as an auto-code batch); :meth:`redo`
replays it again. Both are themselves logged (``kind`` ``undo`` / ``redo``, the
reversed entries in ``payload["targets"]``, the newest of them in ``reverts``), so
the history is rebuilt from the log after the app was closed (see
:mod:`qualcode.core.history`).

Before touching a row, each step checks that the row is exactly as the action left
it. When someone else changed it since, the step is refused with a
:class:`~qualcode.errors.ConflictError` and nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, case, or_, select
from sqlalchemy.exc import IntegrityError

from qualcode.core.history import REDO, UNDO, History, LogEntry, walk
from qualcode.errors import ConflictError
from qualcode.store.base import T_ACTIONS, TABLES, ProjectBase, _Tx
from qualcode.store.search import index_document, unindex_document

WHAT = {
    "codings": "coding",
    "codes": "code",
    "code_aliases": "code alias",
    "memos": "memo",
    "settings": "setting",
    "tombstones": "deletion record",
    "cases": "case",
    "case_attributes": "case attribute",
    "documents": "document",
    "turns": "turn",
    "sentences": "sentence",
    "case_sources": "case link",
}


@dataclass(frozen=True)
class Step:
    """What one undo or redo did.

    Attributes:
        action: ``undo`` or ``redo``.
        seqs: the log entries reversed or replayed (one, or a whole group).
        kinds: their kinds (``code``, ``codebook.edit``, ...).
        summaries: their summaries.
    """

    action: str
    seqs: tuple[int, ...]
    kinds: tuple[str, ...]
    summaries: tuple[str, ...]

    @property
    def codebook_changed(self) -> bool:
        """Whether the codebook changed (the YAML file must be written back)."""
        return any(k.startswith("codebook") for k in self.kinds)

    def describe(self) -> str:
        """One line for the user: ``undid: code doc [3:9] with cost (+4 more)``."""
        verb = "undid" if self.action == UNDO else "redid"
        more = (
            f" (+{len(self.summaries) - 1} more in the same step)"
            if len(self.summaries) > 1
            else ""
        )
        return f"{verb}: {self.summaries[-1] if self.action == UNDO else self.summaries[0]}{more}"


class HistoryMixin(ProjectBase):
    """Undo and redo of the coder's own actions."""

    _history_cache: dict[str, tuple[int, History]]

    # ------------------------------------------------------------------ the walk

    def _history(self, conn: Connection, coder: str) -> History:
        """The coder's stacks, extended incrementally from the log."""
        cache: dict[str, tuple[int, History]] = self.__dict__.setdefault("_history_cache", {})
        last, history = cache.get(coder, (0, History()))
        special = or_(T_ACTIONS.c.kind.in_((UNDO, REDO)), T_ACTIONS.c.undoable.is_(False))
        stmt = (
            select(
                T_ACTIONS.c.seq,
                T_ACTIONS.c.coder,
                T_ACTIONS.c.kind,
                T_ACTIONS.c.undoable,
                T_ACTIONS.c.group_guid,
                case((special, T_ACTIONS.c.payload), else_=None).label("payload"),
            )
            .where(T_ACTIONS.c.seq > last)
            .order_by(T_ACTIONS.c.seq)
        )
        entries: list[LogEntry] = []
        for seq, who, kind, undoable, group, payload in conn.execute(stmt):
            data: dict[str, Any] = json.loads(payload) if payload else {}
            barrier = data.get("barrier")
            entries.append(
                LogEntry(
                    seq=seq,
                    coder=who,
                    kind=kind,
                    undoable=bool(undoable),
                    group=group,
                    targets=tuple(data.get("targets", ())),
                    barrier=bool(barrier) if barrier is not None else None,
                )
            )
            last = seq
        walk(entries, coder, history)
        cache[coder] = (last, history)
        return history

    def can_undo(self, *, coder: str | None = None) -> str | None:
        """The summary of what :meth:`undo` would undo next, or ``None``."""
        return self._peek(coder, redo=False)

    def can_redo(self, *, coder: str | None = None) -> str | None:
        """The summary of what :meth:`redo` would redo next, or ``None``."""
        return self._peek(coder, redo=True)

    def _peek(self, coder: str | None, *, redo: bool) -> str | None:
        with self._read() as conn:
            history = self._history(conn, coder or self.coder)
            stack = history.undone if redo else history.done
            if not stack:
                return None
            seq = stack[-1].seqs[-1 if not redo else 0]
            summary = conn.execute(
                select(T_ACTIONS.c.summary).where(T_ACTIONS.c.seq == seq)
            ).scalar()
        n = len(stack[-1].seqs)
        return str(summary) + (f" (+{n - 1} more in the same step)" if n > 1 else "")

    # ------------------------------------------------------------------ undo / redo

    def undo(self, *, coder: str | None = None) -> Step | None:
        """Undo the coder's newest undoable action (or group); ``None`` when none is left.

        Raises:
            ConflictError: a row the action changed was changed since by someone else.
        """
        return self._step(UNDO, coder or self.coder)

    def redo(self, *, coder: str | None = None) -> Step | None:
        """Redo the coder's newest undone action (or group); ``None`` when none is left.

        Raises:
            ConflictError: a row the undo restored was changed since by someone else.
        """
        return self._step(REDO, coder or self.coder)

    def _step(self, action: str, coder: str) -> Step | None:
        step: Step | None = None
        try:
            with self._write(action, action, coder=coder) as tx:
                history = self._history(tx.conn, coder)
                stack = history.done if action == UNDO else history.undone
                if not stack:
                    return None
                seqs = list(stack[-1].seqs)
                rows = tx.conn.execute(
                    select(
                        T_ACTIONS.c.seq, T_ACTIONS.c.kind, T_ACTIONS.c.summary, T_ACTIONS.c.payload
                    )
                    .where(T_ACTIONS.c.seq.in_(seqs))
                    .order_by(T_ACTIONS.c.seq)
                ).all()
                ordered = list(reversed(rows)) if action == UNDO else list(rows)
                for row in ordered:
                    changes = json.loads(row.payload).get("changes", [])
                    going, coming = _documents(changes, inverse=action == UNDO)
                    for doc_pk in going:  # its sentences leave the search index first
                        unindex_document(tx.conn, doc_pk)
                    _replay(tx, changes, inverse=action == UNDO, summary=row.summary)
                    for doc_pk in coming:  # a deleted document back: index its sentences
                        index_document(tx.conn, doc_pk)
                step = Step(
                    action,
                    tuple(r.seq for r in rows),
                    tuple(r.kind for r in rows),
                    tuple(r.summary for r in rows),
                )
                tx.summary = step.describe()
                tx.reverts = seqs[-1]
                tx.extra["targets"] = seqs
        finally:
            self._code_pk_cache = None
            self._doc_cache.clear()
        return step


def _documents(changes: Sequence[dict[str, Any]], *, inverse: bool) -> tuple[list[int], list[int]]:
    """The documents a replay removes and those it brings back (their pks)."""
    going: list[int] = []
    coming: list[int] = []
    for ch in changes:
        if ch.get("t") != "documents" or ch.get("op") not in ("insert", "delete"):
            continue
        pk = ch["row"]["pk"]
        removes = (ch["op"] == "delete") != inverse
        (going if removes else coming).append(pk)
    return going, coming


def _key(table: Any, row: dict[str, Any]) -> dict[str, Any]:
    return {c.name: row[c.name] for c in table.primary_key.columns}


def _current(tx: _Tx, table: Any, key: dict[str, Any]) -> dict[str, Any] | None:
    row = (
        tx.conn.execute(select(table).where(and_(*(table.c[k] == v for k, v in key.items()))))
        .mappings()
        .first()
    )
    return dict(row) if row is not None else None


def _replay(tx: _Tx, changes: Sequence[dict[str, Any]], *, inverse: bool, summary: str) -> None:
    """Apply recorded changes (or their inverse, newest first), checking each row first."""
    verb = "undo" if inverse else "redo"

    def conflict(table: str) -> ConflictError:
        what = WHAT.get(table, table.rstrip("s"))
        return ConflictError(
            f"cannot {verb} {summary!r}: a {what} it changed has been changed since "
            "by a later action (someone else's, or one outside your history)",
            hint="undo or revert that change first, or make your change again by hand",
        )

    for ch in reversed(changes) if inverse else changes:
        op = ch.get("op")
        if op not in ("insert", "delete", "update") or ch.get("t") not in TABLES:
            raise ConflictError(
                f"cannot {verb} {summary!r}: the log entry has no replayable changes",
                hint="it was written by an older or newer qualcode",
            )
        table = TABLES[ch["t"]]
        if inverse:
            op = {"insert": "delete", "delete": "insert", "update": "update"}[op]
        if op == "insert":
            row = dict(ch["row"])
            if _current(tx, table, _key(table, row)) is not None:
                raise conflict(table.name)
            try:
                tx.insert(table, row)
            except IntegrityError:
                raise conflict(table.name) from None
        elif op == "delete":
            row = ch["row"]
            key = _key(table, row)
            current = _current(tx, table, key)
            if current is None or any(current[k] != v for k, v in row.items()):
                raise conflict(table.name)
            tx.delete(table, key)
        else:
            expect = ch["after"] if inverse else ch["before"]
            values = ch["before"] if inverse else ch["after"]
            key = dict(ch["key"])
            current = _current(tx, table, key)
            if current is None or any(current[k] != v for k, v in expect.items()):
                raise conflict(table.name)
            tx.update(table, key, values)
