"""Alembic environment: always run on the connection the project hands in."""

from __future__ import annotations

from alembic import context

from qualcode.store.schema import Base, compared

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=compared,
)
with context.begin_transaction():
    context.run_migrations()
