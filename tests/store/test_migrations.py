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

from qualcode.errors import ProjectError
from qualcode.store import open_project
from qualcode.store.engine import KNOWN_REVISIONS, SCHEMA_HEAD
from qualcode.store.migrate import alembic_config, head_revision
from qualcode.store.schema import Base, compared
from tests.conftest import DATA

FIXTURE = DATA / "projects" / "schema-0001.db"
FIXTURE_ROWS = DATA / "projects" / "schema-0001.json"


def test_head_constant_matches_alembic() -> None:
    assert head_revision() == SCHEMA_HEAD
    script = ScriptDirectory.from_config(alembic_config())
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
    assert {c.code for c in project.codings()} == {"time.long_wait", "cost"}
    assert project.codebook().get("time.queue") is not None
    assert [d.name for d in project.documents()] == ["interview_b", "wawancara_a"]
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
