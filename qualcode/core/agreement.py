"""Inter-coder agreement: percent agreement, Cohen's kappa, Krippendorff's alpha.

Pure statistics over *reliability data*: a table of units, each with one value per
coder (``None`` where that coder gave none: missing data). The table is stored
compressed, as ``{pattern: weight}`` where a pattern is the tuple of values the
coders gave a unit and the weight is how many units show that pattern; at
character level a run of characters with the same pattern is one entry weighted by
its length, which is exactly the same as listing every character.

The formulas (nominal data; ``w_u`` the weight of unit ``u``):

* **Percent agreement**: among the units with values from at least two coders
  (*pairable* units), the share on which every coder who gave a value gave the same
  one. For two coders without missing data this is the plain ``p_o``.
* **Cohen's kappa** (two coders, units where both gave a value; Cohen 1960):
  ``kappa = (p_o - p_e) / (1 - p_e)``, ``p_o`` the share of units where the coders
  agree, ``p_e = sum_k p_1k * p_2k`` with ``p_ik`` the share of units coder ``i``
  gave value ``k``. Undefined (``None``) when ``p_e = 1``.
* **Krippendorff's alpha**, nominal, any number of coders, missing data allowed
  (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"): with ``m_u``
  the number of values in unit ``u`` and ``n_uc`` how many of them are ``c``, the
  coincidences are ``o_ck = sum_u w_u * n_uc * (n_uk - [c = k]) / (m_u - 1)`` over
  pairable units, ``n_c = sum_k o_ck``, ``n = sum_c n_c``, and
  ``alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c * n_k``. Undefined
  (``None``) when only one value occurs (no expected disagreement).

Everything is computed with exact fractions and returned as floats.

Codings become reliability data per code (:func:`compute_agreement`): a coder
*coded* a unit with a code when any of that coder's codings of the code overlaps the
unit; at ``char`` level the units are the characters of the documents. A document
that a coder has not marked done is missing data for that coder. Pooled
("overall") figures treat every (unit, code) pair as one unit: the per-code tables
are added together.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

from qualcode.i18n import _

Pattern = tuple[Hashable | None, ...]
"""The values one unit received, one per coder (``None``: missing)."""

Table = Mapping[Pattern, int]
"""Reliability data: pattern -> number of units showing it."""

UNIT_KINDS = ("char", "sentence", "turn", "document")
"""What a unit of agreement can be."""


# ---------------------------------------------------------------------- statistics


def _present(pattern: Pattern) -> list[Hashable]:
    return [v for v in pattern if v is not None]


def pairable_units(table: Table) -> int:
    """Units with values from at least two coders (those the statistics use)."""
    return sum(w for p, w in table.items() if len(_present(p)) >= 2)


def percent_agreement(table: Table) -> float | None:
    """Share of pairable units on which every coder who gave a value agrees.

    Returns:
        A number in ``[0, 1]``, or ``None`` without pairable units.
    """
    total = agree = 0
    for pattern, w in table.items():
        vals = _present(pattern)
        if len(vals) < 2:
            continue
        total += w
        if all(v == vals[0] for v in vals):
            agree += w
    return float(Fraction(agree, total)) if total else None


def cohen_kappa(table: Table, first: int = 0, second: int = 1) -> float | None:
    """Cohen's kappa for coders ``first`` and ``second`` of each pattern.

    Only units where both gave a value count.

    Returns:
        kappa, or ``None`` when it is undefined (no units, or ``p_e = 1``).
    """
    n = 0
    agree = 0
    m1: Counter[Hashable] = Counter()
    m2: Counter[Hashable] = Counter()
    for pattern, w in table.items():
        a, b = pattern[first], pattern[second]
        if a is None or b is None:
            continue
        n += w
        m1[a] += w
        m2[b] += w
        if a == b:
            agree += w
    if n == 0:
        return None
    p_o = Fraction(agree, n)
    p_e = sum((Fraction(m1[k], n) * Fraction(m2[k], n) for k in m1), Fraction(0))
    if p_e == 1:
        return None
    return float((p_o - p_e) / (1 - p_e))


def coincidences(table: Table) -> dict[tuple[Hashable, Hashable], Fraction]:
    """Krippendorff's coincidence matrix ``o_ck`` over the pairable units."""
    o: dict[tuple[Hashable, Hashable], Fraction] = {}
    for pattern, w in table.items():
        vals = _present(pattern)
        m = len(vals)
        if m < 2:
            continue
        counts = Counter(vals)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_k - 1) if c == k else n_c * n_k
                if pairs:
                    o[(c, k)] = o.get((c, k), Fraction(0)) + Fraction(w * pairs, m - 1)
    return o


def krippendorff_alpha(table: Table) -> float | None:
    """Krippendorff's alpha for nominal data (any number of coders, missing allowed).

    Returns:
        alpha, or ``None`` when it is undefined (fewer than two pairable values, or
        a single value throughout).
    """
    o = coincidences(table)
    n_c: dict[Hashable, Fraction] = {}
    for (c, _k), v in o.items():
        n_c[c] = n_c.get(c, Fraction(0)) + v
    n = sum(n_c.values(), Fraction(0))
    if n <= 1:
        return None
    observed = sum((v for (c, k), v in o.items() if c != k), Fraction(0))
    expected = sum(
        (n_c[c] * n_c[k] for c in n_c for k in n_c if c != k),
        Fraction(0),
    )
    if expected == 0:
        return None
    return float(1 - (n - 1) * observed / expected)


@dataclass(frozen=True)
class Reliability:
    """The statistics of one table.

    Attributes:
        units: pairable units (values from two coders or more).
        percent: percent agreement as a share in ``[0, 1]``.
        kappa: Cohen's kappa (two coders only, else ``None``).
        alpha: Krippendorff's alpha, nominal.
    """

    units: int
    percent: float | None
    kappa: float | None
    alpha: float | None


def reliability(table: Table, *, coders: int) -> Reliability:
    """Percent agreement, kappa (when ``coders == 2``) and alpha of one table."""
    return Reliability(
        units=pairable_units(table),
        percent=percent_agreement(table),
        kappa=cohen_kappa(table) if coders == 2 else None,
        alpha=krippendorff_alpha(table),
    )


# ---------------------------------------------------------------------- from codings


class _CodingLike(Protocol):
    @property
    def doc(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def coder(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


@dataclass(frozen=True)
class UnitDoc:
    """A document as agreement sees it.

    Attributes:
        name: document name.
        text: its text (for quotes; its length is the number of characters).
        units: the unit spans for ``sentence``/``turn``, in order (numbered from 1);
            ignored for ``char`` and ``document``.
        done: the coders who marked it done.
    """

    name: str
    text: str
    units: tuple[tuple[int, int], ...] = ()
    done: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Disagreement:
    """A unit (or a run of characters) on which the coders disagree about a code.

    Attributes:
        doc: document name.
        code: code id.
        start: first character.
        end: end (exclusive).
        unit: the sentence or turn number (from 1), ``None`` for char/document.
        values: per coder: ``True`` coded, ``False`` not coded, ``None`` missing.
        quote: the text of the unit (or run).
    """

    doc: str
    code: str
    start: int
    end: int
    unit: int | None
    values: tuple[bool | None, ...]
    quote: str


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code (or pooled over codes).

    Attributes:
        code: the code id (``"overall"`` for the pooled row).
        units: pairable units.
        percent: percent agreement (share in ``[0, 1]``).
        kappa: Cohen's kappa (two coders), ``None`` when undefined.
        alpha: Krippendorff's alpha, nominal, ``None`` when undefined.
        coded: per coder, the units they coded with the code (pairable ones).
    """

    code: str
    units: int
    percent: float | None
    kappa: float | None
    alpha: float | None
    coded: tuple[int, ...]


@dataclass(frozen=True)
class AgreementReport:
    """Agreement of two or more coders over a set of documents.

    Attributes:
        coders: the coders compared, in the order of every ``values`` tuple.
        unit: ``char``, ``sentence``, ``turn`` or ``document``.
        documents: the documents at least two of the coders marked done.
        codes: one row per code.
        overall: pooled over codes (each unit x code pair one unit).
        disagreements: where the coders disagree, in document and text order.
    """

    coders: tuple[str, ...]
    unit: str
    documents: tuple[str, ...]
    codes: tuple[CodeAgreement, ...]
    overall: CodeAgreement
    disagreements: tuple[Disagreement, ...]


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _overlaps(merged: list[tuple[int, int]], ends: list[int], start: int, end: int) -> bool:
    i = bisect_right(ends, start)  # first interval ending after ``start``
    return i < len(merged) and merged[i][0] < end


def _covered(merged: list[tuple[int, int]], starts: list[int], offset: int) -> bool:
    i = bisect_right(starts, offset) - 1
    return i >= 0 and merged[i][1] > offset


def _disagrees(pattern: Pattern) -> bool:
    vals = _present(pattern)
    return len(vals) >= 2 and any(v != vals[0] for v in vals)


def _code_tables(
    doc: UnitDoc,
    code: str,
    spans: Mapping[str, list[tuple[int, int]]],
    coders: Sequence[str],
    unit: str,
) -> tuple[Counter[Pattern], list[Disagreement]]:
    """The reliability data of one code in one document, with its disagreements."""
    merged = {c: _merge(spans.get(c, ())) for c in coders if c in doc.done}
    if unit == "char":
        return _char_tables(doc, code, merged, coders)
    return _unit_tables(doc, code, merged, coders, unit)


def _values(pattern: Pattern) -> tuple[bool | None, ...]:
    """A pattern as a disagreement shows it: coded or not per coder (None: not done)."""
    return tuple(v if v is None else bool(v) for v in pattern)


def _char_tables(
    doc: UnitDoc,
    code: str,
    merged: Mapping[str, list[tuple[int, int]]],
    coders: Sequence[str],
) -> tuple[Counter[Pattern], list[Disagreement]]:
    """Per character: each stretch between two span ends weighs its length;
    neighbouring stretches with the same disagreement read as one."""
    table: Counter[Pattern] = Counter()
    found: list[Disagreement] = []
    length = len(doc.text)
    bounds = {0, length}
    for m in merged.values():
        for s, e in m:
            bounds.add(max(0, min(s, length)))
            bounds.add(max(0, min(e, length)))
    points = sorted(bounds)
    starts = {c: [s for s, _ in m] for c, m in merged.items()}
    for a, b in zip(points, points[1:], strict=False):
        if b <= a:
            continue
        pattern: Pattern = tuple(
            _covered(merged[c], starts[c], a) if c in merged else None for c in coders
        )
        table[pattern] += b - a
        if _disagrees(pattern):
            values = _values(pattern)
            last = found[-1] if found else None
            if last is not None and last.end == a and last.values == values:
                found[-1] = Disagreement(
                    doc.name, code, last.start, b, None, values, doc.text[last.start : b]
                )
            else:
                found.append(Disagreement(doc.name, code, a, b, None, values, doc.text[a:b]))
    return table, found


def _unit_tables(
    doc: UnitDoc,
    code: str,
    merged: Mapping[str, list[tuple[int, int]]],
    coders: Sequence[str],
    unit: str,
) -> tuple[Counter[Pattern], list[Disagreement]]:
    """Per sentence, turn or document: a unit is coded by a coder whose span overlaps it."""
    table: Counter[Pattern] = Counter()
    found: list[Disagreement] = []
    units = ((0, len(doc.text)),) if unit == "document" else doc.units
    if not any(merged.values()):
        # nobody coded this code here: every unit is "not coded" by every coder who is done
        empty: Pattern = tuple(False if c in merged else None for c in coders)
        table[empty] += sum(1 for s, e in units if e > s)
        return table, found
    ends = {c: [e for _, e in m] for c, m in merged.items()}
    for number, (s, e) in enumerate(units, start=1):
        if e <= s:
            continue
        pattern = tuple(
            _overlaps(merged[c], ends[c], s, e) if c in merged else None for c in coders
        )
        table[pattern] += 1
        if _disagrees(pattern):
            found.append(
                Disagreement(
                    doc.name,
                    code,
                    s,
                    e,
                    None if unit == "document" else number,
                    _values(pattern),
                    doc.text[s:e],
                )
            )
    return table, found


def _row(code: str, table: Table, n_coders: int) -> CodeAgreement:
    stats = reliability(table, coders=n_coders)
    coded = [0] * n_coders
    for pattern, w in table.items():
        if len(_present(pattern)) < 2:
            continue
        for i, v in enumerate(pattern):
            if v:
                coded[i] += w
    return CodeAgreement(code, stats.units, stats.percent, stats.kappa, stats.alpha, tuple(coded))


def compute_agreement(
    docs: Sequence[UnitDoc],
    codings: Iterable[_CodingLike],
    coders: Sequence[str],
    codes: Sequence[str],
    *,
    unit: str = "char",
) -> AgreementReport:
    """Agreement of ``coders`` on ``codes`` over ``docs``.

    Args:
        docs: the documents, each with the coders who marked it done (and, for
            ``sentence``/``turn``, its unit spans).
        codings: codings of any coder and code; the others are ignored.
        coders: two or more coder names.
        codes: the codes to compare, in report order.
        unit: ``char``, ``sentence``, ``turn`` or ``document``.

    Raises:
        ValueError: fewer than two distinct coders, or an unknown unit.
    """
    if unit not in UNIT_KINDS:
        raise ValueError(_("unknown unit {unit!r}").format(unit=unit))
    coders = tuple(coders)
    if len(set(coders)) < 2 or len(set(coders)) != len(coders):
        raise ValueError(_("agreement needs two or more distinct coders"))
    wanted_codes = set(codes)
    wanted_coders = set(coders)
    by_doc: dict[str, dict[str, dict[str, list[tuple[int, int]]]]] = {}
    for c in codings:
        if c.code in wanted_codes and c.coder in wanted_coders:
            by_doc.setdefault(c.doc, {}).setdefault(c.code, {}).setdefault(c.coder, []).append(
                (c.start, c.end)
            )
    tables: dict[str, Counter[Pattern]] = {code: Counter() for code in codes}
    disagreements: list[Disagreement] = []
    used_docs: list[str] = []
    for doc in sorted(docs, key=lambda d: d.name):
        if len(doc.done & wanted_coders) < 2:
            continue
        used_docs.append(doc.name)
        for code in codes:
            table, found = _code_tables(
                doc, code, by_doc.get(doc.name, {}).get(code, {}), coders, unit
            )
            tables[code].update(table)
            disagreements += found
    pooled: Counter[Pattern] = Counter()
    for table in tables.values():
        pooled.update(table)
    order = {code: i for i, code in enumerate(codes)}
    disagreements.sort(key=lambda d: (d.doc, d.start, d.end, order[d.code]))
    return AgreementReport(
        coders=coders,
        unit=unit,
        documents=tuple(used_docs),
        codes=tuple(_row(code, tables[code], len(coders)) for code in codes),
        overall=_row("overall", pooled, len(coders)),
        disagreements=tuple(disagreements),
    )
