"""Undo follows the person and the window (issue 15, point 2).

A batch (an auto-code run, an import of codings, an attributes import, a review
sheet, a codebook merge, move or rename) is one action of the person who ran it,
whatever coder its rows carry: ``qualcode undo`` right after it takes the batch
back, never the person's previous coding. ``qualcode undo`` takes back only what was
done on the command line (``--any``: anywhere); a project merge is a barrier undo does
not cross, and says so.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcode.cli import cli
from qualcode.store import open_project
from tests.conftest import TRANSCRIPTS, dump_db

DOC = "wawancara_01_pedagang_pasar"


def run(project: Path, *args: str, coder: str = "nia") -> Result:
    return CliRunner().invoke(
        cli, ["--project", str(project), "--coder", coder, *args], prog_name="qualcode"
    )


def content(db: Path) -> list[str]:
    """Every row except the action log and the coder register (which only grow)."""
    return [
        line
        for line in dump_db(db)
        if not line.startswith(('INSERT INTO "actions"', 'INSERT INTO "coders"'))
    ]


def _nia_codings(db: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(
            "SELECT c.coder, k.id FROM codings c JOIN codes k ON k.pk = c.code_pk "
            "WHERE c.coder = 'nia' ORDER BY c.pk"
        ).fetchall()
    finally:
        con.close()


def _autocode(project: Path, tmp: Path) -> list[str]:
    return ["autocode", "--docs", DOC]


def _import_codings(project: Path, tmp: Path) -> list[str]:
    gold = tmp / "gold.yaml"
    text = (TRANSCRIPTS / f"{DOC}.txt").read_text(encoding="utf-8")
    quote = "Petugasnya belum datang."
    assert quote in text
    gold.write_text(
        f"coder: gold\ncodings:\n  - {{doc: {DOC}, code: time.long_wait, quote: '{quote}'}}\n",
        encoding="utf-8",
    )
    return ["import-codings", str(gold)]


def _attributes(project: Path, tmp: Path) -> list[str]:
    csv = tmp / "attrs.csv"
    csv.write_text(f"case,religion\n{DOC},islam\n", encoding="utf-8")
    return ["attributes", "import", str(csv), "--create"]


def _merge_codes(project: Path, tmp: Path) -> list[str]:
    return ["codebook", "merge", "time.long_wait", "time"]


def _move(project: Path, tmp: Path) -> list[str]:
    return ["codebook", "move", "time.long_wait", "--top"]


def _rename(project: Path, tmp: Path) -> list[str]:
    return ["codebook", "rename", "time", "Lama waktu", "--lang", "id"]


BATCHES: dict[str, tuple[Callable[[Path, Path], list[str]], str]] = {
    # name: (command, the start of what undo says it undid)
    "autocode": (_autocode, "undid: auto-code"),
    "import-codings": (_import_codings, "undid: import codings of gold"),
    "attributes-import": (_attributes, "undid: set attributes of 1 cases"),
    "codebook-merge": (_merge_codes, "undid: merge code time.long_wait into time"),
    "codebook-move": (_move, "undid: move code time.long_wait under the top level"),
    "codebook-rename": (_rename, "undid: edit code time: label"),
}


@pytest.mark.parametrize("batch", sorted(BATCHES))
def test_undo_after_a_batch_takes_the_batch_back_not_the_coding_before(
    batch: str, demo_dir: Path, tmp_path: Path
) -> None:
    db = demo_dir / "qualcode.db"
    r = run(demo_dir, "code", DOC, "cost", "--sentence", "2")
    assert r.exit_code == 0, r.stderr
    before = content(db)
    make, said = BATCHES[batch]
    r = run(demo_dir, *make(demo_dir, tmp_path))
    assert r.exit_code == 0, r.output
    assert content(db) != before  # the batch changed something
    r = run(demo_dir, "undo")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith(said), r.stdout
    assert len(r.stdout.splitlines()) == 1
    assert content(db) == before  # the whole batch, and nothing else
    assert _nia_codings(db) == [("nia", "cost")]  # the coding before it is still there
    r = run(demo_dir, "redo")
    assert r.exit_code == 0, r.stderr
    assert content(db) != before


def test_the_log_names_the_person_who_ran_a_batch(demo_dir: Path) -> None:
    r = run(demo_dir, "autocode", "--docs", DOC)
    assert r.exit_code == 0, r.stderr
    project = open_project(str(demo_dir))
    try:
        newest = project.log.actions(1)[0]
        suggestions = project.codings.codings(doc=DOC, status="suggested")
    finally:
        project.close()
    assert newest["coder"] == "nia"
    assert suggestions and {c.coder for c in suggestions} == {"rules"}


def test_cli_undo_leaves_a_workbench_window_alone_unless_any(demo_dir: Path) -> None:
    db = demo_dir / "qualcode.db"
    start = content(db)
    window = open_project(str(demo_dir), coder="nia")
    window.window = "tui:nia@host:1"  # what a workbench window records
    s = window.documents.document(DOC).sentences[4]
    window.codings.apply_coding(DOC, "time", s.start, s.end)
    window.close()
    r = run(demo_dir, "undo")
    assert r.exit_code == 0
    assert r.stdout == ""
    assert r.stderr == (
        "nothing to undo from the command line (your newest action elsewhere: "
        f"code {DOC} [{s.start}:{s.end}] with time; 'qualcode undo --any' takes it back)\n"
    )
    r = run(demo_dir, "undo", "--any")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == f"undid: code {DOC} [{s.start}:{s.end}] with time\n"
    assert content(db) == start


def test_two_people_never_undo_each_other(demo_dir: Path) -> None:
    r = run(demo_dir, "code", DOC, "cost", "--sentence", "2", coder="ani")
    assert r.exit_code == 0
    r = run(demo_dir, "code", DOC, "time", "--sentence", "3", coder="nia")
    assert r.exit_code == 0
    r = run(demo_dir, "undo", coder="ani")
    assert r.stdout.startswith(f"undid: code {DOC} [")
    assert _nia_codings(demo_dir / "qualcode.db") == [("nia", "time")]


def test_a_project_merge_ends_the_history_and_says_its_backup_is_its_undo(
    demo_dir: Path, tmp_path: Path, _demo_template: Path
) -> None:
    other = tmp_path / "other"
    import shutil

    shutil.copytree(_demo_template, other)
    o = open_project(str(other), coder="budi")
    s = o.documents.document(DOC).sentences[6]
    o.codings.apply_coding(DOC, "cost", s.start, s.end)
    o.close()
    r = run(demo_dir, "code", DOC, "time", "--sentence", "3")
    assert r.exit_code == 0
    r = run(demo_dir, "merge", str(other))
    assert r.exit_code == 0, r.stderr
    backup = next((demo_dir / "backups").glob("*-before-merge.db"))
    r = run(demo_dir, "undo")
    assert r.exit_code == 0
    assert r.stdout == ""
    line = r.stderr.strip()
    assert line.startswith(f"nothing to undo: a project merge (merge {other}")
    assert line.endswith(f"ends the history; its backup is its undo: qualcode restore {backup}")
    assert len(r.stderr.splitlines()) == 1
    # the coding made before the merge is still there
    assert _nia_codings(demo_dir / "qualcode.db") == [("nia", "time")]
