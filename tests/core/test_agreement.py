"""Agreement statistics against independent computations and the literature (to 1e-9)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.core.agreement import (
    Pattern,
    UnitDoc,
    cohen_kappa,
    compute_agreement,
    krippendorff_alpha,
    percent_agreement,
)
from tests.conftest import hypothesis_examples

TOL = 1e-9


def table_from_rows(rows: Iterable[Sequence[Hashable | None]]) -> Counter[Pattern]:
    """Reliability data from one row per unit (one value per coder, ``None`` missing)."""
    return Counter(tuple(r) for r in rows)


def table_from_matrix(matrix: Sequence[Sequence[Hashable | None]]) -> Counter[Pattern]:
    """Reliability data from a coders x units matrix (Krippendorff's layout)."""
    return table_from_rows(zip(*matrix, strict=True))


def plain_kappa(a: Sequence[object], b: Sequence[object]) -> float:
    """Cohen's kappa from its definition, one unit at a time (Cohen 1960)."""
    n = len(a)
    p_o = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    cats = set(a) | set(b)
    p_e = sum((list(a).count(k) / n) * (list(b).count(k) / n) for k in cats)
    return (p_o - p_e) / (1 - p_e)


def package_alpha(matrix: Sequence[Sequence[float | None]]) -> float:
    data = np.array([[np.nan if v is None else v for v in row] for row in matrix], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


# ---------------------------------------------------------------------- literature


def test_krippendorff_2011_four_coders_with_missing_values() -> None:
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
    4 observers, 12 units, missing data; nominal alpha = 0.743."""
    n = None
    matrix = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
        [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
    ]
    alpha = krippendorff_alpha(table_from_matrix(matrix))
    assert alpha is not None
    assert round(alpha, 3) == 0.743
    assert abs(alpha - package_alpha(matrix)) < TOL


def test_krippendorff_2011_binary_two_observers() -> None:
    """Krippendorff (2011) section A: two observers, ten units, binary; alpha = 0.095."""
    matrix = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    alpha = krippendorff_alpha(table_from_matrix(matrix))
    assert alpha is not None
    assert round(alpha, 3) == 0.095
    # by hand: o00 = 10, o01 = o10 = 4, o11 = 2; n0 = 14, n1 = 6, n = 20
    assert abs(alpha - (1 - 19 * 8 / (2 * 14 * 6))) < TOL
    assert abs(alpha - package_alpha(matrix)) < TOL


def test_cohen_kappa_textbook_example() -> None:
    """50 units: both yes 20, yes/no 5, no/yes 10, both no 15 -> p_o = .7, p_e = .5, kappa = .4."""
    rows = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    table = table_from_rows(rows)
    assert percent_agreement(table) == pytest.approx(0.7, abs=TOL)
    kappa = cohen_kappa(table)
    assert kappa is not None
    assert abs(kappa - 0.4) < TOL


def test_undefined_statistics_are_none() -> None:
    table = table_from_rows([(0, 0)] * 5)
    assert percent_agreement(table) == 1.0
    assert cohen_kappa(table) is None
    assert krippendorff_alpha(table) is None
    assert percent_agreement(table_from_rows([(0, None)])) is None


# ---------------------------------------------------------------------- properties

values = st.one_of(st.none(), st.integers(0, 2))


@settings(derandomize=True, deadline=None, max_examples=hypothesis_examples(150))
@given(
    st.integers(2, 4).flatmap(
        lambda k: st.lists(st.lists(values, min_size=k, max_size=k), min_size=2, max_size=30)
    )
)
def test_alpha_equals_the_krippendorff_package(rows: list[list[int | None]]) -> None:
    table = table_from_rows(rows)
    ours = krippendorff_alpha(table)
    matrix = [list(col) for col in zip(*rows, strict=True)]
    present = [v for r in rows if sum(x is not None for x in r) >= 2 for v in r if v is not None]
    if len(set(present)) < 2:
        assert ours is None
        return
    assert ours is not None
    assert abs(ours - package_alpha(matrix)) < TOL


@settings(derandomize=True, deadline=None, max_examples=hypothesis_examples(150))
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=40))
def test_kappa_equals_the_definition(rows: list[tuple[int, int]]) -> None:
    a = [r[0] for r in rows]
    b = [r[1] for r in rows]
    ours = cohen_kappa(table_from_rows(rows))
    cats = set(a) | set(b)
    p_e = sum((a.count(k) / len(a)) * (b.count(k) / len(b)) for k in cats)
    if math.isclose(p_e, 1.0):
        assert ours is None
        return
    assert ours is not None
    assert abs(ours - plain_kappa(a, b)) < TOL


# ---------------------------------------------------------------------- from codings


@dataclass(frozen=True)
class C:
    doc: str
    code: str
    coder: str
    start: int
    end: int


def expand_chars(
    docs: list[UnitDoc], codings: list[C], coders: list[str], code: str
) -> list[list[int | None]]:
    """Characters as units, one row per character, the slow obvious way."""
    rows: list[list[int | None]] = []
    for d in sorted(docs, key=lambda d: d.name):
        if len(d.done & set(coders)) < 2:
            continue
        for i in range(len(d.text)):
            row: list[int | None] = []
            for coder in coders:
                if coder not in d.done:
                    row.append(None)
                    continue
                hit = any(
                    c.doc == d.name and c.code == code and c.coder == coder and c.start <= i < c.end
                    for c in codings
                )
                row.append(int(hit))
            rows.append(row)
    return rows


def test_char_units_equal_expanding_every_character() -> None:
    docs = [
        UnitDoc("a", "x" * 40, done=frozenset({"ani", "budi", "citra"})),
        UnitDoc("b", "y" * 25, done=frozenset({"ani", "budi"})),
        UnitDoc("c", "z" * 30, done=frozenset({"ani"})),  # only one coder: not used
    ]
    codings = [
        C("a", "k", "ani", 0, 10),
        C("a", "k", "ani", 5, 15),  # overlapping codings of one coder merge
        C("a", "k", "budi", 8, 20),
        C("a", "k", "citra", 30, 35),
        C("b", "k", "ani", 3, 9),
        C("b", "k", "budi", 3, 9),
        C("b", "k", "citra", 0, 25),  # citra did not mark b done: missing
        C("c", "k", "ani", 0, 5),
        C("a", "other", "ani", 0, 40),
    ]
    coders = ["ani", "budi", "citra"]
    report = compute_agreement(docs, codings, coders, ["k", "other"], unit="char")
    assert report.documents == ("a", "b")
    rows = expand_chars(docs, codings, coders, "k")
    row = report.codes[0]
    assert row.units == len(rows) == 65
    assert row.kappa is None  # three coders
    assert row.alpha is not None
    assert abs(row.alpha - package_alpha([list(c) for c in zip(*rows, strict=True)])) < TOL
    expected_pct = sum(1 for r in rows if len({v for v in r if v is not None}) == 1) / len(rows)
    assert abs((row.percent or 0) - expected_pct) < TOL
    # pooled: both codes' characters as units
    pooled = rows + expand_chars(docs, codings, coders, "other")
    assert report.overall.units == len(pooled)
    assert report.overall.alpha is not None
    assert (
        abs(report.overall.alpha - package_alpha([list(c) for c in zip(*pooled, strict=True)]))
        < TOL
    )
    # disagreements are maximal runs with one pattern each, with their quotes
    runs = [
        (d.doc, d.code, d.start, d.end, d.values) for d in report.disagreements if d.code == "k"
    ]
    assert runs == [
        ("a", "k", 0, 8, (True, False, False)),
        ("a", "k", 8, 15, (True, True, False)),
        ("a", "k", 15, 20, (False, True, False)),
        ("a", "k", 30, 35, (False, False, True)),
    ]
    assert report.disagreements[0].quote == "x" * 8


def test_two_coders_char_kappa_matches_the_definition() -> None:
    text = "Antre dua jam. Petugas datang terlambat. Biaya tidak jelas."
    docs = [UnitDoc("d", text, done=frozenset({"ani", "budi"}))]
    codings = [C("d", "time", "ani", 0, 14), C("d", "time", "budi", 6, 40)]
    report = compute_agreement(docs, codings, ["ani", "budi"], ["time"], unit="char")
    rows = expand_chars(docs, codings, ["ani", "budi"], "time")
    a = [r[0] for r in rows]
    b = [r[1] for r in rows]
    row = report.codes[0]
    assert row.kappa is not None
    assert abs(row.kappa - plain_kappa(a, b)) < TOL
    assert row.coded == (14, 34)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        # sentences: [0,14) both; [15,40) budi only; [41,59) none
        ("sentence", [(1, 1), (0, 1), (0, 0)]),
        ("document", [(1, 1)]),
    ],
    ids=["sentence", "document"],
)
def test_sentence_and_document_units(unit: str, expected: list[tuple[int, int]]) -> None:
    text = "Antre dua jam. Petugas datang terlambat. Biaya tidak jelas."
    units = ((0, 14), (15, 40), (41, 59))
    docs = [UnitDoc("d", text, units=units, done=frozenset({"ani", "budi"}))]
    codings = [C("d", "time", "ani", 0, 14), C("d", "time", "budi", 13, 20)]
    report = compute_agreement(docs, codings, ["ani", "budi"], ["time"], unit=unit)
    row = report.codes[0]
    assert row.units == len(expected)
    assert abs((row.percent or 0) - sum(a == b for a, b in expected) / len(expected)) < TOL
    if unit == "sentence":
        assert [(d.unit, d.start, d.end, d.quote) for d in report.disagreements] == [
            (2, 15, 40, "Petugas datang terlambat.")
        ]


def test_coders_must_be_two_or_more_and_distinct() -> None:
    with pytest.raises(ValueError):
        compute_agreement([], [], ["ani"], ["k"])
    with pytest.raises(ValueError):
        compute_agreement([], [], ["ani", "ani"], ["k"])
    with pytest.raises(ValueError):
        compute_agreement([], [], ["ani", "budi"], ["k"], unit="word")
