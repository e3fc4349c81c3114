"""``qualcode undo`` / ``qualcode redo``: the same history as the workbench, YAML kept in step."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from qualcode.cli import cli
from tests.conftest import dump_content, dump_db

DOC = "wawancara_01_pedagang_pasar"


def run(*args: str, project: Path) -> Result:
    return CliRunner().invoke(
        cli, ["--project", str(project), "--coder", "nia", *args], prog_name="qualcode"
    )


def test_undo_and_redo_a_coding_and_a_codebook_edit(demo_dir: Path) -> None:
    yaml_file = demo_dir / "kepmenpan-63.yaml"
    yaml_before = yaml_file.read_text(encoding="utf-8")
    before = dump_db(demo_dir / "qualcode.db")
    r = run("code", DOC, "cost", "--sentence", "2", project=demo_dir)
    assert r.exit_code == 0, r.output
    r = run("codebook", "rename", "cost", "Ongkos", "--lang", "id", project=demo_dir)
    assert r.exit_code == 0, r.output
    assert "Ongkos" in yaml_file.read_text(encoding="utf-8")
    r = run("undo", project=demo_dir)
    assert r.exit_code == 0
    assert r.stdout == "undid: edit code cost: label\n"
    assert yaml_file.read_text(encoding="utf-8") == yaml_before  # comments and all
    r = run("undo", project=demo_dir)
    assert r.stdout.startswith(f"undid: code {DOC} [")
    r = run("undo", project=demo_dir)
    assert r.exit_code == 0
    assert r.stdout == ""
    assert r.stderr == "nothing to undo\n"
    after_undo = dump_content(demo_dir / "qualcode.db")
    assert after_undo == [
        x for x in before if not x.startswith(('INSERT INTO "actions"', 'INSERT INTO "coders"'))
    ]
    r = run("redo", "-n", "5", project=demo_dir)
    assert r.stdout.splitlines()[1] == "redid: edit code cost: label"
    assert len(r.stdout.splitlines()) == 2
    assert "Ongkos" in yaml_file.read_text(encoding="utf-8")


def test_bad_step_count(demo_dir: Path) -> None:
    r = run("undo", "-n", "0", project=demo_dir)
    assert r.exit_code == 2
    assert r.stderr.startswith("error: Invalid value for -n: must be at least 1")
