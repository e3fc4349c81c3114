"""Undo and redo as data: which actions a person can undo or redo next, per window.

The action log is append-only. An undo or a redo is itself an entry (``kind``
``undo`` / ``redo``) that names the entries it reverses or replays. Every entry
records the *person* who made it (``coder``: whoever ran the command or pressed the
key, also for a batch whose rows carry another coder, such as an auto-code run's
suggestions by ``rules`` or an import of ``gold``'s codings) and the *window* it was
made from (``cli`` for the command line, ``tui:...`` for one workbench window).

A history is a person's actions seen from a *scope*: one window (the workbench's
``u`` takes back only what that window did; two windows of one coder never undo
each other), the command line (``qualcode undo``), or every window (``--any``).
Walking the log in order, an undoable action of that person in that scope is pushed
on the *done* stack (a new action in the scope empties the *redo* stack), an undo
moves the unit it names from *done* to *undone* and a redo moves it back, whichever
window the undo or redo came from. Consecutive actions with the same ``group`` (a
search-hit batch, an in-vivo code and its coding) form one unit and are undone as
one step. Entries without a window (logged before windows were recorded, or by a
script through the API) are undone only from the every-window scope (``--any``).

A *barrier* (a project merge, a re-import, a REFI-QDA import, by anyone) ends every
history: nothing before it can be undone any more, because its row images may no
longer describe the rows; the history remembers the newest barrier so that the
user is told why nothing is left (a merge's backup is its undo). Registering coders
is not a barrier: it is simply not undoable. Importing a new document is an undoable
action (one per document; a batch is one group), and an import logged by an older
qualcode without its undo record is not a barrier either.

This module is pure: the store feeds it light :class:`LogEntry` records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

UNDO = "undo"
REDO = "redo"
CLI_WINDOW = "cli"
"""The window of every action made from the command line."""
NOT_BARRIERS = frozenset({"import", "coders"})
"""Kinds of non-undoable actions that do not end the history when the entry does not
say (a new document; coders registered for an export)."""
BARRIER_KINDS = frozenset({"merge", "import.replace", "import.refi"})
"""Kinds that end every history: a project merge, a re-import, a REFI-QDA import."""


@dataclass(frozen=True)
class LogEntry:
    """What the history walk needs of one action-log entry.

    Attributes:
        seq: position in the log.
        coder: the person who made it.
        kind: ``code``, ``uncode``, ``memo.add``, ``codebook.edit``, ``undo``, ...
        undoable: whether it carries replayable row changes.
        group: the group guid (a batch undone as one step), or ``None``.
        targets: for ``undo`` / ``redo`` entries, the seqs they reverse or replay.
        barrier: ``True``/``False`` to override the default barrier rule.
        window: the window it was made from (``None``: logged before windows were).
    """

    seq: int
    coder: str
    kind: str
    undoable: bool
    group: str | None = None
    targets: tuple[int, ...] = ()
    barrier: bool | None = None
    window: str | None = None

    @property
    def is_barrier(self) -> bool:
        """A non-undoable action other than a new document's import ends the history."""
        if self.kind in (UNDO, REDO):
            return False
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
    """A person's undo and redo stacks in one scope (the top is the last element).

    Attributes:
        done: what can be undone, newest last.
        undone: what can be redone, newest last.
        barrier: the seq of the newest barrier (it emptied both stacks), or ``None``.
    """

    done: list[Unit] = field(default_factory=list)
    undone: list[Unit] = field(default_factory=list)
    barrier: int | None = None


def in_scope(entry: LogEntry, windows: frozenset[str] | None) -> bool:
    """Whether ``entry`` was made in one of ``windows`` (``None``: every window; an
    entry without a window, logged by an older qualcode or a script, is only in that
    scope)."""
    return windows is None or entry.window in windows


def walk(
    entries: Iterable[LogEntry],
    coder: str,
    history: History | None = None,
    *,
    windows: frozenset[str] | None = None,
) -> History:
    """Replay the log (in ``seq`` order) into a person's undo and redo stacks.

    Args:
        entries: every entry of the log, ordered by ``seq`` (or only the entries
            after those already walked into ``history``).
        coder: whose history (the person).
        history: stacks to extend (a new, empty history when ``None``).
        windows: the scope: only actions made in these windows are pushed
            (``None``: every window, as ``qualcode undo --any``).

    Returns:
        The stacks; ``done[-1]`` is undone next, ``undone[-1]`` redone next.
    """
    history = history if history is not None else History()
    for e in entries:
        if e.is_barrier:
            history.done.clear()
            history.undone.clear()
            history.barrier = e.seq
            continue
        if e.coder != coder:
            continue
        if e.kind == UNDO:
            _move(history.done, history.undone, e.targets)
        elif e.kind == REDO:
            _move(history.undone, history.done, e.targets)
        elif e.undoable and in_scope(e, windows):
            top = history.done[-1] if history.done else None
            if e.group is not None and top is not None and top.group == e.group:
                top.seqs.append(e.seq)
            else:
                history.done.append(Unit([e.seq], e.group))
            history.undone.clear()
    return history


def _move(source: list[Unit], target: list[Unit], seqs: tuple[int, ...]) -> None:
    """Move the unit made of ``seqs`` from ``source`` to ``target`` (when it is there:
    an undo made in another window of someone's history leaves this one alone)."""
    wanted = set(seqs)
    for i in range(len(source) - 1, -1, -1):
        if set(source[i].seqs) == wanted:
            target.append(source.pop(i))
            return
