"""The documentation stays true.

- docs/cli.md's "Every command" section is the commands' own ``--help``; every command
  and option has help; every ``qualcode ...`` line the guides show names a command and
  options that exist.
- Every relative link in README.md, CONTRIBUTING.md and docs/*.md points at a file
  that exists and, with ``#anchor``, at a heading of it (GitHub's anchors).
- The README stays a README (at most 15 KB) that shows the main screenshot, links every
  guide, and every screenshot in docs/ is shown by some page.
- The CHANGELOG keeps Keep a Changelog's form.
"""

from __future__ import annotations

import re
import shlex
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs"))

import cli_reference  # noqa: E402

README = ROOT / "README.md"
README_MAX_BYTES = 15_000
MAIN_SCREENSHOT = "docs/coding-screen.svg"
PAGES = sorted([README, ROOT / "CONTRIBUTING.md", *(ROOT / "docs").glob("*.md")])


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# ------------------------------------------------------------------ markdown helpers

FENCE = re.compile(r"^(```|~~~)")


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) outside fenced code blocks, inline code spans blanked."""
    out = []
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if not fenced:
            out.append((number, re.sub(r"``.*?``|`[^`]*`", "``", line)))
    return out


def code_blocks(text: str) -> list[tuple[int, str]]:
    """(line number, line) inside fenced code blocks."""
    out = []
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        if fenced:
            out.append((number, line))
    return out


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: the rendered text lowercased, punctuation other
    than ``-`` and ``_`` dropped, spaces turned into hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links: their text
    text = text.replace("`", "").replace("*", "").strip().lower()
    kept = (
        ch for ch in text if ch.isalnum() or ch in "-_ " or unicodedata.category(ch).startswith("M")
    )
    return "".join(kept).replace(" ", "-")


LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)")


def links(path: Path) -> list[tuple[int, str]]:
    """(line number, target) of every link and image outside code."""
    found = []
    for number, line in prose_lines(read(path)):
        found += [(number, m.group(1)) for m in LINK.finditer(line)]
        if m := REFERENCE.match(line):
            found.append((number, m.group(1)))
    return found


def is_external(target: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:", target))


def heading_anchors(path: Path) -> set[str]:
    """Anchors from the headings as written (inline code kept)."""
    seen: Counter[str] = Counter()
    out = set()
    fenced = False
    for line in read(path).splitlines():
        if FENCE.match(line.lstrip()):
            fenced = not fenced
            continue
        m = None if fenced else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m:
            base = slug(m.group(1))
            out.add(base if not seen[base] else f"{base}-{seen[base]}")
            seen[base] += 1
    return out


def broken_links(page: Path) -> list[str]:
    problems = []
    for number, target in links(page):
        if is_external(target):
            continue
        where = f"{rel(page)}:{number}: {target}"
        file_part, _, anchor = target.partition("#")
        dest = (page.parent / file_part).resolve() if file_part else page
        if ROOT not in dest.parents and dest != ROOT:
            problems.append(f"{where}: leaves the repository")
        elif not dest.exists():
            problems.append(f"{where}: no such file")
        elif anchor:
            if dest.suffix != ".md":
                problems.append(f"{where}: an anchor into a file that is not Markdown")
            elif anchor not in heading_anchors(dest):
                problems.append(f"{where}: no heading with anchor #{anchor} in {rel(dest)}")
    return problems


# ------------------------------------------------------------------ the helpers themselves


def test_slugs_follow_github() -> None:
    assert slug("Crash safety, damaged input, schema upgrades") == (
        "crash-safety-damaged-input-schema-upgrades"
    )
    assert slug("REFI-QDA: exchange with NVivo, ATLAS.ti") == "refi-qda-exchange-with-nvivo-atlasti"
    assert (
        slug("Matrices, reports and supervisor review") == "matrices-reports-and-supervisor-review"
    )
    assert slug("`make test` — everything") == "make-test--everything"
    assert slug("qualcode codebook merge-code") == "qualcode-codebook-merge-code"
    assert slug("snake_case and [a link](x.md)") == "snake_case-and-a-link"


def test_the_link_checker_finds_what_is_broken(tmp_path: Path) -> None:
    page = ROOT / "docs" / "__probe__.md"
    page.write_text(
        "# Title\n\n## A section\n\n[ok](#a-section) [ok](cli.md#every-command)\n"
        "[bad](#nowhere) [bad](missing.md) [bad](cli.md#nowhere) ![x](nothing.svg)\n"
        "`[not a link](missing.md)`\n\n```\n[not a link](missing.md)\n```\n"
        "[web](https://example.org/x) [out](../../x.md)\n",
        encoding="utf-8",
    )
    try:
        problems = broken_links(page)
    finally:
        page.unlink()
    assert [p.split(": ", 1)[1] for p in problems] == [
        "#nowhere: no heading with anchor #nowhere in docs/__probe__.md",
        "missing.md: no such file",
        "cli.md#nowhere: no heading with anchor #nowhere in docs/cli.md",
        "nothing.svg: no such file",
        "../../x.md: leaves the repository",
    ]


# ------------------------------------------------------------------ links and pages


@pytest.mark.parametrize("page", PAGES, ids=rel)
def test_every_relative_link_points_at_a_file_and_heading(page: Path) -> None:
    assert broken_links(page) == []


def test_the_readme_is_a_readme() -> None:
    size = len(README.read_bytes())
    assert size <= README_MAX_BYTES, f"README.md is {size} bytes; move detail into a guide"


def test_the_readme_links_every_guide_and_contributing() -> None:
    targets = {target.partition("#")[0] for _n, target in links(README)}
    guides = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert guides - targets == set(), "add these guides to the README's list of guides"
    assert {"CONTRIBUTING.md", "CHANGELOG.md"} <= targets


def test_every_screenshot_is_shown_and_the_readme_shows_the_main_one() -> None:
    shown: set[str] = set()
    for page in PAGES:
        for _n, target in links(page):
            if target.endswith(".svg") and not is_external(target):
                shown.add(rel((page.parent / target).resolve()))
    on_disk = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.svg")}
    assert on_disk - shown == set(), "screenshots no page shows"
    assert shown <= on_disk
    readme_shows = {t for _n, t in links(README) if t.endswith(".svg")}
    assert MAIN_SCREENSHOT in readme_shows
    import screenshots

    assert {f"docs/{name}.svg" for name, *_ in screenshots.SHOTS} == on_disk


# ------------------------------------------------------------------ the CLI reference


def test_every_command_and_option_has_help() -> None:
    assert cli_reference.undocumented() == []


def test_docs_cli_md_is_the_current_help() -> None:
    written = read(ROOT / "docs" / "cli.md")
    assert written == cli_reference.with_reference(written), (
        "docs/cli.md is out of date: run .venv/bin/python docs/cli_reference.py"
    )


def test_the_reference_lists_every_command() -> None:
    written = read(ROOT / "docs" / "cli.md")
    table = written.split(cli_reference.START, 1)[1].split(cli_reference.END, 1)[0]
    listed = set(re.findall(r"^\| \[`(qualcode [^`]+)`\]", table, flags=re.M))
    every = {path for path, _cmd, _ctx in cli_reference.commands()[1:]}
    assert listed == every and len(every) > 40
    helps = set(re.findall(r"^### (qualcode.*)$", table, flags=re.M))
    assert helps == every | {"qualcode"}


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


# ------------------------------------------------------------------ command lines in the docs


def command_lines(page: Path) -> list[tuple[int, str]]:
    """``qualcode ...`` lines of the code blocks (``$ `` prompts and comments dropped,
    ``\\`` continuations joined)."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, line in code_blocks(read(page)):
        if pending is not None:
            start, text = pending
            line = f"{text} {line.strip()}"
            number = start
            pending = None
        else:
            line = line.strip().removeprefix("$ ")
            if not re.match(r"^qualcode(\s|$)", line):
                continue
        line = re.split(r"\s#(?:\s|$)", line, maxsplit=1)[0].rstrip()
        if line.endswith("\\"):
            pending = (number, line[:-1].rstrip())
            continue
        out.append((number, line))
    return out


def option_of(cmd: click.Command, name: str) -> click.Parameter | None:
    for param in cmd.params:
        if isinstance(param, click.Option) and name in (*param.opts, *param.secondary_opts):
            return param
    return None


def check_command_line(line: str) -> str | None:
    """What is wrong with a documented ``qualcode ...`` line, or None."""
    from qualcode.cli import cli

    try:
        words = shlex.split(line)
    except ValueError as exc:
        return f"cannot be split into words ({exc})"
    cmd: click.Command = cli
    path = "qualcode"
    args_seen = False
    i = 1
    while i < len(words):
        word = words[i].strip("[]()")
        i += 1
        if word in ("-h", "--help") or word in ("|", "...", ""):
            continue
        if word.startswith("-") and len(word) > 1 and not word[1].isdigit():
            name = word.split("=", 1)[0]
            param = option_of(cmd, name)
            if param is None:
                return f"{path} has no option {name}"
            assert isinstance(param, click.Option)
            if not (param.is_flag or param.count) and "=" not in word:
                i += param.nargs
            continue
        if isinstance(cmd, click.Group) and not args_seen:
            sub = cmd.get_command(click.Context(cmd), word)
            if sub is None:
                return f"{path} has no command {word!r}"
            cmd, path = sub, f"{path} {word}"
            continue
        args_seen = True
    return None


def test_the_command_line_checker_catches_stale_lines() -> None:
    assert check_command_line("qualcode --coder ani codings --json") is None
    assert check_command_line("qualcode codebook merge-files a.yaml b.yaml -o -") is None
    assert check_command_line("qualcode codings --jsn") == "qualcode codings has no option --jsn"
    assert check_command_line("qualcode codebok show") == "qualcode has no command 'codebok'"
    assert check_command_line("qualcode codings --project x.db") == (
        "qualcode codings has no option --project"
    )


@pytest.mark.parametrize("page", PAGES, ids=rel)
def test_every_documented_command_line_exists(page: Path) -> None:
    problems = [
        f"{rel(page)}:{number}: {line}: {why}"
        for number, line in command_lines(page)
        if (why := check_command_line(line)) is not None
    ]
    assert problems == []


def test_the_guides_show_command_lines() -> None:
    """The checker above has something to check."""
    assert sum(len(command_lines(page)) for page in PAGES) > 60


# ------------------------------------------------------------------ the changelog

KINDS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")


def test_the_changelog_keeps_its_form() -> None:
    text = read(ROOT / "CHANGELOG.md")
    releases = re.findall(r"^## (.*)$", text, flags=re.M)
    assert releases[0] == "[Unreleased]"
    for heading in releases[1:]:
        assert re.fullmatch(r"\[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}", heading), heading
    for section in re.split(r"^## .*$", text, flags=re.M)[1:]:
        kinds = re.findall(r"^### (.*)$", section, flags=re.M)
        assert len(kinds) == len(set(kinds)), kinds
        assert set(kinds) <= set(KINDS), kinds
    defined = set(re.findall(r"^\[([^\]]+)\]: \S+$", text, flags=re.M))
    named = {h.split("]")[0].lstrip("[") for h in releases}
    assert named == defined, "every version heading needs its link reference at the bottom"
