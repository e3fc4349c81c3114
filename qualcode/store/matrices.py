"""Matrices over the store, all under one :class:`Filters`: the store part.

The queries live in :mod:`qualcode.store.matrix_queries` (SQLAlchemy Core, each named
for what it selects); the counting, the columns of a grouping, the roll-up, the
blind-coding rule and the co-occurrence grids in :mod:`qualcode.core.tabulate` (pure
functions over plain rows). This part resolves the filters to keys, runs the
queries and hands their rows to the tabulation.

The frequency matrix is one ordered query (codings by document and start, each with
its row and column) and one counting pass that tallies codings, distinct documents
and cases, and merges intervals, so overlapping and nested codings cover their text
once. Co-occurrence and the appendix are GROUP BYs and self-joins over the filtered
codings, computed once per call into indexed temporary tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from qualcode.core.codebook import Code, Codebook
from qualcode.core.filters import Filters, parse_by
from qualcode.core.matrices import (
    COOCCURRENCE_MODES,
    AppendixRow,
    Cooccurrence,
    Frequency,
    Matrix,
    MemoRow,
    Number,
    QuoteMatrix,
    Segment,
)
from qualcode.core.model import Status
from qualcode.core.tabulate import (
    ROLE_ORDER,
    CasesFor,
    Columns,
    Extent,
    TurnPerson,
    attribute_columns,
    blind_coders,
    case_columns,
    cases_by_source,
    code_rows,
    coding_cases,
    cooccurrence_grids,
    document_columns,
    first_missing,
    joint_role,
    merged_attributes,
    overlapping_pairs,
    quote_cells,
    share,
    speaker_columns,
    tally,
    total_chars,
)
from qualcode.errors import InputError, NotFoundError
from qualcode.i18n import _
from qualcode.store import matrix_queries as q
from qualcode.store.base import T_ATTRS, T_CASES, T_DOCS, VISIBLE, ProjectBase
from qualcode.store.team import Team


@dataclass(frozen=True)
class _Resolved:
    """Filters resolved to primary keys, and the filtered codings to query."""

    filtered: q.Filtered
    keys: q.CodingFilter
    codebook: Codebook
    rows: tuple[Code, ...]
    doc_pks: dict[int, str]
    doc_chars: dict[int, int]
    speaker_cases: bool


@dataclass
class _FrequencyRows:
    """What a frequency table is counted from, as read from the store."""

    r: _Resolved
    rows: list[tuple[Any, ...]]
    columns: Columns
    code_pk: dict[str, int]
    doc_cases: dict[int, tuple[int, ...]] = field(default_factory=dict)
    cases_of: dict[int, tuple[int, ...]] = field(default_factory=dict)
    attr_values: dict[int, str] = field(default_factory=dict)
    review_rows: list[Any] = field(default_factory=list)


@dataclass
class _SegmentLookups:
    """Everything a segment row is joined with outside its query."""

    joint: dict[int, list[tuple[str, str | None]]]
    case_names: dict[int, list[tuple[str, int]]]
    case_attrs: dict[int, dict[str, str]]
    thread_info: dict[str, tuple[int, str]]
    unit_ids: dict[int, str]
    codebook: Codebook
    lang: str | None
    code_info: dict[str, tuple[tuple[str, ...], str, dict[str, str]]] = field(default_factory=dict)
    case_info: dict[tuple[int, ...], tuple[tuple[str, ...], dict[str, str]]] = field(
        default_factory=dict
    )


class Matrices:
    """Frequency, quote, co-occurrence and segment tables, the codebook appendix, memos."""

    def __init__(self, store: ProjectBase, team: Team) -> None:
        self.store = store
        self.team = team

    # ------------------------------------------------------------------ filters

    def _resolve(
        self,
        conn: Connection,
        filters: Filters,
        *,
        need_turn: bool = False,
        materialize: bool = True,
    ) -> _Resolved:
        """Check the filters against the project, resolve them to keys and select the
        filtered codings (into temporary tables with ``materialize``)."""
        blind = self.team.visible_coder(None)
        coders, refused = blind_coders(filters.coders, blind)
        for other in refused:
            self.team.visible_coder(other)  # says why the blind view refuses
        cb = self.store.read_codebook(conn)
        rows, wanted = code_rows(cb, filters.codes, rollup=filters.rollup)
        code_pks = None
        if wanted is not None:
            pks = self.store.code_pks(conn)
            code_pks = tuple(sorted(pks[c] for c in wanted))
        doc_pks, doc_chars, kept_docs = self._documents(conn, filters)
        case_pks = self._case_pks(conn, filters)
        if case_pks is not None:
            linked = {d for (d,) in conn.execute(q.documents_of_cases(case_pks))}
            doc_pks = {pk: n for pk, n in doc_pks.items() if pk in linked}
        speaker_cases = _has_speaker_cases(conn)
        keys = q.CodingFilter(
            status=tuple(filters.status),
            coders=coders,
            review=tuple(filters.review),
            code_pks=code_pks,
            doc_pks=kept_docs,
            case_pks=case_pks,
            roles=tuple(filters.speaker_role),
            rollup=filters.rollup,
            with_turn=need_turn or bool(filters.speaker_role) or speaker_cases,
        )
        found = q.materialize(conn, keys) if materialize else q.filtered(keys)
        return _Resolved(found, keys, cb, rows, doc_pks, doc_chars, speaker_cases)

    def _documents(
        self, conn: Connection, filters: Filters
    ) -> tuple[dict[int, str], dict[int, int], tuple[int, ...] | None]:
        """The documents the filters keep (pk -> name), every document's length, and
        the kept keys when the filters name documents."""
        docs = conn.execute(select(T_DOCS.c.pk, T_DOCS.c.name, T_DOCS.c.chars).where(VISIBLE)).all()
        doc_pks = {pk: name for pk, name, _chars in docs}
        doc_chars = {pk: chars for pk, _name, chars in docs}
        if not filters.documents:
            return doc_pks, doc_chars, None
        by_name = {name: pk for pk, name in doc_pks.items()}
        missing = first_missing(filters.documents, by_name)
        if missing is not None:
            raise NotFoundError(
                _("no document named {missing!r}").format(missing=missing),
                hint=_("'qualcode documents' lists them"),
            )
        keep = {by_name[d] for d in filters.documents}
        return {pk: n for pk, n in doc_pks.items() if pk in keep}, doc_chars, tuple(sorted(keep))

    def _case_pks(self, conn: Connection, filters: Filters) -> tuple[int, ...] | None:
        """The keys of the cases the filters name (``None``: no case filter)."""
        if not filters.cases:
            return None
        found = {
            name: pk
            for name, pk in conn.execute(
                select(T_CASES.c.name, T_CASES.c.pk).where(T_CASES.c.name.in_(filters.cases))
            )
        }
        missing = first_missing(filters.cases, found)
        if missing is not None:
            raise NotFoundError(
                _("no case named {missing!r}").format(missing=missing),
                hint=_("'qualcode cases' lists them"),
            )
        return tuple(found.values())

    @staticmethod
    def _label_lang(cb: Codebook, label_lang: str | None) -> str | None:
        return label_lang or (cb.languages[0] if cb.languages else None)

    # ------------------------------------------------------------------ columns

    def _attribute_pk(self, conn: Connection, name: str) -> int:
        pk = conn.execute(select(T_ATTRS.c.pk).where(T_ATTRS.c.name == name)).scalar()
        if pk is None:
            known = [n for (n,) in conn.execute(select(T_ATTRS.c.name).order_by(T_ATTRS.c.name))]
            raise NotFoundError(
                _("no case attribute named {name!r}").format(name=name),
                hint=(
                    _("known: {known}").format(known=", ".join(known))
                    if known
                    else _("no case has attributes yet")
                ),
            )
        return int(pk)

    def _parse_by(self, by: str) -> tuple[str, str | None]:
        try:
            return parse_by(by)
        except ValueError:
            raise InputError(
                _("unknown grouping {by!r}").format(by=by),
                hint=_("use --by document, case, speaker or attribute:NAME"),
            ) from None

    def _columns(
        self,
        conn: Connection,
        r: _Resolved,
        kind: str,
        attr_pk: int | None,
        present: set[str],
        filters: Filters,
    ) -> Columns:
        """The grouping's columns (keys as :func:`~q.coding_columns` gives them), their
        display names and the characters each holds."""
        roles = frozenset(filters.speaker_role)
        people: list[TurnPerson] = []
        if roles or kind == "speaker" or r.speaker_cases:
            people = [TurnPerson(*row) for row in conn.execute(q.turn_people())]
        extent = Extent(docs=r.doc_pks, doc_chars=r.doc_chars, people=people, roles=roles)
        if kind == "document":
            return document_columns(extent)
        if kind == "speaker":
            return speaker_columns(extent, present)
        sources = [tuple(row) for row in conn.execute(q.case_sources())]
        if kind == "case":
            cases = [
                (pk, name)
                for pk, name in conn.execute(
                    select(T_CASES.c.pk, T_CASES.c.name).order_by(T_CASES.c.name)
                )
                if not filters.cases or name in filters.cases
            ]
            return case_columns(extent, cases, sources, present)
        allowed: set[int] | None = None
        if filters.cases:
            allowed = {
                pk
                for pk, name in conn.execute(select(T_CASES.c.pk, T_CASES.c.name))
                if name in filters.cases
            }
        values = self._attribute_values(conn, attr_pk)
        return attribute_columns(extent, values, sources, allowed, present)

    @staticmethod
    def _attribute_values(conn: Connection, attr_pk: int | None) -> dict[int, str]:
        """Case pk -> its (non-empty) value of the attribute."""
        return {c: v for c, v in conn.execute(q.attribute_values(attr_pk)) if v not in (None, "")}

    # ------------------------------------------------------------------ frequency

    def frequency(
        self,
        *,
        by: str = "document",
        coder: str | None = None,
        status: str = Status.ACCEPTED.value,
        label_lang: str | None = None,
        filters: Filters | None = None,
    ) -> Matrix:
        """Code x column matrix of coding counts, computed in SQL.

        Rows are every code in codebook order (zero rows included); columns are the
        documents by name (or cases, speaker roles, attribute values).
        """
        if filters is None:
            filters = Filters(coders=(coder,) if coder else (), status=(status,))
        return self.frequency_table(filters, by=by, label_lang=label_lang).codings

    def frequency_table(
        self,
        filters: Filters | None = None,
        *,
        by: str = "document",
        label_lang: str | None = None,
        reviews: bool = False,
    ) -> Frequency:
        """Codings, documents, cases and share of text coded per code and column.

        One SQL query filters the codings, maps each to the code it counts under
        (its dimension when rolled up) and to its column(s), and returns them in text
        order; one pass then counts codings, distinct documents and cases, and merges
        intervals (so nested and overlapping codings cover their text once), per cell,
        per row, per column and overall. A coding in two columns (a document shared by
        two cases) counts in both columns and once in the totals.

        Args:
            filters: which codings count (default: accepted ones).
            by: ``document``, ``case``, ``speaker`` (the role) or ``attribute:NAME``.
            label_lang: the language of the row labels (default: the codebook's first).
            reviews: also count each row's codings by review state.

        Raises:
            InputError: an unknown grouping.
            NotFoundError: an unknown code, document, case or attribute in the filters.
        """
        filters = filters or Filters()
        kind, attribute = self._parse_by(by)
        with self.store.read() as conn:
            data = self._frequency_rows(conn, filters, kind, attribute, reviews=reviews)
        return _frequency(
            data, filters, by, kind, self._label_lang(data.r.codebook, label_lang), reviews
        )

    def _frequency_rows(
        self,
        conn: Connection,
        filters: Filters,
        kind: str,
        attribute: str | None,
        *,
        reviews: bool,
    ) -> _FrequencyRows:
        attr_pk = self._attribute_pk(conn, attribute) if attribute else None
        # one query: no need to materialize the filtered codings first
        r = self._resolve(
            conn, filters, need_turn=kind == "speaker", materialize=_has_speaker_cases(conn)
        )
        rows = q.raw_rows(conn, q.coding_columns(r.filtered, kind, r.keys.roles, attr_pk))
        present = {row[2] for row in rows}
        columns = self._columns(conn, r, kind, attr_pk, present, filters)
        pks = self.store.code_pks(conn)
        out = _FrequencyRows(r, rows, columns, {c.id: pks[c.id] for c in r.rows})
        if r.speaker_cases:
            # materialized by _resolve: the cases of each coding, speaker by speaker
            grouped: dict[int, list[int]] = defaultdict(list)
            for pk, case_pk in conn.execute(select(q.CASES_TABLE.c.pk, q.CASES_TABLE.c.case_pk)):
                grouped[pk].append(case_pk)
            out.cases_of = {pk: tuple(v) for pk, v in grouped.items()}
        else:
            by_doc: dict[int, list[int]] = defaultdict(list)
            for doc, case_pk in conn.execute(q.document_cases(r.keys.case_pks)):
                by_doc[doc].append(case_pk)
            out.doc_cases = {d: tuple(v) for d, v in by_doc.items()}
        if attr_pk is not None:
            out.attr_values = self._attribute_values(conn, attr_pk)
        if reviews:
            out.review_rows = list(conn.execute(q.reviews_per_unit(r.filtered)))
        return out

    # ------------------------------------------------------------------ segments

    def segments(
        self, filters: Filters | None = None, *, label_lang: str | None = None
    ) -> list[Segment]:
        """One :class:`Segment` per coding that passes ``filters``, in document and text order.

        Each carries its document, speaker, role, turn and sentence, cases and their
        attributes, code path and labels, coder, origin, status, anchor, review state
        with the newest comment of its thread, memo and quote.
        """
        filters = filters or Filters()
        cache: dict[Any, tuple[Any, list[Segment]]] = self.__dict__.setdefault(
            "_segments_cache", {}
        )
        key = (filters, label_lang)
        with self.store.read() as conn:
            # the action log grows with every change: a cached list is reused only
            # while nothing has changed since (one export computes them once)
            stamp = tuple(conn.execute(stmt).scalar() for stmt in q.change_stamp())
            hit = cache.get(key)
            if hit is not None and hit[0] == stamp:
                return list(hit[1])
            # one query, no temporary tables: cases are matched in Python below
            r = self._resolve(conn, filters, need_turn=True, materialize=False)
            rows = q.raw_rows(conn, q.segment_rows(r.filtered))
            look = self._segment_lookups(conn, r, filters, rows, label_lang)
        out = [_segment(row, look) for row in rows]
        cache.clear()
        cache[key] = (stamp, out)
        return list(out)

    def _segment_lookups(
        self,
        conn: Connection,
        r: _Resolved,
        filters: Filters,
        rows: Sequence[tuple[Any, ...]],
        label_lang: str | None,
    ) -> _SegmentLookups:
        joint: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
        for turn_pk, who, its_role in conn.execute(q.joint_speakers()):
            joint[turn_pk].append((who, its_role))
        by_source = cases_by_source(conn.execute(q.named_case_sources()), filters.cases)
        case_names: dict[int, list[tuple[str, int]]] = {}
        for row in rows:
            members = joint.get(row[21]) if row[21] is not None else None
            speakers = [w for w, _role in members] if members else [row[8]]
            found = coding_cases(row[3], speakers, by_source)
            if found:
                case_names[row[0]] = found
        case_attrs: dict[int, dict[str, str]] = defaultdict(dict)
        for case_pk, name, value in conn.execute(q.named_case_attributes()):
            if value is not None:
                case_attrs[case_pk][name] = value
        last_text: dict[int, str] = dict(conn.execute(q.newest_comments()).all())
        threads = {
            g: (n, last_text.get(last, "")) for g, n, last in conn.execute(q.comment_threads())
        }
        unit_ids = {pk: cid for cid, pk in self.store.code_pks(conn).items() if cid in r.codebook}
        return _SegmentLookups(
            joint=joint,
            case_names=case_names,
            case_attrs=case_attrs,
            thread_info=threads,
            unit_ids=unit_ids,
            codebook=r.codebook,
            lang=self._label_lang(r.codebook, label_lang),
        )

    # ------------------------------------------------------------------ quotes

    def quote_matrix(
        self, filters: Filters | None = None, *, by: str = "case", label_lang: str | None = None
    ) -> QuoteMatrix:
        """Code x case (or document, role, attribute value) cells holding the quotes.

        A coding that belongs to two cases appears in both columns. Codings with no
        case (no role, no value) gather in a last ``(no case)`` / ``(none)`` column.
        """
        filters = filters or Filters()
        kind, attribute = self._parse_by(by)
        segments = self.segments(filters, label_lang=label_lang)
        with self.store.read() as conn:
            if attribute:
                self._attribute_pk(conn, attribute)
            cb = self.store.read_codebook(conn)
            r = self._resolve(conn, filters, materialize=False)
            columns = self._quote_columns(conn, r, filters, kind, attribute)
        lang = self._label_lang(cb, label_lang)
        rows = [c.id for c in r.rows]
        all_columns, cells = quote_cells(segments, kind, attribute, columns, rows)
        return QuoteMatrix(
            by=by,
            rows=tuple(rows),
            row_labels=tuple(cb[c].label_in(lang) for c in rows),
            columns=all_columns,
            cells=cells,
            filters={"by": by, **filters.describe()},
        )

    @staticmethod
    def _quote_columns(
        conn: Connection, r: _Resolved, filters: Filters, kind: str, attribute: str | None
    ) -> list[str]:
        """The columns a quote matrix always has (others come with its segments)."""
        if kind == "document":
            return sorted(r.doc_pks.values())
        if kind == "case":
            return [
                n
                for (n,) in conn.execute(select(T_CASES.c.name).order_by(T_CASES.c.name))
                if not filters.cases or n in filters.cases
            ]
        if kind == "speaker":
            return list(ROLE_ORDER)
        return sorted({v for (v,) in conn.execute(q.attribute_values_named(attribute or "")) if v})

    # ------------------------------------------------------------------ co-occurrence

    def cooccurrence(
        self, filters: Filters | None = None, *, label_lang: str | None = None
    ) -> Cooccurrence:
        """Code x code co-occurrence: overlapping codings, same sentence, same turn.

        See :class:`~qualcode.core.matrices.Cooccurrence` for what each count means.
        """
        filters = filters or Filters()
        totals: dict[str, list[Any]] = {}
        pairs: dict[str, list[Any]] = {}
        with self.store.read() as conn:
            r = self._resolve(conn, filters)
            pairs["overlap"] = list(conn.execute(q.overlap_pairs(r.filtered)))
            totals["overlap"] = list(conn.execute(q.codings_per_unit(r.filtered)))
            for mode in ("sentence", "turn"):
                # the units (sentences, turns) each code touches, once, indexed
                q.fill_temporary(conn, q.UNITS_TABLE, q.units_touched(r.filtered, mode))
                # one unit shared by two codes: its count doubles as "hits of a"
                pairs[mode] = [(a, b, c, c) for a, b, c in conn.execute(q.shared_units())]
                totals[mode] = list(conn.execute(q.units_per_code()))
            pks = self.store.code_pks(conn)
        cb = r.codebook
        lang = self._label_lang(cb, label_lang)
        codes = tuple(c.id for c in r.rows)
        index = {pks[c]: i for i, c in enumerate(codes)}
        grids = {m: cooccurrence_grids(index, totals[m], pairs[m]) for m in COOCCURRENCE_MODES}
        return Cooccurrence(
            codes=codes,
            labels=tuple(cb[c].label_in(lang) for c in codes),
            n={m: g[0] for m, g in grids.items()},
            counts={m: g[1] for m, g in grids.items()},
            jaccard={m: g[2] for m, g in grids.items()},
            conditional={m: g[3] for m, g in grids.items()},
            filters=dict(filters.describe()),
        )

    def overlapping_pairs(
        self, filters: Filters | None = None
    ) -> dict[tuple[str, str], list[tuple[Segment, Segment]]]:
        """Every pair of overlapping codings of two different codes (units), keyed both
        ways: ``pairs[(a, b)]`` lists (coding of a, coding of b), in text order."""
        return overlapping_pairs(self.segments(filters))

    # ------------------------------------------------------------------ appendix

    def appendix(
        self, filters: Filters | None = None, *, examples: int = 3, label_lang: str | None = None
    ) -> list[AppendixRow]:
        """The codebook with definitions, criteria, examples and counts (filters applied).

        Args:
            filters: which codings count (``rollup`` counts sub-codes under their dimension).
            examples: how many coded passages to add per code as further examples.
            label_lang: unused for the rows (every language is given); kept for symmetry.
        """
        filters = filters or Filters()
        with self.store.read() as conn:
            r = self._resolve(conn, filters)
            counts = list(conn.execute(q.unit_totals(r.filtered)))
            quotes: dict[int, list[str]] = defaultdict(list)
            if examples:
                for unit, quote in conn.execute(q.unit_quotes(r.filtered)):
                    if len(quotes[unit]) < examples:
                        quotes[unit].append(quote)
            pks = self.store.code_pks(conn)
        cb = r.codebook
        by_unit = {u: (n, d, c) for u, n, d, c in counts}
        out: list[AppendixRow] = []
        for code in r.rows:
            pk = pks[code.id]
            n, d, c = by_unit.get(pk, (0, 0, 0))
            out.append(
                AppendixRow(
                    code=code.id,
                    path=tuple(cb.path(code.id)),
                    depth=cb.depth(code.id),
                    labels=code.labels(),
                    description=code.description,
                    inclusion=code.inclusion,
                    exclusion=code.exclusion,
                    examples=code.examples,
                    codings=n,
                    documents=d,
                    cases=c,
                    quotes=tuple(quotes.get(pk, ())),
                )
            )
        return out

    def memo_rows(self, filters: Filters | None = None) -> list[MemoRow]:
        """Every memo (project, documents, codes, cases), then coding memos in text order."""
        filters = filters or Filters()
        out: list[MemoRow] = []
        with self.store.read() as conn:
            memos = conn.execute(q.memos_with_targets()).all()
        kind_order = {"project": 0, "document": 1, "code": 2, "case": 3}
        for guid, kind, _target, author, created, updated, title, body, doc, code, case in sorted(
            memos, key=lambda m: kind_order.get(m[1], 9)
        ):
            out.append(
                MemoRow(
                    kind=kind,
                    target=doc or code or case or "",
                    author=author,
                    created=created,
                    updated=updated,
                    title=title or "",
                    text=body or "",
                    guid=guid,
                )
            )
        with self.store.read() as conn:
            authors: dict[str, str] = dict(conn.execute(q.coding_memo_authors()).all())
        for s in self.segments(filters):
            if s.memo:
                out.append(
                    MemoRow(
                        kind="coding",
                        target=f"{s.code} @ {s.place()}",
                        author=authors.get(s.guid) or s.coder,
                        created=s.created,
                        updated=s.created,
                        title="",
                        text=s.memo,
                        guid=s.guid,
                    )
                )
        return out

    def attribute_names(self) -> list[str]:
        """Names of every case attribute, sorted."""
        with self.store.read() as conn:
            return [n for (n,) in conn.execute(select(T_ATTRS.c.name).order_by(T_ATTRS.c.name))]


# ---------------------------------------------------------------------- helpers


def _has_speaker_cases(conn: Connection) -> bool:
    """Whether any case is one speaker of a document (cases then need the turns)."""
    return conn.execute(q.any_speaker_case()).first() is not None


def _cases_rule(data: _FrequencyRows, kind: str) -> CasesFor | None:
    """How a counted row finds its cases (``None``: its document's cases)."""
    cases_of, doc_cases, value_of = data.cases_of, data.doc_cases, data.attr_values
    if kind == "case":
        return lambda pk, col, doc: (int(col),) if col else ()
    if kind == "attribute":
        speaker_cases = data.r.speaker_cases
        return lambda pk, col, doc: tuple(
            c
            for c in (cases_of.get(pk, ()) if speaker_cases else doc_cases.get(doc, ()))
            if value_of.get(c, "") == col
        )
    if data.r.speaker_cases:
        return lambda pk, col, doc: cases_of.get(pk, ())
    return None


def _frequency(
    data: _FrequencyRows,
    filters: Filters,
    by: str,
    kind: str,
    lang: str | None,
    reviews: bool,
) -> Frequency:
    """The four measures of a frequency table from its rows."""
    r, cols = data.r, data.columns
    row_keys = [data.code_pk[c.id] for c in r.rows]
    keys = cols.keys
    col_chars = [cols.chars.get(k, 0) for k in keys]
    extent = Extent(docs=r.doc_pks, doc_chars=r.doc_chars)
    whole = total_chars(extent, cols, kind, by_role=bool(filters.speaker_role))
    acc = tally(data.rows, row_keys, keys, data.doc_cases, _cases_rule(data, kind))
    labels = tuple(c.label_in(lang) for c in r.rows)
    about = {"by": by, **filters.describe()}
    nc = len(keys)

    def matrix(
        title: str,
        cells: list[Number],
        row_total: list[Number],
        col_total: list[Number],
        grand: Number,
    ) -> Matrix:
        return Matrix(
            title=title,
            row_header="code",
            rows=tuple(c.id for c in r.rows),
            row_labels=labels,
            columns=tuple(cols.names),
            cells=tuple(tuple(cells[i * nc : (i + 1) * nc]) for i in range(len(row_keys))),
            filters=about,
            row_total_values=tuple(row_total),
            column_total_values=tuple(col_total),
            grand_total_value=grand,
        )

    share_cells: list[Number] = [
        share(cov, col_chars[i % nc]) if cov else 0.0 for i, cov in enumerate(acc.cell_cov)
    ]
    return Frequency(
        by=by,
        codings=matrix(f"Code frequency by {by}", acc.cell_n, acc.row_n, acc.col_n, acc.all_n),
        documents=matrix(
            f"Documents per code by {by}", acc.cell_d, acc.row_d, acc.col_d, acc.all_d
        ),
        cases=matrix(f"Cases per code by {by}", acc.cell_c, acc.row_c, acc.col_c, acc.all_c),
        share=matrix(
            f"Share of text coded by {by}",
            share_cells,
            [share(v, whole) for v in acc.row_cov],
            [share(v, col_chars[j]) for j, v in enumerate(acc.col_cov)],
            share(acc.all_cov, whole),
        ),
        reviews=_review_counts(data.review_rows, row_keys) if reviews else (),
    )


def _review_counts(
    review_rows: Sequence[Any], row_keys: Sequence[int]
) -> tuple[tuple[int, int, int], ...]:
    """Each row's codings by review state: unreviewed, approved, disputed."""
    by_review: dict[int, list[int]] = {u: [0, 0, 0] for u in row_keys}
    states = {"unreviewed": 0, "approved": 1, "disputed": 2}
    for unit, state, n in review_rows:
        if unit in by_review and state in states:
            by_review[unit][states[state]] += n
    return tuple((a, b, c) for a, b, c in (by_review[u] for u in row_keys))


def _segment(row: tuple[Any, ...], look: _SegmentLookups) -> Segment:
    """One segment from its row of :func:`~q.segment_rows` and the lookups."""
    (pk, unit_pk, guid, doc, code, start, end, turn, speaker, role, coder, created, origin,
     status, anchor, review, reviewer, reviewed_at, memo, quote, sentence, turn_pk) = row  # fmt: skip
    members = look.joint.get(turn_pk) if turn_pk is not None else None
    if members:
        # a joint turn: every role of its speakers, in the label's order
        role = joint_role(r for _who, r in members)
    info = _case_info(pk, look)
    n_thread, last = look.thread_info.get(guid, (0, ""))
    ci = look.code_info.get(code)
    if ci is None:
        c = look.codebook[code]
        ci = look.code_info[code] = (
            tuple(look.codebook.path(code)),
            c.label_in(look.lang),
            c.labels(),
        )
    return Segment(
        guid=guid,
        doc=doc,
        code=code,
        unit=look.unit_ids.get(unit_pk, code),
        path=ci[0],
        label=ci[1],
        labels=ci[2],  # shared by the code's segments: read-only
        start=start,
        end=end,
        turn=turn,
        speaker=speaker,
        role=role,
        sentence=sentence,
        cases=info[0],
        attributes=info[1],  # shared by the case's segments: read-only
        coder=coder,
        created=created,
        origin=origin,
        status=status,
        anchor=anchor,
        review=review,
        reviewer=reviewer,
        reviewed_at=reviewed_at,
        comment=last or "",
        thread=n_thread,
        memo=memo,
        quote=quote,
    )


_NO_CASES: tuple[tuple[str, ...], dict[str, str]] = ((), {})


def _case_info(pk: int, look: _SegmentLookups) -> tuple[tuple[str, ...], dict[str, str]]:
    """A coding's case names and their merged attributes (shared by equal case sets)."""
    these = look.case_names.get(pk)
    if not these:
        return _NO_CASES
    key = tuple(case_pk for _name, case_pk in these)
    info = look.case_info.get(key)
    if info is None:
        info = look.case_info[key] = (
            tuple(n for n, _pk in these),
            merged_attributes(key, look.case_attrs),
        )
    return info
