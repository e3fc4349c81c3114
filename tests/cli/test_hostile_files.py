"""Bounded reads and untouched files: every command that reads a file a user names
refuses a FIFO, a device and a socket in one line (and never waits on a FIFO); sizes
are enforced while reading; another application's SQLite file is left byte for
byte as it was; every SQLite file qualcode opens has ``trusted_schema`` off."""

from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.errors import InputError
from qualcode.files import read_head, read_limited
from tests.conftest import ROOT, dump_db

# command -> the argv with {f} for the file (run with --project DEMO)
READERS: dict[str, list[str]] = {
    "import transcript": ["import", "{f}.txt"],
    "import qdpx": ["import", "{f}.qdpx"],
    "import qdc": ["import", "{f}.qdc"],
    "codebook validate": ["codebook", "validate", "{f}.yaml"],
    "codebook sync": ["codebook", "sync", "{f}.yaml"],
    "attributes": ["attributes", "import", "{f}.csv"],
    "import-codings": ["import-codings", "{f}.csv"],
    "review sheet": ["review", "apply", "{f}.xlsx"],
    "pseudonyms": ["export", "frequency", "--pseudonyms", "{f}.csv", "-o", "{out}"],
    "merge": ["merge", "{f}.db"],
    "restore": ["restore", "{f}.db"],
}

KINDS = {
    "fifo": "is a FIFO (named pipe), not a",
    "device": "is a character device, not a",
    "socket": "is a socket, not a",
}


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[dict[str, str]]:
    """For each kind, a path stem whose every suffix is that kind of file."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    suffixes = {"." + a.split(".")[-1] for argv in READERS.values() for a in argv if "{f}" in a}
    sockets: list[socket.socket] = []
    stems: dict[str, str] = {}
    for kind in KINDS:
        stem = folder / kind
        for suffix in suffixes:
            path = Path(f"{stem}{suffix}")
            if kind == "fifo":
                os.mkfifo(path)
            elif kind == "device":
                path.symlink_to("/dev/zero")
            else:
                s = socket.socket(socket.AF_UNIX)
                s.bind(str(path))
                sockets.append(s)
        stems[kind] = str(stem)
    yield stems
    for s in sockets:
        s.close()


def _guard_fifos(folder: Path) -> threading.Thread:
    """Should anything open a FIFO and read it, a writer appears after a while and
    closes it (the reader then sees an empty file) instead of the test hanging."""

    def guard() -> None:
        for fifo in folder.glob("fifo.*"):
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                continue  # no reader: the right outcome
            os.close(fd)

    t = threading.Thread(target=guard, daemon=True)
    return t


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("command", sorted(READERS))
def test_only_regular_files_are_read(
    demo_dir: Path, tmp_path: Path, hostile: dict[str, str], command: str, kind: str
) -> None:
    argv = [a.format(f=hostile[kind], out=tmp_path / "out.csv") for a in READERS[command]]
    before = dump_db(demo_dir / "qualcode.db")
    done: dict[str, object] = {}

    def invoke() -> None:
        done["r"] = CliRunner().invoke(
            cli, ["--project", str(demo_dir), *argv], prog_name="qualcode"
        )

    worker = threading.Thread(target=invoke, daemon=True)
    worker.start()
    worker.join(60)
    if worker.is_alive():  # hung on the FIFO: release it, then fail
        _guard_fifos(Path(hostile[kind]).parent).run()
        worker.join(10)
        pytest.fail(f"{command} waited on a {kind}")
    r = done["r"]
    assert isinstance(r, type(CliRunner().invoke(cli, ["--version"])))
    assert r.exit_code != 0, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("error: ") and KINDS[kind] in lines[0], lines[0]
    assert lines[0].endswith("; refused (name a regular file)"), lines[0]
    assert dump_db(demo_dir / "qualcode.db") == before


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_project_itself_must_be_a_regular_file(hostile: dict[str, str], kind: str) -> None:
    r = CliRunner().invoke(
        cli, ["--project", f"{hostile[kind]}.db", "documents"], prog_name="qualcode"
    )
    assert r.exit_code == 1
    assert r.stderr.startswith("error: ")  # the path as resolved (/dev/zero for a link)
    assert f"{KINDS[kind]} project file; refused (name a regular file)" in r.stderr
    assert len(r.stderr.splitlines()) == 1


def test_a_fifo_never_makes_the_program_wait(tmp_path: Path) -> None:
    """The binary itself, on a FIFO nobody writes to: refused at once."""
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    project = tmp_path / "p" / "qualcode.db"
    r = CliRunner().invoke(cli, ["--project", str(project), "init"], prog_name="qualcode")
    assert r.exit_code == 0, r.output
    done = subprocess.run(
        [sys.executable, "-m", "qualcode", "--project", str(project), "import", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 1
    assert "is a FIFO (named pipe)" in done.stderr


def test_sizes_are_enforced_while_reading_not_from_stat(tmp_path: Path) -> None:
    # /proc files say they are empty and are not
    status = Path("/proc/self/status")
    if not status.exists():
        pytest.skip("no /proc")
    assert status.stat().st_size == 0
    with pytest.raises(
        InputError, match=r"file is too large \(more than 20 bytes; the limit is 20\)"
    ):
        read_limited(status, limit=20)
    assert read_limited(status, limit=1_000_000).startswith(b"Name:")
    # a file that grows after its size was looked at cannot pass the limit either
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 100)
    with pytest.raises(InputError, match=r"\(100 bytes; the limit is 99\)"):
        read_limited(big, limit=99)
    assert len(read_limited(big, limit=100)) == 100


def test_the_transcript_limit_reads_no_more_than_it_allows(
    demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A symlink to /dev/zero is refused as a device; a huge regular file is refused
    after reading at most the limit (QUALCODE_MAX_IMPORT_BYTES)."""
    monkeypatch.setenv("QUALCODE_MAX_IMPORT_BYTES", "1000")
    big = tmp_path / "big.txt"
    big.write_bytes(b"Narasumber: ya.\n" * 200)
    r = CliRunner().invoke(
        cli, ["--project", str(demo_dir), "import", str(big)], prog_name="qualcode"
    )
    assert r.stderr == (
        f"error: {big}: file is too large (3,200 bytes; the limit is 1,000) "
        "(split it, or raise QUALCODE_MAX_IMPORT_BYTES)\n"
    )
    monkeypatch.setenv("QUALCODE_MAX_IMPORT_BYTES", "lots")
    r = CliRunner().invoke(
        cli, ["--project", str(demo_dir), "import", str(big)], prog_name="qualcode"
    )
    assert r.exit_code == 1
    assert "QUALCODE_MAX_IMPORT_BYTES='lots' is not a number of bytes" in r.stderr


def test_read_head_of_a_device(tmp_path: Path) -> None:
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="is a character device, not a file; refused"):
        read_head(link, 16)


# ---------------------------------------------------------------------- other files


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("journal", ["delete", "wal"])
@pytest.mark.parametrize(
    "args", [["documents"], ["codings"], ["import", "{t}"], ["init"], ["merge", "{other}"]]
)
def test_another_applications_file_is_not_changed(
    tmp_path: Path, demo_dir: Path, journal: str, args: list[str]
) -> None:
    other = tmp_path / "otherapp.db"
    con = sqlite3.connect(other)
    con.execute(f"PRAGMA journal_mode={journal}")
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO notes (body) VALUES ('mine')")
    con.commit()
    con.close()
    before = _sha(other)
    files = sorted(p.name for p in tmp_path.iterdir())
    transcript = ROOT / "transcripts" / "interview_07_ngo_observer.txt"
    argv = [a.format(t=transcript, other=other) for a in args]
    project = demo_dir if args[0] == "merge" else other
    r = CliRunner().invoke(cli, ["--project", str(project), *argv], prog_name="qualcode")
    assert r.exit_code == 1, r.output
    assert f"{other} is not a qualcode project (it holds other tables)" in r.stderr
    assert len(r.stderr.splitlines()) == 1
    assert _sha(other) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == files  # no -wal or -shm left


def test_trusted_schema_is_off_on_every_connection(demo_dir: Path, tmp_path: Path) -> None:
    from qualcode.store import open_project
    from qualcode.store.engine import connect_file

    project = open_project(str(demo_dir))
    try:
        with project.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA trusted_schema").scalar() == 0
        copy = project.save_copy(tmp_path / "copy.db")
    finally:
        project.close()
    con = connect_file(copy, "ro")
    assert con.execute("PRAGMA trusted_schema").fetchone() == (0,)
    con.close()


def test_a_hostile_view_cannot_call_an_unsafe_function(demo_dir: Path, tmp_path: Path) -> None:
    """A merge source whose 'tombstones' table is a view calling a function with side
    effects (or a runaway regular expression): with trusted_schema off SQLite refuses
    to run it; one line, nothing merged."""
    import shutil

    other = tmp_path / "other.db"
    shutil.copyfile(demo_dir / "qualcode.db", other)
    con = sqlite3.connect(other)
    con.execute("DROP TABLE tombstones")
    # regexp() is a Python function (SQLAlchemy registers it): with trusted_schema on,
    # a hostile file could run it from a view, here with catastrophic backtracking
    con.execute(
        "CREATE VIEW tombstones AS SELECT regexp('(a+)+$', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaX') "
        "AS guid, 'coding' AS kind, 'x' AS deleted_at, 'x' AS coder"
    )
    con.commit()
    con.close()
    before = dump_db(demo_dir / "qualcode.db")
    r = CliRunner().invoke(
        cli, ["--project", str(demo_dir), "merge", str(other), "--no-backup"], prog_name="qualcode"
    )
    assert r.exit_code == 1, r.output
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and "unsafe use of regexp()" in lines[0], r.stderr
    assert "Traceback" not in r.output
    assert dump_db(demo_dir / "qualcode.db") == before
