"""Sentence boundaries on the committed hand-checked cases (tests/data/sentences)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.nlp.morph import spacy_stop_words
from qualcode.nlp.sentences import split_sentences

CASES = Path(__file__).resolve().parent.parent / "data" / "sentences" / "cases.tsv"


def cases() -> list[tuple[str, list[str]]]:
    """(lang, expected sentences) per line of the set."""
    out = []
    for line in CASES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            lang, marked = line.split("\t")
            out.append((lang, marked.split(" || ")))
    return out


def split(text: str, lang: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text, lang, spacy_stop_words(lang))]


def test_the_set_is_big_enough_and_half_indonesian() -> None:
    found = cases()
    assert len(found) >= 150
    assert sum(lang == "id" for lang, _ in found) * 2 >= len(found)


def test_at_least_98_percent_of_the_cases_are_split_right() -> None:
    found = cases()
    wrong = [(lang, want) for lang, want in found if split(" ".join(want), lang) != want]
    assert 1 - len(wrong) / len(found) >= 0.98, wrong


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Saya sudah bawa surat pengantar RT RW. Pas di kecamatan disuruh fotokopi lagi.",
            ["Saya sudah bawa surat pengantar RT RW.", "Pas di kecamatan disuruh fotokopi lagi."],
        ),
        (
            "Ketemu Pak. Budi di Jl. Merdeka No. 5 tadi.",
            ["Ketemu Pak. Budi di Jl. Merdeka No. 5 tadi."],
        ),
        ("Iya, Bu. Terima kasih.", ["Iya, Bu.", "Terima kasih."]),
        ("saya pulang. terus besok datang lagi.", ["saya pulang.", "terus besok datang lagi."]),
        ("KTP, KK, dll. Terus materai.", ["KTP, KK, dll.", "Terus materai."]),
        ("", []),
    ],
)
def test_rules(text: str, expected: list[str]) -> None:
    assert split(text, "id") == expected


def test_offsets_are_trimmed_and_inside_the_text() -> None:
    text = "  Halo.   Apa kabar?  "
    assert split_sentences(text, "id") == [(2, 7), (10, 20)]
