"""full-text search over sentences

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

SQLite: an FTS5 table ``sentence_search(text, lemmas)`` whose rowid is the
sentence's pk. PostgreSQL: a table ``sentence_search(sentence_pk, text, lemmas)``
with GIN indexes on ``to_tsvector('simple', ...)`` of each column. Both are filled
for the documents already in the project; the store keeps them up to date on
import and re-import (:mod:`qualcode.store.search`).
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_FILL_SQLITE = """
INSERT INTO sentence_search (rowid, text, lemmas)
SELECT s.pk, substr(d.text, s.start + 1, s."end" - s.start), s.lemmas
FROM sentences s JOIN documents d ON d.pk = s.document_pk
"""

_FILL_POSTGRESQL = """
INSERT INTO sentence_search (sentence_pk, text, lemmas)
SELECT s.pk, substr(d.text, s.start + 1, s."end" - s.start), s.lemmas
FROM sentences s JOIN documents d ON d.pk = s.document_pk
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE sentence_search USING fts5("
            "text, lemmas, tokenize = 'unicode61 remove_diacritics 2')"
        )
        op.execute(_FILL_SQLITE)
    elif dialect == "postgresql":
        op.execute(
            "CREATE TABLE sentence_search ("
            "sentence_pk integer PRIMARY KEY REFERENCES sentences (pk) ON DELETE CASCADE, "
            "text text NOT NULL, lemmas text NOT NULL)"
        )
        op.execute(
            "CREATE INDEX ix_sentence_search_text ON sentence_search "
            "USING gin (to_tsvector('simple', text))"
        )
        op.execute(
            "CREATE INDEX ix_sentence_search_lemmas ON sentence_search "
            "USING gin (to_tsvector('simple', lemmas))"
        )
        op.execute(_FILL_POSTGRESQL)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS sentence_search")
