"""themes, their codes and key extracts, relations; the valence of codes

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-15

Themes are a layer over the codes (issue 19): ``themes`` (a tree through
``parent_pk``), ``theme_codes`` (many to many), ``theme_extracts`` (codings by guid,
in order, with a translation) and ``relations`` (typed edges between codes, themes,
passages and documents). ``codes.valence`` carries negative / positive / neutral /
mixed for the dimension scorecard.

On PostgreSQL themes and relations are shared analysis, like the codebook: every
coder's role edits them (see ``qualcode.store.postgres.CODER_GRANTS``), and the
tombstone check of revision 0016 also refuses a tombstone for a live theme, member,
extract or relation (a forged one would make the next project merge drop it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from qualcode.store import ddl

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

TOMBSTONE_CHECK = """
CREATE OR REPLACE FUNCTION qc_tombstone_allowed(g text, who text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    SELECT NOT EXISTS (SELECT 1 FROM {schema}.codings c WHERE c.guid = $1 AND c.coder <> $2)
       AND NOT EXISTS (SELECT 1 FROM {schema}.memos m WHERE m.guid = $1 AND m.author <> $2)
       AND NOT EXISTS (SELECT 1 FROM {schema}.codes k WHERE k.guid = $1)
       AND NOT EXISTS (SELECT 1 FROM {schema}.themes t WHERE t.guid = $1)
       AND NOT EXISTS (SELECT 1 FROM {schema}.theme_codes tc WHERE tc.guid = $1)
       AND NOT EXISTS (SELECT 1 FROM {schema}.theme_extracts te WHERE te.guid = $1)
       AND NOT EXISTS (SELECT 1 FROM {schema}.relations r WHERE r.guid = $1)
$$;
"""

OLD_TOMBSTONE_CHECK = """
CREATE OR REPLACE FUNCTION qc_tombstone_allowed(g text, who text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    SELECT NOT EXISTS (SELECT 1 FROM {schema}.codings c WHERE c.guid = $1 AND c.coder <> $2)
       AND NOT EXISTS (SELECT 1 FROM {schema}.memos m WHERE m.guid = $1 AND m.author <> $2)
       AND NOT EXISTS (SELECT 1 FROM {schema}.codes k WHERE k.guid = $1)
$$;
"""


def upgrade() -> None:
    op.add_column("codes", sa.Column("valence", sa.String(length=10), nullable=True))
    op.create_table(
        "themes",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("parent_pk", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("color", sa.String(length=20), nullable=True),
        sa.Column("coder", sa.String(length=200), nullable=False),
        sa.Column("created", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_pk"], ["themes.pk"], name=op.f("fk_themes_parent_pk_themes")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_themes")),
        sa.UniqueConstraint("guid", name=op.f("uq_themes_guid")),
        sa.UniqueConstraint("id", name=op.f("uq_themes_id")),
    )
    op.create_table(
        "theme_codes",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("theme_pk", sa.Integer(), nullable=False),
        sa.Column("code_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("coder", sa.String(length=200), nullable=False),
        sa.Column("created", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["theme_pk"],
            ["themes.pk"],
            name=op.f("fk_theme_codes_theme_pk_themes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["code_pk"],
            ["codes.pk"],
            name=op.f("fk_theme_codes_code_pk_codes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_theme_codes")),
        sa.UniqueConstraint("guid", name=op.f("uq_theme_codes_guid")),
        sa.UniqueConstraint("theme_pk", "code_pk", name=op.f("uq_theme_codes_theme_pk_code_pk")),
    )
    op.create_index("ix_theme_codes_code_pk", "theme_codes", ["code_pk"])
    op.create_table(
        "theme_extracts",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("theme_pk", sa.Integer(), nullable=False),
        sa.Column("coding_guid", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("translation", sa.Text(), nullable=False),
        sa.Column("coder", sa.String(length=200), nullable=False),
        sa.Column("created", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["theme_pk"],
            ["themes.pk"],
            name=op.f("fk_theme_extracts_theme_pk_themes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_theme_extracts")),
        sa.UniqueConstraint("guid", name=op.f("uq_theme_extracts_guid")),
        sa.UniqueConstraint(
            "theme_pk", "coding_guid", name=op.f("uq_theme_extracts_theme_pk_coding_guid")
        ),
    )
    op.create_index(op.f("ix_theme_extracts_coding_guid"), "theme_extracts", ["coding_guid"])
    op.create_table(
        "relations",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(length=36), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("source_guid", sa.String(length=36), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_guid", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("directed", sa.Boolean(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("coder", sa.String(length=200), nullable=False),
        sa.Column("created", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_relations")),
        sa.UniqueConstraint("guid", name=op.f("uq_relations_guid")),
    )
    op.create_index("ix_relations_source", "relations", ["source_kind", "source_guid"])
    op.create_index("ix_relations_target", "relations", ["target_kind", "target_guid"])
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar()
    bind.exec_driver_sql(ddl.functions(TOMBSTONE_CHECK, schema=schema))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        schema = bind.execute(sa.text("SELECT current_schema()")).scalar()
        bind.exec_driver_sql(ddl.functions(OLD_TOMBSTONE_CHECK, schema=schema))
    op.drop_table("relations")
    op.drop_table("theme_extracts")
    op.drop_table("theme_codes")
    op.drop_table("themes")
    op.drop_column("codes", "valence")
