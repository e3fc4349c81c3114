"""The simple (unindexed) search: exact text and lemmas, filters, keyword in context."""

from __future__ import annotations

import pytest

from qualcode import services
from qualcode.core.search import find_lemmas, kwic
from qualcode.errors import InputError, NotFoundError
from qualcode.store import Project

DOC = "wawancara_01_pedagang_pasar"


def test_exact_search_finds_every_occurrence_with_context(demo: Project) -> None:
    hits = demo.kwic.search_text("antre", doc=DOC)
    text = demo.documents.document(DOC).text
    assert [text[h.start : h.end].lower() for h in hits] == ["antre", "antre"]
    # "mengantre" contains "antre": exact search is a substring search
    first = hits[0]
    assert first.match == "antre"
    assert first.left.endswith("yang ")
    assert first.right.startswith(" di sini")
    assert first.speaker == "Narasumber"
    assert "\n" not in first.left + first.right


def test_lemma_search_finds_inflected_forms(demo: Project) -> None:
    hits = services.search_kwic(demo, "mengantre", lemma=True, doc=DOC)
    assert [h.match for h in hits] == ["antre", "mengantre"]
    assert [h.match for h in demo.kwic.search_text("mengantre", doc=DOC)] == ["mengantre"]
    # without a lemmatizer the lemma column is matched as typed
    # a sentence whose word cannot be pinned down is a hit as a whole
    plain = demo.kwic.search_text("antre", lemma=True, doc=DOC)
    assert plain[0].match == "antre"
    assert "mengantre" in plain[1].match and plain[1].match.endswith(".")


def test_filters_by_code_and_speaker(demo: Project) -> None:
    hits = demo.kwic.search_text("nunggu", doc=DOC)
    assert hits
    assert demo.kwic.search_text("nunggu", doc=DOC, code="cost") == []
    h = hits[0]
    demo.codings.apply_coding(DOC, "cost.unofficial_fee", h.start - 3, h.end + 3)
    assert [x.start for x in demo.kwic.search_text("nunggu", doc=DOC, code="cost")] == [h.start]
    assert demo.kwic.search_text("nunggu", doc=DOC, speaker="Pewawancara") == []
    assert len(demo.kwic.search_text("nunggu", doc=DOC, speaker="narasumber")) == len(hits)


def test_bad_queries(demo: Project) -> None:
    with pytest.raises(InputError, match="type something"):
        demo.kwic.search_text("  ")
    with pytest.raises(NotFoundError, match="unknown code"):
        demo.kwic.search_text("antre", code="nope")
    assert demo.kwic.search_text("100%_") == []


def test_kwic_and_lemma_runs() -> None:
    text = "Saya\nmenunggu dua jam di loket."
    assert kwic(text, 5, 13, 10) == ("Saya ", "menunggu", " dua jam d")
    table = {"menunggu": "tunggu", "jam": "jam"}
    assert find_lemmas(text, ["tunggu", "dua"], "id", lambda w, _l: table.get(w, w)) == [(5, 17)]
