"""Actions of the log, read back as facts a person can be told about.

An action's log entry keeps its row changes with database keys (document and code
primary keys, GUIDs). :meth:`Narration.action_facts` resolves them to document
names, code ids and quotes (:class:`~qualcode.core.narrate.Fact`), which
:mod:`qualcode.core.narrate` turns into the researcher's words.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, select

from qualcode.core.codebook import DEFAULT_RELATION_TYPES
from qualcode.core.history import REDO, UNDO
from qualcode.core.narrate import Fact
from qualcode.core.themes import relation_types_from_data
from qualcode.errors import InputError
from qualcode.store.base import (
    CODEBOOK_META,
    T_ACTIONS,
    T_CASES,
    T_CODES,
    T_CODINGS,
    T_DOCS,
    T_MEMOS,
    T_SETTINGS,
    T_THEMES,
    ProjectBase,
)
from qualcode.store.convert import label_from_db
from qualcode.store.history import ActionHistory


class Narration:
    """Facts about logged actions (for messages in the researcher's words)."""

    def __init__(self, store: ProjectBase, history: ActionHistory) -> None:
        self.store = store
        self.history = history

    def action_facts(self, seqs: Iterable[int]) -> list[tuple[str, list[Fact]]]:
        """The actions ``seqs`` (oldest first) as (kind, facts about the rows changed)."""
        wanted = sorted(set(seqs))
        if not wanted:
            return []
        with self.store.read() as conn:
            rows = conn.execute(
                select(T_ACTIONS.c.seq, T_ACTIONS.c.kind, T_ACTIONS.c.payload)
                .where(T_ACTIONS.c.seq.in_(wanted))
                .order_by(T_ACTIONS.c.seq)
            ).all()
            entries = [(r.kind, _changes(r.payload)) for r in rows]
            names = _Names(conn, [ch for _, changes in entries for ch in changes])
            return [(kind, [names.fact(kind, ch) for ch in changes]) for kind, changes in entries]

    def pending_step(self, action: str, *, coder: str | None = None) -> tuple[int, ...]:
        """The log entries the next ``undo`` (or ``redo``) of ``coder`` would take back
        (or replay); empty when there is none."""
        with self.store.read() as conn:
            history = self.history.stacks(conn, coder or self.store.coder)
        stack = history.done if action == UNDO else history.undone if action == REDO else []
        return tuple(stack[-1].seqs) if stack else ()


def _changes(payload: str | None) -> list[dict[str, Any]]:
    try:
        data = json.loads(payload or "{}")
    except ValueError:
        return []
    changes = data.get("changes", []) if isinstance(data, dict) else []
    return [ch for ch in changes if isinstance(ch, dict)]


def _label(raw: Any) -> Any:
    if not isinstance(raw, str):
        return None
    try:
        return label_from_db(raw)
    except ValueError:
        return raw


def _updated_pks(changes: Sequence[dict[str, Any]], table: str) -> set[Any]:
    """The keys of the rows of ``table`` the changes update."""
    return {
        ch["key"]["pk"]
        for ch in changes
        if ch.get("t") == table and ch.get("op") == "update" and "pk" in ch.get("key", {})
    }


class _Names:
    """Keys -> names for the rows of some changes, read in a few queries."""

    def __init__(self, conn: Connection, changes: Sequence[dict[str, Any]]) -> None:
        self.docs: dict[int, str] = {}
        self.doc_guids: dict[str, str] = {}
        for pk, guid, name in conn.execute(select(T_DOCS.c.pk, T_DOCS.c.guid, T_DOCS.c.name)):
            self.docs[pk] = name
            self.doc_guids[guid] = name
        self.codes: dict[int, str] = {}
        self.code_guids: dict[str, str] = {}
        for pk, guid, code_id in conn.execute(select(T_CODES.c.pk, T_CODES.c.guid, T_CODES.c.id)):
            self.codes[pk] = code_id
            self.code_guids[guid] = code_id
        self.cases = {
            guid: name for guid, name in conn.execute(select(T_CASES.c.guid, T_CASES.c.name))
        }
        # themes by pk, with their label (only when the changes touch themes)
        self.themes: dict[int, Any] = {}
        if any(str(ch.get("t", "")).startswith("theme") for ch in changes):
            self._read_themes(conn, changes)
        self._codes_in_changes(changes)
        self.codings: dict[int, dict[str, Any]] = {}
        coding_pks = _updated_pks(changes, "codings")
        if coding_pks:
            for r in conn.execute(
                select(
                    T_CODINGS.c.pk, T_CODINGS.c.document_pk, T_CODINGS.c.code_pk, T_CODINGS.c.quote
                ).where(T_CODINGS.c.pk.in_(sorted(coding_pks)))
            ).mappings():
                self.codings[r["pk"]] = dict(r)
        self._relation_names(conn, changes)
        self.memos: dict[int, dict[str, Any]] = {}
        memo_pks = _updated_pks(changes, "memos")
        if memo_pks:
            for r in conn.execute(
                select(T_MEMOS.c.pk, T_MEMOS.c.target_kind, T_MEMOS.c.target_guid).where(
                    T_MEMOS.c.pk.in_(sorted(memo_pks))
                )
            ).mappings():
                self.memos[r["pk"]] = dict(r)

    def _read_themes(self, conn: Connection, changes: Sequence[dict[str, Any]]) -> None:
        for pk, theme_id, raw in conn.execute(
            select(T_THEMES.c.pk, T_THEMES.c.id, T_THEMES.c.label)
        ):
            self.themes[pk] = _label(raw) or theme_id
        for ch in changes:
            row = ch.get("row")
            if ch.get("t") == "themes" and isinstance(row, dict) and "pk" in row:
                self.themes.setdefault(row["pk"], _label(row.get("label")) or row.get("id"))

    def _codes_in_changes(self, changes: Sequence[dict[str, Any]]) -> None:
        """Codes that the changes themselves deleted or added keep their id in the row."""
        for ch in changes:
            row = ch.get("row")
            if ch.get("t") == "codes" and isinstance(row, dict) and "pk" in row:
                self.codes.setdefault(row["pk"], str(row.get("id", "")))
                if row.get("guid"):
                    self.code_guids.setdefault(row["guid"], str(row.get("id", "")))

    def _relation_names(self, conn: Connection, changes: Sequence[dict[str, Any]]) -> None:
        """Names for the ends and types of the relations the changes touch."""
        self.theme_guids: dict[str, Any] = {}
        self.quotes: dict[str, str] = {}
        self.relation_types: dict[str, Any] = {}
        rows = [
            ch["row"]
            for ch in changes
            if ch.get("t") == "relations" and isinstance(ch.get("row"), dict)
        ]
        if not rows:
            return
        for guid, theme_id, raw in conn.execute(
            select(T_THEMES.c.guid, T_THEMES.c.id, T_THEMES.c.label)
        ):
            self.theme_guids[guid] = _label(raw) or theme_id
        passages = {
            str(r.get(f"{end}_guid"))
            for r in rows
            for end in ("source", "target")
            if r.get(f"{end}_kind") == "passage"
        }
        if passages:
            for guid, quote in conn.execute(
                select(T_CODINGS.c.guid, T_CODINGS.c.quote).where(
                    T_CODINGS.c.guid.in_(sorted(passages))
                )
            ):
                self.quotes[guid] = quote or ""
        raw_meta = conn.execute(
            select(T_SETTINGS.c.value).where(T_SETTINGS.c.key == CODEBOOK_META)
        ).scalar()
        try:
            meta = json.loads(raw_meta) if raw_meta else {}
            vocabulary = meta.get("relations") if isinstance(meta, dict) else None
            types = relation_types_from_data(vocabulary)
        except (ValueError, TypeError, KeyError, InputError):
            types = DEFAULT_RELATION_TYPES
        self.relation_types = {t.id: t.label for t in types}

    def _end(self, kind: Any, guid: Any) -> tuple[str, Any]:
        key = str(guid or "")
        names: dict[str, Any] = {
            "code": self.code_guids,
            "theme": self.theme_guids,
            "document": self.doc_guids,
            "passage": self.quotes,
        }.get(str(kind), {})
        return (str(kind), names.get(key))

    def _code(self, pk: Any) -> str | None:
        return self.codes.get(pk) if isinstance(pk, int) else None

    def _row(self, table: str, op: str, ch: dict[str, Any]) -> dict[str, Any]:
        """The row a change is about: its image, or for an update the row as it stood
        (what was read) with the change's new values."""
        raw_row, raw_after, raw_key = ch.get("row"), ch.get("after"), ch.get("key")
        row: dict[str, Any] = dict(raw_row) if isinstance(raw_row, dict) else {}
        if op != "update":
            return row
        after: dict[str, Any] = dict(raw_after) if isinstance(raw_after, dict) else {}
        key: dict[str, Any] = dict(raw_key) if isinstance(raw_key, dict) else {}
        if table == "codings":
            return {**self.codings.get(key.get("pk", -1), {}), **after}
        if table == "memos":
            return {**self.memos.get(key.get("pk", -1), {}), **after}
        if table == "codes":
            row = {"pk": key.get("pk"), **after}
            row.setdefault("id", self._code(key.get("pk")))
            return row
        return dict(after)

    def _memo_target(self, row: dict[str, Any]) -> str | None:
        target_kind = row.get("target_kind")
        guid = row.get("target_guid") or ""
        if target_kind == "document":
            return self.doc_guids.get(guid)
        if target_kind == "code":
            return self.code_guids.get(guid)
        if target_kind == "case":
            return self.cases.get(guid)
        return None

    def fact(self, kind: str, ch: dict[str, Any]) -> Fact:
        table = str(ch.get("t", ""))
        op = str(ch.get("op", ""))
        raw_after = ch.get("after")
        fields = tuple(sorted(raw_after)) if isinstance(raw_after, dict) else ()
        row = self._row(table, op, ch)
        if table in ("codings", "suggestion_rejections"):
            return Fact(
                kind,
                op,
                table,
                doc=self.docs.get(row.get("document_pk", -1)),
                code=self._code(row.get("code_pk")),
                quote=row.get("quote") if table == "codings" else None,
                fields=fields if table == "codings" else (),
            )
        if table == "codes":
            return Fact(
                kind,
                op,
                table,
                code=str(row.get("id") or self._code(row.get("pk")) or ""),
                other=self._code(row.get("parent_pk")),
                fields=fields,
                label=_label(row.get("label")),
            )
        if table == "code_aliases":
            return Fact(kind, op, table, code=self._code(row.get("code_pk")), fields=fields)
        if table == "memos":
            return Fact(
                kind,
                op,
                table,
                target_kind=row.get("target_kind"),
                target=self._memo_target(row),
                fields=fields,
            )
        if table == "documents":
            name = row.get("name") or ch.get("name") or self.docs.get(row.get("pk", -1))
            return Fact(kind, op, table, doc=str(name) if name else None)
        if table == "themes":
            return Fact(kind, op, table, fields=fields, label=self._theme_label(op, row, ch))
        if table in ("theme_codes", "theme_extracts"):
            theme_pk = row.get("theme_pk")
            return Fact(
                kind,
                op,
                table,
                code=self._code(row.get("code_pk")),
                fields=fields,
                label=self.themes.get(theme_pk) if isinstance(theme_pk, int) else None,
            )
        if table == "relations":
            return self._relation_fact(kind, op, row, fields)
        return Fact(kind, op, table, fields=fields)

    def _theme_label(self, op: str, row: dict[str, Any], ch: dict[str, Any]) -> str | None:
        pk = row.get("pk") if op != "update" else dict(ch.get("key") or {}).get("pk")
        label = _label(row.get("label"))
        return label or (self.themes.get(pk) if isinstance(pk, int) else None)

    def _relation_fact(
        self, kind: str, op: str, row: dict[str, Any], fields: tuple[str, ...]
    ) -> Fact:
        """A relation row: both ends by name and the type (an edit: neither)."""
        if not row.get("source_guid"):
            return Fact(kind, op, "relations", fields=fields)
        return Fact(
            kind,
            op,
            "relations",
            fields=fields,
            other=str(row.get("type") or ""),
            label=self.relation_types.get(str(row.get("type"))),
            ends=(
                self._end(row.get("source_kind"), row.get("source_guid")),
                self._end(row.get("target_kind"), row.get("target_guid")),
            ),
            directed=bool(row.get("directed", True)),
        )
