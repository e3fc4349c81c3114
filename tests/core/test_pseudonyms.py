"""Pseudonyms that move positions: the text with names replaced, and every passage
mapped onto it (REFI-QDA export with --pseudonyms, keyword in context)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.core.pseudonyms import Pseudonymizer
from tests.conftest import hypothesis_examples

NAMES = Pseudonymizer({"Pak Darto": "Informan 1", "Rina": "R", "Sukamaju": "Kelurahan X"})


def test_text_map_replaces_names_and_moves_positions() -> None:
    text = "Kata Pak Darto, Rina datang ke Sukamaju jam delapan."
    new, pm = NAMES.text_map(text)
    assert new == "Kata Informan 1, R datang ke Kelurahan X jam delapan."
    s = text.index("datang")
    assert new[pm.start(s) : pm.end(len(text))] == "datang ke Kelurahan X jam delapan."
    # a passage that starts or ends inside a name takes the whole pseudonym
    inside = text.index("Darto")
    assert new[pm.start(inside) : pm.end(inside + 3)] == "Informan 1"
    assert new[pm.start(0) : pm.end(text.index("Pak") + 2)] == "Kata Informan 1"


words = st.sampled_from(["Pak Darto", "Rina", "Sukamaju", "datang", "jam", "ke", "bu", "x"])


@settings(derandomize=True, max_examples=hypothesis_examples(300))
@given(st.lists(words, min_size=1, max_size=12), st.data())
def test_every_passage_between_words_maps_onto_its_pseudonymised_text(
    parts: list[str], data: st.DataObject
) -> None:
    text = " ".join(parts)
    bounds = [0]
    for p in parts:
        bounds.append(bounds[-1] + len(p) + 1)
    bounds[-1] -= 1  # the end of the text
    starts = bounds[:-1]
    ends = [b - 1 if i < len(bounds) - 1 else b for i, b in enumerate(bounds[1:], start=1)]
    i = data.draw(st.integers(0, len(starts) - 1))
    j = data.draw(st.integers(i, len(ends) - 1))
    s, e = starts[i], ends[j]
    new, pm = NAMES.text_map(text)
    assert new == NAMES.text(text)
    assert new[pm.start(s) : pm.end(e)] == NAMES.text(text[s:e])
    assert pm.start(s) < pm.end(e)
