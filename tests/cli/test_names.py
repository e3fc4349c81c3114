"""Names with control characters are refused where they come in; names already in a
project (an old file, rows written by other means) are shown escaped in every output."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.core.names import check_name, control_character, escape
from qualcode.errors import InputError
from tests.conftest import dump_db

DOC = "wawancara_01_pedagang_pasar"


def run(project: Path, *args: str, **env: str) -> object:
    return CliRunner(env=env or None).invoke(
        cli, ["--project", str(project), *args], prog_name="qualcode"
    )


@pytest.mark.parametrize(
    ("value", "shown", "code"),
    [
        ("ani\nbudi", "ani\\nbudi", "U+000A"),
        ("ani\tbudi", "ani\\tbudi", "U+0009"),
        ("\x1b[31mred", "\\x1b[31mred", "U+001B"),
        ("left\u202eright", "left\\u202eright", "U+202E"),
        ("a\x00b", "a\\x00b", "U+0000"),
        ("del\x7f", "del\\x7f", "U+007F"),
        ("line\u2028sep", "line\\u2028sep", "U+2028"),
    ],
)
def test_control_characters_are_refused_and_shown_escaped(
    value: str, shown: str, code: str
) -> None:
    assert control_character(value) == code
    assert escape(value) == shown
    with pytest.raises(InputError) as caught:
        check_name(value, "coder name")
    assert str(caught.value).startswith(
        f"the coder name '{shown}' holds a control character ({code})"
    )
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value)


@pytest.mark.parametrize("name", ["Ani", "Bu Sari", "petugas-1", "Ñoño", "李", "a\\b"])
def test_ordinary_names_pass_unchanged(name: str) -> None:
    assert check_name(name, "coder name") == name
    assert escape(name) == name


@pytest.mark.parametrize("how", ["option", "env"])
def test_a_coder_name_with_a_newline_is_refused(demo_dir: Path, how: str) -> None:
    before = dump_db(demo_dir / "qualcode.db")
    args = ["code", DOC, "cost", "--start", "0", "--end", "5"]
    if how == "option":
        r = run(demo_dir, "--coder", "ani\nx", *args)
    else:
        r = run(demo_dir, *args, QUALCODE_CODER="ani\nx")
    assert r.exit_code == 1  # type: ignore[attr-defined]
    assert r.stderr == (  # type: ignore[attr-defined]
        "error: the coder name 'ani\\nx' holds a control character (U+000A); refused "
        "(give another with --coder or QUALCODE_CODER)\n"
    )
    assert dump_db(demo_dir / "qualcode.db") == before


def test_a_document_name_with_a_control_character_is_refused(
    demo_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "wawancara\x1b[2Jbaru.txt"
    source.write_text("Narasumber: ya, lama sekali.\n", encoding="utf-8")
    before = dump_db(demo_dir / "qualcode.db")
    r = run(demo_dir, "import", str(source))
    assert r.exit_code == 1  # type: ignore[attr-defined]
    line = r.stderr  # type: ignore[attr-defined]
    assert "\x1b" not in line
    shown = str(source).replace(chr(27), "\\x1b")
    assert line == (
        f"error: {shown}: the document name "
        "'wawancara\\x1b[2Jbaru' holds a control character (U+001B); refused "
        "(rename the file (a document is named after it))\n"
    )
    assert dump_db(demo_dir / "qualcode.db") == before


@pytest.mark.parametrize(
    "args",
    [
        ["codebook", "add", "cost\nx", "--label", "X"],
        ["codebook", "add", "tab\tid", "--label", "X"],
        ["codebook", "set-id", "cost", "cost\u202e"],
    ],
)
def test_a_code_id_with_a_control_character_is_refused(demo_dir: Path, args: list[str]) -> None:
    before = dump_db(demo_dir / "qualcode.db")
    r = run(demo_dir, *args)
    assert r.exit_code != 0  # type: ignore[attr-defined]
    assert len(r.stderr.splitlines()) == 1  # type: ignore[attr-defined]
    assert "bad code id" in r.stderr  # type: ignore[attr-defined]
    assert dump_db(demo_dir / "qualcode.db") == before


def test_a_code_id_with_a_newline_in_a_codebook_file(tmp_path: Path) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text('version: 1\ncodes:\n  - id: "cost\\n"\n    label: Cost\n', encoding="utf-8")
    r = CliRunner().invoke(cli, ["codebook", "validate", str(path)], prog_name="qualcode")
    assert r.exit_code == 1
    assert r.stderr.startswith(f"error: {path}:3:9: bad code id 'cost\\n'")


def test_names_already_stored_are_shown_escaped(demo_dir: Path) -> None:
    r = run(demo_dir, "code", DOC, "cost", "--start", "0", "--end", "5")
    assert r.exit_code == 0  # type: ignore[attr-defined]
    con = sqlite3.connect(demo_dir / "qualcode.db")
    con.execute("UPDATE codings SET coder = 'ani\nfake\tline'")
    con.execute("UPDATE actions SET coder = 'ani\nfake', summary = summary || ' \x1b[2J'")
    con.execute("UPDATE documents SET name = 'doc\x1b[31mred' WHERE name = ?", (DOC,))
    con.execute(
        "INSERT INTO coders (guid, name, created, role) VALUES ('g', 'eve\nx', 'x', 'coder')"
    )
    con.commit()
    con.close()
    outputs = {}
    for args in (["codings"], ["log", "-n", "50"], ["documents"], ["team", "list"]):
        r = run(demo_dir, *args)
        assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
        out = r.stdout  # type: ignore[attr-defined]
        assert "\x1b" not in out
        outputs[args[0]] = out
    codings = outputs["codings"].splitlines()
    assert len(codings) == 1
    assert codings[0].startswith("doc\\x1b[31mred\t0\t5\tcost\tani\\nfake\\tline\t")
    assert "ani\\nfake" in outputs["log"]
    assert all(not line.startswith("fake") for line in outputs["log"].splitlines())
    assert "doc\\x1b[31mred" in outputs["documents"]
    assert "eve\\nx" in outputs["team"]
