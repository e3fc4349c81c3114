"""joint turns: every speaker of a turn that two or more people speak

Revision ID: 0014
Revises: 0008
Create Date: 2026-12-07

A joint turn (``**Gita & Kiki:**``, ``Pak RT dan Bu RW:``) keeps the joined label in
``turns.speaker`` and the first speaker's role in ``turns.role``, as any turn does;
``turn_speakers`` lists each of its speakers with their role, in the label's order,
so that matrices count the turn for every speaker, role and case. A turn of one
speaker has no rows here. A plain table creation: SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "turn_speakers",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("turn_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["turn_pk"],
            ["turns.pk"],
            name=op.f("fk_turn_speakers_turn_pk_turns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_turn_speakers")),
        sa.UniqueConstraint("turn_pk", "position", name=op.f("uq_turn_speakers_turn_pk_position")),
    )
    op.create_index("ix_turn_speakers_speaker", "turn_speakers", ["speaker"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_turn_speakers_speaker", table_name="turn_speakers")
    op.drop_table("turn_speakers")
