"""Backups and restores that a researcher can trust: complete copies, and a restore
that works when the project itself no longer opens."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from qualcode.cli import cli
from qualcode.errors import InputError
from qualcode.store.backup import backup_sqlite_file, restore_sqlite_file
from tests.conftest import dump_db


def run(project: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--project", str(project), *args], prog_name="qualcode")


def _damage(path: Path) -> None:
    """Overwrite the middle of the file, as a failing disk or a bad copy would."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8192] = b"\xde\xad\xbe\xef" * 2048
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["garbage", "damaged-pages", "newer-schema", "missing"])
def test_restore_works_on_a_project_that_no_longer_opens(
    demo_dir: Path, tmp_path: Path, how: str
) -> None:
    db = demo_dir / "qualcode.db"
    saved = backup_sqlite_file(db, tmp_path / "saved.db")
    good = dump_db(db)
    if how == "garbage":
        db.write_bytes(b"this is not a database at all" * 100)
    elif how == "damaged-pages":
        _damage(db)
    elif how == "newer-schema":
        con = sqlite3.connect(db)
        con.execute("UPDATE alembic_version SET version_num = '9999'")
        con.commit()
        con.close()
    else:
        db.unlink()
    r = run(demo_dir, "restore", str(saved))
    assert r.exit_code == 0, r.stderr
    assert dump_db(db) == good
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    con.close()
    if how != "missing":
        # what was there is kept, whatever state it was in
        kept = [p for p in (demo_dir / "backups").iterdir() if "before-restore" in p.name]
        assert len(kept) == 1
    r = run(demo_dir, "documents")
    assert r.exit_code == 0 and "wawancara_01" in r.stdout


def test_a_damaged_backup_is_refused_and_the_project_left_alone(
    demo_dir: Path, tmp_path: Path
) -> None:
    db = demo_dir / "qualcode.db"
    saved = backup_sqlite_file(db, tmp_path / "saved.db")
    _damage(saved)
    before = dump_db(db)
    r = run(demo_dir, "restore", str(saved))
    assert r.exit_code == 1
    stderr = r.stderr
    assert stderr.startswith(f"error: {saved}: ") and stderr.count("\n") == 1
    assert dump_db(db) == before
    assert not (demo_dir / "backups").exists()


def test_the_project_file_itself_is_not_a_backup(demo_dir: Path) -> None:
    db = demo_dir / "qualcode.db"
    with pytest.raises(InputError, match="is the project file itself"):
        restore_sqlite_file(db, db)


def test_a_backup_under_its_final_name_is_complete(demo_dir: Path, tmp_path: Path) -> None:
    out = backup_sqlite_file(demo_dir / "qualcode.db", label="before-merge")
    assert out.parent == demo_dir / "backups" and out.name.endswith("-before-merge.db")
    assert dump_db(out) == dump_db(demo_dir / "qualcode.db")
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary left
