"""The SQL the migrations run on PostgreSQL, statement for statement (issue 18 point 2).

Moving the composition of policies and trigger functions out of the migrations
and into ``qualcode/store/ddl.py`` must not change a byte of what a migration
executes: a project created before the move and one created after must hold the
same policies, functions and triggers. The test runs every migration up to
revision 0019 and back down to the start on a fresh PostgreSQL database,
records every statement the driver receives (with the test's own database and
role names replaced by placeholders), and compares them with
``tests/data/migrations/postgres-0019.sql``, recorded from main before the move.
``QUALCODE_UPDATE_GOLDEN=1`` rewrites the file (only for an intended change).

One statement differs by design: main read the schema's name already quoted by
the server (``SELECT quote_ident(current_schema())``); the migrations now read it
plain (``SELECT current_schema()``) and ``ddl.functions`` quotes it with
SQLAlchemy's identifier preparer. The comparison maps the one to the other and
nothing else; every statement that changes the database is compared byte for byte.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import create_engine, event

from qualcode.store.migrate import alembic_config
from tests.conftest import DATA
from tests.pg import PgDatabase

GOLDEN = DATA / "migrations" / "postgres-0019.sql"
LAST = "0019"
"""The newest revision the golden file covers (later revisions have their own)."""
READ_SCHEMA = ("SELECT quote_ident(current_schema())", "SELECT current_schema()")
"""How main read the schema's name, and how the migrations read it now."""
SEPARATOR = "\n-- ----------------------------------------------------------------------\n"


def _statements(db: PgDatabase) -> list[str]:
    engine = create_engine(db.url)
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        text = statement.strip()
        if params:
            text += f"\n-- parameters: {params!r}"
        seen.append(text.replace(db.name, "<database>").replace(db.owner, "<owner>"))

    event.listen(engine, "before_cursor_execute", record)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, LAST)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
    finally:
        engine.dispose()
    return seen


def test_migrations_run_the_recorded_sql_on_postgresql(pg_db: PgDatabase) -> None:
    got = SEPARATOR.join(_statements(pg_db)) + "\n"
    if os.environ.get("QUALCODE_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(got, encoding="utf-8")
    assert GOLDEN.exists(), f"{GOLDEN} missing: run with QUALCODE_UPDATE_GOLDEN=1 on main"
    old, new = READ_SCHEMA
    want = [new if s == old else s for s in GOLDEN.read_text(encoding="utf-8").split(SEPARATOR)]
    assert got.split(SEPARATOR) == want


def test_the_golden_file_holds_the_policies_and_functions() -> None:
    """The recording is of the statements this issue moves, not an empty run."""
    from importlib import import_module

    text = Path(GOLDEN).read_text(encoding="utf-8")
    policies = {
        rev: len(import_module(f"qualcode.store.migrations.versions.{rev}").POLICIES)
        for rev in ("0008_team", "0016_roles", "0017_workbench_state")
    }
    # 0008 up, 0016 up, 0017 up, 0016 down (which puts back the policies of 0008)
    assert policies == {"0008_team": 27, "0016_roles": 29, "0017_workbench_state": 4}
    assert text.count("CREATE POLICY ") == 27 + 29 + 4 + 27
    assert text.count("CREATE FUNCTION qc_guard_codings()") == 1
    assert text.count("CREATE OR REPLACE FUNCTION qc_tombstone_allowed") == 2
    assert "SET search_path = public, pg_temp" in text
    # 0016 up, 0019 up, 0019 down (0016 down needs no schema)
    assert (
        text.split(SEPARATOR).count(READ_SCHEMA[0]) + text.split(SEPARATOR).count(READ_SCHEMA[1])
        == 3
    )
