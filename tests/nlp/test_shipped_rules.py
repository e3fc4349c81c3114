"""The shipped rules against the hand-coded gold standard of the demo corpus."""

from __future__ import annotations

import pytest

from qualcode import services
from qualcode.core.autocode import Evaluation
from qualcode.store import Project
from tests.conftest import ROOT

GOLD = ROOT / "transcripts" / "gold" / "codings.yaml"
DIMENSIONS = ("procedure", "time", "cost", "product", "facilities", "competence")
MIN_RECALL = 0.6
MIN_PRECISION = 0.5


@pytest.fixture
def evaluation(demo: Project) -> Evaluation:
    ev, who = services.evaluate_rules(demo, gold=GOLD)
    assert who == "gold"
    return ev


def test_every_gold_quote_is_in_its_document_and_all_dimensions_are_coded(demo: Project) -> None:
    ref = services.load_codings_file(demo, GOLD)
    assert ref.coder == "gold"
    assert len(ref.codings) == 320
    codebook = demo.codebook()
    assert {codebook.top_level(code) for _, code, _, _, _ in ref.codings} == set(DIMENSIONS)
    texts = {d.name: d.text for d in demo.suggestions.documents_full()}
    assert len({doc for doc, _, _, _, _ in ref.codings}) == 8
    for doc, _code, start, end, _memo in ref.codings:
        assert texts[doc][start:end].strip() == texts[doc][start:end]


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_each_dimension_reaches_the_thresholds(evaluation: Evaluation, dimension: str) -> None:
    row = evaluation.get(dimension)
    assert row.recall is not None and row.recall >= MIN_RECALL, (dimension, row)
    assert row.precision is not None and row.precision >= MIN_PRECISION, (dimension, row)


def test_the_guide_table_holds_the_measured_figures(evaluation: Evaluation) -> None:
    lines = (ROOT / "docs" / "autocode.md").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("<!-- autocode-figures"))
    table = {}
    for line in lines[start + 3 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        table[cells[0]] = cells[1:]
    rows = {s.code: s for s in evaluation.dimensions()}
    rows["all dimensions (micro)"] = evaluation.overall
    assert set(table) == set(rows)
    for name, row in rows.items():
        assert row.precision is not None and row.recall is not None and row.f1 is not None
        assert table[name] == [
            str(row.gold),
            str(row.predicted),
            str(row.tp),
            f"{row.precision:.2f}",
            f"{row.recall:.2f}",
            f"{row.f1:.2f}",
        ], name
