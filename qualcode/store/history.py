"""Undo and redo from the action log, per person and per window, surviving a restart.

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
from qualcode.i18n import _
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
    """Undo and redo of the person's own actions, per window."""

    _history_cache: dict[tuple[str, frozenset[str] | None], tuple[int, History]]

    # ------------------------------------------------------------------ the walk

    def _scope(self, anywhere: bool) -> frozenset[str] | None:
        """The windows whose actions undo may take back (``None``: every window)."""
        if anywhere or self.window is None:
            return None
        return frozenset({self.window})

    def _history(
        self, conn: Connection, coder: str, scope: frozenset[str] | None = None
    ) -> History:
        """The person's stacks in ``scope``, extended incrementally from the log."""
        cache: dict[tuple[str, frozenset[str] | None], tuple[int, History]] = (
            self.__dict__.setdefault("_history_cache", {})
        )
        last, history = cache.get((coder, scope), (0, History()))
        special = or_(T_ACTIONS.c.kind.in_((UNDO, REDO)), T_ACTIONS.c.undoable.is_(False))
        stmt = (
            select(
                T_ACTIONS.c.seq,
                T_ACTIONS.c.coder,
                T_ACTIONS.c.kind,
                T_ACTIONS.c.undoable,
                T_ACTIONS.c.group_guid,
                T_ACTIONS.c.window,
                case((special, T_ACTIONS.c.payload), else_=None).label("payload"),
            )
            .where(T_ACTIONS.c.seq > last)
            .order_by(T_ACTIONS.c.seq)
        )
        entries: list[LogEntry] = []
        for seq, who, kind, undoable, group, window, payload in conn.execute(stmt):
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
                    window=window,
                )
            )
            last = seq
        walk(entries, coder, history, windows=scope)
        cache[(coder, scope)] = (last, history)
        return history

    def can_undo(self, *, coder: str | None = None, anywhere: bool = False) -> str | None:
        """The summary of what :meth:`undo` would undo next, or ``None``."""
        return self._peek(coder, redo=False, anywhere=anywhere)

    def can_redo(self, *, coder: str | None = None, anywhere: bool = False) -> str | None:
        """The summary of what :meth:`redo` would redo next, or ``None``."""
        return self._peek(coder, redo=True, anywhere=anywhere)

    def _peek(self, coder: str | None, *, redo: bool, anywhere: bool = False) -> str | None:
        with self._read() as conn:
            history = self._history(conn, coder or self.coder, self._scope(anywhere))
            stack = history.undone if redo else history.done
            if not stack:
                return None
            seq = stack[-1].seqs[-1 if not redo else 0]
            summary = conn.execute(
                select(T_ACTIONS.c.summary).where(T_ACTIONS.c.seq == seq)
            ).scalar()
        n = len(stack[-1].seqs)
        return str(summary) + (f" (+{n - 1} more in the same step)" if n > 1 else "")

    def history_end(self, *, coder: str | None = None, anywhere: bool = False) -> Barrier | None:
        """What ended the history, when nothing is left to undo because of a barrier
        (a project merge, a re-import, a REFI-QDA import); ``None`` otherwise."""
        with self._read() as conn:
            history = self._history(conn, coder or self.coder, self._scope(anywhere))
            if history.done or history.barrier is None:
                return None
            row = conn.execute(
                select(
                    T_ACTIONS.c.kind, T_ACTIONS.c.summary, T_ACTIONS.c.at, T_ACTIONS.c.payload
                ).where(T_ACTIONS.c.seq == history.barrier)
            ).one()
        data = json.loads(row.payload) if row.payload else {}
        backup = data.get("backup")
        return Barrier(row.kind, row.summary, row.at, backup if isinstance(backup, str) else None)

    # ------------------------------------------------------------------ undo / redo

    def undo(self, *, coder: str | None = None, anywhere: bool = False) -> Step | None:
        """Undo the person's newest undoable action (or group) made in this window;
        ``None`` when none is left.

        Args:
            coder: the person (default: the project's coder).
            anywhere: take the newest action made in any window (``--any``).

        Raises:
            ConflictError: a row the action changed was changed since by someone else.
        """
        return self._step(UNDO, coder or self.coder, self._scope(anywhere))

    def redo(self, *, coder: str | None = None, anywhere: bool = False) -> Step | None:
        """Redo the person's newest undone action (or group); ``None`` when none is left.

        Raises:
            ConflictError: a row the undo restored was changed since by someone else.
        """
        return self._step(REDO, coder or self.coder, self._scope(anywhere))

    def _step(self, action: str, coder: str, scope: frozenset[str] | None) -> Step | None:
        step: Step | None = None
        try:
            with self._write(action, action, coder=coder) as tx:
                history = self._history(tx.conn, coder, scope)
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


@dataclass(frozen=True)
class Barrier:
    """The action that ended a history (undo does not cross it).

    Attributes:
        kind: ``merge``, ``import.replace`` or ``import.refi``.
        summary: its log summary.
        at: when.
        backup: the copy of the project made before it (its undo), if recorded.
    """

    kind: str
    summary: str
    at: str
    backup: str | None

    def describe(self, action: str = "undo") -> str:
        """One line: why there is nothing to undo, and what takes the change back."""
        what = {
            "merge": "a project merge",
            "import.replace": "a re-import",
            "import.refi": "a REFI-QDA import",
        }.get(self.kind, self.kind)
        line = f"nothing to {action}: {what} ({self.summary}, {self.at}) ends the history"
        if action == "undo":
            if self.backup:
                line += f"; its backup is its undo: qualcode restore {self.backup}"
            else:
                line += "; a backup made before it is its undo ('qualcode restore FILE')"
        return line


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
            _(
                "cannot {verb} {summary!r}: a {what} it changed has been changed since by a later action (someone else's, or one outside your history)"
            ).format(verb=verb, summary=summary, what=what),
            hint=_("undo or revert that change first, or make your change again by hand"),
        )

    for ch in reversed(changes) if inverse else changes:
        op = ch.get("op")
        if op not in ("insert", "delete", "update") or ch.get("t") not in TABLES:
            raise ConflictError(
                _("cannot {verb} {summary!r}: the log entry has no replayable changes").format(
                    verb=verb, summary=summary
                ),
                hint=_("it was written by an older or newer qualcode"),
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
