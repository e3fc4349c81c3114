"""Memos everywhere (issue 15, point 3): ``code --memo`` on an existing coding,
``qualcode memo show|set|append|clear`` on every kind of target, ``qualcode memos
--json``; the workbench and the command line read and write the same memos, and
each memo keeps its author."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcode.cli import cli
from qualcode.store import open_project
from tests.conftest import dump_content

DOC = "wawancara_01_pedagang_pasar"


def run(project: Path, *args: str, coder: str = "nia", stdin: str | None = None) -> Result:
    return CliRunner().invoke(
        cli,
        ["--project", str(project), "--coder", coder, *args],
        prog_name="qualcode",
        input=stdin,
    )


def test_code_memo_on_an_existing_coding_sets_its_memo_in_one_undoable_action(
    demo_dir: Path,
) -> None:
    db = demo_dir / "qualcode.db"
    r = run(demo_dir, "code", DOC, "cost", "--sentence", "2")
    assert r.exit_code == 0, r.stderr
    before = dump_content(db)
    r = run(demo_dir, "code", DOC, "cost", "--sentence", "2", "--memo", "asked twice")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith(f"already coded {DOC} [")
    assert r.stdout.rstrip().endswith("; memo set")
    project = open_project(str(demo_dir))
    try:
        (c,) = project.codings.codings(doc=DOC)
        assert (c.memo, c.memo_author) == ("asked twice", "nia")
        newest = project.log.actions(1)[0]
        assert newest["kind"] == "code"
        assert newest["summary"].startswith("memo on the coding ")
    finally:
        project.close()
    r = run(demo_dir, "undo")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("undid: memo on the coding ")
    assert dump_content(db) == before  # the coding stays, its memo is gone again


@pytest.mark.parametrize(
    ("option", "target", "what"),
    [
        (("--doc", DOC), ("document", DOC), f"the document {DOC}"),
        (("--code", "cost"), ("code", "cost"), "the code 'Biaya pelayanan' (cost)"),
        (("--case", DOC), ("case", DOC), f"the case {DOC}"),
        (("--project",), ("project", None), "the project"),
    ],
    ids=["doc", "code", "case", "project"],
)
def test_set_append_show_clear_on_each_target(
    demo_dir: Path, option: tuple[str, ...], target: tuple[str, str | None], what: str
) -> None:
    kind, name = target
    if kind == "case":
        p = open_project(str(demo_dir))
        p.cases.link_case(DOC, DOC)
        p.close()
    db = demo_dir / "qualcode.db"
    start = dump_content(db)
    r = run(demo_dir, "memo", "set", *option, "first thought")
    assert (r.exit_code, r.stdout) == (0, f"memo set on {what}\n"), r.stderr
    r = run(demo_dir, "memo", "append", *option, "second thought")
    assert (r.exit_code, r.stdout) == (0, f"memo appended on {what}\n"), r.stderr
    r = run(demo_dir, "memo", "set", *option, "ani's view", coder="ani")
    assert r.exit_code == 0, r.stderr
    r = run(demo_dir, "memo", "show", *option, "--json")
    assert r.exit_code == 0, r.stderr
    shown = [(m["author"], m["text"], m["kind"], m["target"]) for m in json.loads(r.stdout)]
    assert shown == [
        ("nia", "first thought\n\nsecond thought", kind, name),
        ("ani", "ani's view", kind, name),
    ]
    r = run(demo_dir, "memo", "show", *option)
    assert r.stdout.splitlines()[0].startswith("nia, ")
    assert r.stdout.splitlines()[1:4] == ["  first thought", "  ", "  second thought"]
    # the workbench's memo of nia is the same memo
    p = open_project(str(demo_dir), coder="nia")
    own = p.memos.own_memo(kind, name)
    p.close()
    assert own is not None and own.text == "first thought\n\nsecond thought"
    r = run(demo_dir, "memo", "clear", *option)
    assert (r.exit_code, r.stdout) == (0, f"memo cleared on {what}\n")
    r = run(demo_dir, "memo", "clear", *option)
    assert r.exit_code == 1
    assert r.stderr == f"error: no memo of yours on {what}\n"
    r = run(demo_dir, "memo", "clear", *option, coder="ani")
    assert r.exit_code == 0
    r = run(demo_dir, "memo", "show", *option)
    assert (r.exit_code, r.stdout, r.stderr) == (1, "", f"error: no memo on {what}\n")
    for _ in range(5):  # each change was one action
        assert run(demo_dir, "undo", "--any", coder="nia").exit_code == 0
        assert run(demo_dir, "undo", "--any", coder="ani").exit_code == 0
    if kind != "case":
        assert dump_content(db) == start


def test_a_coding_memo_from_the_command_line_keeps_its_author(demo_dir: Path) -> None:
    r = run(demo_dir, "code", DOC, "time", "--sentence", "3", "--json")
    guid = json.loads(r.stdout)[0]["guid"]
    r = run(demo_dir, "memo", "set", "--coding", guid, "-", stdin="from stdin\n")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith(f"memo set on the coding of time in {DOC} “")
    assert guid not in r.stdout  # the passage by its first words, not its guid
    r = run(demo_dir, "memo", "append", "--coding", guid, "and more", coder="ani")
    assert r.exit_code == 0
    r = run(demo_dir, "memos", "--json")
    (entry,) = [m for m in json.loads(r.stdout) if m["kind"] == "coding"]
    assert (entry["guid"], entry["author"], entry["text"], entry["doc"], entry["code"]) == (
        guid,
        "ani",
        "from stdin\n\nand more",
        DOC,
        "time",
    )
    assert set(entry) >= {"guid", "kind", "target", "author", "created", "updated", "text"}
    r = run(demo_dir, "memo", "clear", "--coding", guid)
    assert r.exit_code == 0
    r = run(demo_dir, "memo", "show", "--coding", guid)
    assert r.exit_code == 1


def test_memos_lists_every_kind(demo_dir: Path) -> None:
    r = run(demo_dir, "code", DOC, "time", "--sentence", "3", "--memo", "on a coding")
    assert r.exit_code == 0
    for args in (("--doc", DOC), ("--code", "time"), ("--project",)):
        assert run(demo_dir, "memo", "set", *args, f"memo {args[0]}").exit_code == 0
    r = run(demo_dir, "memos", "--json")
    assert r.exit_code == 0
    kinds = [(m["kind"], m["text"]) for m in json.loads(r.stdout)]
    assert sorted(kinds) == sorted(
        [
            ("document", "memo --doc"),
            ("code", "memo --code"),
            ("project", "memo --project"),
            ("coding", "on a coding"),
        ]
    )
    r = run(demo_dir, "memos", "--kind", "code")
    assert r.stdout == f"code time\tnia\t{r.stdout.split(chr(9))[2]}\tmemo --code\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("memo", "set", "text"), 2, "error: name exactly one of --coding GUID, --doc DOC"),
        (("memo", "set", "--doc", DOC, "--project", "t"), 2, "error: name exactly one of"),
        (("memo", "set", "--doc", "nope", "t"), 1, "error: no document named 'nope'"),
        (("memo", "set", "--code", "nope", "t"), 1, "error: unknown code 'nope'"),
        (("memo", "set", "--coding", "nope", "t"), 1, "error: no coding with guid 'nope'"),
        (("memo", "set", "--doc", DOC, "  "), 1, "error: the memo text is empty"),
        (("memo", "clear", "--project"), 1, "error: no memo of yours on the project"),
    ],
    ids=["no-target", "two-targets", "doc", "code", "coding", "empty", "clear-nothing"],
)
def test_bad_input_is_one_line_and_changes_nothing(
    demo_dir: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    before = dump_content(demo_dir / "qualcode.db")
    r = run(demo_dir, *args)
    assert r.exit_code == code
    assert r.stdout == ""
    assert len(r.stderr.splitlines()) == 1
    assert r.stderr.startswith(message), r.stderr
    assert dump_content(demo_dir / "qualcode.db") == before
