"""Undo and redo from the action log, per person and per window, surviving a restart.

Every undoable action stored its row-level changes (full before/after images) in
the log. :meth:`ActionHistory.undo` replays the inverse of the newest undoable unit
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
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, and_, case, delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from qualcode.core.history import REDO, UNDO, History, LogEntry, walk
from qualcode.core.names import escape
from qualcode.core.narrate import describe_imports
from qualcode.errors import ConflictError, StepRefused
from qualcode.i18n import N_, _, english, plural
from qualcode.store.base import T_ACTIONS, T_DOCS, TABLES, VISIBLE, ProjectBase, Tx
from qualcode.store.document_ops import Hangers, document_hangers, remove_document, remove_row
from qualcode.store.search import index_document, unindex_document

WHAT = {
    "codings": N_("coding"),
    "codes": N_("code"),
    "code_aliases": N_("code alias"),
    "memos": N_("memo"),
    "settings": N_("setting"),
    "tombstones": N_("deletion record"),
    "cases": N_("case"),
    "case_attributes": N_("case attribute"),
    "documents": N_("document"),
    "turns": N_("turn"),
    "sentences": N_("sentence"),
    "case_sources": N_("case link"),
    "themes": N_("theme"),
    "theme_codes": N_("theme member"),
    "theme_extracts": N_("key extract"),
    "relations": N_("relation"),
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
    notes: tuple[str, ...] = ()
    """What else the step did, in the researcher's words (an undone import: the
    person's own codings it took along, and that redo brings them back)."""

    @property
    def codebook_changed(self) -> bool:
        """Whether the codebook changed (the YAML file must be written back)."""
        return any(k.startswith("codebook") for k in self.kinds)

    def describe(self) -> str:
        """One line for the user: ``undid: code doc [3:9] with cost (+4 more)``; an
        import: ``undid the import of a and b: both documents are removed``."""
        notes = "".join(f"; {n}" for n in self.notes)
        if self.kinds and all(k == IMPORT_KIND for k in self.kinds):
            names = [s.removeprefix("import ") for s in self.summaries]
            return describe_imports(self.action, names, self.notes)
        more = (
            plural(
                len(self.summaries) - 1,
                " (+{n} more in the same step)",
                " (+{n} more in the same step)",
            )
            if len(self.summaries) > 1
            else ""
        )
        what = self.summaries[-1] if self.action == UNDO else self.summaries[0]
        line = _("undid: {what}{more}") if self.action == UNDO else _("redid: {what}{more}")
        return line.format(what=what, more=more) + notes


IMPORT_KIND = "import"
"""The kind of a transcript import's log entry (one per document)."""


class ActionHistory:
    """Undo and redo of the person's own actions, per window."""

    def __init__(self, store: ProjectBase) -> None:
        self.store = store

    _history_cache: dict[tuple[str, frozenset[str] | None], tuple[int, History]]

    # ------------------------------------------------------------------ the walk

    def _scope(self, anywhere: bool) -> frozenset[str] | None:
        """The windows whose actions undo may take back (``None``: every window)."""
        if anywhere or self.store.window is None:
            return None
        return frozenset({self.store.window})

    def stacks(self, conn: Connection, coder: str) -> History:
        """The person's undo and redo stacks over every window."""
        return self._history(conn, coder)

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
        return self._peek(coder, anywhere=anywhere)

    def _peek(self, coder: str | None, *, anywhere: bool = False) -> str | None:
        with self.store.read() as conn:
            history = self._history(conn, coder or self.store.coder, self._scope(anywhere))
            stack = history.done
            if not stack:
                return None
            seq = stack[-1].seqs[-1]
            summary = conn.execute(
                select(T_ACTIONS.c.summary).where(T_ACTIONS.c.seq == seq)
            ).scalar()
        n = len(stack[-1].seqs)
        return str(summary) + (
            plural(n - 1, " (+{n} more in the same step)", " (+{n} more in the same step)")
            if n > 1
            else ""
        )

    def history_end(self, *, coder: str | None = None, anywhere: bool = False) -> Barrier | None:
        """What ended the history, when nothing is left to undo because of a barrier
        (a project merge, a re-import, a REFI-QDA import); ``None`` otherwise."""
        with self.store.read() as conn:
            history = self._history(conn, coder or self.store.coder, self._scope(anywhere))
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
        return self._step(UNDO, coder or self.store.coder, self._scope(anywhere))

    def redo(self, *, coder: str | None = None, anywhere: bool = False) -> Step | None:
        """Redo the person's newest undone action (or group); ``None`` when none is left.

        Raises:
            ConflictError: a row the undo restored was changed since by someone else.
        """
        return self._step(REDO, coder or self.store.coder, self._scope(anywhere))

    def _step(self, action: str, coder: str, scope: frozenset[str] | None) -> Step | None:
        step: Step | None = None
        try:
            with self.store.write(action, action, coder=coder) as tx:
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
                taken = _Taken()
                undone: dict[str, Any] | None = None
                for row in ordered:
                    changes = json.loads(row.payload).get("changes", [])
                    if _is_import(changes):
                        if action == UNDO:
                            first = len(tx.changes)
                            _undo_import(tx, changes, taken, person=coder, summary=row.summary)
                            tx.extra.setdefault("restores", {})[str(row.seq)] = [
                                first,
                                len(tx.changes),
                            ]
                        else:
                            if undone is None:
                                undone = _undo_entry(tx.conn, seqs[-1])
                            _redo_import(tx, undone, row.seq, taken, summary=row.summary)
                        continue
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
                    taken.notes(action),
                )
                with english():  # the log keeps English; shown translated
                    tx.summary = replace(step, notes=taken.notes(action)).describe()
                tx.reverts = seqs[-1]
                tx.extra["targets"] = seqs
        finally:
            self.store.forget_codes()
            self.store.forget_documents()
        return step


BARRIERS = {
    "merge": N_("a project merge"),
    "import.replace": N_("a re-import"),
    "import.refi": N_("a REFI-QDA import"),
}
"""The actions that end the history, as a redo's refusal names them."""


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
        values = dict(summary=self.summary, at=self.at, backup=self.backup)
        if action != "undo":
            what = _(BARRIERS[self.kind]) if self.kind in BARRIERS else self.kind
            return _("nothing to redo: {what} ({summary}, {at}) ends the history").format(
                what=what, **values
            )
        if self.kind == "merge":
            line = _("nothing to undo: a project merge ({summary}, {at}) ends the history")
        elif self.kind == "import.replace":
            line = _("nothing to undo: a re-import ({summary}, {at}) ends the history")
        elif self.kind == "import.refi":
            line = _("nothing to undo: a REFI-QDA import ({summary}, {at}) ends the history")
        else:
            line = _("nothing to undo: {kind} ({summary}, {at}) ends the history")
        if self.backup:
            tail = _("its backup is its undo: qualcode restore {backup}")
        else:
            tail = _("a backup made before it is its undo ('qualcode restore FILE')")
        return _("{line}; {tail}").format(
            line=line.format(kind=self.kind, **values), tail=tail.format(**values)
        )


# ---------------------------------------------------------------------- imports
# A transcript import is logged as one "import" marker (the document's key, guid,
# name and hash) plus the few rows it wrote beside the document (its cases, case
# links and front-matter attributes): recording its turns and sentences at import
# time would slow every bulk import. Undo removes the document with everything that
# hangs on it and records those rows in the undo entry (turns and sentences as
# compact delete_rows changes); redo puts back exactly what that undo removed.


@dataclass
class _Taken:
    """What undoing (or redoing) imports took along, for the step's notes."""

    codings: int = 0
    memos: int = 0
    kept: list[str] = field(default_factory=list)

    def notes(self, action: str) -> tuple[str, ...]:
        out = []
        own = []
        if self.codings:
            own.append(plural(self.codings, "{n} of your codings", "{n} of your codings"))
        if self.memos:
            own.append(plural(self.memos, "{n} of your memos", "{n} of your memos"))
        if own:
            if action == UNDO:
                out.append(
                    _("{what} on it went too ('qualcode redo' brings them back)").format(
                        what=_(" and ").join(own)
                    )
                )
            else:
                out.append(_("{what} on it came back").format(what=_(" and ").join(own)))
        for case_name in self.kept:
            out.append(
                _("case {case!r} stays (other documents or attributes use it now)").format(
                    case=case_name
                )
            )
        return tuple(out)


def _is_import(changes: Sequence[dict[str, Any]]) -> bool:
    return any(ch.get("op") == "import" for ch in changes)


def _undo_entry(conn: Connection, last_seq: int) -> dict[str, Any] | None:
    """The payload of the newest undo of the unit that ends with ``last_seq``."""
    payload = conn.execute(
        select(T_ACTIONS.c.payload)
        .where(T_ACTIONS.c.kind == UNDO, T_ACTIONS.c.reverts == last_seq)
        .order_by(T_ACTIONS.c.seq.desc())
        .limit(1)
    ).scalar()
    return json.loads(payload) if payload else None


def _work_phrase(what: str, n: int, who: str) -> str:
    """``3 codings by ana`` (one kind of someone else's work, whole for translation)."""
    if what == "coding":
        return plural(n, "{n} coding by {who}", "{n} codings by {who}", who=who)
    if what == "auto-code suggestion":
        return plural(
            n, "{n} auto-code suggestion by {who}", "{n} auto-code suggestions by {who}", who=who
        )
    if what == "review verdict":
        return plural(n, "{n} review verdict by {who}", "{n} review verdicts by {who}", who=who)
    if what == "coding memo":
        return plural(n, "{n} coding memo by {who}", "{n} coding memos by {who}", who=who)
    if what == "memo":
        return plural(n, "{n} memo by {who}", "{n} memos by {who}", who=who)
    if what == "done mark":
        return plural(n, "{n} done mark by {who}", "{n} done marks by {who}", who=who)
    if what == "adjudication":
        return plural(n, "{n} adjudication by {who}", "{n} adjudications by {who}", who=who)
    if what == "rejected suggestion":
        return plural(
            n, "{n} rejected suggestion by {who}", "{n} rejected suggestions by {who}", who=who
        )
    return plural(n, "{n} review comment by {who}", "{n} review comments by {who}", who=who)


def _others_work(hanging: Hangers, person: str) -> tuple[list[str], int, int]:
    """Someone else's work on a document (one phrase per kind and person), and how
    many codings and memos on it are the person's own."""
    found: Counter[tuple[str, str]] = Counter()
    own_codings = own_memos = 0
    for c in hanging.rows.get("codings", ()):
        suggested = c["status"] == "suggested"
        owner = (c.get("run_by") or c["coder"]) if suggested else c["coder"]
        if owner != person:
            found[("auto-code suggestion" if suggested else "coding", owner)] += 1
            continue
        own_codings += 1
        if c.get("reviewer") and c["reviewer"] != person:
            found[("review verdict", c["reviewer"])] += 1
        if c.get("memo") and c.get("memo_author") not in (None, person):
            found[("coding memo", c["memo_author"])] += 1
    for m in hanging.rows.get("memos", ()):
        if m["author"] != person:
            found[("memo", m["author"])] += 1
        else:
            own_memos += 1
    for table, what, who in (
        ("document_marks", "done mark", "coder"),
        ("adjudications", "adjudication", "decided_by"),
        ("suggestion_rejections", "rejected suggestion", "coder"),
        ("review_comments", "review comment", "author"),
    ):
        for r in hanging.rows.get(table, ()):
            if r[who] != person:
                found[(what, r[who])] += 1
    phrases = [
        _work_phrase(what, n, escape(who))
        for (what, who), n in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return phrases, own_codings, own_memos


def _undo_import(
    tx: Tx, changes: Sequence[dict[str, Any]], taken: _Taken, *, person: str, summary: str
) -> None:
    """Take back one document's import: remove it with everything that hangs on it
    (the person's own codings and memos on it too; the undo entry records every row,
    so redo brings them back), and the cases and front-matter attributes it created
    when nothing else uses them now.

    Raises:
        ConflictError: the document is gone, or someone else has worked on it since
            (their codings, verdicts, memos, marks are never removed by an undo).
    """
    conn = tx.conn
    marker = next(ch for ch in changes if ch.get("op") == "import")
    info = marker.get("row") or {}
    doc = conn.execute(select(T_DOCS).where(T_DOCS.c.pk == info.get("pk"))).mappings().first()
    if doc is None or doc["guid"] != info.get("guid"):
        raise StepRefused(
            _(
                "cannot undo the import of {name!r}: that document is no longer in the project; "
                "nothing was changed"
            ).format(name=escape(str(info.get("name") or summary))),
            hint=_("it was deleted or replaced since; 'qualcode documents' lists the documents"),
        )
    name = doc["name"]
    hanging = document_hangers(conn, dict(doc), comments=True)
    others, own_codings, own_memos = _others_work(hanging, person)
    if others:
        raise StepRefused(
            _(
                "cannot undo the import of {name!r}: others have worked on it since "
                "({work}); nothing was changed"
            ).format(name=escape(name), work=", ".join(others)),
            hint=_(
                "an undo never removes someone else's work: ask them to remove it, or "
                "delete the document with 'qualcode documents delete {name} --force' "
                "(undoable)"
            ).format(name=escape(name)),
        )
    # rows that were there before the import and that it changed (a front-matter
    # value written into an existing case's empty attribute): put back as they were
    updates = [ch for ch in changes if ch.get("op") == "update"]
    if updates:
        _replay(tx, updates, inverse=True, summary=summary)
    remove_document(tx, dict(doc), hanging)
    taken.codings += own_codings
    taken.memos += own_memos
    _remove_created(tx, changes, taken)


def _remove_created(tx: Tx, changes: Sequence[dict[str, Any]], taken: _Taken) -> None:
    """Remove the case values, attributes and cases the import created, each unless
    changed or used since (a case kept is named in ``taken``)."""
    conn = tx.conn
    created: dict[str, list[dict[str, Any]]] = {}
    for ch in changes:
        if ch.get("op") == "insert" and ch.get("t") in ("case_attributes", "attributes", "cases"):
            created.setdefault(ch["t"], []).append(ch["row"])
    for wrote in created.get("case_attributes", ()):
        table = TABLES["case_attributes"]
        now_row = _current(tx, table, _key(table, wrote))
        if now_row is not None and now_row == wrote:  # changed since: someone's value, kept
            remove_row(tx, table, now_row)
    for wrote in created.get("attributes", ()):
        table = TABLES["attributes"]
        now_row = _current(tx, table, _key(table, wrote))
        used = conn.execute(
            select(func.count())
            .select_from(TABLES["case_attributes"])
            .where(TABLES["case_attributes"].c.attribute_pk == wrote["pk"])
        ).scalar()
        if now_row is not None and not used:
            remove_row(tx, table, now_row)
    for wrote in created.get("cases", ()):
        table = TABLES["cases"]
        now_row = _current(tx, table, _key(table, wrote))
        if now_row is None:
            continue
        if _case_used(conn, wrote["pk"], now_row["guid"]):
            taken.kept.append(str(now_row["name"]))
        else:
            remove_row(tx, table, now_row)


def _case_used(conn: Connection, case_pk: int, guid: str) -> bool:
    """Whether a case has documents, attribute values or memos."""
    return bool(
        conn.execute(
            select(func.count())
            .select_from(TABLES["case_sources"])
            .where(TABLES["case_sources"].c.case_pk == case_pk)
        ).scalar()
        or conn.execute(
            select(func.count())
            .select_from(TABLES["case_attributes"])
            .where(TABLES["case_attributes"].c.case_pk == case_pk)
        ).scalar()
        or conn.execute(
            select(func.count())
            .select_from(TABLES["memos"])
            .where(
                TABLES["memos"].c.target_kind == "case",
                TABLES["memos"].c.target_guid == guid,
            )
        ).scalar()
    )


def _redo_import(
    tx: Tx, undone: dict[str, Any] | None, seq: int, taken: _Taken, *, summary: str
) -> None:
    """Put back what the newest undo of import ``seq`` removed, row for row, and
    index the document's sentences for search again.

    Raises:
        ConflictError: the undo's record is missing, the same text or name is in
            the project again, or a later import took the rows' keys.
    """
    span = ((undone or {}).get("restores") or {}).get(str(seq))
    if not span:
        raise StepRefused(
            _("cannot redo {what!r}: the log has no record of what its undo removed").format(
                what=summary
            ),
            hint=_("import the file again"),
        )
    changes = undone["changes"][span[0] : span[1]] if undone else []
    doc = next(
        (ch["row"] for ch in changes if ch.get("op") == "delete" and ch.get("t") == "documents"),
        None,
    )
    if doc is None:
        raise StepRefused(
            _("cannot redo {what!r}: the log has no record of the document").format(what=summary),
            hint=_("import the file again"),
        )
    conn = tx.conn
    name = escape(str(doc["name"]))
    same = conn.execute(
        select(T_DOCS.c.name).where(T_DOCS.c.sha256 == doc["sha256"], VISIBLE)
    ).scalar()
    if same is not None:
        raise StepRefused(
            _(
                "cannot redo the import of {name!r}: the same text is in the project again, "
                "as {other!r}"
            ).format(name=name, other=escape(same)),
            hint=_("nothing to redo"),
        )
    if conn.execute(select(T_DOCS.c.pk).where(T_DOCS.c.name == doc["name"])).first():
        raise StepRefused(
            _("cannot redo the import of {name!r}: another document has that name now").format(
                name=name
            ),
            hint=_("rename that one ('qualcode documents rename'), then redo"),
        )
    try:
        _replay(tx, changes, inverse=True, summary=summary)
    except ConflictError:
        raise StepRefused(
            _(
                "cannot redo the import of {name!r}: what it held was changed or taken by "
                "later actions (another import, a case or attribute edit)"
            ).format(name=name),
            hint=_("import the file again"),
        ) from None
    index_document(conn, doc["pk"])
    for ch in changes:
        if ch.get("op") == "delete" and ch.get("t") == "codings":
            taken.codings += 1
        elif ch.get("op") == "delete" and ch.get("t") == "memos":
            taken.memos += 1


def bulk_insert(conn: Connection, table: Any, cols: Sequence[str], rows: Sequence[Any]) -> None:
    """Insert many rows given as lists in ``cols`` order, at the driver's speed."""
    from qualcode.store import ddl

    if conn.dialect.name == "sqlite":
        statement = ddl.driver_insert(conn, table, cols, named=False)
        conn.exec_driver_sql(statement, [tuple(r) for r in rows])
    else:
        statement = ddl.driver_insert(conn, table, cols, named=True)
        conn.exec_driver_sql(statement, [dict(zip(cols, r, strict=True)) for r in rows])


def _chunks(values: Sequence[Any], size: int = 500) -> list[Sequence[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


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


def _current(tx: Tx, table: Any, key: dict[str, Any]) -> dict[str, Any] | None:
    row = (
        tx.conn.execute(select(table).where(and_(*(table.c[k] == v for k, v in key.items()))))
        .mappings()
        .first()
    )
    return dict(row) if row is not None else None


def _replay_rows(
    tx: Tx,
    table: Any,
    cols: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    insert: bool,
    conflict: Callable[[str], ConflictError],
) -> None:
    """Put back (``insert``) or delete again rows recorded as one ``delete_rows``
    change, checking first that their keys are free, or that they are unchanged.

    Raises:
        ConflictError: a key is taken, or a row changed since.
    """
    (key,) = [c.name for c in table.primary_key.columns]
    at = list(cols).index(key)
    keys = [r[at] for r in rows]
    conn = tx.conn
    if insert:
        for part in _chunks(keys):
            if conn.execute(
                select(func.count()).select_from(table).where(table.c[key].in_(part))
            ).scalar():
                raise conflict(table.name)
        bulk_insert(conn, table, cols, rows)
        tx.changes.append({"op": "rows_inserted", "t": table.name, "count": len(rows)})
        return
    wanted = {r[at]: tuple(r) for r in rows}
    for part in _chunks(keys):
        for current in conn.execute(
            select(*(table.c[c] for c in cols)).where(table.c[key].in_(part))
        ):
            if wanted.get(current[at]) != tuple(current):
                raise conflict(table.name)
        found = conn.execute(
            select(func.count()).select_from(table).where(table.c[key].in_(part))
        ).scalar()
        if found != len(part):
            raise conflict(table.name)
        conn.execute(delete(table).where(table.c[key].in_(part)))
    tx.changes.append({"op": "rows_deleted", "t": table.name, "count": len(rows)})


def _replay(tx: Tx, changes: Sequence[dict[str, Any]], *, inverse: bool, summary: str) -> None:
    """Apply recorded changes (or their inverse, newest first), checking each row first."""

    def conflict(table: str) -> ConflictError:
        what = _(WHAT[table]) if table in WHAT else table.rstrip("s")
        line = (
            _(
                "cannot undo {summary!r}: a {what} it changed has been changed since by a "
                "later action (someone else's, or one outside your history)"
            )
            if inverse
            else _(
                "cannot redo {summary!r}: a {what} it changed has been changed since by a "
                "later action (someone else's, or one outside your history)"
            )
        )
        return ConflictError(
            line.format(summary=summary, what=what),
            hint=_("undo or revert that change first, or make your change again by hand"),
        )

    for ch in reversed(changes) if inverse else changes:
        op = ch.get("op")
        if op not in ("insert", "delete", "update", "delete_rows") or ch.get("t") not in TABLES:
            raise ConflictError(
                (
                    _("cannot undo {summary!r}: the log entry has no replayable changes")
                    if inverse
                    else _("cannot redo {summary!r}: the log entry has no replayable changes")
                ).format(summary=summary),
                hint=_("it was written by an older or newer qualcode"),
            )
        table = TABLES[ch["t"]]
        if inverse:
            op = {
                "insert": "delete",
                "delete": "insert",
                "update": "update",
                "delete_rows": "insert_rows",
            }[op]
        if op in ("insert_rows", "delete_rows"):
            _replay_rows(
                tx, table, ch["cols"], ch["rows"], insert=op == "insert_rows", conflict=conflict
            )
            continue
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
