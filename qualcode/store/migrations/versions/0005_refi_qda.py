"""REFI-QDA exchange: codable flag on codes, selection GUID on codings

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-27

``codes.codable`` keeps REFI-QDA's ``isCodable`` (a code that is only a folder for
others); every existing code stays codable. ``codings.selection_guid`` keeps the GUID
of the ``PlainTextSelection`` a coding came from, so an imported project exports its
selections under the same GUIDs (``NULL``: one selection per coding, its GUID derived
from the coding's). Both are plain column additions and run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE ... ADD COLUMN (no batch copy: SQLite adds a column with a
    # constant default in place, and a copy would trip the foreign keys on codes)
    op.add_column(
        "codes", sa.Column("codable", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column("codings", sa.Column("selection_guid", sa.String(length=36), nullable=True))


def downgrade() -> None:
    op.drop_column("codings", "selection_guid")
    op.drop_column("codes", "codable")
