"""Matrices computed in SQL over the store, all under one :class:`Filters`.

Every matrix starts from the same filtered set of codings (a CTE ``f``): the
codings that pass the filters, each with the code it counts under (its top-level
dimension when rolled up) and, when needed, the turn holding its start (its
speaker and role). Cases come from ``case_sources``: a whole document, or one
speaker in it. The frequency matrix is one ordered query (codings by document and
start, each with its row and column) and one counting pass that tallies codings,
distinct documents and cases, and merges intervals, so overlapping and nested
codings cover their text once. Co-occurrence and the appendix are GROUP BYs and
self-joins over the filtered codings, computed once per call into indexed
temporary tables. The queries are plain SQL meant to run on SQLite and PostgreSQL
alike (only SQLite is tested so far).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, bindparam, select, text

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
    jaccard,
)
from qualcode.core.model import Status
from qualcode.errors import InputError, NotFoundError
from qualcode.i18n import _
from qualcode.store.base import (
    T_ATTRS,
    T_CASES,
    T_DOCS,
    VISIBLE,
    ProjectBase,
)
from qualcode.store.team import Team

NO_VALUE = "(none)"
"""The column of codings with no case, no role or no value of the attribute."""
NO_CASE = "(no case)"
ROLE_ORDER = ("interviewer", "participant")


@dataclass(frozen=True)
class _Resolved:
    """Filters resolved to primary keys, plus the query text that applies them."""

    cte: str
    params: dict[str, Any]
    expanding: tuple[str, ...]
    codebook: Codebook
    rows: tuple[Code, ...]
    doc_pks: dict[int, str]
    doc_chars: dict[int, int]
    with_turn: bool
    speaker_cases: bool


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
        cb = self.store.read_codebook(conn)
        pks = self.store.code_pks(conn)
        params: dict[str, Any] = {}
        expanding: list[str] = []
        where: list[str] = []

        def expand(name: str, values: Sequence[Any]) -> None:
            params[name] = list(values)
            expanding.append(name)

        if filters.status:
            expand("status", filters.status)
            where.append("c.status IN :status")
        coders = tuple(filters.coders)
        blind = self.team.visible_coder(None)
        if blind is not None:  # blind coding: a coder's matrices hold only their codings
            for other in coders:
                self.team.visible_coder(other)
            coders = (blind,)
        if coders:
            expand("coders", coders)
            where.append("c.coder IN :coders")
        if filters.review:
            expand("review", filters.review)
            where.append("c.review IN :review")
        rows: list[Code] = list(cb.codes)
        if filters.codes:
            wanted: set[str] = set()
            for code in filters.codes:
                found = cb.get(code)
                if found is None:
                    raise NotFoundError(
                        _("unknown code {code!r}").format(code=code),
                        hint=_("'qualcode codebook show' lists the codes"),
                    )
                wanted.add(found.id)
            changed = True
            while changed:
                changed = False
                for c in cb.codes:
                    if c.parent in wanted and c.id not in wanted:
                        wanted.add(c.id)
                        changed = True
            rows = [c for c in cb.codes if c.id in wanted]
            expand("codes", [pks[c] for c in wanted])
            where.append("c.code_pk IN :codes")
        if filters.rollup:
            tops = {cb.top_level(c.id) for c in rows}
            rows = [c for c in cb.codes if c.id in tops]
        docs = conn.execute(select(T_DOCS.c.pk, T_DOCS.c.name, T_DOCS.c.chars).where(VISIBLE)).all()
        by_name = {name: (pk, chars) for pk, name, chars in docs}
        doc_pks = {pk: name for pk, name, _ in docs}
        doc_chars = {pk: chars for pk, _, chars in docs}
        if filters.documents:
            missing = [d for d in filters.documents if d not in by_name]
            if missing:
                raise NotFoundError(
                    _("no document named {missing!r}").format(missing=missing[0]),
                    hint=_("'qualcode documents' lists them"),
                )
            keep = {by_name[d][0] for d in filters.documents}
            doc_pks = {pk: n for pk, n in doc_pks.items() if pk in keep}
            expand("docs", sorted(keep))
            where.append("c.document_pk IN :docs")
        speaker_cases = bool(
            conn.execute(
                text("SELECT 1 FROM case_sources WHERE speaker IS NOT NULL LIMIT 1")
            ).first()
        )
        case_where = ""
        if filters.cases:
            case_pks = {
                name: pk
                for name, pk in conn.execute(
                    select(T_CASES.c.name, T_CASES.c.pk).where(T_CASES.c.name.in_(filters.cases))
                )
            }
            missing = [c for c in filters.cases if c not in case_pks]
            if missing:
                raise NotFoundError(
                    _("no case named {missing!r}").format(missing=missing[0]),
                    hint=_("'qualcode cases' lists them"),
                )
            expand("cases", list(case_pks.values()))
            case_where = (
                "WHERE EXISTS (SELECT 1 FROM case_sources cs WHERE cs.document_pk = fc.doc_pk "
                "AND cs.case_pk IN :cases AND " + _speaker_match("fc") + ")"
            )
            linked = {
                r[0]
                for r in conn.execute(
                    text("SELECT document_pk FROM case_sources WHERE case_pk IN :cases").bindparams(
                        bindparam("cases", expanding=True)
                    ),
                    {"cases": list(case_pks.values())},
                )
            }
            doc_pks = {pk: n for pk, n in doc_pks.items() if pk in linked}
        with_turn = need_turn or bool(filters.speaker_role) or speaker_cases
        role_where = ""
        if filters.speaker_role:
            expand("roles", filters.speaker_role)
            role_where = (
                "WHERE (t.role IN :roles OR EXISTS (SELECT 1 FROM turn_speakers ts "
                "WHERE ts.turn_pk = t.pk AND ts.role IN :roles))"
            )
        turn_expr = (
            "(SELECT t.pk FROM turns t WHERE t.document_pk = c.document_pk AND t.start <= c.start "
            "ORDER BY t.start DESC LIMIT 1)"
            if with_turn
            else "CAST(NULL AS INTEGER)"  # typed, so PostgreSQL can join on it
        )
        unit_expr = "c.code_pk"
        tops_cte = ""
        if filters.rollup:
            tops_cte = (
                "tops(pk, top_pk) AS (SELECT pk, pk FROM codes WHERE parent_pk IS NULL "
                "UNION ALL SELECT codes.pk, tops.top_pk FROM codes JOIN tops ON codes.parent_pk = tops.pk), "
            )
            unit_expr = "(SELECT top_pk FROM tops WHERE tops.pk = c.code_pk)"
        cte = (
            "WITH RECURSIVE "
            + tops_cte
            + "fc0 AS (SELECT c.pk AS pk, c.document_pk AS doc_pk, c.code_pk AS code_pk, "
            f'{unit_expr} AS unit_pk, c.start AS start, c."end" AS "end", {turn_expr} AS turn_pk '
            "FROM codings c" + (" WHERE " + " AND ".join(where) if where else "") + "), "
            "fc AS (SELECT fc0.*, t.speaker AS speaker, t.role AS role FROM fc0 "
            f"LEFT JOIN turns t ON t.pk = fc0.turn_pk {role_where}), "
            f"f AS (SELECT * FROM fc {case_where}), "
            "fcase AS (SELECT f.pk AS pk, cs.case_pk AS case_pk FROM f JOIN case_sources cs "
            "ON cs.document_pk = f.doc_pk AND "
            + _speaker_match("f")
            + (" WHERE cs.case_pk IN :cases" if filters.cases else "")
            + ") "
        )
        resolved = _Resolved(
            cte=cte,
            params=params,
            expanding=tuple(expanding),
            codebook=cb,
            rows=tuple(rows),
            doc_pks=doc_pks,
            doc_chars=doc_chars,
            with_turn=with_turn,
            speaker_cases=speaker_cases,
        )
        return self._materialize(conn, resolved) if materialize else resolved

    def _materialize(self, conn: Connection, r: _Resolved) -> _Resolved:
        """Compute the filtered codings once into indexed temporary tables.

        Every matrix runs several queries over the same filtered set; a CTE would be
        recomputed (and joined unindexed) by each. Temporary tables live in the
        connection's own temp schema (SQLite and PostgreSQL alike) and never touch
        the project.
        """
        for name in ("qc_fcase", "qc_f"):
            conn.execute(text(f"DROP TABLE IF EXISTS {name}"))
        self._q(conn, r, "SELECT * FROM f", prefix="CREATE TEMPORARY TABLE qc_f AS ")
        conn.execute(text("CREATE INDEX qc_f_pk ON qc_f (pk)"))
        conn.execute(text('CREATE INDEX qc_f_doc ON qc_f (doc_pk, start, "end", pk)'))
        cases = "" if not r.params.get("cases") else " WHERE cs.case_pk IN :cases"
        stmt = text(
            "CREATE TEMPORARY TABLE qc_fcase AS SELECT DISTINCT f.pk AS pk, cs.case_pk AS case_pk "
            "FROM qc_f f JOIN case_sources cs ON cs.document_pk = f.doc_pk "
            "AND " + _speaker_match("f") + cases
        )
        if cases:
            stmt = stmt.bindparams(bindparam("cases", expanding=True))
            conn.execute(stmt, {"cases": r.params["cases"]})
        else:
            conn.execute(stmt)
        conn.execute(text("CREATE INDEX qc_fcase_pk ON qc_fcase (pk)"))
        return replace(
            r,
            cte="WITH f AS (SELECT * FROM qc_f), fcase AS (SELECT * FROM qc_fcase) ",
        )

    def _q(
        self, conn: Connection, r: _Resolved, body: str, *, prefix: str = "", **extra: Any
    ) -> list[Any]:
        sql = prefix + r.cte + body
        stmt = text(sql)
        names = [n for n in r.expanding if f":{n}" in sql]
        if names:
            stmt = stmt.bindparams(*(bindparam(n, expanding=True) for n in names))
        params = {k: v for k, v in {**r.params, **extra}.items() if f":{k}" in sql}
        result = conn.execute(stmt, params)
        return list(result.fetchall()) if result.returns_rows else []

    def _raw(
        self, conn: Connection, r: _Resolved, body: str, **extra: Any
    ) -> list[tuple[Any, ...]]:
        """Like :meth:`_q` for large results: plain tuples from the driver's cursor.

        SQLAlchemy builds a Row object per row; for 100,000 codings that costs more
        than the query. The statement is still compiled by SQLAlchemy (bound
        parameters, expanded IN lists) for whichever database the project is on.
        """
        sql = r.cte + body
        stmt = text(sql)
        names = [n for n in r.expanding if f":{n}" in sql]
        if names:
            stmt = stmt.bindparams(*(bindparam(n, expanding=True) for n in names))
        params = {k: v for k, v in {**r.params, **extra}.items() if f":{k}" in sql}
        compiled = stmt.bindparams(**params).compile(
            dialect=conn.dialect, compile_kwargs={"render_postcompile": True}
        )
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

    @staticmethod
    def _label_lang(cb: Codebook, label_lang: str | None) -> str | None:
        return label_lang or (cb.languages[0] if cb.languages else None)

    # ------------------------------------------------------------------ columns

    def _columns(
        self, conn: Connection, r: _Resolved, by: str, attribute: str | None
    ) -> tuple[str, str]:
        """SQL for the ``col`` CTE (pk, unit_pk, doc_pk, start, end, col) and its kind."""
        if by == "document":
            return (
                'col AS (SELECT pk, unit_pk, doc_pk, start, "end", CAST(doc_pk AS TEXT) AS col FROM f) ',
                "document",
            )
        if by == "speaker":
            # a joint turn's coding counts for each of its speakers' roles
            only = " WHERE COALESCE(ts.role, f.role) IN :roles" if r.params.get("roles") else ""
            return (
                'col AS (SELECT DISTINCT f.pk, f.unit_pk, f.doc_pk, f.start, f."end", '
                "COALESCE(ts.role, f.role, '') AS col FROM f "
                f"LEFT JOIN turn_speakers ts ON ts.turn_pk = f.turn_pk{only}) ",
                "speaker",
            )
        if by == "case":
            return (
                'col AS (SELECT DISTINCT f.pk, f.unit_pk, f.doc_pk, f.start, f."end", '
                "COALESCE(CAST(fcase.case_pk AS TEXT), '') AS col FROM f "
                "LEFT JOIN fcase ON fcase.pk = f.pk) ",
                "case",
            )
        assert attribute is not None
        return (
            'col AS (SELECT DISTINCT f.pk, f.unit_pk, f.doc_pk, f.start, f."end", '
            "COALESCE(ca.value, '') AS col FROM f LEFT JOIN fcase ON fcase.pk = f.pk "
            "LEFT JOIN case_attributes ca ON ca.case_pk = fcase.case_pk AND ca.attribute_pk = :attr) ",
            "attribute",
        )

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

    def _column_keys(
        self,
        conn: Connection,
        r: _Resolved,
        kind: str,
        attr_pk: int | None,
        present: set[str],
        filters: Filters,
    ) -> tuple[list[str], list[str], dict[str, int]]:
        """Column keys (as the SQL ``col`` gives them), their display names, their chars."""
        docs = sorted(r.doc_pks.items(), key=lambda kv: kv[1])
        doc_set = {pk for pk, _ in docs}
        roles_wanted = set(filters.speaker_role)
        need_turns = bool(roles_wanted) or kind == "speaker" or r.speaker_cases
        # every speaker of a turn: a joint turn once per speaker
        people = (
            conn.execute(
                text(
                    "SELECT t.pk, t.document_pk, COALESCE(ts.speaker, t.speaker), "
                    'COALESCE(ts.role, t.role), t."end" - t.start FROM turns t '
                    "LEFT JOIN turn_speakers ts ON ts.turn_pk = t.pk"
                )
            ).all()
            if need_turns
            else []
        )
        turns = [(d, speaker, role, n) for _, d, speaker, role, n in people]
        wanted_turns: dict[int, tuple[int, int]] = {
            t: (d, n) for t, d, _, role, n in people if role in roles_wanted
        }

        def doc_len(pk: int) -> int:
            if not roles_wanted:
                return r.doc_chars[pk]
            return sum(n for d, n in wanted_turns.values() if d == pk)

        if kind == "document":
            keys = [str(pk) for pk, _ in docs]
            return keys, [name for _, name in docs], {str(pk): doc_len(pk) for pk, _ in docs}
        if kind == "speaker":
            role_chars: dict[str, int] = defaultdict(int)
            seen_roles: set[tuple[int, str]] = set()
            for t, d, _, role, n in people:
                if (t, role) in seen_roles:
                    continue  # two speakers of one role in a joint turn: its text once
                seen_roles.add((t, role))
                if d in doc_set and role and (not roles_wanted or role in roles_wanted):
                    role_chars[role] += n
            roles = [x for x in ROLE_ORDER if x in role_chars] + sorted(
                x for x in role_chars if x not in ROLE_ORDER
            )
            keys = list(roles)
            if "" in present:
                keys.append("")
                role_chars[""] = max(
                    0, sum(r.doc_chars[d] for d in doc_set) - sum(role_chars.values())
                )
            return keys, [k or NO_VALUE for k in keys], dict(role_chars)
        sources = conn.execute(text("SELECT case_pk, document_pk, speaker FROM case_sources")).all()
        speaker_len: dict[tuple[int, str], int] = defaultdict(int)
        for d, speaker, role, n in turns:
            if speaker is not None and (not roles_wanted or role in roles_wanted):
                speaker_len[(d, speaker)] += n

        def source_len(doc: int, speaker: str | None) -> int:
            if doc not in doc_set:
                return 0
            return doc_len(doc) if speaker is None else speaker_len.get((doc, speaker), 0)

        if kind == "case":
            cases = conn.execute(
                select(T_CASES.c.pk, T_CASES.c.name).order_by(T_CASES.c.name)
            ).all()
            if filters.cases:
                cases = [c for c in cases if c[1] in filters.cases]
            chars: dict[str, int] = defaultdict(int)
            for case_pk, doc, speaker in sources:
                chars[str(case_pk)] += source_len(doc, speaker)
            keys = [str(pk) for pk, _ in cases]
            names = [name for _, name in cases]
            if "" in present:
                keys.append("")
                names.append(NO_CASE)
                linked = {d for _, d, _ in sources}
                chars[""] = sum(doc_len(d) for d in doc_set if d not in linked)
            return keys, names, dict(chars)
        values = conn.execute(
            text("SELECT case_pk, value FROM case_attributes WHERE attribute_pk = :a"),
            {"a": attr_pk},
        ).all()
        value_of = {case_pk: v for case_pk, v in values if v not in (None, "")}
        allowed_cases: set[int] | None = None
        if filters.cases:
            allowed_cases = {
                pk
                for pk, name in conn.execute(select(T_CASES.c.pk, T_CASES.c.name))
                if name in filters.cases
            }
        vchars: dict[str, int] = defaultdict(int)
        seen_sources: set[tuple[str, int, str | None]] = set()
        for case_pk, doc, speaker in sources:
            if allowed_cases is not None and case_pk not in allowed_cases:
                continue
            v = value_of.get(case_pk)
            if v is None or (v, doc, speaker) in seen_sources:
                continue
            seen_sources.add((v, doc, speaker))
            vchars[v] += source_len(doc, speaker)
        keys = sorted(
            {v for c, v in value_of.items() if allowed_cases is None or c in allowed_cases}
            | (present - {""})
        )
        if "" in present:
            keys.append("")
        return keys, [k or NO_VALUE for k in keys], dict(vchars)

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
        review_rows: list[Any] = []
        with self.store.read() as conn:
            attr_pk = self._attribute_pk(conn, attribute) if attribute else None
            # one query: no need to materialize the filtered codings first
            r = self._resolve(
                conn, filters, need_turn=kind == "speaker", materialize=_has_speaker_cases(conn)
            )
            col_cte, _ = self._columns(conn, r, kind, attribute)
            extra = {"attr": attr_pk} if attr_pk is not None else {}
            rows = self._raw(
                conn,
                r,
                ", "
                + col_cte
                + 'SELECT pk, unit_pk, col, doc_pk, start, "end" FROM col '
                + 'ORDER BY doc_pk, start, "end", pk',
                **extra,
            )
            cases_of: dict[int, tuple[int, ...]] = {}
            doc_cases: dict[int, tuple[int, ...]] = {}
            if r.speaker_cases:
                # materialized by _resolve: the cases of each coding, speaker by speaker
                grouped: dict[int, list[int]] = defaultdict(list)
                for pk, case_pk in conn.execute(text("SELECT pk, case_pk FROM qc_fcase")):
                    grouped[pk].append(case_pk)
                cases_of = {pk: tuple(v) for pk, v in grouped.items()}
            else:
                by_doc: dict[int, list[int]] = defaultdict(list)
                stmt = "SELECT document_pk, case_pk FROM case_sources WHERE speaker IS NULL"
                if filters.cases:
                    stmt += " AND case_pk IN :cases"
                    found = conn.execute(
                        text(stmt).bindparams(bindparam("cases", expanding=True)),
                        {"cases": r.params["cases"]},
                    )
                else:
                    found = conn.execute(text(stmt))
                for doc, case_pk in found:
                    by_doc[doc].append(case_pk)
                doc_cases = {d: tuple(v) for d, v in by_doc.items()}
            attr_values: dict[int, str] = {}
            if attr_pk is not None:
                attr_values = {
                    c: v
                    for c, v in conn.execute(
                        text("SELECT case_pk, value FROM case_attributes WHERE attribute_pk = :a"),
                        {"a": attr_pk},
                    )
                    if v not in (None, "")
                }
            present = {row[2] for row in rows}
            keys, names, chars = self._column_keys(conn, r, kind, attr_pk, present, filters)
            code_pk = {c.id: self.store.code_pks(conn)[c.id] for c in r.rows}
            if reviews:
                review_rows = self._q(
                    conn,
                    r,
                    "SELECT f.unit_pk, c.review, COUNT(*) FROM f JOIN codings c ON c.pk = f.pk "
                    "GROUP BY f.unit_pk, c.review",
                )
        lang = self._label_lang(r.codebook, label_lang)
        row_keys = [code_pk[c.id] for c in r.rows]
        by_review: dict[int, list[int]] = {u: [0, 0, 0] for u in row_keys}
        states = {"unreviewed": 0, "approved": 1, "disputed": 2}
        for unit, state, n in review_rows:
            if unit in by_review and state in states:
                by_review[unit][states[state]] += n
        col_chars = [chars.get(k, 0) for k in keys]
        total_chars = _total_chars(r, filters, chars, kind)
        labels = tuple(c.label_in(lang) for c in r.rows)
        about = {"by": by, **filters.describe()}
        if kind == "case":
            cases_for: Any = lambda pk, col, doc: (int(col),) if col else ()  # noqa: E731
        elif kind == "attribute":
            value_of = attr_values
            cases_for = lambda pk, col, doc: tuple(  # noqa: E731
                c
                for c in (cases_of.get(pk, ()) if r.speaker_cases else doc_cases.get(doc, ()))
                if value_of.get(c, "") == col
            )
        elif r.speaker_cases:
            cases_for = lambda pk, col, doc: cases_of.get(pk, ())  # noqa: E731
        else:
            cases_for = None
        acc = _count(rows, row_keys, keys, doc_cases, cases_for)
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
                columns=tuple(names),
                cells=tuple(tuple(cells[i * nc : (i + 1) * nc]) for i in range(len(row_keys))),
                filters=about,
                row_total_values=tuple(row_total),
                column_total_values=tuple(col_total),
                grand_total_value=grand,
            )

        share_cells: list[Number] = [
            _share(cov, col_chars[i % nc]) if cov else 0.0 for i, cov in enumerate(acc.cell_cov)
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
                [_share(v, total_chars) for v in acc.row_cov],
                [_share(v, col_chars[j]) for j, v in enumerate(acc.col_cov)],
                _share(acc.all_cov, total_chars),
            ),
            reviews=tuple((a, b, c) for a, b, c in (by_review[u] for u in row_keys))
            if reviews
            else (),
        )

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
            stamp = (
                conn.execute(text("SELECT MAX(seq) FROM actions")).scalar(),
                conn.execute(text("SELECT COUNT(*) FROM codings")).scalar(),
            )
            hit = cache.get(key)
            if hit is not None and hit[0] == stamp:
                return list(hit[1])
            # one query, no temporary tables: cases are matched in Python below
            r = self._resolve(conn, filters, need_turn=True, materialize=False)
            rows = self._raw(
                conn,
                r,
                'SELECT f.pk, f.unit_pk, c.guid, d.name, code.id, c.start, c."end", t.ordinal, '
                "t.speaker, t.role, c.coder, c.created, c.origin, c.status, c.anchor, c.review, "
                "c.reviewer, c.reviewed_at, c.memo, c.quote, "
                "(SELECT s.ordinal FROM sentences s WHERE s.document_pk = f.doc_pk "
                "AND s.start <= f.start ORDER BY s.start DESC LIMIT 1), f.turn_pk "
                "FROM f JOIN codings c ON c.pk = f.pk JOIN documents d ON d.pk = f.doc_pk "
                "JOIN codes code ON code.pk = f.code_pk LEFT JOIN turns t ON t.pk = f.turn_pk "
                'ORDER BY d.name, c.start, c."end", code.position, c.pk',
            )
            joint: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
            for turn_pk, who, its_role in conn.execute(
                text("SELECT turn_pk, speaker, role FROM turn_speakers ORDER BY turn_pk, position")
            ):
                joint[turn_pk].append((who, its_role))
            sources = conn.execute(
                text(
                    "SELECT d.name, cs.speaker, cases.name, cases.pk FROM case_sources cs "
                    "JOIN cases ON cases.pk = cs.case_pk JOIN documents d ON d.pk = cs.document_pk "
                    "ORDER BY cases.name"
                )
            ).all()
            attrs = conn.execute(
                text(
                    "SELECT ca.case_pk, a.name, ca.value FROM case_attributes ca "
                    "JOIN attributes a ON a.pk = ca.attribute_pk"
                )
            ).all()
            threads = conn.execute(
                text(
                    "SELECT coding_guid, COUNT(*), MAX(pk) FROM review_comments GROUP BY coding_guid"
                )
            ).all()
            last_text: dict[int, str] = dict(
                conn.execute(
                    text(
                        "SELECT pk, text FROM review_comments WHERE pk IN "
                        "(SELECT MAX(pk) FROM review_comments GROUP BY coding_guid)"
                    )
                ).all()
            )
            unit_ids = {
                pk: cid for cid, pk in self.store.code_pks(conn).items() if cid in r.codebook
            }
        cb = r.codebook
        lang = self._label_lang(cb, label_lang)
        # a coding belongs to the cases of its document, and of its speaker there
        wanted_cases = set(filters.cases)
        by_source: dict[tuple[str, str | None], list[tuple[str, int]]] = defaultdict(list)
        for doc_name, speaker, case_name, case_pk in sources:
            if not wanted_cases or case_name in wanted_cases:
                by_source[(doc_name, speaker)].append((case_name, case_pk))
        case_names: dict[int, list[tuple[str, int]]] = {}
        for row in rows:
            members = joint.get(row[21]) if row[21] is not None else None
            speakers = [w for w, _ in members] if members else [row[8]]
            found = by_source.get((row[3], None), [])
            for who in speakers:
                if who is not None:
                    found = found + [x for x in by_source.get((row[3], who), []) if x not in found]
            if found:
                case_names[row[0]] = sorted(found)
        case_attrs: dict[int, dict[str, str]] = defaultdict(dict)
        for case_pk, name, value in attrs:
            if value is not None:
                case_attrs[case_pk][name] = value
        thread_info = {g: (n, last_text.get(last, "")) for g, n, last in threads}
        out: list[Segment] = []
        code_info: dict[str, tuple[tuple[str, ...], str, dict[str, str]]] = {}
        case_info: dict[tuple[int, ...], tuple[tuple[str, ...], dict[str, str]]] = {}
        case_keys = {pk: tuple(case_pk for _, case_pk in v) for pk, v in case_names.items()}
        no_cases: tuple[tuple[str, ...], dict[str, str]] = ((), {})
        for (
            pk,
            unit_pk,
            guid,
            doc,
            code,
            start,
            end,
            turn,
            speaker,
            role,
            coder,
            created,
            origin,
            status,
            anchor,
            review,
            reviewer,
            reviewed_at,
            memo,
            quote,
            sentence,
            turn_pk,
        ) in rows:
            members = joint.get(turn_pk) if turn_pk is not None else None
            if members:
                # a joint turn: every role of its speakers, in the label's order
                role = "; ".join(dict.fromkeys(r for _, r in members if r))
            these = case_names.get(pk)
            if these:
                case_key = case_keys[pk]
                info = case_info.get(case_key)
                if info is None:
                    merged: dict[str, list[str]] = {}
                    for _, case_pk in these:
                        for name, value in case_attrs.get(case_pk, {}).items():
                            if value not in merged.setdefault(name, []):
                                merged[name].append(value)
                    info = case_info[case_key] = (
                        tuple(n for n, _ in these),
                        {k: "; ".join(v) for k, v in sorted(merged.items())},
                    )
            else:
                info = no_cases
            n_thread, last = thread_info.get(guid, (0, ""))
            ci = code_info.get(code)
            if ci is None:
                c = cb[code]
                ci = code_info[code] = (tuple(cb.path(code)), c.label_in(lang), c.labels())
            out.append(
                Segment(
                    guid=guid,
                    doc=doc,
                    code=code,
                    unit=unit_ids.get(unit_pk, code),
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
            )
        cache.clear()
        cache[key] = (stamp, out)
        return list(out)

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
            columns: list[str]
            if kind == "document":
                columns = sorted(r.doc_pks.values())
            elif kind == "case":
                columns = [
                    n
                    for (n,) in conn.execute(select(T_CASES.c.name).order_by(T_CASES.c.name))
                    if not filters.cases or n in filters.cases
                ]
            elif kind == "speaker":
                columns = list(ROLE_ORDER)
            else:
                columns = sorted(
                    {
                        v
                        for (v,) in conn.execute(
                            text(
                                "SELECT ca.value FROM case_attributes ca JOIN attributes a "
                                "ON a.pk = ca.attribute_pk WHERE a.name = :n"
                            ),
                            {"n": attribute},
                        )
                        if v
                    }
                )
        lang = self._label_lang(cb, label_lang)

        def keys_of(s: Segment) -> list[str]:
            if kind == "document":
                return [s.doc]
            if kind == "case":
                return list(s.cases) or [NO_CASE]
            if kind == "speaker":
                return s.role.split("; ") if s.role else [NO_VALUE]
            assert attribute is not None
            value = s.attributes.get(attribute)
            return value.split("; ") if value else [NO_VALUE]

        cells: dict[tuple[str, str], list[Segment]] = defaultdict(list)
        extra: list[str] = []
        known = set(columns)
        for s in segments:
            for key in keys_of(s):
                if key not in known:
                    known.add(key)
                    extra.append(key)
                cells[(s.unit, key)].append(s)
        fallbacks = [k for k in extra if k in (NO_CASE, NO_VALUE)]
        columns += sorted(k for k in extra if k not in fallbacks) + fallbacks
        rows = [c.id for c in r.rows]
        return QuoteMatrix(
            by=by,
            rows=tuple(rows),
            row_labels=tuple(cb[c].label_in(lang) for c in rows),
            columns=tuple(columns),
            cells=_grid(cells, rows, columns),
            filters={"by": by, **filters.describe()},
        )

    # ------------------------------------------------------------------ co-occurrence

    def cooccurrence(
        self, filters: Filters | None = None, *, label_lang: str | None = None
    ) -> Cooccurrence:
        """Code x code co-occurrence: overlapping codings, same sentence, same turn.

        See :class:`~qualcode.core.matrices.Cooccurrence` for what each count means.
        """
        filters = filters or Filters()
        with self.store.read() as conn:
            r = self._resolve(conn, filters)
            pairs = self._q(
                conn,
                r,
                "SELECT a.unit_pk, b.unit_pk, COUNT(*), COUNT(DISTINCT a.pk) FROM f a JOIN f b "
                'ON a.doc_pk = b.doc_pk AND a.pk <> b.pk AND a.start < b."end" AND b.start < a."end" '
                "GROUP BY a.unit_pk, b.unit_pk",
            )
            n_codings = self._q(conn, r, "SELECT unit_pk, COUNT(*) FROM f GROUP BY unit_pk")
            units: dict[str, list[Any]] = {}
            unit_n: dict[str, list[Any]] = {}
            for mode, table in (("sentence", "sentences"), ("turn", "turns")):
                # the units (sentences, turns) each code touches, once, indexed
                conn.execute(text("DROP TABLE IF EXISTS qc_u"))
                self._q(
                    conn,
                    r,
                    f"SELECT DISTINCT f.unit_pk AS unit_pk, s.pk AS upk FROM f JOIN {table} s "
                    'ON s.document_pk = f.doc_pk AND s.start < f."end" AND f.start < s."end"',
                    prefix="CREATE TEMPORARY TABLE qc_u AS ",
                )
                conn.execute(text("CREATE INDEX qc_u_upk ON qc_u (upk, unit_pk)"))
                units[mode] = list(
                    conn.execute(
                        text(
                            "SELECT a.unit_pk, b.unit_pk, COUNT(*) FROM qc_u a JOIN qc_u b "
                            "ON a.upk = b.upk GROUP BY a.unit_pk, b.unit_pk"
                        )
                    )
                )
                unit_n[mode] = list(
                    conn.execute(text("SELECT unit_pk, COUNT(*) FROM qc_u GROUP BY unit_pk"))
                )
            pks = self.store.code_pks(conn)
        cb = r.codebook
        lang = self._label_lang(cb, label_lang)
        codes = tuple(c.id for c in r.rows)
        index = {pks[c]: i for i, c in enumerate(codes)}
        k = len(codes)
        n: dict[str, tuple[int, ...]] = {}
        counts: dict[str, tuple[tuple[int, ...], ...]] = {}
        jac: dict[str, tuple[tuple[float | None, ...], ...]] = {}
        cond: dict[str, tuple[tuple[float | None, ...], ...]] = {}
        for mode in COOCCURRENCE_MODES:
            totals = [0] * k
            grid = [[0] * k for _ in range(k)]
            hits = [[0] * k for _ in range(k)]
            if mode == "overlap":
                for u, c in n_codings:
                    if u in index:
                        totals[index[u]] = c
                for a, b, c, distinct_a in pairs:
                    if a in index and b in index and a != b:
                        grid[index[a]][index[b]] = c
                        hits[index[a]][index[b]] = distinct_a
            else:
                for u, c in unit_n[mode]:
                    if u in index:
                        totals[index[u]] = c
                for a, b, c in units[mode]:
                    if a in index and b in index and a != b:
                        grid[index[a]][index[b]] = c
                        hits[index[a]][index[b]] = c
            for i in range(k):
                grid[i][i] = totals[i]
                hits[i][i] = totals[i]
            n[mode] = tuple(totals)
            counts[mode] = tuple(tuple(row) for row in grid)
            jac[mode] = tuple(
                tuple(jaccard(grid[i][j], totals[i], totals[j]) for j in range(k)) for i in range(k)
            )
            cond[mode] = tuple(
                tuple(hits[i][j] / totals[i] if totals[i] else None for j in range(k))
                for i in range(k)
            )
        return Cooccurrence(
            codes=codes,
            labels=tuple(cb[c].label_in(lang) for c in codes),
            n=n,
            counts=counts,
            jaccard=jac,
            conditional=cond,
            filters=dict(filters.describe()),
        )

    def overlapping_pairs(
        self, filters: Filters | None = None
    ) -> dict[tuple[str, str], list[tuple[Segment, Segment]]]:
        """Every pair of overlapping codings of two different codes (units), keyed both
        ways: ``pairs[(a, b)]`` lists (coding of a, coding of b), in text order.

        One sweep per document over codings sorted by start: a coding is compared only
        with those that start before it ends, so the work grows with the overlaps, not
        with the square of the codings.
        """
        by_doc: dict[str, list[Segment]] = defaultdict(list)
        for s in self.segments(filters):
            by_doc[s.doc].append(s)
        out: dict[tuple[str, str], list[tuple[Segment, Segment]]] = defaultdict(list)
        for segs in by_doc.values():
            segs.sort(key=lambda s: (s.start, s.end))
            for i, x in enumerate(segs):
                for y in segs[i + 1 :]:
                    if y.start >= x.end:
                        break
                    if y.unit != x.unit and y.guid != x.guid:
                        out[(x.unit, y.unit)].append((x, y))
                        out[(y.unit, x.unit)].append((y, x))
        return dict(out)

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
            counts = self._q(
                conn,
                r,
                "SELECT f.unit_pk, COUNT(DISTINCT f.pk), COUNT(DISTINCT f.doc_pk), "
                "COUNT(DISTINCT fcase.case_pk) FROM f LEFT JOIN fcase ON fcase.pk = f.pk "
                "GROUP BY f.unit_pk",
            )
            quotes: dict[int, list[str]] = defaultdict(list)
            if examples:
                for unit, quote in self._q(
                    conn,
                    r,
                    "SELECT f.unit_pk, c.quote FROM f JOIN codings c ON c.pk = f.pk "
                    "JOIN documents d ON d.pk = f.doc_pk ORDER BY d.name, c.start, c.pk",
                ):
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
            memos = conn.execute(
                text(
                    "SELECT m.guid, m.target_kind, m.target_guid, m.author, m.created, m.updated, "
                    "m.title, m.text, d.name, code.id, cs.name FROM memos m "
                    "LEFT JOIN documents d ON m.target_kind = 'document' AND d.guid = m.target_guid "
                    "LEFT JOIN codes code ON m.target_kind = 'code' AND code.guid = m.target_guid "
                    "LEFT JOIN cases cs ON m.target_kind = 'case' AND cs.guid = m.target_guid "
                    "ORDER BY m.created, m.pk"
                )
            ).all()
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
            authors: dict[str, str] = dict(
                conn.execute(
                    text("SELECT guid, memo_author FROM codings WHERE memo_author IS NOT NULL")
                ).all()
            )
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


@dataclass
class _Counts:
    """Flat per-cell (row-major), per-row, per-column and overall tallies."""

    cell_n: list[Number]
    cell_d: list[Number]
    cell_c: list[Number]
    cell_cov: list[int]
    row_n: list[Number]
    row_d: list[Number]
    row_c: list[Number]
    row_cov: list[int]
    col_n: list[Number]
    col_d: list[Number]
    col_c: list[Number]
    col_cov: list[int]
    all_n: int = 0
    all_d: int = 0
    all_c: int = 0
    all_cov: int = 0


def _count(
    rows: Sequence[Any],
    row_keys: Sequence[int],
    col_keys: Sequence[str],
    doc_cases: dict[int, tuple[int, ...]],
    cases_for: Any,
) -> _Counts:
    """One pass over ``(pk, unit, col, doc, start, end)`` in text order (by document, then
    start): codings, distinct documents and cases, and covered characters (overlapping
    and nested intervals merged) per cell, row, column and overall.

    A coding in two columns has a row for each (adjacent, same pk): it counts in both
    columns and once in its row and overall. ``cases_for(pk, col, doc)`` gives a row's
    cases; ``None`` means "the document's cases" (``doc_cases``).
    """
    nr, nc = len(row_keys), len(col_keys)
    rix = {u: i for i, u in enumerate(row_keys)}
    cix = {c: j for j, c in enumerate(col_keys)}
    t = _Counts(
        cell_n=[0] * (nr * nc),
        cell_d=[0] * (nr * nc),
        cell_c=[0] * (nr * nc),
        cell_cov=[0] * (nr * nc),
        row_n=[0] * nr,
        row_d=[0] * nr,
        row_c=[0] * nr,
        row_cov=[0] * nr,
        col_n=[0] * nc,
        col_d=[0] * nc,
        col_c=[0] * nc,
        col_cov=[0] * nc,
    )
    cell_n, cell_d, cell_c, cell_cov = t.cell_n, t.cell_d, t.cell_c, t.cell_cov
    row_n, row_d, row_c, row_cov = t.row_n, t.row_d, t.row_c, t.row_cov
    col_n, col_d, col_c, col_cov = t.col_n, t.col_d, t.col_c, t.col_cov
    cell_last = [-1] * (nr * nc)
    row_last = [-1] * nr
    col_last = [-1] * nc
    # Document-level cases that each belong to one document (one interview per case):
    # a group's distinct cases are then the cases of its distinct documents, counted
    # when a document first appears in the group. Otherwise (a case over several
    # documents, speaker cases, columns by case or attribute) a set keeps them apart.
    owners: dict[int, int] = {}
    simple = cases_for is None
    if simple:
        for doc, cases in doc_cases.items():
            for case in cases:
                if owners.setdefault(case, doc) != doc:
                    simple = False
    seen: set[tuple[int, int, int]] = set()
    counts: tuple[list[Number], ...] = (cell_c, row_c, col_c, [0])
    cell_reach = [0] * (nr * nc)
    row_reach = [0] * nr
    col_reach = [0] * nc
    reach_all = -1
    cur_doc = None
    prev_pk = None
    n_cases = 0
    doc_case_list: tuple[int, ...] = ()
    all_n = all_d = all_cov = all_c = 0
    for pk, unit, col, doc, start, end in rows:
        ri = rix.get(unit)
        ci = cix.get(col)
        if ri is None or ci is None:
            continue
        k = ri * nc + ci
        if doc != cur_doc:
            cur_doc = doc
            reach_all = -1
            all_d += 1
            doc_case_list = doc_cases.get(doc, ()) if cases_for is None else ()
            n_cases = len(doc_case_list)
            if simple:
                all_c += n_cases
        cell_n[k] += 1
        col_n[ci] += 1
        # a group's reach (furthest end so far) is valid while its last document is
        # this one; the first coding of a document in a group starts afresh
        new_cell_doc = cell_last[k] != doc
        if new_cell_doc:
            cell_last[k] = doc
            cell_d[k] += 1
            cell_cov[k] += end - start
            cell_reach[k] = end
        else:
            p = cell_reach[k]
            if p < end:
                cell_cov[k] += end - (start if p < start else p)
                cell_reach[k] = end
        new_col_doc = col_last[ci] != doc
        if new_col_doc:
            col_last[ci] = doc
            col_d[ci] += 1
            col_cov[ci] += end - start
            col_reach[ci] = end
        else:
            p = col_reach[ci]
            if p < end:
                col_cov[ci] += end - (start if p < start else p)
                col_reach[ci] = end
        new_row_doc = False
        if pk != prev_pk:
            prev_pk = pk
            row_n[ri] += 1
            all_n += 1
            if row_last[ri] != doc:
                row_last[ri] = doc
                row_d[ri] += 1
                new_row_doc = True
                row_cov[ri] += end - start
                row_reach[ri] = end
            else:
                p = row_reach[ri]
                if p < end:
                    row_cov[ri] += end - (start if p < start else p)
                    row_reach[ri] = end
        if reach_all < end:
            all_cov += end - (start if reach_all < start else reach_all)
            reach_all = end
        if simple:
            if n_cases:
                if new_cell_doc:
                    cell_c[k] += n_cases
                if new_row_doc:
                    row_c[ri] += n_cases
                if new_col_doc:
                    col_c[ci] += n_cases
            continue
        cases = doc_case_list if cases_for is None else cases_for(pk, col, doc)
        for case in cases:
            for level, index in ((0, k), (1, ri), (2, ci), (3, 0)):
                key = (level, index, case)
                if key not in seen:
                    seen.add(key)
                    counts[level][index] = int(counts[level][index]) + 1
    if not simple:
        all_c = int(counts[3][0])
    t.all_n, t.all_d, t.all_cov, t.all_c = all_n, all_d, all_cov, all_c
    return t


def _grid(
    cells: dict[tuple[str, str], list[Segment]], rows: Sequence[str], columns: Sequence[str]
) -> tuple[tuple[tuple[Segment, ...], ...], ...]:
    """Sparse cells as a full row x column grid (empty cells share one empty tuple)."""
    rix = {r: i for i, r in enumerate(rows)}
    cix = {c: j for j, c in enumerate(columns)}
    empty: tuple[Segment, ...] = ()
    grid: list[list[tuple[Segment, ...]]] = [[empty] * len(columns) for _ in rows]
    for (row, col), segs in cells.items():
        if row in rix and col in cix:
            grid[rix[row]][cix[col]] = tuple(segs)
    return tuple(tuple(r) for r in grid)


def _speaker_match(f: str) -> str:
    """SQL: case source ``cs`` holds the coding ``f``: the whole document, or a speaker
    of its turn (any speaker of a joint turn)."""
    return (
        f"(cs.speaker IS NULL OR cs.speaker = {f}.speaker OR EXISTS (SELECT 1 FROM "
        f"turn_speakers ts WHERE ts.turn_pk = {f}.turn_pk AND ts.speaker = cs.speaker))"
    )


def _has_speaker_cases(conn: Connection) -> bool:
    """Whether any case is one speaker of a document (cases then need the turns)."""
    return bool(
        conn.execute(text("SELECT 1 FROM case_sources WHERE speaker IS NOT NULL LIMIT 1")).first()
    )


def _share(covered: Number | None, chars: int) -> float:
    if not covered or not chars:
        return 0.0
    return round(min(1.0, float(covered) / chars), 6)


def _total_chars(r: _Resolved, filters: Filters, chars: dict[str, int], kind: str) -> int:
    if kind in ("document", "speaker"):
        return sum(chars.values())
    if filters.speaker_role:
        return sum(chars.values())
    return sum(r.doc_chars[d] for d in r.doc_pks)
