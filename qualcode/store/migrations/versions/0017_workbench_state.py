"""workbench state: where each coder left the workbench

Revision ID: 0017
Revises: 0008
Create Date: 2026-12-08

One row per coder holding, as JSON, the document, scroll position, selection and
code filter they left the workbench with (and how they code search hits), so that
reopening the project, on any machine, returns them there. On PostgreSQL a coder's
role reads and writes only its own row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from qualcode.store import ddl

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

POLICIES: list[tuple[str, str, str, str | None, str | None]] = [
    # table, policy, command, USING, WITH CHECK
    ("workbench_state", "qc_state_read", "SELECT", "coder = current_user", None),
    ("workbench_state", "qc_state_insert", "INSERT", None, "coder = current_user"),
    (
        "workbench_state",
        "qc_state_update",
        "UPDATE",
        "coder = current_user",
        "coder = current_user",
    ),
    ("workbench_state", "qc_state_delete", "DELETE", "coder = current_user", None),
]


def upgrade() -> None:
    op.create_table(
        "workbench_state",
        sa.Column("coder", sa.String(length=200), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("updated", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("coder", name=op.f("pk_workbench_state")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(ddl.enable_rls("workbench_state"))
    for table, name, command, using, check in POLICIES:
        op.execute(ddl.create_policy(name, table, command, using, check))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, name, *_ in POLICIES:
            op.execute(ddl.drop_policy(name, table))
    op.drop_table("workbench_state")
