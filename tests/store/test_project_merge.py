"""Project merge: nothing lost, deletions kept, identical codings once, both directions equal."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.cli import cli
from qualcode.core.codebook import Code
from qualcode.errors import InputError, ProjectError
from qualcode.store import Project, open_project
from qualcode.store.project_merge import read_project
from tests.conftest import DATA, dump_db, hypothesis_examples
from tests.pg import PgDatabase, postgres_copy, sqlite_copy

DOC = "wawancara_01_pedagang_pasar"
EN = "interview_07_ngo_observer"


def copy(template: Path, folder: Path) -> str:
    return sqlite_copy(template, folder)


def merge(ours: str, theirs: str, *, dry_run: bool = False) -> Any:
    project = open_project(ours)
    try:
        return project.merge.merge_from(
            read_project(theirs, ours=project.location), dry_run=dry_run
        )
    finally:
        project.close()


def state(location: str) -> set[tuple[Any, ...]]:
    """Codings compared by guid and fields."""
    project = open_project(location)
    try:
        return {
            (
                c.guid,
                c.doc,
                c.code,
                c.start,
                c.end,
                c.coder,
                c.memo,
                c.status,
                c.review,
                c.anchor,
                c.quote,
            )
            for c in project.codings.codings(status=None)
        }
    finally:
        project.close()


def test_merge_brings_their_work_in_and_keeps_ours(team_template: Path, tmp_path: Path) -> None:
    ours = copy(team_template, tmp_path / "ours")
    theirs = copy(team_template, tmp_path / "theirs")
    a = open_project(ours, coder="ani")
    mine, _ = a.codings.apply_coding(DOC, "cost", 0, 50, memo="ani's memo")
    a.team.mark_done(DOC)
    a.close()
    b = open_project(theirs, coder="budi")
    b.codes.add_code(Code("facilities.parking", "Parkir", parent="facilities"))
    b.codes.update_code("cost", description="their description")
    b.codings.apply_coding(DOC, "facilities.parking", 100, 140)
    shared, _ = b.codings.apply_coding(EN, "time", 10, 30, memo="budi's memo")
    b.memos.add_memo("document", DOC, "budi thinks", title="note")
    b.memos.add_memo("code", "facilities.parking", "new code memo")
    b.team.mark_done(DOC)
    b.cases.link_case("P1", DOC)
    b.cases.set_attribute("P1", "occupation", "trader")
    b.close()
    con = sqlite3.connect(theirs)
    con.execute(
        "INSERT INTO review_comments (guid, coding_guid, author, at, kind, text) "
        "VALUES ('c-1', ?, 'sri', 'now', 'dispute', 'too long')",
        (shared.guid,),
    )
    con.commit()
    con.close()

    report = merge(ours, theirs)
    assert report.codes_added == ["facilities.parking"]
    assert [(c.code, c.field) for c in report.code_conflicts] == [("cost", "description")]
    assert report.documents_same == [EN, DOC]
    assert report.codings_added == 2
    assert report.memos_added == 2
    assert report.comments_added == 1
    assert report.marks_changed == 1
    assert report.cases_added == ["P1"]
    project = open_project(ours)
    try:
        got = {(c.coder, c.code, c.start, c.end, c.memo) for c in project.codings.codings()}
        assert got == {
            ("ani", "cost", 0, 50, "ani's memo"),
            ("budi", "facilities.parking", 100, 140, None),
            ("budi", "time", 10, 30, "budi's memo"),
        }
        assert project.codebook()["cost"].description != "their description"  # ours kept
        assert project.codebook()["facilities.parking"].parent == "facilities"
        assert {m.text for m in project.memos.memos()} == {"budi thinks", "new code memo"}
        assert [m.target for m in project.memos.memos("code")] == ["facilities.parking"]
        assert project.team.done_marks() == {DOC: {"ani", "budi"}}
        assert project.cases.case("P1").attributes == {"occupation": "trader"}
        assert project.codings.coding(mine.guid).memo == "ani's memo"
    finally:
        project.close()
    con = sqlite3.connect(ours)
    assert con.execute("SELECT coding_guid, text FROM review_comments").fetchall() == [
        (shared.guid, "too long")
    ]
    con.close()


def test_a_new_document_comes_with_its_turns_sentences_and_codings(
    team_template: Path, demo_dir: Path, tmp_path: Path
) -> None:
    ours = copy(team_template, tmp_path / "ours")
    demo = open_project(str(demo_dir), coder="citra")
    demo.codings.apply_coding("wawancara_06_guru", "competence", 5, 25)
    demo.close()
    report = merge(ours, str(demo_dir))
    assert len(report.documents_added) == 6
    project = open_project(ours)
    try:
        doc = project.documents.document("wawancara_06_guru")
        original = open_project(str(demo_dir)).documents.document("wawancara_06_guru")
        assert doc.text == original.text
        assert doc.turns == original.turns
        assert doc.sentences == original.sentences
        assert [(c.coder, c.code) for c in project.codings.codings(doc="wawancara_06_guru")] == [
            ("citra", "competence")
        ]
    finally:
        project.close()


def test_documents_match_by_content_before_name(team_template: Path, tmp_path: Path) -> None:
    ours = copy(team_template, tmp_path / "ours")
    theirs = copy(team_template, tmp_path / "theirs")
    b = open_project(theirs, coder="budi")
    b.codings.apply_coding(DOC, "cost", 5, 15)
    b.close()
    con = sqlite3.connect(theirs)
    con.execute("UPDATE documents SET name = 'pedagang' WHERE name = ?", (DOC,))
    con.commit()
    con.close()
    report = merge(ours, theirs)
    assert report.documents_same == [EN, "pedagang"]
    assert report.documents_added == []
    project = open_project(ours)
    assert [(c.doc, c.start) for c in project.codings.codings()] == [(DOC, 5)]
    project.close()


def test_a_changed_text_re_anchors_their_codings_and_drops_none(
    team_template: Path, tmp_path: Path
) -> None:
    ours = copy(team_template, tmp_path / "ours")
    theirs = copy(team_template, tmp_path / "theirs")
    project = open_project(theirs, coder="budi")
    text = project.documents.document(DOC).text
    s1 = text.index("Pasar")
    same, _ = project.codings.apply_coding(DOC, "cost", s1, s1 + 5)
    tail = len(text) - 30
    gone, _ = project.codings.apply_coding(DOC, "time", tail, tail + 20)
    project.close()
    # our copy of the transcript was corrected: a line added at the top, the end cut
    new_text = "Catatan: transkrip dikoreksi.\n" + text[: len(text) - 40]
    con = sqlite3.connect(ours)
    con.execute(
        "UPDATE documents SET text = ?, sha256 = ?, chars = ? WHERE name = ?",
        (new_text, hashlib.sha256(new_text.encode()).hexdigest(), len(new_text), DOC),
    )
    con.commit()
    con.close()
    report = merge(ours, theirs)
    assert report.documents_reanchored == [DOC]
    assert report.anchors == {"moved": 1, "needs-review": 1}
    project = open_project(ours)
    try:
        moved = project.codings.coding(same.guid)
        assert (moved.start, moved.anchor) == (s1 + 30, "moved")
        assert new_text[moved.start : moved.end] == "Pasar"
        review = project.codings.coding(gone.guid)
        assert review.anchor == "needs-review"
        assert review.quote == gone.quote  # the old quote is kept
        assert 0 <= review.start < review.end <= len(new_text)
    finally:
        project.close()
    # idempotent: a second merge re-anchors nothing new
    again = merge(ours, theirs)
    assert not again.changed
    assert again.anchors == {}


def test_deleted_on_either_side_stays_deleted(team_template: Path, tmp_path: Path) -> None:
    base = copy(team_template, tmp_path / "base")
    p = open_project(base, coder="ani")
    one, _ = p.codings.apply_coding(DOC, "cost", 0, 10)
    two, _ = p.codings.apply_coding(DOC, "cost", 20, 30)
    p.close()
    ours = copy(Path(base), tmp_path / "ours")
    theirs = copy(Path(base), tmp_path / "theirs")
    p = open_project(theirs, coder="ani")
    p.codings.remove_coding(one.guid)  # they deleted one
    p.close()
    p = open_project(ours, coder="ani")
    p.codings.remove_coding(two.guid)  # we deleted two
    p.close()
    report = merge(ours, theirs)
    assert report.codings_deleted == 1
    assert report.codings_tombstoned == 1  # their 'two', which we deleted
    assert state(ours) == set()
    report_back = merge(theirs, ours)
    assert report_back.codings_deleted == 1
    assert state(theirs) == set()


def test_identical_codings_are_stored_once_the_same_way_in_both_directions(
    team_template: Path, tmp_path: Path
) -> None:
    a = copy(team_template, tmp_path / "a")
    b = copy(team_template, tmp_path / "b")
    for loc in (a, b):
        p = open_project(loc, coder="ani")
        p.codings.apply_coding(DOC, "cost", 0, 10)
        p.close()
    a2 = copy(Path(a), tmp_path / "a2")
    b2 = copy(Path(b), tmp_path / "b2")
    ra = merge(a2, b)
    rb = merge(b2, a)
    assert ra.codings_identical == rb.codings_identical == 1
    assert state(a2) == state(b2)
    assert len(state(a2)) == 1


def test_merging_twice_adds_nothing_and_dry_run_changes_nothing(
    team_template: Path, demo_dir: Path, tmp_path: Path
) -> None:
    ours = copy(team_template, tmp_path / "ours")
    before = dump_db(Path(ours))
    dry = merge(ours, str(demo_dir), dry_run=True)
    assert dry.dry_run and len(dry.documents_added) == 6
    assert dump_db(Path(ours)) == before
    real = merge(ours, str(demo_dir))
    assert real.documents_added == dry.documents_added
    after = dump_db(Path(ours))
    again = merge(ours, str(demo_dir))
    assert not again.changed
    assert [line for line in dump_db(Path(ours)) if 'INTO "actions"' not in line] == [
        line for line in after if 'INTO "actions"' not in line
    ]


# ---------------------------------------------------------------------- symmetry

SPANS = [(0, 10), (5, 25), (30, 60), (100, 140)]
CODES = ["cost", "time", "time.long_wait"]
op = st.one_of(
    st.tuples(
        st.just("code"),
        st.sampled_from([DOC, EN]),
        st.sampled_from(CODES),
        st.sampled_from(SPANS),
        st.sampled_from(["ani", "budi"]),
    ),
    st.tuples(st.just("uncode"), st.integers(0, 20)),
    st.tuples(st.just("memo"), st.integers(0, 20), st.sampled_from(["m1", "m2", None])),
)


def apply_ops(location: str, ops: list[tuple[Any, ...]]) -> None:
    p = open_project(location)
    try:
        for o in ops:
            existing = p.codings.codings()
            if o[0] == "code":
                p.codings.apply_coding(o[1], o[2], *o[3], coder=o[4])
            elif existing and o[0] == "uncode":
                p.codings.remove_coding(existing[o[1] % len(existing)].guid)
            elif existing and o[0] == "memo":
                p.memos.set_coding_memo(existing[o[1] % len(existing)].guid, o[2])
    finally:
        p.close()


@pytest.fixture(scope="module")
def common_base(team_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("base")
    loc = copy(team_template, folder)
    apply_ops(
        loc,
        [
            ("code", DOC, "cost", (0, 10), "ani"),
            ("code", DOC, "time", (30, 60), "budi"),
            ("code", EN, "cost", (5, 25), "ani"),
        ],
    )
    return Path(loc)


@settings(
    derandomize=True,
    deadline=None,
    max_examples=hypothesis_examples(20),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(op, max_size=6), st.lists(op, max_size=6))
def test_a_into_b_equals_b_into_a_and_twice_is_once(
    common_base: Path, tmp_path: Path, ops_a: list[Any], ops_b: list[Any]
) -> None:
    work = Path(tempfile_dir(tmp_path))
    a = copy(common_base, work / "a")
    b = copy(common_base, work / "b")
    apply_ops(a, ops_a)
    apply_ops(b, ops_b)
    ab = copy(Path(a), work / "ab")  # a with b merged in
    ba = copy(Path(b), work / "ba")  # b with a merged in
    merge(ab, b)
    merge(ba, a)
    assert state(ab) == state(ba)
    again = merge(ab, b)
    assert not again.changed
    assert state(ab) == state(ba)
    shutil.rmtree(work)


_n = [0]


def tempfile_dir(base: Path) -> str:
    _n[0] += 1
    path = base / f"run{_n[0]}"
    path.mkdir()
    return str(path)


# ---------------------------------------------------------------------- bad input


def _newer(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("text-file", "{other} is not a qualcode project (not a SQLite file)"),
        ("other-tables", "{other} is not a qualcode project (it holds other tables)"),
        ("empty-sqlite", "{other} is not a qualcode project (it is empty)"),
        (
            "newer-schema",
            "{other} was written by a newer qualcode (schema 9999) (upgrade qualcode to merge it)",
        ),
        ("missing", "no project at {other} (check the path of the other project)"),
        ("itself", "{other}: cannot merge a project into itself"),
        (
            "unreachable",
            "cannot open postgresql+psycopg://x:***@127.0.0.1:1/none: connection failed",
        ),
    ],
    ids=[
        "text-file",
        "other-tables",
        "empty-sqlite",
        "newer-schema",
        "missing",
        "itself",
        "unreachable",
    ],
)
def test_bad_other_projects_are_one_line_and_change_nothing(
    team_template: Path, tmp_path: Path, kind: str, message: str
) -> None:
    ours = copy(team_template, tmp_path / "ours")
    other: str = str(tmp_path / "other.db")
    if kind == "text-file":
        Path(other).write_text("not a project", encoding="utf-8")
    elif kind == "other-tables":
        con = sqlite3.connect(other)
        con.execute("CREATE TABLE t (x)")
        con.close()
    elif kind == "empty-sqlite":
        shutil.copyfile(DATA / "projects" / "schema-0001.db", other)
        con = sqlite3.connect(other)
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
            con.execute(f'DROP TABLE "{name}"')
        con.commit()
        con.close()
    elif kind == "newer-schema":
        shutil.copyfile(DATA / "projects" / "schema-0001.db", other)
        _newer(Path(other))
    elif kind == "itself":
        other = ours
    elif kind == "unreachable":
        other = "postgresql+psycopg://x:pw@127.0.0.1:1/none"
    before = dump_db(Path(ours))
    other_before = Path(other).read_bytes() if Path(other).exists() else None
    r = CliRunner().invoke(cli, ["--project", ours, "merge", other], prog_name="qualcode")
    assert r.exit_code == 1
    assert r.stdout == ""
    assert len(r.stderr.splitlines()) == 1, r.stderr
    assert r.stderr.startswith("error: " + message.format(other=other)), r.stderr
    assert dump_db(Path(ours)) == before
    assert not (Path(ours).parent / "backups").exists()
    if other_before is not None:
        assert Path(other).read_bytes() == other_before


def test_an_older_project_is_merged_from_a_migrated_copy(
    team_template: Path, tmp_path: Path
) -> None:
    ours = copy(team_template, tmp_path / "ours")
    old = tmp_path / "old.db"
    shutil.copyfile(DATA / "projects" / "schema-0001.db", old)
    before = old.read_bytes()
    report = merge(ours, str(old))
    assert sorted(report.documents_added) == ["interview_b", "wawancara_a"]
    assert report.codings_added == 4
    assert old.read_bytes() == before  # the old file is not migrated in place


def test_cli_merge_backs_up_first_and_reports(
    team_template: Path, demo_dir: Path, tmp_path: Path
) -> None:
    ours = copy(team_template, tmp_path / "ours")
    before = dump_db(Path(ours))
    r = CliRunner().invoke(cli, ["--project", ours, "merge", str(demo_dir)], prog_name="qualcode")
    assert r.exit_code == 0, r.stderr
    backups = list((Path(ours).parent / "backups").glob("*.db"))
    assert len(backups) == 1
    assert r.stderr == f"backed up to {backups[0]}\n"
    assert dump_db(backups[0]) == before
    assert r.stdout.splitlines()[:3] == [
        f"merged: {demo_dir / 'qualcode.db'}",
        "  documents: 6 added, 2 the same, 0 with a different text (codings re-anchored)",
        "  codes: 0 added, 0 aliases, 0 differing fields (ours kept)",
    ]
    r = CliRunner().invoke(
        cli, ["--project", ours, "merge", str(demo_dir), "--dry-run"], prog_name="qualcode"
    )
    assert r.stdout.splitlines()[1] == (
        "  documents: 0 would add, 8 the same, 0 with a different text (codings re-anchored)"
    )


def test_merge_between_sqlite_and_postgresql_both_ways(
    team_template: Path, pg_db: PgDatabase, tmp_path: Path
) -> None:
    url = postgres_copy(team_template, pg_db)
    p = open_project(url)
    p.codings.apply_coding(DOC, "cost", 0, 10, coder="ani")
    p.close()
    local = copy(team_template, tmp_path / "local")
    p = open_project(local, coder="budi")
    p.codings.apply_coding(DOC, "time", 5, 15)
    p.close()
    r1 = merge(local, url)
    r2 = merge(url, local)
    assert r1.codings_added == 1 and r2.codings_added == 1
    assert r1.source == url.replace(":secret-pw@", ":***@")  # no password in reports
    assert state(local) == state(url)


def test_project_merge_refuses_merging_into_itself_api(team_template: Path, tmp_path: Path) -> None:
    ours = copy(team_template, tmp_path / "ours")
    project: Project = open_project(ours)
    try:
        with pytest.raises(InputError, match="into itself"):
            read_project(ours, ours=project.location)
        with pytest.raises(ProjectError, match="no project at"):
            read_project(str(tmp_path / "nothing.db"))
    finally:
        project.close()


def test_a_code_deleted_on_one_side_is_deleted_on_the_other_unless_used(
    team_template: Path, tmp_path: Path
) -> None:
    a = copy(team_template, tmp_path / "a")
    b = copy(team_template, tmp_path / "b")
    p = open_project(a)
    gone = [c.id for c in p.codebook().codes if not p.codebook().children(c.id)][-1]
    p.codes.delete_code(gone)
    p.close()
    p = open_project(b, coder="budi")
    p.codings.apply_coding(DOC, "procedure", 0, 5)
    p.close()
    b_into_a = copy(Path(a), tmp_path / "ba")
    a_into_b = copy(Path(b), tmp_path / "ab")
    merge(b_into_a, b)
    report = merge(a_into_b, a)
    assert gone in report.codes_deleted
    ids = []
    for loc in (b_into_a, a_into_b):
        p = open_project(loc)
        ids.append({c.id for c in p.codebook().codes})
        p.close()
    assert ids[0] == ids[1] and gone not in ids[0]
    # a deleted code that the other side still uses is kept
    c = copy(team_template, tmp_path / "c")
    p = open_project(c, coder="citra")
    p.codings.apply_coding(DOC, gone, 0, 5)
    p.close()
    report = merge(c, a)
    assert report.codes_deleted == []
    assert report.notes == [f"they deleted code {gone!r}; kept here: it still has codings"]


def test_codes_a_merge_adds_are_written_back_to_the_linked_codebook(
    team_template: Path, tmp_path: Path
) -> None:
    ours = copy(team_template, tmp_path / "ours")
    theirs = copy(team_template, tmp_path / "theirs")
    p = open_project(theirs)
    p.codes.add_code(Code("facilities.parking", "Parkir", parent="facilities"))
    p.close()
    yaml_file = tmp_path / "ours" / "codebook.yaml"
    assert "facilities.parking" not in yaml_file.read_text(encoding="utf-8")
    r = CliRunner().invoke(cli, ["--project", ours, "merge", theirs], prog_name="qualcode")
    assert r.exit_code == 0, r.stderr
    text = yaml_file.read_text(encoding="utf-8")
    assert "facilities.parking" in text
    assert text.startswith("#")  # comments kept (ruamel round trip)
