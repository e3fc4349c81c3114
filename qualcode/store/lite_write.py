"""A write path for ``code`` and ``memo`` on a SQLite project: Python's ``sqlite3``
alone, so applying a code or writing a memo from the command line does not wait for
SQLAlchemy, the table models and the services to load.

It writes exactly what :class:`~qualcode.store.Project` writes: the same rows, the
same action-log entry (the undo record: kind, summary, payload, window) and the
coder's row the first time a coder codes, in one ``BEGIN IMMEDIATE`` transaction
taken the way the store takes it (polling for SQLite's write lock), with the
project's pragmas (foreign keys on, ``synchronous=FULL``, WAL). It answers only the
ordinary case; everything else returns ``None`` before anything is written, and the
command takes the ordinary path, which upgrades, checks and explains:

* at open (:func:`open_lite_write`): not a SQLite project file at the newest schema
  in WAL, a file or folder that cannot be written, blind coding, a document import
  cut off (a staged document, or search entries still pending), a coder name the
  store would refuse;
* per action: an unknown document or code, a span outside the text, an identical
  coding whose memo would change, a memo target the store resolves another way (a
  theme, a coding), a database error.

``tests/store/test_lite_write.py`` runs the same commands through both paths on two
copies of a project and compares every table row by row.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from qualcode.clock import new_guid, now
from qualcode.core.history import CLI_WINDOW
from qualcode.core.model import Coding, Memo
from qualcode.core.names import check_name
from qualcode.errors import InputError
from qualcode.store import convert
from qualcode.store.lite import LiteProject, project_file, schema_head

BUSY_TIMEOUT_MS = 30_000
"""How long a writer waits for SQLite's write lock (the store's ``BUSY_TIMEOUT_MS``)."""
WRITE_POLL_S = 0.002
"""How often a waiting writer looks again, its first two seconds (the store's)."""


_SQL_NTH_SENTENCE = (
    'SELECT start, "end" FROM sentences WHERE document_pk = ? ORDER BY ordinal LIMIT 1 OFFSET ?'
)
_SQL_NTH_TURN = (
    'SELECT start, "end" FROM turns WHERE document_pk = ? ORDER BY ordinal LIMIT 1 OFFSET ?'
)
_SQL_MEMO_UPDATE = {
    ("text", "updated"): "UPDATE memos SET text = ?, updated = ? WHERE pk = ?",
    ("text",): "UPDATE memos SET text = ? WHERE pk = ?",
    ("updated",): "UPDATE memos SET updated = ? WHERE pk = ?",
}
"""A memo's new text and time: the columns that changed (in that order)."""


class Fallback(Exception):
    """Roll back: the ordinary path decides (nothing was written)."""


def poll_begin(con: sqlite3.Connection, timeout_ms: int, poll_s: float) -> None:
    """``BEGIN IMMEDIATE`` on a connection whose ``busy_timeout`` is 0, trying again
    every ``poll_s`` seconds (ten times that after two seconds) while another
    writer holds the lock, for at most ``timeout_ms``.

    Raises:
        sqlite3.OperationalError: the lock stayed taken, or another error.
    """
    started = time.monotonic()
    deadline = started + timeout_ms / 1000
    while True:
        try:
            con.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if not ("locked" in text or "busy" in text) or time.monotonic() >= deadline:
                raise
        waited = time.monotonic() - started
        time.sleep(poll_s if waited < 2 else 10 * poll_s)


class LiteWriter:
    """A SQLite project open for ``code`` and ``memo`` (see the module's docstring)."""

    def __init__(self, con: sqlite3.Connection, coder: str) -> None:
        self.con = con
        self.coder = coder
        self.reader = LiteProject(con)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> LiteWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ transactions

    def _begin(self) -> None:
        poll_begin(self.con, BUSY_TIMEOUT_MS, WRITE_POLL_S)

    def _finish(self, kind: str, summary: str, changes: list[dict[str, Any]]) -> None:
        """End the transaction with its action-log entry (when anything changed), as
        :meth:`ProjectBase.write <qualcode.store.base.ProjectBase.write>` does."""
        if changes:
            self.con.execute(
                "INSERT INTO actions (guid, at, coder, kind, summary, payload, group_guid, "
                'reverts, undoable, "window") VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, 1, ?)',
                (
                    new_guid(),
                    now(),
                    self.coder,
                    kind,
                    summary,
                    json.dumps({"changes": changes}, ensure_ascii=False, default=str),
                    CLI_WINDOW,
                ),
            )
        self.con.execute("COMMIT")

    def _rollback(self) -> None:
        if self.con.in_transaction:
            self.con.execute("ROLLBACK")

    def _row(self, sql: str, params: tuple[Any, ...]) -> dict[str, Any] | None:
        """The first row ``sql`` reads, by column name (``None``: no row)."""
        cur = self.con.execute(sql, params)
        found = cur.fetchone()
        if found is None:
            return None
        return dict(zip([d[0] for d in cur.description], found, strict=True))

    # ------------------------------------------------------------------ passages

    def resolve_span(
        self,
        doc: str,
        *,
        start: int | None,
        end: int | None,
        sentence: int | None,
        turn: int | None,
        match: str | None,
        nth: int | None,
        all_matches: bool,
    ) -> list[tuple[int, int]] | None:
        """:func:`qualcode.services.resolve_span` in its ordinary cases (one selector
        that names passages of a document there is); ``None`` for every case that
        ends in an error message: the ordinary path says it."""
        given = [
            v for v in (start if start is not None else end, sentence, turn, match) if v is not None
        ]
        if len(given) != 1:
            return None
        if start is not None or end is not None:
            return None if start is None or end is None else [(start, end)]
        row = self.con.execute("SELECT pk, text FROM documents WHERE name = ?", (doc,)).fetchone()
        if row is None:
            return None
        doc_pk, text = row
        if sentence is not None or turn is not None:
            number = sentence if sentence is not None else turn
            assert number is not None
            if number < 1:
                return None
            found = self.con.execute(
                _SQL_NTH_SENTENCE if sentence is not None else _SQL_NTH_TURN,
                (doc_pk, number - 1),
            ).fetchone()
            if found is None or found[0] >= found[1]:
                return None
            return [(found[0], found[1])]
        return _match_spans(str(text), match or "", nth, all_matches)

    # ------------------------------------------------------------------ coding

    def code_passage(
        self, doc: str, code: str, start: int, end: int, *, memo: str | None = None
    ) -> tuple[Coding, bool] | None:
        """:meth:`Codings.apply_coding <qualcode.store.project.Codings.apply_coding>`
        as the command line calls it (the coder's own manual coding), or ``None``:
        the ordinary path must decide (nothing written)."""
        try:
            self._begin()
            try:
                made = self._apply_coding(doc, code, start, end, memo)
            except BaseException:
                self._rollback()
                raise
        except (Fallback, sqlite3.Error):
            return None
        return made

    def _apply_coding(
        self, doc: str, code: str, start: int, end: int, memo: str | None
    ) -> tuple[Coding, bool]:
        con = self.con
        row = con.execute(
            'SELECT pk, chars, substr("text", ? + 1, ?) FROM documents WHERE name = ?',
            (start, max(end - start, 0), doc),
        ).fetchone()
        if row is None:
            raise Fallback
        doc_pk, chars, passage = row
        if start < 0 or end > chars or start >= end:
            raise Fallback
        found = self._code(code)
        if found is None:
            raise Fallback
        code_pk, canonical = found
        self._ensure_coder()
        same = con.execute(
            "SELECT guid, memo FROM codings WHERE document_pk = ? AND code_pk = ? AND start = ? "
            'AND "end" = ? AND coder = ?',
            (doc_pk, code_pk, start, end, self.coder),
        ).fetchone()
        if same is not None:
            if memo and memo != same[1]:
                raise Fallback  # the memo is set on it: the ordinary path's update
            existing = self._coding(same[0])
            self._finish("code", "", [])
            return existing, False
        guid, created = new_guid(), now()
        memo_author = self.coder if memo else None
        pk = con.execute(
            'INSERT INTO codings (guid, document_pk, code_pk, start, "end", coder, created, '
            "quote, memo, origin, status, review, reviewer, reviewed_at, anchor, batch, "
            "version, memo_author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'manual', 'accepted', "
            "'unreviewed', NULL, NULL, 'exact', NULL, 1, ?)",
            (guid, doc_pk, code_pk, start, end, self.coder, created, passage, memo, memo_author),
        ).lastrowid
        image = self._row("SELECT * FROM codings WHERE pk = ?", (pk,))
        assert image is not None
        self._finish(
            "code",
            f"code {doc} [{start}:{end}] with {code}",
            [{"op": "insert", "t": "codings", "row": image}],
        )
        coding = Coding(
            guid=guid,
            doc=doc,
            code=canonical,
            start=start,
            end=end,
            coder=self.coder,
            created=created,
            quote=passage,
            memo=memo,
            origin="manual",
            status="accepted",
            memo_author=memo_author,
        )
        return coding, True

    def _code(self, code: str) -> tuple[int, str] | None:
        """A code's key and id from its id, else an alias (as ``code_pks`` resolves)."""
        row = self.con.execute("SELECT pk, id FROM codes WHERE id = ?", (code,)).fetchone()
        if row is None:
            row = self.con.execute(
                "SELECT codes.pk, codes.id FROM code_aliases JOIN codes ON codes.pk = "
                "code_aliases.code_pk WHERE code_aliases.alias = ? ORDER BY codes.pk LIMIT 1",
                (code,),
            ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def _ensure_coder(self) -> None:
        """The coder's row the first time they code (reference data, not in the
        action), as :meth:`ProjectBase.ensure_coder` writes it."""
        if self.con.execute("SELECT pk FROM coders WHERE name = ?", (self.coder,)).fetchone():
            return
        self.con.execute(
            "INSERT INTO coders (guid, name, created, role) VALUES (?, ?, ?, 'coder')",
            (new_guid(), self.coder, now()),
        )

    def _coding(self, guid: str) -> Coding:
        """A stored coding as ``coding_select`` reads it (with ``doc`` and ``code``)."""
        cur = self.con.execute(
            "SELECT codings.*, documents.name AS doc, codes.id AS code FROM codings "
            "JOIN documents ON documents.pk = codings.document_pk "
            "JOIN codes ON codes.pk = codings.code_pk WHERE codings.guid = ?",
            (guid,),
        )
        values = cur.fetchone()
        if values is None:  # pragma: no cover - read in the same transaction
            raise Fallback
        return convert.coding_from_row(
            dict(zip([d[0] for d in cur.description], values, strict=True))
        )

    # ------------------------------------------------------------------ memos

    def target_guid(self, kind: str, target: str | None) -> str | None:
        """The guid a memo on ``kind`` ``target`` points to (``None``: the project).

        Raises:
            Fallback: a kind resolved another way (a theme), or an unknown target.
        """
        if kind == "project":
            return None
        if target is None:
            raise Fallback
        if kind == "document":
            row = self.con.execute(
                "SELECT guid FROM documents WHERE name = ?", (target,)
            ).fetchone()
        elif kind == "code":
            found = self._code(target)
            if found is None:
                raise Fallback
            row = self.con.execute("SELECT guid FROM codes WHERE pk = ?", (found[0],)).fetchone()
        elif kind == "case":
            row = self.con.execute("SELECT guid FROM cases WHERE name = ?", (target,)).fetchone()
        else:
            raise Fallback
        if row is None:
            raise Fallback
        return str(row[0])

    def memos(self, kind: str, target: str | None) -> list[Memo]:
        """:meth:`Memos.memos <qualcode.store.memos.Memos.memos>` for one target.

        Raises:
            Fallback: see :meth:`target_guid`.
        """
        guid = self.target_guid(kind, target)
        cur = self.con.execute(
            "SELECT * FROM memos WHERE target_kind = ? AND target_guid IS ? ORDER BY created, pk",
            (kind, guid),
        )
        names = [d[0] for d in cur.description]
        return [self._memo(dict(zip(names, r, strict=True))) for r in cur.fetchall()]

    def all_memos(self, kind: str | None) -> list[Memo]:
        """:meth:`Memos.memos <qualcode.store.memos.Memos.memos>` on every target
        (of one kind when given), oldest first."""
        cur = self.con.execute(
            "SELECT * FROM memos WHERE ? IS NULL OR target_kind = ? ORDER BY created, pk",
            (kind, kind),
        )
        names = [d[0] for d in cur.description]
        return [self._memo(dict(zip(names, r, strict=True))) for r in cur.fetchall()]

    def memos_on_codings(self) -> list[Coding]:
        """:meth:`Memos.coding_memos <qualcode.store.memos.Memos.coding_memos>`."""
        cur = self.con.execute(
            "SELECT codings.*, documents.name AS doc, codes.id AS code FROM codings "
            "JOIN documents ON documents.pk = codings.document_pk "
            "JOIN codes ON codes.pk = codings.code_pk "
            "WHERE codings.memo IS NOT NULL AND codings.memo != '' "
            "ORDER BY documents.name, codings.start, codings.pk"
        )
        names = [d[0] for d in cur.description]
        return [convert.coding_from_row(dict(zip(names, r, strict=True))) for r in cur.fetchall()]

    def _memo(self, row: dict[str, Any]) -> Memo:
        kind, guid = row["target_kind"], row["target_guid"]
        lookup = {
            "document": "SELECT name FROM documents WHERE guid = ?",
            "code": "SELECT id FROM codes WHERE guid = ?",
            "case": "SELECT name FROM cases WHERE guid = ?",
            "theme": "SELECT id FROM themes WHERE guid = ?",
        }.get(kind)
        target = None
        if lookup is not None:
            found = self.con.execute(lookup, (guid,)).fetchone()
            target = None if found is None else found[0]
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

    def set_own_memo(self, kind: str, target: str | None, text: str, *, append: bool) -> bool:
        """:meth:`Memos.write_memo <qualcode.store.memos.Memos.write_memo>`: set or
        append to the coder's own memo on a target (one action); ``False``: the
        ordinary path must (nothing written)."""
        if not text.strip():
            return False
        try:
            mine = self._own_memo(kind, target)
            self._begin()
            try:
                if mine is None:
                    self._add_memo(kind, target, text)
                else:
                    new_text = (_joined(mine.text, text) or "") if append else text
                    self._update_memo(mine.guid, new_text)
            except BaseException:
                self._rollback()
                raise
        except (Fallback, sqlite3.Error):
            return False
        return True

    def drop_own_memo(self, kind: str, target: str | None) -> Memo | None | bool:
        """:meth:`Memos.clear_memo <qualcode.store.memos.Memos.clear_memo>`: the
        memo deleted, ``None`` when the coder has none there (nothing written), or
        ``False``: the ordinary path must."""
        try:
            mine = self._own_memo(kind, target)
            if mine is None:
                return None
            self._begin()
            try:
                image = self._row("SELECT * FROM memos WHERE guid = ?", (mine.guid,))
                if image is None:
                    raise Fallback
                self.con.execute("DELETE FROM memos WHERE pk = ?", (image["pk"],))
                tomb = self._tombstone(mine.guid)
                self._finish(
                    "memo.delete",
                    f"delete memo {mine.guid}",
                    [{"op": "delete", "t": "memos", "row": image}, *tomb],
                )
            except BaseException:
                self._rollback()
                raise
        except (Fallback, sqlite3.Error):
            return False
        return mine

    def _own_memo(self, kind: str, target: str | None) -> Memo | None:
        mine = [m for m in self.memos(kind, target) if m.author == self.coder]
        return mine[0] if mine else None

    def _add_memo(self, kind: str, target: str | None, text: str) -> None:
        guid = self.target_guid(kind, target)
        stamp = now()
        values: dict[str, Any] = {
            "guid": new_guid(),
            "target_kind": kind,
            "target_guid": guid,
            "author": self.coder,
            "created": stamp,
            "updated": stamp,
            "title": "",
            "text": text,
        }
        cur = self.con.execute(
            "INSERT INTO memos (guid, target_kind, target_guid, author, created, updated, "
            "title, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            tuple(values.values()),
        )
        # recorded as Tx.insert records it: the values given, then the new key
        values["pk"] = cur.lastrowid
        self._finish(
            "memo.add",
            f"memo on {kind} {target or ''}".rstrip(),
            [{"op": "insert", "t": "memos", "row": values}],
        )

    def _update_memo(self, guid: str, text: str) -> None:
        before = self._row("SELECT * FROM memos WHERE guid = ?", (guid,))
        if before is None:
            raise Fallback
        values = {"text": text, "updated": now()}
        changed = {k: v for k, v in values.items() if before[k] != v}
        changes: list[dict[str, Any]] = []
        if changed:
            self.con.execute(_SQL_MEMO_UPDATE[tuple(changed)], (*changed.values(), before["pk"]))
            changes.append(
                {
                    "op": "update",
                    "t": "memos",
                    "key": {"pk": before["pk"]},
                    "before": {k: before[k] for k in changed},
                    "after": changed,
                }
            )
        self._finish("memo.edit", f"edit memo {guid}", changes)

    def _tombstone(self, guid: str) -> list[dict[str, Any]]:
        values = {"guid": guid, "kind": "memo", "deleted_at": now(), "coder": self.coder}
        self.con.execute(
            "INSERT INTO tombstones (guid, kind, deleted_at, coder) VALUES (?, ?, ?, ?)",
            tuple(values.values()),
        )
        return [{"op": "insert", "t": "tombstones", "row": values}]


def _joined(before: str | None, text: str | None) -> str | None:
    """:func:`qualcode.store.memos.joined`."""
    parts = [p for p in ((before or "").rstrip(), (text or "").strip()) if p]
    return "\n\n".join(parts) or None


def _match_spans(
    text: str, match: str, nth: int | None, all_matches: bool
) -> list[tuple[int, int]] | None:
    """The ``--match`` spans as :func:`qualcode.services.resolve_span` finds them,
    ``None`` where it stops with a message."""
    from qualcode.core.spans import find_all

    if not match:
        return None
    spans = [(h, h + len(match)) for h in find_all(text, match)]
    if not spans:
        return None
    if all_matches:
        return spans
    if nth is not None:
        return [spans[nth - 1]] if 1 <= nth <= len(spans) else None
    return spans if len(spans) == 1 else None


def open_lite_write(location: str | None, coder: str, *, blind: bool = False) -> LiteWriter | None:
    """A :class:`LiteWriter` on the SQLite project at ``location`` for ``coder``, or
    ``None`` when the ordinary path must write (see the module's docstring)."""
    if blind:
        return None
    try:
        check_name(coder, "coder name")
    except InputError:
        return None
    path = project_file(location)
    if path is None or not _writable(path):
        return None
    try:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                return None
        con = sqlite3.connect(
            "file:" + quote(str(path), safe="/") + "?mode=rw", uri=True, isolation_level=None
        )
    except (OSError, sqlite3.Error):
        return None
    try:
        if not _ordinary(con):
            con.close()
            return None
    except (sqlite3.Error, ValueError):
        con.close()
        return None
    return LiteWriter(con, coder)


def _writable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _ordinary(con: sqlite3.Connection) -> bool:
    """Set the store's pragmas; whether the project is one this path may write."""
    con.execute("PRAGMA trusted_schema=OFF")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA busy_timeout=0")
    con.execute("PRAGMA synchronous=FULL")
    mode = con.execute("PRAGMA journal_mode").fetchone()
    if not mode or str(mode[0]).lower() != "wal":
        return False
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "alembic_version" not in tables:
        return False
    revision = con.execute("SELECT version_num FROM alembic_version").fetchone()
    if revision is None or str(revision[0]) != schema_head():
        return False
    if con.execute("SELECT 1 FROM documents WHERE state IS NOT NULL LIMIT 1").fetchone():
        return False  # an import cut off: opening the project the ordinary way cleans up
    settings = dict(
        con.execute(
            "SELECT key, value FROM settings WHERE key IN ('search.pending', 'team.blind')"
        ).fetchall()
    )
    return not any(json.loads(v) for v in settings.values() if v is not None)
