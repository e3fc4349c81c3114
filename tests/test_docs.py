"""The documentation stays true: the CLI reference is the commands' own help, every
command and option has help, the README links every screenshot that exists."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs"))

import cli_reference  # noqa: E402


def test_every_command_and_option_has_help() -> None:
    assert cli_reference.undocumented() == []


def test_docs_cli_md_is_the_current_help() -> None:
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == cli_reference.reference(), (
        "docs/cli.md is out of date: run .venv/bin/python docs/cli_reference.py"
    )


def test_the_readme_lists_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == cli_reference.readme_with_summary(readme), (
        "the README's command table is out of date: run .venv/bin/python docs/cli_reference.py"
    )
    table = readme.split(cli_reference.START, 1)[1].split(cli_reference.END, 1)[0]
    listed = set(re.findall(r"\[`(qualcode [^`]+)`\]", table))
    every = {path for path, _cmd, _ctx in cli_reference.commands()[1:]}
    assert listed == every and len(every) > 40


@pytest.mark.parametrize(
    "path", [p for p, _c, _x in cli_reference.commands()], ids=lambda p: p.replace(" ", "-")
)
def test_every_command_answers_help(path: str) -> None:
    """``qualcode ... --help`` prints the same text the reference holds, exit 0."""
    from qualcode.cli import cli

    args = [*path.split()[1:], "--help"]
    result = CliRunner().invoke(cli, args, prog_name="qualcode", terminal_width=88)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: {path} ")


def test_the_readme_shows_every_screenshot_and_each_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((docs/[^)]+\.svg)\)", readme))
    on_disk = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.svg")}
    assert linked == on_disk
    sys.path.insert(0, str(ROOT / "docs"))
    import screenshots

    assert {f"docs/{name}.svg" for name, *_ in screenshots.SHOTS} == on_disk
