"""Project merge of themes, member codes, key extracts and relations: by guid, with
tombstones, never losing what only one side has (issue 19, point 1 and 6)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.core.project_merge import ProjectMergeReport
from qualcode.store import Project, open_project
from qualcode.store.project_merge import read_project
from tests.conftest import hypothesis_examples


def _merge(ours: Path, theirs: Path) -> ProjectMergeReport:
    project = open_project(str(ours), coder="ana")
    try:
        return project.merge.merge_from(read_project(str(theirs), ours=project.location))
    finally:
        project.close()


State = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]


def _state(path: Path) -> State:
    p = open_project(str(path), coder="ana")
    try:
        tree = p.themes.themes()
        return (
            sorted((t.guid, t.id, str(t.label), t.status, t.parent, t.codes) for t in tree),
            sorted((t.id, e.guid, e.coding, e.translation) for t in tree for e in t.extracts),
            sorted((r.guid, r.source.guid, r.target.guid, r.type) for r in p.themes.relations()),
        )
    finally:
        p.close()


def _copy(matrix_path: Path, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copyfile(matrix_path, target)
    return target


def test_both_sides_work_is_kept_and_deletions_stay_deleted(
    matrix_path: Path, matrix_guids: dict[str, str], tmp_path: Path
) -> None:
    base = open_project(str(matrix_path), coder="ana")
    shared = base.themes.add_theme("Waiting", codes=["time.long_wait"])
    gone = base.themes.add_theme("Gone", codes=["cost"])
    base.themes.add_relation("theme:gone", "cost", "illustrates")
    base.close()
    a = _copy(matrix_path, tmp_path, "a.db")
    b = _copy(matrix_path, tmp_path, "b.db")
    pa = open_project(str(a), coder="ana")
    pa.themes.add_theme("Ana's", codes=["facilities.room"])
    pa.themes.add_extracts("waiting", [matrix_guids["c1"]], translation="Two hours.")
    pa.themes.set_theme_status("waiting", "reviewed")
    pa.close()
    pb = open_project(str(b), coder="budi")
    pb.themes.add_theme("Budi's", parent="waiting", codes=["time.late"])
    pb.themes.delete_theme("gone")
    pb.themes.add_theme_codes("waiting", ["time.late"])
    pb.themes.add_relation("theme:budi_s", f"passage:{matrix_guids['c2']}", "illustrates")
    pb.close()
    report = _merge(a, b)
    assert report.themes_added == ["budi_s"]
    assert report.themes_deleted == ["gone"]
    assert report.theme_codes_added == 2  # budi_s <- time.late, waiting <- time.late
    assert report.relations_added == 1
    assert report.theme_rows_deleted == 2  # the member code and the relation of "gone"
    assert any(line.startswith("themes: 1 added (budi_s)") for line in report.lines())
    p = open_project(str(a), coder="ana")
    try:
        tree = p.themes.themes()
        assert [(t.id, t.parent) for t in tree] == [
            ("waiting", None),
            ("budi_s", "waiting"),
            ("ana_s", None),
        ]
        waiting = tree.get("waiting")
        assert waiting is not None and waiting.guid == shared.guid
        assert waiting.codes == ("time.long_wait", "time.late")
        assert waiting.status == "reviewed"
        assert [e.translation for e in waiting.extracts] == ["Two hours."]
        assert tree.get("gone") is None
        assert [(r.source.name, r.target.name) for r in p.themes.relations()] == [
            ("budi_s", "Petugas datang telat.")
        ]
    finally:
        p.close()
    # merging again changes nothing, and the other direction agrees
    again = _merge(a, b)
    assert not again.changed
    _merge(b, a)
    assert _state(a) == _state(b)
    assert gone.guid not in str(_state(b))


def test_the_later_version_of_a_shared_theme_wins(matrix_path: Path, tmp_path: Path) -> None:
    base = open_project(str(matrix_path), coder="ana")
    base.themes.add_theme("Waiting")
    base.close()
    a = _copy(matrix_path, tmp_path, "a.db")
    b = _copy(matrix_path, tmp_path, "b.db")
    pb = open_project(str(b), coder="budi")
    pb.themes.define_theme("waiting", "Time lost before service.")
    pb.themes.rename_theme("waiting", "Long waits")
    pb.close()
    pa = open_project(str(a), coder="ana")
    pa.themes.set_theme_status("waiting", "final")
    pa.close()
    report = _merge(a, b)
    assert report.themes_updated == ["waiting"]
    p = open_project(str(a))
    t = p.themes.theme("waiting")
    p.close()
    assert (t.label, t.definition, t.status) == (
        "Long waits",
        "Time lost before service.",
        "candidate",
    )


OPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "sub", "codes", "uncode", "extract", "relate", "delete", "status"]),
        st.integers(0, 3),
        st.integers(0, 5),
    ),
    max_size=6,
)
CODES = ["time", "time.long_wait", "time.late", "cost", "facilities", "facilities.room"]


def _apply(project: Project, ops: list[tuple[str, int, int]], who: str, guids: list[str]) -> None:
    from qualcode.errors import QualcodeError

    for n, (op, i, j) in enumerate(ops):
        themes = [t.id for t in project.themes.themes()]
        pick = themes[i % len(themes)] if themes else None
        try:
            if op == "add" or pick is None:
                project.themes.add_theme(f"{who} {n}", codes=[CODES[j]])
            elif op == "sub":
                project.themes.add_theme(f"{who} sub {n}", parent=pick)
            elif op == "codes":
                project.themes.add_theme_codes(pick, [CODES[j]])
            elif op == "uncode":
                project.themes.remove_theme_codes(pick, [CODES[j]])
            elif op == "extract":
                project.themes.add_extracts(pick, [guids[j % len(guids)]])
            elif op == "relate":
                project.themes.add_relation(f"theme:{pick}", CODES[j], "leads_to")
            elif op == "delete":
                project.themes.delete_theme(pick)
            else:
                project.themes.set_theme_status(pick, "reviewed")
        except QualcodeError:
            pass


@settings(
    derandomize=True,
    deadline=None,
    max_examples=hypothesis_examples(25),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(base_ops=OPS, ops_a=OPS, ops_b=OPS)
def test_merging_loses_nothing_and_agrees_both_ways(
    matrix_path: Path,
    matrix_guids: dict[str, str],
    tmp_path_factory: object,
    base_ops: list[tuple[str, int, int]],
    ops_a: list[tuple[str, int, int]],
    ops_b: list[tuple[str, int, int]],
) -> None:
    import tempfile

    guids = [matrix_guids[f"c{k}"] for k in range(1, 9)]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        base = _copy(matrix_path, tmp, "base.db")
        p = open_project(str(base), coder="ana")
        _apply(p, base_ops, "base", guids)
        p.close()
        a, b = _copy(base, tmp, "a.db"), _copy(base, tmp, "b.db")
        for path, ops, who in ((a, ops_a, "ana"), (b, ops_b, "budi")):
            p = open_project(str(path), coder=who)
            _apply(p, ops, who, guids)
            p.close()
        before_a, before_b = _state(a), _state(b)
        deleted: set[str] = set()
        import sqlite3

        for path in (a, b):
            con = sqlite3.connect(path)
            deleted |= {g for (g,) in con.execute("SELECT guid FROM tombstones")}
            con.close()
        _merge(a, b)
        after = _state(a)
        themes_after = {row[0] for row in after[0]}
        for side in (before_a, before_b):
            for row in side[0]:
                guid = row[0]
                assert (guid in themes_after) == (guid not in deleted), row
        rels_after = {row[0] for row in after[2]}
        for side in (before_a, before_b):
            for row in side[2]:
                if row[0] in deleted:
                    assert row[0] not in rels_after
        assert not _merge(a, b).changed
        _merge(b, a)
        assert [r[:3] for r in _state(b)[0]] == [r[:3] for r in _state(a)[0]]
