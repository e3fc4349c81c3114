"""The counting behind themes, the theme review and the dimension scorecard (pure)."""

from __future__ import annotations

import pytest

from qualcode.core.codebook import Code, Codebook
from qualcode.core.matrices import Segment
from qualcode.core.thematic import (
    ALL_GROUP,
    NO_VALUE,
    Usage,
    codes_in_no_theme,
    review_themes,
    scorecard,
    theme_usage,
    usage,
    valence_of,
)
from qualcode.core.themes import (
    KeyExtract,
    Theme,
    ThemeTree,
    check_status,
    free_id,
    passage_name,
    slug,
    split_node,
    theme_tree_order,
)
from qualcode.errors import InputError

CB = Codebook(
    (
        Code("time", "Time"),
        Code("time.wait", "Wait", parent="time", valence="negative"),
        Code("time.fast", "Fast", parent="time", valence="positive"),
        Code("cost", "Cost", valence="negative"),
        Code("cost.free", "Free", parent="cost", valence="positive"),
        Code("cost.fee", "Fee", parent="cost"),
    )
)


def seg(
    guid: str,
    doc: str,
    code: str,
    start: int,
    end: int,
    *,
    speaker: str | None = "P",
    role: str | None = "participant",
    cases: tuple[str, ...] = (),
    attributes: dict[str, str] | None = None,
) -> Segment:
    return Segment(
        guid=guid, doc=doc, code=code, unit=code, path=(code,), label=code, labels={},
        start=start, end=end, turn=1, speaker=speaker, role=role, sentence=1, cases=cases,
        attributes=attributes or {}, coder="ana", created="", origin="manual",
        status="accepted", anchor="exact", review="unreviewed", reviewer=None,
        reviewed_at=None, comment="", thread=0, memo=None, quote=f"quote {guid}",
    )  # fmt: skip


RES = {"role": "resident"}
OFF = {"role": "officer"}
SEGS = [
    seg("g1", "d1", "time.wait", 0, 10, cases=("A",), attributes=RES),
    seg("g2", "d1", "cost.fee", 5, 15, cases=("A",), attributes=RES),
    seg("g3", "d2", "time.wait", 0, 10, cases=("B",), attributes=OFF),
    seg("g4", "d2", "time.fast", 20, 30, cases=("B",), attributes=OFF),
    seg("g5", "d3", "cost.free", 0, 10, cases=("C",), attributes=RES),
    seg("g6", "d3", "time", 0, 40, cases=("C",)),
    seg("g7", "d1", "time.wait", 40, 50, speaker="I", role="interviewer", cases=("A",)),
]


def test_participants_are_cases_or_participant_speakers() -> None:
    assert usage(SEGS, use_cases=True) == Usage(7, 3, 3)
    # without cases: distinct participant speakers per document; the interviewer not
    assert usage(SEGS, use_cases=False) == Usage(7, 3, 3)
    assert usage(SEGS[6:], use_cases=False) == Usage(1, 1, 0)
    assert usage([SEGS[0], SEGS[0]], use_cases=True) == Usage(1, 1, 1)


TREE = ThemeTree(
    tuple(
        theme_tree_order(
            [
                Theme("G-a", "waiting", "Waiting", codes=("time.wait",),
                      extracts=(KeyExtract("E1", "g3"),)),
                Theme("G-b", "money", "Money", codes=("cost.fee", "time.wait"), position=1),
                Theme("G-c", "fast", "Fast", parent="waiting", codes=("time.fast",)),
                Theme("G-d", "gone", "Gone", status="discarded", reason="thin",
                      codes=("cost",), position=2),
            ]
        )
    )
)  # fmt: skip


def test_theme_usage_includes_sub_themes_and_counts_each_coding_once() -> None:
    assert [t.id for t in TREE] == ["waiting", "fast", "money", "gone"]
    assert theme_usage(TREE, SEGS, use_cases=True) == {
        "waiting": Usage(4, 2, 2),
        "fast": Usage(1, 1, 1),
        "money": Usage(4, 2, 2),
        "gone": Usage(0, 0, 0),
    }
    # a discarded theme holds no code
    assert codes_in_no_theme(CB, TREE) == ["time", "cost", "cost.free"]


def test_review_exact() -> None:
    r = review_themes(CB, TREE, SEGS, use_cases=True, attribute="role")
    assert r.groups == ("officer", "resident", NO_VALUE)
    waiting = r.themes[0]
    assert waiting.depth == 0
    assert waiting.split == {
        "officer": Usage(2, 1, 1),
        "resident": Usage(1, 1, 1),
        NO_VALUE: Usage(1, 1, 1),
    }
    assert waiting.codes_without_extract == ()
    assert [(c.code, c.extracts, c.other_themes) for c in waiting.codes] == [
        ("time.wait", 1, ("money",))
    ]
    # g1 overlaps g2 (cost.fee); g3 and g4 overlap nothing else; g6 is 'time' ...
    assert waiting.cooccurring == (("cost.fee", 1),)
    assert waiting.single_participant is False
    fast = r.themes[1]
    assert (fast.depth, fast.single_participant, fast.missing_extracts) == (1, True, True)
    assert fast.codes_without_extract == ("time.fast",)
    money = r.themes[2]
    assert money.cooccurring == ()  # g1 and g2 are both its own
    assert [c for c, _ in r.no_theme] == ["time", "cost", "cost.free"]
    assert dict(r.no_theme)["time"] == Usage(1, 1, 1)


def test_valence_comes_from_the_nearest_ancestor_that_has_one() -> None:
    vals = {c.id: c.valence for c in CB.codes}
    assert valence_of(CB, "cost.fee", vals) == "negative"
    assert valence_of(CB, "cost.free", vals) == "positive"
    assert valence_of(CB, "time", vals) is None


def test_scorecard_exact() -> None:
    vals = {c.id: c.valence for c in CB.codes}
    card = scorecard(CB, vals, TREE, SEGS, use_cases=True, attribute="role")
    assert card.groups == ("officer", "resident", NO_VALUE)
    rows = {(r.dimension, r.group): r for r in card.rows}
    assert [(r.dimension, r.group) for r in card.rows] == [
        (d, g) for d in ("time", "cost") for g in ("officer", "resident", NO_VALUE)
    ]
    off = rows[("time", "officer")]
    assert (off.negative.usage, off.positive.usage) == (Usage(1, 1, 1), Usage(1, 1, 1))
    assert off.negative.codes == (("time.wait", 1),)
    assert off.extracts == ("g3",)
    res = rows[("time", "resident")]
    assert res.negative.usage == Usage(1, 1, 1)
    none = rows[("time", NO_VALUE)]
    assert none.negative.usage == Usage(1, 1, 1)  # g7: the interviewer, of case A
    assert none.unrated.usage == Usage(1, 1, 1)
    cost = rows[("cost", "resident")]
    assert cost.negative.codes == (("cost.fee", 1),)
    assert cost.positive.codes == (("cost.free", 1),)
    assert cost.positive.usage == Usage(1, 1, 1)
    whole = scorecard(CB, vals, TREE, SEGS, use_cases=True)
    assert whole.groups == (ALL_GROUP,)
    t = whole.rows[0]
    assert (t.negative.usage, t.positive.usage, t.unrated.usage) == (
        Usage(3, 2, 2),
        Usage(1, 1, 1),
        Usage(1, 1, 1),
    )


def test_theme_words() -> None:
    assert slug("Waktu tunggu lama!") == "waktu_tunggu_lama"
    assert slug("Pelayanan  \u00e9l\u00e8ve") == "pelayanan_eleve"
    assert slug("???") == "theme"
    assert free_id("a", {"a", "a_2"}) == "a_3"
    assert passage_name("Saya datang jam tujuh pagi dan pulang jam dua") == (
        "Saya datang jam tujuh pagi dan..."
    )
    assert split_node("theme:Waiting") == ("theme", "Waiting")
    assert split_node("doc:wawancara_01") == ("document", "wawancara_01")
    assert split_node("passage:abc") == ("passage", "abc")
    assert split_node("time.wait") == (None, "time.wait")
    assert split_node("weird:code") == (None, "weird:code")
    assert check_status(" Final ", "") == ("final", "")
    with pytest.raises(InputError, match="a theme is discarded with a reason"):
        check_status("discarded", "  ")
