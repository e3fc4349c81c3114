"""undo per window, review sheets merged, memo authors

Revision ID: 0015
Revises: 0008
Create Date: 2026-12-01

* ``actions.window``: the window an action was made from (``cli`` for the command
  line, ``tui-...`` for a workbench window; ``NULL`` for actions logged before this
  revision, which every window of their person may undo). Undo follows the person
  and the window (issue 15).
* ``review_comments.sheet``: the id of the exported review sheet a thread entry
  was applied from, so applying one sheet twice adds nothing.
* ``codings.memo_author``: who wrote a coding's memo (the other memos keep theirs in
  ``memos.author``), so that row policies by author are possible on PostgreSQL.

All three are plain nullable column additions and run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("actions", sa.Column("window", sa.String(length=100), nullable=True))
    op.add_column("review_comments", sa.Column("sheet", sa.String(length=36), nullable=True))
    op.add_column("codings", sa.Column("memo_author", sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column("codings", "memo_author")
    op.drop_column("review_comments", "sheet")
    op.drop_column("actions", "window")
