"""Nothing lost when the folder goes: the workbench notices its project file gone or
replaced, stops acknowledging codings, says so, and saves the whole project from its
still-open connection to a path the user gives; it then closes with exit status 1."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from textual.widgets import Input

from qualcode.settings import Settings
from qualcode.store import open_project
from qualcode.tui.app import QualcodeApp
from tests.conftest import ROOT
from tests.tui.conftest import Messages


def _codings(path: Path) -> list[tuple[str, int, int]]:
    con = sqlite3.connect(path)
    try:
        return sorted(
            (code, s, e)
            for code, s, e in con.execute(
                'SELECT k.id, c.start, c."end" FROM codings c JOIN codes k ON k.pk = c.code_pk'
            )
        )
    finally:
        con.close()


async def test_the_folder_removed_while_coding(
    demo_dir: Path, tmp_path: Path, messages: Messages
) -> None:
    folder = tmp_path / "moved-away"
    shutil.copytree(demo_dir, folder)
    app = QualcodeApp(open_project(str(folder)), location=str(folder), settings=Settings())
    rescued = tmp_path / "rescued.db"
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await pilot.pause()
        await pilot.press("j", "1")  # coded and acknowledged
        await pilot.pause()
        assert "coded with" in str(app.screen.query_one("#at-cursor").render())
        shutil.rmtree(folder)
        await pilot.press("j", "2")  # the write after the folder went
        await pilot.pause()
        assert app.lost is not None and "is gone" in app.lost
        status = (
            str(app.screen.query_one("#at-cursor").render())
            if app.screen.query("#at-cursor")
            else ""
        )
        assert "coded with Waktu" not in status
        assert any("nothing more is saved" in n for n in messages.notices())
        prompt = app.screen.query_one("#rescue-path", Input)
        prompt.value = str(rescued)
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 1
    assert app.exit_message == (
        f"error: the project file {folder / 'qualcode.db'} is gone (deleted, or its folder "
        f"moved away); everything up to your last action was saved to {rescued}"
    )
    # the saved copy is a whole project with the acknowledged coding; the second was
    # refused before anything was written (never "coded with")
    codes = [c for c, _s, _e in _codings(rescued)]
    assert codes == ["procedure"]
    with open_project(str(rescued)) as p:
        assert len(p.documents.documents()) == 8


async def test_a_replaced_file_is_noticed_without_a_write(demo_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "work"
    shutil.copytree(demo_dir, folder)
    app = QualcodeApp(open_project(str(folder)), location=str(folder), settings=Settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("j", "3")
        await pilot.pause()
        other = tmp_path / "other.db"
        shutil.copyfile(demo_dir / "qualcode.db", other)
        replacing = hashlib.sha256(other.read_bytes()).hexdigest()
        os.replace(other, folder / "qualcode.db")  # someone copied an old file over it
        app.check_project_file()  # what the one-second timer does
        await pilot.pause()
        assert app.lost is not None and "was replaced by another file" in app.lost
        with_input = app.screen.query("#rescue-path")
        assert with_input
        # a bad target is refused and asked again; escape closes without saving
        with_input.first(Input).value = str(folder / "qualcode.db")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query("#rescue-path")
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 1
    assert app.exit_message.endswith("; the project was not saved elsewhere")
    # the replacing file was not written to
    assert hashlib.sha256((folder / "qualcode.db").read_bytes()).hexdigest() == replacing


def test_the_binary_exits_non_zero(tmp_path: Path, demo_dir: Path) -> None:
    """``run`` prints the one line and exits with the app's status."""
    code = (
        "import sys\n"
        "from qualcode.tui import app as a\n"
        "class Fake(a.QualcodeApp):\n"
        "    def run(self, *args, **kw):\n"
        "        self.exit_message = 'error: the project file X is gone; saved to Y'\n"
        "        self._return_code = 1\n"
        "a.QualcodeApp = Fake\n"
        "a.run(sys.argv[1])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(demo_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr == "error: the project file X is gone; saved to Y\n"


def test_the_store_refuses_to_acknowledge_into_a_vanished_file(
    demo_dir: Path, tmp_path: Path
) -> None:
    import pytest

    from qualcode.errors import ProjectGoneError

    folder = tmp_path / "p"
    shutil.copytree(demo_dir, folder)
    project = open_project(str(folder))
    project.hold_file()
    try:
        kept, _ = project.codings.apply_coding("wawancara_01_pedagang_pasar", "cost", 5, 15)
        shutil.rmtree(folder)
        with pytest.raises(ProjectGoneError, match="is gone"):
            project.codings.apply_coding("wawancara_01_pedagang_pasar", "time", 5, 15)
        with pytest.raises(ProjectGoneError):  # and every write after it
            project.memos.set_coding_memo(kept.guid, "x")
        saved = project.save_copy(tmp_path / "saved.db")
    finally:
        project.close()
    assert [c for c, _s, _e in _codings(saved)] == ["cost"]
