"""The demo project ships with a thematic analysis built from its interviews."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qualcode import services
from qualcode.core.thematic import Usage
from qualcode.services import themes as svc
from qualcode.store import Project, open_project


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    mp = pytest.MonkeyPatch()
    mp.setenv("QUALCODE_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    mp.setenv("QUALCODE_FAKE_NOW", "2026-01-15T09:30:00Z")
    try:
        db = services.build_demo()
    finally:
        mp.undo()
    project = open_project(str(db))
    yield project
    project.close()


def test_the_demo_has_themes_sub_themes_statuses_and_a_discarded_theme(
    demo_project: Project,
) -> None:
    tree = demo_project.themes.themes()
    assert [(t.id, t.parent, t.status) for t in tree] == [
        ("time_lost", None, "final"),
        ("nobody_at_the_desk", "time_lost", "reviewed"),
        ("paying_to_get_it_done", None, "reviewed"),
        ("shifting_requirements", None, "candidate"),
        ("officers_who_help", None, "candidate"),
        ("facilities_under_strain", None, "candidate"),
        ("wrong_documents", None, "discarded"),
    ]
    assert all(t.definition for t in tree)
    assert tree.get("wrong_documents").reason.startswith("too few passages")  # type: ignore[union-attr]
    assert [m.kind for m in demo_project.memos.memos("theme")] == ["theme"]


def test_every_key_extract_is_a_passage_of_its_theme(demo_project: Project) -> None:
    tree = demo_project.themes.themes()
    quotes = svc.quotes(demo_project)
    n = 0
    for theme in tree:
        for extract in theme.extracts:
            seg = quotes[extract.coding]
            assert seg.code in theme.codes, (theme.id, seg.quote)
            assert seg.coder == "gold"
            # Indonesian passages carry a translation for an English write-up
            assert bool(extract.translation) == (not seg.doc.startswith("interview_"))
            n += 1
    assert n == 13


def test_the_demo_counts_exact(demo_project: Project) -> None:
    view = svc.overview(demo_project, lang="en")
    usage = {t.theme.id: t.usage for t in view.themes}
    assert usage["time_lost"] == Usage(60, 8, 8)
    assert usage["nobody_at_the_desk"] == Usage(36, 8, 8)
    assert usage["facilities_under_strain"] == Usage(17, 7, 7)
    assert len(demo_project.themes.relations()) == 6
    assert {r.type for r in demo_project.themes.relations()} == {
        "leads_to",
        "is_associated_with",
        "contradicts",
        "refines",
        "illustrates",
    }
    card = svc.dimension_scorecard(demo_project, by="attribute:role")
    row = next(r for r in card.rows if (r.dimension, r.group) == ("time", "resident"))
    assert (row.negative.usage.passages, row.positive.usage.passages) == (19, 11)
