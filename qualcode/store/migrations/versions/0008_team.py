"""team work: adjudication decisions; on PostgreSQL, row-level security

Revision ID: 0008
Revises: 0005
Create Date: 2026-11-26

On PostgreSQL the database enforces who may do what (the table owner, who created
the project, is not subject to these policies and may do everything):

* a coder's role adds, removes and annotates only rows whose coder/author is that
  role (``coder = current_user``);
* while blind coding is on (setting ``team.blind``), a coder's role reads only its
  own codings;
* a supervisor's role (``coders.role = 'supervisor'``) may also update any coding
  (column grants limit that to the review columns) and write the codings of a
  consensus coder (``coders.role = 'consensus'``) and adjudication decisions.

Which tables and columns each role may touch at all is granted by
``qualcode team add-coder`` (``qualcode/store/postgres.py``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from qualcode.store import ddl

revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None

SUPERVISOR = "EXISTS (SELECT 1 FROM coders q WHERE q.name = current_user AND q.role = 'supervisor')"
CONSENSUS = "coder IN (SELECT q.name FROM coders q WHERE q.role = 'consensus')"
BLIND = "EXISTS (SELECT 1 FROM settings s WHERE s.key = 'team.blind' AND s.value = 'true')"

POLICIES: list[tuple[str, str, str, str | None, str | None]] = [
    # table, policy, command, USING, WITH CHECK
    (
        "codings",
        "qc_codings_read",
        "SELECT",
        ddl.either("coder = current_user", SUPERVISOR, ddl.negate(BLIND)),
        None,
    ),
    (
        "codings",
        "qc_codings_insert",
        "INSERT",
        None,
        ddl.either("coder = current_user", ddl.group(ddl.both(SUPERVISOR, CONSENSUS))),
    ),
    (
        "codings",
        "qc_codings_delete",
        "DELETE",
        ddl.either("coder = current_user", ddl.group(ddl.both(SUPERVISOR, CONSENSUS))),
        None,
    ),
    (
        "codings",
        "qc_codings_update",
        "UPDATE",
        ddl.either("coder = current_user", SUPERVISOR),
        ddl.either("coder = current_user", SUPERVISOR),
    ),
    ("actions", "qc_actions_read", "SELECT", "true", None),
    ("actions", "qc_actions_insert", "INSERT", None, "coder = current_user"),
    ("tombstones", "qc_tombstones_read", "SELECT", "true", None),
    ("tombstones", "qc_tombstones_insert", "INSERT", None, "coder = current_user"),
    ("memos", "qc_memos_read", "SELECT", "true", None),
    ("memos", "qc_memos_insert", "INSERT", None, "author = current_user"),
    ("memos", "qc_memos_update", "UPDATE", "author = current_user", "author = current_user"),
    ("memos", "qc_memos_delete", "DELETE", "author = current_user", None),
    ("review_comments", "qc_comments_read", "SELECT", "true", None),
    ("review_comments", "qc_comments_insert", "INSERT", None, "author = current_user"),
    ("document_marks", "qc_marks_read", "SELECT", "true", None),
    ("document_marks", "qc_marks_insert", "INSERT", None, "coder = current_user"),
    (
        "document_marks",
        "qc_marks_update",
        "UPDATE",
        "coder = current_user",
        "coder = current_user",
    ),
    ("document_marks", "qc_marks_delete", "DELETE", "coder = current_user", None),
    ("suggestion_rejections", "qc_rejections_read", "SELECT", "true", None),
    ("suggestion_rejections", "qc_rejections_insert", "INSERT", None, "coder = current_user"),
    ("suggestion_rejections", "qc_rejections_delete", "DELETE", "coder = current_user", None),
    ("adjudications", "qc_adjudications_read", "SELECT", "true", None),
    ("adjudications", "qc_adjudications_insert", "INSERT", None, SUPERVISOR),
    ("adjudications", "qc_adjudications_update", "UPDATE", SUPERVISOR, SUPERVISOR),
    ("adjudications", "qc_adjudications_delete", "DELETE", SUPERVISOR, None),
    ("coders", "qc_coders_read", "SELECT", "true", None),
    ("coders", "qc_coders_insert", "INSERT", None, ddl.both(SUPERVISOR, "role = 'consensus'")),
]


def upgrade() -> None:
    op.create_table(
        "adjudications",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("document_pk", sa.Integer(), nullable=False),
        sa.Column("consensus", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=200), nullable=False),
        sa.Column("coder_a", sa.String(length=200), nullable=False),
        sa.Column("coder_b", sa.String(length=200), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_pk"],
            ["documents.pk"],
            name=op.f("fk_adjudications_document_pk_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_adjudications")),
        sa.UniqueConstraint(
            "document_pk",
            "consensus",
            "key",
            name=op.f("uq_adjudications_document_pk_consensus_key"),
        ),
        sa.UniqueConstraint("guid", name=op.f("uq_adjudications_guid")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in sorted({p[0] for p in POLICIES}):
        op.execute(ddl.enable_rls(table))
    for table, name, command, using, check in POLICIES:
        op.execute(ddl.create_policy(name, table, command, using, check))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, name, *_ in POLICIES:
            op.execute(ddl.drop_policy(name, table))
        for table in sorted({p[0] for p in POLICIES}):
            op.execute(ddl.disable_rls(table))
    op.drop_table("adjudications")
