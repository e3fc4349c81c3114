"""The thematic map's layout: no label box overlaps another or is cut by the viewBox,
node size by passages, stored positions win, the same data lays out the same."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.core.codebook import Code, Codebook
from qualcode.core.thematic_map import (
    CHAR_EM,
    build_map,
    layout,
    lighter,
    short_label,
    text_width,
    theme_color,
)
from qualcode.core.themes import Theme, ThemeTree
from qualcode.exporters.thematic_map import render_svg
from tests.conftest import hypothesis_examples
from tests.map_helpers import big_map, label, svg_text_boxes


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_30_themes_200_codes_no_label_overlaps_another_or_is_cut() -> None:
    data = big_map()
    assert sum(n.kind == "theme" for n in data.nodes) == 30
    assert sum(n.kind == "code" for n in data.nodes) == 200
    svg = render_svg(layout(data))
    (vx0, vy0, vx1, vy1), boxes = svg_text_boxes(svg)
    assert len(boxes) == 230 + 1 + 4  # nodes, the title, four relation types in the legend
    for text, (x0, y0, x1, y1) in boxes:
        assert vx0 <= x0 and x1 <= vx1 and vy0 <= y0 and y1 <= vy1, text
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1 :]:
            assert not _overlaps(a, b), (ta, tb)


def test_label_boxes_with_their_circles_do_not_overlap() -> None:
    laid = layout(big_map(seed=3))
    boxes = [p.box() for p in laid.placed]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
        assert 0 <= a.x0 and a.x1 <= laid.width and 0 <= a.y0 and a.y1 <= laid.height


def test_the_layout_is_deterministic() -> None:
    a = render_svg(layout(big_map()))
    b = render_svg(layout(big_map()))
    assert a == b


def _small(codes: list[str], passages: dict[str, int]) -> Codebook:
    return Codebook(codes=tuple(Code(id=c, label=c.upper(), color="#123456") for c in codes))


def test_node_size_by_passages_and_colours_from_the_codebook() -> None:
    cb = _small(["a", "b", "c"], {})
    tree = ThemeTree(
        (
            Theme(guid="g1", id="t", label={"en": "Waiting", "id": "Menunggu"}, codes=("a", "b")),
            Theme(guid="g2", id="s", label="Sub", parent="t", codes=("c",), color="#abcdef"),
        )
    )
    data = build_map(cb, tree, [], {"a": 100, "b": 1, "c": 0}, {"t": 101, "s": 0}, lang="id")
    laid = layout(data)
    r = {p.node.key: p.r for p in laid.placed}
    assert r["code:a"] == 16.0 and r["code:b"] == 5.2 and r["code:c"] == 4.0
    assert r["theme:t"] == 28.0 and r["theme:s"] == 8.0
    nodes = {n.key: n for n in data.nodes}
    assert nodes["theme:t"].label == "Menunggu"
    assert nodes["code:a"].color == "#123456"
    assert nodes["theme:t"].color == theme_color(0)
    assert nodes["theme:s"].color == "#abcdef"
    assert [(e.source, e.target, e.kind) for e in data.edges] == [
        ("theme:t", "theme:s", "subtheme"),
        ("theme:t", "code:a", "member"),
        ("theme:t", "code:b", "member"),
        ("theme:s", "code:c", "member"),
    ]


def test_a_stored_position_wins_over_the_computed_one() -> None:
    cb = _small(["a", "b"], {})
    tree = ThemeTree((Theme(guid="g1", id="t", label="T", codes=("a", "b")),))
    free = layout(build_map(cb, tree, [], {}, {}))
    where = {p.node.key: (p.x, p.y) for p in free.placed}
    # every node stored where the layout put it: the same drawing comes back
    again = layout(build_map(cb, tree, [], {}, {}, positions=where))
    assert {p.node.key: (p.x, p.y) for p in again.placed} == where
    assert all(p.stored for p in again.placed)
    # one node moved by hand keeps its place relative to the others
    moved = dict(where)
    moved["code:a"] = (where["code:a"][0] + 400, where["code:a"][1] + 300)
    laid = layout(build_map(cb, tree, [], {}, {}, positions=moved))
    got = {p.node.key: (p.x, p.y) for p in laid.placed}
    assert got["code:a"][0] - got["theme:t"][0] == moved["code:a"][0] - moved["theme:t"][0]
    assert got["code:a"][1] - got["theme:t"][1] == moved["code:a"][1] - moved["theme:t"][1]


def test_discarded_themes_are_left_out_and_themes_limit_the_map() -> None:
    cb = _small(["a", "b", "c"], {})
    tree = ThemeTree(
        (
            Theme(guid="g1", id="t", label="T", codes=("a",)),
            Theme(guid="g2", id="s", label="S", parent="t", codes=("b",)),
            Theme(guid="g3", id="u", label="U", codes=("c",)),
            Theme(guid="g4", id="x", label="X", status="discarded", reason="r", codes=("c",)),
        )
    )
    keys = [n.key for n in build_map(cb, tree, [], {}, {}).nodes]
    assert keys == ["theme:t", "theme:s", "theme:u", "code:a", "code:b", "code:c"]
    keys = [n.key for n in build_map(cb, tree, [], {}, {}, themes=["s"]).nodes]
    assert keys == ["theme:s", "code:b"]


def test_width_estimate_and_short_labels() -> None:
    assert text_width("abcd", 10) == 4 * CHAR_EM * 10
    assert text_width("東京", 10) == 4 * CHAR_EM * 10
    assert text_width("e\u0301", 10) == CHAR_EM * 10  # a combining accent takes no room
    assert short_label("a  b\nc") == "a b c"
    assert short_label("x" * 50) == "x" * 39 + "\u2026"
    assert lighter("#000000", 0.5) == "#808080"


@settings(derandomize=True, max_examples=hypothesis_examples(25), deadline=None)
@given(
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=60),
    st.integers(min_value=0, max_value=10_000),
)
def test_any_map_has_no_overlapping_labels(themes: int, codes: int, seed: int) -> None:
    rng = random.Random(seed)
    cb = Codebook(codes=tuple(Code(id=f"c{i}", label=label(rng, 1, 8)) for i in range(codes)))
    tree = ThemeTree(
        tuple(
            Theme(
                guid=f"g{t}",
                id=f"t{t}",
                label=label(rng, 1, 6),
                parent=f"t{rng.randrange(t)}" if t and rng.random() < 0.3 else None,
                codes=tuple(f"c{i}" for i in range(codes) if rng.randrange(themes) == t),
            )
            for t in range(themes)
        )
    )
    passages = {f"c{i}": rng.randrange(300) for i in range(codes)}
    svg = render_svg(layout(build_map(cb, tree, [], passages, {})))
    (vx0, vy0, vx1, vy1), boxes = svg_text_boxes(svg)
    for _text, (x0, y0, x1, y1) in boxes:
        assert vx0 <= x0 and x1 <= vx1 and vy0 <= y0 and y1 <= vy1
    for i, (_ta, a) in enumerate(boxes):
        for _tb, b in boxes[i + 1 :]:
            assert not _overlaps(a, b)
