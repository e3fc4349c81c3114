"""documents being imported stay invisible

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

* ``documents.state``: ``NULL`` for a document every read shows; ``importing`` for a
  large transcript whose turns and sentences are still being stored in short
  transactions (so that another coder's coding never waits seconds for the whole
  document). Every read leaves such a document out; its last transaction clears
  the state; opening the project removes one whose importer was killed.

A plain nullable column addition; runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("state", sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column("documents", "state")
