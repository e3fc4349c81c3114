"""The real ``qualcode`` binary in a real terminal (tmux): type keys, read the screen.

Every test runs its own tmux server on its own socket (``tmux -L <unique name>``,
no configuration file, ``TMUX`` left out of its environment), so the tests pass
the same when the person running them is inside tmux or has other tmux servers
running, and they never touch those servers.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualcode.store import open_project
from tests.conftest import require

pytestmark = [pytest.mark.external, pytest.mark.serial]  # one terminal server at a time

FIRST_DOC = "interview_07_ngo_observer"
BINARY = Path(sys.executable).parent / "qualcode"


class Tmux:
    """One private tmux server (its own socket) running one session."""

    def __init__(self) -> None:
        self.socket = f"qualcode-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.session = "qc"
        # a tmux server started from inside tmux must not think it is nested
        self.env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "TMUX_PANE")}

    def __call__(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            check=True,
            env=self.env,
        ).stdout

    def start(self, command: str, *, width: int, height: int, cwd: Path | None = None) -> None:
        """Start the session (and the server) running ``command`` in a pane of this size."""
        args = ["new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height)]
        if cwd is not None:
            args += ["-c", str(cwd)]
        self(*args, command)

    def keys(self, *keys: str) -> None:
        self("send-keys", "-t", self.session, *keys)

    def screen(self, *, escapes: bool = False) -> str:
        """The pane's text (``escapes``: with its colours and attributes)."""
        return self("capture-pane", "-p", *(["-e"] if escapes else []), "-t", self.session)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        """Poll the pane until ``text`` shows (a barrier, not a fixed sleep)."""
        end = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < end:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def wait_until_gone(self, text: str, timeout: float = 30) -> str:
        """Poll the pane until ``text`` no longer shows."""
        end = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < end:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never went away; the screen was:\n{screen}")

    def wait_gone(self, timeout: float = 10) -> None:
        """Wait until the session has ended (the program quit)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            alive = subprocess.run(
                ["tmux", "-L", self.socket, "has-session", "-t", self.session],
                capture_output=True,
                env=self.env,
            ).returncode
            if alive != 0:
                return
            time.sleep(0.1)
        raise AssertionError("qualcode did not quit")

    def kill(self) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"], capture_output=True, env=self.env
        )


def underlined(captured: str) -> str:
    """The underlined text of a ``capture-pane -e`` capture (SGR 4 on, 0 or 24 off)."""
    out: list[str] = []
    on = False
    for params, text in re.findall(r"\x1b\[([0-9;]*)m([^\x1b]*)", "\x1b[0m" + captured):
        for p in params.split(";") if params else ["0"]:
            if p in ("0", "24"):
                on = False
            elif p == "4":
                on = True
        if on:
            out.append(text)
    return "".join(out)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    """A private tmux server, killed after the test."""
    require("tmux")
    assert BINARY.exists()
    server = Tmux()
    try:
        yield server
    finally:
        server.kill()


def workbench(demo_dir: Path, *, term: str = "xterm-256color", extra: str = "") -> str:
    env = (
        f"QUALCODE_CODER=tester QUALCODE_CONFIG_DIR={demo_dir / 'config'} "
        f"QUALCODE_FAKE_NOW=2026-01-15T09:30:00Z TERM={term} {extra}"
    )
    return f"env {env} {BINARY} --project {demo_dir}"


@pytest.mark.slow
def test_code_a_sentence_in_the_real_binary(demo_dir: Path, tmux: Tmux) -> None:
    tmux.start(workbench(demo_dir), width=100, height=30)
    tmux.wait_for("Good morning")
    tmux.wait_for("sentence 1/")
    tmux.keys("j", "j")
    tmux.wait_for("sentence 3/")
    tmux.keys("2")  # code: time
    screen = tmux.wait_for("1 here:")
    assert "Waktu penyelesaian" in screen
    tmux.keys("\\;", "6", "b")  # ; must be escaped for tmux
    tmux.wait_for("2 here:")
    tmux.keys("u")  # undo the last one
    tmux.wait_for("1 here:")
    tmux.keys("q")
    tmux.wait_gone()
    project = open_project(str(demo_dir))
    doc = project.documents.document(FIRST_DOC)
    got = [(c.code, c.start, c.end, c.coder) for c in project.codings.codings(doc=FIRST_DOC)]
    project.close()
    s = doc.sentences[2]
    assert got == [("time", s.start, s.end, "tester")]


@pytest.mark.slow
def test_every_screen_is_reachable_at_80x24(demo_dir: Path, tmux: Tmux) -> None:
    """At 80x24 the document list is hidden: ``o`` opens any document, and every
    screen opens and shows its title."""
    tmux.start(workbench(demo_dir), width=80, height=24)
    tmux.wait_for("sentence 1/")
    screen = tmux.screen()
    assert "Documents (" not in screen  # hidden at this width
    assert "o Open…" in screen  # and the footer says how to open one
    tmux.keys("o")
    tmux.wait_for("Open a document (8 in this project)")
    tmux.keys(*"petani")
    tmux.wait_for("1 of 8 shown")
    tmux.keys("Enter")
    screen = tmux.wait_for("╭─ wawancara_03_petani")  # the transcript's title
    assert "Pewawancara: Punten" in screen
    for key, title, back in (
        ("?", "At this width the document list is hidden", "Escape"),
        ("V", "review as tester", "Escape"),
        ("/", "exact text (ctrl+l)", "Escape"),
        ("S", "uggestion", "Escape"),
        ("T", "Words by", "Escape"),
        ("E", "in no theme", "Escape"),
        ("a", "Case and attributes", "Escape"),
        ("C-p", "Search for commands", "Escape"),
    ):
        tmux.keys(key)
        tmux.wait_for(title)
        tmux.keys(back)
        tmux.wait_until_gone(title)
        tmux.wait_for("sentence 1/")
    tmux.keys("C-p")
    tmux.wait_for("Search for commands")
    tmux.keys(*"Open document: wawancara_06")
    tmux.wait_for("Open document: wawancara_06_guru")
    tmux.keys("Enter")
    tmux.wait_for("╭─ wawancara_06_guru")
    tmux.keys("q")
    tmux.wait_gone()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("term", "extra", "marked"),
    [("xterm", "", True), ("xterm-256color", "NO_COLOR=1", True), ("xterm-256color", "", False)],
    ids=["16-colours", "no-color", "256-colours"],
)
def test_codings_stay_visible_without_colour(
    demo_dir: Path, tmux: Tmux, term: str, extra: str, marked: bool
) -> None:
    """With 16 colours or NO_COLOR, coded text is underlined and the gutter marks the
    coding's start: a coding is visible without telling colours apart (with 256
    colours and more, the tint does it and the text is not underlined)."""
    tmux.start(workbench(demo_dir, term=term, extra=extra), width=80, height=24)
    tmux.wait_for("sentence 1/")
    tmux.keys("j", "2")  # the second sentence: "Is it all right if I record the conversation?"
    tmux.wait_for("1 here:")
    tmux.keys("j", "j")  # move the selection away: only the coding marks the text
    tmux.wait_for("sentence 4/")
    screen = tmux.screen(escapes=True)
    line = next(row for row in screen.splitlines() if "record the" in row)
    assert ("record the conversation?" in underlined(line)) is marked
    assert "Good morning" not in underlined(screen)
    plain = tmux.screen().splitlines()
    start = next(row for row in plain if "all right if I" in row)
    assert start.lstrip("│").startswith("▛")
    tmux.keys("q")
    tmux.wait_gone()


@pytest.mark.slow
def test_first_run_in_an_empty_folder_makes_a_project(tmp_path: Path, tmux: Tmux) -> None:
    """``qualcode`` in an empty folder: the first-run screen, ``c``, the coding screen."""
    folder = tmp_path / "fieldwork"
    folder.mkdir()
    env = (
        f"QUALCODE_CODER=tester QUALCODE_CONFIG_DIR={tmp_path / 'config'} "
        f"QUALCODE_DATA_DIR={tmp_path / 'data'} TERM=xterm-256color"
    )
    tmux.start(f"env {env} {BINARY}", width=110, height=40, cwd=folder)
    tmux.wait_for("Welcome to qualcode")
    screen = tmux.wait_for("Kepmenpan 63")
    # the demo interviews are offered ticked in an empty folder; nothing else is listed
    assert "▐X▌ The eight demo interviews" in screen
    tmux.keys("c")
    tmux.wait_for("sentence 1/")
    tmux.wait_for("Prosedur pelayanan")  # the codebook pane of the new project
    tmux.keys("q")
    tmux.wait_gone()
    project = open_project(str(folder / "qualcode.db"))
    try:
        assert (
            len(project.documents.documents()) == 8
        )  # the shipped interviews, offered in an empty folder
        assert len(project.codebook()) == 30
    finally:
        project.close()


@pytest.mark.slow
def test_unticked_boxes_are_empty_in_a_plain_capture(tmp_path: Path, tmux: Tmux) -> None:
    folder = tmp_path / "fieldwork"
    folder.mkdir()
    (folder / "wawancara.txt").write_text("P: Antre lama sekali.\n", encoding="utf-8")
    env = (
        f"QUALCODE_CODER=tester QUALCODE_CONFIG_DIR={tmp_path / 'config'} "
        f"QUALCODE_DATA_DIR={tmp_path / 'data'} TERM=xterm-256color"
    )
    tmux.start(f"env {env} {BINARY}", width=110, height=40, cwd=folder)
    screen = tmux.wait_for("The eight demo interviews")
    assert "▐X▌ wawancara.txt" in screen  # found here: ticked
    assert "▐ ▌ The eight demo interviews" in screen  # not ticked when files are found
    tmux.keys("q")
