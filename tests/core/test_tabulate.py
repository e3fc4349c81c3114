"""The matrices' tabulation (core/tabulate.py) on plain rows, without a database.

Exact values on small hand-made inputs, and properties over generated codings: a
roll-up of a parent covers the union of its children's passages (not the sum), the
cells of a measure that adds up sum to their row and column totals, a document's
share is what its codings cover over its length.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.core.codebook import Code, Codebook
from qualcode.core.matrices import Segment
from qualcode.core.spans import union_length
from qualcode.core.tabulate import (
    NO_CASE,
    NO_VALUE,
    Extent,
    TurnPerson,
    attribute_columns,
    blind_coders,
    case_columns,
    cases_by_source,
    code_rows,
    coding_cases,
    cooccurrence_grids,
    descendants,
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
from qualcode.errors import NotFoundError
from tests.conftest import hypothesis_examples

CB = Codebook(
    codes=(
        Code(id="time", label="Time"),
        Code(id="time.wait", label="Wait", parent="time"),
        Code(id="time.wait.long", label="Long", parent="time.wait"),
        Code(id="time.late", label="Late", parent="time"),
        Code(id="cost", label="Cost"),
    )
)


# ---------------------------------------------------------------------- code rows


def test_code_rows_without_filters_are_every_code() -> None:
    rows, wanted = code_rows(CB, (), rollup=False)
    assert [c.id for c in rows] == ["time", "time.wait", "time.wait.long", "time.late", "cost"]
    assert wanted is None


def test_a_code_filter_keeps_the_code_and_everything_below() -> None:
    rows, wanted = code_rows(CB, ("time.wait",), rollup=False)
    assert [c.id for c in rows] == ["time.wait", "time.wait.long"]
    assert wanted == frozenset({"time.wait", "time.wait.long"})


def test_a_rollup_keeps_the_dimensions_of_the_kept_codes() -> None:
    rows, wanted = code_rows(CB, ("time.wait.long", "cost"), rollup=True)
    assert [c.id for c in rows] == ["time", "cost"]
    assert wanted == frozenset({"time.wait.long", "cost"})
    assert [c.id for c in code_rows(CB, (), rollup=True)[0]] == ["time", "cost"]


def test_an_unknown_code_is_named() -> None:
    with pytest.raises(NotFoundError, match="unknown code 'nope'"):
        code_rows(CB, ("time", "nope"), rollup=False)


def test_descendants_do_not_depend_on_the_listing_order() -> None:
    shuffled = Codebook(codes=tuple(reversed(CB.codes)))
    assert descendants(shuffled, ["time"]) == {"time", "time.wait", "time.wait.long", "time.late"}


def test_blind_coding_rule() -> None:
    assert blind_coders(("ana", "budi"), None) == (("ana", "budi"), ())
    assert blind_coders((), "ana") == (("ana",), ())
    assert blind_coders(("ana",), "ana") == (("ana",), ())
    assert blind_coders(("budi", "ana", "citra"), "ana") == (("ana",), ("budi", "citra"))


def test_first_missing_keeps_the_request_order() -> None:
    assert first_missing(["a", "x", "y"], ["a", "b"]) == "x"
    assert first_missing(["a"], ["a"]) is None


# ---------------------------------------------------------------------- columns

# d1 (100 chars): turns 1 interviewer 0-40, 2 participant (Siti) 40-100
# d2 (50 chars): turn 3 a joint turn of Budi and Citra, both participants, 0-50
PEOPLE = (
    TurnPerson(1, 1, "I", "interviewer", 40),
    TurnPerson(2, 1, "Siti", "participant", 60),
    TurnPerson(3, 2, "Budi", "participant", 50),
    TurnPerson(3, 2, "Citra", "participant", 50),
)
EXTENT = Extent(docs={1: "d1", 2: "d2"}, doc_chars={1: 100, 2: 50, 3: 70}, people=PEOPLE)


def test_document_columns_by_name_with_their_lengths() -> None:
    cols = document_columns(Extent(docs={2: "b", 1: "a"}, doc_chars={1: 10, 2: 20}))
    assert (cols.keys, cols.names, cols.chars) == (["1", "2"], ["a", "b"], {"1": 10, "2": 20})


def test_a_role_filter_measures_documents_by_their_roles_turns() -> None:
    extent = Extent(EXTENT.docs, EXTENT.doc_chars, PEOPLE, frozenset({"participant"}))
    assert document_columns(extent).chars == {"1": 60, "2": 50}  # the joint turn once


def test_speaker_columns_count_a_joint_turn_once_per_role() -> None:
    cols = speaker_columns(EXTENT, present={"participant", ""})
    assert cols.keys == ["interviewer", "participant", ""]
    assert cols.names == ["interviewer", "participant", NO_VALUE]
    assert cols.chars == {"interviewer": 40, "participant": 110, "": 0}


def test_case_columns_measure_whole_documents_and_speakers() -> None:
    sources = [(10, 1, None), (11, 2, "Budi"), (12, 3, None)]  # document 3 filtered out
    cols = case_columns(EXTENT, [(10, "Bu Siti"), (11, "Pak Budi")], sources, present={""})
    assert cols.keys == ["10", "11", ""]
    assert cols.names == ["Bu Siti", "Pak Budi", NO_CASE]
    assert cols.chars == {"10": 100, "11": 50, "12": 0, "": 0}


def test_attribute_columns_count_a_source_once_per_value() -> None:
    sources = [(10, 1, None), (11, 1, None), (12, 2, None)]
    values = {10: "f", 11: "f", 12: "m"}
    cols = attribute_columns(EXTENT, values, sources, None, present={"f", "x", ""})
    assert cols.keys == ["f", "m", "x", ""]
    assert cols.names == ["f", "m", "x", NO_VALUE]
    assert cols.chars == {"f": 100, "m": 50}
    only = attribute_columns(EXTENT, values, sources, {12}, present=set())
    assert (only.keys, only.chars) == (["m"], {"m": 50})


def test_total_chars() -> None:
    cols = document_columns(EXTENT)
    assert total_chars(EXTENT, cols, "document", by_role=False) == 150
    assert total_chars(EXTENT, cols, "case", by_role=False) == 150
    some = case_columns(EXTENT, [(10, "a")], [(10, 1, None)], present=set())
    assert total_chars(EXTENT, some, "case", by_role=False) == 150
    assert total_chars(EXTENT, some, "case", by_role=True) == 100


# ---------------------------------------------------------------------- counting


def test_tally_by_hand() -> None:
    # (pk, unit, col, doc, start, end) in text order; units 1 and 2, columns a and b
    rows = [
        (1, 1, "a", 1, 0, 10),
        (2, 1, "a", 1, 5, 20),  # overlaps 1: the cell covers 0-20
        (3, 2, "a", 1, 8, 12),
        (4, 1, "b", 2, 0, 4),
        (4, 1, "a", 2, 0, 4),  # one coding in two columns
        (5, 9, "a", 2, 0, 4),  # a unit that is not a row
    ]
    c = tally(rows, [1, 2], ["a", "b"], {1: (100,), 2: (200, 201)}, None)
    assert c.cell_n == [3, 1, 1, 0]
    assert c.cell_d == [2, 1, 1, 0]
    assert c.cell_cov == [24, 4, 4, 0]
    assert c.cell_c == [3, 2, 1, 0]
    assert (c.row_n, c.row_d, c.row_cov, c.row_c) == ([3, 1], [2, 1], [24, 4], [3, 1])
    assert (c.col_n, c.col_d, c.col_cov, c.col_c) == ([4, 1], [2, 1], [24, 4], [3, 2])
    assert (c.all_n, c.all_d, c.all_cov, c.all_c) == (4, 2, 24, 3)


def test_tally_with_cases_of_each_coding() -> None:
    rows = [(1, 1, "a", 1, 0, 10), (2, 1, "a", 1, 0, 10), (3, 1, "a", 2, 0, 5)]
    cases = {1: (7,), 2: (8,), 3: (7,)}  # case 7 spans two documents
    c = tally(rows, [1], ["a"], {}, lambda pk, col, doc: cases[pk])
    assert (c.cell_c, c.row_c, c.col_c, c.all_c) == ([2], [2], [2], 2)
    shared = tally(rows, [1], ["a"], {1: (7,), 2: (7,)}, None)  # one case, two documents
    assert (shared.cell_c, shared.all_c) == ([1], 1)


def test_share() -> None:
    assert share(25, 100) == 0.25
    assert share(1, 3) == 0.333333
    assert share(150, 100) == 1.0
    assert share(0, 100) == share(5, 0) == share(None, 10) == 0.0


spans = st.tuples(st.integers(0, 80), st.integers(1, 30)).map(lambda t: (t[0], t[0] + t[1]))
codings = st.lists(
    st.tuples(st.integers(1, 3), st.sampled_from(["a", "b"]), st.integers(1, 3), spans),
    max_size=40,
)


def _rows(
    found: list[tuple[int, str, int, tuple[int, int]]],
) -> list[tuple[int, int, str, int, int, int]]:
    rows = [(pk, unit, col, doc, s, e) for pk, (unit, col, doc, (s, e)) in enumerate(found, 1)]
    return sorted(rows, key=lambda r: (r[3], r[4], r[5], r[0]))


@settings(derandomize=True, deadline=None, max_examples=hypothesis_examples(200))
@given(codings)
def test_rolled_up_coverage_is_the_union_not_the_sum(
    found: list[tuple[int, str, int, tuple[int, int]]],
) -> None:
    rows = _rows(found)
    per_code = tally(rows, [1, 2, 3], ["a", "b"], {}, None)
    # roll every code up under one parent (unit 0)
    parent = tally([(pk, 0, c, d, s, e) for pk, _u, c, d, s, e in rows], [0], ["a", "b"], {}, None)
    by_doc: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for _pk, _u, _c, doc, s, e in rows:
        by_doc[doc].append((s, e))
    union = sum(union_length(v) for v in by_doc.values())
    assert parent.row_cov == [union] == [parent.all_cov]
    assert parent.row_cov[0] <= sum(per_code.row_cov)
    assert parent.row_n == [sum(per_code.row_n)] == [len(rows)]
    assert parent.row_d == [len(by_doc)]


@settings(derandomize=True, deadline=None, max_examples=hypothesis_examples(200))
@given(codings)
def test_counts_add_up_to_their_totals(
    found: list[tuple[int, str, int, tuple[int, int]]],
) -> None:
    rows = _rows(found)
    c = tally(rows, [1, 2, 3], ["a", "b"], {1: (10,), 2: (20,), 3: (30,)}, None)
    assert [sum(c.cell_n[i * 2 : i * 2 + 2]) for i in range(3)] == c.row_n
    assert [sum(c.cell_n[j::2]) for j in range(2)] == c.col_n
    assert sum(c.row_n) == sum(c.col_n) == c.all_n == len(rows)
    # one case per document: distinct cases are distinct documents
    assert c.cell_c == c.cell_d and c.row_c == c.row_d and c.all_c == c.all_d
    for i in range(3):
        cells = [(d, s, e) for _p, u, _c, d, s, e in rows if u == i + 1]
        assert c.row_cov[i] == sum(
            union_length([(s, e) for d2, s, e in cells if d2 == d])
            for d in {d for d, _s, _e in cells}
        )


@settings(derandomize=True, deadline=None, max_examples=hypothesis_examples(100))
@given(st.lists(st.integers(1, 200), min_size=1, max_size=6), st.integers(0, 300))
def test_document_shares_are_covered_over_length(lengths: list[int], covered: int) -> None:
    for n in lengths:
        s = share(min(covered, n), n)
        assert 0.0 <= s <= 1.0
        assert s == round(min(covered, n) / n, 6)


# ---------------------------------------------------------------------- co-occurrence


def test_cooccurrence_grids_by_hand() -> None:
    index = {100: 0, 200: 1, 300: 2}
    totals, counts, jac, cond = cooccurrence_grids(
        index,
        [(100, 4), (200, 2), (999, 7)],
        [(100, 200, 3, 2), (200, 100, 3, 2), (100, 100, 9, 9), (100, 999, 1, 1)],
    )
    assert totals == (4, 2, 0)
    assert counts == ((4, 3, 0), (3, 2, 0), (0, 0, 0))
    assert jac[0][1] == 1.0  # 3 / (4 + 2 - 3)
    assert jac[0][2] == 0.0 and jac[2][2] is None
    assert cond[0][1] == 0.5 and cond[1][0] == 1.0 and cond[2] == (None, None, None)


def _seg(guid: str, doc: str, unit: str, start: int, end: int, **more: object) -> Segment:
    fields: dict[str, object] = dict(
        guid=guid, doc=doc, code=unit, unit=unit, path=(unit,), label=unit, labels={},
        start=start, end=end, turn=None, speaker=None, role="", sentence=None, cases=(),
        attributes={}, coder="c", created="", origin="manual", status="accepted",
        anchor="exact", review="unreviewed", reviewer=None, reviewed_at=None, comment="",
        thread=0, memo=None, quote="",
    )  # fmt: skip
    fields.update(more)
    return Segment(**fields)  # type: ignore[arg-type]


def test_overlapping_pairs_keyed_both_ways() -> None:
    a = _seg("1", "d", "x", 0, 10)
    b = _seg("2", "d", "y", 5, 15)
    c = _seg("3", "d", "x", 10, 20)  # touches a, overlaps b
    other = _seg("4", "e", "y", 0, 10)  # another document
    pairs = overlapping_pairs([c, other, b, a])
    assert pairs == {("x", "y"): [(a, b), (c, b)], ("y", "x"): [(b, a), (b, c)]}


@settings(derandomize=True, deadline=None, max_examples=hypothesis_examples(150))
@given(st.lists(st.tuples(st.sampled_from("xyz"), spans), max_size=25))
def test_overlapping_pairs_match_every_pair_checked(
    found: list[tuple[str, tuple[int, int]]],
) -> None:
    segs = [_seg(str(i), "d", u, s, e) for i, (u, (s, e)) in enumerate(found)]
    pairs = overlapping_pairs(segs)
    brute = {
        (x.guid, y.guid)
        for x in segs
        for y in segs
        if x.unit != y.unit and x.start < y.end and y.start < x.end
    }
    got = {(x.guid, y.guid) for v in pairs.values() for x, y in v}
    assert got == brute


# ---------------------------------------------------------------------- cases and quotes


def test_cases_of_a_coding() -> None:
    sources = [
        ("d1", None, "Bu Siti", 1),
        ("d2", "Budi", "Pak Budi", 2),
        ("d2", "Citra", "Bu Citra", 3),
    ]
    by_source = cases_by_source(sources, ())
    assert coding_cases("d1", ["I"], by_source) == [("Bu Siti", 1)]
    assert coding_cases("d2", ["Citra", "Budi", None], by_source) == [
        ("Bu Citra", 3),
        ("Pak Budi", 2),
    ]
    assert coding_cases("d3", ["x"], by_source) == []
    only = cases_by_source(sources, ["Pak Budi"])
    assert coding_cases("d2", ["Citra", "Budi"], only) == [("Pak Budi", 2)]


def test_merged_attributes_and_joint_roles() -> None:
    attrs = {1: {"sex": "f", "age": "40"}, 2: {"sex": "m", "age": "40"}, 3: {"sex": "f"}}
    assert merged_attributes([1, 2, 3], attrs) == {"age": "40", "sex": "f; m"}
    assert merged_attributes([9], attrs) == {}
    assert joint_role(["participant", None, "interviewer", "participant"]) == (
        "participant; interviewer"
    )


def test_quote_cells_by_case_add_unknown_columns_and_the_fallback_last() -> None:
    a = _seg("1", "d1", "x", 0, 5, cases=("Bu Siti", "Zed"))
    b = _seg("2", "d1", "y", 5, 9)
    c = _seg("3", "d2", "x", 0, 5, cases=("Ani",))
    columns, cells = quote_cells([a, b, c], "case", None, ["Bu Siti"], ["x", "y"])
    assert columns == ("Bu Siti", "Ani", "Zed", NO_CASE)
    assert cells == (((a,), (c,), (a,), ()), ((), (), (), (b,)))


def test_quote_cells_by_role_and_attribute() -> None:
    a = _seg("1", "d", "x", 0, 5, role="participant; interviewer", attributes={"sex": "f; m"})
    b = _seg("2", "d", "x", 5, 9)
    columns, cells = quote_cells([a, b], "speaker", None, ["interviewer", "participant"], ["x"])
    assert columns == ("interviewer", "participant", NO_VALUE)
    assert cells == (((a,), (a,), (b,)),)
    columns, cells = quote_cells([a, b], "attribute", "sex", ["f", "m"], ["x"])
    assert columns == ("f", "m", NO_VALUE)
    assert cells == (((a,), (a,), (b,)),)
    columns, cells = quote_cells([a], "document", None, [], ["x", "y"])
    assert columns == ("d",) and cells == (((a,),), ((),))
