"""The workbench refuses a project written by a newer qualcode before it starts:
one line, a non-zero exit, the file untouched (``qualcode`` without a command)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from tests.conftest import DATA


def test_the_workbench_refuses_a_newer_project_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualcode.tui import app

    started: list[object] = []
    monkeypatch.setattr(app.QualcodeApp, "run", lambda self, *a, **k: started.append(self))
    path = tmp_path / "qualcode.db"
    shutil.copyfile(DATA / "projects" / "schema-0001.db", path)
    # the same file at the current schema opens the workbench
    r = CliRunner().invoke(cli, ["--project", str(path)], prog_name="qualcode")
    assert r.exit_code == 0, r.stderr
    assert len(started) == 1
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = path.read_bytes()
    r = CliRunner().invoke(cli, ["--project", str(path)], prog_name="qualcode")
    assert r.exit_code == 1
    assert r.stdout == ""
    assert r.stderr == (
        f"error: {path} was written by a newer qualcode (schema 9999) "
        "(upgrade qualcode to open it)\n"
    )
    assert len(started) == 1  # the workbench never started
    assert path.read_bytes() == before
