"""Schema migrations: the first schema's project file keeps opening, row for row."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.errors import ProjectError
from qualcode.store import open_project
from qualcode.store.engine import KNOWN_REVISIONS, NO_MIGRATION_BACKUP_ENV, SCHEMA_HEAD
from qualcode.store.migrate import alembic_config
from qualcode.store.schema import Base, compared
from tests.conftest import DATA, dump_db
from tests.pg import PgDatabase

# new projects here run the real migrations (elsewhere they copy a template of the head)
pytestmark = pytest.mark.usefixtures("real_migrations")

FIXTURE = DATA / "projects" / "schema-0001.db"
FIXTURE_ROWS = DATA / "projects" / "schema-0001.json"


def test_head_constant_matches_alembic() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_current_head() == SCHEMA_HEAD
    revisions = [r.revision for r in script.walk_revisions()]
    assert sorted(revisions) == sorted(KNOWN_REVISIONS)
    assert KNOWN_REVISIONS[-1] == SCHEMA_HEAD


def test_migrated_schema_equals_the_models(tmp_path: Path) -> None:
    project = open_project(str(tmp_path / "new.db"), create=True)
    with project.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"include_name": compared},
        )
        diff = compare_metadata(context, Base.metadata)
    project.close()
    assert diff == []


def test_first_schema_fixture_opens_with_every_row_intact(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copyfile(FIXTURE, path)
    project = open_project(str(path))
    assert {c.code for c in project.codings.codings()} == {"time.long_wait", "cost"}
    assert project.codebook().get("time.queue") is not None
    assert [d.name for d in project.documents.documents()] == ["interview_b", "wawancara_a"]
    project.close()
    expected = json.loads(FIXTURE_ROWS.read_text(encoding="utf-8"))
    con = sqlite3.connect(path)
    for table, content in expected.items():
        if table == "alembic_version":
            continue
        cols = ", ".join(f'"{c}"' for c in content["columns"])
        rows = [list(r) for r in con.execute(f'SELECT {cols} FROM "{table}"')]
        assert rows == content["rows"], table
    version = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    con.close()
    assert version == SCHEMA_HEAD


def test_a_project_from_a_newer_qualcode_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    shutil.copyfile(FIXTURE, path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(ProjectError) as err:
        open_project(str(path))
    assert (
        str(err.value)
        == f"{path} was written by a newer qualcode (schema 9999) (upgrade qualcode to open it)"
    )
    assert path.read_bytes() == before


# ---------------------------------------------------------------- backup before a migration


def _old_project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    path = folder / "qualcode.db"
    shutil.copyfile(FIXTURE, path)
    return path


def test_an_upgrade_is_preceded_by_a_backup_of_the_old_file(tmp_path: Path) -> None:
    path = _old_project(tmp_path)
    before = dump_db(path)
    project = open_project(str(path))
    done = project.schema_upgrade
    project.close()
    assert done is not None and done.migrated
    assert (done.before, done.after) == ("0001", SCHEMA_HEAD)
    backups = sorted((path.parent / "backups").iterdir())
    assert backups == [done.backup]
    assert backups[0].name.startswith("qualcode-")
    assert backups[0].name.endswith(f"-before-migration-0001-to-{SCHEMA_HEAD}.db")
    # the copy is the project as it was, row for row, still at the first schema
    assert dump_db(backups[0]) == before
    # opened again: nothing to upgrade, no second copy
    again = open_project(str(path))
    assert again.schema_upgrade is not None and not again.schema_upgrade.migrated
    again.close()
    assert len(list((path.parent / "backups").iterdir())) == 1


def test_a_new_project_is_not_backed_up(tmp_path: Path) -> None:
    project = open_project(str(tmp_path / "new.db"), create=True)
    assert project.schema_upgrade is not None and project.schema_upgrade.backup is None
    project.close()
    assert not (tmp_path / "backups").exists()


def test_the_backup_before_an_upgrade_can_be_switched_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _old_project(tmp_path)
    monkeypatch.setenv(NO_MIGRATION_BACKUP_ENV, "1")
    project = open_project(str(path))
    assert project.schema_upgrade is not None and project.schema_upgrade.backup is None
    project.close()
    assert not (path.parent / "backups").exists()


def test_no_upgrade_without_its_backup(tmp_path: Path) -> None:
    path = _old_project(tmp_path)
    (path.parent / "backups").write_text("a file where the folder should be")
    before = path.read_bytes()
    with pytest.raises(ProjectError) as err:
        open_project(str(path))
    assert str(err.value).startswith(
        f"{path} needs a schema upgrade (0001 to {SCHEMA_HEAD}) and cannot be backed up first: "
    )
    assert "QUALCODE_NO_MIGRATION_BACKUP=1" in str(err.value)
    assert path.read_bytes() == before  # still the first schema, untouched


def test_the_cli_says_where_the_copy_before_an_upgrade_is(tmp_path: Path) -> None:
    path = _old_project(tmp_path)
    r = CliRunner().invoke(cli, ["--project", str(path), "documents"], prog_name="qualcode")
    assert r.exit_code == 0, r.stderr
    (backup,) = (path.parent / "backups").iterdir()
    assert r.stderr == (
        f"notice: upgraded the project from schema 0001 to {SCHEMA_HEAD}; "
        f"the project as it was is in {backup}\n"
    )
    assert "interview_b" in r.stdout and "wawancara_a" in r.stdout
    r = CliRunner().invoke(cli, ["--project", str(path), "documents"], prog_name="qualcode")
    assert r.exit_code == 0 and r.stderr == ""


def test_the_cli_refuses_a_newer_project_in_one_line_and_leaves_it_alone(tmp_path: Path) -> None:
    path = _old_project(tmp_path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    before = path.read_bytes()
    for args in (["documents"], ["code", "interview_b", "cost", "--sentence", "1"], ["backup"]):
        r = CliRunner().invoke(cli, ["--project", str(path), *args], prog_name="qualcode")
        assert r.exit_code == 1
        assert r.stdout == ""
        assert r.stderr == (
            f"error: {path} was written by a newer qualcode (schema 9999) "
            "(upgrade qualcode to open it)\n"
        )
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["qualcode.db"]


def _postgres_at_first_schema(url: str) -> None:
    from sqlalchemy import create_engine

    from qualcode.store.migrate import upgrade

    engine = create_engine(url)
    try:
        upgrade(engine, "0001")
    finally:
        engine.dispose()


def test_a_postgresql_upgrade_is_preceded_by_pg_dump(
    pg_db: PgDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _postgres_at_first_schema(pg_db.url)
    r = CliRunner().invoke(cli, ["--project", pg_db.url, "documents"], prog_name="qualcode")
    assert r.exit_code == 0, r.stderr
    (dump,) = (tmp_path / "backups").iterdir()
    assert dump.name.endswith(f"-before-migration-0001-to-{SCHEMA_HEAD}.dump")
    assert dump.read_bytes().startswith(b"PGDMP")
    assert r.stderr == (
        f"notice: upgraded the project from schema 0001 to {SCHEMA_HEAD}; "
        f"the project as it was is in {dump}\n"
    )


def test_a_postgresql_upgrade_without_pg_dump_is_refused_unless_asked(
    pg_db: PgDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualcode.store import backup as backup_module

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(backup_module, "pg_tool", lambda name: None)
    _postgres_at_first_schema(pg_db.url)
    r = CliRunner().invoke(cli, ["--project", pg_db.url, "documents"], prog_name="qualcode")
    assert r.exit_code == 1
    assert r.stderr.count("\n") == 1
    assert r.stderr.startswith("error: ") and "needs a schema upgrade (0001 to" in r.stderr
    assert "pg_dump is not installed" in r.stderr
    assert "QUALCODE_NO_MIGRATION_BACKUP=1" in r.stderr
    from sqlalchemy import create_engine

    from qualcode.store.engine import current_revision

    engine = create_engine(pg_db.url)
    assert current_revision(engine) == "0001"  # not upgraded
    engine.dispose()
    monkeypatch.setenv(NO_MIGRATION_BACKUP_ENV, "1")
    r = CliRunner().invoke(cli, ["--project", pg_db.url, "documents"], prog_name="qualcode")
    assert r.exit_code == 0, r.stderr
    assert r.stderr == (
        f"notice: upgraded the project from schema 0001 to {SCHEMA_HEAD} (no backup made)\n"
    )
    assert not (tmp_path / "backups").exists()
