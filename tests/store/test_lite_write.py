"""``code`` and ``memo`` through the light write path (sqlite3 alone) write exactly
what the ordinary path writes: the same commands on two copies of a project, one
each way, leave every table equal row by row, print the same, and the store undoes
a light ``code`` like any other."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qualcode import clock
from qualcode.cli import cli
from qualcode.store import lite_write, open_project
from tests.conftest import dump_content, dump_db

DOC = "wawancara_01_pedagang_pasar"

SCRIPT: list[list[str]] = [
    ["code", DOC, "cost", "--start", "10", "--end", "60"],
    ["code", DOC, "cost", "--start", "10", "--end", "60"],  # already coded
    ["code", DOC, "cost", "--start", "10", "--end", "60", "--memo", "twice"],  # memo set
    ["code", DOC, "time.long_wait", "--sentence", "3", "--memo", "“waited” \\ long\tlines"],
    ["code", DOC, "time", "--turn", "2", "--json"],
    ["code", DOC, "cost", "--match", "pasar", "--all"],
    ["code", DOC, "cost", "--match", "pasar", "--nth", "2"],  # already coded (from --all)
    ["code", DOC, "cost", "--match", "pasar"],  # several: an error
    ["code", DOC, "nosuch", "--start", "0", "--end", "5"],
    ["code", DOC, "cost", "--start", "5", "--end", "999999"],
    ["code", "nodoc", "cost", "--start", "0", "--end", "5"],
    ["code", DOC, "cost", "--sentence", "99999"],
    ["code", DOC, "cost", "--start", "0"],
    ["--coder", "budi", "code", DOC, "cost", "--start", "70", "--end", "90"],  # new coder
    ["memo", "show", "--doc", DOC],  # none yet
    ["memo", "set", "--doc", DOC, "first thoughts"],
    ["memo", "append", "--doc", DOC, "and more"],
    ["memo", "set", "--doc", DOC, "and more"],
    ["memo", "show", "--doc", DOC],
    ["memo", "show", "--doc", DOC, "--json"],
    ["memo", "set", "--code", "cost", "on the code «ü»"],
    ["memo", "set", "--project", "whole project"],
    ["--coder", "budi", "memo", "set", "--project", "budi's"],
    ["memo", "show", "--project"],
    ["memo", "clear", "--code", "cost"],
    ["memo", "clear", "--code", "cost"],  # none left
    ["memo", "set", "--doc", "nodoc", "x"],
    ["memo", "show", "--code", "nosuch"],
    ["memos"],
    ["memos", "--json"],
    ["memos", "--kind", "coding"],
    ["undo"],
    ["code", DOC, "cost", "--start", "100", "--end", "140"],
]


def _tables(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted (the action log and the coders included)."""
    con = sqlite3.connect(db)
    try:
        names = [
            n
            for (n,) in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        return {n: sorted(con.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
    finally:
        con.close()


def _run(
    folder: Path, monkeypatch: pytest.MonkeyPatch, *, light: bool, lang: str = "en"
) -> list[tuple[int, str, str]]:
    monkeypatch.setenv("QUALCODE_FAKE_GUIDS", "lite-write")
    clock.reset_fake_guids()
    if not light:
        monkeypatch.setattr(lite_write, "open_lite_write", lambda *a, **k: None)
    out = []
    for args in SCRIPT:
        glob = ["--ui-lang", lang, "--project", str(folder)]
        if args[0] == "--coder":
            glob, args = [*glob, *args[:2]], args[2:]
        else:
            glob = [*glob, "--coder", "nia"]
        r = CliRunner().invoke(cli, [*glob, *args], prog_name="qualcode")
        assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
        out.append((r.exit_code, r.stdout.replace(str(folder), "<P>"), r.stderr))
    monkeypatch.undo()
    return out


class Counter:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.coded = 0
        self.memos = 0
        apply = lite_write.LiteWriter.code_passage
        write = lite_write.LiteWriter.set_own_memo

        def counting_apply(w: lite_write.LiteWriter, *a: Any, **k: Any) -> Any:
            made = apply(w, *a, **k)
            self.coded += made is not None
            return made

        def counting_write(w: lite_write.LiteWriter, *a: Any, **k: Any) -> bool:
            done = write(w, *a, **k)
            self.memos += done
            return done

        monkeypatch.setattr(lite_write.LiteWriter, "code_passage", counting_apply)
        monkeypatch.setattr(lite_write.LiteWriter, "set_own_memo", counting_write)


@pytest.mark.parametrize("lang", ["en", "id"])
def test_light_and_ordinary_paths_write_the_same_rows(
    demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    ordinary = tmp_path / "ordinary"
    shutil.copytree(demo_dir, ordinary)
    light_dir = demo_dir
    with monkeypatch.context() as mp:
        counted = Counter(mp)
        by_light = _run(light_dir, mp, light=True, lang=lang)
        assert counted.coded >= 6 and counted.memos >= 5  # the light path did the work
    with monkeypatch.context() as mp:
        counted = Counter(mp)
        by_store = _run(ordinary, mp, light=False, lang=lang)
        assert counted.coded == 0 and counted.memos == 0
    for args, a, b in zip(SCRIPT, by_light, by_store, strict=True):
        assert a == b, args
    # the messages are the ordinary path's, errors included, in either language
    english = {
        0: f"coded {DOC} [10:60] cost: ",
        1: f"already coded {DOC} [10:60] cost: ",
        8: "error: unknown code 'nosuch'",
    }
    for at, start in english.items():
        got = by_light[at][1] or by_light[at][2]
        assert got.startswith(start) is (lang == "en"), got
    assert by_light[7][0] == 1 and "pasar" in by_light[7][2]  # one line, either language
    light_rows, store_rows = (
        _tables(light_dir / "qualcode.db"),
        _tables(ordinary / "qualcode.db"),
    )
    assert light_rows.keys() == store_rows.keys()
    for table in light_rows:
        assert light_rows[table] == store_rows[table], table
    actions = light_rows["actions"]
    assert len(actions) > 10


def test_the_store_undoes_a_light_code(demo_dir: Path) -> None:
    db = demo_dir / "qualcode.db"
    before = dump_content(db)
    r = CliRunner().invoke(
        cli,
        ["--project", str(demo_dir), "code", DOC, "cost", "--start", "10", "--end", "60"],
        prog_name="qualcode",
    )
    assert r.exit_code == 0, r.stderr
    after = dump_content(db)
    assert after != before
    project = open_project(str(demo_dir), window="cli")
    try:
        coding = project.codings.codings(doc=DOC, code="cost")
        assert [(c.start, c.end, c.coder) for c in coding] == [(10, 60, "tester")]
        undone = project.history.undo()
        assert undone is not None
        assert project.codings.codings(doc=DOC, code="cost") == []
        assert project.history.redo() is not None
        assert project.codings.codings(doc=DOC, code="cost") == coding
    finally:
        project.close()
    assert dump_content(db) == after


def _blind(db: Path) -> None:
    con = sqlite3.connect(db)
    con.execute("INSERT INTO settings (key, value) VALUES ('team.blind', 'true')")
    con.commit()
    con.close()


def _pending(db: Path) -> None:
    con = sqlite3.connect(db)
    con.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('search.pending', '[1]')")
    con.commit()
    con.close()


def _staged(db: Path) -> None:
    con = sqlite3.connect(db)
    con.execute("UPDATE documents SET state = 'importing' WHERE pk = 1")
    con.commit()
    con.close()


def _old_schema(db: Path) -> None:
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = '0017'")
    con.commit()
    con.close()


def _read_only(db: Path) -> None:
    os.chmod(db, 0o444)


def _rollback_journal(db: Path) -> None:
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()


@pytest.mark.parametrize(
    "spoil", [_blind, _pending, _staged, _old_schema, _read_only, _rollback_journal]
)
def test_anything_unusual_takes_the_ordinary_path(demo_dir: Path, spoil: Any) -> None:
    if spoil is _read_only and os.geteuid() == 0:
        pytest.skip("root may write a read-only file (the store then writes too)")
    db = demo_dir / "qualcode.db"
    writer = lite_write.open_lite_write(str(demo_dir), "nia")
    assert writer is not None
    writer.close()
    spoil(db)
    try:
        assert lite_write.open_lite_write(str(demo_dir), "nia") is None
    finally:
        os.chmod(db, 0o644)


def test_no_light_path_for_a_url_a_bad_coder_or_blind(demo_dir: Path) -> None:
    assert lite_write.open_lite_write("postgresql://u@h/db", "nia") is None
    assert lite_write.open_lite_write(str(demo_dir), "bad\tname") is None
    assert lite_write.open_lite_write(str(demo_dir), "nia", blind=True) is None
    assert lite_write.open_lite_write(str(demo_dir / "missing"), "nia") is None


def test_a_light_code_is_one_transaction_with_one_entry(demo_dir: Path) -> None:
    db = demo_dir / "qualcode.db"
    before = dump_db(db)
    writer = lite_write.open_lite_write(str(demo_dir), "nia")
    assert writer is not None
    with writer:
        made = writer.code_passage(DOC, "cost", 10, 60)
        assert made is not None and made[1]
        assert writer.code_passage(DOC, "cost", 10, 60, memo="other") is None  # the store's
        assert writer.code_passage(DOC, "nosuch", 10, 60) is None
    after = dump_db(db)
    added = [line for line in after if line not in before]
    assert sorted(line.split(" VALUES")[0] for line in added) == [
        'INSERT INTO "actions"',
        'INSERT INTO "coders"',
        'INSERT INTO "codings"',
    ]
    con = sqlite3.connect(db)
    try:
        (payload,) = con.execute("SELECT payload FROM actions ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        con.close()
    change = json.loads(payload)["changes"][0]
    assert change["op"] == "insert" and change["row"]["guid"] == made[0].guid
