"""The tabulation behind the matrices, as pure functions over plain rows.

The store selects rows (codings with the code they count under, their column,
document and span; turns, case sources, attribute values); everything computed
from those rows lives here and is tested without a database:

- which codes are rows: a code filter takes the codes and their sub-codes, a
  roll-up counts every code under its top-level dimension (:func:`code_rows`);
- the blind-coding rule (:func:`blind_coders`);
- the columns of a grouping and the characters each holds (:func:`document_columns`,
  :func:`speaker_columns`, :func:`case_columns`, :func:`attribute_columns`);
- the counting pass: codings, distinct documents and cases, and characters covered
  (overlapping and nested codings merged) per cell, row, column and overall
  (:func:`tally`), and the share of text they cover (:func:`share`);
- co-occurrence grids (:func:`cooccurrence_grids`), overlapping coding pairs
  (:func:`overlapping_pairs`), the cases a coding belongs to (:func:`coding_cases`),
  and the cells of a quote matrix (:func:`quote_cells`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from qualcode.core.codebook import Code, Codebook
from qualcode.core.matrices import Number, Segment, jaccard
from qualcode.errors import NotFoundError
from qualcode.i18n import _

NO_VALUE = "(none)"
"""The column of codings with no case, no role or no value of the attribute."""
NO_CASE = "(no case)"
ROLE_ORDER = ("interviewer", "participant")

CasesFor = Callable[[int, str, int], Sequence[int]]
"""``cases_for(coding_pk, column, document_pk)``: the cases a counted row belongs to."""

# ---------------------------------------------------------------------- filters


def code_rows(
    codebook: Codebook, codes: Sequence[str], *, rollup: bool
) -> tuple[tuple[Code, ...], frozenset[str] | None]:
    """The codes that are a matrix's rows, and the codes whose codings count.

    ``codes`` (ids or aliases) keeps those codes and every code below them; empty
    keeps all (the second value is then ``None``: no code filter). With ``rollup``
    the rows are the top-level dimensions of the kept codes, in codebook order.

    Raises:
        NotFoundError: a code the codebook does not know.
    """
    rows: list[Code] = list(codebook.codes)
    wanted: frozenset[str] | None = None
    if codes:
        wanted = frozenset(descendants(codebook, [_known_code(codebook, c) for c in codes]))
        rows = [c for c in codebook.codes if c.id in wanted]
    if rollup:
        tops = {codebook.top_level(c.id) for c in rows}
        rows = [c for c in codebook.codes if c.id in tops]
    return tuple(rows), wanted


def _known_code(codebook: Codebook, code: str) -> str:
    found = codebook.get(code)
    if found is None:
        raise NotFoundError(
            _("unknown code {code!r}").format(code=code),
            hint=_("'qualcode codebook show' lists the codes"),
        )
    return found.id


def descendants(codebook: Codebook, roots: Iterable[str]) -> set[str]:
    """``roots`` and every code below them (whatever order the codebook lists them in)."""
    below: dict[str | None, list[str]] = defaultdict(list)
    for c in codebook.codes:
        below[c.parent].append(c.id)
    out: set[str] = set()
    todo = list(roots)
    while todo:
        code = todo.pop()
        if code not in out:
            out.add(code)
            todo.extend(below.get(code, ()))
    return out


def blind_coders(
    requested: Sequence[str], blind: str | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The blind-coding rule: a blind coder's matrices hold only their own codings.

    Returns the coders to filter on and the requested coders the rule refuses (the
    caller says so). Without blind coding, the request stands.
    """
    if blind is None:
        return tuple(requested), ()
    return (blind,), tuple(c for c in requested if c != blind)


def first_missing(requested: Iterable[str], known: Iterable[str]) -> str | None:
    """The first requested name that is not known, or ``None``."""
    have = set(known)
    return next((name for name in requested if name not in have), None)


# ---------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Columns:
    """A grouping's columns: keys (as the store's column values), names, characters."""

    keys: list[str]
    names: list[str]
    chars: dict[str, int]


@dataclass(frozen=True)
class TurnPerson:
    """One speaker of a turn (a joint turn has one per speaker)."""

    turn: int
    doc: int
    speaker: str | None
    role: str | None
    chars: int


@dataclass(frozen=True)
class Extent:
    """What text a grouping's characters are counted over.

    Attributes:
        docs: the documents that pass the filters (pk -> name).
        doc_chars: every document's length.
        people: every speaker of every turn (only when the roles or cases need them).
        roles: the speaker roles kept by the filters (empty: all).
    """

    docs: Mapping[int, str]
    doc_chars: Mapping[int, int]
    people: Sequence[TurnPerson] = ()
    roles: frozenset[str] = frozenset()

    @cached_property
    def _role_len(self) -> dict[int, int]:
        """Characters per document in the kept roles' turns (a joint turn once)."""
        turns: dict[int, tuple[int, int]] = {}
        for p in self.people:
            if p.role in self.roles:
                turns[p.turn] = (p.doc, p.chars)
        out: dict[int, int] = defaultdict(int)
        for doc, chars in turns.values():
            out[doc] += chars
        return out

    def doc_len(self, pk: int) -> int:
        """A document's characters (only its kept roles' turns under a role filter)."""
        if not self.roles:
            return self.doc_chars[pk]
        return self._role_len.get(pk, 0)

    @cached_property
    def _speaker_len(self) -> dict[tuple[int, str], int]:
        out: dict[tuple[int, str], int] = defaultdict(int)
        for p in self.people:
            if p.speaker is not None and (not self.roles or p.role in self.roles):
                out[(p.doc, p.speaker)] += p.chars
        return out

    def source_len(self, doc: int, speaker: str | None) -> int:
        """A case source's characters: the document, or one speaker's turns in it
        (over the kept roles); 0 for a document the filters leave out."""
        if doc not in self.docs:
            return 0
        return self.doc_len(doc) if speaker is None else self._speaker_len.get((doc, speaker), 0)


def document_columns(extent: Extent) -> Columns:
    """One column per kept document, by name."""
    docs = sorted(extent.docs.items(), key=lambda kv: kv[1])
    keys = [str(pk) for pk, _name in docs]
    return Columns(
        keys, [name for _pk, name in docs], {str(pk): extent.doc_len(pk) for pk, _n in docs}
    )


def speaker_columns(extent: Extent, present: set[str]) -> Columns:
    """One column per role (interviewer, participant, then others), and ``(none)``
    for codings outside any role's turn when there are some."""
    role_chars: dict[str, int] = defaultdict(int)
    seen_roles: set[tuple[int, str]] = set()
    for p in extent.people:
        if not p.role or (p.turn, p.role) in seen_roles:
            continue  # two speakers of one role in a joint turn: its text once
        seen_roles.add((p.turn, p.role))
        if p.doc in extent.docs and (not extent.roles or p.role in extent.roles):
            role_chars[p.role] += p.chars
    keys = [x for x in ROLE_ORDER if x in role_chars]
    keys += sorted(x for x in role_chars if x not in ROLE_ORDER)
    if "" in present:
        keys.append("")
        whole = sum(extent.doc_chars[d] for d in extent.docs)
        role_chars[""] = max(0, whole - sum(role_chars.values()))
    return Columns(keys, [k or NO_VALUE for k in keys], dict(role_chars))


def case_columns(
    extent: Extent,
    cases: Sequence[tuple[int, str]],
    sources: Sequence[tuple[int, int, str | None]],
    present: set[str],
) -> Columns:
    """One column per case (``cases``: pk and name, in order), then ``(no case)``."""
    chars: dict[str, int] = defaultdict(int)
    for case_pk, doc, speaker in sources:
        chars[str(case_pk)] += extent.source_len(doc, speaker)
    keys = [str(pk) for pk, _name in cases]
    names = [name for _pk, name in cases]
    if "" in present:
        keys.append("")
        names.append(NO_CASE)
        linked = {d for _c, d, _s in sources}
        chars[""] = sum(extent.doc_len(d) for d in extent.docs if d not in linked)
    return Columns(keys, names, dict(chars))


def attribute_columns(
    extent: Extent,
    values: Mapping[int, str],
    sources: Sequence[tuple[int, int, str | None]],
    allowed_cases: set[int] | None,
    present: set[str],
) -> Columns:
    """One column per value of an attribute (``values``: case pk -> non-empty value),
    sorted, then ``(none)``; a source counts once per value however many of its cases
    share it."""
    chars: dict[str, int] = defaultdict(int)
    seen: set[tuple[str, int, str | None]] = set()
    for case_pk, doc, speaker in sources:
        if allowed_cases is not None and case_pk not in allowed_cases:
            continue
        v = values.get(case_pk)
        if v is None or (v, doc, speaker) in seen:
            continue
        seen.add((v, doc, speaker))
        chars[v] += extent.source_len(doc, speaker)
    kept = {v for c, v in values.items() if allowed_cases is None or c in allowed_cases}
    keys = sorted(kept | (present - {""}))
    if "" in present:
        keys.append("")
    return Columns(keys, [k or NO_VALUE for k in keys], dict(chars))


def total_chars(extent: Extent, columns: Columns, kind: str, *, by_role: bool) -> int:
    """The text a row's or the whole table's share is measured against."""
    if kind in ("document", "speaker") or by_role:
        return sum(columns.chars.values())
    return sum(extent.doc_chars[d] for d in extent.docs)


# ---------------------------------------------------------------------- counting


@dataclass
class Counts:
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


def _owned_cases(doc_cases: Mapping[int, Sequence[int]]) -> dict[int, int] | None:
    """Case counts per document when every case belongs to one document (a group's
    distinct cases are then the cases of its distinct documents), else ``None``."""
    owners: dict[int, int] = {}
    for doc, cases in doc_cases.items():
        for case in cases:
            if owners.setdefault(case, doc) != doc:
                return None
    return {doc: len(cases) for doc, cases in doc_cases.items()}


def _distinct_cases(
    hits: Iterable[Hit],
    sizes: tuple[int, int, int],
    cases_of: Callable[[int, str, int], Sequence[int]],
) -> tuple[list[Number], list[Number], list[Number], int]:
    """Distinct cases per cell, row, column and overall (sets keep them apart)."""
    counts: tuple[list[Number], ...] = ([0] * sizes[0], [0] * sizes[1], [0] * sizes[2], [0])
    seen: set[tuple[int, int, int]] = set()
    for pk, k, ri, ci, col, doc in hits:
        for case in cases_of(pk, col, doc):
            for level, index in ((0, k), (1, ri), (2, ci), (3, 0)):
                key = (level, index, case)
                if key not in seen:
                    seen.add(key)
                    counts[level][index] = int(counts[level][index]) + 1
    return counts[0], counts[1], counts[2], int(counts[3][0])


Hit = tuple[int, int, int, int, str, int]
"""A counted row: coding, cell, row and column index, column key, document."""


def tally(
    rows: Sequence[tuple[int, int, str, int, int, int]],
    row_keys: Sequence[int],
    col_keys: Sequence[str],
    doc_cases: Mapping[int, Sequence[int]],
    cases_for: CasesFor | None,
) -> Counts:
    """Count ``(pk, unit, col, doc, start, end)`` rows in text order (by document, then
    start): codings, distinct documents and cases, and covered characters (overlapping
    and nested intervals merged) per cell, row, column and overall.

    A coding in two columns has a row for each (adjacent, same pk): it counts in both
    columns and once in its row and overall. Rows whose unit or column is not a key
    are left out. ``cases_for(pk, col, doc)`` gives a row's cases; ``None`` means "the
    document's cases" (``doc_cases``).
    """
    nr, nc = len(row_keys), len(col_keys)
    rix = {u: i for i, u in enumerate(row_keys)}
    cix = {c: j for j, c in enumerate(col_keys)}
    owned = _owned_cases(doc_cases) if cases_for is None else None
    t = Counts(*(_zeros(n) for n in (nr * nc,) * 4 + (nr,) * 4 + (nc,) * 4))  # type: ignore[arg-type]
    _count(rows, rix, cix, t, owned or {})
    if owned is None:

        def by_doc(pk: int, col: str, doc: int) -> Sequence[int]:
            return doc_cases.get(doc, ())

        hits: list[Hit] = [
            (pk, ri * nc + ci, ri, ci, col, doc)
            for pk, unit, col, doc, _start, _end in rows
            if (ri := rix.get(unit, -1)) >= 0 and (ci := cix.get(col, -1)) >= 0
        ]
        t.cell_c, t.row_c, t.col_c, t.all_c = _distinct_cases(
            hits, (nr * nc, nr, nc), cases_for or by_doc
        )
    return t


def _zeros(n: int) -> list[Number]:
    return [0] * n


def _count(
    rows: Iterable[tuple[int, int, str, int, int, int]],
    rix: Mapping[int, int],
    cix: Mapping[str, int],
    t: Counts,
    weight: Mapping[int, int],
) -> None:
    """One pass: per cell, column, row and overall, the hits, the distinct documents
    (a group's documents arrive together), the characters covered (intervals merged:
    a group's reach holds while its last document is this one) and ``weight`` (the
    cases) per distinct document. A coding's rows after its first (the same passage
    in other columns) count in their cells and columns only."""
    nc = len(cix)
    cell_n, cell_d, cell_c, cell_cov = t.cell_n, t.cell_d, t.cell_c, t.cell_cov
    col_n, col_d, col_c, col_cov = t.col_n, t.col_d, t.col_c, t.col_cov
    row_n, row_d, row_c, row_cov = t.row_n, t.row_d, t.row_c, t.row_cov
    cell_last, cell_reach = [-1] * len(cell_n), [0] * len(cell_n)
    col_last, col_reach = [-1] * len(col_n), [0] * len(col_n)
    row_last, row_reach = [-1] * len(row_n), [0] * len(row_n)
    prev_pk = cur_doc = None
    reach = -1
    for pk, unit, col, doc, start, end in rows:
        if (ri := rix.get(unit, -1)) < 0 or (ci := cix.get(col, -1)) < 0:
            continue
        k = ri * nc + ci
        cell_n[k] += 1
        col_n[ci] += 1
        if cell_last[k] != doc:
            cell_last[k] = doc
            cell_d[k] += 1
            cell_cov[k] += end - start
            cell_reach[k] = end
            cell_c[k] += weight.get(doc, 0)
        elif (p := cell_reach[k]) < end:
            cell_cov[k] += end - (start if p < start else p)
            cell_reach[k] = end
        if col_last[ci] != doc:
            col_last[ci] = doc
            col_d[ci] += 1
            col_cov[ci] += end - start
            col_reach[ci] = end
            col_c[ci] += weight.get(doc, 0)
        elif (p := col_reach[ci]) < end:
            col_cov[ci] += end - (start if p < start else p)
            col_reach[ci] = end
        if pk == prev_pk:
            continue
        prev_pk = pk
        row_n[ri] += 1
        t.all_n += 1
        if row_last[ri] != doc:
            row_last[ri] = doc
            row_d[ri] += 1
            row_cov[ri] += end - start
            row_reach[ri] = end
            row_c[ri] += weight.get(doc, 0)
        elif (p := row_reach[ri]) < end:
            row_cov[ri] += end - (start if p < start else p)
            row_reach[ri] = end
        if doc != cur_doc:
            cur_doc = doc
            reach = -1
            t.all_d += 1
            t.all_c += weight.get(doc, 0)
        if reach < end:
            t.all_cov += end - (start if reach < start else reach)
            reach = end


def share(covered: Number | None, chars: int) -> float:
    """``covered / chars`` capped at 1 and rounded to 6 places (0 when either is 0)."""
    if not covered or not chars:
        return 0.0
    return round(min(1.0, float(covered) / chars), 6)


# ---------------------------------------------------------------------- co-occurrence


def cooccurrence_grids(
    index: Mapping[int, int],
    totals_of: Iterable[tuple[int, int]],
    pairs: Iterable[tuple[int, int, int, int]],
) -> tuple[
    tuple[int, ...],
    tuple[tuple[int, ...], ...],
    tuple[tuple[float | None, ...], ...],
    tuple[tuple[float | None, ...], ...],
]:
    """One mode's totals, counts, Jaccard / c-coefficients and conditional shares.

    ``index`` maps a unit to its row; ``totals_of`` gives (unit, total) and ``pairs``
    (unit a, unit b, co-occurrences, hits of a among them). Units outside ``index``
    and a unit paired with itself are left out; the diagonal is the total.
    """
    k = len(index)
    totals = [0] * k
    grid = [[0] * k for _ in range(k)]
    hits = [[0] * k for _ in range(k)]
    for u, c in totals_of:
        if u in index:
            totals[index[u]] = c
    for a, b, c, of_a in pairs:
        if a in index and b in index and a != b:
            grid[index[a]][index[b]] = c
            hits[index[a]][index[b]] = of_a
    for i in range(k):
        grid[i][i] = totals[i]
        hits[i][i] = totals[i]
    jac = tuple(
        tuple(jaccard(grid[i][j], totals[i], totals[j]) for j in range(k)) for i in range(k)
    )
    cond = tuple(
        tuple(hits[i][j] / totals[i] if totals[i] else None for j in range(k)) for i in range(k)
    )
    return tuple(totals), tuple(tuple(row) for row in grid), jac, cond


def overlapping_pairs(
    segments: Iterable[Segment],
) -> dict[tuple[str, str], list[tuple[Segment, Segment]]]:
    """Every pair of overlapping codings of two different codes (units), keyed both
    ways: ``pairs[(a, b)]`` lists (coding of a, coding of b), in text order.

    One sweep per document over codings sorted by start: a coding is compared only
    with those that start before it ends, so the work grows with the overlaps, not
    with the square of the codings.
    """
    by_doc: dict[str, list[Segment]] = defaultdict(list)
    for s in segments:
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


# ---------------------------------------------------------------------- cases of codings

Source = tuple[str, str | None]
"""A case source: a document's name and a speaker in it (``None``: the whole document)."""


def cases_by_source(
    sources: Iterable[tuple[str, str | None, str, int]], wanted: Iterable[str]
) -> dict[Source, list[tuple[str, int]]]:
    """(document, speaker) -> its cases (name, pk), keeping only ``wanted`` cases
    (empty: all)."""
    keep = set(wanted)
    out: dict[Source, list[tuple[str, int]]] = defaultdict(list)
    for doc_name, speaker, case_name, case_pk in sources:
        if not keep or case_name in keep:
            out[(doc_name, speaker)].append((case_name, case_pk))
    return out


def coding_cases(
    doc: str, speakers: Sequence[str | None], by_source: Mapping[Source, list[tuple[str, int]]]
) -> list[tuple[str, int]]:
    """The cases of a coding: its document's, and its turn's speakers' there, sorted."""
    found = list(by_source.get((doc, None), []))
    for who in speakers:
        if who is not None:
            found += [x for x in by_source.get((doc, who), []) if x not in found]
    return sorted(found)


def merged_attributes(
    cases: Iterable[int], attrs: Mapping[int, Mapping[str, str]]
) -> dict[str, str]:
    """The attributes of several cases: each name's distinct values ``; ``-joined."""
    merged: dict[str, list[str]] = {}
    for case_pk in cases:
        for name, value in attrs.get(case_pk, {}).items():
            if value not in merged.setdefault(name, []):
                merged[name].append(value)
    return {k: "; ".join(v) for k, v in sorted(merged.items())}


def joint_role(roles: Iterable[str | None]) -> str:
    """A joint turn's role: every role of its speakers, once each, in order."""
    return "; ".join(dict.fromkeys(r for r in roles if r))


# ---------------------------------------------------------------------- quote matrix


def quote_keys(s: Segment, kind: str, attribute: str | None) -> list[str]:
    """The columns of a quote matrix a segment belongs to."""
    if kind == "document":
        return [s.doc]
    if kind == "case":
        return list(s.cases) or [NO_CASE]
    if kind == "speaker":
        return s.role.split("; ") if s.role else [NO_VALUE]
    value = s.attributes.get(attribute or "")
    return value.split("; ") if value else [NO_VALUE]


def quote_cells(
    segments: Iterable[Segment],
    kind: str,
    attribute: str | None,
    columns: Sequence[str],
    rows: Sequence[str],
) -> tuple[tuple[str, ...], tuple[tuple[tuple[Segment, ...], ...], ...]]:
    """The quote matrix's columns and its row x column grid of segments.

    Columns the segments bring that ``columns`` lacks are added sorted, the
    ``(no case)`` / ``(none)`` fall-backs last.
    """
    cells: dict[tuple[str, str], list[Segment]] = defaultdict(list)
    extra: list[str] = []
    known = set(columns)
    for s in segments:
        for key in quote_keys(s, kind, attribute):
            if key not in known:
                known.add(key)
                extra.append(key)
            cells[(s.unit, key)].append(s)
    fallbacks = [k for k in extra if k in (NO_CASE, NO_VALUE)]
    out = [*columns, *sorted(k for k in extra if k not in fallbacks), *fallbacks]
    return tuple(out), grid(cells, rows, out)


def grid(
    cells: Mapping[tuple[str, str], list[Segment]], rows: Sequence[str], columns: Sequence[str]
) -> tuple[tuple[tuple[Segment, ...], ...], ...]:
    """Sparse cells as a full row x column grid (empty cells share one empty tuple)."""
    rix = {r: i for i, r in enumerate(rows)}
    cix = {c: j for j, c in enumerate(columns)}
    empty: tuple[Segment, ...] = ()
    out: list[list[tuple[Segment, ...]]] = [[empty] * len(columns) for _ in rows]
    for (row, col), segs in cells.items():
        if row in rix and col in cix:
            out[rix[row]][cix[col]] = tuple(segs)
    return tuple(tuple(r) for r in out)
