"""Search hits coded as the hit, its sentence or its turn."""

from __future__ import annotations

import pytest

from qualcode.core.model import Document, Sentence, Turn
from qualcode.core.units import unit_span, unit_spans

TEXT = "I: Berapa lama?\nP: Dua jam antre. Antrean panjang sekali.\n"


def doc() -> Document:
    s1 = TEXT.index("Berapa")
    q_end = TEXT.index("\n")
    a = TEXT.index("Dua")
    b = TEXT.index("Antrean")
    end = len(TEXT) - 1
    return Document(
        name="d",
        guid="g",
        text=TEXT,
        lang="id",
        turns=(
            Turn(1, s1, q_end, "I", "interviewer", label_start=0),
            Turn(2, a, end, "P", "participant", label_start=q_end + 1),
        ),
        sentences=(
            Sentence(1, s1, q_end, 1),
            Sentence(2, a, b - 1, 2),
            Sentence(3, b, end, 2),
        ),
    )


def hit(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


@pytest.mark.parametrize(
    ("unit", "word", "expected"),
    [
        ("hit", "antre", "antre"),
        ("sentence", "antre", "Dua jam antre."),
        ("sentence", "Antrean", "Antrean panjang sekali."),
        ("turn", "antre", "Dua jam antre. Antrean panjang sekali."),
        ("turn", "Berapa", "Berapa lama?"),
        ("sentence", "P:", "P:"),  # in a speaker label: no sentence, the hit itself
    ],
)
def test_unit_span(unit: str, word: str, expected: str) -> None:
    a, b = unit_span(doc(), *hit(word), unit)
    assert TEXT[a:b] == expected


def test_two_hits_in_one_sentence_code_it_once() -> None:
    spans = unit_spans(doc(), [hit("Dua"), hit("antre"), hit("panjang")], "sentence")
    assert [TEXT[a:b] for a, b in spans] == ["Dua jam antre.", "Antrean panjang sekali."]


def test_unknown_unit() -> None:
    with pytest.raises(ValueError, match="unknown unit 'word'"):
        unit_span(doc(), 0, 1, "word")
