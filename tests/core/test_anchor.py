"""Re-anchoring codings after an edited transcript replaces the old text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.core.anchor import THRESHOLD, OffsetMap, reanchor
from tests.conftest import hypothesis_examples

OLD = (
    "Pewawancara: Berapa lama Ibu mengantre di kantor camat?\n\n"
    "Narasumber: Saya mengantre dua jam karena petugasnya datang terlambat. Iya, betul.\n\n"
    "Pewawancara: Apakah ada biaya tambahan?\n\n"
    "Narasumber: Ada uang rokok lima puluh ribu, tanpa kuitansi.\n"
)
PASSAGE = "Saya mengantre dua jam karena petugasnya datang terlambat."
SHORT = "Iya, betul."

# (id, new text, coded quote, expected anchor, expected new quote or None = unchanged)
CASES: list[tuple[str, str, str, str, str | None]] = [
    (
        "unchanged-elsewhere-edit-after",
        OLD.replace("lima puluh", "seratus"),
        PASSAGE,
        "exact",
        None,
    ),
    (
        "text-inserted-before",
        "Wawancara 3, 12 Mei 2024.\n\n" + OLD,
        PASSAGE,
        "moved",
        None,
    ),
    (
        "text-inserted-after",
        OLD + "\nPewawancara: Terima kasih.\n",
        PASSAGE,
        "exact",
        None,
    ),
    (
        "typo-fixed-inside",
        OLD.replace("petugasnya datang terlambat", "petugasnya datang terlambar"),
        PASSAGE,
        "moved",
        "Saya mengantre dua jam karena petugasnya datang terlambar.",
    ),
    (
        "few-words-inserted-inside",
        OLD.replace("dua jam karena", "dua jam lebih karena"),
        PASSAGE,
        "moved",
        "Saya mengantre dua jam lebih karena petugasnya datang terlambat.",
    ),
    (
        "passage-rewritten-inside",
        OLD.replace(
            PASSAGE, "Saya menunggu lama sekali, sejak pagi, sampai petugas akhirnya muncul."
        ),
        PASSAGE,
        "needs-review",
        None,
    ),
    ("passage-deleted", OLD.replace(PASSAGE + " ", ""), PASSAGE, "needs-review", None),
    (
        "short-quote-now-several-times",
        OLD.replace("Apakah ada biaya tambahan?", "Iya, betul. Apakah ada biaya? Iya, betul."),
        SHORT,
        "needs-review",
        None,
    ),
    (
        "moved-paragraph",
        "Pewawancara: Apakah ada biaya tambahan?\n\n"
        "Narasumber: Ada uang rokok lima puluh ribu, tanpa kuitansi.\n\n"
        "Pewawancara: Berapa lama Ibu mengantre di kantor camat?\n\n"
        "Narasumber: Saya mengantre dua jam karena petugasnya datang terlambat. Iya, betul.\n",
        PASSAGE,
        "moved",
        None,
    ),
]


@pytest.mark.parametrize(
    ("name", "new", "quote", "anchor", "new_quote"), CASES, ids=[c[0] for c in CASES]
)
def test_reanchoring_table(
    name: str, new: str, quote: str, anchor: str, new_quote: str | None
) -> None:
    start = OLD.index(quote)
    (got,) = reanchor(OLD, new, [(start, start + len(quote), quote)])
    assert got.anchor == anchor, (got, name)
    assert 0 <= got.start < got.end <= len(new)
    if anchor == "needs-review":
        assert got.quote == quote  # the old quote is kept for the reviewer
    else:
        assert got.quote == (new_quote or quote)
        assert new[got.start : got.end] == got.quote
        assert got.score >= THRESHOLD


def test_a_short_quote_repeated_in_the_new_text_is_never_the_first_match_silently() -> None:
    quote = SHORT
    start = OLD.index(quote)
    new = "Iya, betul.\n\n" + OLD
    (got,) = reanchor(OLD, new, [(start, start + len(quote), quote)])
    assert got.anchor == "needs-review"
    # placed on the occurrence nearest to where the passage went, not the first one
    assert got.start == start + len("Iya, betul.\n\n")


def test_one_remaining_copy_of_a_quote_the_old_text_held_twice_is_not_trusted() -> None:
    old = "A: Iya, betul.\n\nB: Lalu?\n\nA: Iya, betul.\n"
    new = "A: Iya, betul.\n\nB: Lalu?\n"
    second = old.rindex("Iya, betul.")
    (got,) = reanchor(old, new, [(second, second + 11, "Iya, betul.")])
    assert got.anchor == "needs-review"


def test_offset_map_keeps_unchanged_text_in_place() -> None:
    old = "one\ntwo\nthree\n"
    new = "zero\none\ntwo\nthree and more\n"
    m = OffsetMap(old, new)
    assert new[m.map(old.index("two")) :].startswith("two")
    assert m.map(old.index("three")) == new.index("three")


TEXT = st.text(alphabet=st.sampled_from("ab cd\n.,"), min_size=1, max_size=80)


@settings(derandomize=True, deadline=None, max_examples=hypothesis_examples(200))
@given(old=TEXT, new=TEXT, data=st.data())
def test_every_coding_gets_a_span_inside_the_new_text(
    old: str, new: str, data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(old) - 1))
    end = data.draw(st.integers(start + 1, len(old)))
    (got,) = reanchor(old, new, [(start, end, old[start:end])])
    assert 0 <= got.start < got.end <= len(new)
    assert got.anchor in ("exact", "moved", "needs-review")
    if got.anchor != "needs-review":
        assert new[got.start : got.end] == got.quote
