"""SQLAlchemy 2.x typed models. Private to ``qualcode.store``: no row object leaves it.

The schema is changed only through Alembic revisions under ``migrations/versions``;
the first revision (``0001_baseline``) creates exactly these tables as they were
at the first release, and the committed fixture ``tests/data/projects/schema-0001.db``
must keep opening under every later revision.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SEARCH_TABLE = "sentence_search"
"""The full-text index over sentences (revision 0002): an FTS5 virtual table on
SQLite (with its shadow tables ``sentence_search_*``), a plain table with GIN
indexes on PostgreSQL. Created by raw SQL per dialect, so it is not a model here."""


REVIEW_KEPT_TABLE = "qc_review_kept"
"""PostgreSQL only (revision 0016): verdicts a coder's own delete or reset removed,
kept by a trigger so an undo can bring back exactly those. Not a model here."""


def is_unmodelled(table: str) -> bool:
    """True for tables the migrations make that no model describes (the search index,
    the kept verdicts of PostgreSQL's role checks)."""
    return (
        table == SEARCH_TABLE or table.startswith(SEARCH_TABLE + "_") or table == REVIEW_KEPT_TABLE
    )


def compared(name: str | None, type_: str, parent_names: Mapping[str, str | None]) -> bool:
    """Alembic ``include_name`` hook: leave unmodelled tables (and their indexes) out
    when migrations are compared with the models."""
    if type_ == "table":
        return not is_unmodelled(name or "")
    return not is_unmodelled(parent_names.get("table_name") or "")


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SettingRow(Base):
    """Project settings (codebook file, speaker patterns, ...), JSON values."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class WorkbenchStateRow(Base):
    """Where a coder left the workbench (document, scroll, selection, filter), one row
    per coder (revision 0017); kept in the project so it travels with it. Not part of
    the action log: returning to a place is not an action to undo or merge."""

    __tablename__ = "workbench_state"

    coder: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str] = mapped_column(Text, default="{}")
    updated: Mapped[str] = mapped_column(String(40))


class CoderRow(Base):
    """A person (or ``rules``) who codes."""

    __tablename__ = "coders"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20), default="coder")


class DocumentRow(Base):
    """A transcript: normalized text stored once, with its SHA-256."""

    __tablename__ = "documents"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(400), unique=True)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    chars: Mapped[int] = mapped_column(Integer)
    lang: Mapped[str | None] = mapped_column(String(10))
    source_path: Mapped[str | None] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(20))
    encoding: Mapped[str] = mapped_column(String(40))
    imported_at: Mapped[str] = mapped_column(String(40))
    meta: Mapped[str] = mapped_column(Text, default="{}")
    version: Mapped[int] = mapped_column(Integer, default=1)


class DocumentMarkRow(Base):
    """A coder's mark on a document (``done`` for agreement and adjudication)."""

    __tablename__ = "document_marks"

    document_pk: Mapped[int] = mapped_column(
        ForeignKey("documents.pk", ondelete="CASCADE"), primary_key=True
    )
    coder: Mapped[str] = mapped_column(String(200), primary_key=True)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[str] = mapped_column(String(40))


class TurnRow(Base):
    """A speaker turn; ``start``/``end`` exclude the label."""

    __tablename__ = "turns"
    __table_args__ = (
        UniqueConstraint("document_pk", "ordinal"),
        Index("ix_turns_document_start", "document_pk", "start"),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_pk: Mapped[int] = mapped_column(ForeignKey("documents.pk", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label_start: Mapped[int | None] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(20))
    timestamp_ms: Mapped[int | None] = mapped_column(Integer)


class TurnSpeakerRow(Base):
    """One speaker of a joint turn (revision 0014): a turn of one speaker has none."""

    __tablename__ = "turn_speakers"
    __table_args__ = (
        UniqueConstraint("turn_pk", "position"),
        Index("ix_turn_speakers_speaker", "speaker"),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_pk: Mapped[int] = mapped_column(ForeignKey("turns.pk", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(20))


class SentenceRow(Base):
    """A sentence inside one turn, with its lemmas for search."""

    __tablename__ = "sentences"
    __table_args__ = (
        UniqueConstraint("document_pk", "ordinal"),
        Index("ix_sentences_document_start", "document_pk", "start"),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_pk: Mapped[int] = mapped_column(ForeignKey("documents.pk", ondelete="CASCADE"))
    turn_pk: Mapped[int | None] = mapped_column(ForeignKey("turns.pk", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    lemmas: Mapped[str] = mapped_column(Text, default="")


class CaseRow(Base):
    """A case (participant): a whole document or one speaker in it."""

    __tablename__ = "cases"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(400), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")


class CaseSourceRow(Base):
    """Links a case to a document, or to one speaker within a document."""

    __tablename__ = "case_sources"
    __table_args__ = (UniqueConstraint("case_pk", "document_pk", "speaker"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.pk", ondelete="CASCADE"))
    document_pk: Mapped[int] = mapped_column(ForeignKey("documents.pk", ondelete="CASCADE"))
    speaker: Mapped[str | None] = mapped_column(String(200))


class AttributeRow(Base):
    """A case attribute (REFI-QDA: a variable), e.g. occupation."""

    __tablename__ = "attributes"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(20), default="text")


class CaseAttributeRow(Base):
    """The value of one attribute for one case."""

    __tablename__ = "case_attributes"

    case_pk: Mapped[int] = mapped_column(
        ForeignKey("cases.pk", ondelete="CASCADE"), primary_key=True
    )
    attribute_pk: Mapped[int] = mapped_column(
        ForeignKey("attributes.pk", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[str | None] = mapped_column(Text)


class CodeRow(Base):
    """A code; the tree is ``parent_pk`` + ``position`` among siblings."""

    __tablename__ = "codes"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    id: Mapped[str] = mapped_column(String(200), unique=True)
    parent_pk: Mapped[int | None] = mapped_column(ForeignKey("codes.pk"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(Text)  # JSON: "text" or {"id": .., "en": ..}
    description: Mapped[str] = mapped_column(Text, default="")
    inclusion: Mapped[str] = mapped_column(Text, default="")
    exclusion: Mapped[str] = mapped_column(Text, default="")
    examples: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    color: Mapped[str | None] = mapped_column(String(20))
    key: Mapped[str | None] = mapped_column(String(10))
    rules: Mapped[str | None] = mapped_column(Text)  # JSON
    memo: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # REFI-QDA isCodable: False for a code that only groups others (revision 0005)
    codable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # negative / positive / neutral / mixed, for the dimension scorecard (revision 0019)
    valence: Mapped[str | None] = mapped_column(String(10))


class CodeAliasRow(Base):
    """An earlier id of a code, still resolving to it."""

    __tablename__ = "code_aliases"

    alias: Mapped[str] = mapped_column(String(200), primary_key=True)
    code_pk: Mapped[int] = mapped_column(ForeignKey("codes.pk", ondelete="CASCADE"))


class CodingRow(Base):
    """A coded passage. State lives in separate fields so no one overwrites another."""

    __tablename__ = "codings"
    __table_args__ = (
        UniqueConstraint("document_pk", "code_pk", "start", "end", "coder"),
        Index("ix_codings_code_document", "code_pk", "document_pk"),
        Index("ix_codings_document_start", "document_pk", "start"),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    document_pk: Mapped[int] = mapped_column(ForeignKey("documents.pk"))
    code_pk: Mapped[int] = mapped_column(ForeignKey("codes.pk"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    coder: Mapped[str] = mapped_column(String(200))
    created: Mapped[str] = mapped_column(String(40))
    quote: Mapped[str] = mapped_column(Text)
    memo: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(20), default="manual")
    status: Mapped[str] = mapped_column(String(20), default="accepted")
    review: Mapped[str] = mapped_column(String(20), default="unreviewed")
    reviewer: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[str | None] = mapped_column(String(40))
    anchor: Mapped[str] = mapped_column(String(20), default="exact")
    batch: Mapped[str | None] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # the REFI-QDA PlainTextSelection an imported coding came from (revision 0005)
    selection_guid: Mapped[str | None] = mapped_column(String(36))
    # who wrote the coding's memo (revision 0015)
    memo_author: Mapped[str | None] = mapped_column(String(200))
    # who ran the auto-code run that suggested it; NULL for other codings (revision 0016)
    run_by: Mapped[str | None] = mapped_column(String(200))


class AdjudicationRow(Base):
    """One decision on a disagreement between two coders (issue 7).

    ``key`` identifies the disagreement (the code and both sides' spans), so a
    decision survives re-running the comparison; ``decision`` is ``a``, ``b``,
    ``both`` or ``neither``. The consensus codings themselves are ordinary codings
    whose coder is ``consensus`` (or the name given).
    """

    __tablename__ = "adjudications"
    __table_args__ = (UniqueConstraint("document_pk", "consensus", "key"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    document_pk: Mapped[int] = mapped_column(ForeignKey("documents.pk", ondelete="CASCADE"))
    consensus: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(200))
    coder_a: Mapped[str] = mapped_column(String(200))
    coder_b: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str] = mapped_column(String(10))
    decided_by: Mapped[str] = mapped_column(String(200))
    at: Mapped[str] = mapped_column(String(40))


class ReviewCommentRow(Base):
    """One entry of a coding's review thread (dispute, reply, revision, approval)."""

    __tablename__ = "review_comments"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    coding_guid: Mapped[str] = mapped_column(String(36), index=True)
    author: Mapped[str] = mapped_column(String(200))
    at: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    # the exported review sheet this entry was applied from (revision 0015)
    sheet: Mapped[str | None] = mapped_column(String(36))


class MemoRow(Base):
    """A memo on the project, a document, a code or a case."""

    __tablename__ = "memos"
    __table_args__ = (Index("ix_memos_target", "target_kind", "target_guid"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    target_kind: Mapped[str] = mapped_column(String(20))
    target_guid: Mapped[str | None] = mapped_column(String(36))
    author: Mapped[str] = mapped_column(String(200))
    created: Mapped[str] = mapped_column(String(40))
    updated: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")


class SuggestionRejectionRow(Base):
    """A rejected auto-code suggestion, so it is not suggested again."""

    __tablename__ = "suggestion_rejections"
    __table_args__ = (UniqueConstraint("document_pk", "code_pk", "start", "end"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_pk: Mapped[int] = mapped_column(ForeignKey("documents.pk", ondelete="CASCADE"))
    code_pk: Mapped[int] = mapped_column(ForeignKey("codes.pk", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    coder: Mapped[str] = mapped_column(String(200))
    at: Mapped[str] = mapped_column(String(40))


class ActionRow(Base):
    """The append-only action log: one entry per user action.

    ``payload`` holds the row-level changes (before/after images) that undo and redo
    replay; ``reverts`` points at the entry an undo or redo reverses.
    """

    __tablename__ = "actions"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    at: Mapped[str] = mapped_column(String(40))
    coder: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[str] = mapped_column(Text, default="{}")
    group_guid: Mapped[str | None] = mapped_column(String(36))
    reverts: Mapped[int | None] = mapped_column(Integer)
    undoable: Mapped[bool] = mapped_column(Boolean, default=True)
    # the window it was made from: "cli", "tui-..." (revision 0015; NULL before)
    window: Mapped[str | None] = mapped_column(String(100))


class TombstoneRow(Base):
    """A deleted object, kept by guid so a merge never brings it back."""

    __tablename__ = "tombstones"

    guid: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    deleted_at: Mapped[str] = mapped_column(String(40))
    coder: Mapped[str] = mapped_column(String(200))


class ThemeRow(Base):
    """A theme of a thematic analysis (revision 0019): a layer over the codes, with a
    tree of sub-themes through ``parent_pk`` + ``position``."""

    __tablename__ = "themes"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    id: Mapped[str] = mapped_column(String(200), unique=True)
    parent_pk: Mapped[int | None] = mapped_column(ForeignKey("themes.pk"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(Text)  # JSON: "text" or {"id": .., "en": ..}
    definition: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="candidate")
    reason: Mapped[str] = mapped_column(Text, default="")
    color: Mapped[str | None] = mapped_column(String(20))
    coder: Mapped[str] = mapped_column(String(200))
    created: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)


class ThemeCodeRow(Base):
    """A code's membership of a theme (revision 0019); its guid carries a removal's
    tombstone through project merges."""

    __tablename__ = "theme_codes"
    __table_args__ = (
        UniqueConstraint("theme_pk", "code_pk"),
        Index("ix_theme_codes_code_pk", "code_pk"),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    theme_pk: Mapped[int] = mapped_column(ForeignKey("themes.pk", ondelete="CASCADE"))
    code_pk: Mapped[int] = mapped_column(ForeignKey("codes.pk", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    coder: Mapped[str] = mapped_column(String(200))
    created: Mapped[str] = mapped_column(String(40))


class ThemeExtractRow(Base):
    """A key extract of a theme (revision 0019): a coding by guid, in order, with an
    optional translation. By guid, not by key, so the extract survives its coding's
    deletion and comes back with the coding's undo."""

    __tablename__ = "theme_extracts"
    __table_args__ = (UniqueConstraint("theme_pk", "coding_guid"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    theme_pk: Mapped[int] = mapped_column(ForeignKey("themes.pk", ondelete="CASCADE"))
    coding_guid: Mapped[str] = mapped_column(String(36), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    translation: Mapped[str] = mapped_column(Text, default="")
    coder: Mapped[str] = mapped_column(String(200))
    created: Mapped[str] = mapped_column(String(40))


class RelationRow(Base):
    """A typed relation between two of code, theme, passage (coding) and document
    (revision 0019), each end named by kind and guid."""

    __tablename__ = "relations"
    __table_args__ = (
        Index("ix_relations_source", "source_kind", "source_guid"),
        Index("ix_relations_target", "target_kind", "target_guid"),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True)
    source_kind: Mapped[str] = mapped_column(String(20))
    source_guid: Mapped[str] = mapped_column(String(36))
    target_kind: Mapped[str] = mapped_column(String(20))
    target_guid: Mapped[str] = mapped_column(String(36))
    type: Mapped[str] = mapped_column(String(60))
    directed: Mapped[bool] = mapped_column(Boolean, default=True)
    memo: Mapped[str] = mapped_column(Text, default="")
    coder: Mapped[str] = mapped_column(String(200))
    created: Mapped[str] = mapped_column(String(40))
