"""Undo and redo as data: which actions a coder can undo or redo next.

The action log is append-only. An undo or a redo is itself an entry (``kind``
``undo`` / ``redo``) that names the entries it reverses or replays. Each coder has
a linear history: walking the log in order, an undoable action of that coder is
pushed on the *done* stack (a new action empties the *redo* stack), an undo moves
the top unit from *done* to *undone*, a redo moves it back. Consecutive actions
with the same ``group`` (an auto-code batch, a search-hit batch, an in-vivo code
and its coding) form one unit and are undone as one step.

A *barrier* (a non-undoable action such as a re-import or a project merge, by
anyone) ends every coder's history: nothing before it can be undone any more,
because its row images may no longer describe the rows. Importing a new document
is not a barrier: it is simply not undoable.

This module is pure: the store feeds it light :class:`LogEntry` records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

UNDO = "undo"
REDO = "redo"
NOT_BARRIERS = frozenset({"import"})
"""Kinds of non-undoable actions that do not end the history (a new document)."""


@dataclass(frozen=True)
class LogEntry:
    """What the history walk needs of one action-log entry.

    Attributes:
        seq: position in the log.
        coder: who made it.
        kind: ``code``, ``uncode``, ``memo.add``, ``codebook.edit``, ``undo``, ...
        undoable: whether it carries replayable row changes.
        group: the group guid (a batch undone as one step), or ``None``.
        targets: for ``undo`` / ``redo`` entries, the seqs they reverse or replay.
        barrier: ``True``/``False`` to override the default barrier rule.
    """

    seq: int
    coder: str
    kind: str
    undoable: bool
    group: str | None = None
    targets: tuple[int, ...] = ()
    barrier: bool | None = None

    @property
    def is_barrier(self) -> bool:
        """A non-undoable action other than a new document's import ends the history."""
        if self.barrier is not None:
            return self.barrier
        return not self.undoable and self.kind not in NOT_BARRIERS


@dataclass
class Unit:
    """One undo step: the seqs of one action, or of one group, in log order."""

    seqs: list[int] = field(default_factory=list)
    group: str | None = None


@dataclass
class History:
    """A coder's undo and redo stacks (the top is the last element)."""

    done: list[Unit] = field(default_factory=list)
    undone: list[Unit] = field(default_factory=list)


def walk(entries: Iterable[LogEntry], coder: str, history: History | None = None) -> History:
    """Replay the log (in ``seq`` order) into ``coder``'s undo and redo stacks.

    Args:
        entries: every entry of the log, ordered by ``seq`` (or only the entries
            after those already walked into ``history``).
        coder: whose history.
        history: stacks to extend (a new, empty history when ``None``).

    Returns:
        The stacks; ``done[-1]`` is undone next, ``undone[-1]`` redone next.
    """
    history = history if history is not None else History()
    for e in entries:
        if e.is_barrier and e.kind not in (UNDO, REDO):
            history.done.clear()
            history.undone.clear()
            continue
        if e.coder != coder:
            continue
        if e.kind == UNDO:
            _move(history.done, history.undone, e.targets)
        elif e.kind == REDO:
            _move(history.undone, history.done, e.targets)
        elif e.undoable:
            top = history.done[-1] if history.done else None
            if e.group is not None and top is not None and top.group == e.group:
                top.seqs.append(e.seq)
            else:
                history.done.append(Unit([e.seq], e.group))
            history.undone.clear()
    return history


def _move(source: list[Unit], target: list[Unit], seqs: tuple[int, ...]) -> None:
    """Move the unit made of ``seqs`` from ``source`` to ``target``."""
    wanted = set(seqs)
    for i in range(len(source) - 1, -1, -1):
        if set(source[i].seqs) == wanted:
            target.append(source.pop(i))
            return
