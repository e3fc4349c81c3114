"""The same program on PostgreSQL: migrations, the Project API, roles and row-level security."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from qualcode.store import open_project
from qualcode.store.schema import Base
from tests.pg import PgDatabase


def test_migrations_run_on_postgresql_and_equal_the_models(pg_db: PgDatabase) -> None:
    project = open_project(pg_db.url)
    assert project.dialect == "postgresql"
    with project.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    project.close()
    assert diff == []
