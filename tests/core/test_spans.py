"""Spans and coverage."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualcode.core.lang import detect_language
from qualcode.core.spans import Span, find_all, union_length


def test_span_rejects_empty_and_negative() -> None:
    with pytest.raises(ValueError):
        Span(3, 3)
    with pytest.raises(ValueError):
        Span(-1, 2)


def test_overlap_and_nesting() -> None:
    assert Span(0, 5).overlaps(Span(4, 9))
    assert not Span(0, 5).overlaps(Span(5, 9))


@given(
    st.lists(
        st.tuples(st.integers(0, 200), st.integers(1, 50)).map(lambda t: (t[0], t[0] + t[1])),
        max_size=40,
    )
)
def test_union_length_equals_covered_characters(spans: list[tuple[int, int]]) -> None:
    covered: set[int] = set()
    for s, e in spans:
        covered.update(range(s, e))
    assert union_length(spans) == len(covered)


def test_find_all() -> None:
    assert find_all("iya, betul. iya, betul", "iya") == [0, 12]
    assert find_all("aaa", "aa") == [0, 1]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Saya sudah antre dari pagi, tapi petugasnya belum datang juga.", "id"),
        ("I had to wait for two hours and nobody explained why.", "en"),
        ("12345", "en"),
    ],
    ids=["indonesian", "english", "no-words"],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang
