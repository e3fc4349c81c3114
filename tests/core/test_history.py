"""The history walk: which unit is undone or redone next."""

from __future__ import annotations

from qualcode.core.history import LogEntry, walk


def e(seq: int, kind: str = "code", coder: str = "a", **kw: object) -> LogEntry:
    return LogEntry(seq=seq, coder=coder, kind=kind, undoable=kw.pop("undoable", True), **kw)  # type: ignore[arg-type]


def test_undo_redo_and_new_action() -> None:
    h = walk([e(1), e(2), e(3, "undo", targets=(2,)), e(4, "undo", targets=(1,))], "a")
    assert [u.seqs for u in h.done] == []
    assert [u.seqs for u in h.undone] == [[2], [1]]
    h = walk([e(1), e(2, "undo", targets=(1,)), e(3, "redo", targets=(1,))], "a")
    assert [u.seqs for u in h.done] == [[1]]
    h = walk([e(1), e(2, "undo", targets=(1,)), e(3)], "a")
    assert [u.seqs for u in h.done] == [[3]] and h.undone == []


def test_groups_other_coders_and_barriers() -> None:
    entries = [
        e(1),
        e(2, group="g"),
        e(3, coder="b"),
        e(4, group="g"),
        e(5, "import", undoable=False),
        e(6, group="h"),
    ]
    h = walk(entries, "a")
    assert [u.seqs for u in h.done] == [[1], [2, 4], [6]]
    assert [u.seqs for u in walk(entries, "b").done] == [[3]]
    h = walk([*entries, e(7, "reimport", coder="b", undoable=False), e(8)], "a")
    assert [u.seqs for u in h.done] == [[8]]


def test_incremental_walk_equals_a_full_walk() -> None:
    entries = [e(1), e(2, group="g"), e(3, group="g"), e(4, "undo", targets=(2, 3)), e(5)]
    full = walk(entries, "a")
    part = walk(entries[:2], "a")
    walk(entries[2:], "a", part)
    assert [u.seqs for u in part.done] == [u.seqs for u in full.done]
