"""indexes for matrices: the turn and sentence holding an offset

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

A coding's speaker is the turn holding its start, found per coding with
``start <= offset ORDER BY start DESC LIMIT 1``; these indexes make that a lookup
instead of a scan of the document's turns (and sentences). Plain B-tree indexes:
the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_turns_document_start", "turns", ["document_pk", "start"])
    op.create_index("ix_sentences_document_start", "sentences", ["document_pk", "start"])


def downgrade() -> None:
    op.drop_index("ix_sentences_document_start", table_name="sentences")
    op.drop_index("ix_turns_document_start", table_name="turns")
