"""The matrices' queries, as SQLAlchemy Core, each named for what it selects.

Every matrix starts from the same set, ``filtered_codings``: the codings that pass
the filters, each with the code it counts under (``unit_pk``: its top-level
dimension when rolled up) and the turn holding its start (its speaker and role).
``coding_cases`` pairs each of them with its cases (a case is a whole document, or
one speaker in it). A matrix that runs several queries over the set computes both
once into indexed temporary tables (:func:`materialize`), which live in the
connection's own temporary schema on SQLite and PostgreSQL alike and never touch the
project. Values are bound parameters throughout (IN lists expanding).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    FromClause,
    Index,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    and_,
    cast,
    exists,
    func,
    insert,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.schema import CreateIndex, CreateTable, DropTable

from qualcode.store.base import (
    T_ACTIONS,
    T_ATTRS,
    T_CASE_ATTRS,
    T_CASE_SOURCES,
    T_CASES,
    T_CODES,
    T_CODINGS,
    T_DOCS,
    T_MEMOS,
    T_SENTS,
    T_TURN_SPEAKERS,
    T_TURNS,
)
from qualcode.store.review import T_COMMENTS


@dataclass(frozen=True)
class CodingFilter:
    """The filters as primary keys and values (``None``: no filter of that kind)."""

    status: tuple[str, ...] = ()
    coders: tuple[str, ...] = ()
    review: tuple[str, ...] = ()
    code_pks: tuple[int, ...] | None = None
    doc_pks: tuple[int, ...] | None = None
    case_pks: tuple[int, ...] | None = None
    roles: tuple[str, ...] = ()
    rollup: bool = False
    with_turn: bool = False


@dataclass(frozen=True)
class Filtered:
    """The filtered codings and the cases of each, as CTEs or temporary tables."""

    codings: FromClause
    cases: FromClause


# ---------------------------------------------------------------------- the filtered set


def speaker_holds(source: FromClause, speaker: ColumnElement[Any], turn: ColumnElement[Any]) -> Any:
    """Case source ``source`` holds a coding whose turn is ``turn`` (speaker ``speaker``):
    the whole document, or a speaker of the turn (any speaker of a joint turn)."""
    ts = T_TURN_SPEAKERS.alias("joint_speaker")
    return or_(
        source.c.speaker.is_(None),
        source.c.speaker == speaker,
        exists().where(ts.c.turn_pk == turn, ts.c.speaker == source.c.speaker),
    )


def _code_tops() -> FromClause:
    """Every code with its top-level ancestor (``pk``, ``top_pk``), recursively."""
    tops = (
        select(T_CODES.c.pk.label("pk"), T_CODES.c.pk.label("top_pk"))
        .where(T_CODES.c.parent_pk.is_(None))
        .cte("code_tops", recursive=True)
    )
    child = T_CODES.alias("child_code")
    return tops.union_all(select(child.c.pk, tops.c.top_pk).where(child.c.parent_pk == tops.c.pk))


def _kept_codings(f: CodingFilter) -> FromClause:
    """The codings passing the coding-level filters, with their unit and turn."""
    c = T_CODINGS.alias("coding")
    unit: ColumnElement[Any] = c.c.code_pk
    if f.rollup:
        tops = _code_tops()
        unit = select(tops.c.top_pk).where(tops.c.pk == c.c.code_pk).scalar_subquery()
    turn: ColumnElement[Any] = cast(null(), Integer)  # typed, so PostgreSQL can join on it
    if f.with_turn:
        t = T_TURNS.alias("holding_turn")
        turn = (
            select(t.c.pk)
            .where(t.c.document_pk == c.c.document_pk, t.c.start <= c.c.start)
            .order_by(t.c.start.desc())
            .limit(1)
            .scalar_subquery()
        )
    where: list[ColumnElement[bool]] = []
    for column, values in (
        (c.c.status, f.status or None),
        (c.c.coder, f.coders or None),
        (c.c.review, f.review or None),
        (c.c.code_pk, f.code_pks),
        (c.c.document_pk, f.doc_pks),
    ):
        if values is not None:
            where.append(column.in_(values))
    return (
        select(
            c.c.pk.label("pk"),
            c.c.document_pk.label("doc_pk"),
            c.c.code_pk.label("code_pk"),
            unit.label("unit_pk"),
            c.c.start.label("start"),
            c.c.end.label("end"),
            turn.label("turn_pk"),
        )
        .where(*where)
        .cte("kept_codings")
    )


def filtered_codings(f: CodingFilter) -> FromClause:
    """The codings that pass every filter: ``pk, doc_pk, code_pk, unit_pk, start, end,
    turn_pk, speaker, role`` (speaker and role of the turn holding the start)."""
    kept = _kept_codings(f)
    t = T_TURNS.alias("turn")
    where: list[Any] = []
    if f.roles:
        ts = T_TURN_SPEAKERS.alias("role_speaker")
        where.append(
            or_(
                t.c.role.in_(f.roles),
                exists().where(ts.c.turn_pk == t.c.pk, ts.c.role.in_(f.roles)),
            )
        )
    if f.case_pks is not None:
        cs = T_CASE_SOURCES.alias("wanted_source")
        where.append(
            exists().where(
                cs.c.document_pk == kept.c.doc_pk,
                cs.c.case_pk.in_(f.case_pks),
                speaker_holds(cs, t.c.speaker, kept.c.turn_pk),
            )
        )
    return (
        select(kept, t.c.speaker.label("speaker"), t.c.role.label("role"))
        .select_from(kept.outerjoin(t, t.c.pk == kept.c.turn_pk))
        .where(*where)
        .cte("filtered_codings")
    )


def coding_cases(codings: FromClause, case_pks: tuple[int, ...] | None) -> Select[Any]:
    """``pk, case_pk``: each filtered coding with each case it belongs to."""
    cs = T_CASE_SOURCES.alias("source")
    stmt = select(codings.c.pk.label("pk"), cs.c.case_pk.label("case_pk")).select_from(
        codings.join(
            cs,
            and_(
                cs.c.document_pk == codings.c.doc_pk,
                speaker_holds(cs, codings.c.speaker, codings.c.turn_pk),
            ),
        )
    )
    return stmt.where(cs.c.case_pk.in_(case_pks)) if case_pks is not None else stmt


def filtered(f: CodingFilter) -> Filtered:
    """The filtered codings and their cases as CTEs (one query, no temporary tables)."""
    codings = filtered_codings(f)
    return Filtered(codings, coding_cases(codings, f.case_pks).cte("coding_cases"))


_TEMP = MetaData()
FILTERED_TABLE = Table(
    "qc_f",
    _TEMP,
    Column("pk", Integer),
    Column("doc_pk", Integer),
    Column("code_pk", Integer),
    Column("unit_pk", Integer),
    Column("start", Integer),
    Column("end", Integer),
    Column("turn_pk", Integer),
    Column("speaker", String(200)),
    Column("role", String(20)),
    prefixes=["TEMPORARY"],
)
Index("qc_f_pk", FILTERED_TABLE.c.pk)
Index(
    "qc_f_doc",
    FILTERED_TABLE.c.doc_pk,
    FILTERED_TABLE.c.start,
    FILTERED_TABLE.c.end,
    FILTERED_TABLE.c.pk,
)
CASES_TABLE = Table(
    "qc_fcase",
    _TEMP,
    Column("pk", Integer),
    Column("case_pk", Integer),
    prefixes=["TEMPORARY"],
)
Index("qc_fcase_pk", CASES_TABLE.c.pk)
UNITS_TABLE = Table(
    "qc_u",
    _TEMP,
    Column("unit_pk", Integer),
    Column("upk", Integer),
    prefixes=["TEMPORARY"],
)
Index("qc_u_upk", UNITS_TABLE.c.upk, UNITS_TABLE.c.unit_pk)


def fill_temporary(conn: Connection, table: Table, rows: Select[Any]) -> None:
    """(Re)create the temporary ``table`` holding ``rows``, then index it."""
    conn.execute(DropTable(table, if_exists=True))
    conn.execute(CreateTable(table))
    conn.execute(insert(table).from_select([c.name for c in table.columns], rows))
    for index in sorted(table.indexes, key=lambda i: str(i.name)):
        conn.execute(CreateIndex(index))


def materialize(conn: Connection, f: CodingFilter) -> Filtered:
    """Compute the filtered codings and their cases once, into indexed temporary tables.

    Every matrix runs several queries over the same filtered set; a CTE would be
    recomputed (and joined unindexed) by each.
    """
    codings = filtered_codings(f)
    fill_temporary(conn, FILTERED_TABLE, select(codings))
    cases = coding_cases(FILTERED_TABLE, f.case_pks).distinct()
    fill_temporary(conn, CASES_TABLE, cases)
    return Filtered(FILTERED_TABLE, CASES_TABLE)


# ---------------------------------------------------------------------- matrices


def coding_columns(
    fc: Filtered, kind: str, roles: tuple[str, ...], attr_pk: int | None
) -> Select[Any]:
    """``pk, unit_pk, col, doc_pk, start, end``: each filtered coding with each column
    it counts in, in text order. A joint turn's coding counts for each of its
    speakers' roles; a coding of two cases (or values) in each."""
    f = fc.codings
    spans = (f.c.pk, f.c.unit_pk, f.c.doc_pk, f.c.start, f.c.end)
    col: ColumnElement[Any]
    if kind == "document":
        stmt = select(*spans, cast(f.c.doc_pk, Text).label("col"))
    elif kind == "speaker":
        ts = T_TURN_SPEAKERS.alias("speaker_of_turn")
        col = func.coalesce(ts.c.role, f.c.role, literal(""))
        stmt = select(*spans, col.label("col")).distinct()
        stmt = stmt.select_from(f.outerjoin(ts, ts.c.turn_pk == f.c.turn_pk))
        if roles:
            stmt = stmt.where(func.coalesce(ts.c.role, f.c.role).in_(roles))
    elif kind == "case":
        col = func.coalesce(cast(fc.cases.c.case_pk, Text), literal(""))
        stmt = select(*spans, col.label("col")).distinct()
        stmt = stmt.select_from(f.outerjoin(fc.cases, fc.cases.c.pk == f.c.pk))
    else:
        ca = T_CASE_ATTRS.alias("value_of_case")
        stmt = select(*spans, func.coalesce(ca.c.value, literal("")).label("col")).distinct()
        stmt = stmt.select_from(
            f.outerjoin(fc.cases, fc.cases.c.pk == f.c.pk).outerjoin(
                ca, and_(ca.c.case_pk == fc.cases.c.case_pk, ca.c.attribute_pk == attr_pk)
            )
        )
    columns = stmt.subquery("coding_columns")
    c = columns.c
    return select(c.pk, c.unit_pk, c.col, c.doc_pk, c.start, c.end).order_by(
        c.doc_pk, c.start, c.end, c.pk
    )


def reviews_per_unit(fc: Filtered) -> Select[Any]:
    """``unit_pk, review, count`` over the filtered codings."""
    f, c = fc.codings, T_CODINGS
    return (
        select(f.c.unit_pk, c.c.review, func.count())
        .select_from(f.join(c, c.c.pk == f.c.pk))
        .group_by(f.c.unit_pk, c.c.review)
    )


def unit_totals(fc: Filtered) -> Select[Any]:
    """``unit_pk, codings, documents, cases`` (distinct) over the filtered codings."""
    f, cases = fc.codings, fc.cases
    return (
        select(
            f.c.unit_pk,
            func.count(f.c.pk.distinct()),
            func.count(f.c.doc_pk.distinct()),
            func.count(cases.c.case_pk.distinct()),
        )
        .select_from(f.outerjoin(cases, cases.c.pk == f.c.pk))
        .group_by(f.c.unit_pk)
    )


def unit_quotes(fc: Filtered) -> Select[Any]:
    """``unit_pk, quote`` of the filtered codings, by document name and position."""
    f, c, d = fc.codings, T_CODINGS, T_DOCS
    return (
        select(f.c.unit_pk, c.c.quote)
        .select_from(f.join(c, c.c.pk == f.c.pk).join(d, d.c.pk == f.c.doc_pk))
        .order_by(d.c.name, c.c.start, c.c.pk)
    )


def overlap_pairs(fc: Filtered) -> Select[Any]:
    """``unit a, unit b, pairs, codings of a``: overlapping codings of two units."""
    a, b = fc.codings.alias("coding_a"), fc.codings.alias("coding_b")
    return (
        select(a.c.unit_pk, b.c.unit_pk, func.count(), func.count(a.c.pk.distinct()))
        .select_from(
            a.join(
                b,
                and_(
                    a.c.doc_pk == b.c.doc_pk,
                    a.c.pk != b.c.pk,
                    a.c.start < b.c.end,
                    b.c.start < a.c.end,
                ),
            )
        )
        .group_by(a.c.unit_pk, b.c.unit_pk)
    )


def codings_per_unit(fc: Filtered) -> Select[Any]:
    """``unit_pk, count`` of the filtered codings."""
    f = fc.codings
    return select(f.c.unit_pk, func.count()).group_by(f.c.unit_pk)


def units_touched(fc: Filtered, mode: str) -> Select[Any]:
    """``unit_pk, upk``: the sentences (or turns) each unit's codings touch, once."""
    f = fc.codings
    s = (T_SENTS if mode == "sentence" else T_TURNS).alias("touched")
    return (
        select(f.c.unit_pk.label("unit_pk"), s.c.pk.label("upk"))
        .distinct()
        .select_from(
            f.join(s, and_(s.c.document_pk == f.c.doc_pk, s.c.start < f.c.end, f.c.start < s.c.end))
        )
    )


def shared_units() -> Select[Any]:
    """``unit a, unit b, sentences (turns) both touch`` over the temporary units."""
    a, b = UNITS_TABLE.alias("touched_a"), UNITS_TABLE.alias("touched_b")
    return (
        select(a.c.unit_pk, b.c.unit_pk, func.count())
        .select_from(a.join(b, a.c.upk == b.c.upk))
        .group_by(a.c.unit_pk, b.c.unit_pk)
    )


def units_per_code() -> Select[Any]:
    """``unit_pk, count`` of the sentences (turns) each unit touches."""
    u = UNITS_TABLE
    return select(u.c.unit_pk, func.count()).group_by(u.c.unit_pk)


def segment_rows(fc: Filtered) -> Select[Any]:
    """One row per filtered coding with everything a :class:`Segment` shows, in
    document-name and text order."""
    f, c, d, code = fc.codings, T_CODINGS, T_DOCS, T_CODES
    t = T_TURNS.alias("turn_of_coding")
    s = T_SENTS.alias("sentence_of_coding")
    sentence = (
        select(s.c.ordinal)
        .where(s.c.document_pk == f.c.doc_pk, s.c.start <= f.c.start)
        .order_by(s.c.start.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(
            f.c.pk,
            f.c.unit_pk,
            c.c.guid,
            d.c.name,
            code.c.id,
            c.c.start,
            c.c.end,
            t.c.ordinal,
            t.c.speaker,
            t.c.role,
            c.c.coder,
            c.c.created,
            c.c.origin,
            c.c.status,
            c.c.anchor,
            c.c.review,
            c.c.reviewer,
            c.c.reviewed_at,
            c.c.memo,
            c.c.quote,
            sentence,
            f.c.turn_pk,
        )  # fmt: skip
        .select_from(
            f.join(c, c.c.pk == f.c.pk)
            .join(d, d.c.pk == f.c.doc_pk)
            .join(code, code.c.pk == f.c.code_pk)
            .outerjoin(t, t.c.pk == f.c.turn_pk)
        )
        .order_by(d.c.name, c.c.start, c.c.end, code.c.position, c.c.pk)
    )


# ---------------------------------------------------------------------- the project around


def any_speaker_case() -> Select[Any]:
    """A row when some case is one speaker of a document (cases then need the turns)."""
    cs = T_CASE_SOURCES
    return select(cs.c.pk).where(cs.c.speaker.is_not(None)).limit(1)


def documents_of_cases(case_pks: Sequence[int]) -> Select[Any]:
    """``document_pk`` of every source of these cases."""
    cs = T_CASE_SOURCES
    return select(cs.c.document_pk).where(cs.c.case_pk.in_(case_pks))


def document_cases(case_pks: Sequence[int] | None) -> Select[Any]:
    """``document_pk, case_pk`` of the whole-document case sources (only these cases)."""
    cs = T_CASE_SOURCES
    stmt = select(cs.c.document_pk, cs.c.case_pk).where(cs.c.speaker.is_(None))
    return stmt.where(cs.c.case_pk.in_(case_pks)) if case_pks is not None else stmt


def case_sources() -> Select[Any]:
    """``case_pk, document_pk, speaker`` of every case source."""
    cs = T_CASE_SOURCES
    return select(cs.c.case_pk, cs.c.document_pk, cs.c.speaker)


def attribute_values(attr_pk: int | None) -> Select[Any]:
    """``case_pk, value`` of one attribute."""
    ca = T_CASE_ATTRS
    return select(ca.c.case_pk, ca.c.value).where(ca.c.attribute_pk == attr_pk)


def attribute_values_named(name: str) -> Select[Any]:
    """``value`` of the attribute called ``name``, for every case that has it."""
    ca, a = T_CASE_ATTRS, T_ATTRS
    return (
        select(ca.c.value)
        .select_from(ca.join(a, a.c.pk == ca.c.attribute_pk))
        .where(a.c.name == name)
    )


def turn_people() -> Select[Any]:
    """``turn, document, speaker, role, chars``: every speaker of every turn (a joint
    turn once per speaker)."""
    t, ts = T_TURNS, T_TURN_SPEAKERS
    return select(
        t.c.pk,
        t.c.document_pk,
        func.coalesce(ts.c.speaker, t.c.speaker),
        func.coalesce(ts.c.role, t.c.role),
        t.c.end - t.c.start,
    ).select_from(t.outerjoin(ts, ts.c.turn_pk == t.c.pk))


def joint_speakers() -> Select[Any]:
    """``turn_pk, speaker, role`` of joint turns' speakers, in order."""
    ts = T_TURN_SPEAKERS
    return select(ts.c.turn_pk, ts.c.speaker, ts.c.role).order_by(ts.c.turn_pk, ts.c.position)


def named_case_sources() -> Select[Any]:
    """``document name, speaker, case name, case_pk`` by case name."""
    cs, c, d = T_CASE_SOURCES, T_CASES, T_DOCS
    return (
        select(d.c.name, cs.c.speaker, c.c.name, c.c.pk)
        .select_from(cs.join(c, c.c.pk == cs.c.case_pk).join(d, d.c.pk == cs.c.document_pk))
        .order_by(c.c.name)
    )


def named_case_attributes() -> Select[Any]:
    """``case_pk, attribute name, value``."""
    ca, a = T_CASE_ATTRS, T_ATTRS
    return select(ca.c.case_pk, a.c.name, ca.c.value).select_from(
        ca.join(a, a.c.pk == ca.c.attribute_pk)
    )


def comment_threads() -> Select[Any]:
    """``coding_guid, entries, newest pk`` of every review thread."""
    rc = T_COMMENTS
    return select(rc.c.coding_guid, func.count(), func.max(rc.c.pk)).group_by(rc.c.coding_guid)


def newest_comments() -> Select[Any]:
    """``pk, text`` of each thread's newest entry."""
    rc = T_COMMENTS
    newest = select(func.max(rc.c.pk)).group_by(rc.c.coding_guid)
    return select(rc.c.pk, rc.c.text).where(rc.c.pk.in_(newest.scalar_subquery()))


def change_stamp() -> tuple[Select[Any], Select[Any]]:
    """The newest action and the number of codings: what a cached read depends on."""
    return select(func.max(T_ACTIONS.c.seq)), select(func.count()).select_from(T_CODINGS)


def memos_with_targets() -> Select[Any]:
    """Every memo with its target's name (document, code id or case), in creation order."""
    m, d, code, cs = T_MEMOS, T_DOCS, T_CODES, T_CASES
    return (
        select(
            m.c.guid,
            m.c.target_kind,
            m.c.target_guid,
            m.c.author,
            m.c.created,
            m.c.updated,
            m.c.title,
            m.c.text,
            d.c.name,
            code.c.id,
            cs.c.name,
        )  # fmt: skip
        .select_from(
            m.outerjoin(d, and_(m.c.target_kind == "document", d.c.guid == m.c.target_guid))
            .outerjoin(code, and_(m.c.target_kind == "code", code.c.guid == m.c.target_guid))
            .outerjoin(cs, and_(m.c.target_kind == "case", cs.c.guid == m.c.target_guid))
        )
        .order_by(m.c.created, m.c.pk)
    )


def coding_memo_authors() -> Select[Any]:
    """``guid, memo_author`` of codings whose memo has an author."""
    c = T_CODINGS
    return select(c.c.guid, c.c.memo_author).where(c.c.memo_author.is_not(None))


def raw_rows(conn: Connection, stmt: Select[Any]) -> list[tuple[Any, ...]]:
    """Run ``stmt`` and return plain tuples from the driver's cursor.

    SQLAlchemy builds a Row object per row; for 100,000 codings that costs more than
    the query. The statement is still compiled by SQLAlchemy (bound parameters,
    expanded IN lists) for whichever database the project is on.
    """
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    args: Any = (
        tuple(compiled.params[n] for n in (compiled.positiontup or ()))
        if compiled.positional
        else compiled.params
    )
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), args)
        return list(cursor.fetchall())
    finally:
        cursor.close()
