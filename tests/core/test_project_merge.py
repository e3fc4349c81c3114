"""Pure decisions of a project merge: code union, re-anchoring, symmetric state merges."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.core.codebook import Code, Codebook
from qualcode.core.project_merge import (
    merge_coding_state,
    merge_mark,
    merge_memo,
    reanchor,
    survivor,
    union_codebooks,
)
from tests.conftest import hypothesis_examples

# ---------------------------------------------------------------------- codes


def cb(*codes: Code) -> Codebook:
    return Codebook(codes=codes, languages=("id", "en"))


def test_codes_match_by_guid_then_id_then_alias_and_only_theirs_are_added() -> None:
    ours = cb(
        Code("time", "Waktu", key="2"),
        Code("time.long_wait", "Lama", parent="time", aliases=("time.queue",)),
        Code("cost", "Biaya", description="ours"),
        Code("renamed.here", "X"),
    )
    theirs = cb(
        Code("time", "Waktu", key="2"),
        Code("time.queue", "Antre", parent="time"),  # our alias
        Code("cost", "Biaya", description="theirs"),  # same id, a field differs
        Code("old.name", "X"),  # same guid as our renamed.here
        Code("facilities", "Sarana", key="2"),  # new, its key is ours already
        Code("facilities.seat", "Kursi", parent="facilities", aliases=("seat",)),
    )
    union = union_codebooks(
        ours,
        theirs,
        our_guids={"renamed.here": "g-1"},
        their_guids={"old.name": "g-1"},
    )
    assert union.matches == {
        "time": "time",
        "time.queue": "time.long_wait",
        "cost": "cost",
        "old.name": "renamed.here",
    }
    assert union.matched_by == {
        "time": "id",
        "time.queue": "alias",
        "cost": "id",
        "old.name": "guid",
    }
    assert [(c.id, c.parent, c.key) for c in union.added] == [
        ("facilities", None, None),
        ("facilities.seat", "facilities", None),
    ]
    assert union.added[1].aliases == ("seat",)
    assert ("old.name", "renamed.here") in union.aliases
    conflicts = {(c.code, c.field): (c.ours, c.theirs) for c in union.conflicts}
    assert conflicts[("cost", "description")] == ("ours", "theirs")
    assert conflicts[("time.long_wait", "label")] == ("Lama", "Antre")
    assert ("time.long_wait", "parent") not in conflicts  # their parent maps to ours
    assert union.notes == ("their code 'facilities' keeps no key: '2' is ours already",)
    assert union.resolve("time.queue") == "time.long_wait"
    assert union.resolve("facilities") == "facilities"


def test_their_alias_naming_our_id_matches() -> None:
    ours = cb(Code("cost.pungli", "Pungli"))
    theirs = cb(Code("cost.unofficial_fee", "Fee", aliases=("cost.pungli",)))
    union = union_codebooks(ours, theirs)
    assert union.matches == {"cost.unofficial_fee": "cost.pungli"}
    assert union.added == ()
    assert union.aliases == (("cost.unofficial_fee", "cost.pungli"),)


def test_nothing_is_ever_dropped() -> None:
    ours = cb(Code("a", "A"), Code("b", "B"))
    theirs = cb(Code("c", "C"), Code("a", "A2"))
    union = union_codebooks(ours, theirs)
    result_ids = {c.id for c in ours.codes} | {c.id for c in union.added}
    assert result_ids == {"a", "b", "c"}


# ---------------------------------------------------------------------- re-anchoring

OLD = "Pewawancara: Berapa lama antre?\nNarasumber: Dua jam. Lama sekali. Dua jam lagi."


@pytest.mark.parametrize(
    ("new_text", "start", "end", "expected"),
    [
        (OLD, 44, 52, (44, 52, "exact")),
        # text inserted before: the same quote a little further on
        ("Catatan: x.\n" + OLD, 44, 52, (56, 64, "moved")),
        # nearest of two occurrences near the old offset
        (OLD.replace("Pewawancara", "P"), 44, 51, (34, 41, "moved")),
        # far away but unique
        ("y" * 5000 + "Lama sekali.", 53, 65, (5000, 5012, "moved")),
        # quote gone: kept at the old place, clipped, for review
        ("Pewawancara: Berapa lama antre?\nNarasumber: Tiga.", 44, 52, (44, 49, "needs-review")),
        # text shorter than the old start
        ("short", 44, 52, (4, 5, "needs-review")),
    ],
    ids=["same-place", "shifted", "nearest", "unique-far", "gone", "clipped"],
)
def test_reanchor(new_text: str, start: int, end: int, expected: tuple[int, int, str]) -> None:
    quote = OLD[start:end]
    got = reanchor(new_text, start, end, quote)
    assert (got.start, got.end, got.anchor) == expected
    if got.anchor != "needs-review":
        assert new_text[got.start : got.end] == quote


def test_reanchor_ambiguous_far_matches_need_review() -> None:
    new = "z" * 1000 + "Dua jam." + "z" * 1000 + "Dua jam."
    got = reanchor(new, 44, 52, "Dua jam.")
    assert got.anchor == "needs-review"
    assert (got.start, got.end) == (44, 52)


def test_reanchor_refuses_an_empty_text() -> None:
    with pytest.raises(ValueError):
        reanchor("", 0, 1, "x")


@settings(derandomize=True, deadline=None, max_examples=hypothesis_examples(200))
@given(
    st.text(alphabet="ab .", min_size=1, max_size=60),
    st.text(alphabet="ab .", min_size=1, max_size=60),
    st.integers(0, 80),
    st.integers(1, 20),
)
def test_reanchor_always_gives_a_valid_span(old: str, new: str, start: int, length: int) -> None:
    start = min(start, len(old) - 1)
    end = min(start + length, len(old))
    got = reanchor(new, start, end, old[start:end])
    assert 0 <= got.start < got.end <= len(new)
    if got.anchor in ("exact", "moved"):
        assert new[got.start : got.end] == old[start:end]


# ---------------------------------------------------------------------- symmetric state

states = st.fixed_dictionaries(
    {
        "memo": st.one_of(st.none(), st.sampled_from(["a", "b"])),
        "status": st.sampled_from(["accepted", "suggested"]),
        "review": st.sampled_from(["unreviewed", "approved", "disputed"]),
        "reviewer": st.one_of(st.none(), st.just("sup")),
        "reviewed_at": st.one_of(st.none(), st.just("2026-01-01T00:00:00Z")),
        "version": st.integers(1, 3),
    }
)


@settings(derandomize=True, deadline=None, max_examples=hypothesis_examples(200))
@given(states, states)
def test_coding_state_merge_is_symmetric_and_idempotent(
    a: dict[str, Any], b: dict[str, Any]
) -> None:
    ab = merge_coding_state(a, b)
    assert ab == merge_coding_state(b, a)
    assert merge_coding_state(ab, b) == ab
    assert ab["version"] == max(a["version"], b["version"])


def test_higher_version_wins() -> None:
    a = {"memo": "old", "review": "unreviewed", "version": 1}
    b = {"memo": "new", "review": "approved", "version": 2}
    assert merge_coding_state(a, b)["memo"] == "new"
    assert merge_coding_state(a, b)["review"] == "approved"


def test_memo_mark_and_survivor_are_symmetric() -> None:
    m1 = {"updated": "2026-01-02", "title": "", "text": "later"}
    m2 = {"updated": "2026-01-01", "title": "", "text": "earlier"}
    assert merge_memo(m1, m2)["text"] == merge_memo(m2, m1)["text"] == "later"
    assert merge_mark((False, "t1"), (True, "t1")) == merge_mark((True, "t1"), (False, "t1"))
    assert merge_mark((True, "t1"), (False, "t2")) == (False, "t2")
    assert survivor("b", "a") == survivor("a", "b") == "a"
