"""``qualcode serve``: the workbench in a real headless Chromium, and its one-line
errors.

The browser test starts the real ``qualcode serve`` on a free port of 127.0.0.1,
opens the page in the system's Chromium through Playwright (every request that
is not to that server is refused, so the page's web fonts never leave the
machine), reads what the page's terminal is sent over its websocket, presses keys
in the page and checks the project's database.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.store import open_project
from qualcode.tui.serve import command, is_local, public_url
from tests.conftest import FAKE_NOW, require

pytestmark = pytest.mark.external

FIRST_DOC = "interview_07_ngo_observer"
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\x1b[=>]")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(ready: Any, timeout: float, what: str) -> None:
    """Poll ``ready()`` until true (a barrier, not a fixed sleep)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if ready():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def accepts(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def served(demo_dir: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``qualcode serve`` on the demo project, on a free port of this machine."""
    port = free_port()
    env = {
        **os.environ,
        "QUALCODE_CODER": "tester",
        "QUALCODE_CONFIG_DIR": str(tmp_path / "config"),
        "QUALCODE_FAKE_NOW": FAKE_NOW,
    }
    log = (tmp_path / "serve.log").open("w", encoding="utf-8")
    binary = Path(sys.executable).parent / "qualcode"
    server = subprocess.Popen(
        [str(binary), "--project", str(demo_dir), "serve", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_until(lambda: accepts(port) or server.poll() is not None, 60, "the server start")
        assert server.poll() is None, (tmp_path / "serve.log").read_text(encoding="utf-8")
        yield f"http://127.0.0.1:{port}", demo_dir
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
        log.close()


def test_the_workbench_in_headless_chromium_codes_a_sentence(
    served: tuple[str, Path], tmp_path: Path
) -> None:
    require("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("playwright is required in CI (the test dependency group has it)")
        pytest.skip("playwright is not installed")
    url, project_dir = served
    received: list[str] = []

    def on_websocket(ws: Any) -> None:
        def frame(payload: str | bytes) -> None:
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
            received.append(text)

        ws.on("framereceived", frame)

    def shown() -> str:
        return ANSI.sub("", "".join(received))

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith(url) else route.abort()
                ),
            )
            page.on("websocket", on_websocket)
            page.goto(url, wait_until="domcontentloaded")

            def wait_shown(text: str) -> None:
                end = time.monotonic() + 60
                while time.monotonic() < end and text not in shown():
                    page.wait_for_timeout(100)  # lets the page's events run meanwhile
                assert text in shown(), shown()[-2000:]

            wait_shown("Good morning, and thanks")  # the transcript
            wait_shown("Prosedur pelayanan")  # the codebook pane
            wait_shown("sentence 1/")
            # focus the terminal on its first row (the status line: clicking the
            # transcript would select a word there)
            page.locator(".textual-terminal").click(position={"x": 4, "y": 4})
            page.keyboard.press("j")
            wait_shown("sentence 2/")
            page.keyboard.press("j")
            wait_shown("sentence 3/")
            page.keyboard.press("2")  # the code key of time
            wait_shown("1 here:")
        finally:
            browser.close()

    def coded() -> bool:
        project = open_project(str(project_dir))
        try:
            return bool(project.codings.codings(doc=FIRST_DOC))
        finally:
            project.close()

    wait_until(coded, 30, "the coding")
    project = open_project(str(project_dir))
    try:
        doc = project.documents.document(FIRST_DOC)
        got = [(c.code, c.start, c.end, c.coder) for c in project.codings.codings(doc=FIRST_DOC)]
    finally:
        project.close()
    third = doc.sentences[2]
    assert got == [("time", third.start, third.end, "tester")]


# ---------------------------------------------------------------------- without a browser


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("127.0.0.2", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("lab.example.org", False),
    ],
)
def test_what_counts_as_this_machine(host: str, local: bool) -> None:
    assert is_local(host) is local


def test_the_page_address_and_the_command() -> None:
    assert public_url("127.0.0.1", 8000, None) == "http://127.0.0.1:8000"
    assert public_url("::1", 8001, None) == "http://[::1]:8001"
    assert public_url("0.0.0.0", 8000, "https://lab.example.org/qualcode/") == (
        "https://lab.example.org/qualcode"
    )
    line = command(coder="Sri Rahayu", blind=True)
    assert line.endswith("-m qualcode --coder 'Sri Rahayu' --blind")
    assert "--project" not in line  # the location travels in QUALCODE_PROJECT


def test_another_host_is_warned_about_and_a_bad_address_is_one_line(demo_dir: Path) -> None:
    # 192.0.2.1 (TEST-NET-1) is no address of this machine: listening fails at once
    port = free_port()
    result = CliRunner().invoke(
        cli,
        ["--project", str(demo_dir), "serve", "--host", "192.0.2.1", "--port", str(port)],
        prog_name="qualcode",
    )
    lines = result.stderr.splitlines()
    assert result.exit_code == 1
    assert lines[0] == (
        "warning: serving on 192.0.2.1: qualcode has no login of its own, so anyone who "
        f"can reach port {port} can read and change this project; put a reverse proxy "
        "with a password in front (docs/workbench.md shows one)"
    )
    assert lines[-1] == (
        f"error: cannot listen on 192.0.2.1:{port}: the address is not one of this "
        "machine's (choose another port with --port, or stop what uses it)"
    )
    assert "Traceback" not in result.output


def test_localhost_is_not_warned_about_and_a_port_in_use_is_one_line(demo_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            cli, ["--project", str(demo_dir), "serve", "--port", str(port)], prog_name="qualcode"
        )
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert not any(line.startswith("warning:") for line in lines)
    assert (
        lines[0] == f"serving {demo_dir / 'qualcode.db'} at http://127.0.0.1:{port} (ctrl+c stops)"
    )
    assert lines[-1] == (
        f"error: cannot listen on 127.0.0.1:{port}: the port is in use "
        "(choose another port with --port, or stop what uses it)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serve", "--port", "0"], "Invalid value for '--port'"),
        (["serve", "--public-url", "lab.example.org"], "is not a web address"),
    ],
)
def test_bad_options_are_one_line(demo_dir: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["--project", str(demo_dir), *args], prog_name="qualcode")
    assert result.exit_code != 0
    assert message in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("error:")]) == 1


def test_no_project_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--project", str(tmp_path / "nothing"), "serve"], prog_name="qualcode"
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no project at ")


def test_each_tab_speaks_the_language_chosen_and_only_that() -> None:
    """A chosen language travels to the tabs; with none chosen, a tab follows the
    environment as the terminal does (so the codebook labels are the same in both)."""
    from qualcode.i18n import set_language

    assert "--ui-lang" not in command()
    try:
        set_language("id")
        assert command().endswith("-m qualcode --ui-lang id")
    finally:
        set_language(None)
    assert "--ui-lang" not in command()
