"""A code application on the driver's connection (the hot path) stores, records and
undoes exactly what the ordinary path does, on SQLite and PostgreSQL; everything
else (an identical coding, a bad span, an unknown document or code) still goes the
ordinary way."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from qualcode.errors import InputError, NotFoundError, ProjectError
from qualcode.store import Project, open_project
from qualcode.store.base import ProjectBase

DOC = "wawancara_01_pedagang_pasar"


class Spy:
    """Counts the hot path's transactions."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        original = ProjectBase.raw_write

        def counting(project: ProjectBase, *args: Any, **kw: Any) -> Any:
            self.calls += 1
            return original(project, *args, **kw)

        monkeypatch.setattr(ProjectBase, "raw_write", counting)


def _held(project: Project) -> bool:
    """Whether the fast path holds a connection."""
    return project._hot is not None


def _rows(project: Project, sql: str) -> list[dict[str, Any]]:
    with project.engine.connect() as conn:
        return [dict(r) for r in conn.execute(text(sql)).mappings()]


def _code_actions(project: Project) -> list[dict[str, Any]]:
    return _rows(
        project,
        'SELECT coder, kind, summary, payload, group_guid, reverts, undoable, "window" '
        "FROM actions WHERE kind = 'code' ORDER BY seq",
    )


def _check_fast_equals_ordinary(project: Project, spy: Spy) -> None:
    first, created = project.codings.apply_coding(DOC, "time.long_wait", 10, 40)  # ordinary: caches
    assert created and spy.calls == 0  # the code was not known yet: the ordinary path
    second, created = project.codings.apply_coding(DOC, "cost", 50, 90, memo="fee", group="g-1")
    assert created and spy.calls == 1
    rows = {r["guid"]: r for r in _rows(project, "SELECT * FROM codings")}
    actions = _code_actions(project)
    assert len(actions) == 2
    for coding, action in zip((first, second), actions, strict=True):
        change = json.loads(action["payload"])["changes"]
        assert len(change) == 1
        assert change[0]["op"] == "insert" and change[0]["t"] == "codings"
        # the recorded image is the stored row, every column
        assert change[0]["row"] == rows[coding.guid]
        assert action["coder"] == project.coder
        assert bool(action["undoable"]) is True
    assert actions[1]["summary"] == f"code {DOC} [50:90] with cost"
    assert actions[1]["group_guid"] == "g-1"
    assert actions[0]["window"] == actions[1]["window"]
    # the returned coding is the stored one
    assert second == next(c for c in project.codings.codings(doc=DOC) if c.guid == second.guid)
    assert second.quote == project.documents.document(DOC).text[50:90]
    assert (second.memo, second.memo_author) == ("fee", project.coder)
    # undo and redo walk it like any other action
    assert project.history.undo() is not None
    assert [c.guid for c in project.codings.codings(doc=DOC)] == [first.guid]
    assert project.history.redo() is not None
    assert (
        rows[second.guid]
        == {r["guid"]: r for r in _rows(project, "SELECT * FROM codings")}[second.guid]
    )


def test_fast_path_stores_and_records_what_the_ordinary_path_does(
    demo: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    _check_fast_equals_ordinary(demo, Spy(monkeypatch))


def test_fast_path_on_both_backends(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    project = open_project(backend)
    try:
        _check_fast_equals_ordinary(project, spy)
    finally:
        project.close()


def test_what_the_fast_path_leaves_to_the_ordinary_one(demo: Project) -> None:
    kept, _ = demo.codings.apply_coding(DOC, "cost", 10, 20)
    before = _code_actions(demo)
    again, created = demo.codings.apply_coding(DOC, "cost", 10, 20)
    assert not created and again == kept
    assert _code_actions(demo) == before  # nothing written
    # a memo given on an identical coding is set on it (one action)
    memo, created = demo.codings.apply_coding(DOC, "cost", 10, 20, memo="why")
    assert not created and memo.memo == "why" and memo.guid == kept.guid
    assert len(_code_actions(demo)) == len(before) + 1
    n = len(_code_actions(demo))
    chars = len(demo.documents.document(DOC).text)
    for start, end in ((5, 5), (9, 3), (-1, 4), (chars - 1, chars + 1)):
        with pytest.raises(InputError):
            demo.codings.apply_coding(DOC, "cost", start, end)
    with pytest.raises(NotFoundError, match="no document named"):
        demo.codings.apply_coding("nope", "cost", 0, 5)
    with pytest.raises(NotFoundError, match="unknown code"):
        demo.codings.apply_coding(DOC, "no.such.code", 0, 5)
    assert len(_code_actions(demo)) == n
    assert [c.guid for c in demo.codings.codings(doc=DOC)] == [kept.guid]


def test_fast_path_after_the_project_closed(demo: Project) -> None:
    demo.codings.apply_coding(DOC, "cost", 10, 20)
    demo.codings.apply_coding(DOC, "cost", 20, 30)
    demo.close()  # gives the held connection back
    demo.codings.apply_coding(DOC, "cost", 30, 40)  # takes a new one
    assert [c.start for c in demo.codings.codings(doc=DOC)] == [10, 20, 30]


def test_fast_path_as_a_coder_role_on_postgresql(
    backend: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row-level security holds on the driver's connection: a coder's role stores its
    own codings the fast way and still may not remove another coder's."""
    if not backend.startswith("postgresql"):
        pytest.skip("roles are PostgreSQL's")
    from tests.pg import ROLE_PASSWORD, PgDatabase

    db: PgDatabase = request.getfixturevalue("pg_db")
    role = db.role("ani")
    owner = open_project(backend)
    try:
        owner.team.add_coder(role, password=ROLE_PASSWORD)
        theirs, _ = owner.codings.apply_coding(DOC, "cost", 5, 25)
    finally:
        owner.close()
    spy = Spy(monkeypatch)
    ani = open_project(db.url_as(role))
    try:
        ani.codings.apply_coding(DOC, "time", 10, 40)
        mine, created = ani.codings.apply_coding(DOC, "cost", 50, 90)
        assert created and spy.calls == 1
        assert mine.coder == role
        assert {c.coder for c in ani.codings.codings(doc=DOC)} >= {role}
        with pytest.raises(ProjectError):
            ani.codings.remove_coding(theirs.guid)
    finally:
        ani.close()


def test_restore_drops_the_held_connection(demo: Project, demo_dir: Any) -> None:
    """Restoring a backup over the open project closes the connection the fast path
    holds, so nothing is written to the file that was replaced."""
    from qualcode.store.backup import backup_sqlite, restore_sqlite

    demo.codings.apply_coding(DOC, "cost", 10, 20)
    demo.codings.apply_coding(DOC, "cost", 20, 30)  # the fast path: its connection is held
    saved = backup_sqlite(demo, demo_dir / "saved.db")
    demo.codings.apply_coding(DOC, "cost", 30, 40)
    assert _held(demo)
    restore_sqlite(demo, saved)
    assert not _held(demo)
    again = open_project(str(demo_dir))
    try:
        assert [c.start for c in again.codings.codings(doc=DOC)] == [10, 20]
    finally:
        again.close()


@pytest.mark.parametrize(
    ("quote", "memo", "group", "coder"),
    [
        ("plain words", None, None, "ana"),
        ('a "quoted" word\\ and a tab\there\nnew line', "memo «ü» ✓", "g-1", "Bu Sri"),
        ("émoji 🙂 and \x00\x1f control", "", "batch", "o'brien"),
    ],
)
def test_fast_payload_is_byte_for_byte_json_dumps(
    quote: str, memo: str | None, group: str | None, coder: str
) -> None:
    """The hot path writes its entry's JSON from a template: the same bytes as
    ``json.dumps`` of the row in the table's column order (what the ordinary path
    writes), whatever the text holds."""
    from qualcode.store.project import _new_coding_payload
    from qualcode.store.schema import CodingRow

    row = {
        "pk": 7,
        "guid": "0f8e6a52-1111-4222-8333-444455556666",
        "document_pk": 3,
        "code_pk": 12,
        "start": 10,
        "end": 95,
        "coder": coder,
        "created": "2026-12-08T04:00:00Z",
        "quote": quote,
        "memo": memo,
        "origin": "manual",
        "status": "accepted",
        "review": "unreviewed",
        "reviewer": None,
        "reviewed_at": None,
        "anchor": "exact",
        "batch": group,
        "version": 1,
        "selection_guid": None,
        "memo_author": coder if memo else None,
        "run_by": None,
    }
    assert list(row) == [c.name for c in CodingRow.__table__.columns]
    expected = json.dumps(
        {"changes": [{"op": "insert", "t": "codings", "row": row}]}, ensure_ascii=False
    )
    got = _new_coding_payload(
        7, "0f8e6a52-1111-4222-8333-444455556666", 3, 12, 10, 95, coder,
        "2026-12-08T04:00:00Z", quote, memo, "manual", "accepted", group,
        coder if memo else None,
    )  # fmt: skip
    assert got == expected
