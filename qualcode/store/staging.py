"""A large transcript stored in short transactions, invisible until it is whole.

A 50 MB transcript has 150,000 turns and 630,000 sentences. Written in the
document's one transaction, they held SQLite's write lock for 6 to 9 seconds, and a
coder coding meanwhile waited that long. A document with at least
:data:`STAGE_MIN_ROWS` turns and sentences is therefore *staged* (SQLite):

1. One transaction stores the document row with ``state`` ``importing``, a name and
   a hash no document can have (so no read by name or by hash finds it, and every
   listing leaves it out: :data:`~qualcode.store.base.VISIBLE`), no text yet, and the
   rows with the highest keys (its last turn and last sentence). Those reserve the
   key range below them: SQLite gives a new row the key after the highest, so no
   other writer takes a key the staged rows need.
2. Its turns, joint-turn speakers and sentences follow, :data:`STAGE_CHUNK` rows
   per transaction (a tenth of a second or so), with a pause between two (a waiting
   coder's chance). Each transaction also moves the document's heartbeat
   (``imported_at`` holds the time while it is staged).
3. The import's own transaction, its one action-log entry, gives the document its
   name, hash and text (written once: SQLite rewrites a whole row on any update),
   clears ``state`` and writes what hangs on it (case links, front
   matter, the search-pending mark): the document appears whole, at once.

A kill at any moment leaves either nothing visible or the whole document. A staged
document whose heartbeat has not moved for :data:`STALE_STAGING_S` seconds was cut
off: opening the project removes it, again in short transactions
(:func:`discard_stale`), so a running import is never raced.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, delete, select, update

from qualcode.store.base import T_DOCS, T_SENTS, T_TURN_SPEAKERS, T_TURNS

IMPORTING = "importing"
"""``documents.state`` of a document still being staged."""

STAGE_MIN_ROWS = 50_000
"""From this many turns and sentences on, a document is staged (a 1 MB transcript
has about 15,000; below this, the one transaction takes a fraction of a second)."""

STAGE_CHUNK = 10_000
"""Rows per staging transaction."""

STAGE_PAUSE_S = 0.01
"""The pause between two staging transactions."""

STALE_STAGING_S = 120.0
"""A staged document whose heartbeat has not moved for this long was cut off."""

_pause = time.sleep

_TURNS_SQL = (
    'INSERT INTO turns (pk, document_pk, ordinal, start, "end", label_start, speaker, '
    "role, timestamp_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_JOINT_SQL = "INSERT INTO turn_speakers (turn_pk, position, speaker, role) VALUES (?, ?, ?, ?)"
_SENTS_SQL = (
    'INSERT INTO sentences (pk, document_pk, turn_pk, ordinal, start, "end", lemmas) '
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def staged_name(guid: str) -> str:
    """The name a staged document carries: no document name can start with a
    control character (see :func:`qualcode.core.names.check_name`)."""
    return f"\x1fimporting {guid}"


def staged_hash(guid: str) -> str:
    """The hash a staged document carries (no SHA-256 looks like it)."""
    return f"importing {guid}"[:64]


def heartbeat() -> str:
    """The time a staged document's work last moved (in ``imported_at``)."""
    return f"{time.time():.3f}"


def reserve(
    conn: Connection, turns: Sequence[tuple[Any, ...]], sentences: Sequence[tuple[Any, ...]]
) -> set[tuple[str, int]]:
    """Insert the staged document's rows with the highest keys (its last turn, the
    turn of its last sentence, its last sentence): nobody else takes a key below them.

    Returns:
        ``(table, key)`` of the rows inserted (the chunks skip them).
    """
    done: set[tuple[str, int]] = set()
    if turns:
        wanted = {turns[-1][0]}
        if sentences and sentences[-1][2] is not None:
            wanted.add(sentences[-1][2])
        rows = [t for t in turns if t[0] in wanted] if len(wanted) > 1 else [turns[-1]]
        conn.exec_driver_sql(_TURNS_SQL, rows)
        done.update(("turns", r[0]) for r in rows)
    if sentences:
        conn.exec_driver_sql(_SENTS_SQL, [sentences[-1]])
        done.add(("sentences", sentences[-1][0]))
    return done


def chunks(
    turns: Sequence[tuple[Any, ...]],
    joint: Sequence[tuple[Any, ...]],
    sentences: Sequence[tuple[Any, ...]],
    done: set[tuple[str, int]],
    size: int | None = None,
) -> Iterator[Callable[[Connection], None]]:
    """The staging transactions' work: each item inserts up to ``size`` rows
    (default :data:`STAGE_CHUNK`; turns first, then joint-turn speakers, then
    sentences: a row's foreign keys are in)."""
    size = size or STAGE_CHUNK
    for sql, table, rows, keyed in (
        (_TURNS_SQL, "turns", turns, True),
        (_JOINT_SQL, "turn_speakers", joint, False),
        (_SENTS_SQL, "sentences", sentences, True),
    ):
        todo = [r for r in rows if not keyed or (table, r[0]) not in done]
        for i in range(0, len(todo), size):
            part = todo[i : i + size]

            def run(conn: Connection, sql: str = sql, part: Sequence[Any] = part) -> None:
                conn.exec_driver_sql(sql, list(part))

            yield run


def beat(conn: Connection, doc_pk: int) -> None:
    """Move a staged document's heartbeat."""
    conn.execute(
        update(T_DOCS)
        .where(T_DOCS.c.pk == doc_pk, T_DOCS.c.state == IMPORTING)
        .values(imported_at=heartbeat())
    )


def is_staged(conn: Connection, doc_pk: int, guid: str) -> bool:
    """Whether the staged document is still there, still staged (not discarded by
    another process that took it for cut off)."""
    return (
        conn.execute(
            select(T_DOCS.c.pk).where(
                T_DOCS.c.pk == doc_pk, T_DOCS.c.guid == guid, T_DOCS.c.state == IMPORTING
            )
        ).first()
        is not None
    )


def discard_part(conn: Connection, doc_pk: int, size: int | None = None) -> bool:
    """Remove up to ``size`` rows of a staged document (sentences first, then
    joint-turn speakers, turns, and last the document row).

    Returns:
        Whether the document is gone.
    """
    size = size or STAGE_CHUNK
    sent = conn.execute(
        select(T_SENTS.c.pk).where(T_SENTS.c.document_pk == doc_pk).limit(size)
    ).scalars()
    keys = list(sent)
    if keys:
        conn.execute(delete(T_SENTS).where(T_SENTS.c.pk.in_(keys)))
        return False
    turn_keys = list(
        conn.execute(
            select(T_TURNS.c.pk).where(T_TURNS.c.document_pk == doc_pk).limit(size)
        ).scalars()
    )
    if turn_keys:
        conn.execute(delete(T_TURN_SPEAKERS).where(T_TURN_SPEAKERS.c.turn_pk.in_(turn_keys)))
        conn.execute(delete(T_TURNS).where(T_TURNS.c.pk.in_(turn_keys)))
        return False
    conn.execute(delete(T_DOCS).where(T_DOCS.c.pk == doc_pk, T_DOCS.c.state == IMPORTING))
    return True


def stale(conn: Connection, now: float, after: float = STALE_STAGING_S) -> list[int]:
    """Staged documents whose heartbeat has not moved for ``after`` seconds."""
    out = []
    for pk, beat_at in conn.execute(
        select(T_DOCS.c.pk, T_DOCS.c.imported_at).where(T_DOCS.c.state == IMPORTING)
    ):
        try:
            last = float(beat_at)
        except (TypeError, ValueError):
            last = 0.0
        if now - last >= after:
            out.append(int(pk))
    return out
