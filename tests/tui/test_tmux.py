"""The real ``qualcode`` binary in a real terminal (tmux): type keys, read the screen."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from qualcode.store import open_project
from tests.conftest import require

FIRST_DOC = "interview_07_ngo_observer"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def wait_for(session: str, text: str, timeout: float = 30) -> str:
    """Poll the pane until ``text`` shows (a barrier, not a fixed sleep)."""
    end = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < end:
        screen = tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


@pytest.mark.slow
def test_code_a_sentence_in_the_real_binary(demo_dir: Path) -> None:
    require("tmux")
    binary = Path(sys.executable).parent / "qualcode"
    assert binary.exists()
    session = f"qualcode-test-{uuid.uuid4().hex[:8]}"
    env = (
        f"QUALCODE_CODER=tester QUALCODE_CONFIG_DIR={demo_dir / 'config'} "
        f"QUALCODE_FAKE_NOW=2026-01-15T09:30:00Z TERM=xterm-256color"
    )
    tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "100",
        "-y",
        "30",
        f"env {env} {binary} --project {demo_dir}",
    )
    try:
        wait_for(session, "Good morning")
        wait_for(session, "sentence 1/")
        tmux("send-keys", "-t", session, "j", "j")
        wait_for(session, "sentence 3/")
        tmux("send-keys", "-t", session, "2")  # code: time
        screen = wait_for(session, "1 here:")
        assert "Waktu penyelesaian" in screen
        tmux("send-keys", "-t", session, "\\;", "6", "b")  # ; must be escaped for tmux
        wait_for(session, "2 here:")
        tmux("send-keys", "-t", session, "u")  # undo the last one
        wait_for(session, "1 here:")
        tmux("send-keys", "-t", session, "q")
        end = time.monotonic() + 10
        while time.monotonic() < end:
            alive = subprocess.run(
                ["tmux", "has-session", "-t", session], capture_output=True
            ).returncode
            if alive != 0:
                break
            time.sleep(0.1)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    project = open_project(str(demo_dir))
    doc = project.document(FIRST_DOC)
    got = [(c.code, c.start, c.end, c.coder) for c in project.codings(doc=FIRST_DOC)]
    project.close()
    s = doc.sentences[2]
    assert got == [("time", s.start, s.end, "tester")]
    assert shutil.which("tmux")
