"""One line, never a traceback: every case issue 16 listed, each a regression test.

Each command must exit non-zero with exactly one ``error:`` line on stderr, nothing
that looks like a traceback, and (where it could change it) the project as it was.
Disk full and read-only disks are made for real: a file-size limit
(``RLIMIT_FSIZE``) in a child process, and, as root, a small tmpfs (full) or a
tmpfs remounted read-only; as another user, ``chmod``.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcode.cli import cli
from tests.conftest import ROOT, dump_db

DOC = "wawancara_01_pedagang_pasar"


def run(project: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), *args], prog_name="qualcode")


def one_line(r: Result, starts: str = "error: ") -> str:
    assert r.exit_code != 0, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(starts), lines[0]
    assert "Traceback" not in r.output
    return lines[0]


# ---------------------------------------------------------------------- inputs


def test_a_subrip_time_of_99999999999_hours(demo_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "huge.srt"
    path.write_text(
        "1\n99999999999:00:00,000 --> 99999999999:00:01,000\nAni: halo semua.\n\n"
        "2\n00:00:02,000 --> 00:00:03,000\nBudi: ya.\n",
        encoding="utf-8",
    )
    before = dump_db(demo_dir / "qualcode.db")
    line = one_line(run(demo_dir, "import", str(path)))
    assert line == (
        f"error: {path}:2: a cue time is out of range (more hours than any recording has) "
        "(check its time lines: hours, minutes, seconds)"
    )
    assert dump_db(demo_dir / "qualcode.db") == before


def test_a_webvtt_time_of_99999999999_hours_is_not_dropped(demo_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "huge.vtt"
    path.write_text(
        "WEBVTT\n\n99999999999:00:00.000 --> 99999999999:00:01.000\nAni: halo semua.\n\n"
        "00:00:02.000 --> 00:00:03.000\nBudi: ya.\n",
        encoding="utf-8",
    )
    line = one_line(run(demo_dir, "import", str(path)))
    assert line.startswith(f"error: {path}:3: a cue time is out of range")


def _chain(n: int) -> str:
    lines = ["version: 1", "codes:", "  - id: c0", "    label: C0"]
    for i in range(1, n):
        lines += [f"  - id: c{i}", f"    label: C{i}", f"    parent: c{i - 1}"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("command", ["validate", "sync"])
def test_a_codebook_parent_chain_990_deep(demo_dir: Path, tmp_path: Path, command: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(_chain(990), encoding="utf-8")
    before = dump_db(demo_dir / "qualcode.db")
    line = one_line(run(demo_dir, "codebook", command, str(path)))
    assert line == (
        f"error: {path}:304:13: code 'c100' is 101 levels deep (at most 100) "
        "(use a flatter codebook)"
    )
    assert dump_db(demo_dir / "qualcode.db") == before


def test_a_hundred_levels_are_still_fine(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(_chain(100), encoding="utf-8")
    r = CliRunner().invoke(cli, ["codebook", "validate", str(path)], prog_name="qualcode")
    assert r.exit_code == 0, r.output


def _nested_codes(n: int) -> str:
    opening = "".join(
        f'<Code guid="{i:08d}-0000-4000-8000-000000000000" name="c{i}" isCodable="true">'
        for i in range(n)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x"><Codes>'
        + opening
        + "</Code>" * n
        + "</Codes></CodeBook>"
    )


def test_five_thousand_nested_code_elements(demo_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "nested.qdc"
    path.write_text(_nested_codes(5000), encoding="utf-8")
    before = dump_db(demo_dir / "qualcode.db")
    line = one_line(run(demo_dir, "import", str(path)))
    assert line == (
        f"error: {path}: codes are nested more than 100 levels deep; refused "
        "(a codebook that deep cannot be shown or written back)"
    )
    assert dump_db(demo_dir / "qualcode.db") == before


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["code", DOC, "cost", "--start", "99999999999999999999999", "--end", "5"], "--start"),
        (["code", DOC, "cost", "--start", "0", "--end", "-99999999999999999999999"], "--end"),
        (["code", DOC, "cost", "--sentence", "99999999999999999999999"], "--sentence"),
        (["log", "-n", "99999999999999999999"], "-n"),
        (["undo", "-n", "99999999999999999999"], "-n"),
        (["search", "antre", "--limit", "99999999999999999999"], "--limit"),
        (["review", "revise", "x", "--start", "99999999999999999999"], "--start"),
    ],
)
def test_huge_numbers(demo_dir: Path, args: list[str], option: str) -> None:
    line = one_line(run(demo_dir, *args))
    assert f"Invalid value for '{option}':" in line
    assert "is too large (at most 9,007,199,254,740,991)" in line


def test_a_number_that_fits_but_is_outside_the_text(demo_dir: Path) -> None:
    line = one_line(run(demo_dir, "code", DOC, "cost", "--start", "9007199254740991", "--end", "5"))
    assert line.startswith("error: span [9007199254740991:5] is outside")


# ---------------------------------------------------------------------- a damaged page


def _damage_a_page(db: Path) -> None:
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'codings'").fetchone()[0]
    size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    with db.open("r+b") as fh:
        fh.seek((root - 1) * size)
        fh.write(b"\x07" * 12)


@pytest.mark.parametrize(
    "args",
    [
        ["code", DOC, "time", "--start", "4", "--end", "9"],
        ["codings"],
        ["documents"],
        ["export", "frequency", "-o", "{tmp}/f.csv"],
    ],
)
def test_coding_in_a_project_with_one_damaged_page(
    demo_dir: Path, tmp_path: Path, args: list[str]
) -> None:
    r = run(demo_dir, "code", DOC, "cost", "--start", "1", "--end", "9")
    assert r.exit_code == 0, r.output
    _damage_a_page(demo_dir / "qualcode.db")
    line = one_line(run(demo_dir, *[a.format(tmp=tmp_path) for a in args]))
    assert "database disk image is malformed" in line
    assert line.endswith("(the project file is damaged: restore a backup (qualcode restore FILE))")


# ---------------------------------------------------------------------- full disks


def _child(
    argv: list[str], *, fsize: int | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``qualcode ARGV`` in a child process, with a file-size limit when given."""
    code = (
        "import resource, signal, sys\n"
        "limit = int(sys.argv[1])\n"
        "if limit:\n"
        "    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))\n"
        "from qualcode.cli import main\n"
        "main(sys.argv[2:])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code, str(fsize or 0), *argv],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
        env=env,
    )


def _one_line_child(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode != 0, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in done.stderr
    return lines[0]


def test_export_on_a_full_disk_file_size_limit(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.sqlite"
    done = _child(
        ["--project", str(demo_dir), "export", "all", "--format", "sqlite", "-o", str(out)],
        fsize=200_000,
    )
    line = _one_line_child(done)
    assert line.startswith(f"error: {out}: cannot write the file: "), line
    assert line.endswith("nothing was written)")
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".all.sqlite")]


def test_import_on_a_full_disk_file_size_limit(demo_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "interview_new.txt"
    source.write_text(
        "Pewawancara: Berapa lama?\n\n" + "Narasumber: Saya antre lama sekali di loket. " * 10000,
        encoding="utf-8",
    )
    db = demo_dir / "qualcode.db"
    size = db.stat().st_size
    before = dump_db(db)
    done = _child(["--project", str(demo_dir), "import", str(source)], fsize=size + 100_000)
    line = _one_line_child(done)
    assert line == (
        "error: the project could not be written: disk I/O error (the disk could not be "
        "written (full, over a size limit, or failing); nothing was written)"
    )
    assert dump_db(db) == before
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    con.close()


@contextmanager
def _mounted(size: str, *, read_only_copy_of: list[Path] | None = None) -> Iterator[Path]:
    """A small tmpfs (root only); with files, they are copied in and it is remounted
    read-only."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    import tempfile

    where = Path(tempfile.mkdtemp(prefix="qualcode-tmpfs-"))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True
    )
    if done.returncode != 0:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr!r}")
    try:
        for f in read_only_copy_of or ():
            shutil.copyfile(f, where / f.name)
        if read_only_copy_of is not None:
            subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=False)
        where.rmdir()


def test_export_and_import_on_a_full_tmpfs(demo_dir: Path, tmp_path: Path) -> None:
    size = (demo_dir / "qualcode.db").stat().st_size
    with _mounted(f"{size // 1024 + 512}k") as disk:
        shutil.copyfile(demo_dir / "qualcode.db", disk / "qualcode.db")
        r = run(disk, "documents")  # opened once: its write-ahead log and index exist
        assert r.exit_code == 0, r.output
        free = shutil.disk_usage(disk).free
        (disk / "fill").write_bytes(b"\0" * (free - 200_000))
        out = disk / "out.sqlite"
        line = one_line(run(disk, "export", "all", "--format", "sqlite", "-o", str(out)))
        assert line == (
            f"error: {out}: cannot write the file: database or disk is full (free some space "
            "on the disk, or write somewhere else; nothing was written)"
        )
        assert not out.exists()
        source = tmp_path / "interview_new.txt"
        # larger than the room left: the document's own transaction fails
        source.write_text("Narasumber: Saya antre lama sekali di loket. " * 10000, encoding="utf-8")
        before = dump_db(disk / "qualcode.db")
        line = one_line(run(disk, "import", str(source)))
        assert "database or disk is full" in line
        assert dump_db(disk / "qualcode.db") == before


# ---------------------------------------------------------------------- read-only


@contextmanager
def _read_only(demo_dir: Path) -> Iterator[Path]:
    """The demo project in a folder nobody may write (a read-only tmpfs as root)."""
    files = [demo_dir / "qualcode.db", demo_dir / "kepmenpan-63.yaml"]
    if os.geteuid() == 0:
        with _mounted("20m", read_only_copy_of=files) as disk:
            yield disk
        return
    for f in files:
        f.chmod(0o444)
    demo_dir.chmod(0o555)
    try:
        yield demo_dir
    finally:
        demo_dir.chmod(0o755)
        for f in files:
            f.chmod(0o644)


def _dump_read_only(db: Path) -> list[str]:
    con = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_a_read_only_project_is_read_and_exported_elsewhere(demo_dir: Path, tmp_path: Path) -> None:
    with _read_only(demo_dir) as folder:
        before = _dump_read_only(folder / "qualcode.db")
        r = run(folder, "documents")
        assert r.exit_code == 0, r.output
        assert DOC in r.stdout
        out = tmp_path / "frequency.csv"
        r = run(folder, "export", "frequency", "-o", str(out))
        assert r.exit_code == 0, r.output
        assert out.read_text(encoding="utf-8-sig").startswith("code,label,")
        r = run(folder, "backup", "-o", str(tmp_path / "copy.db"))
        assert r.exit_code == 0, r.output
        for args in (
            ["code", DOC, "cost", "--start", "1", "--end", "3"],
            ["import", str(ROOT / "transcripts" / "interview_07_ngo_observer.txt")],
            ["codebook", "add", "extra", "--label", "Extra"],
            ["team", "blind", "on"],
        ):
            line = one_line(run(folder, *args))
            assert line.startswith(
                f"error: {folder / 'qualcode.db'} is read-only (the file or its folder cannot be "
                "written): cannot "
            ), line
        line = one_line(run(folder, "export", "frequency", "-o", str(folder / "here.csv")))
        assert line.startswith(f"error: {folder / 'here.csv'}: ")
        assert _dump_read_only(folder / "qualcode.db") == before


def test_a_qdpx_source_with_a_paragraph_over_a_million_characters(
    demo_dir: Path, tmp_path: Path
) -> None:
    """E088 in a REFI-QDA source: imported, sentences split, no traceback."""
    target = tmp_path / "project.qdpx"
    r = run(demo_dir, "export", "qdpx", "-o", str(target))
    assert r.exit_code == 0, r.output
    with zipfile.ZipFile(target) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    source = next(n for n in members if n.startswith("sources/") and n.endswith(".txt"))
    members[source] = ("Narasumber: " + "Saya antre lama sekali. " * 45_000).encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    hostile = tmp_path / "long.qdpx"
    hostile.write_bytes(buf.getvalue())
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    r = run(fresh / "qualcode.db", "import", str(hostile))
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "Traceback" not in r.output
    assert r.exit_code in (0, 1), r.output
