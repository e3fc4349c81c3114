"""The light commands' read path (sqlite3 alone) answers exactly as the Project does,
and steps aside whenever it cannot."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from qualcode.errors import NotFoundError
from qualcode.store import Project, open_project
from qualcode.store.engine import SCHEMA_HEAD
from qualcode.store.lite import open_lite, schema_head

DOC = "wawancara_01_pedagang_pasar"
OLD = Path(__file__).parent.parent / "data" / "projects" / "schema-0001.db"


def test_schema_head_is_the_engines() -> None:
    assert schema_head() == SCHEMA_HEAD


def _coded(demo: Project) -> None:
    demo.codings.apply_coding(DOC, "time.long_wait", 10, 60)
    demo.codings.apply_coding(DOC, "cost", 40, 90)
    demo.codings.apply_coding(DOC, "cost", 200, 260, coder="budi")
    demo.codings.apply_coding(DOC, "time", 300, 320, status="suggested", origin="rules")


def test_lite_answers_as_the_project(demo: Project, demo_dir: Path) -> None:
    _coded(demo)
    lite = open_lite(str(demo_dir))
    assert lite is not None
    with lite:
        assert lite.documents() == demo.documents.documents()
        assert lite.codebook() == demo.codebook()
        assert lite.code_counts() == demo.codebook_sync.code_counts()
        for kw in (
            {},
            {"status": None},
            {"doc": DOC},
            {"code": "cost"},
            {"coder": "budi"},
            {"doc": DOC, "code": "time", "status": None},
        ):
            assert lite.codings(**kw) == demo.codings.codings(**kw), kw
        assert lite.codings(status=None) != lite.codings()
        with pytest.raises(NotFoundError, match="no document named"):
            lite.codings(doc="nope")
        with pytest.raises(NotFoundError, match="unknown code"):
            lite.codings(code="nope")
    # the file given directly, or through $QUALCODE_PROJECT
    lite = open_lite(str(demo_dir / "qualcode.db"))
    assert lite is not None
    lite.close()


def test_lite_follows_the_environment(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALCODE_PROJECT", str(demo_dir))
    lite = open_lite(None)
    assert lite is not None
    lite.close()
    monkeypatch.chdir(demo_dir)
    monkeypatch.delenv("QUALCODE_PROJECT")
    lite = open_lite(None)
    assert lite is not None
    lite.close()


def test_lite_steps_aside(demo: Project, demo_dir: Path, tmp_path: Path) -> None:
    assert open_lite(str(demo_dir), blind=True) is None
    assert open_lite("postgresql+psycopg://u:p@127.0.0.1:1/x") is None
    assert open_lite(str(tmp_path / "missing.db")) is None
    (tmp_path / "notes.db").write_text("not a database", encoding="utf-8")
    assert open_lite(str(tmp_path / "notes.db")) is None
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (a)").connection.close()
    assert open_lite(str(other)) is None
    old = tmp_path / "old.db"
    shutil.copyfile(OLD, old)
    assert open_lite(str(old)) is None  # the ordinary path upgrades it
    demo.team.set_blind(True)
    assert open_lite(str(demo_dir)) is None
    demo.team.set_blind(False)
    lite = open_lite(str(demo_dir))
    assert lite is not None
    lite.close()


def test_light_commands_leave_sqlalchemy_unloaded(demo_dir: Path) -> None:
    probe = (
        "import sys\n"
        "from qualcode.cli import main\n"
        "sys.argv = ['qualcode', '--project', sys.argv[1], sys.argv[2], *sys.argv[3:]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('LOADED' if 'sqlalchemy' in sys.modules else 'LIGHT')\n"
    )
    for command in (
        ["documents"],
        ["codebook", "show"],
        ["documents", "--json"],
        ["codings", "--doc", DOC],
    ):
        out = subprocess.run(
            [sys.executable, "-c", probe, str(demo_dir), *command],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert out.strip().endswith("LIGHT"), (command, out[-300:])
    project = open_project(str(demo_dir))
    try:
        assert project.documents.documents()
    finally:
        project.close()


def test_lite_first_frame_reads_answer_as_the_project(demo: Project, demo_dir: Path) -> None:
    """The workbench's first frame (qualcode.tui.opening) reads these from the light
    path: each equals the full project's answer."""
    _coded(demo)
    demo.memos.add_memo("document", DOC, "a note on the market trader")
    demo.memos.add_memo("code", "cost", "what counts as cost")
    demo.memos.add_memo("code", "time.long_wait", "waiting", author="budi")
    demo.memos.add_memo("project", None, "the project's memo")
    demo.workbench.save_workbench_state({"doc": DOC, "places": {DOC: {"top": 3}}})
    names = demo.documents.document_names()
    lite = open_lite(str(demo_dir))
    assert lite is not None
    with lite:
        assert lite.document_names() == names
        for name in names:
            assert lite.document(name) == demo.documents.document(name)
        for kind in ("document", "code"):
            assert lite.memos(kind) == demo.memos.memos(kind)
        assert lite.memos("document", DOC) == demo.memos.memos("document", DOC)
        assert len(lite.memos("document", DOC)) == 1
        assert lite.memos("code", "cost") == demo.memos.memos("code", "cost")
        assert lite.workbench_state(demo.coder) == demo.workbench.workbench_state()
        assert lite.workbench_state(demo.coder) == {"doc": DOC, "places": {DOC: {"top": 3}}}
        assert (
            lite.workbench_state("nobody") == {} == demo.workbench.workbench_state(coder="nobody")
        )
        with pytest.raises(NotFoundError, match="no document named"):
            lite.document("nope")
