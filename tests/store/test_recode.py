"""Recoding and splitting carry codings, are one action each, and undo from the log."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.core.codebook import Code
from qualcode.errors import InputError, NotFoundError
from qualcode.store import Project
from tests.conftest import dump_db

DOC = "wawancara_01_pedagang_pasar"


def data(path: Path) -> list[str]:
    """The database without the action log (undo itself is an action elsewhere)."""
    return [line for line in dump_db(path) if not line.startswith('INSERT INTO "actions"')]


def test_recode_moves_codings_in_one_action(demo: Project) -> None:
    a, _ = demo.codings.apply_coding(DOC, "time.long_wait", 10, 20)
    b, _ = demo.codings.apply_coding(DOC, "time.long_wait", 30, 40)
    demo.codings.apply_coding(DOC, "time.short_wait", 30, 40)  # b is identical to this once moved
    n = len(demo.log.actions())
    moved = demo.recode.recode_codings([a.guid, b.guid], "time.short_wait")
    assert [(c.guid, c.code, c.start) for c in moved] == [(a.guid, "time.short_wait", 10)]
    assert [(c.code, c.start) for c in demo.codings.codings(doc=DOC)] == [
        ("time.short_wait", 10),
        ("time.short_wait", 30),
    ]
    assert len(demo.log.actions()) == n + 1
    assert demo.log.actions(1)[0]["kind"] == "recode"


def test_recode_refuses_unknown_codings_and_codes(demo: Project, demo_dir: Path) -> None:
    a, _ = demo.codings.apply_coding(DOC, "time.long_wait", 10, 20)
    before = dump_db(demo_dir / "qualcode.db")
    with pytest.raises(NotFoundError, match="no coding with guid 'nope'"):
        demo.recode.recode_codings([a.guid, "nope"], "cost")
    with pytest.raises(NotFoundError, match="unknown code 'nope'"):
        demo.recode.recode_codings([a.guid], "nope")
    with pytest.raises(InputError, match="no codings given"):
        demo.recode.recode_codings([], "cost")
    assert dump_db(demo_dir / "qualcode.db") == before


def test_split_creates_the_code_and_moves_the_chosen_codings(demo: Project) -> None:
    a, _ = demo.codings.apply_coding(DOC, "cost.unofficial_fee", 10, 20)
    b, _ = demo.codings.apply_coding(DOC, "cost.unofficial_fee", 30, 40)
    c, _ = demo.codings.apply_coding(DOC, "cost.unofficial_fee", 50, 60)
    new = Code(id="cost.broker_fee", label={"id": "Uang calo", "en": "Broker fee"}, parent="cost")
    code, moved = demo.recode.split_code("cost.unofficial_fee", new, [a.guid, c.guid])
    assert code.parent == "cost"
    siblings = [x.id for x in demo.codebook().children("cost")]
    assert siblings[siblings.index("cost.unofficial_fee") + 1] == "cost.broker_fee"
    assert [(m.guid, m.code) for m in moved] == [
        (a.guid, "cost.broker_fee"),
        (c.guid, "cost.broker_fee"),
    ]
    assert demo.codings.coding(b.guid).code == "cost.unofficial_fee"
    assert demo.log.actions(1)[0]["kind"] == "codebook.split"


def test_split_refuses_codings_of_another_code(demo: Project, demo_dir: Path) -> None:
    a, _ = demo.codings.apply_coding(DOC, "cost.unofficial_fee", 10, 20)
    other, _ = demo.codings.apply_coding(DOC, "time.long_wait", 10, 20)
    before = dump_db(demo_dir / "qualcode.db")
    new = Code(id="cost.broker_fee", label="Broker fee", parent="cost")
    with pytest.raises(
        InputError, match="is coded with 'time.long_wait', not with 'cost.unofficial_fee'"
    ):
        demo.recode.split_code("cost.unofficial_fee", new, [a.guid, other.guid])
    with pytest.raises(InputError, match="already exists"):
        demo.recode.split_code("cost.unofficial_fee", Code(id="cost", label="x"), [a.guid])
    with pytest.raises(InputError, match="needs the codings"):
        demo.recode.split_code("cost.unofficial_fee", new, [])
    assert dump_db(demo_dir / "qualcode.db") == before


@pytest.mark.parametrize(
    "operation",
    ["recode", "split", "set-id", "move", "merge-code"],
)
def test_code_operations_undo_from_the_action_log(
    demo: Project, demo_dir: Path, operation: str
) -> None:
    a, _ = demo.codings.apply_coding(DOC, "time.long_wait", 10, 20)
    demo.codings.apply_coding(DOC, "time.long_wait", 30, 40)
    demo.codings.apply_coding(DOC, "time.short_wait", 30, 40)
    demo.memos.add_memo("code", "time.long_wait", "a memo that follows")
    before = data(demo_dir / "qualcode.db")
    if operation == "recode":
        demo.recode.recode_codings([a.guid], "cost")
    elif operation == "split":
        demo.recode.split_code(
            "time.long_wait", Code(id="time.queue", label="Antre", parent="time"), [a.guid]
        )
    elif operation == "set-id":
        demo.codes.change_code_id("time.long_wait", "time.wait_long")
    elif operation == "move":
        demo.codes.move_code("time.long_wait", "procedure", position=0)
    else:
        demo.codes.merge_code("time.long_wait", "time.short_wait")
    assert data(demo_dir / "qualcode.db") != before
    assert demo.history.undo() is not None
    assert data(demo_dir / "qualcode.db") == before
