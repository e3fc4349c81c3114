"""A new project in the tests is a copy of a template, and the copy is what Alembic makes."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from qualcode.store import migrate, open_project
from qualcode.store.engine import SCHEMA_HEAD, make_engine
from tests.conftest import _REAL_UPGRADE, MIGRATE_EACH, _doc, dump_db


def _pragmas(path: Path) -> list[object]:
    con = sqlite3.connect(path)
    try:
        return [
            con.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "page_size", "user_version", "application_id")
        ]
    finally:
        con.close()


def test_a_new_project_from_the_template_equals_one_alembic_made(tmp_path: Path) -> None:
    if os.environ.get(MIGRATE_EACH) != "1":
        assert migrate.upgrade is not _REAL_UPGRADE[0]  # the session's template is in use
    open_project(str(tmp_path / "copied.db"), create=True).close()
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}", create=True)
    try:
        from qualcode.store.engine import enable_wal

        enable_wal(engine)
        _REAL_UPGRADE[0](engine)  # type: ignore[operator]
    finally:
        engine.dispose()
    copied, migrated = dump_db(tmp_path / "copied.db"), dump_db(tmp_path / "migrated.db")
    assert copied == migrated
    assert any("alembic_version" in line and SCHEMA_HEAD in line for line in copied)
    assert _pragmas(tmp_path / "copied.db") == _pragmas(tmp_path / "migrated.db")


def test_a_project_from_the_template_takes_writes(tmp_path: Path) -> None:
    project = open_project(str(tmp_path / "p.db"), create=True)
    try:
        project.documents.add_document(*_doc("a", "I: Apa kabar?\nP: Baik. Sehat.\n"))
    finally:
        project.close()
    again = open_project(str(tmp_path / "p.db"))
    try:
        assert again.documents.document_names() == ["a"]
        assert again.schema_upgrade is not None
        assert again.schema_upgrade.migrated is False
    finally:
        again.close()
