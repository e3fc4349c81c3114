"""Scoring rules against a coder, sentence by sentence, on hand-built examples."""

from __future__ import annotations

import pytest

from qualcode.core.autocode import covered_sentences, evaluate
from qualcode.core.codebook import parse_codebook

CODEBOOK = parse_codebook(
    {
        "codes": [
            {
                "id": "time",
                "label": "Time",
                "rules": {"keywords": ["antre"]},
                "children": [
                    {"id": "time.long_wait", "label": "Long wait", "rules": {"keywords": ["lama"]}},
                    {"id": "time.on_time", "label": "On time"},
                ],
            },
            {"id": "cost", "label": "Cost", "rules": {"keywords": ["biaya"]}},
            {"id": "product", "label": "Product"},
        ]
    }
)

# ten sentences of 10 characters each in document "a", four in "b"
SENTENCES = {
    "a": [(i * 10, i * 10 + 9) for i in range(10)],
    "b": [(i * 10, i * 10 + 9) for i in range(4)],
}


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(0, 9, [0], id="exactly-one-sentence"),
        pytest.param(5, 25, [0, 1, 2], id="overlaps-three"),
        pytest.param(9, 10, [], id="only-the-gap-between-two"),
        pytest.param(8, 11, [0, 1], id="one-character-each-side"),
        pytest.param(95, 200, [9], id="past-the-end"),
    ],
)
def test_a_coding_covers_every_sentence_it_overlaps(
    start: int, end: int, expected: list[int]
) -> None:
    assert list(covered_sentences(SENTENCES["a"], start, end)) == expected


def test_figures_per_dimension_roll_sub_codes_up_and_sub_codes_stand_alone() -> None:
    gold = [
        ("a", "time.long_wait", 0, 19),  # sentences 0, 1
        ("a", "time.on_time", 40, 49),  # sentence 4
        ("a", "cost", 60, 69),  # sentence 6
        ("b", "cost", 0, 9),  # b:0
        ("a", "product", 80, 89),  # sentence 8 (no rules)
    ]
    predicted = [
        ("a", "time", 0, 9),  # sentence 0: right dimension, not the sub-code
        ("a", "time.long_wait", 10, 19),  # sentence 1
        ("a", "time.long_wait", 20, 29),  # sentence 2: false alarm
        ("a", "cost", 60, 69),  # sentence 6
        ("b", "cost", 10, 19),  # b:1 false alarm; b:0 missed
        ("c", "cost", 0, 9),  # a document the reference did not code: ignored
    ]
    ev = evaluate(CODEBOOK, SENTENCES, gold, predicted, texts={"a": "x" * 100, "b": "y" * 40})
    time = ev.get("time")
    # gold time sentences: 0, 1, 4; predicted: 0, 1, 2
    assert (time.tp, time.fp, time.fn) == (2, 1, 1)
    assert time.precision == pytest.approx(2 / 3)
    assert time.recall == pytest.approx(2 / 3)
    assert time.f1 == pytest.approx(2 / 3)
    long_wait = ev.get("time.long_wait")
    # gold 0, 1; predicted 1, 2 (the dimension's own suggestion does not count here)
    assert (long_wait.tp, long_wait.fp, long_wait.fn) == (1, 1, 1)
    assert [(e.doc, e.sentence) for e in long_wait.misses] == [("a", 1)]
    assert [(e.doc, e.sentence) for e in long_wait.false_alarms] == [("a", 3)]
    on_time = ev.get("time.on_time")
    assert (on_time.tp, on_time.fp, on_time.fn, on_time.precision, on_time.recall) == (
        0,
        0,
        1,
        None,
        0.0,
    )
    assert not on_time.has_rules
    cost = ev.get("cost")
    assert (cost.tp, cost.fp, cost.fn) == (1, 1, 1)
    assert cost.f1 == pytest.approx(0.5)
    product = ev.get("product")
    assert (product.tp, product.fp, product.fn, product.has_rules) == (0, 0, 1, False)
    assert product.f1 is None
    # micro average over the dimensions: time 2/1/1, cost 1/1/1, product 0/0/1
    assert (ev.overall.tp, ev.overall.fp, ev.overall.fn) == (3, 2, 3)
    assert ev.overall.precision == pytest.approx(0.6)
    assert ev.overall.recall == pytest.approx(0.5)
    assert [s.code for s in ev.dimensions()] == ["time", "cost", "product"]
    assert (ev.documents, ev.sentences) == (2, 14)
    assert ev.get("time").misses[0].text == "xxxxxxxxx"


def test_aliases_resolve_and_unknown_codes_are_ignored() -> None:
    cb = parse_codebook(
        {
            "codes": [
                {"id": "cost", "label": "Cost", "aliases": ["biaya"], "rules": {"keywords": ["x"]}}
            ]
        }
    )
    ev = evaluate(
        cb,
        {"a": [(0, 9)]},
        [("a", "biaya", 0, 9), ("a", "nope", 0, 9)],
        [("a", "cost", 0, 9)],
    )
    assert (ev.get("cost").tp, ev.get("cost").fp, ev.get("cost").fn) == (1, 0, 0)
